"""Dates as the service counts them: parsing the accepted forms, and terms in months."""

from __future__ import annotations

import calendar
import re
from datetime import date, timedelta
from typing import NamedTuple

from mentorcli.core.errors import InputError
from mentorcli.core.messages import N_
from mentorcli.core.numbers import YEARS

ONE_DAY = timedelta(days=1)

# [0-9], not \d: \d also matches other scripts' digits (١٢), which no date here is written in.
_ISO = re.compile(r"^([0-9]{4})-([0-9]{1,2})-([0-9]{1,2})$")
_LV = re.compile(r"^([0-9]{1,2})\.([0-9]{1,2})\.([0-9]{4})\.?$")
_MONTH = re.compile(r"^([0-9]{4})-([0-9]{1,2})$")
_LV_MONTH = re.compile(r"^([0-9]{1,2})\.([0-9]{4})$")
_YEAR = re.compile(r"^([0-9]{4})$")
# Every date the tool reads lies in these years: events, births, report periods, "today". The
# bounds keep every computed date (a term's end, today + --within) inside what Python can hold.
FIRST_YEAR, LAST_YEAR = YEARS


def _make(field: str, text: str, y: int, m: int, d: int) -> date:
    if not FIRST_YEAR <= y <= LAST_YEAR:
        raise InputError(
            N_("'{value}': the year must be {first} to {last}", value=text, first=FIRST_YEAR, last=LAST_YEAR),
            field=field,
        )
    try:
        return date(y, m, d)
    except ValueError:
        raise InputError(N_("'{value}' is not a real date", value=text), field=field) from None


def parse_date(text: str, field: str = "date") -> date:
    """Read ``2020-07-31`` or the Latvian ``31.07.2020``."""
    s = text.strip()
    if m := _ISO.match(s):
        return _make(field, text, int(m[1]), int(m[2]), int(m[3]))
    if m := _LV.match(s):
        return _make(field, text, int(m[3]), int(m[2]), int(m[1]))
    raise InputError(N_("'{value}' is not a date (use 2020-07-31 or 31.07.2020)", value=text), field=field)


def parse_birth(text: str, field: str = "born") -> tuple[date, bool]:
    """A full birth date, or a year alone (then 1 January). Returns (date, year_only)."""
    s = text.strip()
    if m := _YEAR.match(s):
        return _make(field, text, int(m[1]), 1, 1), True
    return parse_date(text, field), False


def parse_month(text: str, field: str = "month") -> tuple[date, date]:
    """``2020-07`` (or ``07.2020``) as the first and last day of that month."""
    s = text.strip()
    m = _MONTH.match(s) or _LV_MONTH.match(s)
    if not m:
        raise InputError(N_("'{value}' is not a month (use 2020-07)", value=text), field=field)
    y, mo = (int(m[1]), int(m[2])) if "-" in s else (int(m[2]), int(m[1]))
    if not 1 <= mo <= 12:
        raise InputError(N_("'{value}' is not a month (use 2020-07)", value=text), field=field)
    first = _make(field, text, y, mo, 1)
    return first, month_end(first)


def within(day: date, start: date, end: date | None) -> bool:
    """``day`` is one of the days ``start..end``, both included (``Period.contains``, for loops
    over many spans that are not Periods themselves)."""
    return start <= day and (end is None or day <= end)


class Period(NamedTuple):
    """Days from ``start`` to ``end``, both included; ``end`` None: no end known yet.

    The one date-range type: windows, episodes, assignments and staff periods are read with it,
    so that "on day D" and "in a month" mean the same everywhere (SPEC 3.1, day boundaries).
    """

    start: date
    end: date | None = None

    def contains(self, day: date) -> bool:
        return within(day, self.start, self.end)

    def overlaps(self, first: date, last: date) -> bool:
        """Some day of ``first..last`` is a day of this period."""
        return self.start <= last and (self.end is None or self.end >= first)

    def covers(self, other: Period) -> bool:
        """Every day of ``other`` is a day of this period."""
        if other.start < self.start:
            return False
        if self.end is None:
            return True
        return other.end is not None and other.end <= self.end


def month_end(d: date) -> date:
    return d.replace(day=calendar.monthrange(d.year, d.month)[1])


_MONTH_DAYS = (0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


def add_months(start: date, months: int) -> date:
    """The last day of a term of ``months`` months that starts with the event on ``start``.

    Administratīvā procesa likums, sections 42-43: counting starts the day after the event and
    the term ends on the corresponding date of its last month; where that month has no such
    date (31 January + 3 months), on the last day of that month.
    """
    # Clipped to the month's last day exactly as the law reads (31.01 + 1 month: 29.02); plain
    # arithmetic rather than relativedelta, which costs its import on every start and 5x per call.
    total = start.month - 1 + months
    year, month = start.year + total // 12, total % 12 + 1
    last = 29 if month == 2 and calendar.isleap(year) else _MONTH_DAYS[month]
    return date(year, month, min(start.day, last))


def months_between(first: date, last: date) -> list[tuple[date, date]]:
    """The calendar months from ``first`` to ``last``, each cut to the period."""
    out = []
    cur = first
    while cur <= last:
        end = min(month_end(cur), last)
        out.append((cur, end))
        cur = end + ONE_DAY
    return out


def age_on(born: date, day: date) -> int:
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


def fmt_lv(d: date) -> str:
    return d.strftime("%d.%m.%Y")
