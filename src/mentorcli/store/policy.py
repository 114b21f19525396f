"""The policy: versions of the rules, each in force from a day."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from mentorcli.core.policy import dump_value
from mentorcli.store.clients import record_by_id, refresh
from mentorcli.store.register import Register


def set_policy(reg: Register, key: str, value: Any, valid_from: date) -> None:
    reg.conn.execute(
        "INSERT INTO policy (key, value, valid_from, recorded) VALUES (?, ?, ?, ?)",
        (key, dump_value(value), valid_from.isoformat(), datetime.now(UTC).isoformat(timespec="seconds")),
    )
    reg.audit("set", "policy", key, {"value": value, "from": valid_from.isoformat()})
    reg.forget_policies()
    # Every window may follow the new rule: derive them all again (and refuse if a recorded
    # episode would fall outside eligibility under it).
    for (cid,) in reg.conn.execute("SELECT id FROM clients").fetchall():
        refresh(reg, record_by_id(reg, cid))
