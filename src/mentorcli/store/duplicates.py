"""The registered clients that duplicates are looked for among (``core.duplicates`` decides)."""

from __future__ import annotations

from datetime import date
from typing import Any

from mentorcli.core.duplicates import Candidate, Registered, candidates, matches
from mentorcli.store.register import Register

# Merged records are no longer a person of their own; their code only points to the one kept.
_PEOPLE = (
    "SELECT c.code, c.sex, c.born, c.born_year_only, c.country, c.family, p.name "
    "FROM clients c LEFT JOIN personal_clients p ON p.client_id = c.id WHERE c.merged_into IS NULL"
)


def _registered(rows: Any) -> list[Registered]:
    return [Registered(r[0], r[1], date.fromisoformat(r[2]), bool(r[3]), r[4], r[5], r[6]) for r in rows]


def all_candidates(reg: Register) -> tuple[list[Candidate], dict[str, str | None]]:
    """Every candidate pair, and the names of the clients in them (printed only when asked for)."""
    people = _registered(reg.conn.execute(_PEOPLE))
    found = candidates(people)
    named = {c for pair in found for c in (pair.code, pair.other)}
    return found, {p.code: p.name for p in people if p.code in named}


def for_client(reg: Register, code: str) -> list[Candidate]:
    """The candidates of one client: those born the same day, or that year where a year is all we know."""
    row = reg.conn.execute(f"{_PEOPLE} AND c.code = ?", (code,)).fetchone()
    if row is None:
        return []
    new = _registered([row])[0]
    year = new.born.year
    if new.born_year_only:
        where, params = "c.born BETWEEN ? AND ?", [f"{year:04d}-01-01", f"{year:04d}-12-31"]
    else:
        where = "(c.born = ? OR (c.born = ? AND c.born_year_only = 1))"
        params = [new.born.isoformat(), f"{year:04d}-01-01"]
    others = _registered(reg.conn.execute(f"{_PEOPLE} AND {where} AND c.code != ?", (*params, code)))
    return matches(new, others)
