"""Inclusion plans: complexity assessments and goals.

Every write is audited. Staff members appear in the audit log by id (``staff#3``), goal texts and
activity notes as "(changed)": the log holds no names and no free text.
"""

from __future__ import annotations

import sqlite3
from datetime import date
from typing import Any

from mentorcli.core.casework import (
    GOAL_STATES,
    SOCIAL_WORKER,
    Period,
)
from mentorcli.core.clients import check_not_future
from mentorcli.core.errors import InputError, NotFound
from mentorcli.core.messages import N_
from mentorcli.store import personal
from mentorcli.store.assignments import assignments_of, require_served
from mentorcli.store.clients import client_id, writable_id
from mentorcli.store.db import day_or_none
from mentorcli.store.ids import new_id
from mentorcli.store.register import Register
from mentorcli.store.staff import require, staff


def set_complexity(reg: Register, code: str, level: int, day: date, by: str) -> None:
    """The social worker's assessment of how complex the case is (sarežģītības pakāpe)."""
    check_not_future(day, reg.today, "date")
    cid, _ = require_served(reg, code, day, "date")
    s = staff(reg, by, "by")
    require(s, SOCIAL_WORKER, Period(day, day), "by")
    audit_id = reg.audit("complexity", "plan_assessments", code, {"date": day, "complexity": level, "by": s.ref})
    reg.conn.execute(
        "INSERT INTO plan_assessments (id, client_id, date, complexity, assessed_by, audit_id) VALUES (?, ?, ?, ?, ?, ?)",
        (new_id(), cid, day.isoformat(), level, s.id, audit_id),
    )


def add_goal(reg: Register, code: str, area: str, due: date, text: str) -> int:
    cid = writable_id(reg, code)
    gid = new_id()
    # The text is the client's own business: the log says it was set, not what it says.
    audit_id = reg.audit("add", "goals", code, {"goal": gid, "area": area, "due": due, "note": text})
    reg.conn.execute(
        "INSERT INTO goals (id, client_id, area, due, state, audit_id) VALUES (?, ?, ?, ?, 'open', ?)",
        (gid, cid, area, due.isoformat(), audit_id),
    )
    personal.set_goal_text(reg, gid, text, audit_id)
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
    audit_id = reg.audit(state, "goals", row["code"], {"goal": gid, "date": day})
    reg.conn.execute(
        "UPDATE goals SET state = ?, closed_on = ?, audit_id = ? WHERE id = ?", (state, day.isoformat(), audit_id, gid)
    )
    return str(row["code"])


def edit_goal(reg: Register, gid: int, due: date | None, text: str | None) -> str:
    row = _goal(reg, gid)
    changed: dict[str, Any] = {"goal": gid}
    if due is not None:
        changed["due"] = due
    if text is not None:
        changed["note"] = text
    audit_id = reg.audit("edit", "goals", row["code"], changed)
    if due is not None:
        reg.conn.execute("UPDATE goals SET due = ?, audit_id = ? WHERE id = ?", (due.isoformat(), audit_id, gid))
    if text is not None:
        personal.set_goal_text(reg, gid, text, audit_id)
    return str(row["code"])


def plan(reg: Register, code: str) -> dict[str, Any]:
    cid = client_id(reg, code)
    assessments = [
        {"date": date.fromisoformat(r["date"]), "complexity": r["complexity"], "by": r["name"]}
        for r in reg.conn.execute(
            "SELECT p.date, p.complexity, s.name FROM plan_assessments p LEFT JOIN staff s ON s.id = p.assessed_by "
            "WHERE p.client_id = ? ORDER BY p.date, p.audit_id, p.id",
            (cid,),
        )
    ]
    goals = [
        {
            "id": r["id"],
            "area": r["area"],
            "due": day_or_none(r["due"]),
            "state": r["state"],
            "closed_on": day_or_none(r["closed_on"]),
            "text": r["text"],
        }
        for r in reg.conn.execute(
            "SELECT g.*, t.text FROM goals g LEFT JOIN personal_goals t ON t.goal_id = g.id "
            "WHERE g.client_id = ? ORDER BY g.due, g.audit_id, g.id",
            (cid,),
        )
    ]
    return {
        "code": code,
        "complexity": assessments[-1]["complexity"] if assessments else None,
        "assessments": assessments,
        "goals": goals,
        "assignments": assignments_of(reg, code),
    }
