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
from mentorcli.store.ids import new_id
from mentorcli.store.register import Register
from mentorcli.store.staff import require, staff


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
    kind = check_activity_type(reg, kind)
    check_not_future(day, reg.today, "date")
    if not codes:
        raise InputError(N_("at least one client is needed"), field="code")
    if len(set(codes)) != len(codes):
        raise InputError(N_("a client is named twice in {codes}", codes=",".join(codes)), field="code")
    ids = [require_served(reg, code, day, "code")[0] for code in codes]
    s = staff(reg, by)
    require(s, None, Period(day, day), "staff")
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
