"""Exported records as CSV, JSON or an Excel workbook.

CSV and xlsx are opened in spreadsheets: a text cell that a spreadsheet would run as a formula
gets a leading single quote (the import removes it again). JSON is an array of objects with every
column as a key, an empty cell as null.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Collection, Mapping, Sequence
from datetime import date
from typing import Any

from mentorcli.core.cells import neutralise
from mentorcli.render.files import MARK
from mentorcli.render.output import to_json

Rows = Sequence[Mapping[str, Any]]


def _text(value: Any) -> str:
    if value is None:
        return ""
    return neutralise(value) if isinstance(value, str) else str(value)


def to_csv(columns: Sequence[str], rows: Rows) -> str:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(columns)
    w.writerows([_text(row[c]) for c in columns] for row in rows)
    return buf.getvalue()


def to_json_text(rows: Rows) -> str:
    return to_json(rows) + "\n"


def to_xlsx(title: str, columns: Sequence[str], rows: Rows, date_columns: Collection[str]) -> bytes:
    """One sheet named after the kind; dates are date cells, counts are numbers, the rest text."""
    from openpyxl import Workbook
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
    from openpyxl.styles import Font

    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = title
    ws.append(list(columns))
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for row in rows:
        # Control characters cannot be stored in a workbook at all.
        ws.append([_xlsx_cell(row[c], c in date_columns, ILLEGAL_CHARACTERS_RE.sub) for c in columns])
    for col in ws.iter_cols(min_row=2):
        for cell in col:
            if isinstance(cell.value, date):
                cell.number_format = "yyyy-mm-dd"
    ws.freeze_panes = "A2"
    wb.properties.creator = MARK
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _xlsx_cell(value: Any, is_date: bool, sub: Callable[[str, str], str]) -> Any:
    if isinstance(value, str) and is_date:
        return date.fromisoformat(value)
    if isinstance(value, str):
        return neutralise(sub("", value))
    return value
