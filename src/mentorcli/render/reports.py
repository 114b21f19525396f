"""Reports for people (table, Markdown, Excel) and as PNG charts; JSON and CSV keep the codes."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from mentorcli.core.countries import country_name
from mentorcli.core.errors import MentorError
from mentorcli.core.messages import N_
from mentorcli.core.places import place_name
from mentorcli.render.files import MARK


def for_people(fig: Mapping[str, Any], lang: str) -> dict[str, Any]:
    """The same figures with country and place names, the largest groups of countries first."""
    out = {k: for_people(v, lang) if isinstance(v, Mapping) and k != "by_country" else v for k, v in fig.items()}
    if "by_residence" in out:
        out["by_residence"] = {place_name(key): n for key, n in fig["by_residence"].items()}
    if "by_country" in out:
        ranked = sorted(out["by_country"].items(), key=lambda kv: (-kv[1], kv[0]))
        out["by_country"] = {f"{country_name(code, lang)} ({code})": n for code, n in ranked}
    return out


def flat(obj: Mapping[str, Any], prefix: str = "") -> list[tuple[str, Any]]:
    rows: list[tuple[str, Any]] = []
    for k, v in obj.items():
        if isinstance(v, Mapping):
            rows.extend(flat(v, f"{prefix}{k}."))
        else:
            rows.append((f"{prefix}{k}", v))
    return rows


def to_xlsx(fig: Mapping[str, Any], lang: str, title: str) -> bytes:
    """One sheet of figure/value rows; numbers stay numbers so the coordinator can sum them."""
    return rows_xlsx(["figure", "value"], [list(row) for row in flat(for_people(fig, lang))], title)


def rows_xlsx(headers: Sequence[str], rows: Sequence[Sequence[Any]], title: str) -> bytes:
    """A workbook of one sheet, marked as mentorcli's (so a later run may replace it, render/files.py)."""
    import io

    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = title[:31]
    ws.append(list(headers))
    for row in rows:
        ws.append([v if isinstance(v, int | float | str) or v is None else str(v) for v in row])
    ws.column_dimensions["A"].width = 48
    for col in "BCD"[: len(headers) - 1]:
        ws.column_dimensions[col].width = 14
    wb.properties.creator = MARK
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def comparison_for_people(cmp: Mapping[str, Any], lang: str) -> tuple[list[str], list[list[Any]]]:
    """Two years side by side: a column for each year and one for the change, countries by name."""
    from mentorcli.core.counting import comparison_rows

    headers = ["figure", str(cmp["year"]["year"]), str(cmp["compare"]["year"]), "change"]
    rows = []
    for r in comparison_rows(cmp):
        key = r["key"]
        if key.startswith("by_country."):
            code = key.removeprefix("by_country.")
            key = f"by_country.{country_name(code, lang)} ({code})"
        rows.append([key, r["year"], r["compare"], r["change"]])
    return headers, rows


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
