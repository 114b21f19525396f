"""``report forecast``: the weeks ahead, seed 003's story in miniature (more eligible than served)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from itertools import pairwise
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import Result, Run, add_client
from mentorcli.core.dates import Period
from mentorcli.core.eligibility import Episode, Window, not_served_on
from mentorcli.core.forecast import Member, forecast
from mentorcli.core.policy import PolicyHistory

TODAY = "2020-07-15"  # a Wednesday: the first week is that of Monday 13 July


@pytest.fixture
def office(run: Run, monkeypatch: pytest.MonkeyPatch) -> Run:
    """Two teams at small limits (3 clients a social worker, 2 a mentor), five clients served, two waiting.

    Ilze leads Anna and Marta; Edgars leads Jānis. Windows (3 months from arrival) end: A 01.08
    (a Saturday), B 10.08 (a Monday), C 01.09, D 15.09, E 20.09. F (arrived 01.07) and G (05.05,
    window to 05.08) are eligible and not taken in; H declined the service on 10.06.
    """
    monkeypatch.setenv("MENTORCLI_TODAY", TODAY)
    run("policy", "set", "caseload_max_social_worker", "3", "--from", "2020-01-01")
    run("policy", "set", "caseload_max_mentor", "2", "--from", "2020-01-01")
    for name in ("Ilze", "Edgars"):
        run("staff", "add", name, "--role", "social-worker", "--from", "2020-01-01")
    for name, team in [("Anna", "Ilze"), ("Marta", "Ilze"), ("Jānis", "Edgars")]:
        run("staff", "add", name, "--role", "mentor", "--team", team, "--from", "2020-01-01")
    add_client(run, "H", arrived="2020-04-20", intake="2020-04-20")
    run("assign", "H", "--worker", "Edgars", "--mentor", "Jānis", "--from", "2020-04-20")
    run("client", "exit", "H", "--reason", "declined", "--date", "2020-06-10")
    served = [
        ("A", "2020-05-01", "Ilze", "Anna"),
        ("B", "2020-05-10", "Ilze", "Anna"),
        ("C", "2020-06-01", "Ilze", "Marta"),
        ("D", "2020-06-15", "Edgars", "Jānis"),
        ("E", "2020-06-20", "Edgars", "Jānis"),
    ]
    for code, day, worker, mentor in served:
        add_client(run, code, arrived=day, intake=day)
        run("assign", code, "--worker", worker, "--mentor", mentor, "--from", day)
    add_client(run, "F", arrived="2020-07-01")
    add_client(run, "G", arrived="2020-05-05")
    return run


def week(start: str, sw: int, m: int, waiting: int, freed: dict[str, int] | None = None) -> dict[str, object]:
    gone = freed or {}
    return {
        "week_start": start,
        "free_places": {"social_worker": sw, "mentor": m},
        "waiting": waiting,
        "freed": {
            "social_worker": {n: gone.get(n, 0) for n in ("Edgars", "Ilze")},
            "mentor": {n: gone.get(n, 0) for n in ("Anna", "Jānis", "Marta")},
        },
    }


def test_every_figure_of_six_weeks(office: Run) -> None:
    fig = office("report", "forecast", "--weeks", "6", "--format", "json").json()
    assert fig == {
        "weeks": [
            # Ilze 3/3, Edgars 2/3; Anna 2/2, Marta 1/2, Jānis 2/2 (H declined on 10.06: nothing of his is held)
            week("2020-07-13", 1, 1, 2),
            week("2020-07-20", 1, 1, 2),
            week("2020-07-27", 1, 1, 2, {"Ilze": 1, "Anna": 1}),  # A's last day, Saturday 01.08
            week("2020-08-03", 2, 2, 2),  # G is eligible up to Wednesday 05.08
            week("2020-08-10", 2, 2, 1, {"Ilze": 1, "Anna": 1}),  # B's last day, Monday 10.08
            week("2020-08-17", 3, 3, 1),
        ],
        # Edgars has a place from the start, but Jānis, his team's mentor, has none
        "first_week_for_family": "2020-08-03",
    }


def test_the_first_week_for_a_larger_family(office: Run) -> None:
    two = office("report", "forecast", "--weeks", "6", "--family-size", "2", "--format", "json").json()
    assert two["first_week_for_family"] == "2020-08-17"
    three = office("report", "forecast", "--weeks", "6", "--family-size", "3", "--format", "json").json()
    assert three["first_week_for_family"] is None
    assert len(office("report", "forecast", "--format", "json").json()["weeks"]) == 12


def test_table_csv_and_latvian(office: Run) -> None:
    table = office("report", "forecast", "--weeks", "6").out
    assert "A family of 1 can be taken in from the week of 03.08.2020." in table
    assert "Ilze 1" in table and "27.07.2020" in table
    csv = office("report", "forecast", "--weeks", "3", "--format", "csv").out.splitlines()
    assert csv == [
        "week_start,free_social_worker,free_mentor,waiting,freed_social_worker,freed_mentor",
        "2020-07-13,1,1,2,0,0",
        "2020-07-20,1,1,2,0,0",
        "2020-07-27,1,1,2,1,1",
    ]
    lv = office("--lang", "lv", "report", "forecast", "--weeks", "2", "--family-size", "3").out
    assert "Nedēļa no" in lv and "šo nedēļu laikā (2) uzņemt nevar" in lv


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (("--weeks", "0"), "--weeks"),
        (("--weeks", "105"), "--weeks"),
        (("--family-size", "x"), "--family-size"),
        (("--public",), "--public"),
    ],
)
def test_refusals(office: Run, refused: Callable[..., Result], args: tuple[str, ...], says: str) -> None:
    refused("report", "forecast", *args, says=says)


MONDAY = date(2020, 7, 13)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.integers(-60, 0), st.one_of(st.none(), st.integers(-70, 90))), max_size=12))
def test_each_week_frees_what_the_week_before_freed(spans: list[tuple[int, int | None]]) -> None:
    """Staff and limits unchanged and nobody taken in after today: the places grow by what was freed."""
    periods = [
        Period(MONDAY + timedelta(days=s), None if e is None else MONDAY + timedelta(days=max(s, e))) for s, e in spans
    ]
    worker = Member("Ilze", "social-worker", Period(date(2020, 1, 1)), periods)
    fig = forecast([worker], [], PolicyHistory.default(), MONDAY, 12, 1)
    weeks = fig["weeks"]
    for before, after in pairwise(weeks):
        freed = before["freed"]["social_worker"]["Ilze"]
        assert after["free_places"]["social_worker"] == before["free_places"]["social_worker"] + freed


day = st.integers(-40, 120).map(lambda n: MONDAY + timedelta(days=n))
span = st.tuples(day, st.one_of(st.none(), st.integers(0, 100)))


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.lists(span, min_size=1, max_size=3),
            st.lists(st.tuples(span, st.sampled_from(["eligibility-ended", "declined", "transferred"])), max_size=3),
        ),
        max_size=6,
    )
)
def test_waiting_is_not_served_on_each_monday(clients: list[tuple[list[Any], list[Any]]]) -> None:
    """Asking only where a window covers a Monday and no episode does loses nobody."""
    made = []
    for wins, eps in clients:
        windows = [
            Window("status", s, None if n is None else s + timedelta(days=n), None)
            for s, n in sorted(wins, key=lambda w: w[0])
        ]
        episodes = [
            Episode(s, None if n is None else s + timedelta(days=n), reason, i == 0)
            for i, ((s, n), reason) in enumerate(sorted(eps, key=lambda e: e[0][0]))
        ]
        made.append((windows, episodes))
    fig = forecast([], made, PolicyHistory.default(), MONDAY, 16, 1)
    for w in fig["weeks"]:
        assert w["waiting"] == sum(1 for wins, eps in made if not_served_on(w["week_start"], wins, eps))
