"""``mentorcli event …``: correct or withdraw what was recorded (SPEC 10: versions, not overwrites)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any

import typer

from mentorcli.cli.common import as_date, register, say
from mentorcli.core.messages import N_
from mentorcli.render.i18n import tr
from mentorcli.store import clients as store
from mentorcli.store import reports
from mentorcli.store.register import Register

app = typer.Typer(help="Correct or withdraw a recorded event (ids from client history).", no_args_is_help=True)

IdArg = Annotated[str, typer.Argument(help="The event's id from client history (at least 6 of its hex digits).")]


def _correct(ctx: typer.Context, change: Callable[[Register], Any]) -> tuple[Any, list[str]]:
    """Apply the correction and name the months saved as sent whose figures it changes."""
    with register(ctx, write=True) as reg:
        before = reports.saved_months_now(reg)
        done = change(reg)
        after = reports.saved_months_now(reg)
    return done, [m for m in before if before[m] != after.get(m)]


def _moved(months: list[str]) -> None:
    if months:
        say(
            N_(
                "changes the saved month(s) {months}: see report diff {month}",
                months=", ".join(months),
                month=months[0],
            )
        )


@app.command("edit")
def edit(
    ctx: typer.Context,
    id: IdArg,
    date: Annotated[str | None, typer.Option("--date", help="The day it really happened.")] = None,
    value: Annotated[
        str | None, typer.Option("--value", help="What it really was (status, reason, residence).")
    ] = None,
) -> None:
    """Correct an event's date or value: the old version is withdrawn, kept in client history --all."""
    if date is None and value is None:
        raise typer.BadParameter(tr(N_("nothing to change: give --date or --value")))
    day = as_date(date) if date is not None else None
    (row, _), months = _correct(ctx, lambda reg: store.edit_event(reg, id, day, value))
    was = as_date(row["date"])
    say(N_("{code}: {event} on {was} corrected", code=row["code"], event=row["event"], was=was))
    _moved(months)


@app.command("delete")
def delete(ctx: typer.Context, id: IdArg) -> None:
    """Withdraw an event recorded by mistake; it stays in client history --all."""
    (row, _), months = _correct(ctx, lambda reg: store.delete_event(reg, id))
    say(N_("{code}: {event} on {day} withdrawn", code=row["code"], event=row["event"], day=as_date(row["date"])))
    _moved(months)
