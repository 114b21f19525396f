"""What ``report forecast`` reads: staff with their assignments in effect and teams, and who may wait."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import date

from mentorcli.core.dates import Period
from mentorcli.core.eligibility import Episode, Window
from mentorcli.core.forecast import Member
from mentorcli.store.assignments import in_effect
from mentorcli.store.clients import stored_spans
from mentorcli.store.db import day_or_none, overlaps
from mentorcli.store.register import Register
from mentorcli.store.staff import staff_from_row


def members(reg: Register, first: date, last: date) -> list[Member]:
    """Staff active on some day of ``first..last``, with their assignments in effect on some day of it."""
    held: dict[int, list[Period]] = defaultdict(list)
    # The condition on the assignment's own end lets SQLite search its index (as assignments.ON_DAY).
    where = f"{overlaps('?', '?', end='eff_end')} AND {overlaps('?', '?')}"
    for r in in_effect(reg, where, (last, first, last, first)):
        for who in (r["worker_id"], r["mentor_id"]):
            if who is not None:
                held[who].append(Period(date.fromisoformat(r["start"]), day_or_none(r["eff_end"])))
    teams: dict[int, list[tuple[Period, str]]] = defaultdict(list)
    for r in reg.conn.execute(
        'SELECT t.mentor_id, s.name, t.start, t."end" FROM teams t JOIN staff s ON s.id = t.worker_id'
    ):
        teams[r[0]].append((Period(date.fromisoformat(r[2]), day_or_none(r[3])), r[1]))
    out = []
    for row in reg.conn.execute(
        f"SELECT * FROM staff WHERE {overlaps(':first', ':last', 'active_from', 'active_to')} ORDER BY role DESC, name",
        {"first": first.isoformat(), "last": last.isoformat()},
    ):
        s = staff_from_row(row)
        out.append(Member(s.name, s.role, s.period, tuple(held[s.id]), tuple(teams[s.id])))
    return out


def spans(reg: Register, first: date, last: date) -> Sequence[tuple[list[Window], list[Episode]]]:
    """Windows and episodes of every client eligible on some day of ``first..last``."""
    ids = [
        r[0]
        for r in reg.conn.execute(
            f"SELECT DISTINCT client_id FROM windows WHERE {overlaps(':first', ':last')}",
            {"first": first.isoformat(), "last": last.isoformat()},
        )
    ]
    return list(stored_spans(reg, ids).values())
