"""The records as the rows of the CSV files of SPEC section 6, ready to be written out.

An export of the five importable kinds imports back into an empty database to the same records
(the round trip). Two things make that exact:

- the intake: ``clients.csv`` carries it when the client could be taken in on that day with no
  other event recorded (an intake inside the asylum-seeker window); an intake that needs a
  later-recorded decision (taken in after status was granted) goes to ``events.csv`` as an
  ``intake`` row instead, where it is applied in date order after the decision;
- the order: events of a client on the same day keep the order they were recorded in, because
  the rules read them in that order (a refusal and its appeal on one day).

Names, activity notes and goal texts are personal or free text: left empty unless asked for.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from mentorcli.core.eligibility import ServiceEvent, compute
from mentorcli.core.errors import InputError
from mentorcli.store.register import Register

COLUMNS: dict[str, tuple[str, ...]] = {
    "clients": ("code", "name", "sex", "born", "country", "arrived", "route", "residence", "family", "intake"),
    "events": ("code", "date", "event", "value"),
    "staff": ("name", "role", "team", "from", "to"),
    "assignments": ("code", "worker", "mentor", "from", "to"),
    "activities": ("code", "date", "type", "staff", "minutes", "interpreter", "note"),
    # Not importable: the inclusion plans, one row per complexity assessment and per goal.
    "plans": ("code", "kind", "date", "complexity", "staff", "area", "due", "state", "closed", "text"),
}
KINDS = tuple(COLUMNS)
# Columns that hold a full date (``born`` may be a year alone).
DATE_COLUMNS = frozenset({"arrived", "intake", "date", "from", "to", "due", "closed"})

Cell = str | int | None


@dataclass(frozen=True)
class Sheet:
    kind: str
    columns: tuple[str, ...]
    rows: list[dict[str, Cell]]


def export(reg: Register, kind: str, *, with_names: bool) -> Sheet:
    rows = _EXPORTERS[kind](reg, with_names)
    return Sheet(kind, COLUMNS[kind], [{c: row.get(c) for c in COLUMNS[kind]} for row in rows])


def _intakes_in_clients_csv(reg: Register) -> dict[int, str]:
    """Each client's intake that ``import clients`` can take in alone (see the module's text)."""
    out: dict[int, str] = {}
    rows = reg.conn.execute(
        "SELECT c.id, c.arrived, MIN(e.date) AS intake FROM clients c "
        "JOIN current_events e ON e.client_id = c.id AND e.event = 'intake' GROUP BY c.id"
    )
    for r in rows:
        day = date.fromisoformat(r["intake"])
        try:
            compute(date.fromisoformat(r["arrived"]), (), (ServiceEvent(day, "intake"),), reg.policies)
        except InputError:
            continue
        out[r["id"]] = r["intake"]
    return out


def _clients(reg: Register, with_names: bool) -> list[dict[str, Any]]:
    intakes = _intakes_in_clients_csv(reg)
    rows = []
    for r in reg.conn.execute(
        "SELECT c.*, p.name FROM clients c LEFT JOIN personal_clients p ON p.client_id = c.id ORDER BY c.code"
    ):
        rows.append(
            {
                "code": r["code"],
                "name": r["name"] if with_names else None,
                "sex": r["sex"],
                "born": r["born"][:4] if r["born_year_only"] else r["born"],
                "country": r["country"],
                "arrived": r["arrived"],
                "route": r["route"],
                "residence": r["residence"],
                "family": r["family"],
                "intake": intakes.get(r["id"]),
            }
        )
    return rows


def _events(reg: Register, with_names: bool) -> list[dict[str, Any]]:
    in_clients = set(_intakes_in_clients_csv(reg))
    rows = reg.conn.execute(
        "SELECT c.id, c.code, e.date, e.event, e.value FROM current_events e JOIN clients c ON c.id = e.client_id "
        "ORDER BY c.code, e.date, e.audit_id, e.id"
    )
    return [dict(r) for r in rows if not (r["event"] == "intake" and r["id"] in in_clients)]


def _staff(reg: Register, with_names: bool) -> list[dict[str, Any]]:
    # A mentor's team is the one they belong to last; the history of team changes is not in staff.csv.
    rows = reg.conn.execute(
        "SELECT s.name, s.role, s.active_from AS 'from', s.active_to AS 'to', "
        "(SELECT w.name FROM teams t JOIN staff w ON w.id = t.worker_id WHERE t.mentor_id = s.id "
        " ORDER BY t.start DESC, t.id DESC LIMIT 1) AS team "
        "FROM staff s ORDER BY s.role != 'social-worker', s.name"
    )
    return [dict(r) for r in rows]


def _assignments(reg: Register, with_names: bool) -> list[dict[str, Any]]:
    rows = reg.conn.execute(
        "SELECT c.code, w.name AS worker, m.name AS mentor, a.start AS 'from', a.end AS 'to' "
        "FROM assignments a JOIN clients c ON c.id = a.client_id "
        "LEFT JOIN staff w ON w.id = a.worker_id LEFT JOIN staff m ON m.id = a.mentor_id "
        "ORDER BY c.code, a.start, a.id"
    )
    return [dict(r) for r in rows]


def _activities(reg: Register, with_names: bool) -> list[dict[str, Any]]:
    # One row per client: an activity for a whole family is one row per member (SPEC 6).
    rows = reg.conn.execute(
        "SELECT c.code, a.date, a.type, s.name AS staff, a.minutes, a.interpreter, n.note "
        "FROM activities a LEFT JOIN personal_activities n ON n.activity_id = a.id "
        "JOIN activity_clients ac ON ac.activity_id = a.id "
        "JOIN clients c ON c.id = ac.client_id LEFT JOIN staff s ON s.id = a.staff_id "
        "ORDER BY a.date, a.id, c.code"
    )
    return [{**dict(r), "note": r["note"] if with_names else None} for r in rows]


def _plans(reg: Register, with_names: bool) -> list[dict[str, Any]]:
    assessments = reg.conn.execute(
        "SELECT c.code, 'assessment' AS kind, p.date, p.complexity, s.name AS staff "
        "FROM plan_assessments p JOIN clients c ON c.id = p.client_id LEFT JOIN staff s ON s.id = p.assessed_by "
        "ORDER BY c.code, p.date, p.id"
    ).fetchall()
    goals = reg.conn.execute(
        "SELECT c.code, 'goal' AS kind, g.area, g.due, g.state, g.closed_on AS closed, t.text "
        "FROM goals g JOIN clients c ON c.id = g.client_id LEFT JOIN personal_goals t ON t.goal_id = g.id "
        "ORDER BY c.code, g.id"
    ).fetchall()
    rows = [dict(r) for r in assessments] + [{**dict(r), "text": r["text"] if with_names else None} for r in goals]
    # Stable sort: per client, its assessments by date, then its goals as they were set.
    return sorted(rows, key=lambda r: r["code"])


_EXPORTERS = {
    "clients": _clients,
    "events": _events,
    "staff": _staff,
    "assignments": _assignments,
    "activities": _activities,
    "plans": _plans,
}
