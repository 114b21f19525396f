"""Whole numbers as the user types them: the one place that reads them, and their bounds.

Only ASCII digits count: Python's ``int()`` also reads ``١٢``, `` 7`` and ``1_000`` and fails on
``²``, which a command line or a CSV cell must not smuggle in. Every bound is documented in
docs/usage.md ("Numbers and dates").
"""

from __future__ import annotations

from mentorcli.core.errors import InputError
from mentorcli.core.messages import N_

MINUTES = (1, 24 * 60)  # one activity, at most a day
WITHIN_DAYS = (0, 3660)  # `due --within`: ten years ahead
POLICY_MONTHS = (1, 120)  # asylum_seeker_months, status_months
POLICY_DAYS = (0, 365)  # mucenieki_stay_days
CASELOAD = (0, 10_000)  # caseload minimums and maximums
SUPPRESSION = (1, 99)  # suppression_threshold: report --public hides counts 1..T
PORTS = (1024, 65535)  # `db serve --port`: not a port only root may open
FORECAST_WEEKS = (1, 104)  # `report forecast --weeks`: two years ahead
FAMILY = (1, 120)  # `report forecast --family-size`: at most a social worker's whole caseload
YEARS = (1900, 2100)  # a year of a report, an event or a birth
ROW_ID = (1, 2**63 - 1)  # a goal's number: a row id (store.ids.new_id), SQLite's largest integer


def parse_int(text: str, field: str, bounds: tuple[int, int]) -> int:
    """``text`` as a whole number within ``bounds`` (inclusive); refuses anything else."""
    lo, hi = bounds
    if not (text.isascii() and text.isdigit()):
        raise InputError(
            N_("'{value}' is not a whole number ({lo} to {hi}, digits 0-9 only)", value=text, lo=lo, hi=hi), field=field
        )
    # A number longer than the bound is out of range however it reads (and int() of 5,000
    # digits is refused by Python itself).
    if len(text.lstrip("0")) > len(str(hi)) or not lo <= int(text) <= hi:
        raise InputError(N_("{value} is out of range ({lo} to {hi})", value=text, lo=lo, hi=hi), field=field)
    return int(text)
