"""``due --ics``: the due list as a calendar file a calendar program imports (issue 15)."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import icalendar

from casework_helpers import team
from conftest import Run, add_client
from mentorcli.render.calendar import uids


def _events(path: Path) -> list[icalendar.cal.Component]:
    cal = icalendar.Calendar.from_ical(path.read_bytes())
    return list(cal.walk("VEVENT"))


def _caseload(run: Run) -> None:
    add_client(run, "E-1", arrived="2021-10-01", intake="2021-10-01", name="Qqzainab Qqhaddad")  # ends 01.01.2022
    add_client(run, "M-1", arrived="2021-10-01", name="Qqomar Qqsaleh")
    run("status", "grant", "M-1", "refugee", "--date", "2021-12-20")  # may stay in Mucenieki until 04.01.2022


def test_one_all_day_event_per_item_with_code_and_kind(run: Run, tmp_path: Path) -> None:
    _caseload(run)
    out = tmp_path / "due.ics"
    run("due", "--ics", str(out))
    items = run("due", "--format", "json").json()
    events = _events(out)
    assert len(events) == len(items) > 0
    by_summary = {str(e["summary"]): e for e in events}
    end = by_summary["E-1: eligibility ends"]
    assert end.decoded("dtstart") == date(2022, 1, 1)
    assert end.decoded("dtend") == date(2022, 1, 2)
    exit_ = by_summary["M-1: last day in Mucenieki"]
    assert exit_.decoded("dtstart") == date(2022, 1, 4)
    for e in (end, exit_):
        (alarm,) = e.walk("VALARM")
        assert alarm.decoded("trigger") == -timedelta(hours=15)  # 09:00 the day before
    assert not by_summary["E-1: no social worker or mentor"].walk("VALARM")
    assert b"Qqzainab" not in out.read_bytes() and b"Qqomar" not in out.read_bytes()


def test_exported_twice_same_uids_and_a_moved_deadline_keeps_its_uid(run: Run, tmp_path: Path) -> None:
    _caseload(run)
    first, second, moved = tmp_path / "1.ics", tmp_path / "2.ics", tmp_path / "3.ics"
    run("due", "--ics", str(first))
    run("due", "--ics", str(second))
    assert [str(e["uid"]) for e in _events(first)] == [str(e["uid"]) for e in _events(second)]
    uid_of = {str(e["summary"]): str(e["uid"]) for e in _events(first)}
    assert len(set(uid_of.values())) == len(uid_of)
    # A day later the unassigned client is still unassigned: the same event, moved to the new today.
    run("--today", "2022-01-01", "due", "--ics", str(moved))
    later = {str(e["summary"]): e for e in _events(moved)}
    assert later["E-1: no social worker or mentor"].decoded("dtstart") == date(2022, 1, 1)
    assert str(later["E-1: no social worker or mentor"]["uid"]) == uid_of["E-1: no social worker or mentor"]


def test_uid_names_the_item_not_the_day() -> None:
    a = {"date": date(2022, 1, 4), "kind": "mucenieki-exit", "code": "M-1"}
    assert uids([a]) == uids([a | {"date": date(2022, 1, 5)}])
    two_windows = [
        {"date": date(2022, 1, 1), "kind": "eligibility-end", "code": "E-1"},
        {"date": date(2022, 1, 9), "kind": "eligibility-end", "code": "E-1"},
    ]
    assert len(set(uids(two_windows))) == 2
    goals = [
        {"date": date(2021, 1, 1), "kind": "goal-overdue", "code": "G", "goal": 7, "area": "housing"},
        {"date": date(2021, 1, 1), "kind": "goal-overdue", "code": "G", "goal": 8, "area": "housing"},
    ]
    assert uids(goals) == [uids(goals[:1])[0], uids(goals[1:])[0]]
    staff = {"date": date(2021, 1, 1), "kind": "over-maximum", "staff": "Anna", "role": "mentor", "load": 3}
    assert uids([staff]) != uids([staff | {"staff": "Jānis"}])


def test_latvian_summaries_and_staff_items(run: Run, tmp_path: Path) -> None:
    team(run, "2021-01-01")
    _caseload(run)
    out = tmp_path / "due.ics"
    run("--lang", "lv", "due", "--ics", str(out))
    summaries = {str(e["summary"]) for e in _events(out)}
    assert "E-1: tiesību beigas" in summaries
    assert any("zem minimuma" in s for s in summaries)


def test_a_file_it_did_not_write_is_kept(run: Run, tmp_path: Path) -> None:
    _caseload(run)
    notes = tmp_path / "notes.ics"
    notes.write_text("my own notes\n")
    r = run("due", "--ics", str(notes), ok=False)
    assert r.code == 2 and len(r.err.strip().splitlines()) == 1
    assert notes.read_text() == "my own notes\n"
    run("due", "--ics", str(notes), "--force")
    assert _events(notes)
