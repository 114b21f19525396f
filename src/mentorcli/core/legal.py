"""Legal status over time: the decisions of PMLP and the court, and the order they may come in."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, Generic, NamedTuple, TypeVar

from mentorcli.core.errors import InputError
from mentorcli.core.messages import N_

ASYLUM_SEEKER = "asylum-seeker"
FINAL_REFUSAL = "final-refusal"
STATUSES = (ASYLUM_SEEKER, "refugee", "alternative", "temporary-protection", FINAL_REFUSAL)
STATUS_EVENTS = ("granted", "refused", "appealed", "court", FINAL_REFUSAL)
COURT_OUTCOMES = ("positive", "negative")


T = TypeVar("T")


class _once(Generic[T]):
    """``functools.cached_property`` without its lock (Python 3.11 takes one on every first
    read): a hundred thousand timelines of an import read each of theirs once or twice."""

    def __init__(self, compute: Callable[[Any], T]) -> None:
        self.compute, self.name = compute, compute.__name__

    def __get__(self, obj: Any, owner: Any = None) -> T:
        value: T = self.compute(obj)
        obj.__dict__[self.name] = value  # read from there from now on, as cached_property's
        return value


class StatusEvent(NamedTuple):
    date: date
    event: str  # one of STATUS_EVENTS
    value: str | None = None  # the status granted, or the court's outcome


# Where a case stands in the procedure; decides which decision may come next.
_PENDING, _REFUSED, _APPEALED, _COURT_NEGATIVE, _GRANTED, _FINAL = range(6)
# A holder of alternative status appealing for refugee status (SPEC 2): the appeal is before the
# court, or the court found for the client and PMLP is to grant refugee status.
_UPGRADE_APPEALED, _UPGRADE_PENDING = 6, 7
ALTERNATIVE, REFUGEE, TEMPORARY_PROTECTION = "alternative", "refugee", "temporary-protection"


@dataclass(frozen=True)
class LegalTimeline:
    """The checked decisions of one client, in order."""

    arrival: date
    events: tuple[StatusEvent, ...]

    @_once  # asked several times for each timeline
    def grants(self) -> tuple[StatusEvent, ...]:
        """Every grant in date order: temporary protection, the first status, an upgrade."""
        return tuple(e for e in self.events if e.event == "granted")

    @property
    def grant(self) -> StatusEvent | None:
        return next(iter(self.grants), None)

    @_once
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
    return N_("{event} on {day}", event=e.event, day=e.date)


def check(arrival: date, events: Sequence[StatusEvent]) -> LegalTimeline:
    """Refuse decisions in an impossible order; events come sorted by date, then entry."""
    state = _PENDING
    protected = False  # temporary protection granted: it does not decide the asylum application
    held: str | None = None  # refugee or alternative status, once granted
    prev: date | None = None
    for e in events:
        if e.date < arrival:
            raise InputError(
                N_("{where} is before arrival on {arrival}", where=_where(e), arrival=arrival), field="date"
            )
        if prev is not None and e.date < prev:
            raise InputError(
                N_("{where} is before an earlier decision on {day}", where=_where(e), day=prev), field="date"
            )
        if state == _FINAL:
            raise InputError(N_("{where} comes after a final refusal", where=_where(e)), field="event")
        if e.event == "granted" and e.value == TEMPORARY_PROTECTION:
            if protected:
                raise InputError(
                    N_("{where}: temporary protection was already granted", where=_where(e)), field="event"
                )
            if state in (_GRANTED, _UPGRADE_APPEALED, _UPGRADE_PENDING):
                raise InputError(
                    N_("{where}: the client already holds refugee or alternative status", where=_where(e)),
                    field="event",
                )
            protected = True
        else:
            state = _next_state(state, e, held)
            held = e.value if e.event == "granted" else held
        prev = e.date
    return LegalTimeline(arrival, tuple(events))


def _next_state(state: int, e: StatusEvent, held: str | None) -> int:
    if e.event == "granted":
        if state == _UPGRADE_PENDING:
            if e.value != REFUGEE:
                raise InputError(
                    N_("{where}: after the judgment PMLP decides on refugee status", where=_where(e)), field="event"
                )
            return _GRANTED
        if state in (_GRANTED, _UPGRADE_APPEALED):
            raise InputError(N_("{where}: a status was already granted", where=_where(e)), field="event")
        if state in (_REFUSED, _APPEALED, _COURT_NEGATIVE):
            raise InputError(
                N_("{where}: the refusal stands (a court must decide first)", where=_where(e)), field="event"
            )
        return _GRANTED
    if e.event == "refused":
        if state != _PENDING:
            raise InputError(N_("{where}: no application is pending at PMLP", where=_where(e)), field="event")
        return _REFUSED
    if e.event == "appealed":
        if state == _GRANTED and held == ALTERNATIVE:
            return _UPGRADE_APPEALED
        if state != _REFUSED:
            raise InputError(
                N_(
                    "{where}: there is no refusal to appeal (nor alternative status to appeal for refugee status)",
                    where=_where(e),
                ),
                field="event",
            )
        return _APPEALED
    if e.event == "court":
        if state == _UPGRADE_APPEALED:
            # A positive judgment sends the case back to PMLP; a negative one leaves the status as it is.
            return _UPGRADE_PENDING if e.value == "positive" else _GRANTED
        if state != _APPEALED:
            raise InputError(N_("{where}: there is no appeal before the court", where=_where(e)), field="event")
        # A positive judgment sends the case back to PMLP for a new decision.
        return _PENDING if e.value == "positive" else _COURT_NEGATIVE
    if e.event == FINAL_REFUSAL:
        if state not in (_REFUSED, _COURT_NEGATIVE):
            raise InputError(N_("{where}: there is no refusal that could become final", where=_where(e)), field="event")
        return _FINAL
    raise InputError(N_("'{value}' is not a status event", value=e.event), field="event")
