"""Dates as the service counts them (SPEC 3.1 terms, SPEC 4 date forms)."""

from __future__ import annotations

import calendar
from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mentorcli.core.dates import add_months, parse_birth, parse_date, parse_month
from mentorcli.core.errors import InputError


@pytest.mark.parametrize(
    ("start", "months", "end"),
    [
        # The examples of SPEC 3.1.
        (date(2020, 3, 10), 3, date(2020, 6, 10)),
        (date(2020, 1, 31), 3, date(2020, 4, 30)),
        (date(2019, 7, 1), 12, date(2020, 7, 1)),
        # Leap days: the month of the end has no such date, or has it only in a leap year.
        (date(2020, 2, 29), 12, date(2021, 2, 28)),
        (date(2019, 8, 31), 6, date(2020, 2, 29)),
        (date(2019, 11, 30), 3, date(2020, 2, 29)),
        (date(2020, 11, 30), 3, date(2021, 2, 28)),
        (date(2020, 2, 29), 48, date(2024, 2, 29)),
        # Across the turn of the year, and the year's last day.
        (date(2020, 10, 15), 3, date(2021, 1, 15)),
        (date(2020, 12, 31), 2, date(2021, 2, 28)),
        (date(2020, 12, 31), 12, date(2021, 12, 31)),
        (date(2020, 5, 31), 1, date(2020, 6, 30)),
        (date(2020, 5, 17), 0, date(2020, 5, 17)),
    ],
)
def test_add_months_follows_the_term_rule(start: date, months: int, end: date) -> None:
    assert add_months(start, months) == end


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2020-07-31", date(2020, 7, 31)),
        ("31.07.2020", date(2020, 7, 31)),
        ("1.7.2020", date(2020, 7, 1)),
        ("2020-7-1", date(2020, 7, 1)),
        (" 29.02.2020 ", date(2020, 2, 29)),
    ],
)
def test_parse_date_reads_iso_and_latvian_forms(text: str, expected: date) -> None:
    assert parse_date(text) == expected


@pytest.mark.parametrize(
    "text",
    ["31.02.2020", "2021-02-29", "2020-13-01", "00.01.2020", "2020/07/31", "", "yesterday", "2020-07", "31-07-2020"],
)
def test_parse_date_refuses_what_is_not_a_real_date(text: str) -> None:
    with pytest.raises(InputError) as e:
        parse_date(text, "--arrived")
    message = str(e.value)
    assert message.startswith("--arrived: ")
    assert repr(text) in message or f"'{text}'" in message
    assert "\n" not in message


def test_parse_birth_takes_a_year_alone_as_the_first_of_january() -> None:
    assert parse_birth("1987") == (date(1987, 1, 1), True)
    assert parse_birth("1987-05-03") == (date(1987, 5, 3), False)
    assert parse_birth("03.05.1987") == (date(1987, 5, 3), False)
    with pytest.raises(InputError, match=r"^born: "):
        parse_birth("87")


@pytest.mark.parametrize(
    ("text", "first", "last"),
    [
        ("2020-07", date(2020, 7, 1), date(2020, 7, 31)),
        ("2020-02", date(2020, 2, 1), date(2020, 2, 29)),
        ("2019-02", date(2019, 2, 1), date(2019, 2, 28)),
        ("07.2020", date(2020, 7, 1), date(2020, 7, 31)),
        ("2020-12", date(2020, 12, 1), date(2020, 12, 31)),
    ],
)
def test_parse_month_gives_its_first_and_last_day(text: str, first: date, last: date) -> None:
    assert parse_month(text) == (first, last)


@pytest.mark.parametrize("text", ["2020-13", "2020-00", "2020", "July 2020", "2020-07-01"])
def test_parse_month_refuses_what_is_not_a_month(text: str) -> None:
    with pytest.raises(InputError, match=r"^--served-in: "):
        parse_month(text, "--served-in")


days = st.dates(min_value=date(1950, 1, 1), max_value=date(2090, 12, 31))
terms = st.integers(min_value=0, max_value=60)


@given(days, terms)
def test_add_months_ends_on_the_corresponding_day_or_the_last_of_the_month(d: date, n: int) -> None:
    end = add_months(d, n)
    months = d.year * 12 + d.month - 1 + n
    assert end.year * 12 + end.month - 1 == months, "not in the month the term ends in"
    assert end.day <= d.day
    last = calendar.monthrange(end.year, end.month)[1]
    assert end.day == (d.day if d.day <= last else last)


@given(days, days, terms)
def test_add_months_is_monotone_in_the_start(a: date, b: date, n: int) -> None:
    first, second = sorted((a, b))
    assert add_months(first, n) <= add_months(second, n)


def _add_months_by_hand(start: date, months: int) -> date:
    """The month arithmetic the tool used before dateutil (kept here as the yardstick)."""
    total = start.month - 1 + months
    year, month = start.year + total // 12, total % 12 + 1
    return date(year, month, min(start.day, calendar.monthrange(year, month)[1]))


@pytest.mark.slow
def test_add_months_gives_the_dates_it_always_gave_2015_to_2030() -> None:
    """Moving to dateutil.relativedelta changed no date: every day of 2015-2030, the usual terms."""
    day, last = date(2015, 1, 1), date(2030, 12, 31)
    changed = []
    while day <= last:
        changed += [
            (day, n) for n in (*range(25), 36, 48, 60, 120) if add_months(day, n) != _add_months_by_hand(day, n)
        ]
        day += timedelta(days=1)
    assert changed == []
