"""``mentorcli status …``: the decisions of PMLP and the court."""

from __future__ import annotations

from typing import Annotated

import typer

from mentorcli.cli.common import CodeArg, CourtOutcome, DateOpt, Grantable, as_date, choice, register, say
from mentorcli.core.dates import fmt_lv
from mentorcli.core.eligibility import not_served_on
from mentorcli.core.legal import COURT_OUTCOMES, FINAL_REFUSAL
from mentorcli.core.messages import N_
from mentorcli.core.policy import GRANTABLE
from mentorcli.render.i18n import tr
from mentorcli.store.clients import record_event

app = typer.Typer(
    help="Record decisions on legal status: grant, refusal, appeal, court, final refusal.", no_args_is_help=True
)


# What a decision is called in a confirmation: in English its CLI spelling.
RECORDED = {
    ("granted", "refugee"): N_("granted refugee"),
    ("granted", "alternative"): N_("granted alternative"),
    ("granted", "temporary-protection"): N_("granted temporary-protection"),
    ("refused", None): N_("refused"),
    ("appealed", None): N_("appealed"),
    ("court", "positive"): N_("court positive"),
    ("court", "negative"): N_("court negative"),
    (FINAL_REFUSAL, None): N_("final-refusal"),
}


def _record(ctx: typer.Context, code: str, date: str, event: str, value: str | None) -> None:
    day = as_date(date)
    with register(ctx, write=True) as reg:
        tl = record_event(reg, code, day, event, value)
        today = reg.today
    parts = [N_("{code}: {what} on {day}", code=code, what=RECORDED[event, value], day=day)]
    until = tl.eligible_until
    if until:
        parts.append(N_("eligible until {day}", day=until))
    elif tl.windows:
        parts.append(N_("no eligibility left"))
    # Seed 003: a grant after the asylum-seeker window ran out opens no episode by itself.
    if event == "granted" and (left := not_served_on(today, tl.windows, tl.episodes)):
        command = f"mentorcli client resume {code} --date {fmt_lv(left.since)}"
        parts.append(N_("not served since {day}: {command}", day=left.since, command=command))
    say("; ".join(tr(p) for p in parts))


@app.command("grant")
def grant(
    ctx: typer.Context,
    code: CodeArg,
    status: Annotated[Grantable, typer.Argument(help="The status granted.", case_sensitive=False)],
    date: DateOpt,
) -> None:
    """PMLP grants refugee, alternative or temporary-protection status."""
    _record(ctx, code, date, "granted", choice(status, GRANTABLE, "status"))


@app.command("refuse")
def refuse(ctx: typer.Context, code: CodeArg, date: DateOpt) -> None:
    """PMLP refuses status at first instance (the client may appeal)."""
    _record(ctx, code, date, "refused", None)


@app.command("appeal")
def appeal(ctx: typer.Context, code: CodeArg, date: DateOpt) -> None:
    """The client appeals a refusal to the Administrative District Court."""
    _record(ctx, code, date, "appealed", None)


@app.command("court")
def court(
    ctx: typer.Context,
    code: CodeArg,
    outcome: Annotated[CourtOutcome, typer.Argument(help="The judgment.", case_sensitive=False)],
    date: DateOpt,
) -> None:
    """The court decides an appeal; a positive judgment sends the case back to PMLP."""
    _record(ctx, code, date, "court", choice(outcome, COURT_OUTCOMES, "outcome"))


@app.command("final-refusal")
def final_refusal(ctx: typer.Context, code: CodeArg, date: DateOpt) -> None:
    """The refusal becomes final: the open episode closes that day, and no later eligibility."""
    _record(ctx, code, date, FINAL_REFUSAL, None)
