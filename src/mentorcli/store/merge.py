"""``client merge``: one person registered twice becomes one record (issue 15, SPEC 10).

The record kept takes over the other's history: its events as new versions (the other's are
withdrawn, and each new version names the one it came from in ``supersedes``), its plan, goals,
activities, assignments and consent. The other record stays, emptied, so that its code still
says where the person went (``merged_into``); it is eligible and served on no day, so every
figure is as if the person had been registered once, as the record kept.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import date

from mentorcli.core.eligibility import ServiceEvent, compute
from mentorcli.core.errors import InputError
from mentorcli.core.legal import STATUS_EVENTS, StatusEvent
from mentorcli.core.messages import N_
from mentorcli.store import clients, consent, personal
from mentorcli.store.db import overlaps
from mentorcli.store.register import Register


@dataclass(frozen=True)
class Merged:
    events: int  # versions added under the record kept
    assignments: int
    activities: int
    goals: int


def merged_into(reg: Register, cid: int) -> tuple[str, date] | None:
    """The code of the record this one was merged into, and the day; None if it was not."""
    row = reg.conn.execute(
        "SELECT k.code, c.merged_on FROM clients c JOIN clients k ON k.id = c.merged_into WHERE c.id = ?", (cid,)
    ).fetchone()
    return None if row is None else (row[0], date.fromisoformat(row[1]))


def merge(reg: Register, keep: str, other: str) -> Merged:
    if keep == other:
        raise InputError(N_("'{value}' cannot be merged into itself", value=other), field="OTHER")
    kid, oid = clients.client_id(reg, keep), clients.client_id(reg, other)
    for code, cid, field in ((keep, kid, "KEEP"), (other, oid, "OTHER")):
        if (into := merged_into(reg, cid)) is not None:
            raise InputError(
                N_("{code} was merged into {into} on {day}", code=code, into=into[0], day=into[1]), field=field
            )
    kept, gone = clients.record_by_id(reg, kid), clients.record_by_id(reg, oid)
    if kept.client.arrived != gone.client.arrived:
        raise InputError(
            N_(
                "{keep} arrived on {day}, {other} on {other_day}: one person arrives once; correct the arrival "
                "(client edit --arrived) first",
                keep=keep,
                day=kept.client.arrived,
                other=other,
                other_day=gone.client.arrived,
            ),
            field="OTHER",
        )
    for code, cid in ((keep, kid), (other, oid)):
        said = consent.current(reg, cid)
        if said is not None and said.withdrawn is not None:
            raise InputError(
                N_("consent of {code} was withdrawn on {day}: its record is restricted", code=code, day=said.withdrawn),
                field="OTHER",
            )
    mine, theirs = _events(reg, kid), _events(reg, oid)
    known = {_key(r) for r in mine}
    joined = sorted([*mine, *(r for r in theirs if _key(r) not in known)], key=lambda r: r["date"])
    # One person is taken in once: a later intake of either record is a resume of the service.
    intakes = [r for r in joined if r["event"] == "intake"]
    as_resume = {id(r) for r in intakes[1:]}
    _check_joinable(reg, keep, other, kept.client.arrived, joined, as_resume)
    _check_assignments(reg, keep, other, kid, oid)

    audit_id = reg.audit("merge", "clients", keep, {"merged": other})
    reg.audit("merged", "clients", other, {"into": keep})
    added = []
    for r in mine:
        if id(r) in as_resume:
            clients.withdraw_event(reg, r["id"], audit_id)
            added.append((kid, r["date"], "resume", None, r["uid"]))
    for r in theirs:
        clients.withdraw_event(reg, r["id"], audit_id)
        if _key(r) not in known:
            event = "resume" if id(r) in as_resume else r["event"]
            added.append((kid, r["date"], event, r["value"], r["uid"]))
    clients.insert_events(reg, added, audit_id)
    moved = _move_records(reg, kid, oid, audit_id)
    _move_consent(reg, keep, kid, oid)
    if kept.client.name is None and kept.client.languages is None:
        personal.set_client(reg, kid, gone.client.name, gone.client.languages, audit_id)
    personal.set_client(reg, oid, None, None, audit_id)
    reg.conn.execute(
        "UPDATE clients SET merged_into = ?, merged_on = ?, audit_id = ? WHERE id = ?",
        (kid, reg.today.isoformat(), audit_id, oid),
    )
    clients.refresh(reg, clients.record_by_id(reg, kid))
    clients.refresh(reg, clients.record_by_id(reg, oid))
    return Merged(len(added), *moved)


def _events(reg: Register, cid: int) -> list[sqlite3.Row]:
    return reg.conn.execute(
        "SELECT id, uid, date, event, value FROM current_events WHERE client_id = ? ORDER BY date, id", (cid,)
    ).fetchall()


def _key(r: sqlite3.Row) -> tuple[str, str, str | None]:
    return r["date"], r["event"], r["value"]


def _check_joinable(
    reg: Register, keep: str, other: str, arrival: date, joined: list[sqlite3.Row], as_resume: set[int]
) -> None:
    """The joined history passes the same checks as one recorded event by event, or nothing is written."""
    status, service = [], []
    for r in joined:
        day = date.fromisoformat(r["date"])
        if r["event"] in STATUS_EVENTS:
            status.append(StatusEvent(day, r["event"], r["value"]))
        elif r["event"] in clients.SERVICE:
            service.append(ServiceEvent(day, "resume" if id(r) in as_resume else r["event"], r["value"]))
    try:
        compute(arrival, tuple(status), tuple(service), reg.policies)
    except InputError as e:
        raise InputError(
            N_(
                "the histories of {keep} and {other} cannot be joined: {reason}",
                keep=keep,
                other=other,
                reason=e.as_message(),
            ),
            field="OTHER",
        ) from None


def _check_assignments(reg: Register, keep: str, other: str, kid: int, oid: int) -> None:
    meet = overlaps("o.start", "COALESCE(o.\"end\", '9999-12-31')", "k.start", 'k."end"')
    row = reg.conn.execute(
        f"SELECT k.start, o.start FROM assignments k JOIN assignments o ON o.client_id = ? WHERE k.client_id = ? AND {meet}",
        (oid, kid),
    ).fetchone()
    if row is not None:
        raise InputError(
            N_(
                "{keep} and {other} are both assigned from {day}: one person has one assignment at a time; "
                "end one (unassign) first",
                keep=keep,
                other=other,
                day=date.fromisoformat(max(row[0], row[1])),
            ),
            field="OTHER",
        )


def _move_records(reg: Register, kid: int, oid: int, audit_id: int) -> tuple[int, int, int]:
    """Assignments, activities (one row where an activity covered both records) and the plan."""
    conn = reg.conn
    move = (kid, audit_id, oid)
    assignments = conn.execute("UPDATE assignments SET client_id = ?, audit_id = ? WHERE client_id = ?", move).rowcount
    conn.execute(
        "DELETE FROM activity_clients WHERE client_id = ? AND activity_id IN "
        "(SELECT activity_id FROM activity_clients WHERE client_id = ?)",
        (oid, kid),
    )
    activities = conn.execute(
        "UPDATE activity_clients SET client_id = ?, audit_id = ? WHERE client_id = ?", move
    ).rowcount
    goals = conn.execute("UPDATE goals SET client_id = ?, audit_id = ? WHERE client_id = ?", move).rowcount
    conn.execute("UPDATE plan_assessments SET client_id = ?, audit_id = ? WHERE client_id = ?", move)
    # Service an earlier provider gave the person is history of the one record that remains.
    conn.execute("UPDATE earlier_episodes SET client_id = ?, audit_id = ? WHERE client_id = ?", move)
    return assignments, activities, goals


def _move_consent(reg: Register, keep: str, kid: int, oid: int) -> None:
    """The consent the person gave first, when the record kept has none."""
    theirs = consent.current(reg, oid)
    if consent.current(reg, kid) is None and theirs is not None and theirs.given is not None:
        consent.give(reg, keep, theirs.given)
