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
from typing import TYPE_CHECKING, Any, NamedTuple

from mentorcli.core.errors import InputError
from mentorcli.core.messages import N_
from mentorcli.core.numbers import CASELOAD, POLICY_DAYS, POLICY_MONTHS, SUPPRESSION, parse_int

if TYPE_CHECKING:
    from decimal import Decimal

UNTIL_STATUS = "until-status"
GRANTABLE = ("refugee", "alternative", "temporary-protection")
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
    # Payment terms for `report invoice`. The seeds give only totals paid (seed 004), so these
    # rates are placeholders the coordinator replaces with the contract's (`policy set`).
    "invoice_rule": "per-client",
    "rate_per_client": "60.00",
    "rate_per_social_worker": "1200.00",
    "rate_per_mentor": "900.00",
    "complexity_weights": ["1", "1.5", "2"],
    # `report --public` hides counts from 1 to this (SPEC 10 "Publishing"; seed 004's confidentiality).
    "suppression_threshold": 4,
}
INVOICE_RULES = ("per-client", "per-staff")
MAX_AMOUNT = 1_000_000  # EUR a rate, or a complexity weight
_BOUNDS = {
    "asylum_seeker_months": POLICY_MONTHS,
    "status_months": POLICY_MONTHS,
    "mucenieki_stay_days": POLICY_DAYS,
    "caseload_max_social_worker": CASELOAD,
    "caseload_max_mentor": CASELOAD,
    "caseload_min_social_worker": CASELOAD,
    "caseload_min_mentor": CASELOAD,
    "suppression_threshold": SUPPRESSION,
}
_MONEY_KEYS = ("rate_per_client", "rate_per_social_worker", "rate_per_mentor")

DESCRIPTIONS = {
    "asylum_seeker_months": "months of service from arrival for an asylum seeker, or 'until-status'",
    "status_months": "months of service after refugee or alternative status is granted",
    "eligible_statuses": "statuses that open a status window (comma-separated)",
    "caseload_max_social_worker": "most clients a social worker serves at once",
    "caseload_max_mentor": "most clients a mentor serves at once",
    "caseload_min_social_worker": "fewest clients a social worker should serve (a warning)",
    "caseload_min_mentor": "fewest clients a mentor should serve (a warning)",
    "mucenieki_stay_days": "days a status holder may stay in Mucenieki after the decision",
    "invoice_rule": "how a month is paid: per-client (served x rate) or per-staff (staff x rates x complexity)",
    "rate_per_client": "EUR per client served in a month (per-client rule; placeholder default)",
    "rate_per_social_worker": "EUR per social worker on duty in a month (per-staff rule; placeholder default)",
    "rate_per_mentor": "EUR per mentor on duty in a month (per-staff rule; placeholder default)",
    "complexity_weights": "weights of complexity levels 1,2,3 (per-staff rule)",
    "suppression_threshold": "report --public hides counts from 1 to this many persons",
}


def parse_value(key: str, text: str) -> Any:
    """The value of ``key`` from its command-line spelling; refuses what the rules can't use."""
    if key not in DEFAULTS:
        known = ", ".join(sorted(DEFAULTS))
        raise InputError(N_("'{value}' is unknown (known: {known})", value=key, known=known), field="policy key")
    raw = text.strip()
    if key == "eligible_statuses":
        items = [s.strip() for s in raw.split(",") if s.strip()]
        bad = [s for s in items if s not in GRANTABLE]
        if bad:
            raise InputError(
                N_("'{value}' is not a status ({choices})", value=bad[0], choices=", ".join(GRANTABLE)), field=key
            )
        return sorted(set(items))
    if key == "invoice_rule":
        if raw not in INVOICE_RULES:
            raise InputError(
                N_("'{value}' is not one of {choices}", value=text, choices=", ".join(INVOICE_RULES)), field=key
            )
        return raw
    if key in _MONEY_KEYS:
        from decimal import Decimal  # only where an amount is set: every command reads the policy

        amount = _decimal(key, raw)
        if amount != amount.quantize(Decimal("0.01")):
            raise InputError(N_("'{value}' has more than two decimals (EUR and cents)", value=text), field=key)
        return str(amount.quantize(Decimal("0.01")))
    if key == "complexity_weights":
        weights = [_decimal(key, w.strip()) for w in raw.split(",")]
        if len(weights) != 3:
            raise InputError(
                N_("'{value}' needs three weights, for levels 1,2,3 (e.g. 1,1.5,2)", value=text), field=key
            )
        return [str(w) for w in weights]
    if key == "asylum_seeker_months" and raw == UNTIL_STATUS:
        return UNTIL_STATUS
    if key == "asylum_seeker_months" and not text.isdigit():
        raise InputError(
            N_("'{value}' is not a whole number of months or '{until}'", value=text, until=UNTIL_STATUS), field=key
        )
    return parse_int(text, key, _BOUNDS[key])


def _decimal(key: str, text: str) -> Decimal:
    """A non-negative amount as an exact decimal: money must not pick up float rounding."""
    from decimal import Decimal, InvalidOperation

    try:
        # Decimal() also reads other scripts' digits; an amount is typed in 0-9.
        value = Decimal(text) if text.isascii() else Decimal(-1)
    except InvalidOperation:
        value = Decimal(-1)
    if not value.is_finite() or value < 0:
        raise InputError(N_("'{value}' is not a non-negative number (e.g. 60.00)", value=text), field=key)
    # A bound keeps the sums and the rounding to cents exact (Decimal's context has 28 digits).
    if value > MAX_AMOUNT:
        raise InputError(N_("{value} is out of range (0 to {hi})", value=text, hi=MAX_AMOUNT), field=key)
    return value


class Version(NamedTuple):
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


def placeholder_rates(p: Policy) -> list[str]:
    """The rates the payment rule in force uses that are still the shipped placeholders."""
    keys = ("rate_per_client",) if p["invoice_rule"] == "per-client" else ("rate_per_social_worker", "rate_per_mentor")
    return [k for k in keys if p.since[k] == BEGINNING and p[k] == DEFAULTS[k]]


class PolicyHistory:
    """Every version of every key; answers "what was in force on this day"."""

    def __init__(self, versions: Iterable[Version]) -> None:
        by_key: dict[str, list[Version]] = {}
        for v in versions:
            by_key.setdefault(v.key, []).append(v)
        for vs in by_key.values():
            vs.sort(key=lambda v: v.valid_from)
        self._by_key = by_key
        self._on: dict[date, Policy] = {}

    @classmethod
    def default(cls) -> PolicyHistory:
        return cls(Version(k, v, BEGINNING) for k, v in DEFAULTS.items())

    def on(self, day: date) -> Policy:
        # A check of every client, or an import, asks for the same few thousand days a hundred thousand times.
        if (known := self._on.get(day)) is not None:
            return known
        values: dict[str, Any] = {}
        since: dict[str, date] = {}
        for key, default in DEFAULTS.items():
            values[key], since[key] = default, BEGINNING
            for v in self._by_key.get(key, ()):
                if v.valid_from <= day:
                    values[key], since[key] = v.value, v.valid_from
        policy = self._on[day] = Policy(values, since)
        return policy

    def versions(self) -> list[Version]:
        return [v for vs in self._by_key.values() for v in vs]

    def values_of(self, key: str) -> list[Any]:
        """Every value ``key`` has had: the default and each version."""
        return [DEFAULTS[key], *(v.value for v in self._by_key.get(key, ()))]


def dump_value(value: Any) -> str:
    return json.dumps(value)
