"""One rule, one answer (issue 12): every command agrees on the boundary days of SPEC 3.1.

Each rule lives in one place (served on a day, a window's last day, the policy in force from a
date); these tests ask every command that depends on it about the day before, the day itself and
the day after, and want the same answer from all of them.
"""

from __future__ import annotations

import shutil
import sqlite3
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest

from casework_helpers import MENTOR, WORKER, team
from conftest import Run, add_client
from mentorcli.core.policy import DEFAULTS

FIXTURES = Path(__file__).parent / "fixtures"


def around(day: str) -> list[str]:
    d = date.fromisoformat(day)
    return [(d + timedelta(days=k)).isoformat() for k in (-1, 0, 1)]


def answers(run: Run, code: str, day: str) -> dict[str, Any]:
    """What each command says about ``code`` being served on ``day`` (with "today" = ``day``)."""
    at = ("--today", day)
    shown = run(*at, "client", "show", code, "--format", "json").json()
    listed = {c["code"]: c for c in run(*at, "client", "list", "--format", "json").json()}
    due = run(*at, "due", "--within", "0", "--format", "json").json()
    period = run(*at, "report", "period", "--from", day, "--to", day, "--format", "json").json()
    activity = run(*at, "activity", "add", code, "--type", "interpreter", "--date", day, "--staff", MENTOR, ok=None)
    return {
        "client show": shown["served_today"],
        "client list": listed[code]["served_today"],
        "due (unassigned)": any(i["kind"] == "unassigned" and i.get("code") == code for i in due),
        "report period (active_at_end)": period["active_at_end"]["served"] == 1,
        "report period (served)": period["served"] == 1,
        "activity add": activity.code == 0,
    }


def agree(run: Run, code: str, last_served: str) -> None:
    for day in around(last_served):
        said = answers(run, code, day)
        want = day <= last_served
        assert said == dict.fromkeys(said, want), f"{day}: {said}"


@pytest.mark.slow
def test_every_command_counts_the_exit_day_as_served(run: Run) -> None:
    """The contradiction of issue 12: `client show` said served_today false on the exit day."""
    team(run)
    add_client(run, "A", arrived="2020-03-10", intake="2020-03-10")
    run("client", "exit", "A", "--reason", "declined", "--date", "2020-04-30")
    assert run("--today", "2020-04-30", "client", "show", "A", "--format", "json").json()["served_today"] is True
    agree(run, "A", "2020-04-30")


@pytest.mark.slow
def test_every_command_counts_the_window_end_as_served(run: Run) -> None:
    team(run)
    add_client(run, "A", arrived="2020-03-10", intake="2020-03-10")  # the window ends 10.06.2020
    agree(run, "A", "2020-06-10")
    for day in around("2020-06-10"):
        due = run("--today", day, "due", "--within", "0", "--format", "json").json()
        shown = run("--today", day, "client", "show", "A", "--format", "json").json()
        assert any(i["kind"] == "eligibility-end" for i in due) == (day == "2020-06-10")
        assert shown["eligible_today"] == (day <= "2020-06-10")


@pytest.mark.slow
@pytest.mark.parametrize(
    ("grant", "months", "until"), [("2020-05-31", 12, "2021-05-31"), ("2020-06-01", 24, "2022-06-01")]
)
def test_every_command_follows_the_policy_from_its_first_day(run: Run, grant: str, months: int, until: str) -> None:
    team(run)
    run("policy", "set", "status_months", "24", "--from", "2020-06-01")
    add_client(run, "A", arrived="2020-03-10", intake="2020-03-10")
    run("status", "grant", "A", "refugee", "--date", grant)
    assert run("client", "show", "A", "--format", "json").json()["eligible_until"] == until
    explained = run("client", "explain", "A").out
    assert f"for {months} more months" in explained and f"runs {months} months, to {until[8:]}." in explained
    agree(run, "A", until)


def test_explain_states_the_policy_in_force(run: Run) -> None:
    """The contradiction of issue 12: the opening sentence said 12 months whatever the policy."""
    run("policy", "set", "status_months", "24", "--from", "2000-01-01")
    run("policy", "set", "asylum_seeker_months", "6", "--from", "2000-01-01")
    add_client(run, "A", arrived="2020-03-10", intake="2020-03-10")
    run("status", "grant", "A", "refugee", "--date", "2020-06-01")
    rule = run("client", "explain", "A").out.splitlines()[1]
    assert "for 6 months from arrival" in rule and "for 24 more months" in rule and "12" not in rule
    lv = run("--lang", "lv", "client", "explain", "A").out.splitlines()[1]
    assert "6 mēnešus no ierašanās" in lv and "vēl 24 mēnešus" in lv
    run("policy", "set", "eligible_statuses", "refugee", "--from", "2000-01-01")
    run("policy", "set", "asylum_seeker_months", "until-status", "--from", "2000-01-01")
    add_client(run, "B", arrived="2020-03-10")
    rule = run("client", "explain", "B").out.splitlines()[1]
    assert "service from arrival until refugee status is granted" in rule and "alternative" not in rule


@pytest.mark.slow
def test_every_command_follows_a_lowered_caseload_maximum_from_its_first_day(run: Run) -> None:
    team(run)
    for code in ("A", "B", "C"):
        add_client(run, code, arrived="2020-03-10", intake="2020-03-10")
    for code in ("A", "B"):
        run("assign", code, "--worker", WORKER, "--mentor", MENTOR, "--from", "2020-03-10")
    run("policy", "set", "caseload_max_mentor", "2", "--from", "2020-04-01")
    for day in around("2020-04-01"):
        over = day >= "2020-04-01"
        rows = run("report", "caseload", "--on", day, "--format", "json").json()
        mentor = next(r for r in rows if r["staff"] == MENTOR)
        due = run("--today", day, "due", "--within", "0", "--format", "json").json()
        one_day = run("assign", "C", "--worker", WORKER, "--mentor", MENTOR, "--from", day, "--to", day, ok=None)
        assert (mentor["maximum"], one_day.code) == ((2, 2) if over else (20, 0)), day
        assert not any(i["kind"] == "over-maximum" for i in due)
    run("policy", "set", "caseload_max_mentor", "1", "--from", "2020-05-01")
    for day in around("2020-05-01"):
        over = day >= "2020-05-01"
        rows = run("report", "caseload", "--on", day, "--format", "json").json()
        due = run("--today", day, "due", "--within", "0", "--format", "json").json()
        assert (next(r for r in rows if r["staff"] == MENTOR)["state"] == "over-maximum") == over, day
        assert any(i["kind"] == "over-maximum" and i["staff"] == MENTOR for i in due) == over, day


def test_the_policy_defaults_have_one_source(run: Run, db_path: Path, tmp_path: Path) -> None:
    """core.policy.DEFAULTS alone: a new file stores no copy, an old file loses its copies."""
    add_client(run, "A")
    assert sqlite3.connect(db_path).execute("SELECT COUNT(*) FROM policy").fetchone()[0] == 0
    shown = run("policy", "show", "--format", "json").json()
    assert {k: shown[k] for k in DEFAULTS} == DEFAULTS
    old = tmp_path / "old.db"
    shutil.copy(FIXTURES / "schema-v1.db", old)
    before = sqlite3.connect(old).execute("SELECT COUNT(*) FROM policy").fetchone()[0]
    assert before > 0  # the copies the first migration used to store
    assert run("--db", old, "policy", "show", "--format", "json").json() == shown
    assert sqlite3.connect(old).execute("SELECT COUNT(*) FROM policy").fetchone()[0] == 0
    run("--db", old, "policy", "set", "status_months", "18", "--from", "2021-01-01")
    rows = sqlite3.connect(old).execute("SELECT key, value FROM policy").fetchall()
    assert rows == [("status_months", "18")]
