"""``mentorcli report …``: the figures the funder receives (SPEC 3.3 and 5)."""

from __future__ import annotations

import sys
from collections.abc import Callable, Mapping
from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer

from mentorcli.cli.caseload import caseload
from mentorcli.cli.common import AsOfOpt, ForceOpt, Format, as_date, as_of_day, register, say, settings
from mentorcli.cli.common import FormatOpt as TextFormatOpt  # table, json, csv, md: no xlsx
from mentorcli.core import counting, disclosure
from mentorcli.core.clients import check_not_future
from mentorcli.core.dates import parse_month
from mentorcli.core.eligibility import EXIT_REASONS
from mentorcli.core.errors import InputError
from mentorcli.core.messages import N_
from mentorcli.core.numbers import YEARS, parse_int
from mentorcli.core.policy import placeholder_rates
from mentorcli.render.files import write_output
from mentorcli.render.i18n import tr
from mentorcli.render.output import render
from mentorcli.store import reports as store
from mentorcli.store.register import Register

app = typer.Typer(help="Reports for the funder: month, period, year, capacity, invoice, charts.", no_args_is_help=True)


class ReportFormat(StrEnum):
    table = "table"
    json = "json"
    csv = "csv"
    md = "md"
    xlsx = "xlsx"


FormatOpt = Annotated[
    ReportFormat, typer.Option("--format", "-f", help="Output: table, json, csv, md or xlsx (xlsx needs --output).")
]
OutputOpt = Annotated[
    Path | None, typer.Option("--output", "-o", help="Write to this file (readable by you alone), not the terminal.")
]
MonthArg = Annotated[str, typer.Argument(help="The month, e.g. 2020-07.")]
FromOpt = Annotated[str, typer.Option("--from", help="First day of the period: 2016-04-06 or 06.04.2016.")]
ToOpt = Annotated[str, typer.Option("--to", help="Last day of the period.")]
PublicOpt = Annotated[
    bool,
    typer.Option(
        "--public",
        help="Figures safe to publish: counts from 1 to the policy's suppression_threshold hidden, none computable back.",
    ),
]
NotPublicOpt = Annotated[bool, typer.Option("--public", help="Refused: these figures are not for publishing.")]
NOT_SERVED_COLUMNS = ("code", "window", "since", "until")
ExtractOpt = Annotated[
    list[Path] | None,
    typer.Option("--extract", help="The funder's view: count over these providers' extracts, not the register."),
]
KeyOpt = Annotated[Path | None, typer.Option("--key", help="The funder's key file, with --extract.")]


def read_keys(path: Path) -> Any:
    from mentorcli.core.funder import read_key
    from mentorcli.render.files import check_source

    check_source(path)
    return read_key(path.read_bytes())


def _combined(extracts: list[Path], key: Path | None) -> Any:
    """The providers' extracts joined into one client per person (core/funder.py)."""
    from mentorcli.core import funder
    from mentorcli.render.files import check_source

    if key is None:
        raise InputError(N_("--extract needs --key KEYFILE"), field="--key")
    keys = read_keys(key)
    read = []
    for path in extracts:
        check_source(path)
        read.append(funder.read_extract(funder.unseal(keys, path.read_bytes(), str(path)), str(path)))
    return funder.combine(read)


def _publish_combined(fig: dict[str, Any], layout: disclosure.Layout, public: bool) -> disclosure.Published | None:
    """Over extracts there is no register and so no policy of its own: the default threshold applies."""
    from mentorcli.core.policy import DEFAULTS

    return disclosure.publish(fig, layout, int(DEFAULTS["suppression_threshold"])) if public else None


def refuse_public(public: bool) -> None:
    """SPEC 10: only the reports of persons served are published; the rest name staff, money or clients."""
    if public:
        raise InputError(
            N_("these figures are not for publishing (only month, period, year and population are)"), field="--public"
        )


def _publish(reg: Register, fig: dict[str, Any], layout: disclosure.Layout, day: date) -> disclosure.Published:
    """The threshold in force on the report's last day, as a caseload limit is."""
    return disclosure.publish(fig, layout, int(reg.policies.on(day)["suppression_threshold"]))


def _render(
    ctx: typer.Context,
    fig: dict[str, Any],
    fmt: ReportFormat,
    kind: str,
    *,
    paragraph: Callable[[Mapping[str, Any]], str] | None = None,
    public: disclosure.Published | None = None,
) -> bytes:
    """The report in ``fmt``; table and md are screens for people in the chosen language.

    Published, JSON has null for a hidden figure and the ``suppressed`` paths; the other formats
    show the marks (``<5``, ``x``) where the figures were, and the paragraph is written from them.
    """
    lang = settings(ctx).lang
    if public is not None:
        if fmt == ReportFormat.json:
            return (render(public.as_json(), "json") + "\n").encode("utf-8")
        fig = public.shown()
    if fmt == ReportFormat.xlsx:
        from mentorcli.render.reports import to_xlsx

        return to_xlsx(fig, lang)
    if fmt in (ReportFormat.json, ReportFormat.csv):
        text = render(fig, fmt.value)
    else:
        from mentorcli.render.labels import label
        from mentorcli.render.screen import figures_screen, show

        screen = figures_screen(fig, lang, label(f"h:report-{kind}", lang))
        if public is not None and public.suppressed:
            screen.notes.append(label("h:public-note", lang))
        if paragraph and fmt == ReportFormat.table and lang == "lv":
            screen.notes.append(paragraph(fig))
        text = show(screen, fmt.value)
    return (text + "\n").encode("utf-8")


def _emit(
    ctx: typer.Context,
    fig: dict[str, Any],
    fmt: ReportFormat,
    output: Path | None,
    kind: str,
    *,
    force: bool = False,
    paragraph: Callable[[Mapping[str, Any]], str] | None = None,
    public: disclosure.Published | None = None,
) -> None:
    """Print or write the report (xlsx only to a file)."""
    if fmt == ReportFormat.xlsx and output is None:
        raise InputError(N_("xlsx is written to a file; give --output FILE.xlsx"), field="--output")
    _write(_render(ctx, fig, fmt, kind, paragraph=paragraph, public=public), ctx, output, force)


def _write(data: bytes, ctx: typer.Context, output: Path | None, force: bool) -> None:
    if output is None:
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()
    else:
        write_output(output, data, register=settings(ctx).db, force=force)


def _period(d1: str, d2: str) -> tuple[Any, Any]:
    first, last = as_date(d1, "--from"), as_date(d2, "--to")
    if last < first:
        raise InputError(N_("{end} is before --from {start}", end=d2, start=d1), field="--to")
    return first, last


@app.command("month")
def month(
    ctx: typer.Context,
    month: MonthArg,
    format: FormatOpt = ReportFormat.table,
    output: OutputOpt = None,
    force: ForceOpt = False,
    save: Annotated[bool, typer.Option("--save", help="Keep these figures as sent (see report diff).")] = False,
    public: PublicOpt = False,
    as_of: AsOfOpt = None,
) -> None:
    """The month report: who was served, decisions, court, exits, staff, activities."""
    from mentorcli.render.latvian import month_paragraph

    first, last = parse_month(month)
    today = settings(ctx).today
    if save and last >= today:
        # Saved figures are what the funder got; a month still running would be frozen short.
        raise InputError(
            N_(
                "--save: {month} has not ended (today is {today}); save it from its next month on",
                month=month,
                today=today,
            )
        )
    if save and as_of is not None:
        raise InputError(N_("--save keeps the figures as they are now; leave out --as-of"), field="--save")
    head = None
    with register(ctx, write=save, as_of=as_of_day(as_of)) as reg:
        fig = counting.month_report(store.inputs(reg, first, last), first, last, reg.today)
        if save:
            from mentorcli.store import chain

            store.save(reg, "month", fig["month"], fig)
            head = chain.head(reg.conn)[1]
        shown = _publish(reg, fig, disclosure.month_layout(), last) if public else None
        # Inside the transaction: a report that could not be written is not kept as sent.
        _emit(ctx, fig, format, output, "month", force=force, paragraph=month_paragraph, public=shown)
    if head is not None:
        # The saved report anchors the log: `audit verify --head` finds its tail cut later.
        say(N_("audit head: {head}", head=head), err=True)


@app.command("period")
def period(
    ctx: typer.Context,
    from_: FromOpt,
    to: ToOpt,
    format: FormatOpt = ReportFormat.table,
    output: OutputOpt = None,
    force: ForceOpt = False,
    extract: ExtractOpt = None,
    key: KeyOpt = None,
    public: PublicOpt = False,
    as_of: AsOfOpt = None,
) -> None:
    """A period report: unique persons, per month, families, exits by route, active at the end."""
    first, last = _period(from_, to)
    if extract:
        from mentorcli.core import funder

        fig = funder.period_report(_combined(extract, key), first, last, settings(ctx).today)
        shown = _publish_combined(fig, disclosure.period_layout(EXIT_REASONS), public)
        _emit(ctx, fig, format, output, "period", force=force, public=shown)
        return
    day = as_of_day(as_of)
    with register(ctx, write=False, as_of=day) as reg:
        fig = _period_report(reg, first, last, in_sql=day is None)
        shown = _publish(reg, fig, disclosure.period_layout(EXIT_REASONS), last) if public else None
    _emit(ctx, fig, format, output, "period", force=force, public=shown)


@app.command("year")
def year(
    ctx: typer.Context,
    year: Annotated[str, typer.Argument(help="The calendar year, e.g. 2017.")],
    format: FormatOpt = ReportFormat.table,
    output: OutputOpt = None,
    compare: Annotated[
        str | None,
        typer.Option("--compare", help="Set this year beside another: both and the change."),
    ] = None,
    force: ForceOpt = False,
    extract: ExtractOpt = None,
    key: KeyOpt = None,
    public: PublicOpt = False,
    as_of: AsOfOpt = None,
) -> None:
    """The period report over a calendar year, plus first_time (new in that year)."""
    from mentorcli.render import latvian

    number = parse_int(year, "year", YEARS)
    other = parse_int(compare, "--compare", YEARS) if compare is not None else None
    if extract:
        from mentorcli.core import funder

        if other is not None:
            raise InputError(N_("--compare is not offered over extracts"), field="--compare")
        fig = funder.year_report(_combined(extract, key), number, settings(ctx).today)
        shown = _publish_combined(fig, disclosure.period_layout(EXIT_REASONS), public)
        _emit(ctx, fig, format, output, "year", force=force, paragraph=latvian.year_paragraph, public=shown)
        return
    if public and other is not None:
        # A change between two hidden cells, or a hidden and a shown one, would give them away.
        raise InputError(N_("not with --compare: publish each year on its own"), field="--public")
    day = as_of_day(as_of)
    with register(ctx, write=False, as_of=day) as reg:
        fig = _year(reg, number, in_sql=day is None)
        before = _year(reg, other, in_sql=day is None) if other is not None else None
        layout = disclosure.period_layout(EXIT_REASONS)
        shown = _publish(reg, fig, layout, date(number, 12, 31)) if public else None
    if before is None:
        _emit(ctx, fig, format, output, "year", force=force, paragraph=latvian.year_paragraph, public=shown)
        return
    cmp = counting.year_comparison(fig, before)
    if format == ReportFormat.json:
        _emit(ctx, cmp, format, output, "year", force=force)
    elif format == ReportFormat.csv:
        rows = render(counting.comparison_rows(cmp), "csv", ("key", "year", "compare", "change"))
        _write((rows + "\n").encode(), ctx, output, force)
    else:
        _emit_comparison(ctx, cmp, format, output, force)


def _period_report(reg: Register, first: date, last: date, *, in_sql: bool) -> dict[str, Any]:
    """The persons counted in grouped SQL (``store.counted``), or by the core over their facts.

    In SQL only over the register as it is: as of a day, the tables are views over versions and
    derived-again spans, which the SQL twin is not tested on, so the core counts there.
    """
    if in_sql:
        return counting.period_report(
            store.others(reg, first, last), first, last, reg.today, store.counted(reg, first, last)
        )
    return counting.period_report(store.inputs(reg, first, last), first, last, reg.today)


def _year(reg: Register, year: int, *, in_sql: bool) -> dict[str, Any]:
    fig = _period_report(reg, date(year, 1, 1), date(year, 12, 31), in_sql=in_sql)
    return counting.year_of(fig, year)


def _emit_comparison(
    ctx: typer.Context, cmp: dict[str, Any], fmt: ReportFormat, output: Path | None, force: bool
) -> None:
    """Table, Markdown or xlsx of two years side by side; with --lang lv the table ends in seed 001's words."""
    from mentorcli.render import latvian
    from mentorcli.render.labels import label

    lang = settings(ctx).lang
    if fmt == ReportFormat.xlsx:
        from mentorcli.render.reports import comparison_sheet, workbook

        if output is None:
            raise InputError(N_("xlsx is written to a file; give --output FILE.xlsx"), field="--output")
        headers, rows = comparison_sheet(cmp, lang)
        _write(workbook([(label("h:compare", lang), headers, rows)]), ctx, output, force)
        return
    from mentorcli.render.screen import comparison_screen, show

    title = f"{label('h:compare', lang)}: {cmp['year']['year']}, {cmp['compare']['year']}"
    screen = comparison_screen(cmp, lang, title)
    if fmt == ReportFormat.table and lang == "lv":
        screen.notes += [latvian.year_paragraph(cmp["year"]), latvian.comparison_paragraph(cmp)]
    _write((show(screen, fmt.value) + "\n").encode(), ctx, output, force)


@app.command("population")
def population(
    ctx: typer.Context,
    on: Annotated[str, typer.Option("--on", help="The day: 2017-12-31 or 31.12.2017.")],
    format: FormatOpt = ReportFormat.table,
    output: OutputOpt = None,
    force: ForceOpt = False,
    extract: ExtractOpt = None,
    key: KeyOpt = None,
    public: PublicOpt = False,
    as_of: AsOfOpt = None,
) -> None:
    """Everyone served by a day who has not left Latvia, where they live that day (seed 001)."""
    from mentorcli.render.latvian import population_paragraph

    day = as_date(on, "--on")
    if extract:
        from mentorcli.core import funder

        check_not_future(day, settings(ctx).today, "--on")
        fig = funder.population_report(_combined(extract, key), day, settings(ctx).today)
        shown = _publish_combined(fig, disclosure.population_layout(), public)
        _emit(ctx, fig, format, output, "population", force=force, paragraph=population_paragraph, public=shown)
        return
    with register(ctx, write=False, as_of=as_of_day(as_of)) as reg:
        check_not_future(day, reg.today, "--on")
        fig = counting.population_report(store.population_facts(reg, day), day, reg.today)
        shown = _publish(reg, fig, disclosure.population_layout(), day) if public else None
    _emit(ctx, fig, format, output, "population", force=force, paragraph=population_paragraph, public=shown)


@app.command("capacity")
def capacity(
    ctx: typer.Context,
    month: MonthArg,
    format: FormatOpt = ReportFormat.table,
    output: OutputOpt = None,
    force: ForceOpt = False,
    list_: Annotated[
        bool,
        typer.Option("--list", help="List the clients eligible in the month and not served (codes, no names)."),
    ] = False,
    as_of: AsOfOpt = None,
) -> None:
    """Eligible clients vs served vs what the staff on duty can take (seed 003)."""
    first, last = parse_month(month)
    with register(ctx, write=False, as_of=as_of_day(as_of)) as reg:
        if list_:
            rows = store.not_served(reg, first, last)
        else:
            limits = reg.policies.on(last)
            fig = counting.capacity_report(
                store.windows(reg, first, last), store.inputs(reg, first, last), first, last, reg.today, limits.values
            )
    if list_:
        if format == ReportFormat.xlsx:
            raise InputError(N_("--format: --list prints table, json, csv or md"))
        from mentorcli.render.screen import listing

        text = listing(rows, format.value, NOT_SERVED_COLUMNS, settings(ctx).lang)
        _write((text + "\n").encode(), ctx, output, force)
        return
    _emit(ctx, fig, format, output, "capacity", force=force)


@app.command("invoice")
def invoice(
    ctx: typer.Context,
    month: MonthArg,
    format: FormatOpt = ReportFormat.table,
    output: OutputOpt = None,
    force: ForceOpt = False,
    public: NotPublicOpt = False,
    as_of: AsOfOpt = None,
) -> None:
    """The month's amount under the payment rule in force at its end (policy invoice_rule)."""
    refuse_public(public)
    first, last = parse_month(month)
    with register(ctx, write=False, as_of=as_of_day(as_of)) as reg:
        terms = reg.policies.on(last)
        levels = store.complexity(reg, first, last)
        fig = counting.invoice_report(store.inputs(reg, first, last), levels, first, last, reg.today, terms.values)
    if placeholders := placeholder_rates(terms):
        shown = ", ".join(f"{k} {terms[k]}" for k in placeholders)
        command = f"mentorcli policy set {placeholders[0]} AMOUNT --from DATE"
        said = N_(
            "warning: placeholder rates, not your contract's ({rates}); set them with '{command}'",
            rates=shown,
            command=command,
        )
        typer.echo(tr(said), err=True)
    _emit(ctx, fig, format, output, "invoice", force=force)


@app.command("diff")
def diff(
    ctx: typer.Context,
    month: MonthArg,
    format: FormatOpt = ReportFormat.table,
    output: OutputOpt = None,
    force: ForceOpt = False,
    public: NotPublicOpt = False,
    as_of: AsOfOpt = None,
) -> None:
    """What late corrections changed since the month report was saved, figure by figure."""
    refuse_public(public)
    first, last = parse_month(month)
    period = first.strftime("%Y-%m")
    with register(ctx, write=False, as_of=as_of_day(as_of)) as reg:
        saved_at, saved = store.last_saved(reg, "month", period)
        now = counting.month_report(store.inputs(reg, first, last), first, last, reg.today)
    changed = counting.diff(saved, now)
    if format in (ReportFormat.json, ReportFormat.xlsx):
        _emit(ctx, changed, format, output, "diff", force=force)
    elif not changed and format == ReportFormat.table:
        _write(f"month {period}: no figure changed since it was saved on {saved_at}\n".encode(), ctx, output, force)
    else:
        rows = [{"figure": k, "saved": v["saved"], "now": v["now"]} for k, v in changed.items()]
        if format == ReportFormat.csv:
            text = render(rows, "csv", ("figure", "saved", "now"))
        else:
            from mentorcli.render.screen import path_label, rows_screen, show

            lang = settings(ctx).lang
            shown = [{**r, "figure": path_label(r["figure"], lang)} for r in rows]
            text = show(rows_screen(shown, ("figure", "saved", "now"), lang), format.value)
        _write((text + "\n").encode(), ctx, output, force)


CHANGE_COLUMNS = ("code", "change", "recorded_on", "event", "date", "value", "figure", "before", "after")


@app.command("changes")
def changes(
    ctx: typer.Context,
    month: MonthArg,
    since: Annotated[
        str, typer.Option("--since", help="The day the figures were known as (e.g. when they were sent).")
    ],
    format: FormatOpt = ReportFormat.table,
    output: OutputOpt = None,
    force: ForceOpt = False,
) -> None:
    """The records changed after a day that move a month's figures, each with the figures it moves."""
    from mentorcli.store.changes import month_changes

    first, last = parse_month(month)
    day = as_date(since, "--since")
    if format == ReportFormat.xlsx:
        raise InputError(N_("--format: report changes prints table, json, csv or md"), field="--format")
    with register(ctx, write=False) as reg:
        check_not_future(day, reg.today, "--since")
        found = month_changes(reg, first, last, day)
    if format == ReportFormat.json:
        _emit(ctx, found, format, output, "changes", force=force)
        return
    rows = [
        {**{col: c[col] for col in CHANGE_COLUMNS[:6]}, "figure": k, "before": a, "after": b}
        for c in found["changes"]
        for k, (a, b) in c["moves"].items()
    ]
    if format == ReportFormat.csv:
        text = render(rows, "csv", CHANGE_COLUMNS)
    else:
        from mentorcli.render.labels import label
        from mentorcli.render.screen import cell, path_label, rows_screen, show

        lang = settings(ctx).lang
        shown = [
            {**r, "change": label(f"c:{r['change']}", lang), "figure": path_label(r["figure"], lang)} for r in rows
        ]
        title = f"{label('h:report-changes', lang)}: {cell(found['month'], lang)}; {label('since', lang).lower()} {cell(day, lang)}"
        text = show(rows_screen(shown, CHANGE_COLUMNS, lang, title), format.value)
    _write((text + "\n").encode(), ctx, output, force)


@app.command("chart")
def chart(
    ctx: typer.Context,
    from_: FromOpt,
    to: ToOpt,
    output: Annotated[Path, typer.Option("--output", "-o", help="The PNG file to write.")],
    kind: Annotated[str, typer.Option("--kind", help="sex (women/men/children per month), route or country.")] = "sex",
    force: ForceOpt = False,
    as_of: AsOfOpt = None,
) -> None:
    """A PNG bar chart of a period (needs the optional extra: pip install 'mentorcli[charts]')."""
    from mentorcli.cli.common import choice
    from mentorcli.render.reports import CHART_KINDS, chart_png

    what = choice(kind, CHART_KINDS, "--kind")
    first, last = _period(from_, to)
    with register(ctx, write=False, as_of=as_of_day(as_of)) as reg:
        inp = store.inputs(reg, first, last)
        monthly = counting.monthly_people(inp, first, last, reg.today)
        totals = counting.period_report(inp, first, last, reg.today)
    write_output(output, chart_png(what, monthly, totals, settings(ctx).lang), register=settings(ctx).db, force=force)
    typer.echo(tr(N_("{path}: chart of {kind}, {first} - {last}", path=output, kind=what, first=first, last=last)))


@app.command("forecast")
def forecast(
    ctx: typer.Context,
    weeks: Annotated[str, typer.Option("--weeks", help="How many weeks, from this week's Monday (1 to 104).")] = "12",
    family_size: Annotated[
        str, typer.Option("--family-size", help="The family to place: persons needing one worker and one mentor.")
    ] = "1",
    format: TextFormatOpt = Format.table,
    public: NotPublicOpt = False,
    as_of: AsOfOpt = None,
) -> None:
    """The weeks ahead: places that free up per staff member, who waits, the first week a family fits."""
    from mentorcli.core.forecast import WEEK, forecast, monday_of
    from mentorcli.core.numbers import FAMILY, FORECAST_WEEKS
    from mentorcli.store import forecast as inputs

    refuse_public(public)
    n, k = parse_int(weeks, "--weeks", FORECAST_WEEKS), parse_int(family_size, "--family-size", FAMILY)
    with register(ctx, write=False, as_of=as_of_day(as_of), ahead=7 * n) as reg:
        first = monday_of(reg.today)
        last = first + (n - 1) * WEEK  # the last week's Monday: every figure is taken on a Monday
        fig = forecast(inputs.members(reg, first, last), inputs.spans(reg, first, last), reg.policies, reg.today, n, k)
    if format == Format.json:
        typer.echo(render(fig, "json"))
        return
    from mentorcli.render.forecast import forecast_text

    typer.echo(forecast_text(fig, format.value, k, settings(ctx).lang))


# The staff members' loads sit with the other reports (built with the casework, in cli/caseload.py).
app.command("caseload")(caseload)
