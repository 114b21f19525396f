"""``report period`` and ``report year``: seed 004 (6.4.-30.11.2016) rebuilt from client-level records."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest

from conftest import Run
from mentorcli.core.dates import add_months
from test_report_month import Caseload

# Everyone's age is fixed over April-November 2016: women 31, men 32, children 6, adult sons and
# the adult daughter 19; S turns 18 on 15.11.2016 and is served to the end: a man.
BORN_2016 = {
    "W": "1985-01-01",
    "M": "1984-01-01",
    "C": "2010-01-01",
    "A": "1997-01-01",
    "D": "1997-01-01",
    "S": "1998-11-15",
}


def _month(index: int, day: int) -> date:
    """Day ``day`` of the index-th month from April 2016."""
    return date(2016, 4 + index, day)


def _iso(d: date) -> str:
    return d.isoformat()


def _household_events(
    fate: str, route: str, a: int, b: int, first_day: int | None
) -> tuple[str, str, tuple[tuple[str, str, str], ...]]:
    """Arrival, intake and events of a household served from month ``a`` to month ``b``.

    left: leaves Latvia on the 20th of month b (with status first when relocated or served longer
    than an asylum seeker may be); fr / fr-appeal: refused and the refusal final on the 20th of b;
    ee: an asylum seeker whose 3 months end on the 25th of b (the ``first_day`` of the month when
    given); active / active-status / active-riga: served beyond the period's end.
    """
    intake = _month(a, 10)
    events: list[tuple[str, str, str]] = []
    arrived = intake
    if fate == "left":
        if route == "relocation" or b - a > 2:
            events.append(
                (_iso(intake + timedelta(days=5)), "granted", "refugee" if route == "relocation" else "alternative")
            )
        events.append((_iso(_month(b, 20)), "exit", "left-latvia"))
    elif fate in ("fr", "fr-appeal"):
        events.append((_iso(intake + timedelta(days=3)), "refused", ""))
        if fate == "fr-appeal":
            events.append((_iso(intake + timedelta(days=5)), "appealed", ""))
            events.append((_iso(_month(b, 17)), "court", "negative"))
        events.append((_iso(_month(b, 20)), "final-refusal", ""))
    elif fate == "ee":
        end = _month(b, first_day or 25)
        arrived = add_months(end, -3)
        intake = max(arrived, intake)
    elif fate == "active-status":
        events.append((_iso(intake + timedelta(days=5)), "granted", "refugee"))
    elif fate == "active-riga":
        events.append((_iso(intake + timedelta(days=5)), "granted", "alternative"))
        events.append((_iso(intake + timedelta(days=15)), "move", "riga"))
    return _iso(arrived), _iso(intake), tuple(events)


# (cell, fate, first month, last month, route, country, families, individuals)
# Months count from 0 = April 2016 to 7 = November 2016. A family is given by its size (a mother,
# a father and children) or spelled out (A an adult son, D an adult daughter).
LAYOUT_2016: list[tuple[str, str, int, int, str, str, list[int | str], str]] = [
    # Relocated under the EU programme: 53 left Latvia after status, 101 active on 30.11.
    ("B", "left", 0, 1, "relocation", "SY", [4, 4, 4], ""),
    ("C", "left", 0, 2, "relocation", "SY", ["WMACC", "WMACC", 5, 5], ""),
    ("G", "left", 2, 4, "relocation", "SY", [5, 5, 5], ""),
    ("GE", "left", 2, 4, "relocation", "ER", [], "MMMWW"),
    ("FE", "left", 1, 4, "relocation", "ER", [], "M"),
    ("RS", "active-status", 0, 7, "relocation", "SY", ["WMACC", "WMACC", 5, 6], ""),
    ("R5", "active", 5, 7, "relocation", "SY", [5, 5, 5, 5], ""),
    ("R6", "active", 6, 7, "relocation", "SY", ["WMACC", "WMACC", 5, 5, 5], ""),
    ("R7", "active", 7, 7, "relocation", "SY", ["WMSCC", 5, 5, 5, 6], ""),
    ("R7I", "active", 7, 7, "relocation", "IQ", [5], ""),
    ("R7E", "active", 7, 7, "relocation", "ER", [], "MMMW"),
    # Arrived on their own: 69 left, 30 final refusals, 16 ran out of eligibility, 50 active.
    ("A", "left", 0, 0, "independent", "IN", [], "MMMMMM"),
    ("D", "ee", 0, 3, "independent", "IQ", [3, 3], ""),
    ("DP", "ee", 0, 3, "independent", "PK", [], "MMMW"),
    ("E", "fr-appeal", 1, 3, "independent", "IQ", [4, 4], ""),
    ("EA", "fr-appeal", 1, 3, "independent", "AM", [4], ""),
    ("ER", "fr-appeal", 1, 3, "independent", "RU", [2], ""),
    ("EG", "fr", 1, 3, "independent", "GE", [], "MWW"),
    ("EB", "fr", 1, 3, "independent", "BY", [], "MW"),
    ("EU", "fr", 1, 3, "independent", "UZ", [], "M"),
    ("F", "left", 1, 4, "independent", "NP", [], "MMM"),
    ("H", "left", 3, 4, "independent", "AF", ["WMACC", 5, 4, 4], ""),
    ("HN", "left", 3, 4, "independent", "NP", [], "MMM"),
    ("I", "fr", 3, 5, "independent", "IQ", [5, 5], ""),
    ("IP", "left", 3, 5, "independent", "PK", [], "MMMMM"),
    ("J", "ee", 3, 6, "independent", "TJ", [3], ""),
    ("JT", "left", 3, 6, "independent", "TJ", [], "MM"),
    ("K", "left", 4, 6, "independent", "IQ", ["WMACC", 5, 5], ""),
    ("L", "left", 5, 7, "independent", "CD", [6], ""),
    ("LP", "left", 5, 7, "independent", "PK", [], "MM"),
    ("M", "left", 6, 7, "independent", "AF", [4], ""),
    ("MN", "left", 6, 7, "independent", "NP", [], "MMM"),
    ("N", "left", 7, 7, "independent", "TJ", [], "MM"),
    ("I5", "active", 5, 7, "independent", "AF", [4], ""),
    ("I6", "active", 6, 7, "independent", "AF", [2, 3], ""),
    ("I6N", "active", 6, 7, "independent", "IN", [], "MMMMW"),
    ("I7", "active", 7, 7, "independent", "IQ", [2, 2, 2, 2], ""),
    ("I7N", "active", 7, 7, "independent", "IN", [], "MMMMMMW"),
    ("I7P", "active", 7, 7, "independent", "PK", [], "MMM"),
    ("I7T", "active", 7, 7, "independent", "TJ", [], "MM"),
    ("IR", "active-riga", 1, 7, "independent", "AF", [5, 5, "WMDCC"], ""),
    ("IRN", "active-riga", 1, 7, "independent", "IN", [], "W"),
]


def lsk_2016() -> Caseload:
    """The caseload of 6.4.-30.11.2016 with the figures of seed 004, plus clients that must not count."""
    c = Caseload()
    for cell, fate, a, b, route, country, families, individuals in LAYOUT_2016:
        for i, fam in enumerate(families):
            members = fam if isinstance(fam, str) else "WM" + "C" * (fam - 2)
            arrived, intake, events = _household_events(fate, route, a, b, None)
            c.add(f"P-{cell}{i}", members, country=country, arrived=arrived, intake=intake, route=route,
                  events=events, born=BORN_2016)  # fmt: skip
        if individuals:
            arrived, intake, events = _household_events(fate, route, a, b, None)
            c.add(f"P-{cell}", individuals, country=country, arrived=arrived, intake=intake, route=route,
                  family=False, events=events, born=BORN_2016)  # fmt: skip
    # The other Tajik family's window ends on 01.10 (arrived 01.07): served in October.
    arrived, intake, events = _household_events("ee", "independent", 3, 6, 1)
    c.add("P-J1", "WMC", country="TJ", arrived=arrived, intake=intake, events=events, born=BORN_2016)
    # Not counted: served only before 6 April; registered, never taken in (and the one relative of
    # a man counted on his own: he stays an individual); taken in after the period.
    c.add("P-Z1", "M", country="SY", arrived="2016-01-10", intake="2016-01-10",
          events=(("2016-04-05", "exit", "left-latvia"),))  # fmt: skip
    c.add("P-Z2", "W", country="IN", arrived="2016-11-01", intake=None)
    c.add("P-Z3", "M", country="SY", arrived="2016-12-01", intake="2016-12-01")
    for client in c.clients:
        if client["code"] in ("P-Z2-01", "P-A-01"):
            client["family"] = "P-ZFAM"
    return c


SEED_004 = {
    "unique_persons": 319,
    "served": 319,
    "monthly": {
        "2016-04": 69,
        "2016-05": 103,
        "2016-06": 111,
        "2016-07": 135,
        "2016-08": 120,
        "2016-09": 107,
        "2016-10": 134,
        "2016-11": 168,
    },
    "women": 69,
    "men": 121,
    "children": 129,
    "families": 58,
    "individuals": 64,
    "by_route": {"relocation": 154, "independent": 165},
    "by_country": {
        "AM": 4,
        "AF": 46,
        "BY": 2,
        "ER": 10,
        "GE": 3,
        "IN": 19,
        "IQ": 52,
        "CD": 6,
        "RU": 2,
        "NP": 9,
        "PK": 14,
        "SY": 139,
        "UZ": 1,
        "TJ": 12,
    },
    "exits": {
        "left-latvia": 122,
        "final-refusal": 30,
        "declined": 0,
        "non-compliance": 0,
        "transferred": 0,
        "other": 0,
    },
    "exits_by_route": {
        "left-latvia": {"relocation": 53, "independent": 69},
        "final-refusal": {"relocation": 0, "independent": 30},
        "declined": {"relocation": 0, "independent": 0},
        "non-compliance": {"relocation": 0, "independent": 0},
        "transferred": {"relocation": 0, "independent": 0},
        "other": {"relocation": 0, "independent": 0},
    },
    # 101 relocated in Mucenieki (21 with status), 34 on their own in Mucenieki, 16 with status
    # outside it (3 families and 1 individual).
    "active_at_end": {
        "served": 151,
        "by_residence": {"mucenieki": 135, "riga": 16},
        "by_route": {"relocation": 101, "independent": 50},
        "by_status": {"asylum-seeker": 114, "refugee": 21, "alternative": 16},
    },
}


@pytest.fixture
def period_2016(run: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict:  # type: ignore[type-arg]
    monkeypatch.setenv("MENTORCLI_TODAY", "2016-12-16")  # the day the evaluation report was signed
    lsk_2016().load(run, tmp_path)
    return run("report", "period", "--from", "2016-04-06", "--to", "2016-11-30", "--format", "json").json()  # type: ignore[no-any-return]


def test_period_equals_seed_004(period_2016: dict) -> None:  # type: ignore[type-arg]
    assert {k: period_2016[k] for k in SEED_004} == SEED_004


def test_period_figures_not_published_follow_the_layout(period_2016: dict) -> None:  # type: ignore[type-arg]
    fig = period_2016
    assert (fig["from"], fig["to"]) == ("2016-04-06", "2016-11-30")
    # Women: 68 aged 31 and the adult daughter, 19; men: 112 aged 32, 8 adult sons aged 19, S aged 18.
    assert fig["average_age"] == {
        "women": round((68 * 31 + 19) / 69, 1),
        "men": round((112 * 32 + 8 * 19 + 18) / 121, 1),
    }
    assert fig["average_age"] == {"women": 30.8, "men": 31.0}
    # Status on each person's last served day: those stopped by a final refusal count under it.
    assert fig["by_status"] == {"asylum-seeker": 194, "refugee": 74, "alternative": 21, "final-refusal": 30}
    assert fig["by_residence"] == {"mucenieki": 303, "riga": 16}
    # Everyone's first episode started in the period (the service began on 6 April).
    assert (fig["new"], fig["resumed"], fig["continuing"]) == (319, 0, 0)
    # Decisions of the period for the clients counted: 53 + 21 refugee grants, 5 + 16 alternative,
    # 30 refusals, 14 of them appealed and lost in court, 30 final refusals.
    assert fig["decisions"] == {
        "refugee": 74,
        "alternative": 21,
        "refused": 30,
        "court-positive": 0,
        "court-negative": 14,
        "final-refusal": 30,
    }
    assert fig["awaiting_court"] == 0
    assert fig["staff"] == {"social_workers": 0, "mentors": 0}


def test_month_within_the_period_agrees_with_monthly(run: Run, period_2016: dict) -> None:  # type: ignore[type-arg]
    for month, n in period_2016["monthly"].items():
        fig = run("report", "month", month, "--format", "json").json()
        if month == "2016-04":
            assert fig["served"] == n + 1  # P-Z1, served 1-5 April, before the period began
        else:
            assert fig["served"] == n


def test_year_is_the_period_over_the_calendar_year(run: Run, period_2016: dict) -> None:  # type: ignore[type-arg]
    year = run("report", "year", "2016", "--format", "json").json()
    assert year["year"] == 2016 and (year["from"], year["to"]) == ("2016-01-01", "2016-12-31")
    # 2016 adds P-Z1 (January-April) and P-Z3 (taken in on 01.12), both new that year.
    assert year["unique_persons"] == 321 and year["first_time"] == year["new"] == 321
    assert year["monthly"]["2016-01"] == 1 and year["monthly"]["2016-12"] == 151 + 1
