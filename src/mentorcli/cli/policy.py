"""``mentorcli policy …``: the rules in force, as data that a new contract can change."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from mentorcli.cli.common import Format, FormatOpt, as_date, register, say, settings
from mentorcli.core.dates import fmt_lv
from mentorcli.core.messages import N_
from mentorcli.core.policy import BEGINNING, DESCRIPTIONS, parse_value
from mentorcli.render.output import render
from mentorcli.render.screen import listing
from mentorcli.store.policy import set_policy

app = typer.Typer(
    help="Show or change the rules in force (durations, statuses, caseload limits).", no_args_is_help=True
)


@app.command("show")
def show(
    ctx: typer.Context,
    on: Annotated[str | None, typer.Option("--on", help="The day to show the rules of (default: today).")] = None,
    format: FormatOpt = Format.table,
) -> None:
    """The policy in force on a day: every key with its value."""
    with register(ctx, write=False) as reg:
        day = as_date(on, "--on") if on is not None else reg.today
        policy = reg.policies.on(day)
    if format == Format.json:
        out: dict[str, Any] = dict(policy.values)
        out["on"] = day
        typer.echo(render(out, "json"))
        return
    rows = [
        {
            "key": k,
            "value": ",".join(v) if isinstance(v, list) else v,
            "since": "always" if policy.since[k] == BEGINNING else fmt_lv(policy.since[k]),
            "meaning": DESCRIPTIONS[k],
        }
        for k, v in policy.values.items()
    ]
    typer.echo(listing(rows, format.value, ("key", "value", "since", "meaning"), settings(ctx).lang))


@app.command("set")
def set_(
    ctx: typer.Context,
    key: Annotated[str, typer.Argument(help="A policy key (see policy show).")],
    value: Annotated[str, typer.Argument(help="Its new value, e.g. 12, until-status, refugee,alternative.")],
    valid_from: Annotated[str, typer.Option("--from", help="The first day the new value is in force.")],
) -> None:
    """Start a new version of one rule from a date; earlier dates keep the old one."""
    parsed = parse_value(key, value)
    start = as_date(valid_from, "--from")
    with register(ctx, write=True) as reg:
        set_policy(reg, key, parsed, start)
    say(N_("{key} = {value} from {day}", key=key, value=value, day=start))
