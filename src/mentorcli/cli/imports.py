"""``mentorcli import …``: load records from CSV files, the whole file or nothing."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any, TextIO

import typer
import typer.core

from mentorcli.cli.common import as_date, register, settings
from mentorcli.core.casework import SOCIAL_WORKER, check_language, check_minutes, check_name, check_role
from mentorcli.core.errors import InputError
from mentorcli.store import casework
from mentorcli.store.bulk import Bulk, date_order
from mentorcli.store.importer import ImportFailed, Row, check_fields, collect_rows, header, iter_rows
from mentorcli.store.register import Register


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

CLIENT_COLUMNS = ("code", "name", "sex", "born", "country", "arrived", "route", "residence", "family", "intake")
EVENT_COLUMNS = ("code", "date", "event", "value")
STAFF_COLUMNS = ("name", "role", "team", "from", "to")
ASSIGNMENT_COLUMNS = ("code", "worker", "mentor", "from", "to")
ACTIVITY_COLUMNS = ("code", "date", "type", "staff", "minutes", "interpreter", "note")


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
    casework.add_staff(reg, v["name"], v["role"], v["from"], row.values.get("team") or None, v["to"])


def assignment_row(reg: Register, row: Row) -> None:
    v = check_fields(row, {"from": lambda t: as_date(t, "from"), "to": _optional(lambda t: as_date(t, "to"))})
    casework.assign(reg, row.values["code"], row.values["worker"], row.values["mentor"], v["from"], v["to"])


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
    casework.add_activity(
        reg, codes, row.values["type"], v["date"], row.values["staff"], v["minutes"], v["interpreter"], v["note"]
    )


KINDS: dict[str, tuple[tuple[str, ...], tuple[str, ...], str]] = {
    # kind: columns, required columns, what the rows are
    "clients": (CLIENT_COLUMNS, ("code", "sex", "born", "country", "arrived", "route", "residence"), "clients"),
    "events": (EVENT_COLUMNS, ("code", "date", "event"), "events"),
    "staff": (STAFF_COLUMNS, ("name", "role", "from"), "staff members"),
    "assignments": (ASSIGNMENT_COLUMNS, ("code", "worker", "mentor", "from"), "assignments"),
    "activities": (ACTIVITY_COLUMNS, ("code", "date", "type", "staff"), "activities"),
}


def _one_by_one(reg: Register, path: Path, kind: str, rows: Iterable[Row], progress: Any) -> tuple[list[str], int]:
    """Staff, assignments and activities: each row as its command, in a savepoint; one audit entry.

    Returns the problems and the number of rows."""
    if kind == "staff":
        rows = sorted(rows, key=lambda r: r.values["role"].strip().lower() != SOCIAL_WORKER)
        apply: Any = staff_row
    elif kind == "assignments":
        rows, apply = sorted(rows, key=lambda r: date_order(r, "from")), assignment_row
    else:
        apply = activity_row
    n = 0

    def counted() -> Iterator[Row]:
        nonlocal n
        for row in rows:
            n += 1
            yield row

    with reg.one_audit_entry():
        problems = collect_rows(reg, path, counted(), lambda r: apply(reg, r), "code", progress=progress)
    reg.audit("import", kind, path.name, {"rows": n})
    return problems, n


def _import(ctx: typer.Context, files: list[tuple[str, Path]], dry_run: bool) -> None:
    """Read, check and write the files as one transaction: clients and events in sets, then the rest."""
    db = settings(ctx).db
    fresh = not db.exists()  # nothing was written: then leave no empty database behind either
    order = list(KINDS)
    files = sorted(files, key=lambda f: order.index(f[0]))
    counts: dict[Path, int] = {}

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
            # Written even when a row is bad, so the later files are checked against it; then undone.
            batch.write()
            for kind, path in rest:
                # Activities are many and need no order: read one at a time, counted as they go.
                columns, required, _ = KINDS[kind]
                rows: Iterable[Row] = iter_rows(path, columns, required)
                if kind != "activities":
                    rows = list(rows)
                with _progress(_lines(path) if kind == "activities" else len(rows)) as progress:  # type: ignore[arg-type]
                    found, counts[path] = _one_by_one(reg, path, kind, rows, progress)
                problems += found
            if problems:
                _failed(files, problems)
    except BaseException:
        if fresh:
            _remove(db)
        raise
    if fresh and dry_run:
        _remove(db)
    verb = "would import" if dry_run else "imported"
    for kind, path in files:
        typer.echo(f"{path.name}: {verb} {counts[path]} {KINDS[kind][2]}")


def _lines(path: Path) -> int:
    """About how many rows a file has (a quoted cell may span lines): enough for a progress bar."""
    with path.open("rb") as f:
        return sum(1 for _ in f) - 1


def _failed(files: list[tuple[str, Path]], problems: list[str]) -> None:
    raise ImportFailed(", ".join(p.name for _, p in files), problems)


PROGRESS_FROM = 500


@contextmanager
def _progress(total: int, stream: TextIO | None = None) -> Iterator[Callable[[int], None] | None]:
    """A progress bar for a long import on a terminal; nothing in a pipe or a log."""
    stream = stream or sys.stderr
    if total <= PROGRESS_FROM or not stream.isatty():
        yield None
        return
    from rich.console import Console
    from rich.progress import Progress

    with Progress(console=Console(file=stream), transient=True) as bar:
        task = bar.add_task("importing", total=total)
        yield lambda done: bar.update(task, completed=done)


def _remove(db: Path) -> None:
    for f in (db, db.with_name(db.name + "-wal"), db.with_name(db.name + "-shm")):
        f.unlink(missing_ok=True)


@app.command("clients")
def clients(ctx: typer.Context, file: FileArg, dry_run: DryRun = False) -> None:
    """clients.csv: code,name,sex,born,country,arrived,route,residence,family,intake."""
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
                raise InputError(f"folder: '{path}' holds none of {', '.join(k + '.csv' for k in KINDS)}")
            files += found
        else:
            files.append((kind_of(path), path))
    for i, (kind, path) in enumerate(files):
        if earlier := next((p for k, p in files[:i] if k == kind), None):
            raise InputError(f"file: {path.name} and {earlier.name} are both {kind} files; give one of each kind")
    _import(ctx, files, dry_run)


def kind_of(path: Path) -> str:
    """The kind of file its header shows: the one whose columns it has."""
    columns = set(header(path))
    for kind, (allowed, required, _) in KINDS.items():
        if columns <= set(allowed) and set(required) <= columns:
            return kind
    kinds = "; ".join(f"{k}: {','.join(c)}" for k, (c, _, _) in KINDS.items())
    raise InputError(f"{path.name}:1: the header fits no kind of file ({kinds})")
