"""The dated events of a client, in the vocabulary of events.csv, and the value each one takes."""

from __future__ import annotations

from collections.abc import Collection
from datetime import date

from mentorcli.core.clients import check_not_future, check_residence
from mentorcli.core.dates import fmt_lv
from mentorcli.core.eligibility import EXIT_REASONS
from mentorcli.core.errors import InputError
from mentorcli.core.legal import COURT_OUTCOMES, FINAL_REFUSAL
from mentorcli.core.policy import GRANTABLE

EVENTS = ("granted", "refused", "appealed", "court", FINAL_REFUSAL, "exit", "resume", "move", "intake")


def check_event(event: str, value: str | None) -> tuple[str, str | None]:
    """The event and its value as stored; refuses a value that does not fit the event."""
    ev = event.strip().lower()
    val = (value or "").strip()
    if ev not in EVENTS:
        raise InputError(f"event: '{event}' is not one of {', '.join(EVENTS)}")
    allowed: tuple[str, ...] | None = {
        "granted": GRANTABLE,
        "court": COURT_OUTCOMES,
        "exit": EXIT_REASONS,
    }.get(ev)
    if allowed is not None:
        if val.lower() not in allowed:
            raise InputError(f"value: '{val}' is not one of {', '.join(allowed)} (for {ev})")
        return ev, val.lower()
    if ev == "move":
        return ev, check_residence(val)
    if val:
        raise InputError(f"value: '{val}' is not expected for {ev} (leave it empty)")
    return ev, None


def check_new(
    code: str,
    arrival: date,
    known: Collection[tuple[date, str, str | None]],
    day: date,
    event: str,
    value: str | None,
    today: date,
) -> None:
    """The checks of one checked event against what is recorded of its client, before the history.

    ``known`` holds the client's (date, event, value) already recorded. The whole history is
    then checked by ``eligibility.compute``; this is what that cannot see.
    """
    check_not_future(day, today, "date")
    if (day, event, value) in known:
        raise InputError(f"event: {event} on {fmt_lv(day)} is already recorded for {code}")
    if event == "move" and day < arrival:
        raise InputError(f"date: move on {fmt_lv(day)} is before arrival on {fmt_lv(arrival)}")
