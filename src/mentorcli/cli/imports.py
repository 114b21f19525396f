"""``mentorcli import …``: load records from CSV files, the whole file or nothing."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from mentorcli.cli.clients import warn_duplicates
from mentorcli.cli.common import as_date, progress, register, say, settings
from mentorcli.core import clients as fields
from mentorcli.core.casework import SOCIAL_WORKER, check_language, check_minutes, check_name, check_role
from mentorcli.core.clients import Client
from mentorcli.core.countries import parse_country
from mentorcli.core.dates import parse_birth
from mentorcli.core.duplicates import Candidate
from mentorcli.core.errors import InputError, Problems
from mentorcli.core.events import check_event
from mentorcli.core.messages import NP_
from mentorcli.store.activities import add_activity
from mentorcli.store.assignments import assign
from mentorcli.store.clients import add_client, record_event
from mentorcli.store.consent import give
from mentorcli.store.duplicates import for_client
from mentorcli.store.importer import Row, apply_rows, check_fields, read_rows
from mentorcli.store.register import Register
from mentorcli.store.staff import add_staff

app = typer.Typer(
    help="Load records from CSV files (UTF-8, ',' or ';'); a bad row writes nothing.", no_args_is_help=True
)

FileArg = Annotated[Path, typer.Argument(help="The CSV file.", dir_okay=False)]
DryRun = Annotated[bool, typer.Option("--dry-run", help="Check every row, report, write nothing.")]

CLIENT_COLUMNS = (
    "code",
    "name",
    "sex",
    "born",
    "country",
    "arrived",
    "route",
    "residence",
    "family",
    "intake",
    "consent",
)
EVENT_COLUMNS = ("code", "date", "event", "value")
STAFF_COLUMNS = ("name", "role", "team", "from", "to")
ASSIGNMENT_COLUMNS = ("code", "worker", "mentor", "from", "to")
ACTIVITY_COLUMNS = ("code", "date", "type", "staff", "minutes", "interpreter", "note")


def _optional(check: Any) -> Any:
    return lambda text: check(text) if text else None


def client_row(reg: Register, row: Row, probably: list[Candidate] | None = None) -> None:
    v = check_fields(
        row,
        {
            "code": fields.check_code,
            "sex": fields.check_sex,
            "born": lambda t: parse_birth(t, "born"),
            "country": parse_country,
            "arrived": lambda t: as_date(t, "arrived"),
            "route": fields.check_route,
            "residence": fields.check_residence,
            "family": fields.check_family,
            "intake": _optional(lambda t: as_date(t, "intake")),
            "consent": _optional(lambda t: as_date(t, "consent")),
        },
    )
    client = Client(
        code=v["code"],
        sex=v["sex"],
        born=v["born"][0],
        born_year_only=v["born"][1],
        country=v["country"],
        arrived=v["arrived"],
        route=v["route"],
        residence=v["residence"],
        family=v["family"],
        name=row.values.get("name") or None,
    )
    add_client(reg, client, v["intake"])
    if v["consent"] is not None:
        give(reg, client.code, v["consent"], "consent")
    if probably is not None:
        probably += for_client(reg, client.code)


def event_row(reg: Register, row: Row) -> None:
    v = row.values
    errors = []
    for check in (lambda: as_date(v["date"], "date"), lambda: check_event(v["event"], v.get("value"))):
        try:
            check()
        except InputError as e:
            errors.append(e)
    if errors:
        raise Problems(errors)
    record_event(reg, v["code"], as_date(v["date"], "date"), v["event"], v.get("value"))


def staff_row(reg: Register, row: Row) -> None:
    v = check_fields(
        row,
        {
            "name": check_name,
            "role": check_role,
            "from": lambda t: as_date(t, "from"),
            "to": _optional(lambda t: as_date(t, "to")),
        },
    )
    add_staff(reg, v["name"], v["role"], v["from"], row.values.get("team") or None, v["to"])


def assignment_row(reg: Register, row: Row) -> None:
    v = check_fields(row, {"from": lambda t: as_date(t, "from"), "to": _optional(lambda t: as_date(t, "to"))})
    assign(reg, row.values["code"], row.values["worker"], row.values["mentor"], v["from"], v["to"])


def activity_row(reg: Register, row: Row) -> None:
    v = check_fields(
        row,
        {
            "date": lambda t: as_date(t, "date"),
            "minutes": check_minutes,
            "interpreter": check_language,
            "note": lambda t: t or None,
        },
    )
    codes = [row.values["code"]]
    add_activity(
        reg, codes, row.values["type"], v["date"], row.values["staff"], v["minutes"], v["interpreter"], v["note"]
    )


def _run(
    ctx: typer.Context, path: Path, dry_run: bool, kind: str, rows: list[Row], apply: Any, unique: str | None = None
) -> None:
    db = settings(ctx).db
    fresh = not db.exists()  # nothing was written: then leave no empty database behind either
    try:
        with register(ctx, write=True, commit=not dry_run) as reg, progress(len(rows), "importing") as step:
            n = apply_rows(reg, path, rows, lambda r: apply(reg, r), "code", unique=unique, progress=step)
    except BaseException:
        if fresh:
            _remove(db)
        raise
    if fresh and dry_run:
        _remove(db)
    say(_imported(path.name, kind, n, dry_run))


def _imported(file: str, kind: str, n: int, dry_run: bool) -> str:
    """What an import did, with the number agreeing with its noun."""
    if dry_run:
        said = {
            "clients": NP_("{file}: would import {n} client", "{file}: would import {n} clients", n, file=file),
            "events": NP_("{file}: would import {n} event", "{file}: would import {n} events", n, file=file),
            "staff members": NP_(
                "{file}: would import {n} staff member", "{file}: would import {n} staff members", n, file=file
            ),
            "assignments": NP_(
                "{file}: would import {n} assignment", "{file}: would import {n} assignments", n, file=file
            ),
            "activities": NP_("{file}: would import {n} activity", "{file}: would import {n} activities", n, file=file),
        }
    else:
        said = {
            "clients": NP_("{file}: imported {n} client", "{file}: imported {n} clients", n, file=file),
            "events": NP_("{file}: imported {n} event", "{file}: imported {n} events", n, file=file),
            "staff members": NP_(
                "{file}: imported {n} staff member", "{file}: imported {n} staff members", n, file=file
            ),
            "assignments": NP_("{file}: imported {n} assignment", "{file}: imported {n} assignments", n, file=file),
            "activities": NP_("{file}: imported {n} activity", "{file}: imported {n} activities", n, file=file),
        }
    return said[kind]


def _remove(db: Path) -> None:
    for f in (db, db.with_name(db.name + "-wal"), db.with_name(db.name + "-shm")):
        f.unlink(missing_ok=True)


@app.command("clients")
def clients(ctx: typer.Context, file: FileArg, dry_run: DryRun = False) -> None:
    """clients.csv: code,name,sex,born,country,arrived,route,residence,family,intake[,consent]."""
    optional = ("name", "family", "intake", "consent")
    rows = read_rows(file, CLIENT_COLUMNS, tuple(c for c in CLIENT_COLUMNS if c not in optional))
    probably: list[Candidate] = []
    _run(ctx, file, dry_run, "clients", rows, lambda reg, row: client_row(reg, row, probably), unique="code")
    warn_duplicates(probably, settings(ctx).lang)


@app.command("events")
def events(ctx: typer.Context, file: FileArg, dry_run: DryRun = False) -> None:
    """events.csv: code,date,event,value; rows are applied in date order."""
    rows = read_rows(file, EVENT_COLUMNS, ("code", "date", "event"))
    _run(ctx, file, dry_run, "events", sorted(rows, key=_date_order), event_row)


def _date_order(row: Row, column: str = "date") -> tuple[int, int]:
    """Rows in date order (stable); a row with a bad date goes first, where its error is found."""
    try:
        return 1, as_date(row.values[column], column).toordinal()
    except InputError:
        return 0, 0


@app.command("staff")
def staff(ctx: typer.Context, file: FileArg, dry_run: DryRun = False) -> None:
    """staff.csv: name,role,team,from,to; social workers are added before the mentors of their teams."""
    rows = read_rows(file, STAFF_COLUMNS, ("name", "role", "from"))
    workers_first = sorted(rows, key=lambda r: r.values["role"].strip().lower() != SOCIAL_WORKER)
    _run(ctx, file, dry_run, "staff members", workers_first, staff_row)


@app.command("assignments")
def assignments(ctx: typer.Context, file: FileArg, dry_run: DryRun = False) -> None:
    """assignments.csv: code,worker,mentor,from,to; in date order, each row as 'assign' (no --force)."""
    rows = read_rows(file, ASSIGNMENT_COLUMNS, ("code", "worker", "mentor", "from"))
    _run(ctx, file, dry_run, "assignments", sorted(rows, key=lambda r: _date_order(r, "from")), assignment_row)


@app.command("activities")
def activities(ctx: typer.Context, file: FileArg, dry_run: DryRun = False) -> None:
    """activities.csv: code,date,type,staff,minutes,interpreter,note; one activity per row."""
    rows = read_rows(file, ACTIVITY_COLUMNS, ("code", "date", "type", "staff"))
    _run(ctx, file, dry_run, "activities", rows, activity_row)
