"""Staff, teams, assignments, inclusion plans and activities in the database.

Every write goes through here and is audited. Staff members appear in the audit log by id
(``staff#3``), goal texts and activity notes as "(changed)": the log holds no names and no free text.
"""

from __future__ import annotations

import sqlite3
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date, timedelta
from typing import Any

from mentorcli.core.casework import (
    GOAL_STATES,
    MAXIMUM_KEY,
    MENTOR,
    MINIMUM_KEY,
    ROLE_WORDS,
    SOCIAL_WORKER,
    Overload,
    Period,
    caseload_state,
    check_name,
    check_role,
    check_type_name,
    first_overload,
)
from mentorcli.core.clients import check_not_future
from mentorcli.core.dates import ONE_DAY
from mentorcli.core.due import ClientFacts, OpenGoal, StaffLoad
from mentorcli.core.eligibility import not_served_on
from mentorcli.core.errors import InputError, NotFound
from mentorcli.core.messages import N_, NP_
from mentorcli.core.names import Names
from mentorcli.store.db import overlaps
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


def _day(text: str | None) -> date | None:
    return date.fromisoformat(text) if text else None


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day else None


def _span(p: Period) -> str:
    return N_("{start} to {end}", start=p.start, end=p.end) if p.end else N_("{start} on", start=p.start)


def _earlier(a: date | None, b: date | None) -> date | None:
    """The earlier of two ends, where None is "no end known"."""
    if a is None or b is None:
        return a or b
    return min(a, b)


# Assignments with their effective end: their own end or the end of the client's episode that
# contains their start, whichever is earlier. An assignment whose start lies in no episode (the
# episode was corrected away) covers no served day and is left out.
PERIODS = """
SELECT a.id, a.client_id, c.code, a.worker_id, a.mentor_id, a.start, a.end, a.forced,
       CASE WHEN a.end IS NULL THEN e.end
            WHEN e.end IS NULL OR a.end < e.end THEN a.end
            ELSE e.end END AS eff_end
FROM assignments a
JOIN clients c ON c.id = a.client_id
JOIN episodes e ON e.client_id = a.client_id AND e.start <= a.start AND (e.end IS NULL OR e.end >= a.start)
"""


def _periods(reg: Register, where: str, params: Iterable[Any]) -> list[sqlite3.Row]:
    values = tuple(p.isoformat() if isinstance(p, date) else p for p in params)
    return reg.conn.execute(f"SELECT * FROM ({PERIODS}) WHERE {where} ORDER BY start, id", values).fetchall()


# --- staff and teams ------------------------------------------------------------------------
def _staff(row: sqlite3.Row) -> Staff:
    start = date.fromisoformat(row["active_from"])
    return Staff(row["id"], row["name"], row["role"], Period(start, _day(row["active_to"])))


def staff(reg: Register, name: str, field: str = "staff") -> Staff:
    """The staff member ``name`` names: as typed, else in any case or without diacritics when unique."""
    typed = check_name(name, field)
    row = reg.conn.execute("SELECT * FROM staff WHERE name = ?", (typed,)).fetchone()
    if row is None:
        everyone = Names(N_("on the staff list"), error=NotFound)
        everyone.extend((n, n) for (n,) in reg.conn.execute("SELECT name FROM staff ORDER BY name"))
        found = everyone.find(typed, field)
        row = reg.conn.execute("SELECT * FROM staff WHERE name = ?", (found,)).fetchone()
    return _staff(row)


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
    cur = reg.conn.execute(
        "INSERT INTO staff (name, role, active_from, active_to) VALUES (?, ?, ?, ?)",
        (name, role, start.isoformat(), _iso(end)),
    )
    added = Staff(int(cur.lastrowid or 0), name, role, Period(start, end))
    reg.audit("add", "staff", added.ref, {"name": name, "role": role, "from": start, "to": end})
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
        reg.conn.execute("UPDATE teams SET end = ? WHERE id = ?", ((start - ONE_DAY).isoformat(), r["id"]))
    reg.conn.execute(
        "INSERT INTO teams (mentor_id, worker_id, start) VALUES (?, ?, ?)", (m.id, w.id, start.isoformat())
    )
    reg.audit("team", "teams", m.ref, {"worker": w.ref, "from": start})
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
    later = _periods(reg, "(worker_id = ? OR mentor_id = ?) AND (eff_end IS NULL OR eff_end > ?)", (s.id, s.id, day))
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
    reg.conn.execute("UPDATE staff SET active_to = ? WHERE id = ?", (day.isoformat(), s.id))
    reg.conn.execute(
        "UPDATE teams SET end = ? WHERE mentor_id = ? AND (end IS NULL OR end > ?)",
        (day.isoformat(), s.id, day.isoformat()),
    )
    reg.audit("end", "staff", s.ref, {"to": day})
    return s


def _teams_on(reg: Register, day: date) -> dict[int, str]:
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
    teams = _teams_on(reg, day)
    out = []
    for row in reg.conn.execute("SELECT * FROM staff ORDER BY role DESC, name"):
        s = _staff(row)
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


# --- assignments ----------------------------------------------------------------------------
def served_episode(reg: Register, cid: int, day: date) -> Period | None:
    row = reg.conn.execute(
        f"SELECT start, end FROM episodes WHERE client_id = :cid AND {overlaps(':day', ':day')}",
        {"cid": cid, "day": day.isoformat()},
    ).fetchone()
    return Period(date.fromisoformat(row["start"]), _day(row["end"])) if row else None


def _served(reg: Register, code: str, day: date, field: str) -> tuple[int, Period]:
    cid = reg.client_id(code)
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
) -> Assigned:
    """Assign a social worker and a mentor to a client from ``start``.

    An assignment open on ``start`` ends the day before (one that starts that very day is
    replaced). Refused when the client is not served on ``start``, when either staff member is
    not active in that role on every day, or when either would serve more clients than the
    policy allows on any day (unless ``force``).
    """
    if end is not None and end < start:
        raise InputError(N_("{end} is before {start}", end=end, start=start), field="to")
    cid, episode = _served(reg, code, start, "from")
    period = Period(start, _earlier(end, episode.end))
    w, m = staff(reg, worker, "worker"), staff(reg, mentor, "mentor")
    require(w, SOCIAL_WORKER, period, "worker")
    require(m, MENTOR, period, "mentor")
    closed = None
    for r in _periods(reg, "client_id = ? AND (eff_end IS NULL OR eff_end >= ?)", (cid, start)):
        began = date.fromisoformat(r["start"])
        if began > start:
            raise InputError(
                N_("{code} has an assignment from {day}; a new one must start later", code=code, day=began),
                field="from",
            )
        if began == start:
            reg.conn.execute("DELETE FROM assignments WHERE id = ?", (r["id"],))
            reg.audit("replace", "assignments", code, {"assignment": r["id"], "from": start})
        else:
            closed = start - ONE_DAY
            reg.conn.execute("UPDATE assignments SET end = ? WHERE id = ?", (closed.isoformat(), r["id"]))
            reg.audit("close", "assignments", code, {"assignment": r["id"], "to": start - ONE_DAY})
    overloads = []
    for s, column, field in ((w, "worker_id", "worker"), (m, "mentor_id", "mentor")):
        over = first_overload(s.role, period, _others(reg, column, s.id, period), reg.policies)
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
    cur = reg.conn.execute(
        "INSERT INTO assignments (client_id, worker_id, mentor_id, start, end, forced) VALUES (?, ?, ?, ?, ?, ?)",
        (cid, w.id, m.id, start.isoformat(), _iso(end), int(bool(overloads))),
    )
    changed: dict[str, Any] = {"assignment": cur.lastrowid, "worker": w.ref, "mentor": m.ref, "from": start, "to": end}
    if overloads:
        changed["forced"] = 1
        changed["over_maximum"] = [
            {"role": o.role, "day": o.day, "load": o.load, "maximum": o.maximum} for o in overloads
        ]
    reg.audit("assign", "assignments", code, changed)
    return Assigned(period, tuple(overloads), closed)


def _others(reg: Register, column: str, sid: int, within: Period) -> list[Period]:
    """The staff member's other assignments that overlap ``within``, as they are in effect."""
    where = f"{column} = ? AND (eff_end IS NULL OR eff_end >= ?)"
    params: list[Any] = [sid, within.start]
    if within.end is not None:
        where += " AND start <= ?"
        params.append(within.end)
    return [Period(date.fromisoformat(r["start"]), _day(r["eff_end"])) for r in _periods(reg, where, params)]


def unassign(reg: Register, code: str, day: date) -> Period:
    """The client's assignment active on ``day`` ends that day."""
    cid = reg.client_id(code)
    rows = _periods(reg, "client_id = ? AND start <= ? AND (eff_end IS NULL OR eff_end >= ?)", (cid, day, day))
    if not rows:
        raise InputError(N_("{code} has no assignment active on {day}", code=code, day=day), field="date")
    r = rows[-1]
    reg.conn.execute("UPDATE assignments SET end = ? WHERE id = ?", (day.isoformat(), r["id"]))
    reg.audit("unassign", "assignments", code, {"assignment": r["id"], "to": day})
    return Period(date.fromisoformat(r["start"]), day)


def assignments_of(reg: Register, code: str) -> list[dict[str, Any]]:
    """A client's assignments as they are in effect."""
    cid = reg.client_id(code)
    names = {r[0]: r[1] for r in reg.conn.execute("SELECT id, name FROM staff")}
    return [
        {
            "worker": names.get(r["worker_id"]),
            "mentor": names.get(r["mentor_id"]),
            "from": date.fromisoformat(r["start"]),
            "to": _day(r["eff_end"]),
            "forced": bool(r["forced"]),
        }
        for r in _periods(reg, "client_id = ?", (cid,))
    ]


# --- caseload -------------------------------------------------------------------------------
def caseload(reg: Register, day: date) -> list[dict[str, Any]]:
    """Every staff member active on ``day``: their load, the policy's limits, and the state."""
    load: Counter[int] = Counter()
    for r in _periods(reg, "start <= ? AND (eff_end IS NULL OR eff_end >= ?)", (day, day)):
        for sid in {r["worker_id"], r["mentor_id"]} - {None}:
            load[sid] += 1
    policy = reg.policies.on(day)
    teams = _teams_on(reg, day)
    rows = []
    for row in reg.conn.execute("SELECT * FROM staff ORDER BY role DESC, name"):
        s = _staff(row)
        if not s.period.contains(day):
            continue
        lo, hi = int(policy[MINIMUM_KEY[s.role]]), int(policy[MAXIMUM_KEY[s.role]])
        rows.append(
            {
                "staff": s.name,
                "role": s.role,
                "team": teams.get(s.id),
                "load": load[s.id],
                "minimum": lo,
                "maximum": hi,
                "state": caseload_state(load[s.id], lo, hi),
            }
        )
    return rows


# --- inclusion plans ------------------------------------------------------------------------
def set_complexity(reg: Register, code: str, level: int, day: date, by: str) -> None:
    """The social worker's assessment of how complex the case is (sarežģītības pakāpe)."""
    check_not_future(day, reg.today, "date")
    cid, _ = _served(reg, code, day, "date")
    s = staff(reg, by, "by")
    require(s, SOCIAL_WORKER, Period(day, day), "by")
    reg.conn.execute(
        "INSERT INTO plan_assessments (client_id, date, complexity, assessed_by) VALUES (?, ?, ?, ?)",
        (cid, day.isoformat(), level, s.id),
    )
    reg.audit("complexity", "plan_assessments", code, {"date": day, "complexity": level, "by": s.ref})


def add_goal(reg: Register, code: str, area: str, due: date, text: str) -> int:
    cid = reg.client_id(code)
    cur = reg.conn.execute(
        "INSERT INTO goals (client_id, area, text, due, state) VALUES (?, ?, ?, ?, 'open')",
        (cid, area, text, due.isoformat()),
    )
    gid = int(cur.lastrowid or 0)
    # The text is the client's own business: the log says it was set, not what it says.
    reg.audit("add", "goals", code, {"goal": gid, "area": area, "due": due, "note": text})
    return gid


def _goal(reg: Register, gid: int) -> sqlite3.Row:
    row: sqlite3.Row | None = reg.conn.execute(
        "SELECT g.*, c.code FROM goals g JOIN clients c ON c.id = g.client_id WHERE g.id = ?", (gid,)
    ).fetchone()
    if row is None:
        raise NotFound(N_("there is no goal {goal}", goal=gid), field="goal")
    return row


def close_goal(reg: Register, gid: int, state: str, day: date) -> str:
    """Mark an open goal done or dropped on ``day``; returns the client's code."""
    assert state in GOAL_STATES
    row = _goal(reg, gid)
    if row["state"] != "open":
        raise InputError(
            N_(
                "{goal} is already {state} (on {day})",
                goal=gid,
                state=row["state"],
                day=date.fromisoformat(row["closed_on"]),
            ),
            field="goal",
        )
    check_not_future(day, reg.today, "date")
    reg.conn.execute("UPDATE goals SET state = ?, closed_on = ? WHERE id = ?", (state, day.isoformat(), gid))
    reg.audit(state, "goals", row["code"], {"goal": gid, "date": day})
    return str(row["code"])


def edit_goal(reg: Register, gid: int, due: date | None, text: str | None) -> str:
    row = _goal(reg, gid)
    changed: dict[str, Any] = {"goal": gid}
    if due is not None:
        reg.conn.execute("UPDATE goals SET due = ? WHERE id = ?", (due.isoformat(), gid))
        changed["due"] = due
    if text is not None:
        reg.conn.execute("UPDATE goals SET text = ? WHERE id = ?", (text, gid))
        changed["note"] = text
    reg.audit("edit", "goals", row["code"], changed)
    return str(row["code"])


def plan(reg: Register, code: str) -> dict[str, Any]:
    cid = reg.client_id(code)
    assessments = [
        {"date": date.fromisoformat(r["date"]), "complexity": r["complexity"], "by": r["name"]}
        for r in reg.conn.execute(
            "SELECT p.date, p.complexity, s.name FROM plan_assessments p LEFT JOIN staff s ON s.id = p.assessed_by "
            "WHERE p.client_id = ? ORDER BY p.date, p.id",
            (cid,),
        )
    ]
    goals = [
        {
            "id": r["id"],
            "area": r["area"],
            "due": _day(r["due"]),
            "state": r["state"],
            "closed_on": _day(r["closed_on"]),
            "text": r["text"],
        }
        for r in reg.conn.execute("SELECT * FROM goals WHERE client_id = ? ORDER BY due, id", (cid,))
    ]
    return {
        "code": code,
        "complexity": assessments[-1]["complexity"] if assessments else None,
        "assessments": assessments,
        "goals": goals,
        "assignments": assignments_of(reg, code),
    }


# --- activities -----------------------------------------------------------------------------
def add_activity_type(reg: Register, name: str) -> str:
    name = check_type_name(name, "name")
    if reg.conn.execute("SELECT 1 FROM activity_types WHERE name = ?", (name,)).fetchone():
        raise InputError(N_("'{value}' is already an activity type", value=name), field="name")
    reg.conn.execute("INSERT INTO activity_types (name, builtin) VALUES (?, 0)", (name,))
    reg.audit("add", "activity_types", name)
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
    ids = [_served(reg, code, day, "code")[0] for code in codes]
    s = staff(reg, by)
    require(s, None, Period(day, day), "staff")
    cur = reg.conn.execute(
        "INSERT INTO activities (date, type, staff_id, minutes, interpreter, note) VALUES (?, ?, ?, ?, ?, ?)",
        (day.isoformat(), kind, s.id, minutes, interpreter, note),
    )
    aid = int(cur.lastrowid or 0)
    reg.conn.executemany("INSERT INTO activity_clients (activity_id, client_id) VALUES (?, ?)", [(aid, i) for i in ids])
    reg.audit(
        "add",
        "activities",
        ",".join(codes),
        {"activity": aid, "type": kind, "date": day, "staff": s.ref, "minutes": minutes, "note": note},
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
        params.append(reg.client_id(code))
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
        "SELECT a.*, s.name AS staff_name, (SELECT group_concat(code, ',') FROM (SELECT c.code FROM activity_clients ac "
        "JOIN clients c ON c.id = ac.client_id WHERE ac.activity_id = a.id ORDER BY c.code)) AS codes "
        f"FROM activities a LEFT JOIN staff s ON s.id = a.staff_id WHERE {' AND '.join(where)} ORDER BY a.date, a.id"
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


# --- the due list ---------------------------------------------------------------------------
def due_facts(reg: Register, within: int) -> tuple[list[ClientFacts], list[OpenGoal], list[StaffLoad]]:
    """The facts ``core.due`` needs, read only for the clients that could have something due."""
    today, last = reg.today, reg.today + timedelta(days=within)
    t, l_ = today.isoformat(), last.isoformat()
    served = {r[0] for r in reg.conn.execute(f"SELECT client_id FROM episodes WHERE {overlaps(':t', ':t')}", {"t": t})}
    eligible = {r[0] for r in reg.conn.execute(f"SELECT client_id FROM windows WHERE {overlaps(':t', ':t')}", {"t": t})}
    assigned = {
        r["client_id"]
        for r in _periods(reg, "start <= ? AND (eff_end IS NULL OR eff_end >= ?)", (today, today))
        if r["worker_id"] is not None and r["mentor_id"] is not None
    }
    ends: dict[int, list[date]] = {}
    for cid, end in reg.conn.execute("SELECT client_id, end FROM windows WHERE end BETWEEN ? AND ?", (t, l_)):
        ends.setdefault(cid, []).append(date.fromisoformat(end))
    longest = max(int(v) for v in reg.policies.values_of("mucenieki_stay_days"))
    grants = {
        cid: date.fromisoformat(day)
        for cid, day in reg.conn.execute(
            "SELECT client_id, min(date) FROM events WHERE event = 'granted' AND date BETWEEN ? AND ? GROUP BY client_id",
            ((today - timedelta(days=longest)).isoformat(), l_),
        )
    }
    # Only these few need their windows and episodes read: eligible today and not served.
    left_out = {
        cid: n
        for cid, (wins, eps) in reg.stored_spans(eligible - served).items()
        if (n := not_served_on(today, wins, eps))
    }
    wanted = sorted(served | set(ends) | set(grants) | set(left_out))
    marks = ",".join("?" * len(wanted))
    codes = dict(reg.conn.execute(f"SELECT id, code FROM clients WHERE id IN ({marks})", wanted).fetchall())
    clients = []
    for cid in wanted:
        facts = ClientFacts(
            code=codes[cid],
            window_ends=tuple(ends.get(cid, ())),
            served_today=cid in served,
            eligible_today=cid in eligible,
            assigned_today=cid in assigned,
            not_served=left_out.get(cid),
        )
        if grant := grants.get(cid):
            rec = reg.record_by_id(cid)
            facts = replace(
                facts, grant=grant, residence_on_grant=rec.residence_on(grant), residence_today=rec.residence_on(today)
            )
        clients.append(facts)
    goals = [
        OpenGoal(r["id"], r["code"], r["area"], date.fromisoformat(r["due"]))
        for r in reg.conn.execute(
            "SELECT g.id, g.area, g.due, c.code FROM goals g JOIN clients c ON c.id = g.client_id "
            "WHERE g.state = 'open' AND g.due < ?",
            (t,),
        )
    ]
    loads = [StaffLoad(r["staff"], r["role"], r["load"], r["minimum"], r["maximum"]) for r in caseload(reg, today)]
    return clients, goals, loads
