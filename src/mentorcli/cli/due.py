"""``mentorcli due``: deadlines coming up, and what needs the coordinator today."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated

import typer

from mentorcli.cli.common import ForceOpt, Format, FormatOpt, register, settings
from mentorcli.core.due import DEFAULT_WITHIN, due_items
from mentorcli.core.numbers import WITHIN_DAYS, parse_int
from mentorcli.render.screen import listing
from mentorcli.store import due as store

COLUMNS = ("date", "kind", "code", "staff", "goal", "area", "load", "limit", "window", "since", "until")


def due(
    ctx: typer.Context,
    within: Annotated[
        str, typer.Option("--within", help=f"Days ahead to look, from today ({WITHIN_DAYS[0]} to {WITHIN_DAYS[1]}).")
    ] = str(DEFAULT_WITHIN),
    format: FormatOpt = Format.table,
    ics: Annotated[
        Path | None,
        typer.Option(
            "--ics", help="Write the items to this calendar file (iCalendar, all-day events, no names) instead."
        ),
    ] = None,
    force: ForceOpt = False,
) -> None:
    """What falls due from today to today + DAYS; overdue goals are always listed."""
    days = parse_int(within, "--within", WITHIN_DAYS)
    with register(ctx, write=False) as reg:
        items = due_items(reg.today, days, *store.due_facts(reg, days), reg.policies)
    if ics is not None:
        from mentorcli.render.calendar import to_ics
        from mentorcli.render.files import write_output

        data = to_ics(items, settings(ctx).lang, datetime.now(UTC).replace(microsecond=0))
        write_output(ics, data, register=settings(ctx).db, force=force)
        return
    typer.echo(listing(items, format.value, COLUMNS, settings(ctx).lang))
