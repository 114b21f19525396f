"""``mentorcli assign`` and ``unassign``: which social worker and mentor serve a client."""

from __future__ import annotations

from typing import Annotated

import typer

from mentorcli.cli.common import STAFF_NAME, CodeArg, DateOpt, as_date, register, say
from mentorcli.core.casework import ROLE_WORDS
from mentorcli.core.messages import N_
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
    if done.period.end:
        said = N_("{code}: assigned from {start} to {end}", code=code, start=first, end=done.period.end)
    else:
        said = N_("{code}: assigned from {start}", code=code, start=first)
    if done.closed:
        said = N_("{said}; the previous assignment ends on {day}", said=said, day=done.closed)
    say(said)
    for o in done.overloads:
        say(
            N_(
                "forced: {role} over the maximum on {day} ({load} > {maximum})",
                role=ROLE_WORDS[o.role],
                day=o.day,
                load=o.load,
                maximum=o.maximum,
            ),
            err=True,
        )


def unassign(ctx: typer.Context, code: CodeArg, date: DateOpt) -> None:
    """End the client's assignment on a date (its last day)."""
    day = as_date(date)
    with register(ctx, write=True) as reg:
        p = store.unassign(reg, code, day)
    say(N_("{code}: assignment from {start} ends on {day}", code=code, start=p.start, day=day))
