"""Staff, teams, assignments, plans and activities through the CLI, as a coordinator uses them."""

from __future__ import annotations

import sqlite3
import unicodedata
from collections.abc import Callable
from pathlib import Path
from typing import Any
from unittest.mock import ANY

import pytest

from casework_helpers import MENTOR, MENTOR2, WORKER, assign, clients, team
from conftest import Run, add_client

Refused = Callable[..., Any]


# --- staff ----------------------------------------------------------------------------------
def test_latvian_letters_round_trip_in_every_format(run: Run) -> None:
    name = "Ābele Čakste-Ģēģere Īķļņšūž"
    run("staff", "add", name, "--role", "social-worker", "--from", "01.02.2020")
    assert run("staff", "list", "--format", "json").json() == [
        {"id": ANY, "name": name, "role": "social-worker", "team": None, "from": "2020-02-01", "to": None}
    ]
    for fmt in ("table", "csv", "md"):
        assert name in run("staff", "list", "--format", fmt).out
    # Typed with combining marks (as some keyboards send it), it is the same person.
    decomposed = unicodedata.normalize("NFD", name)
    assert decomposed != name
    run("staff", "end", decomposed, "--date", "2020-12-31")
    assert run("staff", "list", "--format", "json").json()[0]["to"] == "2020-12-31"


def test_staff_list_on_a_day_and_teams_changing_hands(run: Run) -> None:
    team(run)
    run("staff", "add", "Pēteris Ūdris", "--role", "social-worker", "--from", "2020-06-01")
    res = run("staff", "team", MENTOR, "--worker", "Pēteris Ūdris", "--from", "2020-07-01")
    assert res.out.strip() == f"{MENTOR}: in the team of Pēteris Ūdris from 01.07.2020"

    def teams(on: str) -> dict[str, Any]:
        return {r["name"]: r["team"] for r in run("staff", "list", "--on", on, "--format", "json").json()}

    assert teams("2020-05-31") == {WORKER: None, MENTOR: WORKER, MENTOR2: WORKER}
    assert teams("2020-06-30") == {WORKER: None, "Pēteris Ūdris": None, MENTOR: WORKER, MENTOR2: WORKER}
    assert teams("2020-07-01")[MENTOR] == "Pēteris Ūdris"


def test_staff_errors(run: Run, refused: Refused) -> None:
    team(run)
    refused("staff", "add", WORKER, "--role", "social-worker", "--from", "2020-01-01", says="already on the staff list")
    refused("staff", "add", "X Y", "--role", "boss", "--from", "2020-01-01", says="role: 'boss' is not one of")
    refused(
        "staff",
        "add",
        "X Y",
        "--role",
        "mentor",
        "--from",
        "2020-02-30",
        says="--from: '2020-02-30' is not a real date",
    )
    refused(
        "staff",
        "add",
        "X Y",
        "--role",
        "social-worker",
        "--team",
        WORKER,
        "--from",
        "2020-01-01",
        says="team: only a mentor",
    )
    refused(
        "staff",
        "add",
        "X Y",
        "--role",
        "mentor",
        "--team",
        "Nobody",
        "--from",
        "2020-01-01",
        says="team: 'Nobody' is not on the staff list",
    )
    refused(
        "staff",
        "add",
        "X Y",
        "--role",
        "mentor",
        "--team",
        MENTOR,
        "--from",
        "2020-01-01",
        says="team: Anna Bērziņa is a mentor",
    )
    refused(
        "staff",
        "add",
        "X Y",
        "--role",
        "mentor",
        "--team",
        WORKER,
        "--from",
        "2019-12-31",
        says="team: Jānis Ozols is active from 01.01.2020 on, not on 31.12.2019",
    )
    refused("staff", "add", "  ", "--role", "mentor", "--from", "2020-01-01", says="name: a name is needed")
    refused("staff", "add", "R2-D2", "--role", "mentor", "--from", "2020-01-01", says="is not a name")
    refused("staff", "end", "Nobody", "--date", "2020-01-01", says="staff: 'Nobody' is not on the staff list")
    refused("staff", "end", MENTOR, "--date", "2019-12-31", says="is before Anna Bērziņa's first day")
    refused(
        "staff", "team", MENTOR, "--worker", WORKER, "--from", "2020-02-01", says="already in the team of Jānis Ozols"
    )
    refused(
        "staff", "team", MENTOR, "--worker", MENTOR2, "--from", "2020-02-01", says="worker: Ķirsis Žūriņš is a mentor"
    )
    refused(
        "staff",
        "team",
        WORKER,
        "--worker",
        WORKER,
        "--from",
        "2020-02-01",
        says="mentor: Jānis Ozols is a social-worker",
    )
    run("staff", "end", MENTOR2, "--date", "2020-02-01")
    refused("staff", "end", MENTOR2, "--date", "2020-03-01", says="has already ended on 01.02.2020")


def test_a_staff_member_with_clients_cannot_end_before_they_are_reassigned(
    run: Run, refused: Refused, tmp_path: Path
) -> None:
    team(run)
    clients(run, tmp_path, ["C-01", "C-02"])
    assign(run, "C-01", "2020-03-01")
    refused("staff", "end", MENTOR, "--date", "2020-03-31", says="still serves 1 client after 31.03.2020 (e.g. C-01)")
    assign(run, "C-01", "2020-04-01", MENTOR2)
    run("staff", "end", MENTOR, "--date", "2020-03-31")
    # Ended: no longer assignable after that day, and out of her team.
    refused(
        "assign", "C-02", "--worker", WORKER, "--mentor", MENTOR, "--from", "2020-03-15",
        says="mentor: Anna Bērziņa is active from 01.01.2020 to 31.03.2020, not on every day from 15.03.2020 to 01.06.2020",
    )  # fmt: skip
    assert run("staff", "list", "--on", "2020-03-31", "--format", "json").json()[1]["team"] == WORKER
    assert [r["name"] for r in run("staff", "list", "--on", "2020-04-01", "--format", "json").json()] == [
        WORKER,
        MENTOR2,
    ]


def test_an_assignment_that_ended_with_its_episode_does_not_block_ending_staff(run: Run, tmp_path: Path) -> None:
    team(run)
    clients(run, tmp_path, ["C-01"])
    assign(run, "C-01", "2020-03-01")  # the episode ends 01.06.2020 (3 months from arrival)
    run("staff", "end", MENTOR, "--date", "2020-06-01")


# --- assignments ----------------------------------------------------------------------------
def test_assignment_errors(run: Run, refused: Refused, tmp_path: Path) -> None:
    team(run)
    clients(run, tmp_path, ["C-01"])
    add_client(run, "R-1", arrived="2020-03-01")  # registered, never served
    base = ("--worker", WORKER, "--mentor", MENTOR)
    refused("assign", "C-01", *base, "--from", "2020-02-29", says="from: C-01 is not served on 29.02.2020")
    refused("assign", "C-01", *base, "--from", "2020-06-02", says="from: C-01 is not served on 02.06.2020")
    refused("assign", "R-1", *base, "--from", "2020-03-05", says="from: R-1 is not served on 05.03.2020")
    refused("assign", "NOPE", *base, "--from", "2020-03-05", says="code: 'NOPE' is not in the register")
    refused(
        "assign",
        "C-01",
        "--worker",
        MENTOR,
        "--mentor",
        MENTOR,
        "--from",
        "2020-03-05",
        says="worker: Anna Bērziņa is a mentor, not a social-worker",
    )
    refused(
        "assign",
        "C-01",
        "--worker",
        WORKER,
        "--mentor",
        "Nav Tāda",
        "--from",
        "2020-03-05",
        says="mentor: 'Nav Tāda' is not on the staff list",
    )
    refused(
        "assign",
        "C-01",
        *base,
        "--from",
        "2020-03-05",
        "--to",
        "2020-03-04",
        says="to: 04.03.2020 is before 05.03.2020",
    )
    assign(run, "C-01", "2020-03-10")
    refused("assign", "C-01", *base, "--from", "2020-03-05", says="from: C-01 has an assignment from 10.03.2020")
    refused("unassign", "C-01", "--date", "2020-03-09", says="date: C-01 has no assignment active on 09.03.2020")


def test_the_staff_must_be_active_on_every_day(run: Run, refused: Refused, tmp_path: Path) -> None:
    run("staff", "add", WORKER, "--role", "social-worker", "--from", "2020-03-05")
    run("staff", "add", MENTOR, "--role", "mentor", "--from", "2020-01-01")
    clients(run, tmp_path, ["C-01"])
    refused(
        "assign",
        "C-01",
        "--worker",
        WORKER,
        "--mentor",
        MENTOR,
        "--from",
        "2020-03-01",
        says="worker: Jānis Ozols is active from 05.03.2020 on",
    )
    assign(run, "C-01", "2020-03-05")


def test_unassign_and_the_end_with_the_episode(run: Run, tmp_path: Path) -> None:
    team(run)
    clients(run, tmp_path, ["C-01", "C-02"])
    assign(run, "C-01", "2020-03-01")
    assign(run, "C-02", "2020-03-01")
    assert (
        run("unassign", "C-01", "--date", "2020-03-20").out.strip()
        == "C-01: assignment from 01.03.2020 ends on 20.03.2020"
    )
    run("client", "exit", "C-02", "--reason", "left-latvia", "--date", "2020-04-10")
    shown = [run("plan", "show", c, "--format", "json").json()["assignments"][0] for c in ("C-01", "C-02")]
    assert [(a["from"], a["to"]) for a in shown] == [("2020-03-01", "2020-03-20"), ("2020-03-01", "2020-04-10")]


def test_a_resumed_client_needs_a_new_assignment(run: Run, refused: Refused) -> None:
    team(run)
    add_client(run, "G-1", arrived="2020-03-01", intake="2020-03-01")
    assign(run, "G-1", "2020-03-01")
    run("status", "grant", "G-1", "refugee", "--date", "2020-08-01")  # a gap after 01.06: a new episode
    run("client", "resume", "G-1", "--date", "2020-08-03")
    refused("unassign", "G-1", "--date", "2020-08-05", says="no assignment active on 05.08.2020")
    assign(run, "G-1", "2020-08-03")
    assert run("report", "caseload", "--on", "2020-08-03", "--format", "json").json()[1]["load"] == 1


# --- plans ----------------------------------------------------------------------------------
def test_plan_complexity_and_goals(run: Run, refused: Refused, tmp_path: Path, db_path: Path) -> None:
    team(run)
    clients(run, tmp_path, ["C-01"])
    run("plan", "complexity", "C-01", "2", "--date", "2020-03-02", "--by", WORKER)
    run("plan", "complexity", "C-01", "3", "--date", "2020-04-02", "--by", WORKER)
    first = run(
        "plan", "goal", "add", "C-01", "--area", "housing", "--due", "2020-05-01", "--text", "Īrēt dzīvokli Rīgā"
    ).out.strip()
    second = run(
        "plan", "goal", "add", "C-01", "--area", "language", "--due", "2020-04-01", "--text", "Latviešu valoda A1"
    ).out.strip()
    assert first.isdigit() and second.isdigit() and first != second
    run("plan", "goal", "done", second, "--date", "2020-03-30")
    run("plan", "goal", "edit", first, "--due", "2020-05-15")
    shown = run("plan", "show", "C-01", "--format", "json").json()
    assert shown["complexity"] == 3
    assert shown["assessments"] == [
        {"date": "2020-03-02", "complexity": 2, "by": WORKER},
        {"date": "2020-04-02", "complexity": 3, "by": WORKER},
    ]
    assert shown["goals"] == [
        {"id": int(second), "area": "language", "due": "2020-04-01", "state": "done", "closed_on": "2020-03-30", "text": "Latviešu valoda A1"},
        {"id": int(first), "area": "housing", "due": "2020-05-15", "state": "open", "closed_on": None, "text": "Īrēt dzīvokli Rīgā"},
    ]  # fmt: skip
    assert "Īrēt dzīvokli" in run("plan", "show", "C-01").out
    logged = " ".join(r[0] for r in sqlite3.connect(db_path).execute("SELECT fields FROM audit"))
    assert "dzīvokli" not in logged and "valoda" not in logged


def test_plan_errors(run: Run, refused: Refused, tmp_path: Path) -> None:
    team(run)
    clients(run, tmp_path, ["C-01"])
    refused(
        "plan",
        "complexity",
        "C-01",
        "4",
        "--date",
        "2020-03-02",
        "--by",
        WORKER,
        says="level: 4 is out of range (1 to 3)",
    )
    refused(
        "plan", "complexity", "C-01", "2", "--date", "2020-03-02", "--by", MENTOR, says="by: Anna Bērziņa is a mentor"
    )
    refused(
        "plan",
        "complexity",
        "C-01",
        "2",
        "--date",
        "2020-02-02",
        "--by",
        WORKER,
        says="date: C-01 is not served on 02.02.2020",
    )
    refused(
        "plan",
        "goal",
        "add",
        "C-01",
        "--area",
        "fun",
        "--due",
        "2020-05-01",
        "--text",
        "x",
        says="area: 'fun' is not one of",
    )
    refused(
        "plan",
        "goal",
        "add",
        "C-01",
        "--area",
        "health",
        "--due",
        "2020-05-01",
        "--text",
        " ",
        says="--text: the text is empty",
    )
    refused("plan", "goal", "done", "7", "--date", "2020-03-02", says="goal: there is no goal 7")
    goal = run("plan", "goal", "add", "C-01", "--area", "health", "--due", "2020-05-01", "--text", "Ģimenes ārsts").out
    goal = goal.strip()
    run("plan", "goal", "drop", goal, "--date", "2020-03-05")
    refused(
        "plan", "goal", "done", goal, "--date", "2020-03-06", says=f"goal: {goal} is already dropped (on 05.03.2020)"
    )
    refused("plan", "goal", "edit", goal, says="nothing to change")
    refused(
        "plan",
        "goal",
        "done",
        "x",
        "--date",
        "2020-03-06",
        says="goal: 'x' is not a whole number (1 to 9223372036854775807",
    )


# --- activities -----------------------------------------------------------------------------
def test_a_family_visit_is_one_activity(run: Run, tmp_path: Path, db_path: Path) -> None:
    team(run)
    clients(run, tmp_path, ["F-1", "F-2", "F-3"])
    res = run(
        "activity", "add", "F-1,F-2,F-3", "--type", "accompany-medical", "--date", "2020-03-20",
        "--staff", MENTOR, "--minutes", "90", "--interpreter", "Arabic", "--note", "Bērnu slimnīca",
    )  # fmt: skip
    (aid,) = sqlite3.connect(db_path).execute("SELECT id FROM activities").fetchone()
    assert res.out.strip() == f"activity {aid}: accompany-medical on 20.03.2020 for F-1, F-2, F-3"
    conn = sqlite3.connect(db_path)
    assert conn.execute("SELECT count(*) FROM activities").fetchone() == (1,)
    assert conn.execute("SELECT count(*) FROM activity_clients").fetchone() == (3,)
    assert "slimnīca" not in " ".join(r[0] for r in conn.execute("SELECT fields FROM audit"))
    listed = run("activity", "list", "--format", "json").json()
    assert listed == [
        {"id": aid, "date": "2020-03-20", "type": "accompany-medical", "staff": MENTOR, "minutes": 90,
         "interpreter": "ar", "clients": ["F-1", "F-2", "F-3"], "has_note": True}
    ]  # fmt: skip
    assert "slimnīca" not in run("activity", "list").out
    assert run("activity", "list", "--with-notes", "--format", "json").json()[0]["note"] == "Bērnu slimnīca"


def test_activity_list_filters(run: Run, tmp_path: Path) -> None:
    team(run)
    clients(run, tmp_path, ["C-01", "C-02"])
    run("activity", "type", "add", "job-fair")
    run("activity", "add", "C-01", "--type", "job-fair", "--date", "2020-03-05", "--staff", MENTOR)
    run("activity", "add", "C-02", "--type", "bank-account", "--date", "2020-03-06", "--staff", MENTOR2)
    run("activity", "add", "C-01,C-02", "--type", "humanitarian-aid", "--date", "2020-03-07", "--staff", WORKER)

    made = [a["id"] for a in run("activity", "list", "--format", "json").json()]

    def ids(*args: str) -> list[int]:
        return [made.index(a["id"]) + 1 for a in run("activity", "list", *args, "--format", "json").json()]

    assert ids() == [1, 2, 3]
    assert ids("--client", "C-01") == [1, 3]
    assert ids("--staff", MENTOR2) == [2]
    assert ids("--type", "job-fair") == [1]
    assert ids("--from", "2020-03-06", "--to", "06.03.2020") == [2]
    assert ids("--from", "2021-01-01") == []
    assert run("activity", "list", "--from", "2021-01-01", "--format", "json").out.strip() == "[]"


def test_activity_types(run: Run, refused: Refused) -> None:
    run("activity", "type", "add", "job-fair")
    types = run("activity", "type", "list", "--format", "json").json()
    assert {"name": "nva-registration", "builtin": True} in types and len(types) == 16
    assert types[-1] == {"name": "job-fair", "builtin": False}
    refused("activity", "type", "add", "job-fair", says="name: 'job-fair' is already an activity type")
    refused("activity", "type", "add", "Job Fair", says="is not a type name")
    refused("activity", "type", "add", "job--fair", says="is not a type name")


def test_activity_errors(run: Run, refused: Refused, tmp_path: Path) -> None:
    team(run)
    clients(run, tmp_path, ["C-01"])
    add_client(run, "R-1", arrived="2020-03-01")
    base = ("--date", "2020-03-05", "--staff", MENTOR)
    refused(
        "activity", "add", "C-01,R-1", "--type", "bank-account", *base, says="code: R-1 is not served on 05.03.2020"
    )
    refused("activity", "add", "C-01,C-01", "--type", "bank-account", *base, says="code: a client is named twice")
    refused("activity", "add", "C-01", "--type", "karaoke", *base, says="type: 'karaoke' is not an activity type")
    refused(
        "activity",
        "add",
        "C-01",
        "--type",
        "bank-account",
        *base,
        "--minutes",
        "0",
        says="--minutes: 0 is out of range (1 to 1440)",
    )
    refused(
        "activity",
        "add",
        "C-01",
        "--type",
        "bank-account",
        "--date",
        "2022-01-01",
        "--staff",
        MENTOR,
        says="date: 2022-01-01 is after today",
    )
    refused(
        "activity",
        "add",
        "C-01",
        "--type",
        "bank-account",
        "--date",
        "2020-03-05",
        "--staff",
        "Nav Tāda",
        says="staff: 'Nav Tāda' is not on the staff list",
    )
    run("staff", "end", MENTOR2, "--date", "2020-03-01")
    refused(
        "activity",
        "add",
        "C-01",
        "--type",
        "bank-account",
        "--date",
        "2020-03-05",
        "--staff",
        MENTOR2,
        says="staff: Ķirsis Žūriņš is active from 01.01.2020 to 01.03.2020, not on 05.03.2020",
    )


# --- imports --------------------------------------------------------------------------------
def _csv(tmp: Path, name: str, text: str) -> str:
    path = tmp / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def test_import_staff(run: Run, refused: Refused, tmp_path: Path, db_path: Path) -> None:
    bad = _csv(
        tmp_path,
        "staff.csv",
        "name,role,team,from,to\n"
        "Ilze Kļaviņa,mentor,Pēteris Ūdris,2020-01-01,\n"  # her worker comes later in the file: fine
        "Pēteris Ūdris,social-worker,,2020-01-01,\n"
        "Bad,boss,,2020-13-01,\n"
        "Žanis,mentor,Nobody,2020-01-01,2019-01-01\n",
    )
    res = run("import", "staff", bad, ok=False)
    assert res.code == 2
    assert res.err.splitlines()[1:] == [
        "staff.csv:4: role: 'boss' is not one of social-worker, mentor",
        "staff.csv:4: from: '2020-13-01' is not a real date",
        "staff.csv:5: to: 01.01.2019 is before the first day 01.01.2020",
    ]
    assert not db_path.exists(), "a refused import into a new file must leave no file behind"
    good = _csv(
        tmp_path,
        "staff.csv",
        "name,role,team,from,to\nIlze Kļaviņa;x\n".replace(";x", ",mentor,Pēteris Ūdris,2020-01-01,2020-12-31")
        + "Pēteris Ūdris,social-worker,,2020-01-01,\n",
    )
    assert run("import", "staff", good, "--dry-run").out.strip() == "staff.csv: would import 2 staff members"
    assert not db_path.exists(), "a dry run into a new file must leave no file behind"
    run("import", "staff", good)
    assert run("staff", "list", "--on", "2020-06-01", "--format", "json").json() == [
        {"id": ANY, "name": "Pēteris Ūdris", "role": "social-worker", "team": None, "from": "2020-01-01", "to": None},
        {"id": ANY, "name": "Ilze Kļaviņa", "role": "mentor", "team": "Pēteris Ūdris", "from": "2020-01-01", "to": "2020-12-31"},
    ]  # fmt: skip


def test_import_assignments_in_date_order(run: Run, tmp_path: Path) -> None:
    team(run)
    clients(run, tmp_path, ["C-01", "C-02"])
    text = (
        "code,worker,mentor,from,to\n"
        f"C-01,{WORKER},{MENTOR2},2020-03-20,\n"
        f"C-01,{WORKER},{MENTOR},2020-03-01,\n"  # earlier: applied first, then closed on 19.03
        f"C-02,{WORKER},{MENTOR},2020-03-01,2020-03-31\n"
    )
    run("import", "assignments", _csv(tmp_path, "a.csv", text))
    shown = run("plan", "show", "C-01", "--format", "json").json()["assignments"]
    assert [(a["mentor"], a["from"], a["to"]) for a in shown] == [
        (MENTOR, "2020-03-01", "2020-03-19"),
        (MENTOR2, "2020-03-20", "2020-06-01"),
    ]
    assert run("plan", "show", "C-02", "--format", "json").json()["assignments"][0]["to"] == "2020-03-31"


def test_import_assignments_lists_every_bad_row_and_writes_nothing(run: Run, tmp_path: Path, db_path: Path) -> None:
    team(run)
    clients(run, tmp_path, ["C-01"])
    run("policy", "set", "caseload_max_mentor", "0", "--from", "2020-01-01")
    text = (
        "code,worker,mentor,from,to\n"
        f"C-09,{WORKER},{MENTOR},2020-03-01,\n"
        f"C-01,{WORKER},{MENTOR},2020-03-01,\n"
        f"C-01,{WORKER},Nobody,2020-03-05,\n"
        f"C-01,{WORKER},{MENTOR},2020-02-30,\n"
    )
    before = sqlite3.connect(db_path).execute("SELECT count(*) FROM audit").fetchone()
    res = run("import", "assignments", _csv(tmp_path, "a.csv", text), ok=False)
    assert res.err.splitlines() == [
        "mentorcli: import: a.csv: 4 problems; nothing was written",
        "a.csv:2: code: 'C-09' is not in the register",
        "a.csv:3: mentor: Anna Bērziņa would have 1 client on 01.03.2020 (maximum 0); --force overrides",
        "a.csv:4: mentor: 'Nobody' is not on the staff list",
        "a.csv:5: from: '2020-02-30' is not a real date",
    ]
    conn = sqlite3.connect(db_path)
    assert conn.execute("SELECT count(*) FROM assignments").fetchone() == (0,)
    assert conn.execute("SELECT count(*) FROM audit").fetchone() == before


def test_import_activities_one_activity_per_row(run: Run, tmp_path: Path) -> None:
    team(run)
    clients(run, tmp_path, ["F-1", "F-2"])
    text = (
        "code,date,type,staff,minutes,interpreter,note\n"
        f"F-1,20.03.2020,bank-account,{MENTOR},45,arabic,Swedbank\n"
        f"F-2,20.03.2020,bank-account,{MENTOR},45,arabic,Swedbank\n"
    )
    path = _csv(tmp_path, "act.csv", text)
    assert run("import", "activities", path).out.strip() == "act.csv: imported 2 activities"
    listed = run("activity", "list", "--with-notes", "--format", "json").json()
    assert [(a["clients"], a["minutes"], a["note"]) for a in listed] == [
        (["F-1"], 45, "Swedbank"),
        (["F-2"], 45, "Swedbank"),
    ]
    bad = _csv(
        tmp_path,
        "bad.csv",
        "code,date,type,staff\nF-1,2020-03-21,karaoke,Nobody\nF-1,2019-01-01,bank-account,Anna Bērziņa\n",
    )
    res = run("import", "activities", bad, ok=False)
    assert res.err.splitlines()[1:] == [
        "bad.csv:2: type: 'karaoke' is not an activity type (see: mentorcli activity type list)",
        "bad.csv:3: code: F-1 is not served on 01.01.2019",
    ]
    assert len(run("activity", "list", "--format", "json").json()) == 2


@pytest.mark.parametrize("kind", ["staff", "assignments", "activities"])
def test_import_needs_its_columns(run: Run, refused: Refused, tmp_path: Path, kind: str) -> None:
    path = _csv(tmp_path, "x.csv", "when\n2020-01-01\n")
    refused("import", kind, path, says="x.csv:1: unknown column 'when'")


def test_read_commands_refuse_bad_input_in_one_line(run: Run, refused: Refused) -> None:
    team(run)
    refused("staff", "list", "--on", "31.02.2020", says="--on: '31.02.2020' is not a real date")
    refused("report", "caseload", "--on", "soon", says="--on: 'soon' is not a date")
    refused("plan", "show", "NOPE", says="code: 'NOPE' is not in the register")
    refused("activity", "list", "--client", "NOPE", says="code: 'NOPE' is not in the register")
    refused("activity", "list", "--staff", "Nav Tāda", says="staff: 'Nav Tāda' is not on the staff list")
    refused("activity", "list", "--type", "karaoke", says="type: 'karaoke' is not an activity type")
    refused("activity", "list", "--from", "2020-13", says="--from: '2020-13' is not a date")
