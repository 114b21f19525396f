"""Staff and their teams.

Every write is audited. Staff members appear in the audit log by id (``staff#3``), goal texts and
activity notes as "(changed)": the log holds no names and no free text.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import date
from typing import Any

from mentorcli.core.casework import (
    MENTOR,
    ROLE_WORDS,
    SOCIAL_WORKER,
    Period,
    check_name,
    check_role,
)
from mentorcli.core.dates import ONE_DAY
from mentorcli.core.errors import InputError, NotFound
from mentorcli.core.messages import N_, NP_
from mentorcli.core.names import Names
from mentorcli.store.db import day_or_none, iso_or_none
from mentorcli.store.ids import new_id
from mentorcli.store.register import Register


@dataclass(frozen=True)
class Staff:
    id: int
    name: str
    role: str
    period: Period

    @property
    def ref(self) -> str:
        """How the audit log names a staff member: by id, not by name."""
        return f"staff#{self.id}"


def _span(p: Period) -> str:
    return N_("{start} to {end}", start=p.start, end=p.end) if p.end else N_("{start} on", start=p.start)


def staff_from_row(row: sqlite3.Row) -> Staff:
    start = date.fromisoformat(row["active_from"])
    return Staff(row["id"], row["name"], row["role"], Period(start, day_or_none(row["active_to"])))


def staff(reg: Register, name: str, field: str = "staff") -> Staff:
    """The staff member ``name`` names: as typed, else in any case or without diacritics when unique."""
    typed = check_name(name, field)
    row = reg.conn.execute("SELECT * FROM staff WHERE name = ?", (typed,)).fetchone()
    if row is None:
        everyone = Names(N_("on the staff list"), error=NotFound)
        everyone.extend((n, n) for (n,) in reg.conn.execute("SELECT name FROM staff ORDER BY name"))
        found = everyone.find(typed, field)
        row = reg.conn.execute("SELECT * FROM staff WHERE name = ?", (found,)).fetchone()
    return staff_from_row(row)


def require(s: Staff, role: str | None, need: Period, field: str) -> None:
    """Refuse unless ``s`` has ``role`` and is active on every day of ``need``."""
    if role and s.role != role:
        raise InputError(
            N_("{name} is a {role}, not a {wanted}", name=s.name, role=ROLE_WORDS[s.role], wanted=ROLE_WORDS[role]),
            field=field,
        )
    if not s.period.covers(need):
        if need.end == need.start:
            raise InputError(
                N_("{name} is active from {span}, not on {day}", name=s.name, span=_span(s.period), day=need.start),
                field=field,
            )
        raise InputError(
            N_(
                "{name} is active from {span}, not on every day from {need}",
                name=s.name,
                span=_span(s.period),
                need=_span(need),
            ),
            field=field,
        )


def add_staff(
    reg: Register, name: str, role: str, start: date, team: str | None = None, end: date | None = None
) -> Staff:
    name, role = check_name(name), check_role(role)
    if reg.conn.execute("SELECT 1 FROM staff WHERE name = ?", (name,)).fetchone():
        raise InputError(N_("{name} is already on the staff list", name=name), field="name")
    if team and role != MENTOR:
        raise InputError(
            N_("only a mentor belongs to a team ({name} is a {role})", name=name, role=ROLE_WORDS[role]), field="team"
        )
    if end is not None and end < start:
        raise InputError(N_("{end} is before the first day {start}", end=end, start=start), field="to")
    added = Staff(new_id(), name, role, Period(start, end))
    audit_id = reg.audit("add", "staff", added.ref, {"name": name, "role": role, "from": start, "to": end})
    reg.conn.execute(
        "INSERT INTO staff (id, name, role, active_from, active_to, audit_id) VALUES (?, ?, ?, ?, ?, ?)",
        (added.id, name, role, start.isoformat(), iso_or_none(end), audit_id),
    )
    if team:
        # Checked here too so that the message names the team (the column of staff.csv).
        require(staff(reg, team, "team"), SOCIAL_WORKER, Period(start, start), "team")
        set_team(reg, name, team, start)
    return added


def set_team(reg: Register, mentor: str, worker: str, start: date) -> tuple[Staff, Staff]:
    """The mentor joins the worker's team from ``start``; the previous team ends the day before."""
    m, w = staff(reg, mentor, "mentor"), staff(reg, worker, "worker")
    require(m, MENTOR, Period(start, start), "mentor")
    require(w, SOCIAL_WORKER, Period(start, start), "worker")
    rows = reg.conn.execute(
        "SELECT * FROM teams WHERE mentor_id = ? AND (end IS NULL OR end >= ?) ORDER BY start",
        (m.id, start.isoformat()),
    ).fetchall()
    for r in rows:
        if date.fromisoformat(r["start"]) >= start:
            raise InputError(
                N_("{name} is in a team from {day} already", name=m.name, day=date.fromisoformat(r["start"])),
                field="from",
            )
        if r["worker_id"] == w.id:
            raise InputError(
                N_("{name} is already in the team of {worker} on {day}", name=m.name, worker=w.name, day=start),
                field="worker",
            )
    audit_id = reg.audit("team", "teams", m.ref, {"worker": w.ref, "from": start})
    for r in rows:
        reg.conn.execute(
            "UPDATE teams SET end = ?, audit_id = ? WHERE id = ?", ((start - ONE_DAY).isoformat(), audit_id, r["id"])
        )
    reg.conn.execute(
        "INSERT INTO teams (id, mentor_id, worker_id, start, audit_id) VALUES (?, ?, ?, ?, ?)",
        (new_id(), m.id, w.id, start.isoformat(), audit_id),
    )
    return m, w


def end_staff(reg: Register, name: str, day: date) -> Staff:
    """The staff member's last day; refused while clients are assigned to them after it."""
    s = staff(reg, name)
    if s.period.end is not None:
        raise InputError(N_("{name} has already ended on {day}", name=s.name, day=s.period.end), field="date")
    if day < s.period.start:
        raise InputError(
            N_("{day} is before {name}'s first day {start}", day=day, name=s.name, start=s.period.start), field="date"
        )
    from mentorcli.store.assignments import in_effect

    later = in_effect(reg, "(worker_id = ? OR mentor_id = ?) AND (eff_end IS NULL OR eff_end > ?)", (s.id, s.id, day))
    if later:
        raise InputError(
            NP_(
                "{name} still serves {n} client after {day} (e.g. {code}); assign them to someone else first",
                "{name} still serves {n} clients after {day} (e.g. {code}); assign them to someone else first",
                len(later),
                name=s.name,
                day=day,
                code=later[0]["code"],
            ),
            field="date",
        )
    audit_id = reg.audit("end", "staff", s.ref, {"to": day})
    reg.conn.execute("UPDATE staff SET active_to = ?, audit_id = ? WHERE id = ?", (day.isoformat(), audit_id, s.id))
    reg.conn.execute(
        "UPDATE teams SET end = ?, audit_id = ? WHERE mentor_id = ? AND (end IS NULL OR end > ?)",
        (day.isoformat(), audit_id, s.id, day.isoformat()),
    )
    return s


def teams_on(reg: Register, day: date) -> dict[int, str]:
    """Mentor id -> the name of the social worker whose team they are in on ``day``."""
    rows = reg.conn.execute(
        "SELECT t.mentor_id, s.name FROM teams t JOIN staff s ON s.id = t.worker_id "
        "WHERE t.start <= ? AND (t.end IS NULL OR t.end >= ?)",
        (day.isoformat(), day.isoformat()),
    )
    return {r[0]: r[1] for r in rows}


def list_staff(reg: Register, on: date | None) -> list[dict[str, Any]]:
    """Every staff member (or those active ``on`` a day), with their team on that day or today."""
    day = on or reg.today
    teams = teams_on(reg, day)
    out = []
    for row in reg.conn.execute("SELECT * FROM staff ORDER BY role DESC, name"):
        s = staff_from_row(row)
        if on and not s.period.contains(on):
            continue
        out.append(
            {
                "id": s.id,
                "name": s.name,
                "role": s.role,
                "team": teams.get(s.id),
                "from": s.period.start,
                "to": s.period.end,
            }
        )
    return out
