"""CSV import: every row passes the checks of the matching command; the whole file or nothing.

Files are UTF-8 with or without a byte-order mark, separated by ``,`` or ``;`` (Excel in a
Latvian locale writes ``;``), with a header row.
"""

from __future__ import annotations

import csv
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from mentorcli.core.errors import InputError, MentorError
from mentorcli.store.register import Register


@dataclass(frozen=True)
class Row:
    line: int
    values: dict[str, str]


class ImportFailed(InputError):
    def __init__(self, path: Path, problems: list[str]) -> None:
        head = f"import: {path.name}: {len(problems)} problem(s); nothing was written"
        super().__init__("\n".join([head, *problems]))


def read_rows(path: Path, columns: tuple[str, ...], required: tuple[str, ...]) -> list[Row]:
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise InputError(f"file: '{path}' does not exist") from None
    except UnicodeDecodeError:
        raise InputError(f"file: '{path}' is not UTF-8 text") from None
    except OSError as e:
        raise MentorError(f"file: '{path}': {e.strerror}") from None
    lines = text.splitlines()
    if not lines:
        raise InputError(f"{path}:1: the file is empty (a header row is needed)")
    delimiter = ";" if lines[0].count(";") > lines[0].count(",") else ","
    reader = csv.reader(lines, delimiter=delimiter)
    header = [h.strip().lower() for h in next(reader)]
    unknown = [h for h in header if h not in columns]
    missing = [c for c in required if c not in header]
    if unknown or missing:
        what = f"unknown column '{unknown[0]}'" if unknown else f"missing column '{missing[0]}'"
        raise InputError(f"{path}:1: {what} (columns: {','.join(columns)})")
    rows = []
    for n, cells in enumerate(reader, start=2):
        if not any(c.strip() for c in cells):
            continue
        padded = cells + [""] * (len(header) - len(cells))
        rows.append(Row(n, {h: padded[i].strip() for i, h in enumerate(header)}))
        if len(cells) > len(header):
            rows[-1].values["__extra__"] = "yes"
    return rows


def apply_rows(
    reg: Register,
    path: Path,
    rows: list[Row],
    apply: Callable[[Row], None],
    first_column: str,
) -> int:
    """Apply every row, each inside a savepoint; collect every problem; raise if any."""
    problems: list[str] = []
    for row in rows:
        if "__extra__" in row.values:
            problems.append(f"{path.name}:{row.line}: -: more cells than columns")
            continue
        reg.conn.execute("SAVEPOINT import_row")
        try:
            apply(row)
        except InputError as e:
            reg.conn.execute("ROLLBACK TO import_row")
            for msg in str(e).splitlines():
                field, _, reason = msg.partition(": ")
                field = field.strip().lstrip("-")
                column = field if field in row.values else first_column
                problems.append(f"{path.name}:{row.line}: {column}: {reason if column == field else msg}")
        reg.conn.execute("RELEASE import_row")
    if problems:
        raise ImportFailed(path, problems)
    return len(rows)


def check_fields(row: Row, checks: dict[str, Callable[[str], Any]]) -> dict[str, Any]:
    """Each column's check; every failure of the row is raised together, one line each."""
    values: dict[str, Any] = {}
    errors: list[str] = []
    for column, check in checks.items():
        try:
            values[column] = check(row.values.get(column, ""))
        except InputError as e:
            reason = str(e).partition(": ")[2] or str(e)
            errors.append(f"{column}: {reason}")
    if errors:
        raise InputError("\n".join(errors))
    return values
