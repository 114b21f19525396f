"""``mentorcli client …``: register clients, follow their service, explain their dates."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any

import typer

from mentorcli.cli.common import (
    AsOfOpt,
    CodeArg,
    DateOpt,
    ExitReason,
    Format,
    FormatOpt,
    LegalStatus,
    Route,
    Sex,
    as_date,
    as_of_day,
    choice,
    many_objects,
    passphrase_of,
    register,
    say,
    settings,
)
from mentorcli.cli.views import LIST_COLUMNS, client_view
from mentorcli.core import clients as fields
from mentorcli.core.clients import Client
from mentorcli.core.dates import parse_birth, parse_month
from mentorcli.core.eligibility import EXIT_REASONS
from mentorcli.core.legal import STATUSES
from mentorcli.core.messages import N_, NP_
from mentorcli.render.i18n import tr
from mentorcli.render.output import render
from mentorcli.store import clients as store
from mentorcli.store import consent as consents
from mentorcli.store.db import overlaps

if TYPE_CHECKING:
    from mentorcli.core.duplicates import Candidate

app = typer.Typer(help="Register clients, follow their service episodes, explain their dates.", no_args_is_help=True)

SexOpt = Annotated[Sex, typer.Option("--sex", help="F or M.", case_sensitive=False)]
BornOpt = Annotated[str, typer.Option("--born", help="Birth date, or the year alone when only that is known.")]
CountryOpt = Annotated[
    str,
    typer.Option(
        "--country", help="Country of origin: SY, Syria or Sīrija; XX or stateless/bezvalstnieks, ZZ or unknown."
    ),
]
ArrivedOpt = Annotated[str, typer.Option("--arrived", help="Date of arrival in Latvia.")]
RouteOpt = Annotated[Route, typer.Option("--route", help="relocation or independent.", case_sensitive=False)]
ResidenceOpt = Annotated[
    str,
    typer.Option(
        "--residence",
        help="mucenieki, or a municipality, city or town of Latvia (Rīga, Cēsis, Cēsu novads; any case, "
        "diacritics optional; docs/places.md).",
    ),
]
WithNames = Annotated[bool, typer.Option("--with-names", help="Also show names (personal data).")]


@app.command("add")
def add(
    ctx: typer.Context,
    code: CodeArg,
    sex: SexOpt,
    born: BornOpt,
    country: CountryOpt,
    arrived: ArrivedOpt,
    route: RouteOpt,
    residence: ResidenceOpt,
    family: Annotated[str | None, typer.Option("--family", help="Family code shared by its members.")] = None,
    name: Annotated[str | None, typer.Option("--name", help="Name (personal data; never in reports).")] = None,
    languages: Annotated[str | None, typer.Option("--languages", help="Languages spoken, comma-separated.")] = None,
    intake: Annotated[str | None, typer.Option("--intake", help="First day served; empty: registered only.")] = None,
    consent: Annotated[
        str | None, typer.Option("--consent", help="Day the client consented to the processing of their data.")
    ] = None,
) -> None:
    """Register a client; with --intake the first service episode opens that day."""
    from mentorcli.core.countries import parse_country
    from mentorcli.store import duplicates

    arrival = as_date(arrived, "--arrived")
    birth, year_only = parse_birth(born, "--born")
    client = Client(
        code=fields.check_code(code),
        sex=fields.check_sex(sex),
        born=birth,
        born_year_only=year_only,
        country=parse_country(country),
        arrived=arrival,
        route=fields.check_route(route),
        residence=fields.check_residence(residence),
        family=fields.check_family(family),
        name=name.strip() if name and name.strip() else None,
        languages=languages.strip().lower() if languages else None,
    )
    consented = as_date(consent, "--consent") if consent else None
    with register(ctx, write=True) as reg:
        store.add_client(reg, client, as_date(intake, "--intake") if intake else None)
        if consented is not None:
            consents.give(reg, client.code, consented, "--consent")
        tl = store.timeline(reg, store.record(reg, client.code))
        probably = duplicates.for_client(reg, client.code)
    if tl.eligible_until:
        say(N_("{code}: registered; eligible until {day}", code=client.code, day=tl.eligible_until))
    else:
        say(N_("{code}: registered; eligible until a status decision", code=client.code))
    warn_duplicates(probably, settings(ctx).lang)


def warn_duplicates(found: list[Candidate], lang: str) -> None:
    """Never a refusal: two people may share a birthday and a name; the coordinator decides."""
    from mentorcli.render.labels import label

    for c in found:
        said = N_(
            "warning: {code} may be the same person as {other} ({reasons}); see 'mentorcli client duplicates'",
            code=c.code,
            other=c.other,
            reasons=", ".join(label(r, lang) for r in c.reasons),
        )
        say(said, err=True)


@app.command("show")
def show(
    ctx: typer.Context,
    code: CodeArg,
    format: FormatOpt = Format.table,
    with_names: WithNames = False,
    as_of: AsOfOpt = None,
) -> None:
    """One client: status, eligibility windows, episodes."""
    with register(ctx, write=False, as_of=as_of_day(as_of), ahead=None) as reg:
        rec = store.record(reg, code)
        view = client_view(rec, store.timeline(reg, rec), reg.today, with_names=with_names)
        view.update(consents.shown(reg, rec.client.id or 0))
        if rec.client.merged_into is not None:
            from mentorcli.store.merge import merged_into

            into = merged_into(reg, rec.client.id or 0)
            view["merged_into"] = into and into[0]
    if format.value in ("json", "csv"):
        typer.echo(render(view, format.value))
    else:
        from mentorcli.render.screen import client_screen, show

        typer.echo(show(client_screen(view, settings(ctx).lang), format.value))


@app.command("history")
def history(
    ctx: typer.Context,
    code: CodeArg,
    all_: Annotated[bool, typer.Option("--all", help="Also the versions withdrawn by a correction.")] = False,
    format: FormatOpt = Format.table,
) -> None:
    """Every event as recorded, with its id (for event edit|delete), who recorded it and when."""
    from mentorcli.render.screen import listing

    with register(ctx, write=False) as reg:
        rows = store.history(reg, code, withdrawn=all_)
    columns = ["id", "date", "event", "value", "recorded_on", "recorded_at", "recorded_by"]
    if all_:
        columns += ["withdrawn_on", "withdrawn_at", "supersedes"]
    typer.echo(listing(rows, format.value, columns, settings(ctx).lang))


@app.command("list")
def list_(
    ctx: typer.Context,
    served_in: Annotated[str | None, typer.Option("--served-in", help="Only clients served in this month.")] = None,
    status: Annotated[
        LegalStatus | None,
        typer.Option("--status", help="Only clients with this legal status today.", case_sensitive=False),
    ] = None,
    residence: Annotated[
        str | None, typer.Option("--residence", help="Only clients living there today (a place as for client add).")
    ] = None,
    family: Annotated[str | None, typer.Option("--family", help="Only members of this family.")] = None,
    format: FormatOpt = Format.table,
    with_names: WithNames = False,
    as_of: AsOfOpt = None,
) -> None:
    """Clients in the register, filtered; one row each."""
    from mentorcli.render.screen import listing

    month = parse_month(served_in, "--served-in") if served_in is not None else None
    wanted_status = choice(status, STATUSES, "--status") if status is not None else None
    wanted_residence = fields.check_residence(residence) if residence is not None else None
    from mentorcli.store.versions import EVERY_DAY_AHEAD

    rows: list[dict[str, Any]] = []
    # Every window and episode is listed: those starting after the day count too.
    with register(ctx, write=False, as_of=as_of_day(as_of), ahead=EVERY_DAY_AHEAD) as reg, many_objects():
        conditions: list[str] = []
        params: dict[str, Any] = {}
        if family is not None:
            conditions.append("family = :family")
            params["family"] = fields.check_code(family, "--family")
        if month is not None:
            # Only the clients whose stored episodes reach the month are read.
            conditions.append(f"id IN (SELECT client_id FROM episodes WHERE {overlaps(':first', ':end')})")
            params.update(first=month[0].isoformat(), end=min(month[1], reg.today).isoformat())
        conditions.append("merged_into IS NULL")  # a merged record is no longer a person of its own
        for rec, tl in store.stored_timelines(reg, list(store.records(reg, " AND ".join(conditions), params))):
            if month is not None and not any(e.served_in(*month, reg.today) for e in tl.episodes):
                continue
            view = client_view(rec, tl, reg.today, with_names=with_names)
            if wanted_status is not None and view["status"] != wanted_status:
                continue
            if wanted_residence is not None and view["residence"] != wanted_residence:
                continue
            rows.append(view)
    columns = (*LIST_COLUMNS, "name") if with_names else LIST_COLUMNS
    typer.echo(listing(rows, format.value, columns, settings(ctx).lang))


@app.command("edit")
def edit(
    ctx: typer.Context,
    code: CodeArg,
    sex: Annotated[Sex | None, typer.Option("--sex", help="F or M.", case_sensitive=False)] = None,
    born: Annotated[str | None, typer.Option("--born", help="Birth date or year.")] = None,
    country: Annotated[str | None, typer.Option("--country", help="Country of origin, as for client add.")] = None,
    arrived: Annotated[str | None, typer.Option("--arrived", help="Date of arrival.")] = None,
    route: Annotated[
        Route | None, typer.Option("--route", help="relocation or independent.", case_sensitive=False)
    ] = None,
    residence: Annotated[
        str | None,
        typer.Option("--residence", help="Residence on arrival, a place as for client add (moves: client move)."),
    ] = None,
    family: Annotated[str | None, typer.Option("--family", help="Family code; an empty value removes it.")] = None,
    name: Annotated[str | None, typer.Option("--name", help="Name; an empty value removes it.")] = None,
    languages: Annotated[str | None, typer.Option("--languages", help="Languages spoken.")] = None,
) -> None:
    """Correct what was recorded about a client; dates are derived again."""
    from mentorcli.core.countries import parse_country

    changes: dict[str, Any] = {}
    if sex is not None:
        changes["sex"] = fields.check_sex(sex)
    if born is not None:
        changes["born"], changes["born_year_only"] = parse_birth(born, "--born")
    if country is not None:
        changes["country"] = parse_country(country)
    if arrived is not None:
        changes["arrived"] = as_date(arrived, "--arrived")
    if route is not None:
        changes["route"] = fields.check_route(route)
    if residence is not None:
        changes["residence"] = fields.check_residence(residence)
    if family is not None:
        changes["family"] = fields.check_family(family)
    if name is not None:
        changes["name"] = name.strip() or None
    if languages is not None:
        changes["languages"] = languages.strip().lower() or None
    if not changes:
        raise typer.BadParameter(tr(N_("nothing to change: give at least one option")))
    with register(ctx, write=True) as reg:
        store.edit_client(reg, code, changes)
    say(N_("{code}: changed {fields}", code=code, fields=", ".join(sorted(changes))))


@app.command("move")
def move(ctx: typer.Context, code: CodeArg, residence: ResidenceOpt, date: DateOpt) -> None:
    """Record that the client lives somewhere else from a date; a second move that day corrects the first."""
    from mentorcli.core.places import place_name

    where, day = fields.check_residence(residence), as_date(date)
    with register(ctx, write=True) as reg:
        replaced = next((m.residence for m in store.record(reg, code).moves if m.date == day), None)
        store.record_event(reg, code, day, "move", where)
    said = N_("{code}: lives in {place} from {day}", code=code, place=place_name(where), day=day)
    if replaced:
        said = N_("{said} (corrects the move to {place} recorded for that day)", said=said, place=place_name(replaced))
    say(said)


@app.command("exit")
def exit_(
    ctx: typer.Context,
    code: CodeArg,
    reason: Annotated[ExitReason, typer.Option("--reason", help="Why the service ends.", case_sensitive=False)],
    date: DateOpt,
) -> None:
    """End the open episode: the last day served is the exit date."""
    why, day = choice(reason, EXIT_REASONS, "--reason"), as_date(date)
    with register(ctx, write=True) as reg:
        store.record_event(reg, code, day, "exit", why)
    say(N_("{code}: exit ({reason}) on {day}", code=code, reason=why, day=day))


@app.command("resume")
def resume(ctx: typer.Context, code: CodeArg, date: DateOpt) -> None:
    """Open a new episode (or the first, for a client registered without intake)."""
    day = as_date(date)
    with register(ctx, write=True) as reg:
        tl = store.record_event(reg, code, day, "resume", None)
    until = tl.episodes[-1].end
    if until:
        say(N_("{code}: served from {day} until {end}", code=code, day=day, end=until))
    else:
        say(N_("{code}: served from {day}", code=code, day=day))


@app.command("explain")
def explain(ctx: typer.Context, code: CodeArg, format: FormatOpt = Format.table) -> None:
    """Why the eligibility dates are what they are: the chain of rules and dates."""
    from mentorcli.render.explain import explain_lines, explain_steps

    s = settings(ctx)
    with register(ctx, write=False) as reg:
        rec = store.record(reg, code)
        tl = store.timeline(reg, rec)
        policies = reg.policies
    if format == Format.table:
        typer.echo("\n".join(explain_lines(code, tl, policies, s.today, s.lang)))
    elif format == Format.json:
        typer.echo(
            render({"code": code, "eligible_until": tl.eligible_until, "steps": explain_steps(tl, s.lang)}, "json")
        )
    elif format == Format.csv:
        typer.echo(render(explain_steps(tl, s.lang), "csv", ("date", "rule", "text")))
    else:
        from mentorcli.render.explain import explain_screen
        from mentorcli.render.screen import show

        typer.echo(show(explain_screen(code, tl, policies, s.today, s.lang), "md"))


@app.command("erase")
def erase(
    ctx: typer.Context,
    code: CodeArg,
    yes: Annotated[bool, typer.Option("--yes", help="Do not ask for confirmation.")] = False,
) -> None:
    """Erase a client's personal data for good; the anonymous counts in reports stay true."""
    from mentorcli.store import maintenance

    if not yes:
        typer.confirm(tr(N_("Erase the personal data of {code}? This cannot be undone", code=code)), abort=True)
    with register(ctx, write=True) as reg:
        maintenance.erase(reg, code)
    db = settings(ctx).db
    maintenance.wipe_traces(db, passphrase_of(ctx))
    say(N_("{code}: personal data erased", code=code))
    # Copies outside this file cannot be wiped from here: say where the name still is.
    if copies := maintenance.replaced_copies(db):
        listed = ", ".join(p.name for p in copies)
        said = NP_(
            "note: the name is still in {n} copy that db restore kept beside the database ({files}); "
            "delete them with 'mentorcli db purge --replaced'",
            "note: the name is still in {n} copies that db restore kept beside the database ({files}); "
            "delete them with 'mentorcli db purge --replaced'",
            len(copies),
            files=listed,
        )
        say(said, err=True)
    say(N_("note: backups made before now still hold the name until they are deleted"), err=True)


@app.command("consent")
def consent(
    ctx: typer.Context,
    code: CodeArg,
    date: DateOpt,
    withdrawn: Annotated[
        bool,
        typer.Option(
            "--withdrawn", help="The client withdrew consent: the service ends (declined), the name is erased."
        ),
    ] = False,
) -> None:
    """Record the client's consent to the processing of their data, or its withdrawal."""
    from mentorcli.store import maintenance

    day = as_date(date)
    with register(ctx, write=True) as reg:
        if withdrawn:
            consents.withdraw(reg, code, day)
        else:
            consents.give(reg, code, day)
    if not withdrawn:
        say(N_("{code}: consent given on {day}", code=code, day=day))
        return
    maintenance.wipe_traces(settings(ctx).db, passphrase_of(ctx))
    say(N_("{code}: consent withdrawn on {day}; service ended, personal data erased", code=code, day=day))


@app.command("duplicates")
def duplicates_(ctx: typer.Context, format: FormatOpt = Format.table, with_names: WithNames = False) -> None:
    """Pairs of clients who are probably one person: same birth date and country with names alike
    across scripts and spellings, or same family and birth date; with a score and the reasons."""
    from mentorcli.render.screen import listing
    from mentorcli.store import duplicates

    with register(ctx, write=False) as reg:
        found, names = duplicates.all_candidates(reg)
    rows: list[dict[str, Any]] = []
    for c in found:
        row: dict[str, Any] = {"code": c.code, "other_code": c.other, "score": c.score, "reasons": list(c.reasons)}
        if with_names:
            row |= {"name": names.get(c.code), "other_name": names.get(c.other)}
        rows.append(row)
    columns = ("code", "other_code", "score", "reasons", *(("name", "other_name") if with_names else ()))
    typer.echo(listing(rows, format.value, columns, settings(ctx).lang))


@app.command("merge")
def merge(
    ctx: typer.Context,
    keep: Annotated[str, typer.Argument(help="The case code to keep.")],
    other: Annotated[str, typer.Argument(help="The case code of the same person, merged into KEEP.")],
) -> None:
    """Join two records of one person: OTHER's history, plan, activities, assignments and consent go
    to KEEP; refused when the histories cannot be joined. OTHER's code then points to KEEP."""
    from mentorcli.store.merge import merge as join

    with register(ctx, write=True) as reg:
        done = join(reg, keep, other)
    say(
        N_(
            "{other}: merged into {keep} (events moved: {events}, assignments: {assignments}, activities: "
            "{activities}, goals: {goals})",
            other=other,
            keep=keep,
            events=done.events,
            assignments=done.assignments,
            activities=done.activities,
            goals=done.goals,
        )
    )
