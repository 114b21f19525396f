"""The due list (SPEC section 4): the pure computation, and each kind through the CLI."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

from casework_helpers import MENTOR, MENTOR2, WORKER, assign, team
from conftest import Run, add_client
from mentorcli.core.due import ClientFacts, OpenGoal, StaffLoad, due_items, mucenieki_last_day
from mentorcli.core.policy import PolicyHistory, Version

Refused = Callable[..., Any]
TODAY = date(2021, 12, 31)
POLICY = PolicyHistory.default()


def _facts(code: str, **kw: Any) -> ClientFacts:
    base: dict[str, Any] = {"window_ends": (), "served_today": True, "eligible_today": True, "assigned_today": True}
    return ClientFacts(code, **(base | kw))


# --- the pure computation -------------------------------------------------------------------
def test_mucenieki_stay_follows_seed_004() -> None:
    assert mucenieki_last_day(date(2020, 3, 20), POLICY) == date(2020, 4, 4)
    longer = PolicyHistory([Version("mucenieki_stay_days", 30, date(2021, 1, 1))])
    assert mucenieki_last_day(date(2020, 12, 31), longer) == date(2021, 1, 15)  # the policy on the decision day
    assert mucenieki_last_day(date(2021, 1, 1), longer) == date(2021, 1, 31)


def test_window_ends_inside_the_range_only() -> None:
    clients = [
        _facts("A", window_ends=(date(2021, 12, 31),)),  # today: in
        _facts("B", window_ends=(date(2022, 1, 14),)),  # today + 14: in
        _facts("C", window_ends=(date(2022, 1, 15),)),  # one day too late
        _facts("D", window_ends=(date(2021, 12, 30),)),  # yesterday
        _facts("E", window_ends=(date(2022, 1, 2),), served_today=False, eligible_today=False),  # neither
        _facts("F", window_ends=(date(2022, 1, 3),), served_today=False),  # eligible, not served: in
    ]
    got = [(i["date"], i["code"]) for i in due_items(TODAY, 14, clients, [], [], POLICY)]
    assert got == [(date(2021, 12, 31), "A"), (date(2022, 1, 3), "F"), (date(2022, 1, 14), "B")]
    assert [i["code"] for i in due_items(TODAY, 0, clients, [], [], POLICY)] == ["A"]


def test_mucenieki_exit_only_while_still_living_there() -> None:
    grant = date(2021, 12, 20)  # last day 04.01.2022
    clients = [
        _facts("IN", grant=grant, residence_on_grant="mucenieki", residence_today="mucenieki"),
        _facts("MOVED", grant=grant, residence_on_grant="mucenieki", residence_today="riga"),
        _facts("RIGA", grant=grant, residence_on_grant="riga", residence_today="mucenieki"),
        _facts("OLD", grant=date(2021, 12, 1), residence_on_grant="mucenieki", residence_today="mucenieki"),
    ]
    assert due_items(TODAY, 14, clients, [], [], POLICY) == [
        {"date": date(2022, 1, 4), "kind": "mucenieki-exit", "code": "IN"}
    ]
    assert due_items(TODAY, 3, clients, [], [], POLICY) == []


def test_unassigned_goals_and_staff() -> None:
    clients = [_facts("U", assigned_today=False), _facts("N", assigned_today=False, served_today=False), _facts("A")]
    goals = [
        OpenGoal(7, "G", "housing", date(2020, 1, 1)),  # long overdue: listed whatever --within says
        OpenGoal(8, "G", "health", date(2021, 12, 31)),  # due today: not overdue yet
    ]
    staff = [
        StaffLoad("Over", "mentor", 21, 10, 20),
        StaffLoad("Under", "social-worker", 29, 30, 120),
        StaffLoad("Fine", "mentor", 10, 10, 20),
    ]
    assert due_items(TODAY, 0, clients, goals, staff, POLICY) == [
        {"date": date(2020, 1, 1), "kind": "goal-overdue", "code": "G", "goal": 7, "area": "housing"},
        {"date": TODAY, "kind": "over-maximum", "staff": "Over", "role": "mentor", "load": 21, "limit": 20},
        {"date": TODAY, "kind": "unassigned", "code": "U"},
        {"date": TODAY, "kind": "under-minimum", "staff": "Under", "role": "social-worker", "load": 29, "limit": 30},
    ]


def test_sorted_by_date_then_kind_then_code() -> None:
    clients = [
        _facts("B", window_ends=(date(2022, 1, 2),), assigned_today=False),
        _facts("A", window_ends=(date(2022, 1, 2),), assigned_today=False),
    ]
    got = [(i["date"].day, i["kind"], i["code"]) for i in due_items(TODAY, 14, clients, [], [], POLICY)]
    assert got == [
        (31, "unassigned", "A"),
        (31, "unassigned", "B"),
        (2, "eligibility-end", "A"),
        (2, "eligibility-end", "B"),
    ]


# --- through the CLI, with records built by hand --------------------------------------------
def _due(run: Run, *args: str) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = run("due", *args, "--format", "json").json()
    return items


def test_due_is_an_empty_array_when_nothing_is_due(run: Run) -> None:
    add_client(run, "OLD", arrived="2019-01-10", intake="2019-01-10")
    assert run("due", "--format", "json").out.strip() == "[]"


def test_due_eligibility_end(run: Run) -> None:
    add_client(run, "E-1", arrived="2021-10-01", intake="2021-10-01", consent="2021-10-01")  # window ends 01.01.2022
    add_client(run, "E-2", arrived="2021-11-01")  # eligible, not taken in: ends 01.02.2022
    add_client(run, "E-3", arrived="2021-10-01", intake="2021-10-01")
    run("client", "exit", "E-3", "--reason", "declined", "--date", "2021-12-01")  # neither served nor eligible now
    left_out = {"window": "asylum-seeker", "since": "2021-11-01", "until": "2022-02-01"}
    assert _due(run) == [
        {"date": "2021-12-31", "kind": "eligible-not-served", "code": "E-2", **left_out},  # issue 19
        _unassigned("E-1"),
        {"date": "2022-01-01", "kind": "eligibility-end", "code": "E-1"},
    ]
    assert [i["code"] for i in _due(run, "--within", "32") if i["kind"] == "eligibility-end"] == ["E-1", "E-2"]


def _unassigned(code: str) -> dict[str, Any]:
    return {"date": "2021-12-31", "kind": "unassigned", "code": code}


def test_due_mucenieki_exit(run: Run) -> None:
    for code in ("M-1", "M-2", "M-3"):
        add_client(run, code, arrived="2021-10-01")
        run("status", "grant", code, "refugee", "--date", "2021-12-20")  # may stay until 04.01.2022
    run("client", "move", "M-2", "--residence", "riga", "--date", "2021-12-28")
    add_client(run, "M-4", arrived="2021-10-01", residence="Rīga")
    run("status", "grant", "M-4", "alternative", "--date", "2021-12-20")
    add_client(run, "M-5", arrived="2021-10-01")
    run("status", "grant", "M-5", "refugee", "--date", "2021-12-10")  # last day 25.12.2021: past
    run("client", "move", "M-3", "--residence", "riga", "--date", "2021-12-19")
    run("client", "move", "M-3", "--residence", "mucenieki", "--date", "2021-12-30")  # in Riga on the decision day
    exits = [i for i in _due(run) if i["kind"] == "mucenieki-exit"]
    assert exits == [{"date": "2022-01-04", "kind": "mucenieki-exit", "code": "M-1"}]
    assert [i for i in _due(run, "--within", "3") if i["kind"] == "mucenieki-exit"] == []


def test_due_unassigned(run: Run) -> None:
    team(run, "2021-01-01")
    add_client(run, "U-1", arrived="2021-12-01", intake="2021-12-01")
    add_client(run, "U-2", arrived="2021-12-01", intake="2021-12-01")
    add_client(run, "U-3", arrived="2021-12-01", intake="2021-12-01")
    add_client(run, "U-4", arrived="2021-12-01")  # not served: not listed
    assign(run, "U-2", "2021-12-01")
    assign(run, "U-3", "2021-12-01")
    run("unassign", "U-3", "--date", "2021-12-30")
    assert [i for i in _due(run) if i["kind"] == "unassigned"] == [_unassigned("U-1"), _unassigned("U-3")]


def test_due_goal_overdue_regardless_of_within(run: Run) -> None:
    add_client(run, "G-1", arrived="2021-11-01", intake="2021-11-01")
    goals = [
        int(run("plan", "goal", "add", "G-1", "--area", "housing", "--due", due, "--text", "Dzīvoklis").out)
        for due in ("2021-12-01", "2021-12-15", "2021-12-31", "2022-01-05")
    ]
    run("plan", "goal", "done", str(goals[1]), "--date", "2021-12-20")
    overdue = [i for i in _due(run, "--within", "0") if i["kind"] == "goal-overdue"]
    assert overdue == [
        {"date": "2021-12-01", "kind": "goal-overdue", "code": "G-1", "goal": goals[0], "area": "housing"}
    ]


def test_due_staff_over_maximum_and_under_minimum(run: Run) -> None:
    team(run, "2021-01-01")
    run("policy", "set", "caseload_max_mentor", "1", "--from", "2021-01-01")
    run("policy", "set", "caseload_min_social_worker", "2", "--from", "2021-01-01")
    run("policy", "set", "caseload_min_mentor", "0", "--from", "2021-01-01")
    add_client(run, "S-1", arrived="2021-12-01", intake="2021-12-01")
    add_client(run, "S-2", arrived="2021-12-01", intake="2021-12-01")
    assign(run, "S-1", "2021-12-01")
    assign(run, "S-2", "2021-12-01", MENTOR, "--force")
    assert [i for i in _due(run) if "staff" in i] == [
        {"date": "2021-12-31", "kind": "over-maximum", "staff": MENTOR, "role": "mentor", "load": 2, "limit": 1},
    ]
    run("unassign", "S-2", "--date", "2021-12-30")
    staff_items = [i for i in _due(run) if "staff" in i]
    assert staff_items == [
        {
            "date": "2021-12-31",
            "kind": "under-minimum",
            "staff": WORKER,
            "role": "social-worker",
            "load": 1,
            "limit": 2,
        },
    ]
    assert MENTOR2 not in str(staff_items)


def test_due_table_and_errors(run: Run, refused: Refused, tmp_path: Path) -> None:
    add_client(run, "T-1", arrived="2021-10-01", intake="2021-10-01")
    table = run("due").out
    assert "eligibility ends" in table and "T-1" in table
    refused("due", "--within", "-1", says="--within: '-1' is not a whole number (0 to 3660")
    refused("due", "--within", "soon", says="--within")
