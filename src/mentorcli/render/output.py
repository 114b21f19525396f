"""One output path: commands hand over plain data, this renders it in the chosen format.

JSON keys are sorted and dates are ISO ``YYYY-MM-DD``: scripts depend on both.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

Data = Mapping[str, Any] | Sequence[Mapping[str, Any]]


def _default(value: Any) -> Any:
    if isinstance(value, date):
        return value.isoformat()
    raise TypeError(f"cannot write {type(value).__name__} as JSON")


# Without ``indent`` json uses its C encoder; with it, the pure-Python one, some four times slower
# (a quarter of `client list` at 100,000 clients).
_COMPACT = json.JSONEncoder(sort_keys=True, ensure_ascii=False, default=_default)


def to_json(data: Any) -> str:
    """A list as one object per line inside the array; one object indented, for reading."""
    if isinstance(data, Sequence) and not isinstance(data, str):
        if not data:
            return "[]"
        return "[\n  " + ",\n  ".join(map(_COMPACT.encode, data)) + "\n]"
    return json.dumps(data, sort_keys=True, ensure_ascii=False, indent=2, default=_default)


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Mapping):
        return ", ".join(f"{k}: {_cell(v)}" for k, v in value.items())
    if isinstance(value, list | tuple):
        return "; ".join(_cell(v) for v in value)
    return str(value)


def _flatten(obj: Mapping[str, Any], prefix: str = "") -> list[tuple[str, str]]:
    rows: list[tuple[str, str]] = []
    for k, v in obj.items():
        name = f"{prefix}{k}"
        if isinstance(v, Mapping) and v:
            rows.extend(_flatten(v, f"{name}."))
        else:
            rows.append((name, _cell(v)))
    return rows


def _table(headers: list[str], rows: list[list[str]], fmt: str) -> str:
    from tabulate import tabulate

    if not rows:
        return "(none)"
    return tabulate(rows, headers=headers, tablefmt="github" if fmt == "md" else "simple")


def render(data: Data, fmt: str, columns: Sequence[str] | None = None) -> str:
    """Text of ``data`` in ``fmt``; ``columns`` orders and limits a list's table and CSV."""
    if fmt == "json":
        return to_json(data)
    if isinstance(data, Mapping):
        pairs = _flatten(data)
        if fmt == "csv":
            return _csv(["key", "value"], [list(p) for p in pairs])
        return _table(["", ""], [list(p) for p in pairs], fmt)
    cols = list(columns) if columns else (list(data[0].keys()) if data else [])
    rows = [[_cell(item.get(c)) for c in cols] for item in data]
    if fmt == "csv":
        return _csv(cols, rows)
    return _table(cols, rows, fmt)


def _csv(headers: list[str], rows: list[list[str]]) -> str:
    import csv  # JSON, the scripts' format, needs neither
    import io

    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(headers)
    w.writerows(rows)
    return buf.getvalue().rstrip("\n")
