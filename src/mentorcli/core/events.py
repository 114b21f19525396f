"""The dated events of a client, in the vocabulary of events.csv, and the value each one takes."""

from __future__ import annotations

from mentorcli.core.clients import check_residence
from mentorcli.core.eligibility import EXIT_REASONS
from mentorcli.core.errors import InputError
from mentorcli.core.legal import COURT_OUTCOMES, FINAL_REFUSAL
from mentorcli.core.messages import N_
from mentorcli.core.policy import GRANTABLE

EVENTS = ("granted", "refused", "appealed", "court", FINAL_REFUSAL, "exit", "resume", "move", "intake")


def check_event(event: str, value: str | None) -> tuple[str, str | None]:
    """The event and its value as stored; refuses a value that does not fit the event."""
    ev = event.strip().lower()
    val = (value or "").strip()
    if ev not in EVENTS:
        raise InputError(N_("'{value}' is not one of {choices}", value=event, choices=", ".join(EVENTS)), field="event")
    allowed: tuple[str, ...] | None = {
        "granted": GRANTABLE,
        "court": COURT_OUTCOMES,
        "exit": EXIT_REASONS,
    }.get(ev)
    if allowed is not None:
        if val.lower() not in allowed:
            raise InputError(
                N_("'{value}' is not one of {choices} (for {event})", value=val, choices=", ".join(allowed), event=ev),
                field="value",
            )
        return ev, val.lower()
    if ev == "move":
        return ev, check_residence(val)
    if val:
        raise InputError(
            N_("'{value}' is not expected for {event} (leave it empty)", value=val, event=ev), field="value"
        )
    return ev, None
