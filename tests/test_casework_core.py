"""The pure rules of the casework: names, checks, and the caseload check against brute force."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from mentorcli.core.casework import (
    Caseload,
    Period,
    caseload_state,
    check_minutes,
    check_name,
    check_type_name,
    first_overload,
)
from mentorcli.core.errors import InputError
from mentorcli.core.policy import PolicyHistory, Version

D0 = date(2020, 1, 1)


def test_names_keep_latvian_letters_in_one_spelling() -> None:
    assert check_name("  Anna   Bērziņa ") == "Anna Bērziņa"
    assert check_name("A\u0304dams") == "Ādams"  # a + combining macron is ā
    with pytest.raises(InputError, match="name: a name is needed"):
        check_name(" ")
    with pytest.raises(InputError, match="is not a name"):
        check_name("Anna; DROP TABLE")


@pytest.mark.parametrize("text", ["job-fair", "a", "nva2"])
def test_type_names_accepted(text: str) -> None:
    assert check_type_name(text) == text


@pytest.mark.parametrize("text", ["Job", "job fair", "-job", "job-", "job--fair", ""])
def test_type_names_refused(text: str) -> None:
    with pytest.raises(InputError):
        check_type_name(text)


def test_minutes() -> None:
    assert check_minutes("") is None and check_minutes("90") == 90
    for bad in ("0", "-5", "1441", "1.5", "abc"):
        with pytest.raises(InputError):
            check_minutes(bad)


def test_caseload_state_boundaries() -> None:
    assert [caseload_state(n, 10, 20) for n in (9, 10, 20, 21)] == ["under-minimum", "ok", "ok", "over-maximum"]


def test_period_covers() -> None:
    staff = Period(D0, date(2020, 12, 31))
    assert staff.covers(Period(D0, date(2020, 12, 31)))
    assert not staff.covers(Period(D0, None))  # an open assignment outlives a staff member who ends
    assert Period(D0).covers(Period(date(2021, 1, 1)))
    assert not staff.covers(Period(date(2019, 12, 31), D0))


periods = st.builds(
    lambda s, n: Period(D0 + timedelta(days=s), None if n is None else D0 + timedelta(days=s + n)),
    st.integers(0, 40),
    st.none() | st.integers(0, 20),
)


@given(
    new=periods,
    others=st.lists(periods, max_size=12),
    maximum=st.integers(0, 6),
    # The maximum drops (or rises) on a day inside most new periods.
    change=st.none() | st.tuples(st.integers(0, 50), st.integers(0, 3)),
)
# The maximum drops in the middle of the new period; another period starts after the new one's first day.
@example(new=Period(D0, D0 + timedelta(days=10)), others=[], maximum=1, change=(5, 0))
@example(new=Period(D0), others=[Period(D0 + timedelta(days=3), D0 + timedelta(days=4))], maximum=1, change=None)
def test_first_overload_is_the_first_day_a_day_by_day_count_finds(
    new: Period, others: list[Period], maximum: int, change: tuple[int, int] | None
) -> None:
    versions = [Version("caseload_max_mentor", maximum, date(1900, 1, 1))]
    if change:
        versions.append(Version("caseload_max_mentor", change[1], D0 + timedelta(days=change[0])))
    policies = PolicyHistory(versions)
    last = new.end or D0 + timedelta(days=120)  # beyond every start and policy change generated
    expected = None
    day = new.start
    while day <= last:
        load = 1 + sum(p.contains(day) for p in others)
        limit = int(policies.on(day)["caseload_max_mentor"])
        if load > limit:
            expected = (day, load, limit)
            break
        day += timedelta(days=1)
    got = first_overload("mentor", new, others, policies)
    assert (None if got is None else (got.day, got.load, got.maximum)) == expected


@given(
    spans=st.lists(periods, max_size=12),
    maximum=st.integers(0, 4),
    lowered=st.none() | st.tuples(st.integers(0, 50), st.integers(0, 3)),
)
# The maximum drops on a day when no assignment starts: only the policy's own day finds it.
@example(spans=[Period(D0), Period(D0)], maximum=2, lowered=(10, 1))
def test_every_overload_day_db_check_reports_is_one_a_day_by_day_count_finds(
    spans: list[Period], maximum: int, lowered: tuple[int, int] | None
) -> None:
    versions = [Version("caseload_max_mentor", maximum, date(1900, 1, 1))]
    if lowered:
        versions.append(Version("caseload_max_mentor", lowered[1], D0 + timedelta(days=lowered[0])))
    policies = PolicyHistory(versions)
    over = {
        day: (load, limit)
        for day in (D0 + timedelta(days=n) for n in range(120))
        if (load := sum(p.contains(day) for p in spans)) > (limit := int(policies.on(day)["caseload_max_mentor"]))
    }
    got = list(Caseload(spans).over_maximum("mentor", policies))
    assert all(over[o.day] == (o.load, o.maximum) for o in got)
    # The first day over the maximum is always among them: db check misses no overloaded staff member.
    assert (got[0].day if got else None) == min(over, default=None)
