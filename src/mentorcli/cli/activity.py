"""``mentorcli activity …``: the support given, by whom, to which clients."""

from __future__ import annotations

from typing import Annotated

import typer

from mentorcli.cli.common import STAFF_NAME, DateOpt, Format, FormatOpt, as_date, register, say, settings
from mentorcli.core.casework import check_language
from mentorcli.core.messages import N_
from mentorcli.core.numbers import MINUTES, parse_int
from mentorcli.render.screen import listing
from mentorcli.store import activities as store

app = typer.Typer(help="Log the support given: visits, accompanying, registrations.", no_args_is_help=True)
type_app = typer.Typer(help="The kinds of activity: built in, and added by the coordinator.", no_args_is_help=True)
app.add_typer(type_app, name="type")

COLUMNS = ("id", "date", "type", "staff", "minutes", "interpreter", "clients", "has_note")


@app.command("add")
def add(
    ctx: typer.Context,
    codes: Annotated[str, typer.Argument(help="One case code, or several separated by commas (a family visit).")],
    kind: Annotated[str, typer.Option("--type", help="The kind of activity (see: activity type list).")],
    date: DateOpt,
    staff: Annotated[str, typer.Option("--staff", help=f"Who gave the support ({STAFF_NAME}).")],
    minutes: Annotated[str | None, typer.Option("--minutes", help="How long it took.")] = None,
    interpreter: Annotated[
        str | None,
        typer.Option(
            "--interpreter",
            help="Language interpreted, when an interpreter took part: an ISO 639 code or its name in English "
            "or Latvian (ar, arabic, arābu); stored as the code.",
        ),
    ] = None,
    note: Annotated[str | None, typer.Option("--note", help="Free text (kept out of the audit log and lists).")] = None,
) -> None:
    """Log one activity for one client or several at once."""
    day = as_date(date)
    clients = [c.strip() for c in codes.split(",") if c.strip()]
    spent = parse_int(minutes, "--minutes", MINUTES) if minutes is not None else None
    values = spent, check_language(interpreter, "--interpreter")
    text = note.strip() if note and note.strip() else None
    with register(ctx, write=True) as reg:
        aid = store.add_activity(reg, clients, kind, day, staff, *values, text)
    say(
        N_(
            "activity {id}: {kind} on {day} for {codes}",
            id=aid,
            kind=kind.strip().lower(),
            day=day,
            codes=", ".join(clients),
        )
    )


@app.command("list")
def list_(
    ctx: typer.Context,
    client: Annotated[str | None, typer.Option("--client", help="Only activities with this client.")] = None,
    staff: Annotated[
        str | None, typer.Option("--staff", help=f"Only activities by this staff member ({STAFF_NAME}).")
    ] = None,
    kind: Annotated[str | None, typer.Option("--type", help="Only activities of this type.")] = None,
    start: Annotated[str | None, typer.Option("--from", help="From this day.")] = None,
    end: Annotated[str | None, typer.Option("--to", help="Up to this day.")] = None,
    with_notes: Annotated[bool, typer.Option("--with-notes", help="Also print the notes (free text).")] = False,
    format: FormatOpt = Format.table,
) -> None:
    """Activities, oldest first; notes only with --with-notes, client names never."""
    first = as_date(start, "--from") if start is not None else None
    last = as_date(end, "--to") if end is not None else None
    with register(ctx, write=False) as reg:
        rows = store.list_activities(
            reg, code=client, by=staff, kind=kind, start=first, end=last, with_notes=with_notes
        )
    columns = (*COLUMNS, "note") if with_notes else COLUMNS
    typer.echo(listing(rows, format.value, columns, settings(ctx).lang))


@type_app.command("add")
def type_add(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="Lower-case words joined by '-', e.g. job-fair.")],
) -> None:
    """Add a kind of activity to the list."""
    with register(ctx, write=True) as reg:
        added = store.add_activity_type(reg, name)
    say(N_("activity type {name}: added", name=added))


@type_app.command("list")
def type_list(ctx: typer.Context, format: FormatOpt = Format.table) -> None:
    """The kinds of activity: built in first."""
    with register(ctx, write=False) as reg:
        rows = store.activity_types(reg)
    typer.echo(listing(rows, format.value, ("name", "builtin"), settings(ctx).lang))
