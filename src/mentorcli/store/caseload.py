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
from mentorcli.store.assignments import ON_DAY, PERIODS
from mentorcli.store.register import Register
from mentorcli.store.staff import staff_from_row, teams_on

# Each staff member's caseload on :day, counted in SQL as ``core.casework.Caseload.on`` counts it
# (a property test holds the two together).
LOADS_ON = f"""
SELECT staff_id, COUNT(*) FROM (
  SELECT worker_id AS staff_id FROM ({PERIODS}) WHERE {ON_DAY}
  UNION ALL SELECT mentor_id FROM ({PERIODS}) WHERE {ON_DAY}
) WHERE staff_id IS NOT NULL
GROUP BY staff_id
"""


def loads_on(reg: Register, day: date) -> Counter[int]:
    """Staff id -> the number of clients they serve on ``day``."""
    return Counter(dict(reg.conn.execute(LOADS_ON, {"day": day.isoformat()}).fetchall()))


def caseload(reg: Register, day: date) -> list[dict[str, Any]]:
    """Every staff member active on ``day``: their load, the policy's limits, and the state."""
    load = loads_on(reg, day)
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
