"""``mentorcli report …``: the figures the funder receives (SPEC 3.3 and 5)."""

from __future__ import annotations

import sys
from collections.abc import Callable, Mapping
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer

from mentorcli.cli.caseload import caseload
from mentorcli.cli.common import ForceOpt, as_date, register, settings
from mentorcli.core import counting
from mentorcli.core.clients import check_not_future
from mentorcli.core.dates import parse_month
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
NOT_SERVED_COLUMNS = ("code", "window", "since", "until")


def _render(
    ctx: typer.Context,
    fig: dict[str, Any],
    fmt: ReportFormat,
    kind: str,
    *,
    paragraph: Callable[[Mapping[str, Any]], str] | None = None,
) -> bytes:
    """The report in ``fmt``; table and md are screens for people in the chosen language."""
    lang = settings(ctx).lang
    if fmt == ReportFormat.xlsx:
        from mentorcli.render.reports import to_xlsx

        return to_xlsx(fig, lang)
    if fmt in (ReportFormat.json, ReportFormat.csv):
        text = render(fig, fmt.value)
    else:
        from mentorcli.render.labels import label
        from mentorcli.render.screen import figures_screen, show

        screen = figures_screen(fig, lang, label(f"h:report-{kind}", lang))
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
) -> None:
    """Print or write the report (xlsx only to a file)."""
    if fmt == ReportFormat.xlsx and output is None:
        raise InputError(N_("xlsx is written to a file; give --output FILE.xlsx"), field="--output")
    _write(_render(ctx, fig, fmt, kind, paragraph=paragraph), ctx, output, force)


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
    with register(ctx, write=save) as reg:
        fig = counting.month_report(store.inputs(reg, first, last), first, last, reg.today)
        if save:
            store.save(reg, "month", fig["month"], fig)
        # Inside the transaction: a report that could not be written is not kept as sent.
        _emit(ctx, fig, format, output, "month", force=force, paragraph=month_paragraph)


@app.command("period")
def period(
    ctx: typer.Context,
    from_: FromOpt,
    to: ToOpt,
    format: FormatOpt = ReportFormat.table,
    output: OutputOpt = None,
    force: ForceOpt = False,
) -> None:
    """A period report: unique persons, per month, families, exits by route, active at the end."""
    first, last = _period(from_, to)
    with register(ctx, write=False) as reg:
        fig = store.period_figures(reg, first, last)
    _emit(ctx, fig, format, output, "period", force=force)


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
) -> None:
    """The period report over a calendar year, plus first_time (new in that year)."""
    from mentorcli.render import latvian

    number = parse_int(year, "year", YEARS)
    other = parse_int(compare, "--compare", YEARS) if compare is not None else None
    with register(ctx, write=False) as reg:
        fig = _year(reg, number)
        before = _year(reg, other) if other is not None else None
    if before is None:
        _emit(ctx, fig, format, output, "year", force=force, paragraph=latvian.year_paragraph)
        return
    cmp = counting.year_comparison(fig, before)
    if format == ReportFormat.json:
        _emit(ctx, cmp, format, output, "year", force=force)
    elif format == ReportFormat.csv:
        rows = render(counting.comparison_rows(cmp), "csv", ("key", "year", "compare", "change"))
        _write((rows + "\n").encode(), ctx, output, force)
    else:
        _emit_comparison(ctx, cmp, format, output, force)


def _year(reg: Register, year: int) -> dict[str, Any]:
    return store.year_figures(reg, year)


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
) -> None:
    """Everyone served by a day who has not left Latvia, where they live that day (seed 001)."""
    from mentorcli.render.latvian import population_paragraph

    day = as_date(on, "--on")
    with register(ctx, write=False) as reg:
        check_not_future(day, reg.today, "--on")
        fig = counting.population_report(store.population_facts(reg, day), day, reg.today)
    _emit(ctx, fig, format, output, "population", force=force, paragraph=population_paragraph)


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
) -> None:
    """Eligible clients vs served vs what the staff on duty can take (seed 003)."""
    first, last = parse_month(month)
    with register(ctx, write=False) as reg:
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
) -> None:
    """The month's amount under the payment rule in force at its end (policy invoice_rule)."""
    first, last = parse_month(month)
    with register(ctx, write=False) as reg:
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
) -> None:
    """What late corrections changed since the month report was saved, figure by figure."""
    first, last = parse_month(month)
    period = first.strftime("%Y-%m")
    with register(ctx, write=False) as reg:
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


@app.command("chart")
def chart(
    ctx: typer.Context,
    from_: FromOpt,
    to: ToOpt,
    output: Annotated[Path, typer.Option("--output", "-o", help="The PNG file to write.")],
    kind: Annotated[str, typer.Option("--kind", help="sex (women/men/children per month), route or country.")] = "sex",
    force: ForceOpt = False,
) -> None:
    """A PNG bar chart of a period (needs the optional extra: pip install 'mentorcli[charts]')."""
    from mentorcli.cli.common import choice
    from mentorcli.render.reports import CHART_KINDS, chart_png

    what = choice(kind, CHART_KINDS, "--kind")
    first, last = _period(from_, to)
    with register(ctx, write=False) as reg:
        inp = store.inputs(reg, first, last)
        monthly = counting.monthly_people(inp, first, last, reg.today)
        totals = counting.period_report(inp, first, last, reg.today)
    write_output(output, chart_png(what, monthly, totals, settings(ctx).lang), register=settings(ctx).db, force=force)
    typer.echo(tr(N_("{path}: chart of {kind}, {first} - {last}", path=output, kind=what, first=first, last=last)))


# The staff members' loads sit with the other reports (built with the casework, in cli/caseload.py).
app.command("caseload")(caseload)
