"""``mentorcli report caseload``: each staff member's load against the policy's limits."""

from __future__ import annotations

from typing import Annotated

import typer

from mentorcli.cli.common import Format, FormatOpt, as_date, register, settings
from mentorcli.render.screen import listing
from mentorcli.store import caseload as store

COLUMNS = ("staff", "role", "team", "load", "minimum", "maximum", "state")


def caseload(
    ctx: typer.Context,
    on: Annotated[str | None, typer.Option("--on", help="The day to count (default: today).")] = None,
    format: FormatOpt = Format.table,
    public: Annotated[bool, typer.Option("--public", help="Refused: these figures are not for publishing.")] = False,
) -> None:
    """Staff active on a day: clients assigned, limits from the policy, ok / over-maximum / under-minimum."""
    from mentorcli.cli.reports import refuse_public

    refuse_public(public)
    with register(ctx, write=False) as reg:
        rows = store.caseload(reg, as_date(on, "--on") if on is not None else reg.today)
    typer.echo(listing(rows, format.value, COLUMNS, settings(ctx).lang))
