"""The pure counting of the reports: boundaries by hand, the parts-sum-to-the-whole properties."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mentorcli.core import counting
from mentorcli.core.counting import ClientFacts, Inputs
from mentorcli.core.dates import months_between
from mentorcli.core.eligibility import Episode
from mentorcli.core.errors import InputError
from mentorcli.core.legal import LegalTimeline, StatusEvent
from mentorcli.core.policy import parse_value
from mentorcli.render.latvian import CHILD, CLIENT, MONTHS_LOCATIVE, count

D = date.fromisoformat


def client(
    code: str,
    episodes: list[tuple[str, str | None, str | None]],
    *,
    born: str = "1990-01-01",
    sex: str = "M",
    family: str | None = None,
    events: tuple[StatusEvent, ...] = (),
    moves: tuple[tuple[date, str], ...] = (),
) -> ClientFacts:
    eps = tuple(Episode(D(s), D(e) if e else None, reason, first=i == 0) for i, (s, e, reason) in enumerate(episodes))
    return ClientFacts(
        code, sex, D(born), "SY", "independent", family, "mucenieki", moves, LegalTimeline(D("2020-01-01"), events), eps
    )


JULY = (D("2020-07-01"), D("2020-07-31"))
TODAY = D("2021-12-31")


def month(*clients: ClientFacts, today: date = TODAY) -> dict:  # type: ignore[type-arg]
    return counting.month_report(Inputs(clients), *JULY, today)


def test_an_episode_touching_the_month_by_one_day_counts() -> None:
    ends_on_first = client("A", [("2020-04-01", "2020-07-01", "eligibility-ended")])
    starts_on_last = client("B", [("2020-07-31", None, None)])
    ended_before = client("C", [("2020-04-01", "2020-06-30", "left-latvia")])
    starts_after = client("D", [("2020-08-01", None, None)])
    never = client("E", [])
    fig = month(ends_on_first, starts_on_last, ended_before, starts_after, never)
    assert (fig["served"], fig["new"], fig["continuing"]) == (2, 1, 1)
    assert fig["exits"]["left-latvia"] == 0  # the exit on 30.06 belongs to June


def test_an_exit_on_the_last_day_counts_in_the_month_and_the_next_episode_start_does_not_resume() -> None:
    c = client("A", [("2020-05-01", "2020-07-31", "declined")])
    fig = month(c)
    assert (fig["served"], fig["exits"]["declined"]) == (1, 1)
    assert month(c, today=D("2020-07-30"))["exits"]["declined"] == 0  # not happened yet


def test_new_wins_over_resumed_and_resumed_over_continuing() -> None:
    both = client("A", [("2020-07-01", "2020-07-05", "other"), ("2020-07-20", None, None)])
    resumed = client("B", [("2020-01-01", "2020-04-01", "eligibility-ended"), ("2020-07-20", None, None)])
    fig = month(both, resumed)
    assert (fig["new"], fig["resumed"], fig["continuing"]) == (1, 1, 0)


def test_age_on_the_last_served_day_of_the_month() -> None:
    # Turns 18 on 15.07: a man if served on or after that day, a child if served only before it.
    late = client("A", [("2020-06-01", None, None)], born="2002-07-15")
    early = client("B", [("2020-06-01", "2020-07-14", "left-latvia")], born="2002-07-15")
    fig = month(late, early)
    assert (fig["men"], fig["children"]) == (1, 1)
    assert fig["average_age"] == {"women": None, "men": 18.0}


def test_residence_and_status_on_the_last_served_day() -> None:
    granted = (StatusEvent(D("2020-07-10"), "granted", "refugee"),)
    left_before_move = client(
        "A", [("2020-06-01", "2020-07-15", "left-latvia")], events=granted, moves=((D("2020-07-20"), "riga"),)
    )
    fig = month(left_before_move)
    assert fig["by_residence"] == {"mucenieki": 1, "riga": 0}
    assert fig["by_status"] == {"asylum-seeker": 0, "refugee": 1, "alternative": 0}
    assert fig["decisions"]["refugee"] == 1


def test_awaiting_court_is_read_on_the_month_end() -> None:
    appealed = (StatusEvent(D("2020-06-01"), "refused"), StatusEvent(D("2020-06-05"), "appealed"))
    decided = (*appealed, StatusEvent(D("2020-07-31"), "court", "positive"))
    fig = month(
        client("A", [("2020-05-01", None, None)], events=appealed),
        client("B", [("2020-05-01", None, None)], events=decided),
    )
    assert fig["awaiting_court"] == 1
    assert fig["decisions"]["court-positive"] == 1


def test_families_need_two_counted_members() -> None:
    fig = counting.period_report(
        Inputs(
            (
                client("A", [("2020-07-01", None, None)], family="F1"),
                client("B", [("2020-07-01", None, None)], family="F1"),
                client("C", [("2020-07-01", None, None)], family="F2"),
                client("D", [("2020-09-01", None, None)], family="F2"),  # not served in the period
                client("E", [("2020-07-01", None, None)]),
            )
        ),
        *JULY,
        TODAY,
    )
    assert (fig["families"], fig["individuals"]) == (1, 2)  # C, whose relative was not served, and E


def test_staff_and_activities() -> None:
    staff = (
        counting.StaffFacts("social-worker", D("2020-07-31"), None),
        counting.StaffFacts("social-worker", D("2019-01-01"), D("2020-06-30")),
        counting.StaffFacts("mentor", D("2019-01-01"), D("2020-07-01")),
    )
    acts = (
        counting.ActivityFacts(D("2020-07-01"), "interpreter"),
        counting.ActivityFacts(D("2020-07-31"), "interpreter", 3),
        counting.ActivityFacts(D("2020-08-01"), "interpreter"),
    )
    fig = counting.month_report(Inputs((), staff, acts, ("interpreter", "psychologist")), *JULY, TODAY)
    assert fig["staff"] == {"social_workers": 1, "mentors": 1}
    assert fig["activities"] == {"interpreter": 4, "psychologist": 0}


@pytest.mark.parametrize(
    ("n", "text"),
    [
        (0, "0 klienti"),
        (1, "1 klients"),
        (2, "2 klienti"),
        (11, "11 klienti"),
        (12, "12 klienti"),
        (19, "19 klienti"),
        (21, "21 klients"),
        (22, "22 klienti"),
        (31, "31 klients"),
        (61, "61 klients"),
        (101, "101 klients"),
        (111, "111 klienti"),
        (211, "211 klienti"),
        (1001, "1001 klients"),
    ],
)
def test_latvian_number_agreement(n: int, text: str) -> None:
    assert count(n, CLIENT) == text


def test_latvian_children_and_months() -> None:
    assert (count(21, CHILD), count(11, CHILD), count(3, CHILD)) == ("21 bērns", "11 bērni", "3 bērni")
    assert (MONTHS_LOCATIVE[0], MONTHS_LOCATIVE[6], MONTHS_LOCATIVE[11]) == ("janvārī", "jūlijā", "decembrī")


def test_invoice_amounts_are_exact_decimals() -> None:
    terms = {
        "invoice_rule": "per-client",
        "rate_per_client": "0.10",
        "rate_per_social_worker": "0",
        "rate_per_mentor": "0",
        "complexity_weights": ["1", "1.5", "2"],
    }
    served = tuple(client(c, [("2020-07-01", None, None)]) for c in "ABC")
    fig = counting.invoice_report(Inputs(served), {}, *JULY, TODAY, terms)
    assert fig["amount"] == "0.30"  # 3 x 0.1 in floats is 0.30000000000000004


@pytest.mark.parametrize(
    ("key", "text", "says"),
    [
        ("invoice_rule", "per-hour", "not one of per-client, per-staff"),
        ("rate_per_client", "abc", "not a non-negative number"),
        ("rate_per_client", "-5", "not a non-negative number"),
        ("rate_per_client", "60.005", "more than two decimals"),
        ("complexity_weights", "1,2", "three weights"),
    ],
)
def test_invoice_policy_values_are_checked(key: str, text: str, says: str) -> None:
    with pytest.raises(InputError, match=says):
        parse_value(key, text)


def test_invoice_policy_values_parse() -> None:
    assert parse_value("rate_per_client", "60") == "60.00"
    assert parse_value("complexity_weights", "1, 1.25, 2") == ["1", "1.25", "2"]
    assert parse_value("invoice_rule", "per-staff") == "per-staff"


# --- properties ------------------------------------------------------------------------------

BASE = date(2020, 1, 1)


@st.composite
def client_facts(draw: st.DrawFn, code: str) -> ClientFacts:
    """A client with up to three episodes, each after the previous, some still open."""
    episodes = []
    day = BASE + timedelta(days=draw(st.integers(0, 300)))
    for i in range(draw(st.integers(0, 3))):
        length = draw(st.integers(0, 200))
        is_open = i == 2 or draw(st.booleans())
        end = None if is_open else day + timedelta(days=length)
        reason = None if is_open else draw(st.sampled_from(["left-latvia", "declined", "eligibility-ended", "other"]))
        episodes.append(Episode(day, end, reason, first=i == 0))
        if end is None:
            break
        day = end + timedelta(days=draw(st.integers(1, 60)))
    moves = tuple(
        sorted(
            (BASE + timedelta(days=d), p)
            for d, p in draw(
                st.lists(st.tuples(st.integers(0, 500), st.sampled_from(["riga", "mucenieki", "cesis"])), max_size=2)
            )
        )
    )
    grant = draw(st.none() | st.integers(0, 500))
    events = (
        ()
        if grant is None
        else (StatusEvent(BASE + timedelta(days=grant), "granted", draw(st.sampled_from(["refugee", "alternative"]))),)
    )
    return ClientFacts(
        code=code,
        sex=draw(st.sampled_from(["F", "M"])),
        born=date(draw(st.integers(1950, 2019)), draw(st.integers(1, 12)), draw(st.integers(1, 28))),
        country=draw(st.sampled_from(["SY", "AF", "IQ"])),
        route=draw(st.sampled_from(["relocation", "independent"])),
        family=draw(st.none() | st.sampled_from(["F1", "F2", "F3"])),
        residence="mucenieki",
        moves=moves,
        legal=LegalTimeline(BASE, events),
        episodes=tuple(episodes),
    )


@st.composite
def caseloads(draw: st.DrawFn) -> tuple[list[ClientFacts], date, date, date]:
    n = draw(st.integers(0, 25))
    clients = [draw(client_facts(f"C{i}")) for i in range(n)]
    first = BASE + timedelta(days=draw(st.integers(0, 400)))
    last = first + timedelta(days=draw(st.integers(0, 200)))
    today = BASE + timedelta(days=draw(st.integers(0, 700)))
    return clients, first, last, today


def _sums(fig: dict, whole: int) -> None:  # type: ignore[type-arg]
    assert fig["women"] + fig["men"] + fig["children"] == whole
    for key in ("by_country", "by_residence", "by_route", "by_status"):
        assert sum(fig[key].values()) == whole, key
    assert fig["new"] + fig["resumed"] + fig["continuing"] + fig["taken_over"] == whole


@pytest.mark.slow
@settings(max_examples=150, deadline=None)
@given(caseloads())
def test_parts_sum_to_the_whole(case: tuple[list[ClientFacts], date, date, date]) -> None:
    clients, first, last, today = case
    fig = counting.period_report(Inputs(clients), first, last, today)
    _sums(fig, fig["served"])
    assert fig["unique_persons"] == fig["served"]
    monthly = list(fig["monthly"].values())
    assert max(monthly) <= fig["unique_persons"] <= sum(monthly)
    assert fig["individuals"] + 2 * fig["families"] <= fig["served"]
    end = fig["active_at_end"]
    assert end["served"] <= fig["served"]
    for key in ("by_residence", "by_route", "by_status"):
        assert sum(end[key].values()) == end["served"]
    assert sum(fig["exits"].values()) == sum(sum(r.values()) for r in fig["exits_by_route"].values())
    # The one-pass monthly count agrees with the definition, month by month.
    for m_first, m_last in months_between(first, last):
        assert fig["monthly"][m_first.strftime("%Y-%m")] == len(counting.served(clients, m_first, m_last, today))
    month_fig = counting.month_report(Inputs(clients), first, last, today)
    _sums(month_fig, month_fig["served"])
