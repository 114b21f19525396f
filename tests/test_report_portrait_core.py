"""The portrait's counting in the core: population on a day, staff on average, shares, two years compared."""

from __future__ import annotations

import dataclasses
from datetime import date, timedelta
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mentorcli.core import counting
from mentorcli.core.counting import ClientFacts, Inputs, StaffFacts
from mentorcli.render.latvian import YEARS, YEARS_FROM, YEARS_TO, comparison_paragraph, count, whole
from test_report_core import BASE, TODAY, D, caseloads, client

DAY = D("2020-07-31")


def population(*clients: ClientFacts, on: date = DAY, today: date = TODAY) -> dict[str, Any]:
    return counting.population_report([_in_latvia_until_they_leave(c) for c in clients], on, today)


def test_population_counts_everyone_served_by_the_day_who_is_still_in_latvia() -> None:
    fig = population(
        client("NOW", [("2020-07-01", None, None)]),
        client("ENDED", [("2020-01-01", "2020-04-01", "eligibility-ended")]),
        # The exit day is the last day served and the last day in Latvia: counted that day only.
        client("LEAVES", [("2020-07-01", "2020-07-31", "left-latvia")], moves=((D("2020-07-10"), "riga"),)),
        client("LEFT", [("2020-07-01", "2020-07-30", "left-latvia")]),
        # Left Latvia after the service had ended by running out.
        dataclasses.replace(
            client("GONE", [("2020-01-01", "2020-04-01", "eligibility-ended")]), left_latvia=D("2020-05-01")
        ),
        client("LATER", [("2020-08-01", None, None)]),
        client("NEVER", []),
    )
    assert (fig["persons"], fig["served_now"], fig["served_before"]) == (3, 2, 1)
    assert fig["by_residence"] == {"mucenieki": 2, "riga": 1}
    assert fig["outside_mucenieki"] == {"persons": 1, "families": 0, "individuals": 1}


def test_population_left_latvia_is_a_fact_apart_from_the_episodes() -> None:
    gone = dataclasses.replace(
        client("GONE", [("2020-01-01", "2020-04-01", "eligibility-ended")]), left_latvia=D("2020-06-01")
    )
    assert population(gone, on=D("2020-06-01"))["persons"] == 1
    assert population(gone, on=D("2020-06-02"))["persons"] == 0


def test_population_residence_and_families_on_the_day() -> None:
    moves_today = ((DAY, "riga"),)
    fig = population(
        client("A", [("2020-07-01", None, None)], family="F1", moves=moves_today),
        client("B", [("2020-07-01", None, None)], family="F1", moves=moves_today),
        client("C", [("2020-07-01", None, None)], family="F2", moves=moves_today),  # relative stays: individual
        client("D", [("2020-07-01", None, None)], family="F2"),
        client("E", [("2020-07-01", None, None)], family="F3", moves=((DAY + timedelta(days=1), "riga"),)),
    )
    assert fig["outside_mucenieki"] == {"persons": 3, "families": 1, "individuals": 1}
    assert fig["by_residence"] == {"mucenieki": 2, "riga": 3}


def test_population_on_a_day_is_as_of_today() -> None:
    # An episode still open is served up to today only; nobody is in the population before intake.
    c = client("A", [("2020-07-01", None, None)])
    assert population(c, today=D("2020-07-15"))["served_now"] == 0
    assert population(c, on=D("2020-06-30"))["persons"] == 0


def test_staff_average_is_the_mean_over_the_days() -> None:
    staff = (
        StaffFacts("social-worker", D("2019-01-01"), None),
        StaffFacts("social-worker", D("2020-07-31"), None),  # 1 day of 31
        StaffFacts("mentor", D("2020-07-01"), D("2020-07-16")),  # 16 of 31 days: 0.516
        StaffFacts("mentor", D("2020-07-17"), D("2020-08-31")),  # 15 of 31 days
        StaffFacts("mentor", D("2020-08-01"), None),  # after the period
    )
    fig = counting.period_report(Inputs((), staff), D("2020-07-01"), D("2020-07-31"), TODAY)
    assert fig["staff_average"] == {"social_workers": 1.0, "mentors": 1.0}
    assert fig["staff"] == {"social_workers": 2, "mentors": 2}
    # Cut at today: over 1-10 July the second social worker has not started.
    cut = counting.period_report(Inputs((), staff), D("2020-07-01"), D("2020-07-31"), D("2020-07-10"))
    assert cut["staff_average"] == {"social_workers": 1.0, "mentors": 1.0}
    # Half up: one mentor on 3 of 4 days is 0.75 -> 0.8.
    four = counting.period_report(
        Inputs((), (StaffFacts("mentor", D("2020-07-02"), None),)), D("2020-07-01"), D("2020-07-04"), TODAY
    )
    assert four["staff_average"] == {"social_workers": 0.0, "mentors": 0.8}
    future = counting.period_report(Inputs((), staff), D("2022-01-01"), D("2022-12-31"), TODAY)
    assert future["staff_average"] == {"social_workers": 0.0, "mentors": 0.0}


def test_shares_are_percent_of_the_persons_half_up() -> None:
    clients = [client(f"C{i}", [("2020-07-01", None, None)], born="2010-01-01") for i in range(3)] + [
        client(f"M{i}", [("2020-07-01", None, None)]) for i in range(5)
    ]
    fig = counting.period_report(Inputs(clients), D("2020-07-01"), D("2020-07-31"), TODAY)
    # 3/8 = 37.5; 5/8 = 62.5: exact halves stay exact; everyone is independent in the helper.
    assert fig["shares"] == {"children": 37.5, "women": 0.0, "men": 62.5, "relocation": 0.0, "independent": 100.0}
    empty = counting.period_report(Inputs(()), D("2020-07-01"), D("2020-07-31"), TODAY)
    assert set(empty["shares"].values()) == {None}
    assert counting._percent(1, 8) == 12.5 and counting._percent(1, 6) == 16.7 and counting._percent(1, 16) == 6.3


def test_change_is_exact_and_counts_missing_on_one_side_are_zero() -> None:
    year = {"year": 2017, "from": D("2017-01-01"), "shares": {"children": 41.9}, "by_country": {"SY": 3}}
    before = {"year": 2016, "from": D("2016-01-01"), "shares": {"children": 42.1}, "by_country": {"AF": 2}}
    year |= {"average_age": {"women": None, "men": 32.0}, "monthly": {"2017-01": 5}}
    before |= {"average_age": {"women": 31.0, "men": 32.0}, "monthly": {"2016-01": 2}}
    cmp = counting.year_comparison(year, before)
    assert cmp["change"] == {
        "shares": {"children": -0.2},
        "by_country": {"SY": 3, "AF": -2},
        "average_age": {"women": None, "men": 0.0},
        "monthly": {"01": 3},
    }
    rows = {r["key"]: r for r in counting.comparison_rows(cmp)}
    assert rows["by_country.AF"] == {"key": "by_country.AF", "year": 0, "compare": 2, "change": -2}
    assert rows["average_age.women"] == {"key": "average_age.women", "year": None, "compare": 31.0, "change": None}
    assert rows["from"]["change"] is None


@pytest.mark.parametrize(
    ("before", "now", "text"),
    [
        (31.0, 33.0, "sieviešu vidējais vecums ir palielinājies no 31 gada uz 33 gadiem"),
        (33.4, 31.2, "sieviešu vidējais vecums ir samazinājies no 33 gadiem uz 31 gadu"),
        (32.5, 32.6, "sieviešu vidējais vecums – 33 gadi nav mainījies"),
    ],
)
def test_latvian_age_change(before: float, now: float, text: str) -> None:
    def year(y: int, women: float) -> dict[str, Any]:
        return {
            "year": y,
            "unique_persons": 21,
            "first_time": 1,
            "average_age": {"women": women, "men": None},
            "shares": {"children": None},
        }

    paragraph = comparison_paragraph({"year": year(2017, now), "compare": year(2016, before)})
    assert text in paragraph
    assert paragraph.startswith("2016. gadā sociālā darbinieka un sociālā mentora pakalpojumu saņēma 21 persona")
    assert "t.sk. 1 persona pirmreizēji" in paragraph


def test_latvian_years_agree() -> None:
    assert (count(31, YEARS), count(32, YEARS), count(21, YEARS_FROM), count(33, YEARS_TO)) == (
        "31 gads",
        "32 gadi",
        "21 gada",
        "33 gadiem",
    )
    assert (whole(41.5), whole(41.4), whole(42.1)) == (42, 41, 42)


# --- properties ------------------------------------------------------------------------------


def _in_latvia_until_they_leave(c: ClientFacts) -> ClientFacts:
    """Nothing follows an episode that ended by leaving Latvia; that day is the client's last in Latvia."""
    episodes = []
    for e in c.episodes:
        episodes.append(e)
        if e.end_reason == "left-latvia":
            return dataclasses.replace(c, episodes=tuple(episodes), left_latvia=e.end)
    return c


@pytest.mark.slow
@settings(max_examples=150, deadline=None)
@given(caseloads(), st.integers(0, 700))
def test_population_parts_sum_to_the_whole(case: tuple[list[ClientFacts], date, date, date], offset: int) -> None:
    clients, _, _, today = case
    clients = [_in_latvia_until_they_leave(c) for c in clients]
    on = min(BASE + timedelta(days=offset), today)
    fig = counting.population_report(clients, on, today)
    assert fig["served_now"] + fig["served_before"] == fig["persons"]
    assert sum(fig["by_residence"].values()) == sum(fig["by_status"].values()) == fig["persons"]
    out = fig["outside_mucenieki"]
    assert out["persons"] == fig["persons"] - fig["by_residence"]["mucenieki"]
    assert out["individuals"] + 2 * out["families"] <= out["persons"]
    # Served on the day is the one definition the period reports use for their last day.
    at_end = counting.count(clients, on, on, today, period=True).active_at_end
    assert at_end is not None and fig["served_now"] == at_end["served"]


@pytest.mark.slow
@settings(max_examples=100, deadline=None)
@given(caseloads(), caseloads())
def test_change_is_year_minus_compare_for_every_number(
    a: tuple[list[ClientFacts], date, date, date], b: tuple[list[ClientFacts], date, date, date]
) -> None:
    year = counting.period_report(Inputs(a[0]), a[1], a[2], a[3])
    before = counting.period_report(Inputs(b[0]), b[1], b[2], b[3])
    for fig in (year, before):  # a year's months, whatever the period drawn
        fig["monthly"] = {f"2020-{m:02d}": m * len(fig["monthly"]) for m in range(1, 13)}
    change = dict(counting._flat(counting.year_comparison(year, before)["change"]))
    flat_year, flat_before = dict(counting._flat(year)), dict(counting._flat(before))
    for key, value in flat_year.items():
        if key.startswith("monthly.") or key in ("from", "to"):
            continue
        other = flat_before.get(key, 0)
        if value is None or other is None:
            assert change[key] is None, key
        else:
            assert change[key] == pytest.approx(value - other), key
    assert change["monthly.07"] == year["monthly"]["2020-07"] - before["monthly"]["2020-07"]


def test_latvian_population_agrees_with_one_and_none() -> None:
    from mentorcli.render.latvian import population_paragraph

    one = population(client("A", [("2020-07-01", None, None)], moves=((D("2020-07-02"), "riga"),)))
    assert population_paragraph(one).startswith(
        "Uz 31.07.2020. Latvijā (ārpus Patvēruma meklētāju centra „Mucenieki”) dzīvoja 1 persona, kura saņēma "
        "vai kura bija saņēmusi sociālā darbinieka un sociālā mentora pakalpojumus, proti, 1 indivīds."
    )
    none = population(client("A", [("2020-07-01", None, None)]))
    assert population_paragraph(none).startswith("Uz 31.07.2020. ārpus Patvēruma meklētāju centra „Mucenieki”")
    assert "nedzīvoja neviena persona" in population_paragraph(none)


def test_latvian_year_without_anyone_served() -> None:
    from mentorcli.render.latvian import year_paragraph

    fig = counting.year_report(Inputs(()), 2019, TODAY)
    assert (
        year_paragraph(fig) == "2019. gadā sociālā darbinieka un sociālā mentora pakalpojumu nesaņēma neviena persona."
    )
