"""``mentorcli assign`` and ``unassign``: which social worker and mentor serve a client."""

from __future__ import annotations

from typing import Annotated

import typer

from mentorcli.cli.common import STAFF_NAME, CodeArg, DateOpt, as_date, register
from mentorcli.core.dates import fmt_lv
from mentorcli.store import assignments as store


def assign(
    ctx: typer.Context,
    code: CodeArg,
    worker: Annotated[str, typer.Option("--worker", help=f"The social worker, case manager ({STAFF_NAME}).")],
    mentor: Annotated[str, typer.Option("--mentor", help=f"The social mentor ({STAFF_NAME}).")],
    start: Annotated[str, typer.Option("--from", help="First day of the assignment.")],
    end: Annotated[
        str | None, typer.Option("--to", help="Last day, if known; it ends with the client's episode anyway.")
    ] = None,
    force: Annotated[
        bool, typer.Option("--force", help="Assign even over the policy's caseload maximum (recorded in the audit).")
    ] = False,
) -> None:
    """Assign a social worker and a mentor to a client; an open assignment ends the day before."""
    first = as_date(start, "--from")
    last = as_date(end, "--to") if end is not None else None
    with register(ctx, write=True) as reg:
        done = store.assign(reg, code, worker, mentor, first, last, force=force)
    until = f" to {fmt_lv(done.period.end)}" if done.period.end else ""
    previous = f"; the previous assignment ends on {fmt_lv(done.closed)}" if done.closed else ""
    typer.echo(f"{code}: assigned from {fmt_lv(first)}{until}{previous}")
    for o in done.overloads:
        typer.echo(f"forced: {o.role} over the maximum on {fmt_lv(o.day)} ({o.load} > {o.maximum})", err=True)


def unassign(ctx: typer.Context, code: CodeArg, date: DateOpt) -> None:
    """End the client's assignment on a date (its last day)."""
    day = as_date(date)
    with register(ctx, write=True) as reg:
        p = store.unassign(reg, code, day)
    typer.echo(f"{code}: assignment from {fmt_lv(p.start)} ends on {fmt_lv(day)}")
