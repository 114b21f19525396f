"""The rules of the contract as data: durations, eligible statuses, caseload limits.

A policy is a set of keys; each key has versions that start on a date. The value in force on a
day is the latest version that started on or before it. Default values are those of the 2016
SIF contract (``sif-2016``), read from seeds 000, 001 and 004.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from mentorcli.core.errors import InputError

UNTIL_STATUS = "until-status"
GRANTABLE = ("refugee", "alternative", "temporary-protection")
POLICY_NAME = "sif-2016"
# The earliest date a version can start from: the defaults are in force since "always".
BEGINNING = date(1900, 1, 1)

DEFAULTS: dict[str, Any] = {
    "asylum_seeker_months": 3,
    "status_months": 12,
    "eligible_statuses": ["refugee", "alternative"],
    "caseload_max_social_worker": 120,
    "caseload_max_mentor": 20,
    "caseload_min_social_worker": 30,
    "caseload_min_mentor": 10,
    "mucenieki_stay_days": 15,
}

DESCRIPTIONS = {
    "asylum_seeker_months": "months of service from arrival for an asylum seeker, or 'until-status'",
    "status_months": "months of service after refugee or alternative status is granted",
    "eligible_statuses": "statuses that open a status window (comma-separated)",
    "caseload_max_social_worker": "most clients a social worker serves at once",
    "caseload_max_mentor": "most clients a mentor serves at once",
    "caseload_min_social_worker": "fewest clients a social worker should serve (a warning)",
    "caseload_min_mentor": "fewest clients a mentor should serve (a warning)",
    "mucenieki_stay_days": "days a status holder may stay in Mucenieki after the decision",
}


def parse_value(key: str, text: str) -> Any:
    """The value of ``key`` from its command-line spelling; refuses what the rules can't use."""
    if key not in DEFAULTS:
        known = ", ".join(sorted(DEFAULTS))
        raise InputError(f"policy key: '{key}' is unknown (known: {known})")
    raw = text.strip()
    if key == "eligible_statuses":
        items = [s.strip() for s in raw.split(",") if s.strip()]
        bad = [s for s in items if s not in GRANTABLE]
        if bad:
            raise InputError(f"{key}: '{bad[0]}' is not a status ({', '.join(GRANTABLE)})")
        return sorted(set(items))
    if key == "asylum_seeker_months" and raw == UNTIL_STATUS:
        return UNTIL_STATUS
    if not raw.isdigit():
        extra = f" or '{UNTIL_STATUS}'" if key == "asylum_seeker_months" else ""
        raise InputError(f"{key}: '{text}' is not a whole number{extra}")
    return int(raw)


@dataclass(frozen=True)
class Version:
    key: str
    value: Any
    valid_from: date


@dataclass(frozen=True)
class Policy:
    """The values in force on one day, with the date each value has been in force since."""

    values: Mapping[str, Any]
    since: Mapping[str, date]

    def __getitem__(self, key: str) -> Any:
        return self.values[key]

    @property
    def asylum_seeker_months(self) -> int | None:
        v = self.values["asylum_seeker_months"]
        return None if v == UNTIL_STATUS else int(v)

    @property
    def status_months(self) -> int:
        return int(self.values["status_months"])

    @property
    def eligible_statuses(self) -> frozenset[str]:
        return frozenset(self.values["eligible_statuses"])


class PolicyHistory:
    """Every version of every key; answers "what was in force on this day"."""

    def __init__(self, versions: Iterable[Version]) -> None:
        by_key: dict[str, list[Version]] = {}
        for v in versions:
            by_key.setdefault(v.key, []).append(v)
        for vs in by_key.values():
            vs.sort(key=lambda v: v.valid_from)
        self._by_key = by_key

    @classmethod
    def default(cls) -> PolicyHistory:
        return cls(Version(k, v, BEGINNING) for k, v in DEFAULTS.items())

    def on(self, day: date) -> Policy:
        values: dict[str, Any] = {}
        since: dict[str, date] = {}
        for key, default in DEFAULTS.items():
            values[key], since[key] = default, BEGINNING
            for v in self._by_key.get(key, ()):
                if v.valid_from <= day:
                    values[key], since[key] = v.value, v.valid_from
        return Policy(values, since)

    def versions(self) -> list[Version]:
        return [v for vs in self._by_key.values() for v in vs]


def dump_value(value: Any) -> str:
    return json.dumps(value)
