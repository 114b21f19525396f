"""The dated events of a client, in the vocabulary of events.csv, and the value each one takes."""

from __future__ import annotations

from collections.abc import Collection
from datetime import date

from mentorcli.core.clients import check_not_future, check_residence
from mentorcli.core.eligibility import EXIT_REASONS, TAKEOVER
from mentorcli.core.errors import InputError
from mentorcli.core.legal import COURT_OUTCOMES, FINAL_REFUSAL
from mentorcli.core.messages import N_
from mentorcli.core.policy import GRANTABLE

EVENTS = ("granted", "refused", "appealed", "court", FINAL_REFUSAL, "exit", "resume", "move", "intake")


def check_event(event: str, value: str | None) -> tuple[str, str | None]:
    """The event and its value as stored; refuses a value that does not fit the event."""
    ev = event.strip().lower()
    val = (value or "").strip()
    if ev == TAKEOVER:
        # Its episode follows the earlier provider's, which only a handover file carries.
        raise InputError(
            N_("a takeover is recorded by 'db takeover' from the handover file, with the earlier provider's episodes"),
            field="event",
        )
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


def check_consent(code: str, day: date, event: str, withdrawn: date | None) -> None:
    """Refuse opening an episode on ``day`` when the client's consent was withdrawn on or before it.

    Withdrawing consent ends the service; serving them again needs their consent again, recorded
    first with ``client consent`` (SPEC 10 "Consent"). ``withdrawn``: the withdrawal in force, if any.
    """
    if event in ("intake", "resume") and withdrawn is not None and day >= withdrawn:
        raise InputError(
            N_(
                "consent of {code} was withdrawn on {day}: record their consent again "
                "(client consent {code} --date DATE) before serving them",
                code=code,
                day=withdrawn,
            ),
            field="date",
        )


def check_new(
    code: str,
    arrival: date,
    known: Collection[tuple[date, str, str | None]],
    day: date,
    event: str,
    value: str | None,
    today: date,
) -> None:
    """The checks of one event against what is recorded of its client, before the whole history.

    ``known`` holds the client's current (date, event, value). The commands and the bulk import
    both ask this; the whole history is then checked by ``eligibility.compute``.
    """
    check_not_future(day, today, "date")
    if (day, event, value) in known:
        raise InputError(
            N_("{event} on {day} is already recorded for {code}", event=event, day=day, code=code), field="event"
        )
    if event == "move" and day < arrival:
        raise InputError(N_("move on {day} is before arrival on {arrival}", day=day, arrival=arrival), field="date")
