"""compute() checked against a brute-force, day-by-day reading of SPEC 3.1.

The reference below is written from the SPEC alone: it walks the calendar one day at a time and
decides for each day whether the client is eligible and whether they are served. It does not call
the code under test (not even its date arithmetic), so the two can disagree.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from itertools import pairwise
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mentorcli.core.eligibility import ServiceEvent, Timeline, Window, compute
from mentorcli.core.errors import InputError
from mentorcli.core.legal import StatusEvent
from mentorcli.core.policy import PolicyHistory, Version

DAY = timedelta(days=1)
ENDS_ALL = ("left-latvia", "final-refusal")
OTHER_EXITS = ("declined", "non-compliance", "other")
DEFAULT: dict[str, Any] = {
    "asylum_seeker_months": 3,
    "status_months": 12,
    "eligible_statuses": ["refugee", "alternative"],
}


# --- the reference ------------------------------------------------------------------------


@dataclass(frozen=True)
class Rule:
    """One version of a policy key, in force from ``since``."""

    key: str
    value: Any
    since: date


def rule_on(rules: Sequence[Rule], key: str, day: date) -> Any:
    value, since = DEFAULT[key], None
    for r in rules:
        if r.key == key and r.since <= day and (since is None or r.since >= since):
            value, since = r.value, r.since
    return value


def last_day_of_term(start: date, months: int) -> date:
    """SPEC 3.1: the corresponding date of the last month, else that month's last day."""
    year, month0 = divmod(start.year * 12 + start.month - 1 + months, 12)
    day = start.day
    while True:
        try:
            return date(year, month0 + 1, day)
        except ValueError:
            day -= 1


class Refused(Exception):
    pass


@dataclass(frozen=True)
class Outcome:
    eligible: frozenset[date]
    served: frozenset[date]
    episodes: tuple[tuple[date, date | None, str | None], ...]
    windows: tuple[tuple[str, date, date | None], ...]
    eligible_until: date | None  # None: still eligible on the horizon (no end known)
    horizon: date


def first_eligible_grant(status: Sequence[StatusEvent], rules: Sequence[Rule]) -> StatusEvent | None:
    """SPEC 3.1: only a status listed in eligible_statuses on its day counts; later grants
    (an upgrade to refugee status) do not move the window."""
    return next(
        (e for e in status if e.event == "granted" and e.value in rule_on(rules, "eligible_statuses", e.date)), None
    )


def horizon_of(arrival: date, status: Sequence[StatusEvent], service: Sequence[ServiceEvent]) -> date:
    last = max([arrival, *(e.date for e in status), *(e.date for e in service)])
    return last + timedelta(days=3 * 366)


def reference(
    arrival: date, status: Sequence[StatusEvent], service: Sequence[ServiceEvent], rules: Sequence[Rule]
) -> Outcome:
    horizon = horizon_of(arrival, status, service)
    grant = first_eligible_grant(status, rules)
    final = next((e.date for e in status if e.event == "final-refusal"), None)

    as_months = rule_on(rules, "asylum_seeker_months", arrival)
    as_term = None if as_months == "until-status" else last_day_of_term(arrival, as_months)
    status_term: date | None = None
    if grant:
        status_term = last_day_of_term(grant.date, rule_on(rules, "status_months", grant.date))

    def asylum_seeker(d: date) -> bool:
        # Ends at the term, at the first grant of an eligible status (both windows hold the
        # grant day), at a final refusal. Another grant (temporary protection) ends nothing.
        return (
            arrival <= d
            and (as_term is None or d <= as_term)
            and (grant is None or d <= grant.date)
            and (final is None or d <= final)
        )

    def status_window(d: date) -> bool:
        return grant is not None and status_term is not None and grant.date <= d <= status_term

    exits = [(e.date, e.reason or "other") for e in service if e.event == "exit"]
    if final:
        exits.append((final, "final-refusal"))

    def as_cut(inside: Any, d: date) -> bool:
        """In the window on ``d``, unless an exit on an earlier day fell in it or ended everything."""
        return inside(d) and not any(x < d and (inside(x) or why in ENDS_ALL) for x, why in exits)

    def eligible(d: date) -> bool:
        return as_cut(asylum_seeker, d) or as_cut(status_window, d)

    days = [arrival + i * DAY for i in range((horizon - arrival).days + 1)]
    if any(e.date < arrival for e in service):
        raise Refused("before arrival")
    by_day: dict[date, list[ServiceEvent]] = {}
    for e in service:
        by_day.setdefault(e.date, []).append(e)

    episodes: list[tuple[date, date | None, str | None]] = []
    served: set[date] = set()
    open_since: date | None = None
    for d in days:
        if open_since is not None and not eligible(d):
            episodes.append((open_since, d - DAY, "eligibility-ended"))
            open_since = None
        # The first day served opens before the last day served closes.
        for e in sorted(by_day.get(d, ()), key=lambda e: e.event == "exit"):
            if e.event in ("intake", "resume"):
                if e.event == "intake" and (episodes or open_since is not None):
                    raise Refused("second intake")
                if open_since is not None:
                    raise Refused("already open")
                if not eligible(d):
                    raise Refused("not eligible")
                open_since = d
            elif open_since is not None:
                served.add(d)
                episodes.append((open_since, d, e.reason))
                open_since = None
            elif e.reason != "left-latvia":
                raise Refused("no open episode")
        if d == final and open_since is not None:
            served.add(d)
            episodes.append((open_since, d, "final-refusal"))
            open_since = None
        if open_since is not None:
            served.add(d)
    if open_since is not None:
        episodes.append((open_since, None, None))

    windows = []
    for kind, inside in (("asylum-seeker", asylum_seeker), ("status", status_window)):
        kept = [d for d in days if as_cut(inside, d)]
        if kept:
            windows.append((kind, kept[0], None if kept[-1] == horizon else kept[-1]))
    eligible_days = frozenset(d for d in days if eligible(d))
    until = None if horizon in eligible_days else max(eligible_days, default=None)
    return Outcome(eligible_days, frozenset(served), tuple(episodes), tuple(windows), until, horizon)


# --- running the code under test ----------------------------------------------------------


def history(rules: Sequence[Rule]) -> PolicyHistory:
    return PolicyHistory(Version(r.key, r.value, r.since) for r in rules)


def run_code(
    arrival: date, status: Sequence[StatusEvent], service: Sequence[ServiceEvent], rules: Sequence[Rule]
) -> Timeline:
    ordered = sorted(service, key=lambda e: e.date)  # as the store reads them: by date, then entry
    return compute(arrival, list(status), ordered, history(rules))


def served_by(tl: Timeline, horizon: date) -> frozenset[date]:
    days = set()
    for e in tl.episodes:
        d, end = e.start, e.end or horizon
        while d <= min(end, horizon):
            days.add(d)
            d += DAY
    return frozenset(days)


def assert_agree(
    arrival: date, status: Sequence[StatusEvent], service: Sequence[ServiceEvent], rules: Sequence[Rule]
) -> Timeline:
    ref = reference(arrival, status, service, rules)
    tl = run_code(arrival, status, service, rules)
    got_episodes = tuple((e.start, e.end, e.end_reason) for e in tl.episodes)
    assert got_episodes == ref.episodes
    assert served_by(tl, ref.horizon) == ref.served
    assert tuple((w.kind, w.start, w.end) for w in tl.windows) == ref.windows
    assert tl.eligible_until == ref.eligible_until
    for d in (arrival - DAY, *sorted(ref.eligible)[:1], *sorted(ref.eligible)[-1:]):
        assert tl.eligible_on(d) == (d in ref.eligible)
    check_invariants(tl, service, rules, ref)
    return tl


def check_invariants(tl: Timeline, service: Sequence[ServiceEvent], rules: Sequence[Rule], ref: Outcome) -> None:
    for d in served_by(tl, ref.horizon):
        assert tl.eligible_on(d), f"served on {d} outside every window"
    eps = tl.episodes
    for a, b in pairwise(eps):
        assert a.end is not None and a.end < b.start, "episodes overlap or are out of order"
    assert [e.first for e in eps] == [i == 0 for i in range(len(eps))]
    grant = first_eligible_grant(tl.legal.events, rules)
    opens_status = grant is not None
    for ex in (e for e in service if e.event == "exit"):
        assert ex.reason
        if ex.reason in ENDS_ALL:
            assert not any(tl.eligible_on(d) for d in ref.eligible if d > ex.date), f"eligible after {ex.reason}"
            assert tl.eligible_until is not None and tl.eligible_until <= ex.date
            continue
        assert any(e.end == ex.date and e.end_reason == ex.reason for e in eps), "the exit closed no episode"
        # The window it fell in ends that day; a window that starts later still opens.
        assert all(w.end is not None and w.end <= ex.date for w in tl.windows if w.start <= ex.date)
        later = [w for w in tl.windows if w.start > ex.date]
        gone_before = grant is not None and any(
            e.reason in ENDS_ALL and e.date < grant.date for e in service if e.event == "exit"
        )
        assert bool(later) == (opens_status and grant is not None and grant.date > ex.date and not gone_before)
    if tl.legal.final_refusal:
        fr = tl.legal.final_refusal
        assert tl.eligible_until is not None and tl.eligible_until <= fr
        assert all(e.end is not None and e.end <= fr for e in eps)


# --- generating histories -----------------------------------------------------------------

GRANTS = ("refugee", "alternative", "temporary-protection")
# "granted" draws any status; "granted-asylum" refugee or alternative; "granted-<status>" that one.
STATUS_PATHS = (
    (),
    ("granted",),
    ("granted",),
    ("granted",),
    ("granted",),
    ("refused", "appealed", "court-positive", "granted"),
    ("refused",),
    ("refused", "final-refusal"),
    ("refused", "appealed"),
    ("refused", "appealed", "court-negative", "final-refusal"),
    ("refused", "appealed", "court-positive", "granted"),
    ("refused", "appealed", "court-positive"),
    # Temporary protection leaves the asylum application pending.
    ("granted-temporary-protection", "granted-asylum"),
    ("granted-temporary-protection", "refused", "appealed", "court-negative", "final-refusal"),
    # An alternative-status holder appeals for refugee status.
    ("granted-alternative", "appealed", "court-positive", "granted-refugee"),
    ("granted-alternative", "appealed", "court-negative"),
    ("granted-alternative", "appealed"),
)


@st.composite
def policies_and_status(draw: st.DrawFn) -> tuple[date, list[StatusEvent], list[Rule]]:
    arrival = draw(st.dates(date(2015, 1, 1), date(2021, 6, 30)))
    rules: list[Rule] = []
    if draw(st.booleans()):
        value = draw(st.sampled_from([1, 2, 3, 4, 6, "until-status"]))
        rules.append(Rule("asylum_seeker_months", value, arrival + draw(st.integers(-2, 2)) * DAY))
    months = rule_on(rules, "asylum_seeker_months", arrival)
    window_end = arrival + 150 * DAY if months == "until-status" else last_day_of_term(arrival, months)

    status: list[StatusEvent] = []
    day = arrival
    for step in draw(st.sampled_from(STATUS_PATHS)):
        near_end = window_end + draw(st.integers(-2, 3)) * DAY
        later = day + draw(st.integers(0, 120)) * DAY
        granted = step.startswith("granted")
        day = near_end if granted and near_end >= day and draw(st.booleans()) else later
        if granted:
            kind = step.removeprefix("granted").removeprefix("-")
            value = draw(st.sampled_from({"": GRANTS, "asylum": GRANTS[:2]}.get(kind, (kind,))))
            status.append(StatusEvent(day, "granted", value))
            if draw(st.booleans()):
                key = draw(st.sampled_from(["status_months", "eligible_statuses"]))
                new: Any = (
                    draw(st.sampled_from([6, 12, 18, 24]))
                    if key == "status_months"
                    else sorted(draw(st.sets(st.sampled_from(GRANTS), min_size=1)))
                )
                rules.append(Rule(key, new, day + draw(st.integers(-1, 1)) * DAY))
        elif step.startswith("court-"):
            status.append(StatusEvent(day, "court", step.removeprefix("court-")))
        else:
            status.append(StatusEvent(day, step))
    return arrival, status, rules


def pick(draw: st.DrawFn, days: Sequence[date]) -> date:
    """A day from ``days``: often next to a gap (where rules break), or early (to leave room for more)."""
    present = set(days)
    edges = [d for d in days if d - DAY not in present or d + DAY not in present]
    return draw(st.one_of(st.sampled_from(days[:20]), st.sampled_from(days), st.sampled_from(edges)))


@st.composite
def valid_histories(
    draw: st.DrawFn,
) -> tuple[date, list[StatusEvent], list[ServiceEvent], list[Rule]]:
    arrival, status, rules = draw(policies_and_status())
    service: list[ServiceEvent] = []
    limit = arrival + 4 * 366 * DAY
    for _ in range(draw(st.integers(1, 6))):
        ref = reference(arrival, status, service, rules)
        last = max((e.date for e in service), default=arrival)
        running = ref.episodes and ref.episodes[-1][2] in ("eligibility-ended", None)
        exit_days = sorted(d for d in ref.served if d >= last and d <= limit) if running and service else []
        open_days = sorted(d for d in ref.eligible if (d > last or not service) and d not in ref.served and d <= limit)
        # Weighted: leaving Latvia ends everything, so it should not crowd out the rest.
        choices = ["exit"] * 3 * bool(exit_days) + ["open"] * 5 * bool(open_days) + ["left-latvia"]
        what = draw(st.sampled_from(choices))
        if what == "exit":
            event = ServiceEvent(pick(draw, exit_days), "exit", draw(st.sampled_from((*OTHER_EXITS, *ENDS_ALL))))
        elif what == "open":
            kind = "resume" if ref.episodes else draw(st.sampled_from(["intake", "resume"]))
            event = ServiceEvent(pick(draw, open_days), kind)
        else:
            event = ServiceEvent(last + draw(st.integers(0 if not service else 1, 400)) * DAY, "exit", "left-latvia")
        try:
            reference(arrival, status, [*service, event], rules)
        except Refused:
            break
        service.append(event)
        if event.reason in ENDS_ALL:
            break
    return arrival, status, service, rules


@st.composite
def resumed_histories(
    draw: st.DrawFn,
) -> tuple[date, list[StatusEvent], list[ServiceEvent], list[Rule]]:
    """Served as an asylum seeker, then again after an eligible grant: the paths that need a resume."""
    arrival, _, rules = draw(policies_and_status())
    months = rule_on(rules, "asylum_seeker_months", arrival)
    window_end = arrival + 150 * DAY if months == "until-status" else last_day_of_term(arrival, months)
    grant_day = draw(
        st.one_of(
            st.integers(-3, 3).map(lambda k: window_end + k * DAY),
            st.integers(0, 300).map(lambda k: arrival + k * DAY),
        )
    )
    status = [StatusEvent(max(grant_day, arrival), "granted", draw(st.sampled_from(GRANTS[:2])))]
    ref = reference(arrival, status, [], rules)
    service = [ServiceEvent(pick(draw, sorted(d for d in ref.eligible if d <= window_end)), "intake")]
    ref = reference(arrival, status, service, rules)
    if draw(st.booleans()):
        before_grant = sorted(d for d in ref.served if d < status[0].date)
        if before_grant:
            service.append(ServiceEvent(pick(draw, before_grant), "exit", draw(st.sampled_from(OTHER_EXITS))))
            ref = reference(arrival, status, service, rules)
    later = sorted(d for d in ref.eligible if d > service[-1].date and d not in ref.served)
    if later:
        service.append(ServiceEvent(pick(draw, later), "resume"))
        ref = reference(arrival, status, service, rules)
        if draw(st.booleans()):
            ends = sorted(d for d in ref.served if d >= service[-1].date)
            reason = draw(st.sampled_from((*OTHER_EXITS, *ENDS_ALL)))
            service.append(ServiceEvent(pick(draw, ends[:400]), "exit", reason))
    return arrival, status, service, rules


# --- the properties -----------------------------------------------------------------------


@pytest.mark.slow
@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(valid_histories(), resumed_histories()))
def test_compute_agrees_with_the_day_by_day_reference(
    h: tuple[date, list[StatusEvent], list[ServiceEvent], list[Rule]],
) -> None:
    arrival, status, service, rules = h
    assert_agree(arrival, status, service, rules)


@st.composite
def any_service(draw: st.DrawFn) -> tuple[date, list[StatusEvent], list[ServiceEvent], list[Rule]]:
    """Service events on random days, many of them impossible: both must refuse the same ones."""
    arrival, status, rules = draw(policies_and_status())
    service = []
    day = arrival + draw(st.integers(-3, 30)) * DAY
    for i in range(draw(st.integers(1, 5))):
        kind = draw(st.sampled_from(["intake" if i == 0 else "resume", "resume", "exit"]))
        reason = draw(st.sampled_from((*OTHER_EXITS, *ENDS_ALL))) if kind == "exit" else None
        service.append(ServiceEvent(day, kind, reason))
        day += draw(st.integers(1, 200)) * DAY
    return arrival, status, service, rules


@pytest.mark.slow
@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(any_service())
def test_compute_refuses_what_the_reference_refuses(
    h: tuple[date, list[StatusEvent], list[ServiceEvent], list[Rule]],
) -> None:
    arrival, status, service, rules = h
    try:
        reference(arrival, status, service, rules)
    except Refused:
        with pytest.raises(InputError):
            run_code(arrival, status, service, rules)
        return
    assert_agree(arrival, status, service, rules)


# --- examples: the policy as data ---------------------------------------------------------


def test_until_status_keeps_the_asylum_seeker_window_open_until_a_grant() -> None:
    rules = [Rule("asylum_seeker_months", "until-status", date(2020, 1, 1))]
    arrival = date(2020, 3, 10)
    tl = assert_agree(arrival, [], [ServiceEvent(arrival, "intake")], rules)
    assert [(w.kind, w.start, w.end) for w in tl.windows] == [("asylum-seeker", arrival, None)]
    assert tl.eligible_until is None
    assert [(e.start, e.end, e.end_reason) for e in tl.episodes] == [(arrival, None, None)]

    granted = [StatusEvent(date(2021, 1, 20), "granted", "alternative")]
    tl = assert_agree(arrival, granted, [ServiceEvent(arrival, "intake")], rules)
    assert [(w.kind, w.start, w.end) for w in tl.windows] == [
        ("asylum-seeker", arrival, date(2021, 1, 20)),
        ("status", date(2021, 1, 20), date(2022, 1, 20)),
    ]
    assert [(e.start, e.end, e.end_reason) for e in tl.episodes] == [(arrival, date(2022, 1, 20), "eligibility-ended")]


def test_until_status_window_goes_on_after_a_temporary_protection_grant() -> None:
    rules = [Rule("asylum_seeker_months", "until-status", date(2020, 1, 1))]
    tp = [StatusEvent(date(2020, 9, 1), "granted", "temporary-protection")]
    tl = assert_agree(date(2020, 3, 10), tp, [ServiceEvent(date(2020, 3, 10), "intake")], rules)
    assert [(w.kind, w.end) for w in tl.windows] == [("asylum-seeker", None)]
    assert tl.episodes[0].end is None
    then_refugee = [*tp, StatusEvent(date(2021, 2, 1), "granted", "refugee")]
    tl = assert_agree(date(2020, 3, 10), then_refugee, [ServiceEvent(date(2020, 3, 10), "intake")], rules)
    assert [(w.kind, w.end) for w in tl.windows] == [
        ("asylum-seeker", date(2021, 2, 1)),
        ("status", date(2022, 2, 1)),
    ]


def test_an_upgrade_to_refugee_status_keeps_the_window_of_the_first_grant() -> None:
    alternative = date(2020, 5, 4)
    status = [
        StatusEvent(alternative, "granted", "alternative"),
        StatusEvent(date(2020, 6, 1), "appealed"),
        StatusEvent(date(2020, 9, 1), "court", "positive"),
        StatusEvent(date(2020, 10, 1), "granted", "refugee"),
    ]
    tl = assert_agree(date(2020, 3, 10), status, [ServiceEvent(date(2020, 3, 10), "intake")], [])
    assert tl.windows[-1] == Window("status", alternative, date(2021, 5, 4), "term")
    assert tl.legal.status_on(date(2020, 9, 30)) == "alternative" and tl.legal.status_on(date(2020, 10, 1)) == "refugee"


@pytest.mark.parametrize(
    ("arrival", "end"), [(date(2020, 3, 10), date(2020, 6, 10)), (date(2020, 3, 11), date(2020, 9, 11))]
)
def test_the_asylum_seeker_window_follows_the_policy_of_the_arrival_day(arrival: date, end: date) -> None:
    rules = [Rule("asylum_seeker_months", 6, date(2020, 3, 11))]
    tl = assert_agree(arrival, [], [], rules)
    assert tl.windows[0].end == end


@pytest.mark.parametrize(
    ("grant_day", "end"), [(date(2020, 5, 31), date(2021, 5, 31)), (date(2020, 6, 1), date(2022, 6, 1))]
)
def test_the_status_window_follows_the_policy_of_the_grant_day(grant_day: date, end: date) -> None:
    rules = [Rule("status_months", 24, date(2020, 6, 1))]
    tl = assert_agree(date(2020, 3, 10), [StatusEvent(grant_day, "granted", "refugee")], [], rules)
    assert tl.windows[-1].end == end


@pytest.mark.parametrize(("grant_day", "windows"), [(date(2020, 5, 31), 1), (date(2020, 6, 1), 2)])
def test_eligible_statuses_are_those_in_force_on_the_grant_day(grant_day: date, windows: int) -> None:
    rules = [Rule("eligible_statuses", ["alternative", "refugee", "temporary-protection"], date(2020, 6, 1))]
    tp = [StatusEvent(grant_day, "granted", "temporary-protection")]
    tl = assert_agree(date(2020, 3, 10), tp, [ServiceEvent(date(2020, 3, 10), "intake")], rules)
    assert len(tl.windows) == windows


# --- examples: where the code and the SPEC disagree ---------------------------------------


def test_an_exit_before_arrival_is_refused() -> None:
    """No event before arrival (SPEC 2); the code drops every window and leaves no eligibility."""
    with pytest.raises(InputError):
        compute(date(2020, 3, 10), [], [ServiceEvent(date(2020, 3, 1), "exit", "left-latvia")], PolicyHistory.default())
