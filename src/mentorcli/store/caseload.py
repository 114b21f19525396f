"""How many clients each staff member serves on a day, against the policy's limits."""

from __future__ import annotations

from collections import Counter
from datetime import date
from typing import Any

from mentorcli.core.casework import (
    MAXIMUM_KEY,
    MINIMUM_KEY,
    caseload_state,
)
from mentorcli.store.assignments import in_effect
from mentorcli.store.register import Register
from mentorcli.store.staff import staff_from_row, teams_on


def caseload(reg: Register, day: date) -> list[dict[str, Any]]:
    """Every staff member active on ``day``: their load, the policy's limits, and the state."""
    load: Counter[int] = Counter()
    for r in in_effect(reg, "start <= ? AND (eff_end IS NULL OR eff_end >= ?)", (day, day)):
        for sid in {r["worker_id"], r["mentor_id"]} - {None}:
            load[sid] += 1
    policy = reg.policies.on(day)
    teams = teams_on(reg, day)
    rows = []
    for row in reg.conn.execute("SELECT * FROM staff ORDER BY role DESC, name"):
        s = staff_from_row(row)
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
