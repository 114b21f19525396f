"""``funder extract``: this provider's service as the funder may see it, pseudonymous and sealed."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from typing import Any

from mentorcli.core import funder
from mentorcli.core.legal import LegalTimeline
from mentorcli.store.register import Register
from mentorcli.store.reports import served_up_to


def extract(reg: Register, keys: funder.Keys, provider: str, first: date, last: date) -> tuple[bytes, int]:
    """The sealed extract of every client served in or before the period, and how many records.

    Only this register's own episodes go in (a takeover's earlier ones belong to the providers
    that served them), and nothing dated after the period.
    """
    names = dict(reg.conn.execute("SELECT c.code, p.name FROM clients c JOIN personal_clients p ON p.client_id = c.id"))
    records = []
    for facts in served_up_to(reg, last):
        cut = replace(
            facts,
            episodes=tuple(e for e in facts.episodes if e.start <= last),
            moves=tuple(m for m in facts.moves if m[0] <= last),
            legal=LegalTimeline(facts.legal.arrival, tuple(e for e in facts.legal.events if e.date <= last)),
            left_latvia=facts.left_latvia if facts.left_latvia and facts.left_latvia <= last else None,
        )
        records.append(funder.record(keys, names.get(facts.code), cut))
    records.sort(key=lambda r: (r["pseudonym"] is None, r["pseudonym"] or ""))
    content: dict[str, Any] = {
        "format": funder.FORMAT,
        "version": funder.VERSION,
        "provider": provider,
        "from": first,
        "to": last,
        "made_on": reg.today,
        "records": records,
    }
    reg.audit("extract", "clients", provider, {"from": first, "to": last, "records": len(records)})
    return funder.seal(keys, content), len(records)
