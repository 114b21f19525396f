"""Screens for people: the ``table`` and ``md`` formats of the read commands.

A command's data becomes a ``Screen``: sections with a heading, each a list of label/value rows or
a small table. Labels come from render/labels.py in the chosen language; dates are ``dd.mm.yyyy``;
yes/no are words; countries and places have their names; breakdowns are sorted by size and their
empty rows left out (JSON, CSV and xlsx keep every key). On a terminal the screen is drawn with
``rich`` (imported only then), whose styles ``NO_COLOR`` turns off; piped, it is plain text.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from itertools import pairwise
from typing import Any

from mentorcli.core.countries import country_name
from mentorcli.core.dates import fmt_lv
from mentorcli.core.disclosure import OTHER
from mentorcli.core.places import place_name
from mentorcli.render.labels import label

_ISO_DAY = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")
_ISO_MONTH = re.compile(r"^([0-9]{4})-([0-9]{2})$")
_ISO_TIME = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}T")

# Breakdowns: sorted by size on a screen, their zero rows left out.
BREAKDOWNS = frozenset({"by_country", "by_residence", "by_route", "by_status", "decisions", "exits", "activities"})
# Columns whose values are data words (statuses, kinds, reasons …) shown by their label.
WORD_COLUMNS = frozenset(
    {"kind", "status", "route", "end_reason", "role", "state", "area", "type", "window", "sex", "rule", "complexity"}
)


@dataclass
class Section:
    title: str
    rows: list[list[str]]
    headers: list[str] | None = None  # None: label/value pairs
    align_right: set[int] = field(default_factory=set)


@dataclass
class Screen:
    title: str = ""
    sections: list[Section] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # paragraphs after the sections
    lead: list[str] = field(default_factory=list)  # paragraphs before them


# --- cells -------------------------------------------------------------------------------------


def cell(value: Any, lang: str, column: str = "") -> str:
    """One value as a person reads it."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return label("yes" if value else "no", lang)
    if isinstance(value, datetime):
        return f"{fmt_lv(value.date())} {value:%H:%M}"
    if isinstance(value, date):
        return fmt_lv(value)
    if isinstance(value, float):
        text = f"{value:.1f}"
        return text.replace(".", ",") if lang == "lv" else text
    if isinstance(value, list | tuple):
        return ", ".join(cell(v, lang, column) for v in value)
    if isinstance(value, Mapping):
        return ", ".join(f"{k}: {cell(v, lang)}" for k, v in value.items())
    if not isinstance(value, str):
        return str(value)
    if column == "country":
        return country_name(value, lang)
    if column in ("residence", "place"):
        return place_name(value)
    if column == "window" and value == "status":
        return "status" if lang == "en" else "statuss"
    if column in WORD_COLUMNS:
        return label(value, lang)
    return text_cell(value)


def text_cell(value: str) -> str:
    """ISO dates, months and times in a string (JSON-ready figures) as the Latvian forms."""
    if _ISO_DAY.match(value):
        return fmt_lv(date.fromisoformat(value))
    if m := _ISO_MONTH.match(value):
        return f"{m.group(2)}.{m.group(1)}"
    if _ISO_TIME.match(value):
        try:
            at = datetime.fromisoformat(value)
        except ValueError:
            return value
        return f"{fmt_lv(at.date())} {at:%H:%M:%S}"
    return value


def key_label(section: str, key: str, lang: str) -> str:
    """A row label inside a section: a country's or a place's name, else the key's label."""
    if section == "by_country":
        return label("h:other-countries", lang) if key == OTHER else country_name(key, lang)
    if section == "by_residence":
        return place_name(key)
    if section == "monthly":
        return text_cell(key)
    return label(key, lang)


def path_label(path: str, lang: str) -> str:
    """``decisions.refugee`` as ``Decisions: refugee status``."""
    parts = path.split(".")
    words = [label(parts[0], lang)]
    for parent, part in pairwise(parts):
        words.append(key_label(parent, part, lang))
    return ": ".join(words)


# --- data to screens -----------------------------------------------------------------------------


def _is_number(v: Any) -> bool:
    return v is None or (isinstance(v, int | float) and not isinstance(v, bool))


def _pairs(section: str, data: Mapping[str, Any], lang: str) -> list[list[str]]:
    items = list(data.items())
    if section in BREAKDOWNS:
        items = sorted(
            ((k, v) for k, v in items if v), key=lambda kv: (-_size(kv[1]), key_label(section, kv[0], lang).casefold())
        )
    return [[_cap(key_label(section, k, lang)), cell(v, lang, k)] for k, v in items]


def _size(v: Any) -> float:
    """A hidden figure of a published report (a mark, not a number) sorts after the figures shown."""
    return v if _is_number(v) else -1


def _cap(text: str) -> str:
    """Data words start lower-case inside a table; as a row label they start a line."""
    return text[:1].upper() + text[1:]


def _matrix(section: str, data: Mapping[str, Mapping[str, Any]], lang: str) -> Section:
    """A mapping of equal mappings (exits by route) as a small table; empty rows left out."""
    columns = list(next(iter(data.values())).keys())
    rows = [
        [_cap(key_label(section, k, lang)), *(cell(row.get(c), lang) for c in columns)]
        for k, row in data.items()
        if any(row.values())
    ]
    headers = ["", *(_cap(label(c, lang)) for c in columns)]
    return Section(label(section, lang), rows, headers, set(range(1, len(columns) + 1)))


def figures_screen(fig: Mapping[str, Any], lang: str, title: str = "") -> Screen:
    """Any report object: its single figures first, then one section per group of figures."""
    head = "h:served" if "new" in fig else "h:summary"
    first = Section(label(head, lang), [])
    status = Section(label("by_status", lang), [])
    sections: list[Section] = [first]
    for key, value in fig.items():
        if isinstance(value, Mapping):
            sections.extend(_group(key, value, lang, status if key == "by_status" else None))
        elif key == "awaiting_court":
            status.rows.append([_cap(label(key, lang)), cell(value, lang)])
        else:
            first.rows.append([_cap(label(key, lang)), cell(value, lang, key)])
    if status.rows and status not in sections:
        sections.append(status)
    return Screen(title, [s for s in sections if s.rows])


def _group(key: str, value: Mapping[str, Any], lang: str, into: Section | None) -> list[Section]:
    if not value:
        return []
    if not any(isinstance(v, Mapping) for v in value.values()):
        section = into or Section(label(key, lang), [])
        section.rows[:0] = _pairs(key, value, lang)
        return [section]
    inner = list(value.values())
    if all(isinstance(v, Mapping) for v in inner) and len({tuple(v) for v in inner}) == 1:
        return [_matrix(key, value, lang)]
    # A figure of figures (active_at_end): its numbers, then each breakdown under its own heading.
    head = Section(
        label(key, lang), [[_cap(label(k, lang)), cell(v, lang, k)] for k, v in value.items() if _is_number(v)]
    )
    out = [head]
    for k, v in value.items():
        if isinstance(v, Mapping) and (rows := _pairs(k, v, lang)):
            out.append(Section(f"{label(key, lang)}: {label(k, lang)}", rows))
    return out


def comparison_screen(cmp: Mapping[str, Any], lang: str, title: str) -> Screen:
    """Two years side by side (``report year --compare``), grouped under the headings of the year
    report; a breakdown sorted by the first year, its rows that are zero in both years left out."""
    from mentorcli.core.counting import comparison_rows

    columns = ["", str(cmp["year"]["year"]), str(cmp["compare"]["year"]), _cap(label("change", lang))]
    groups: dict[str, list[tuple[Any, list[str]]]] = {}
    for r in comparison_rows(cmp):
        group, _, leaf = r["key"].rpartition(".")
        if group.split(".")[0] in BREAKDOWNS and not (r["year"] or r["compare"]):
            continue
        name = _cap(key_label(group.split(".")[-1], leaf, lang) if group else label(leaf, lang))
        row = [name, *(cell(r[k], lang) for k in ("year", "compare", "change"))]
        groups.setdefault(group, []).append((r["year"] or 0, row))
    sections = []
    for group, items in groups.items():
        if group in BREAKDOWNS:
            items.sort(key=lambda item: -item[0])
        heading = path_label(group, lang) if group else label("h:summary", lang)
        sections.append(Section(heading, [row for _, row in items], columns, {1, 2, 3}))
    return Screen(title, sections)


def rows_screen(
    rows: Sequence[Mapping[str, Any]], columns: Sequence[str], lang: str, title: str = "", heading: str = ""
) -> Screen:
    """A list as one table with labelled headers; a column empty in every row is left out."""
    shown = [c for c in columns if any(r.get(c) not in (None, "") for r in rows)] if rows else list(columns)
    table = [[cell(r.get(c), lang, c) for c in shown] for r in rows]
    right = {i for i, c in enumerate(shown) if rows and all(_is_number(r.get(c)) for r in rows)}
    return Screen(title, [Section(heading, table, [_cap(label(c, lang)) for c in shown], right)])


def listing(rows: Sequence[Mapping[str, Any]], fmt: str, columns: Sequence[str], lang: str, title: str = "") -> str:
    """A list command's output: JSON every key, CSV the columns as stored, a screen for people."""
    from mentorcli.render.output import render

    if fmt in ("json", "csv"):
        return render(rows, fmt, None if fmt == "json" else columns)
    return show(rows_screen(rows, columns, lang, title), fmt)


def tables_screen(
    title: str,
    lang: str,
    pairs: Mapping[str, Any],
    tables: Sequence[tuple[str, Sequence[Mapping[str, Any]], Sequence[str]]],
) -> Screen:
    """A few labelled figures, then small tables under their headings (``plan show``)."""
    first = Section("", [[_cap(label(k, lang)), cell(v, lang, k)] for k, v in pairs.items()])
    rest = [rows_screen(rows, columns, lang, heading=label(h, lang)).sections[0] for h, rows, columns in tables]
    return Screen(title, [first, *rest])


def client_screen(view: Mapping[str, Any], lang: str) -> Screen:
    """``client show``: who, status and dates, then the windows and episodes as small tables."""
    who = ["name", "sex", "born", "age", "country", "languages", "arrived", "route", "residence", "family"]
    status = ["status", "awaiting_court", "eligible_until", "eligible_today", "served_today"]

    def pairs(keys: list[str]) -> list[list[str]]:
        return [[_cap(label(k, lang)), cell(view[k], lang, k)] for k in keys if k in view]

    windows = [[cell(w["kind"], lang, "window"), cell(w["start"], lang), cell(w["end"], lang)] for w in view["windows"]]
    episodes = [
        [cell(e["start"], lang), cell(e["end"], lang), cell(e["end_reason"], lang, "end_reason")]
        for e in view["episodes"]
    ]
    sections = [
        Section(label("h:client", lang), pairs(who)),
        Section(label("h:status", lang), pairs(status)),
        Section(label("windows", lang), windows, [_cap(label(k, lang)) for k in ("kind", "start", "end")]),
        Section(label("episodes", lang), episodes, [_cap(label(k, lang)) for k in ("start", "end", "end_reason")]),
    ]
    if "earlier_episodes" in view:
        earlier = [
            [e["provider"], cell(e["start"], lang), cell(e["end"], lang), cell(e["end_reason"], lang, "end_reason")]
            for e in view["earlier_episodes"]
        ]
        headers = [_cap(label(k, lang)) for k in ("provider", "start", "end", "end_reason")]
        sections.append(Section(label("earlier_episodes", lang), earlier, headers))
    return Screen(view["code"], sections)


# --- screens to text ---------------------------------------------------------------------------------


def show(screen: Screen, fmt: str) -> str:
    """The screen as Markdown (``md``) or as a table: drawn by rich on a terminal, plain when piped."""
    if fmt == "md":
        return _markdown(screen)
    # Piped, the text is read by less, grep or a mail: plain, and without rich's import cost.
    return _rich(screen, True) if sys.stdout.isatty() else _plain(screen)


def _plain(screen: Screen) -> str:
    parts = [screen.title] if screen.title else []
    parts.extend(screen.lead)
    for s in screen.sections:
        lines = [s.title] if s.title else []
        if not s.rows:
            parts.append("\n".join([*lines, "(none)"]))
            continue
        rows = [s.headers, *s.rows] if s.headers else s.rows
        widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
        right = s.align_right | ({1} if s.headers is None and _numeric_column(s.rows) else set())
        for n, row in enumerate(rows):
            cells = [c.rjust(w) if i in right else c.ljust(w) for i, (c, w) in enumerate(zip(row, widths, strict=True))]
            lines.append("  ".join(cells).rstrip())
            if n == 0 and s.headers:
                lines.append("  ".join("-" * w for w in widths))
        parts.append("\n".join(lines))
    return "\n\n".join([*parts, *screen.notes])


def _markdown(screen: Screen) -> str:
    from tabulate import tabulate

    parts = [f"# {screen.title}"] if screen.title else []
    parts.extend(screen.lead)
    for s in screen.sections:
        if s.title:
            parts.append(f"## {s.title}")
        if not s.rows:
            parts.append("(none)")
            continue
        parts.append(tabulate(s.rows, headers=s.headers or ["", ""], tablefmt="github", disable_numparse=True))
    parts.extend(screen.notes)
    return "\n\n".join(parts)


def _rich(screen: Screen, terminal: bool) -> str:
    import io
    import shutil

    from rich import box
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    width = shutil.get_terminal_size((200, 24)).columns
    buf = io.StringIO()
    console = Console(file=buf, width=width, force_terminal=terminal, highlight=False, emoji=False, markup=False)
    if screen.title:
        console.print(Text(screen.title, style="bold"))
        console.print()
    for paragraph in screen.lead:
        console.print(Text(paragraph))
        console.print()
    for s in screen.sections:
        if s.title:
            console.print(Text(s.title, style="bold cyan"))
        if not s.rows:
            console.print("(none)")
            console.print()
            continue
        table = Table(
            box=box.SIMPLE_HEAD if s.headers else None,
            show_header=s.headers is not None,
            header_style="bold",
            show_edge=False,
            padding=(0, 2, 0, 0) if s.headers is None else (0, 1),
        )
        for i, h in enumerate(s.headers or ["", ""]):
            numeric = i in s.align_right or (s.headers is None and i == 1 and _numeric_column(s.rows))
            table.add_column(
                h, style="dim" if s.headers is None and i == 0 else None, justify="right" if numeric else "left"
            )
        for row in s.rows:
            table.add_row(*row)
        console.print(table)
        console.print()
    lines = [line.rstrip() for line in buf.getvalue().rstrip().splitlines()]
    text = re.sub(r"\n{3,}", "\n\n", "\n".join(lines))
    # A paragraph is for pasting: not wrapped at the terminal's width.
    return "\n\n".join([text, *screen.notes])


def _numeric_column(rows: list[list[str]]) -> bool:
    return all(re.fullmatch(r"-?[0-9]+([.,][0-9]+)?|<[0-9]+|x", r[1]) for r in rows)
