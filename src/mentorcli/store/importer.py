"""CSV import: every row passes the checks of the matching command; the whole file or nothing.

Files are UTF-8 with or without a byte-order mark, separated by ``,`` or ``;`` (Excel in a
Latvian locale writes ``;``), with a header row. A cell that an export neutralised against
spreadsheet formulas (``'=…``) is read back without the added quote.
"""

from __future__ import annotations

import csv
import io
import re
import sys
from collections.abc import Callable, Collection, Iterable, Iterator
from pathlib import Path
from typing import Any, NamedTuple

from mentorcli.core.cells import unneutralise
from mentorcli.core.errors import InputError, MentorError, Problems, spans_lines
from mentorcli.core.messages import N_, NP_
from mentorcli.store.register import Register

EXTRA = "__extra__"
# The csv module's own default limit on a cell, kept as the limit of a value.
MAX_CELL = 131_072


class Row(NamedTuple):
    """A data row and the line of the file it starts on (a tuple: a file makes hundreds of thousands)."""

    line: int
    values: dict[str, str]


class ImportFailed(InputError):
    """Every bad row of a file: a heading line, then one line per problem."""

    def __init__(self, what: str, problems: list[str]) -> None:
        head = NP_(
            "import: {file}: {n} problem; nothing was written",
            "import: {file}: {n} problems; nothing was written",
            len(problems),
            file=what,
        )
        self.lines = [head, *problems]  # the CLI says each in the user's language
        Exception.__init__(self, "\n".join(self.lines))  # one line per problem, each escaped
        self.field, self.reason = None, str(self)


def name_problems(path: Path, line: int, columns: Collection[str], error: InputError, first_column: str) -> list[str]:
    """``file:line: column: reason`` for each error of ``error``; the column its field names, if the file has it."""
    out: list[str] = []
    for err in error.errors if isinstance(error, Problems) else [error]:
        field = (err.field or "").lstrip("-")
        said = (
            err.reason
            if field in columns
            else (N_("{where}: {reason}", where=err.field, reason=err.reason) if err.field else err.reason)
        )
        where = f"{path.name}:{line}: {field if field in columns else first_column}"
        out.append(N_("{where}: {reason}", where=where, reason=said))
    return out


def malformed(path: Path, row: Row) -> str | None:
    """The problem of a row with more cells than the header has columns, if it has."""
    if EXTRA not in row.values:
        return None
    where = f"{path.name}:{row.line}: -"
    return N_("{where}: {reason}", where=where, reason=row.values[EXTRA])


def _text(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise InputError(N_("'{value}' does not exist", value=path), field="file") from None
    except IsADirectoryError:
        raise InputError(N_("'{value}' is a directory", value=path), field="file") from None
    except UnicodeDecodeError as e:
        raise InputError(
            N_("file: '{path}' is not UTF-8 text (byte {n}); in Excel save as 'CSV UTF-8'", path=path, n=e.start + 1)
        ) from None
    except OSError as e:
        raise MentorError(N_("file: '{path}': {reason}", path=path, reason=e.strerror)) from None


def read_rows(path: Path, columns: tuple[str, ...], required: tuple[str, ...]) -> list[Row]:
    """The data rows, each with the line of the file it starts on; refuses a bad header."""
    return list(iter_rows(path, columns, required))


def iter_rows(path: Path, columns: tuple[str, ...], required: tuple[str, ...]) -> Iterator[Row]:
    """The data rows one at a time (a large file is not held as rows); the header is checked first."""
    text = _text(path)
    first = text[: text.find("\n")] if "\n" in text else text
    if not first.strip():
        raise InputError(
            N_(
                "{file}:1: the file is empty (a header row is needed: {columns})",
                file=path.name,
                columns=",".join(columns),
            )
        )
    reader = csv.reader(_lines(text), delimiter=_delimiter(first))
    header = [h.strip().lower() for h in next(reader)]
    _check_header(path, header, columns, required)
    return _rows(path, reader, header)


_LINE = re.compile(r"[^\r\n]*(?:\r\n?|\n)|[^\r\n]+")


def _lines(text: str) -> Iterator[str]:
    """The lines of ``text`` with their ends (``\n``, ``\r\n`` or ``\r``, as ``newline=""`` reads them),
    one at a time: a StringIO would hold a copy of the text at four bytes a character."""
    return (m.group() for m in _LINE.finditer(text))


def _rows(path: Path, reader: Any, header: list[str]) -> Iterator[Row]:
    line = reader.line_num + 1
    width = len(header)
    for cells in _cells(reader):
        start, line = line, reader.line_num + 1  # a quoted cell may span lines
        joined = "\x1f".join(cells)  # one check of the row; a cell at a time only if it fails
        if not joined.strip():  # blank: the separator is white space to strip() as well
            continue
        if len(joined) > MAX_CELL or spans_lines(joined):
            _check_cells(path, start, header, cells)
        # Only a cell with a quote can be one an export neutralised.
        values = dict(zip(header, map(_cell if "'" in joined else str.strip, cells), strict=False))
        if len(cells) < width:
            values.update((h, "") for h in header[len(cells) :])
        elif len(cells) > width and any(c.strip() for c in cells[width:]):
            values[EXTRA] = N_("{n} cells, but the header has {columns} columns", n=len(cells), columns=width)
        yield Row(start, values)


def _cell(text: str) -> str:
    return unneutralise(text).strip()


def _delimiter(first_line: str) -> str:
    return ";" if first_line.count(";") > first_line.count(",") else ","


def header(path: Path) -> list[str]:
    """The column names of a file's header row, as ``read_rows`` reads them."""
    first = _text(path).split("\n", 1)[0]
    cells = next(csv.reader(io.StringIO(first, newline=""), delimiter=_delimiter(first)), [])
    return [h.strip().lower() for h in cells]


def _cells(reader: Iterator[list[str]]) -> Iterator[list[str]]:
    """The rows of ``reader``; a cell over the csv module's limit is read whole, then refused by
    ``_check_cells`` with its row and column (the module itself would only say "field larger
    than field limit")."""
    limit = csv.field_size_limit(sys.maxsize)
    try:
        yield from reader
    finally:
        csv.field_size_limit(limit)


def _check_cells(path: Path, line: int, header: list[str], cells: list[str]) -> None:
    """No value spans lines or exceeds the csv module's limit: no field of the register takes one."""
    for i, cell in enumerate(cells):
        column = header[i] if i < len(header) else f"cell {i + 1}"
        if len(cell) > MAX_CELL:
            raise InputError(
                N_("{n} characters; a value may have at most {most}", n=len(cell), most=MAX_CELL),
                field=f"{path.name}:{line}: {column}",
            )
        if spans_lines(cell):
            raise InputError(
                N_("'{value}' spans lines; a value must stay on one line", value=cell[:40]),
                field=f"{path.name}:{line}: {column}",
            )


def _check_header(path: Path, header: list[str], columns: tuple[str, ...], required: tuple[str, ...]) -> None:
    problems = [N_("unknown column '{column}'", column=h) for h in header if h not in columns]
    problems += [N_("column '{column}' appears twice", column=h) for i, h in enumerate(header) if h in header[:i]]
    problems += [N_("missing column '{column}'", column=c) for c in required if c not in header]
    if problems:
        said = problems[0]
        for p in problems[1:]:
            said = N_("{problems}; {problem}", problems=said, problem=p)
        raise InputError(
            N_("{file}:1: {problems} (columns: {columns})", file=path.name, problems=said, columns=",".join(columns))
        )


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
            repeats = N_("'{value}' repeats line {line}", value=key, line=seen[key])
            where = f"{path.name}:{row.line}: {unique}"
            problems.append((row.line, N_("{where}: {reason}", where=where, reason=repeats)))
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
    errors: list[InputError] = []
    cells = row.values
    for column, check in checks.items():
        try:
            values[column] = check(cells.get(column, ""))
        except InputError as e:
            errors.append(InputError(e.reason, field=column))
    if errors:
        raise Problems(errors)
    return values
