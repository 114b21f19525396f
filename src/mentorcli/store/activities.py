"""Activities (support given on a day) and their types.

Every write is audited. Staff members appear in the audit log by id (``staff#3``), goal texts and
activity notes as "(changed)": the log holds no names and no free text.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from mentorcli.core.casework import (
    Period,
    check_type_name,
)
from mentorcli.core.clients import check_not_future
from mentorcli.core.errors import InputError
from mentorcli.core.messages import N_
from mentorcli.store import personal
from mentorcli.store.assignments import require_served
from mentorcli.store.clients import client_id
from mentorcli.store.db import day_or_none
from mentorcli.store.ids import new_id
from mentorcli.store.register import Register
from mentorcli.store.staff import Staff, require, staff


def add_activity_type(reg: Register, name: str) -> str:
    name = check_type_name(name, "name")
    if reg.conn.execute("SELECT 1 FROM activity_types WHERE name = ?", (name,)).fetchone():
        raise InputError(N_("'{value}' is already an activity type", value=name), field="name")
    audit_id = reg.audit("add", "activity_types", name)
    reg.conn.execute("INSERT INTO activity_types (name, builtin, audit_id) VALUES (?, 0, ?)", (name, audit_id))
    return name


def activity_types(reg: Register) -> list[dict[str, Any]]:
    rows = reg.conn.execute("SELECT name, builtin FROM activity_types ORDER BY builtin DESC, name")
    return [{"name": r["name"], "builtin": bool(r["builtin"])} for r in rows]


def check_activity_type(reg: Register, text: str) -> str:
    name = text.strip().lower()
    if not reg.conn.execute("SELECT 1 FROM activity_types WHERE name = ?", (name,)).fetchone():
        raise InputError(
            N_("'{value}' is not an activity type (see: mentorcli activity type list)", value=text), field="type"
        )
    return name


class Lookups:
    """What an activity's checks look up (its type, its clients' episodes, its staff member), from
    the register each time."""

    def __init__(self, reg: Register) -> None:
        self.reg = reg

    def kind(self, text: str) -> str:
        return check_activity_type(self.reg, text)

    def served(self, code: str, day: date) -> int:
        return require_served(self.reg, code, day, "code")[0]

    def staff(self, name: str) -> Staff:
        return staff(self.reg, name)


class HeldLookups(Lookups):
    """The same answers, each found once and then held: an import of activities asks after the same
    types, clients and staff members hundreds of thousands of times, and writes none of them."""

    def __init__(self, reg: Register) -> None:
        super().__init__(reg)
        self._kinds: dict[str, str] = {}
        self._episodes: dict[str, tuple[int, list[Period]]] = {}
        self._staff: dict[str, Staff] = {}

    def kind(self, text: str) -> str:
        if text not in self._kinds:
            self._kinds[text] = super().kind(text)
        return self._kinds[text]

    def served(self, code: str, day: date) -> int:
        if code not in self._episodes:
            cid = client_id(self.reg, code)
            rows = self.reg.conn.execute('SELECT start, "end" FROM episodes WHERE client_id = ?', (cid,))
            self._episodes[code] = (cid, [Period(date.fromisoformat(r[0]), day_or_none(r[1])) for r in rows])
        cid, episodes = self._episodes[code]
        if not any(e.contains(day) for e in episodes):
            return super().served(code, day)  # refused as the register refuses it
        return cid

    def staff(self, name: str) -> Staff:
        if name not in self._staff:
            self._staff[name] = super().staff(name)
        return self._staff[name]


def check_activity(
    reg: Register, codes: list[str], kind: str, day: date, by: str, look: Lookups
) -> tuple[str, list[int], Staff]:
    """The activity's type, its clients' ids and its staff member; refused as ``add_activity`` refuses it."""
    kind = look.kind(kind)
    check_not_future(day, reg.today, "date")
    if not codes:
        raise InputError(N_("at least one client is needed"), field="code")
    if len(set(codes)) != len(codes):
        raise InputError(N_("a client is named twice in {codes}", codes=",".join(codes)), field="code")
    ids = [look.served(code, day) for code in codes]
    s = look.staff(by)
    require(s, None, Period(day, day), "staff")
    return kind, ids, s


def add_activity(
    reg: Register,
    codes: list[str],
    kind: str,
    day: date,
    by: str,
    minutes: int | None = None,
    interpreter: str | None = None,
    note: str | None = None,
) -> int:
    """One piece of support given on ``day``, to one client or several (a family visit)."""
    kind, ids, s = check_activity(reg, codes, kind, day, by, Lookups(reg))
    aid = new_id()
    audit_id = reg.audit(
        "add",
        "activities",
        ",".join(codes),
        {"activity": aid, "type": kind, "date": day, "staff": s.ref, "minutes": minutes, "note": note},
    )
    reg.conn.execute(
        "INSERT INTO activities (id, date, type, staff_id, minutes, interpreter, audit_id) VALUES (?, ?, ?, ?, ?, ?, ?)",
        (aid, day.isoformat(), kind, s.id, minutes, interpreter, audit_id),
    )
    personal.set_activity_note(reg, aid, note, audit_id)
    reg.conn.executemany(
        "INSERT INTO activity_clients (activity_id, client_id, audit_id) VALUES (?, ?, ?)",
        [(aid, i, audit_id) for i in ids],
    )
    return aid


class Imported:
    """Activities of one imported file: each checked as ``add_activity`` checks it, written in
    sets under the file's one audit entry (SPEC 10)."""

    _CHUNK = 20_000  # rows held before they are written: a file may hold a million

    def __init__(self, reg: Register, audit_id: int) -> None:
        self.reg, self.audit_id = reg, audit_id
        self.look = HeldLookups(reg)
        self.rows: list[tuple[int, str, str, int, int | None, str | None, str | None, list[int]]] = []

    def add(
        self,
        codes: list[str],
        kind: str,
        day: date,
        by: str,
        minutes: int | None = None,
        interpreter: str | None = None,
        note: str | None = None,
    ) -> None:
        kind, ids, s = check_activity(self.reg, codes, kind, day, by, self.look)
        self.rows.append((new_id(), day.isoformat(), kind, s.id, minutes, interpreter, note, ids))
        if len(self.rows) >= self._CHUNK:
            self.flush()

    def flush(self) -> None:
        rows, self.rows, audit_id, conn = sorted(self.rows), [], self.audit_id, self.reg.conn
        # Dated here, not by the as-of trigger (store.versions.track), which would update each row again.
        today = self.reg.today.isoformat()
        conn.executemany(
            "INSERT INTO activities (id, date, type, staff_id, minutes, interpreter, recorded_on, audit_id) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            ((r[0], r[1], r[2], r[3], r[4], r[5], today, audit_id) for r in rows),
        )
        conn.executemany(
            "INSERT INTO personal_activities (activity_id, note, audit_id) VALUES (?, ?, ?)",
            ((r[0], r[6], audit_id) for r in rows if r[6] is not None),
        )
        conn.executemany(
            "INSERT INTO activity_clients (activity_id, client_id, recorded_on, audit_id) VALUES (?, ?, ?, ?)",
            ((r[0], i, today, audit_id) for r in rows for i in r[7]),
        )


def list_activities(
    reg: Register,
    *,
    code: str | None = None,
    by: str | None = None,
    kind: str | None = None,
    start: date | None = None,
    end: date | None = None,
    with_notes: bool = False,
) -> list[dict[str, Any]]:
    where: list[str] = ["1"]
    params: list[Any] = []
    if code is not None:
        where.append("a.id IN (SELECT activity_id FROM activity_clients WHERE client_id = ?)")
        params.append(client_id(reg, code))
    if by is not None:
        where.append("a.staff_id = ?")
        params.append(staff(reg, by).id)
    if kind is not None:
        where.append("a.type = ?")
        params.append(check_activity_type(reg, kind))
    if start is not None:
        where.append("a.date >= ?")
        params.append(start.isoformat())
    if end is not None:
        where.append("a.date <= ?")
        params.append(end.isoformat())
    sql = (
        "SELECT a.*, n.note, s.name AS staff_name, (SELECT group_concat(code, ',') FROM (SELECT c.code FROM activity_clients ac "
        "JOIN clients c ON c.id = ac.client_id WHERE ac.activity_id = a.id ORDER BY c.code)) AS codes "
        "FROM activities a LEFT JOIN personal_activities n ON n.activity_id = a.id "
        f"LEFT JOIN staff s ON s.id = a.staff_id WHERE {' AND '.join(where)} ORDER BY a.date, a.audit_id, a.id"
    )
    out = []
    for r in reg.conn.execute(sql, params):
        item = {
            "id": r["id"],
            "date": date.fromisoformat(r["date"]),
            "type": r["type"],
            "staff": r["staff_name"],
            "minutes": r["minutes"],
            "interpreter": r["interpreter"],
            "clients": (r["codes"] or "").split(",") if r["codes"] else [],
            "has_note": r["note"] is not None,
        }
        if with_notes:
            item["note"] = r["note"]
        out.append(item)
    return out
