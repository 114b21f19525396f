"""The facts the due list is computed from."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

from mentorcli.core.due import ClientFacts, OpenGoal, StaffLoad
from mentorcli.core.eligibility import not_served_on
from mentorcli.store.assignments import ON_DAY, PERIODS
from mentorcli.store.caseload import caseload
from mentorcli.store.clients import record_by_id, stored_spans
from mentorcli.store.db import overlaps
from mentorcli.store.register import Register

# Clients whose latest episode up to today ended with a handover to the next provider.
_HANDED_OVER = (
    "SELECT client_id FROM episodes e WHERE end_reason = 'transferred' AND \"end\" <= :t "
    "AND NOT EXISTS (SELECT 1 FROM episodes later WHERE later.client_id = e.client_id AND later.seq > e.seq "
    "AND later.start <= :t)"
)


def due_facts(reg: Register, within: int) -> tuple[list[ClientFacts], list[OpenGoal], list[StaffLoad]]:
    """The facts ``core.due`` needs, read only for the clients that could have something due."""
    today, last = reg.today, reg.today + timedelta(days=within)
    t, l_ = today.isoformat(), last.isoformat()
    served = {r[0] for r in reg.conn.execute(f"SELECT client_id FROM episodes WHERE {overlaps(':t', ':t')}", {"t": t})}
    eligible = {r[0] for r in reg.conn.execute(f"SELECT client_id FROM windows WHERE {overlaps(':t', ':t')}", {"t": t})}
    # Handed over to the next provider: nothing of theirs falls due here any more.
    handed = {r[0] for r in reg.conn.execute(_HANDED_OVER, {"t": t})}
    eligible -= handed
    assigned = {
        r["client_id"]
        for r in reg.conn.execute(f"SELECT client_id, worker_id, mentor_id FROM ({PERIODS}) WHERE {ON_DAY}", {"day": t})
        if r["worker_id"] is not None and r["mentor_id"] is not None
    }
    ends: dict[int, list[date]] = {}
    for cid, end in reg.conn.execute("SELECT client_id, end FROM windows WHERE end BETWEEN ? AND ?", (t, l_)):
        ends.setdefault(cid, []).append(date.fromisoformat(end))
    longest = max(int(v) for v in reg.policies.values_of("mucenieki_stay_days"))
    grants = {
        cid: date.fromisoformat(day)
        for cid, day in reg.conn.execute(
            "SELECT client_id, min(date) FROM current_events WHERE event = 'granted' AND date BETWEEN ? AND ? GROUP BY client_id",
            ((today - timedelta(days=longest)).isoformat(), l_),
        )
    }
    # Only these few need their windows and episodes read: eligible today and not served.
    left_out = {
        cid: n
        for cid, (wins, eps) in stored_spans(reg, eligible - served).items()
        if (n := not_served_on(today, wins, eps))
    }
    wanted = sorted((served | set(ends) | set(grants) | set(left_out)) - handed)
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
            rec = record_by_id(reg, cid)
            facts = replace(
                facts, grant=grant, residence_on_grant=rec.residence_on(grant), residence_today=rec.residence_on(today)
            )
        clients.append(facts)
    goals = [
        OpenGoal(r["id"], r["code"], r["area"], date.fromisoformat(r["due"]))
        for r in reg.conn.execute(
            "SELECT g.id, g.client_id, g.area, g.due, c.code FROM goals g JOIN clients c ON c.id = g.client_id "
            "WHERE g.state = 'open' AND g.due < ?",
            (t,),
        )
        if r["client_id"] not in handed
    ]
    loads = [StaffLoad(r["staff"], r["role"], r["load"], r["minimum"], r["maximum"]) for r in caseload(reg, today)]
    return clients, goals, loads
