"""The due list as an RFC 5545 calendar (``due --ics``), for the coordinator's calendar program.

Each item is one all-day event whose UID names *what* is due (the case code and the kind; the goal
for a goal, the staff member for a caseload), not *when*: a deadline that moves after a correction
is then updated in place when the file is imported again, instead of leaving the old day behind.
The summary holds the case code and the kind, never a client's name.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any

from mentorcli.core.due import ELIGIBILITY_END, MUCENIEKI_EXIT
from mentorcli.render.labels import label

# A fixed namespace: the same item gives the same UID in every export, on every machine.
_NAMESPACE = uuid.UUID("6f1c2a52-5d0e-4c53-9a43-2a1f3e0d7b11")
_ALARMED = (ELIGIBILITY_END, MUCENIEKI_EXIT)
# 09:00 on the day before an all-day event that starts at 00:00.
_ALARM_BEFORE = timedelta(hours=15)


def _subject(item: dict[str, Any]) -> str:
    if "goal" in item:
        return f"{item['code']}|goal-{item['goal']}"
    if "staff" in item:
        return f"{item['role']}|{item['staff']}"
    return str(item["code"])


def uids(items: Iterable[dict[str, Any]]) -> list[str]:
    """One UID per item; a second deadline of one kind for one client (two windows) is told apart by its rank."""
    seen: dict[str, int] = {}
    out = []
    for item in items:
        key = f"{item['kind']}|{_subject(item)}"
        rank = seen.get(key, 0)
        seen[key] = rank + 1
        name = key if rank == 0 else f"{key}|{rank}"
        out.append(f"{uuid.uuid5(_NAMESPACE, name)}@mentorcli")
    return out


def _summary(item: dict[str, Any], lang: str) -> str:
    what = label(item["kind"], lang)
    if "goal" in item:
        return f"{item['code']}: {what} ({label(item['area'], lang)})"
    if "staff" in item:
        return f"{label(item['role'], lang)} {item['staff']}: {what} ({item['load']}/{item['limit']})"
    return f"{item['code']}: {what}"


def to_ics(items: list[dict[str, Any]], lang: str, stamp: datetime) -> bytes:
    """The calendar file; ``stamp`` (UTC) is the DTSTAMP every event carries, the moment of export."""
    import icalendar

    cal = icalendar.Calendar()
    cal.add("prodid", "-//mentorcli//due//EN")
    cal.add("version", "2.0")
    for item, uid in zip(items, uids(items), strict=True):
        event = icalendar.Event()
        event.add("uid", uid)
        event.add("dtstamp", stamp)
        event.add("dtstart", item["date"])
        event.add("dtend", item["date"] + timedelta(days=1))
        summary = _summary(item, lang)
        event.add("summary", summary)
        event.add("categories", [item["kind"]])
        event.add("transp", "TRANSPARENT")
        if item["kind"] in _ALARMED:
            alarm = icalendar.Alarm()
            alarm.add("action", "DISPLAY")
            alarm.add("description", summary)
            alarm.add("trigger", -_ALARM_BEFORE)
            event.add_component(alarm)
        cal.add_component(event)
    return bytes(cal.to_ical())
