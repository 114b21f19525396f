"""``mentorcli staff …``: social workers and mentors, their active periods and teams."""

from __future__ import annotations

from typing import Annotated

import typer

from mentorcli.cli.common import STAFF_NAME, DateOpt, Format, FormatOpt, Role, as_date, register, say, settings
from mentorcli.core.casework import ROLE_WORDS
from mentorcli.core.messages import N_
from mentorcli.render.screen import listing
from mentorcli.store import staff as store

app = typer.Typer(help="Social workers and mentors: active periods and teams.", no_args_is_help=True)

NameArg = Annotated[str, typer.Argument(help="Full name, as it should be printed (Latvian letters welcome).")]
StaffArg = Annotated[str, typer.Argument(help=f"The staff member's name ({STAFF_NAME}).")]
FromOpt = Annotated[str, typer.Option("--from", help="First day: 2020-03-01 or 01.03.2020.")]
COLUMNS = ("name", "role", "team", "from", "to")


@app.command("add")
def add(
    ctx: typer.Context,
    name: NameArg,
    role: Annotated[Role, typer.Option("--role", help="What they do.", case_sensitive=False)],
    start: FromOpt,
    team: Annotated[
        str | None,
        typer.Option("--team", help=f"For a mentor: the social worker whose team they join ({STAFF_NAME})."),
    ] = None,
) -> None:
    """Add a social worker or a mentor, active from a date."""
    day = as_date(start, "--from")
    with register(ctx, write=True) as reg:
        s = store.add_staff(reg, name, str(role), day, team)
        said = N_("{name}: {role} from {day}", name=s.name, role=ROLE_WORDS[s.role], day=day)
        if team:
            said = N_("{said}, in the team of {worker}", said=said, worker=store.staff(reg, team, "team").name)
    say(said)


@app.command("end")
def end(ctx: typer.Context, name: StaffArg, date: DateOpt) -> None:
    """Record a staff member's last day (refused while clients are still assigned to them after it)."""
    day = as_date(date)
    with register(ctx, write=True) as reg:
        s = store.end_staff(reg, name, day)
    say(N_("{name}: last day {day}", name=s.name, day=day))


@app.command("team")
def team(
    ctx: typer.Context,
    mentor: Annotated[str, typer.Argument(help=f"The mentor's name ({STAFF_NAME}).")],
    worker: Annotated[
        str, typer.Option("--worker", help=f"The social worker whose team the mentor joins ({STAFF_NAME}).")
    ],
    start: FromOpt,
) -> None:
    """Move a mentor to a social worker's team from a date (the previous team ends the day before)."""
    day = as_date(start, "--from")
    with register(ctx, write=True) as reg:
        m, w = store.set_team(reg, mentor, worker, day)
    say(N_("{name}: in the team of {worker} from {day}", name=m.name, worker=w.name, day=day))


@app.command("list")
def list_(
    ctx: typer.Context,
    on: Annotated[str | None, typer.Option("--on", help="Only staff active on this day (teams as on it).")] = None,
    format: FormatOpt = Format.table,
) -> None:
    """The staff list: role, team (on the day, or today) and active period."""
    day = as_date(on, "--on") if on is not None else None
    with register(ctx, write=False) as reg:
        rows = store.list_staff(reg, day)
    typer.echo(listing(rows, format.value, COLUMNS, settings(ctx).lang))
