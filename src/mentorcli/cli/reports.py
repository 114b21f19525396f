"""``mentorcli report …``: the figures the funder receives (SPEC 3.3 and 5)."""

from __future__ import annotations

import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer

from mentorcli.cli.caseload import caseload
from mentorcli.cli.common import ForceOpt, as_date, register, settings
from mentorcli.core import counting
from mentorcli.core.dates import parse_month
from mentorcli.core.errors import InputError
from mentorcli.render.files import write_output
from mentorcli.render.output import render
from mentorcli.store import reports as store

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


def _render(
    ctx: typer.Context, fig: dict[str, Any], fmt: ReportFormat, title: str, *, paragraph: bool = False
) -> bytes:
    """The report in ``fmt``; table and md show country names in the chosen language."""
    from mentorcli.render.reports import for_people, to_xlsx

    lang = settings(ctx).lang
    if fmt == ReportFormat.xlsx:
        return to_xlsx(fig, lang, title)
    if fmt in (ReportFormat.json, ReportFormat.csv):
        text = render(fig, fmt.value)
    else:
        text = render(for_people(fig, lang), fmt.value)
        if paragraph and fmt == ReportFormat.table and lang == "lv":
            from mentorcli.render.latvian import month_paragraph

            text = f"{text}\n\n{month_paragraph(fig)}"
    return (text + "\n").encode("utf-8")


def _emit(
    ctx: typer.Context,
    fig: dict[str, Any],
    fmt: ReportFormat,
    output: Path | None,
    title: str,
    *,
    force: bool = False,
    paragraph: bool = False,
) -> None:
    """Print or write the report (xlsx only to a file)."""
    if fmt == ReportFormat.xlsx and output is None:
        raise InputError("--output: xlsx is written to a file; give --output FILE.xlsx")
    _write(_render(ctx, fig, fmt, title, paragraph=paragraph), ctx, output, force)


def _write(data: bytes, ctx: typer.Context, output: Path | None, force: bool) -> None:
    if output is None:
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()
    else:
        write_output(output, data, register=settings(ctx).db, force=force)


def _period(d1: str, d2: str) -> tuple[Any, Any]:
    first, last = as_date(d1, "--from"), as_date(d2, "--to")
    if last < first:
        raise InputError(f"--to: {d2} is before --from {d1}")
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
    first, last = parse_month(month)
    with register(ctx, write=save) as reg:
        fig = counting.month_report(store.inputs(reg, first, last), first, last, reg.today)
        if save:
            store.save(reg, "month", fig["month"], fig)
        # Inside the transaction: a report that could not be written is not kept as sent.
        _emit(ctx, fig, format, output, f"month {fig['month']}", force=force, paragraph=True)


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
    _emit(ctx, fig, format, output, f"{first} - {last}", force=force)


@app.command("year")
def year(
    ctx: typer.Context,
    year: Annotated[int, typer.Argument(help="The calendar year, e.g. 2017.", min=1900, max=2999)],
    format: FormatOpt = ReportFormat.table,
    output: OutputOpt = None,
    force: ForceOpt = False,
) -> None:
    """The period report over a calendar year, plus first_time (new in that year)."""
    with register(ctx, write=False) as reg:
        fig = store.year_figures(reg, year)
    _emit(ctx, fig, format, output, f"year {year}", force=force)


@app.command("capacity")
def capacity(
    ctx: typer.Context,
    month: MonthArg,
    format: FormatOpt = ReportFormat.table,
    output: OutputOpt = None,
    force: ForceOpt = False,
) -> None:
    """Eligible clients vs served vs what the staff on duty can take (seed 003)."""
    first, last = parse_month(month)
    with register(ctx, write=False) as reg:
        limits = reg.policies.on(last)
        fig = counting.capacity_report(
            store.windows(reg, first, last), store.inputs(reg, first, last), first, last, reg.today, limits.values
        )
    _emit(ctx, fig, format, output, f"capacity {fig['month']}", force=force)


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
    _emit(ctx, fig, format, output, f"invoice {fig['month']}", force=force)


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
        _emit(ctx, changed, format, output, f"diff {period}", force=force)
    elif not changed and format == ReportFormat.table:
        _write(f"month {period}: no figure changed since it was saved on {saved_at}\n".encode(), ctx, output, force)
    else:
        rows = [{"figure": k, "saved": v["saved"], "now": v["now"]} for k, v in changed.items()]
        _write((render(rows, format.value, ("figure", "saved", "now")) + "\n").encode(), ctx, output, force)


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
    typer.echo(f"{output}: chart of {what}, {first} - {last}")


# The staff members' loads sit with the other reports (built with the casework, in cli/caseload.py).
app.command("caseload")(caseload)
