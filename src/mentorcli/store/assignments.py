"""Assignments of a social worker and a mentor to a client, as they are in effect."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from mentorcli.core.casework import (
    MENTOR,
    SOCIAL_WORKER,
    Overload,
    Period,
    first_overload,
)
from mentorcli.core.dates import ONE_DAY
from mentorcli.core.errors import InputError
from mentorcli.core.messages import N_, NP_
from mentorcli.store.clients import client_id
from mentorcli.store.db import day_or_none, iso_or_none, overlaps
from mentorcli.store.ids import new_id
from mentorcli.store.register import Register
from mentorcli.store.staff import require, staff


def _earlier(a: date | None, b: date | None) -> date | None:
    """The earlier of two ends, where None is "no end known"."""
    if a is None or b is None:
        return a or b
    return min(a, b)


# Assignments with their effective end: their own end or the end of the client's episode that
# contains their start, whichever is earlier. An assignment whose start lies in no episode (the
# episode was corrected away) covers no served day and is left out.
_IN_EPISODE = """
       CASE WHEN a.end IS NULL THEN e.end
            WHEN e.end IS NULL OR a.end < e.end THEN a.end
            ELSE e.end END AS eff_end
FROM assignments a
{clients}JOIN episodes e ON e.client_id = a.client_id AND e.start <= a.start AND (e.end IS NULL OR e.end >= a.start)
"""
PERIODS = (
    "\nSELECT a.id, a.client_id, c.code, a.worker_id, a.mentor_id, a.start, a.end, a.forced,"
    + _IN_EPISODE.format(clients="JOIN clients c ON c.id = a.client_id\n")
)
# The same without the client's code, for a reader of every assignment (db check): the lookup of
# each client is most of the work.
SPANS = "SELECT a.id, a.client_id, a.worker_id, a.mentor_id, a.start, a.forced," + _IN_EPISODE.format(clients="")


# Assignments in effect on :day. The condition on the assignment's own end follows from the one on
# the effective end; it is there so that SQLite searches the index on (end, start) instead of
# reading every assignment.
ON_DAY = f"{overlaps(':day', ':day', end='eff_end')} AND {overlaps(':day', ':day')}"


def in_effect(reg: Register, where: str, params: Iterable[Any]) -> list[sqlite3.Row]:
    values = tuple(p.isoformat() if isinstance(p, date) else p for p in params)
    return reg.conn.execute(f"SELECT * FROM ({PERIODS}) WHERE {where} ORDER BY start, id", values).fetchall()


def served_episode(reg: Register, cid: int, day: date) -> Period | None:
    row = reg.conn.execute(
        f"SELECT start, end FROM episodes WHERE client_id = :cid AND {overlaps(':day', ':day')}",
        {"cid": cid, "day": day.isoformat()},
    ).fetchone()
    return Period(date.fromisoformat(row["start"]), day_or_none(row["end"])) if row else None


def require_served(reg: Register, code: str, day: date, field: str) -> tuple[int, Period]:
    cid = client_id(reg, code)
    episode = served_episode(reg, cid, day)
    if episode is None:
        raise InputError(N_("{code} is not served on {day}", code=code, day=day), field=field)
    return cid, episode


@dataclass(frozen=True)
class Assigned:
    period: Period  # as it is in effect: cut at the end of the client's episode
    overloads: tuple[Overload, ...]  # the limits --force overrode
    closed: date | None = None  # the new last day of the assignment it follows


def assign(
    reg: Register,
    code: str,
    worker: str,
    mentor: str,
    start: date,
    end: date | None = None,
    *,
    force: bool = False,
    loads: Loads | None = None,
) -> Assigned:
    """Assign a social worker and a mentor to a client from ``start``.

    An assignment open on ``start`` ends the day before (one that starts that very day is
    replaced). Refused when the client is not served on ``start``, when either staff member is
    not active in that role on every day, or when either would serve more clients than the
    policy allows on any day (unless ``force``). ``loads``: the staff's assignments held in memory
    by an import of many (kept as this one leaves them, or as they were if it is refused).
    """
    if end is not None and end < start:
        raise InputError(N_("{end} is before {start}", end=end, start=start), field="to")
    cid, episode = require_served(reg, code, start, "from")
    period = Period(start, _earlier(end, episode.end))
    w, m = staff(reg, worker, "worker"), staff(reg, mentor, "mentor")
    require(w, SOCIAL_WORKER, period, "worker")
    require(m, MENTOR, period, "mentor")
    undo: list[Callable[[], None]] = []
    if loads is not None:  # read before this row changes them
        loads.of("worker_id", w.id)
        loads.of("mentor_id", m.id)
    try:
        closed = None
        for r in in_effect(reg, "client_id = ? AND (eff_end IS NULL OR eff_end >= ?)", (cid, start)):
            began = date.fromisoformat(r["start"])
            if began > start:
                raise InputError(
                    N_("{code} has an assignment from {day}; a new one must start later", code=code, day=began),
                    field="from",
                )
            if began == start:
                reg.conn.execute("DELETE FROM assignments WHERE id = ?", (r["id"],))
                reg.audit("replace", "assignments", code, {"assignment": r["id"], "from": start})
                if loads is not None:
                    undo.append(loads.put(r["id"], r["worker_id"], r["mentor_id"], None))
            else:
                closed = start - ONE_DAY
                audit_id = reg.audit("close", "assignments", code, {"assignment": r["id"], "to": start - ONE_DAY})
                reg.conn.execute(
                    "UPDATE assignments SET end = ?, audit_id = ? WHERE id = ?", (closed.isoformat(), audit_id, r["id"])
                )
                if loads is not None:  # it ran into this one's episode, so its own end is now the earlier
                    undo.append(loads.put(r["id"], r["worker_id"], r["mentor_id"], Period(began, closed)))
        overloads = []
        for s, column, field in ((w, "worker_id", "worker"), (m, "mentor_id", "mentor")):
            others = loads.others(column, s.id, period) if loads is not None else _others(reg, column, s.id, period)
            over = first_overload(s.role, period, others, reg.policies)
            if over is None:
                continue
            if not force:
                raise InputError(
                    NP_(
                        "{name} would have {n} client on {day} (maximum {maximum}); --force overrides",
                        "{name} would have {n} clients on {day} (maximum {maximum}); --force overrides",
                        over.load,
                        name=s.name,
                        day=over.day,
                        maximum=over.maximum,
                    ),
                    field=field,
                )
            overloads.append(over)
        aid = new_id()
        changed: dict[str, Any] = {"assignment": aid, "worker": w.ref, "mentor": m.ref, "from": start, "to": end}
        if overloads:
            changed["forced"] = 1
            changed["over_maximum"] = [
                {"role": o.role, "day": o.day, "load": o.load, "maximum": o.maximum} for o in overloads
            ]
        audit_id = reg.audit("assign", "assignments", code, changed)
        reg.conn.execute(
            "INSERT INTO assignments (id, client_id, worker_id, mentor_id, start, end, forced, recorded_on, audit_id) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                aid,
                cid,
                w.id,
                m.id,
                start.isoformat(),
                iso_or_none(end),
                int(bool(overloads)),
                reg.today.isoformat(),
                audit_id,
            ),
        )
        if loads is not None:
            loads.put(aid, w.id, m.id, period)
    except BaseException:
        for step in reversed(undo):
            step()
        raise
    return Assigned(period, tuple(overloads), closed)


class Loads:
    """The assignments of staff members as they are in effect, read once each and then kept in
    memory: an import of many assignments asks for the same staff's thousands of them on every row."""

    def __init__(self, reg: Register) -> None:
        self.reg = reg
        self._by: dict[tuple[str, int], dict[int, Period]] = {}  # (column, staff id): id -> period in effect

    def of(self, column: str, sid: int) -> dict[int, Period]:
        key = (column, sid)
        if key not in self._by:
            self._by[key] = {
                r["id"]: Period(date.fromisoformat(r["start"]), day_or_none(r["eff_end"]))
                for r in in_effect(self.reg, f"{column} = ?", (sid,))
            }
        return self._by[key]

    def others(self, column: str, sid: int, within: Period) -> list[Period]:
        """What ``_others`` reads from the register."""
        return [
            p
            for p in self.of(column, sid).values()
            if (p.end is None or p.end >= within.start) and (within.end is None or p.start <= within.end)
        ]

    def put(self, aid: int, worker_id: int, mentor_id: int, period: Period | None) -> Callable[[], None]:
        """An assignment is now in effect for ``period`` (None: deleted); returns how to undo that."""
        held = [
            h for h in (self._by.get(("worker_id", worker_id)), self._by.get(("mentor_id", mentor_id))) if h is not None
        ]
        before = [(h, h.get(aid)) for h in held]
        for h in held:
            if period is None:
                h.pop(aid, None)
            else:
                h[aid] = period

        def undo() -> None:
            for h, was in before:
                if was is None:
                    h.pop(aid, None)
                else:
                    h[aid] = was

        return undo


def _others(reg: Register, column: str, sid: int, within: Period) -> list[Period]:
    """The staff member's other assignments that overlap ``within``, as they are in effect."""
    where = f"{column} = ? AND (eff_end IS NULL OR eff_end >= ?)"
    params: list[Any] = [sid, within.start]
    if within.end is not None:
        where += " AND start <= ?"
        params.append(within.end)
    return [Period(date.fromisoformat(r["start"]), day_or_none(r["eff_end"])) for r in in_effect(reg, where, params)]


def unassign(reg: Register, code: str, day: date) -> Period:
    """The client's assignment active on ``day`` ends that day."""
    cid = client_id(reg, code)
    rows = in_effect(reg, "client_id = ? AND start <= ? AND (eff_end IS NULL OR eff_end >= ?)", (cid, day, day))
    if not rows:
        raise InputError(N_("{code} has no assignment active on {day}", code=code, day=day), field="date")
    r = rows[-1]
    audit_id = reg.audit("unassign", "assignments", code, {"assignment": r["id"], "to": day})
    reg.conn.execute("UPDATE assignments SET end = ?, audit_id = ? WHERE id = ?", (day.isoformat(), audit_id, r["id"]))
    return Period(date.fromisoformat(r["start"]), day)


def assignments_of(reg: Register, code: str) -> list[dict[str, Any]]:
    """A client's assignments as they are in effect."""
    cid = client_id(reg, code)
    names = {r[0]: r[1] for r in reg.conn.execute("SELECT id, name FROM staff")}
    return [
        {
            "worker": names.get(r["worker_id"]),
            "mentor": names.get(r["mentor_id"]),
            "from": date.fromisoformat(r["start"]),
            "to": day_or_none(r["eff_end"]),
            "forced": bool(r["forced"]),
        }
        for r in in_effect(reg, "client_id = ?", (cid,))
    ]
