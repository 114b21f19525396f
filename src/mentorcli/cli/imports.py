"""``mentorcli import …``: load records from CSV files, the whole file or nothing."""

from __future__ import annotations

import gc
from functools import partial
from pathlib import Path
from typing import Annotated, Any

import typer
import typer.core

from mentorcli.cli.clients import warn_duplicates
from mentorcli.cli.common import as_date, progress, register, say, settings
from mentorcli.core.casework import SOCIAL_WORKER, check_language, check_minutes, check_name, check_role
from mentorcli.core.duplicates import Candidate
from mentorcli.core.errors import InputError
from mentorcli.core.messages import N_, NP_
from mentorcli.store.activities import Imported
from mentorcli.store.assignments import Loads, assign
from mentorcli.store.bulk import Bulk, date_order
from mentorcli.store.db import indexes_set_aside
from mentorcli.store.duplicates import for_client
from mentorcli.store.export import COLUMNS
from mentorcli.store.importer import (
    ImportFailed,
    Row,
    check_fields,
    collect_rows,
    header,
    iter_rows,
    malformed,
    name_problems,
)
from mentorcli.store.register import Register
from mentorcli.store.staff import add_staff


class ImportGroup(typer.core.TyperGroup):
    """``import FILE…`` beside ``import KIND FILE``: a first word that names no command is a file."""

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:
        words = [a for a in args if not a.startswith("-")]
        if words and words[0] not in self.commands:
            args = [SEVERAL, *args]
        return super().parse_args(ctx, args)


SEVERAL = "all"
app = typer.Typer(
    cls=ImportGroup,
    help="Load records from CSV files (UTF-8, ',' or ';'); a bad row writes nothing. "
    "'mentorcli import FILE…' (or a folder) imports several files as one.",
    no_args_is_help=True,
)

FileArg = Annotated[Path, typer.Argument(help="The CSV file.", dir_okay=False)]
DryRun = Annotated[bool, typer.Option("--dry-run", help="Check every row, report, write nothing.")]

# The files' columns are one contract (SPEC 6): what export writes, import reads back.
CLIENT_COLUMNS = COLUMNS["clients"]
EVENT_COLUMNS = COLUMNS["events"]
STAFF_COLUMNS = COLUMNS["staff"]
ASSIGNMENT_COLUMNS = COLUMNS["assignments"]
ACTIVITY_COLUMNS = COLUMNS["activities"]


def _optional(check: Any) -> Any:
    return lambda text: check(text) if text else None


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


def assignment_row(reg: Register, row: Row, loads: Loads | None = None) -> None:
    v = check_fields(row, {"from": lambda t: as_date(t, "from"), "to": _optional(lambda t: as_date(t, "to"))})
    assign(reg, row.values["code"], row.values["worker"], row.values["mentor"], v["from"], v["to"], loads=loads)


def activity_row(batch: Imported, row: Row) -> None:
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
    batch.add(codes, row.values["type"], v["date"], row.values["staff"], v["minutes"], v["interpreter"], v["note"])


# Up to this many new clients an import warns of probable duplicates itself (SPEC: never refuses).
DUPLICATES_ONE_BY_ONE = 2000

KINDS: dict[str, tuple[tuple[str, ...], tuple[str, ...], str]] = {
    # kind: columns, required columns, what the rows are
    "clients": (CLIENT_COLUMNS, ("code", "sex", "born", "country", "arrived", "route", "residence"), "clients"),
    "events": (EVENT_COLUMNS, ("code", "date", "event"), "events"),
    "staff": (STAFF_COLUMNS, ("name", "role", "from"), "staff members"),
    "assignments": (ASSIGNMENT_COLUMNS, ("code", "worker", "mentor", "from"), "assignments"),
    "activities": (ACTIVITY_COLUMNS, ("code", "date", "type", "staff"), "activities"),
}


def _activities(reg: Register, path: Path) -> tuple[list[str], int]:
    """activities.csv: every row checked as ``activity add`` checks it, with nothing written that a
    later row could depend on, so without a savepoint each; written in sets. The problems and the
    number of rows."""
    columns, required, _ = KINDS["activities"]
    # Many: read once to count them (the audit entry comes first), then checked as read again; a
    # million rows held at once took 900 MB.
    n = sum(1 for _ in iter_rows(path, columns, required))
    if not n:
        return [], 0  # nothing to audit
    batch = Imported(reg, reg.audit("import", "activities", path.name, {"rows": n}))
    problems: list[str] = []
    with indexes_set_aside(reg.conn, {"activities": n, "activity_clients": n}), progress(n, "importing") as step:
        for done, row in enumerate(iter_rows(path, columns, required), start=1):
            if step:
                step(done)
            if bad := malformed(path, row):
                problems.append(bad)
                continue
            try:
                activity_row(batch, row)
            except InputError as e:
                problems += name_problems(path, row.line, row.values, e, "code")
        batch.flush()
    return problems, n


def _one_by_one(reg: Register, path: Path, kind: str) -> tuple[list[str], int]:
    """Staff and assignments: each row as its command, in a savepoint, under one audit entry for
    the file. Returns the problems and the number of rows."""
    if kind == "activities":
        return _activities(reg, path)
    columns, required, _ = KINDS[kind]
    rows = list(iter_rows(path, columns, required))
    if kind == "staff":
        rows.sort(key=lambda r: r.values["role"].strip().lower() != SOCIAL_WORKER)
        apply = staff_row
    else:
        rows.sort(key=lambda r: date_order(r, "from"))
        apply = partial(assignment_row, loads=Loads(reg))
    n = len(rows)
    if not n:
        return [], 0  # nothing to audit
    with reg.one_audit_entry("import", kind, path.name, {"rows": n}), progress(n, "importing") as step:
        problems = collect_rows(reg, path, rows, lambda r: apply(reg, r), "code", progress=step)
    return problems, n


def _import(ctx: typer.Context, files: list[tuple[str, Path]], dry_run: bool) -> None:
    """Read, check and write the files as one transaction: clients and events in sets, then the rest."""
    db = settings(ctx).db
    fresh = not db.exists()  # nothing was written: then leave no empty database behind either
    order = list(KINDS)
    files = sorted(files, key=lambda f: order.index(f[0]))
    counts: dict[Path, int] = {}
    probably: list[Candidate] = []
    # A hundred thousand clients' rows live until they are written, and make no reference cycles:
    # the collector would walk all of them again and again for nothing.
    gc.disable()
    try:
        with register(ctx, write=True, commit=not dry_run) as reg:
            batch = Bulk(reg)
            for kind, path in files:
                # Rows are read one at a time and kept only as what checking them needs.
                if kind == "clients":
                    counts[path] = batch.add_clients(path, CLIENT_COLUMNS, iter_rows(path, *KINDS[kind][:2]))
                elif kind == "events":
                    counts[path] = batch.add_events(path, EVENT_COLUMNS, iter_rows(path, *KINDS[kind][:2]))
            problems = batch.check()
            rest = [(k, p) for k, p in files if k not in ("clients", "events")]
            if problems and not rest:
                _failed(files, problems)
            # Written even when a row is bad, so that the later files are checked against it; then undone.
            batch.write()
            # Looked for one by one as `client add` does, for a file of new arrivals; a whole
            # register migrated at once is better served by one `client duplicates` afterwards.
            if sum(not c.refused for c in batch.order) <= DUPLICATES_ONE_BY_ONE:
                for code in [c.code for c in batch.order if not c.refused]:
                    probably += for_client(reg, code)
            del batch  # a hundred thousand clients' rows, not needed by the files that follow
            for kind, path in rest:
                found, counts[path] = _one_by_one(reg, path, kind)
                problems += found
            if problems:
                _failed(files, problems)
    except BaseException:
        if fresh:
            _remove(db)
        raise
    finally:
        gc.enable()
    if fresh and dry_run:
        _remove(db)
    for kind, path in files:
        say(_imported(path.name, KINDS[kind][2], counts[path], dry_run))
    warn_duplicates(probably, settings(ctx).lang)


def _failed(files: list[tuple[str, Path]], problems: list[str]) -> None:
    raise ImportFailed(", ".join(p.name for _, p in files), problems)


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
    _import(ctx, [("clients", file)], dry_run)


@app.command("events")
def events(ctx: typer.Context, file: FileArg, dry_run: DryRun = False) -> None:
    """events.csv: code,date,event,value; rows are applied in date order."""
    _import(ctx, [("events", file)], dry_run)


@app.command("staff")
def staff(ctx: typer.Context, file: FileArg, dry_run: DryRun = False) -> None:
    """staff.csv: name,role,team,from,to; social workers are added before the mentors of their teams."""
    _import(ctx, [("staff", file)], dry_run)


@app.command("assignments")
def assignments(ctx: typer.Context, file: FileArg, dry_run: DryRun = False) -> None:
    """assignments.csv: code,worker,mentor,from,to; in date order, each row as 'assign' (no --force)."""
    _import(ctx, [("assignments", file)], dry_run)


@app.command("activities")
def activities(ctx: typer.Context, file: FileArg, dry_run: DryRun = False) -> None:
    """activities.csv: code,date,type,staff,minutes,interpreter,note; one activity per row."""
    _import(ctx, [("activities", file)], dry_run)


@app.command(SEVERAL)
def several(
    ctx: typer.Context,
    paths: Annotated[
        list[Path],
        typer.Argument(
            help="CSV files, each of a kind its header shows, or a folder holding clients.csv, events.csv, "
            "staff.csv, assignments.csv, activities.csv.",
            show_default=False,
        ),
    ],
    dry_run: DryRun = False,
) -> None:
    """Several files as one import (also: mentorcli import FILE…): all are written, or none."""
    files: list[tuple[str, Path]] = []
    for path in paths:
        if path.is_dir():
            found = [(kind, path / f"{kind}.csv") for kind in KINDS if (path / f"{kind}.csv").is_file()]
            if not found:
                names = ", ".join(k + ".csv" for k in KINDS)
                raise InputError(N_("'{value}' holds none of {names}", value=path, names=names), field="folder")
            files += found
        else:
            files.append((kind_of(path), path))
    for i, (kind, path) in enumerate(files):
        if earlier := next((p for k, p in files[:i] if k == kind), None):
            raise InputError(
                N_(
                    "{file} and {other} are both {kind} files; give one of each kind",
                    file=path.name,
                    other=earlier.name,
                    kind=kind,
                ),
                field="file",
            )
    _import(ctx, files, dry_run)


def kind_of(path: Path) -> str:
    """The kind of file its header shows: the one whose columns it has."""
    columns = set(header(path))
    for kind, (allowed, required, _) in KINDS.items():
        if columns <= set(allowed) and set(required) <= columns:
            return kind
    kinds = "; ".join(f"{k}: {','.join(c)}" for k, (c, _, _) in KINDS.items())
    raise InputError(N_("{file}:1: the header fits no kind of file ({kinds})", file=path.name, kinds=kinds))
