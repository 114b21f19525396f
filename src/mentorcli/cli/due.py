"""``mentorcli due``: deadlines coming up, and what needs the coordinator today."""

from __future__ import annotations

from typing import Annotated

import typer

from mentorcli.cli.common import Format, FormatOpt, register
from mentorcli.core.due import DEFAULT_WITHIN, due_items
from mentorcli.core.errors import InputError
from mentorcli.render.output import render
from mentorcli.store import casework

COLUMNS = ("date", "kind", "code", "staff", "goal", "area", "load", "limit", "window", "since", "until")


def due(
    ctx: typer.Context,
    within: Annotated[int, typer.Option("--within", help="Days ahead to look, from today.")] = DEFAULT_WITHIN,
    format: FormatOpt = Format.table,
) -> None:
    """What falls due from today to today + DAYS; overdue goals are always listed."""
    if within < 0:
        raise InputError(f"--within: {within} is negative")
    with register(ctx, write=False) as reg:
        items = due_items(reg.today, within, *casework.due_facts(reg, within), reg.policies)
    typer.echo(render(items, format.value, None if format.value == "json" else COLUMNS))
