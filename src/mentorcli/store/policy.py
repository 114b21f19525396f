"""The policy: versions of the rules, each in force from a day."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from mentorcli.core.policy import dump_value
from mentorcli.store.clients import record_by_id, refresh
from mentorcli.store.ids import new_id
from mentorcli.store.register import Register


def set_policy(reg: Register, key: str, value: Any, valid_from: date) -> None:
    audit_id = reg.audit("set", "policy", key, {"value": value, "from": valid_from.isoformat()})
    reg.conn.execute(
        "INSERT INTO policy (id, key, value, valid_from, recorded, audit_id) VALUES (?, ?, ?, ?, ?, ?)",
        (
            new_id(),
            key,
            dump_value(value),
            valid_from.isoformat(),
            datetime.now(UTC).isoformat(timespec="seconds"),
            audit_id,
        ),
    )
    reg.forget_policies()
    # Every window may follow the new rule: derive them all again (and refuse if a recorded
    # episode would fall outside eligibility under it).
    for (cid,) in reg.conn.execute("SELECT id FROM clients").fetchall():
        refresh(reg, record_by_id(reg, cid))
