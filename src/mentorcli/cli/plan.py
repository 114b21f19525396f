"""``mentorcli plan …``: the individual socioeconomic inclusion plan (iekļaušanas plāns)."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from mentorcli.cli.common import (
    STAFF_NAME,
    CodeArg,
    DateOpt,
    Format,
    FormatOpt,
    PlanArea,
    as_date,
    register,
    say,
    settings,
)
from mentorcli.core.casework import check_area, check_complexity, check_text
from mentorcli.core.messages import N_
from mentorcli.core.numbers import ROW_ID, parse_int
from mentorcli.render.i18n import tr
from mentorcli.render.output import render
from mentorcli.store import plans as store

app = typer.Typer(help="The inclusion plan of a client: case complexity and goals.", no_args_is_help=True)
goal_app = typer.Typer(help="Goals of the plan: add, mark done or dropped, edit.", no_args_is_help=True)
app.add_typer(goal_app, name="goal")

GoalArg = Annotated[str, typer.Argument(help="The goal's number, as 'plan goal add' printed it.")]
GOAL_COLUMNS = ("id", "area", "due", "state", "closed_on", "text")


@app.command("complexity")
def complexity(
    ctx: typer.Context,
    code: CodeArg,
    level: Annotated[str, typer.Argument(help="Case complexity level: 1, 2 or 3.")],
    date: DateOpt,
    by: Annotated[str, typer.Option("--by", help=f"The social worker who assessed it ({STAFF_NAME}).")],
) -> None:
    """Record the social worker's assessment of the case complexity (1-3)."""
    value, day = check_complexity(level), as_date(date)
    with register(ctx, write=True) as reg:
        store.set_complexity(reg, code, value, day, by)
    say(N_("{code}: complexity {level} from {day}", code=code, level=value, day=day))


@goal_app.command("add")
def goal_add(
    ctx: typer.Context,
    code: CodeArg,
    area: Annotated[PlanArea, typer.Option("--area", help="The area of life it is about.", case_sensitive=False)],
    due: Annotated[str, typer.Option("--due", help="When it should be reached.")],
    text: Annotated[str, typer.Option("--text", help="What the goal is (free text; kept out of the audit log).")],
) -> None:
    """Add a goal to the client's plan; prints the goal's number."""
    values = check_area(str(area)), as_date(due, "--due"), check_text(text, "--text")
    with register(ctx, write=True) as reg:
        gid = store.add_goal(reg, code, *values)
    typer.echo(gid)


def _goal_number(text: str) -> int:
    return parse_int(text, "goal", ROW_ID)


def _close(ctx: typer.Context, goal: str, state: str, date: str) -> None:
    gid, day = _goal_number(goal), as_date(date)
    with register(ctx, write=True) as reg:
        code = store.close_goal(reg, gid, state, day)
    said = N_("{code}: goal {goal} done on {day}", code=code, goal=gid, day=day) if state == "done" else None
    say(said or N_("{code}: goal {goal} dropped on {day}", code=code, goal=gid, day=day))


@goal_app.command("done")
def goal_done(ctx: typer.Context, goal: GoalArg, date: DateOpt) -> None:
    """The goal was reached."""
    _close(ctx, goal, "done", date)


@goal_app.command("drop")
def goal_drop(ctx: typer.Context, goal: GoalArg, date: DateOpt) -> None:
    """The goal is given up (no longer relevant, or the client left)."""
    _close(ctx, goal, "dropped", date)


@goal_app.command("edit")
def goal_edit(
    ctx: typer.Context,
    goal: GoalArg,
    due: Annotated[str | None, typer.Option("--due", help="A new due date.")] = None,
    text: Annotated[str | None, typer.Option("--text", help="A new text.")] = None,
) -> None:
    """Change a goal's due date or text."""
    if due is None and text is None:
        raise typer.BadParameter(tr(N_("nothing to change: give --due or --text")))
    new_due = as_date(due, "--due") if due is not None else None
    new_text = check_text(text, "--text") if text is not None else None
    gid = _goal_number(goal)
    with register(ctx, write=True) as reg:
        code = store.edit_goal(reg, gid, new_due, new_text)
    say(N_("{code}: goal {goal} changed", code=code, goal=goal))


@app.command("show")
def show(ctx: typer.Context, code: CodeArg, format: FormatOpt = Format.table) -> None:
    """The plan of one client: complexity history, goals, assignments."""
    with register(ctx, write=False) as reg:
        view = store.plan(reg, code)
    if format.value == "json":
        typer.echo(render(view, "json"))
        return
    if format.value == "csv":
        _csv(code, view)
        return
    from mentorcli.render.screen import show, tables_screen

    screen = tables_screen(
        code,
        settings(ctx).lang,
        {"complexity": view["complexity"] if view["complexity"] is not None else "unassessed"},
        [
            ("h:assessments", view["assessments"], ("date", "complexity", "by")),
            ("h:goals", view["goals"], GOAL_COLUMNS),
            ("h:assignments", view["assignments"], ("worker", "mentor", "from", "to", "forced")),
        ],
    )
    typer.echo(show(screen, format.value))


def _csv(code: str, view: dict[str, Any]) -> None:
    """The CSV as before the screens: scripts may read it."""
    level = view["complexity"] if view["complexity"] is not None else "not assessed"
    parts = [f"{code}: complexity {level}"]
    if view["assessments"]:
        parts.append(render(view["assessments"], "csv", ("date", "complexity", "by")))
    parts.append(render(view["goals"], "csv", GOAL_COLUMNS))
    if view["assignments"]:
        parts.append(render(view["assignments"], "csv", ("worker", "mentor", "from", "to", "forced")))
    typer.echo("\n\n".join(parts))
