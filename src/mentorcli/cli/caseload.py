"""``mentorcli report caseload``: each staff member's load against the policy's limits."""

from __future__ import annotations

from typing import Annotated

import typer

from mentorcli.cli.common import AsOfOpt, Format, FormatOpt, as_date, as_of_day, register, settings

COLUMNS = ("staff", "role", "team", "load", "minimum", "maximum", "state")


def caseload(
    ctx: typer.Context,
    on: Annotated[str | None, typer.Option("--on", help="The day to count (default: today).")] = None,
    format: FormatOpt = Format.table,
    public: Annotated[bool, typer.Option("--public", help="Refused: these figures are not for publishing.")] = False,
    as_of: AsOfOpt = None,
) -> None:
    """Staff active on a day: clients assigned, limits from the policy, ok / over-maximum / under-minimum."""
    # Here, not at the top: every report command mounts this one beside it (cli/reports.py).
    from mentorcli.cli.reports import refuse_public
    from mentorcli.render.screen import listing
    from mentorcli.store import caseload as store

    refuse_public(public)
    with register(ctx, write=False, as_of=as_of_day(as_of)) as reg:
        rows = store.caseload(reg, as_date(on, "--on") if on is not None else reg.today)
    typer.echo(listing(rows, format.value, COLUMNS, settings(ctx).lang))
