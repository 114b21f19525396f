"""Caseload limits (SPEC 3.2): enforced on every day of a new assignment, through the CLI."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any

from casework_helpers import MENTOR, MENTOR2, WORKER, assign, assign_many, clients, team
from conftest import Run

Refused = Callable[..., Any]
CODES = [f"C-{i:02d}" for i in range(1, 22)]


def _load(run: Run, name: str, on: str) -> dict[str, Any]:
    rows = run("report", "caseload", "--on", on, "--format", "json").json()
    return next(r for r in rows if r["staff"] == name)


def test_the_20th_client_is_accepted_the_21st_refused(run: Run, refused: Refused, tmp_path: Path) -> None:
    team(run)
    clients(run, tmp_path, CODES)
    assign_many(run, tmp_path, CODES[:19], "2020-03-01")
    assign(run, "C-20", "2020-03-01")
    assert _load(run, MENTOR, "2020-03-01") == {
        "staff": MENTOR,
        "role": "mentor",
        "team": WORKER,
        "load": 20,
        "minimum": 10,
        "maximum": 20,
        "state": "ok",
    }
    refused(
        "assign", "C-21", "--worker", WORKER, "--mentor", MENTOR, "--from", "2020-03-01",
        says="mentor: Anna Bērziņa would have 21 clients on 01.03.2020 (maximum 20)",
    )  # fmt: skip
    # Another mentor of the same team has room.
    assign(run, "C-21", "2020-03-01", MENTOR2)


def test_force_overrides_and_is_audited(run: Run, tmp_path: Path, db_path: Path) -> None:
    team(run)
    clients(run, tmp_path, CODES)
    assign_many(run, tmp_path, CODES[:20], "2020-03-01")
    res = run("assign", "C-21", "--worker", WORKER, "--mentor", MENTOR, "--from", "2020-03-01", "--force")
    assert "forced: mentor over the maximum on 01.03.2020 (21 > 20)" in res.err
    assert _load(run, MENTOR, "2020-03-01")["state"] == "over-maximum"
    conn = sqlite3.connect(db_path)
    forced = conn.execute("SELECT c.code FROM assignments a JOIN clients c ON c.id = a.client_id WHERE forced = 1")
    assert [r[0] for r in forced] == ["C-21"]
    command, fields = conn.execute(
        "SELECT command, fields FROM audit WHERE action = 'assign' ORDER BY id DESC"
    ).fetchone()
    logged = json.loads(fields)
    assert command == "assign"
    assert logged["forced"] == 1
    assert logged["over_maximum"] == [{"role": "mentor", "day": "2020-03-01", "load": 21, "maximum": 20}]
    assert MENTOR not in fields  # staff appear by id only


def test_a_forced_flag_is_not_set_when_nothing_was_over(run: Run, tmp_path: Path, db_path: Path) -> None:
    team(run)
    clients(run, tmp_path, ["C-01"])
    assign(run, "C-01", "2020-03-01", MENTOR, "--force")
    assert sqlite3.connect(db_path).execute("SELECT forced FROM assignments").fetchall() == [(0,)]


def test_an_ended_episode_frees_the_place_on_the_next_day(run: Run, refused: Refused, tmp_path: Path) -> None:
    team(run)
    clients(run, tmp_path, CODES)
    assign_many(run, tmp_path, CODES[:20], "2020-03-01")
    run("client", "exit", "C-01", "--reason", "declined", "--date", "2020-03-15")
    assert _load(run, MENTOR, "2020-03-15")["load"] == 20
    assert _load(run, MENTOR, "2020-03-16")["load"] == 19
    refused(
        "assign", "C-21", "--worker", WORKER, "--mentor", MENTOR, "--from", "2020-03-15",
        says="mentor: Anna Bērziņa would have 21 clients on 15.03.2020 (maximum 20)",
    )  # fmt: skip
    assign(run, "C-21", "2020-03-16")


def test_every_day_of_the_new_assignment_is_checked(run: Run, refused: Refused, tmp_path: Path) -> None:
    """19 clients from 01.03 and one more from 10.03: a client from 05.03 would make 21 on 10.03."""
    team(run)
    clients(run, tmp_path, CODES)
    assign_many(run, tmp_path, CODES[:19], "2020-03-01")
    assign(run, "C-20", "2020-03-10")
    refused(
        "assign", "C-21", "--worker", WORKER, "--mentor", MENTOR, "--from", "2020-03-05",
        says="would have 21 clients on 10.03.2020 (maximum 20)",
    )  # fmt: skip
    # Ending the new one before 10.03 keeps it within the limit.
    assign(run, "C-21", "2020-03-05", MENTOR, "--to", "2020-03-09")


def test_the_maximum_in_force_on_each_day_applies(run: Run, refused: Refused, tmp_path: Path) -> None:
    team(run)
    clients(run, tmp_path, CODES[:20])
    run("policy", "set", "caseload_max_mentor", "19", "--from", "2020-03-20")
    assign_many(run, tmp_path, CODES[:19], "2020-03-01")
    refused(
        "assign", "C-20", "--worker", WORKER, "--mentor", MENTOR, "--from", "2020-03-01",
        says="mentor: Anna Bērziņa would have 20 clients on 20.03.2020 (maximum 19)",
    )  # fmt: skip
    assign(run, "C-20", "2020-03-01", MENTOR, "--to", "2020-03-19")


def test_the_social_worker_maximum(run: Run, refused: Refused, tmp_path: Path) -> None:
    team(run)
    clients(run, tmp_path, CODES[:3])
    run("policy", "set", "caseload_max_social_worker", "2", "--from", "2020-01-01")
    assign(run, "C-01", "2020-03-01")
    assign(run, "C-02", "2020-03-01", MENTOR2)
    refused(
        "assign", "C-03", "--worker", WORKER, "--mentor", MENTOR2, "--from", "2020-03-02",
        says="worker: Jānis Ozols would have 3 clients on 02.03.2020 (maximum 2)",
    )  # fmt: skip


def test_reassignment_closes_the_old_one_the_day_before(run: Run, tmp_path: Path) -> None:
    team(run)
    clients(run, tmp_path, ["C-01"])
    assign(run, "C-01", "2020-03-01")
    res = run("assign", "C-01", "--worker", WORKER, "--mentor", MENTOR2, "--from", "2020-03-10")
    assert res.out.strip() == "C-01: assigned from 10.03.2020 to 01.06.2020; the previous assignment ends on 09.03.2020"
    shown = run("plan", "show", "C-01", "--format", "json").json()["assignments"]
    assert [(a["mentor"], a["from"], a["to"]) for a in shown] == [
        (MENTOR, "2020-03-01", "2020-03-09"),
        (MENTOR2, "2020-03-10", "2020-06-01"),  # the end of the client's episode
    ]
    assert (_load(run, MENTOR, "2020-03-09")["load"], _load(run, MENTOR, "2020-03-10")["load"]) == (1, 0)
    assert (_load(run, MENTOR2, "2020-03-10")["load"], _load(run, WORKER, "2020-03-10")["load"]) == (1, 1)


def test_reassigning_the_same_client_to_the_same_mentor_does_not_count_twice(run: Run, tmp_path: Path) -> None:
    team(run)
    clients(run, tmp_path, CODES[:20])
    assign_many(run, tmp_path, CODES[:20], "2020-03-01")
    assign(run, "C-01", "2020-03-10")  # the same people, a new row: still 20
    assign(run, "C-02", "2020-03-01", MENTOR2)  # same first day: replaces the row
    assert _load(run, MENTOR, "2020-03-10")["load"] == 19
    assert _load(run, MENTOR2, "2020-03-01")["load"] == 1


def test_report_caseload_states_and_limits(run: Run, tmp_path: Path) -> None:
    team(run)
    run("staff", "add", "Līga Ēķe", "--role", "mentor", "--from", "2020-05-01")
    clients(run, tmp_path, CODES[:12])
    assign_many(run, tmp_path, CODES[:11], "2020-03-01")
    assign(run, "C-12", "2020-03-01", MENTOR2)
    rows = run("report", "caseload", "--on", "2020-03-02", "--format", "json").json()
    assert rows == [
        {"staff": WORKER, "role": "social-worker", "team": None, "load": 12, "minimum": 30, "maximum": 120, "state": "under-minimum"},
        {"staff": MENTOR, "role": "mentor", "team": WORKER, "load": 11, "minimum": 10, "maximum": 20, "state": "ok"},
        {"staff": MENTOR2, "role": "mentor", "team": WORKER, "load": 1, "minimum": 10, "maximum": 20, "state": "under-minimum"},
    ]  # fmt: skip
    # Līga is not active yet on 02.03; on 02.05 she is (no team, no clients).
    later = run("report", "caseload", "--on", "2020-05-02", "--format", "json").json()
    assert {r["staff"]: r["load"] for r in later} == {WORKER: 12, MENTOR: 11, MENTOR2: 1, "Līga Ēķe": 0}
    table = run("report", "caseload", "--on", "2020-03-02").out
    assert "Ķirsis Žūriņš" in table and "under the minimum" in table
