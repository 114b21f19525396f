"""Consent to the processing of a client's data, kept as versions (SPEC 10 "Consent").

A client has no consent until one is recorded: the register never assumes it. Withdrawing it
restricts the record: the open episode ends that day with ``declined`` and the personal data is
erased as by ``client erase``; the register rows, and so every count, stay.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import NamedTuple

from mentorcli.core import clients as fields
from mentorcli.core.eligibility import EXIT_REASONS
from mentorcli.core.errors import InputError
from mentorcli.core.messages import N_
from mentorcli.store import clients
from mentorcli.store.db import day_or_none, iso_or_none
from mentorcli.store.ids import new_id
from mentorcli.store.register import Register

# The one condition that picks a client's consent in force (the version not replaced).
CURRENT = "replaced_on IS NULL"
DECLINED = "declined"  # the exit reason of SPEC 2 for one who refuses the service


class Consent(NamedTuple):
    given: date | None
    withdrawn: date | None

    @property
    def holds(self) -> bool:
        return self.given is not None and self.withdrawn is None


def current(reg: Register, cid: int) -> Consent | None:
    row = reg.conn.execute(f"SELECT given, withdrawn FROM consent WHERE client_id = ? AND {CURRENT}", (cid,)).fetchone()
    return None if row is None else Consent(day_or_none(row[0]), day_or_none(row[1]))


def shown(reg: Register, cid: int) -> dict[str, date | None]:
    """The keys ``client show`` adds: the day consent was given and the day it was withdrawn."""
    now = current(reg, cid) or Consent(None, None)
    return {"consent": now.given, "consent_withdrawn": now.withdrawn}


def holding(reg: Register, day: date, ids: Iterable[int]) -> set[int]:
    """Those of the clients ``ids`` whose consent, given on or before ``day``, still holds."""
    wanted, out = sorted(set(ids)), set[int]()
    for chunk in (wanted[i : i + 500] for i in range(0, len(wanted), 500)):
        rows = reg.conn.execute(
            f"SELECT client_id FROM consent WHERE client_id IN ({','.join('?' * len(chunk))}) AND {CURRENT} "
            "AND withdrawn IS NULL AND given <= ?",
            (*chunk, day.isoformat()),
        )
        out.update(r[0] for r in rows)
    return out


def withdrawn_on(reg: Register, cid: int) -> date | None:
    """The day the client's consent in force was withdrawn, if it was."""
    now = current(reg, cid)
    return now.withdrawn if now is not None else None


def give(reg: Register, code: str, day: date, field: str = "--date") -> Consent:
    """Record that the client consented on ``day`` (again, after a withdrawal, if so)."""
    fields.check_not_future(day, reg.today, field)
    cid = clients.writable_id(reg, code)
    if current(reg, cid) == Consent(day, None):
        raise InputError(N_("consent of {code} on {day} is already recorded", code=code, day=day), field=field)
    return _write(reg, cid, code, Consent(day, None))


def withdraw(reg: Register, code: str, day: date) -> Consent:
    """Record the withdrawal: the episode open that day ends ``declined``, the name is erased."""
    from mentorcli.store import maintenance  # erasing: only here

    fields.check_not_future(day, reg.today, "--date")
    cid = clients.writable_id(reg, code)
    was = current(reg, cid)
    if was is not None and was.withdrawn is not None:
        raise InputError(
            N_("consent of {code} was already withdrawn on {day}", code=code, day=was.withdrawn), field="--date"
        )
    given = was.given if was is not None else None
    if given is not None and day < given:
        raise InputError(N_("{day} is before the consent given on {given}", day=day, given=given), field="--date")
    consent = _write(reg, cid, code, Consent(given, day))
    tl = clients.timeline(reg, clients.record_by_id(reg, cid))
    served = [e for e in tl.episodes if e.served_on(day, reg.today)]
    # An episode that already ends that day by an exit has ended: nothing is left to decline.
    if served and not (served[-1].end == day and served[-1].end_reason in EXIT_REASONS):
        clients.record_event(reg, code, day, "exit", DECLINED)
    maintenance.erase(reg, code)
    return consent


def _write(reg: Register, cid: int, code: str, consent: Consent) -> Consent:
    audit_id = reg.audit(
        "consent", "consent", code, {"given": iso_or_none(consent.given), "withdrawn": iso_or_none(consent.withdrawn)}
    )
    today = reg.today.isoformat()
    reg.conn.execute(
        f"UPDATE consent SET replaced_on = ?, audit_id = ? WHERE client_id = ? AND {CURRENT}", (today, audit_id, cid)
    )
    reg.conn.execute(
        "INSERT INTO consent (id, client_id, given, withdrawn, recorded_on, audit_id) VALUES (?, ?, ?, ?, ?, ?)",
        (new_id(), cid, iso_or_none(consent.given), iso_or_none(consent.withdrawn), today, audit_id),
    )
    return consent
