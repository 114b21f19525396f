"""CSV import: every row passes the checks of the matching command; the whole file or nothing.

Files are UTF-8 with or without a byte-order mark, separated by ``,`` or ``;`` (Excel in a
Latvian locale writes ``;``), with a header row. A cell that an export neutralised against
spreadsheet formulas (``'=…``) is read back without the added quote.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Collection, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from mentorcli.core.cells import unneutralise
from mentorcli.core.errors import InputError, MentorError
from mentorcli.store.register import Register

EXTRA = "__extra__"


@dataclass(frozen=True)
class Row:
    line: int
    values: dict[str, str]


class ImportFailed(InputError):
    def __init__(self, what: str, problems: list[str]) -> None:
        head = f"import: {what}: {len(problems)} problem(s); nothing was written"
        super().__init__("\n".join([head, *problems]))


def name_problems(
    path: Path, line: int, columns: Collection[str], error: InputError, first_column: str = "code"
) -> list[str]:
    """``file:line: column: reason`` for each line of ``error``; the column its field names, if the file has it."""
    out = []
    for msg in str(error).splitlines():
        field, _, reason = msg.partition(": ")
        field = field.strip().lstrip("-")
        column = field if field in columns else first_column
        out.append(f"{path.name}:{line}: {column}: {reason if column == field else msg}")
    return out


def malformed(path: Path, row: Row) -> str | None:
    """The problem of a row with more cells than the header has columns, if it has."""
    return f"{path.name}:{row.line}: -: {row.values[EXTRA]}" if EXTRA in row.values else None


def _text(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise InputError(f"file: '{path}' does not exist") from None
    except IsADirectoryError:
        raise InputError(f"file: '{path}' is a directory") from None
    except UnicodeDecodeError as e:
        raise InputError(
            f"file: '{path}' is not UTF-8 text (byte {e.start + 1}); in Excel save as 'CSV UTF-8'"
        ) from None
    except OSError as e:
        raise MentorError(f"file: '{path}': {e.strerror}") from None


def read_rows(path: Path, columns: tuple[str, ...], required: tuple[str, ...]) -> list[Row]:
    """The data rows, each with the line of the file it starts on; refuses a bad header."""
    return list(iter_rows(path, columns, required))


def iter_rows(path: Path, columns: tuple[str, ...], required: tuple[str, ...]) -> Iterator[Row]:
    """The data rows one at a time (a large file is not held as rows); the header is checked first."""
    text = _text(path)
    first = text.split("\n", 1)[0]
    if not first.strip():
        raise InputError(f"{path.name}:1: the file is empty (a header row is needed: {','.join(columns)})")
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(first))
    header = [h.strip().lower() for h in next(reader)]
    _check_header(path, header, columns, required)
    return _rows(reader, header)


def _rows(reader: Any, header: list[str]) -> Iterator[Row]:
    line = reader.line_num + 1
    for cells in reader:
        start, line = line, reader.line_num + 1  # a quoted cell may span lines
        if not any(c.strip() for c in cells):
            continue
        values = {h: unneutralise(cells[i]).strip() if i < len(cells) else "" for i, h in enumerate(header)}
        extra = [c for c in cells[len(header) :] if c.strip()]
        if extra:
            values[EXTRA] = f"{len(cells)} cells, but the header has {len(header)} columns"
        yield Row(start, values)


def _delimiter(first_line: str) -> str:
    return ";" if first_line.count(";") > first_line.count(",") else ","


def header(path: Path) -> list[str]:
    """The column names of a file's header row, as ``read_rows`` reads them."""
    text = _text(path)
    first = text.split("\n", 1)[0]
    cells = next(csv.reader(io.StringIO(first, newline=""), delimiter=_delimiter(first)), [])
    return [h.strip().lower() for h in cells]


def _check_header(path: Path, header: list[str], columns: tuple[str, ...], required: tuple[str, ...]) -> None:
    problems = [f"unknown column '{h}'" for h in header if h not in columns]
    problems += [f"column '{h}' appears twice" for i, h in enumerate(header) if h in header[:i]]
    problems += [f"missing column '{c}'" for c in required if c not in header]
    if problems:
        raise InputError(f"{path.name}:1: {'; '.join(problems)} (columns: {','.join(columns)})")


def apply_rows(
    reg: Register,
    path: Path,
    rows: list[Row],
    apply: Callable[[Row], None],
    first_column: str,
    *,
    unique: str | None = None,
    progress: Callable[[int], None] | None = None,
) -> int:
    """Apply every row, each inside a savepoint; collect every problem; raise if any."""
    problems = collect_rows(reg, path, rows, apply, first_column, unique=unique, progress=progress)
    if problems:
        raise ImportFailed(path.name, problems)
    return len(rows)


def collect_rows(
    reg: Register,
    path: Path,
    rows: Iterable[Row],
    apply: Callable[[Row], None],
    first_column: str,
    *,
    unique: str | None = None,
    progress: Callable[[int], None] | None = None,
) -> list[str]:
    """Apply every row, each inside a savepoint; the problems, in line order.

    ``unique`` names a column no two rows may share (a repeated code is named as such, not as
    "already in the register"). ``progress`` is told how many rows are done.
    """
    problems: list[tuple[int, str]] = []
    seen: dict[str, int] = {}
    for done, row in enumerate(rows, start=1):
        if progress:
            progress(done)
        if bad := malformed(path, row):
            problems.append((row.line, bad))
            continue
        key = row.values.get(unique or "", "")
        if key and key in seen:
            problems.append((row.line, f"{path.name}:{row.line}: {unique}: '{key}' repeats line {seen[key]}"))
            continue
        if key:
            seen[key] = row.line
        reg.conn.execute("SAVEPOINT import_row")
        try:
            apply(row)
        except InputError as e:
            reg.conn.execute("ROLLBACK TO import_row")
            problems.extend((row.line, p) for p in name_problems(path, row.line, row.values, e, first_column))
        reg.conn.execute("RELEASE import_row")
    # Rows may be applied out of file order (events go by date); the list goes by line.
    return [p for _, p in sorted(problems, key=lambda p: p[0])]


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
