"""Dates as the service counts them: parsing the accepted forms, and terms in months."""

from __future__ import annotations

import calendar
import re
from datetime import date, timedelta

from mentorcli.core.errors import InputError

ONE_DAY = timedelta(days=1)

_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
_LV = re.compile(r"^(\d{1,2})\.(\d{1,2})\.(\d{4})\.?$")
_MONTH = re.compile(r"^(\d{4})-(\d{1,2})$")
_YEAR = re.compile(r"^(\d{4})$")


def _make(field: str, text: str, y: int, m: int, d: int) -> date:
    try:
        return date(y, m, d)
    except ValueError:
        raise InputError(f"{field}: '{text}' is not a real date") from None


def parse_date(text: str, field: str = "date") -> date:
    """Read ``2020-07-31`` or the Latvian ``31.07.2020``."""
    s = text.strip()
    if m := _ISO.match(s):
        return _make(field, text, int(m[1]), int(m[2]), int(m[3]))
    if m := _LV.match(s):
        return _make(field, text, int(m[3]), int(m[2]), int(m[1]))
    raise InputError(f"{field}: '{text}' is not a date (use 2020-07-31 or 31.07.2020)")


def parse_birth(text: str, field: str = "born") -> tuple[date, bool]:
    """A full birth date, or a year alone (then 1 January). Returns (date, year_only)."""
    s = text.strip()
    if m := _YEAR.match(s):
        return _make(field, text, int(m[1]), 1, 1), True
    return parse_date(text, field), False


def parse_month(text: str, field: str = "month") -> tuple[date, date]:
    """``2020-07`` (or ``07.2020``) as the first and last day of that month."""
    s = text.strip()
    m = _MONTH.match(s) or re.match(r"^(\d{1,2})\.(\d{4})$", s)
    if not m:
        raise InputError(f"{field}: '{text}' is not a month (use 2020-07)")
    y, mo = (int(m[1]), int(m[2])) if "-" in s else (int(m[2]), int(m[1]))
    if not 1 <= mo <= 12:
        raise InputError(f"{field}: '{text}' is not a month (use 2020-07)")
    first = _make(field, text, y, mo, 1)
    return first, month_end(first)


def month_end(d: date) -> date:
    return d.replace(day=calendar.monthrange(d.year, d.month)[1])


_MONTH_DAYS = (0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


def add_months(start: date, months: int) -> date:
    """The last day of a term of ``months`` months that starts with the event on ``start``.

    Administratīvā procesa likums, sections 42-43: counting starts the day after the event and
    the term ends on the corresponding date of its last month; where that month has no such
    date (31 January + 3 months), on the last day of that month.
    """
    total = start.month - 1 + months
    year, month = start.year + total // 12, total % 12 + 1
    last = 29 if month == 2 and calendar.isleap(year) else _MONTH_DAYS[month]
    return date(year, month, min(start.day, last))


def add_days(start: date, days: int) -> date:
    return start + timedelta(days=days)


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
