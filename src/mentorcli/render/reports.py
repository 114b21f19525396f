"""Reports for people (table, Markdown, Excel) and as PNG charts; JSON and CSV keep the codes."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

from mentorcli.core.countries import country_name
from mentorcli.core.errors import MentorError
from mentorcli.core.messages import N_
from mentorcli.render.files import MARK
from mentorcli.render.labels import label
from mentorcli.render.screen import key_label, path_label

_DECIMAL = re.compile(r"^-?[0-9]+\.[0-9]+$")


Cell = Any
Rows = list[list[Cell]]


def _xlsx_value(value: Any) -> Any:
    """Numbers as numbers, ISO dates as date cells, months as their first day; the rest as text."""
    if isinstance(value, list | tuple):
        return "; ".join(str(v) for v in value)  # as the CSV writes a list (``not_in_extracts``)
    if isinstance(value, str):
        if _DECIMAL.match(value):
            return float(value)
        try:
            return date.fromisoformat(value) if len(value) == 10 else date.fromisoformat(value + "-01")
        except ValueError:
            return value
    return value


def report_sheets(fig: Mapping[str, Any], lang: str) -> list[tuple[str, list[str], Rows]]:
    """A summary sheet of the single figures, then one sheet per breakdown, every key kept."""
    summary: Rows = []
    sheets: list[tuple[str, list[str], Rows]] = [
        (label("h:summary", lang), [label("figure", lang), label("value", lang)], summary)
    ]
    for key, value in fig.items():
        if not isinstance(value, Mapping):
            summary.append([label(key, lang), value])
            continue
        inner = list(value.values())
        if inner and all(isinstance(v, Mapping) for v in inner) and len({tuple(v) for v in inner}) == 1:
            columns = list(inner[0])
            rows = [[key_label(key, k, lang), *(v[c] for c in columns)] for k, v in value.items()]
            sheets.append((label(key, lang), [label(key, lang), *(label(c, lang) for c in columns)], rows))
        else:
            rows = [[path_label(path, lang).split(": ", 1)[-1], v] for path, v in flat(value, f"{key}.")]
            if key == "monthly":
                rows = [[k, v] for k, v in value.items()]  # a date cell each: the chart's axis
            sheets.append((label(key, lang), [label(key, lang), label("count", lang)], rows))
    return sheets


def flat(obj: Mapping[str, Any], prefix: str = "") -> list[tuple[str, Any]]:
    rows: list[tuple[str, Any]] = []
    for k, v in obj.items():
        if isinstance(v, Mapping):
            rows.extend(flat(v, f"{prefix}{k}."))
        else:
            rows.append((f"{prefix}{k}", v))
    return rows


def to_xlsx(fig: Mapping[str, Any], lang: str) -> bytes:
    """The report as a workbook like the exports; a monthly series also gets a bar chart sheet."""
    return workbook(report_sheets(fig, lang), chart=label("monthly", lang) if "monthly" in fig else None)


def workbook(sheets: Sequence[tuple[str, Sequence[str], Rows]], chart: str | None = None) -> bytes:
    """Sheets with a bold frozen header, numbers as numbers, dates as dates and fitted columns.

    ``chart`` names the sheet whose two columns (month, count) a bar chart sheet shows. The workbook
    is marked as mentorcli's so that a later run may replace it (render/files.py).
    """
    import io

    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    wb = Workbook()
    first = wb.active
    assert first is not None
    wb.remove(first)
    names: set[str] = set()
    for title, headers, rows in sheets:
        ws = wb.create_sheet(_sheet_name(title, names))
        ws.append(list(headers))
        for c in ws[1]:
            c.font = Font(bold=True)
        widths = [len(str(h)) for h in headers]
        for row in rows:
            ws.append([_xlsx_value(v) for v in row])
            for i, (c, v) in enumerate(zip(ws[ws.max_row], row, strict=True)):
                if isinstance(c.value, date):
                    # A month stays a month: "2020-07" is written 01.07.2020 but shown 07.2020.
                    c.number_format = "mm.yyyy" if isinstance(v, str) and len(v) == 7 else "dd.mm.yyyy"
                widths[i] = max(widths[i], 10 if isinstance(c.value, date) else len(str(c.value or "")))
        for i, w in enumerate(widths, start=1):
            ws.column_dimensions[get_column_letter(i)].width = min(max(w + 2, 8), 60)
        ws.freeze_panes = "A2"
        if title == chart and rows:
            _bar_chart(wb, ws, len(rows), title)
    wb.properties.creator = MARK
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _sheet_name(title: str, taken: set[str]) -> str:
    """Excel allows 31 characters and none of [ ] : * ? / \\ in a sheet name, each name once."""
    base = re.sub(r"[\[\]:*?/\\]", " ", title)[:31]
    name, n = base, 2
    while name.lower() in taken:
        name = f"{base[:28]} {n}"
        n += 1
    taken.add(name.lower())
    return name


def _bar_chart(wb: Any, ws: Any, n: int, title: str) -> None:
    from openpyxl.chart import BarChart, Reference

    chart = BarChart()
    chart.title = title
    chart.legend = None
    chart.add_data(Reference(ws, min_col=2, min_row=1, max_row=n + 1), titles_from_data=True)
    chart.set_categories(Reference(ws, min_col=1, min_row=2, max_row=n + 1))
    chart.x_axis.number_format = "mm.yyyy"
    sheet = wb.create_chartsheet(_sheet_name(f"{title} (chart)", set()))
    sheet.add_chart(chart)


def comparison_sheet(cmp: Mapping[str, Any], lang: str) -> tuple[list[str], Rows]:
    """Two years side by side, every figure: a column for each year and one for the change."""
    from mentorcli.core.counting import comparison_rows

    headers = [label("figure", lang), str(cmp["year"]["year"]), str(cmp["compare"]["year"]), label("change", lang)]
    return headers, [[path_label(r["key"], lang), r["year"], r["compare"], r["change"]] for r in comparison_rows(cmp)]


CHART_KINDS = ("sex", "route", "country")


_CHART_WORDS = {
    "lv": {
        "women": "sievietes",
        "men": "vīrieši",
        "children": "bērni",
        "relocation": "pārvietoti",
        "independent": "ieradušies patstāvīgi",
        "served": "klienti",
        "persons": "personas",
        "sex": "pēc dzimuma un vecuma",
        "route": "pēc ierašanās veida",
        "country": "pēc izcelsmes valsts",
    },
}


def chart_png(kind: str, monthly: Mapping[str, Mapping[str, Any]], totals: Mapping[str, Any], lang: str) -> bytes:
    """A PNG bar chart: served per month by women/men/children or by route, or persons by country."""
    import io

    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        raise MentorError(N_("report chart: needs matplotlib: pip install 'mentorcli[charts]'")) from None
    words = _CHART_WORDS.get(lang, {})

    def word(w: str) -> str:
        return words.get(w, w)

    fig, ax = plt.subplots(figsize=(10, 5))
    months = list(monthly)
    if kind == "country":
        ranked = sorted(totals["by_country"].items(), key=lambda kv: (-kv[1], kv[0]))
        ax.barh([country_name(c, lang) for c, _ in ranked][::-1], [n for _, n in ranked][::-1])
        ax.set_xlabel(word("persons"))
    else:
        groups = ("women", "men", "children") if kind == "sex" else tuple(totals["by_route"])
        bottom = [0] * len(months)
        for g in groups:
            values = [monthly[m][g] if kind == "sex" else monthly[m]["by_route"].get(g, 0) for m in months]
            ax.bar(months, values, bottom=bottom, label=word(g))
            bottom = [b + v for b, v in zip(bottom, values, strict=True)]
        ax.set_ylabel(word("served"))
        ax.legend()
    ax.set_title(f"{totals['from']} - {totals['to']}: {word(kind)}")
    fig.tight_layout()
    # The mark lets a later run replace its own chart without --force (render/files.py).
    buf = io.BytesIO()
    try:
        fig.savefig(buf, format="png", metadata={"Software": MARK})
    finally:
        plt.close(fig)
    return buf.getvalue()
