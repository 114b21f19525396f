"""Legal status over time: the decisions of PMLP and the court, and the order they may come in."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from mentorcli.core.dates import fmt_lv
from mentorcli.core.errors import InputError

ASYLUM_SEEKER = "asylum-seeker"
FINAL_REFUSAL = "final-refusal"
STATUSES = (ASYLUM_SEEKER, "refugee", "alternative", "temporary-protection", FINAL_REFUSAL)
STATUS_EVENTS = ("granted", "refused", "appealed", "court", FINAL_REFUSAL)
COURT_OUTCOMES = ("positive", "negative")


@dataclass(frozen=True)
class StatusEvent:
    date: date
    event: str  # one of STATUS_EVENTS
    value: str | None = None  # the status granted, or the court's outcome


# Where a case stands in the procedure; decides which decision may come next.
_PENDING, _REFUSED, _APPEALED, _COURT_NEGATIVE, _GRANTED, _FINAL = range(6)


@dataclass(frozen=True)
class LegalTimeline:
    """The checked decisions of one client, in order."""

    arrival: date
    events: tuple[StatusEvent, ...]

    @property
    def grant(self) -> StatusEvent | None:
        return next((e for e in self.events if e.event == "granted"), None)

    @property
    def final_refusal(self) -> date | None:
        return next((e.date for e in self.events if e.event == FINAL_REFUSAL), None)

    def status_on(self, day: date) -> str:
        status = ASYLUM_SEEKER
        for e in self.events:
            if e.date > day:
                break
            if e.event == "granted" and e.value:
                status = e.value
            elif e.event == FINAL_REFUSAL:
                status = FINAL_REFUSAL
        return status

    def awaiting_court_on(self, day: date) -> bool:
        waiting = False
        for e in self.events:
            if e.date > day:
                break
            if e.event == "appealed":
                waiting = True
            elif e.event == "court":
                waiting = False
        return waiting


def _where(e: StatusEvent) -> str:
    # Built only for a message: a history that passes formats no date.
    return f"{e.event} on {fmt_lv(e.date)}"


def check(arrival: date, events: Sequence[StatusEvent]) -> LegalTimeline:
    """Refuse decisions in an impossible order; events come sorted by date, then entry."""
    state = _PENDING
    prev: date | None = None
    for e in events:
        if e.date < arrival:
            raise InputError(f"date: {_where(e)} is before arrival on {fmt_lv(arrival)}")
        if prev is not None and e.date < prev:
            raise InputError(f"date: {_where(e)} is before an earlier decision on {fmt_lv(prev)}")
        if state == _FINAL:
            raise InputError(f"event: {_where(e)} comes after a final refusal")
        state = _next_state(state, e)
        prev = e.date
    return LegalTimeline(arrival, tuple(events))


def _next_state(state: int, e: StatusEvent) -> int:
    if e.event == "granted":
        if state == _GRANTED:
            raise InputError(f"event: {_where(e)}: a status was already granted")
        if state in (_REFUSED, _APPEALED, _COURT_NEGATIVE):
            raise InputError(f"event: {_where(e)}: the refusal stands (a court must decide first)")
        return _GRANTED
    if e.event == "refused":
        if state != _PENDING:
            raise InputError(f"event: {_where(e)}: no application is pending at PMLP")
        return _REFUSED
    if e.event == "appealed":
        if state != _REFUSED:
            raise InputError(f"event: {_where(e)}: there is no refusal to appeal")
        return _APPEALED
    if e.event == "court":
        if state != _APPEALED:
            raise InputError(f"event: {_where(e)}: there is no appeal before the court")
        # A positive judgment sends the case back to PMLP for a new decision.
        return _PENDING if e.value == "positive" else _COURT_NEGATIVE
    if e.event == FINAL_REFUSAL:
        if state not in (_REFUSED, _COURT_NEGATIVE):
            raise InputError(f"event: {_where(e)}: there is no refusal that could become final")
        return _FINAL
    raise InputError(f"event: '{e.event}' is not a status event")
