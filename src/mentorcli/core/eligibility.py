"""Eligibility windows and service episodes (SPEC 3.1), with the chain of rules behind each date.

A client is eligible in *windows*: the asylum-seeker window from arrival, and the status window
from the grant of an eligible status. The service is received in *episodes* that open at intake or
resume and close at an exit or where the eligibility runs out.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any, NamedTuple

from mentorcli.core.dates import ONE_DAY, Period, add_months, within
from mentorcli.core.errors import InputError
from mentorcli.core.legal import FINAL_REFUSAL, LegalTimeline, StatusEvent, check
from mentorcli.core.messages import N_
from mentorcli.core.policy import PolicyHistory

# SPEC 9: handed over to the next provider, who serves the client from then on.
TRANSFERRED = "transferred"
EXIT_REASONS = ("left-latvia", "declined", "non-compliance", FINAL_REFUSAL, TRANSFERRED, "other")
# Reasons after which no later window opens: the person is gone, or has no claim to protection.
ENDS_ALL = frozenset({"left-latvia", FINAL_REFUSAL})
# The episode ends, the eligibility does not: the next provider serves on in the same window.
KEEPS_WINDOW = frozenset({TRANSFERRED})
ELIGIBILITY_ENDED = "eligibility-ended"
# The service event that opens the episode of a client taken over from another provider.
TAKEOVER = "takeover"
ASYLUM_SEEKER_WINDOW = "asylum-seeker"
STATUS_WINDOW = "status"
# The version of the rules that derive windows and episodes (this module, core.legal, core.dates,
# core.policy, and what store.clients hands them: which events, in which order). Raised with every
# change to them: a register's derivation stamps name the version they were derived under, and
# ``db check`` derives again every client stamped under another one. tests/test_derivation_stamps.py
# fails when those four modules change until the test records their hash under a version.
RULES_VERSION = 1


class ServiceEvent(NamedTuple):
    date: date
    event: str  # intake | resume | takeover | exit
    reason: str | None = None  # the exit reason; for a takeover, the provider handing over


class Window(NamedTuple):
    kind: str
    start: date
    end: date | None  # the last day of eligibility; None while it waits for a decision
    ended_by: str | None  # term | status-granted | an exit reason; None while open-ended


class Episode(NamedTuple):
    start: date
    end: date | None  # the last day served; None only when no end is known yet
    end_reason: str | None
    first: bool
    taken_over: bool = False  # opened by a takeover from another provider (SPEC 3.3)
    provider: str | None = None  # an earlier provider's episode, kept as history; None: this register's

    def as_of(self, today: date) -> tuple[date | None, str | None]:
        """End and reason as a user sees them on ``today``: open until its window has run out."""
        if self.end is None or (self.end_reason == ELIGIBILITY_ENDED and self.end >= today):
            return None, None
        return self.end, self.end_reason

    def last_day(self, today: date) -> date:
        """The last day served so far: nobody is served in the future."""
        return today if self.end is None else min(self.end, today)

    def served_in(self, first: date, last: date, today: date) -> bool:
        """Served on some day of ``first..last``, as known on ``today``.

        The one definition of "served": from the intake (or resume) day to the exit day, the
        final-refusal day or the window's last day, all included, and never after today.
        """
        return self.start <= today and Period(self.start, self.last_day(today)).overlaps(first, last)

    def served_on(self, day: date, today: date) -> bool:
        return self.served_in(day, day, today)


# Not frozen: a frozen dataclass is built field by field through object.__setattr__, and every
# timeline builds several steps that only `client explain` reads (a tenth of `db check`).
@dataclass
class Step:
    """One link of the chain that explains a date: a rule, the day it acts on, its figures."""

    day: date
    rule: str
    params: dict[str, Any] = field(default_factory=dict)


class Timeline(NamedTuple):
    legal: LegalTimeline
    windows: tuple[Window, ...]
    episodes: tuple[Episode, ...]
    steps: tuple[Step, ...]
    earlier: tuple[Episode, ...] = ()  # served by earlier providers: history, counted in no figure

    @property
    def eligible_until(self) -> date | None:
        return self.windows[-1].end if self.windows else None

    def eligible_on(self, day: date) -> bool:
        return any(_contains(w, day) for w in self.windows)

    def served_on(self, day: date, today: date) -> bool:
        return any(e.served_on(day, today) for e in self.episodes)


def _where(ev: ServiceEvent) -> str:
    # Built only for a message: a history that passes formats no date.
    return N_("{event} on {day}", event=ev.event, day=ev.date)


def _contains(w: Window | _Win, day: date) -> bool:
    return within(day, w.start, w.end)


@dataclass
class _Win:
    kind: str
    start: date
    end: date | None
    ended_by: str | None
    exited: bool = False  # an exit fell in it: no resume in this window


def compute(
    arrival: date,
    status_events: Sequence[StatusEvent],
    service_events: Iterable[ServiceEvent],
    policies: PolicyHistory,
    earlier: Sequence[Episode] = (),
    *,
    explain: bool = True,
) -> Timeline:
    """Windows and episodes of one client; refuses events that cannot have happened.

    ``earlier`` are the episodes other providers served before a takeover: their exits cut the
    windows as they did there, and they make the client not new here. ``explain=False``: the same
    windows and episodes without the steps that explain them (the bulk import derives a hundred
    thousand timelines and keeps only those; the steps were a seventh of the cost).
    """
    legal = check(arrival, status_events)
    steps: list[Step] | None = [Step(arrival, "arrival")] if explain else None
    wins = _windows(legal, policies, steps)
    for e in earlier:
        if steps is not None:
            steps.append(Step(e.start, "episode-earlier", {"provider": e.provider, "end": e.end}))
        if e.end is not None and e.end_reason in EXIT_REASONS and e.end_reason not in KEEPS_WINDOW:
            _cut(wins, e.end, e.end_reason, steps)

    # The final refusal closes the open episode just as an exit would.
    events = [(e.date, 1 if e.event == "exit" else 0, e, False) for e in service_events]
    if legal.final_refusal:
        fr = ServiceEvent(legal.final_refusal, "exit", FINAL_REFUSAL)
        events.append((fr.date, 1, fr, True))
    events.sort(key=lambda t: (t[0], t[1]))

    episodes: list[Episode] = []
    open_start: date | None = None
    taken = False

    def close(end: date | None, reason: str | None) -> None:
        nonlocal open_start, taken
        assert open_start is not None
        episodes.append(Episode(open_start, end, reason, first=not episodes and not earlier, taken_over=taken))
        open_start, taken = None, False

    for day, _, ev, synthetic in events:
        if day < arrival:
            raise InputError(
                N_("{event} on {day} is before arrival on {arrival}", event=ev.event, day=day, arrival=arrival),
                field="date",
            )
        if open_start is not None:
            run_end = _run_end(wins, open_start)
            if run_end is not None and run_end < day:
                if steps is not None:
                    steps.append(Step(run_end, "episode-eligibility-ended"))
                close(run_end, ELIGIBILITY_ENDED)
        if ev.event in ("intake", "resume", TAKEOVER):
            if ev.event == TAKEOVER and (episodes or open_start is not None or not earlier):
                raise InputError(N_("{where}: a takeover opens the first episode in this register", where=_where(ev)))
            if ev.event == "intake" and (episodes or earlier or open_start is not None):
                raise InputError(
                    N_("{where}: the client was already taken in; use resume", where=_where(ev)), field="intake"
                )
            if open_start is not None:
                raise InputError(
                    N_("{where}: an episode is open since {day}", where=_where(ev), day=open_start), field="date"
                )
            win = next((w for w in wins if _contains(w, day)), None)
            if win is None:
                raise InputError(N_("{where}: the client is not eligible on that day", where=_where(ev)), field="date")
            if win.exited:
                raise InputError(
                    N_(
                        "{where}: the service ended by an exit in this {window} window; "
                        "a resume is possible only in a later window",
                        where=_where(ev),
                        window=win.kind,
                    ),
                    field="date",
                )
            open_start, taken = day, ev.event == TAKEOVER
            if steps is not None:
                steps.append(Step(day, "episode-open", {"event": ev.event, "window": win.kind}))
            continue
        reason = ev.reason or "other"
        if open_start is not None:
            close(day, reason)
        elif not synthetic and reason != "left-latvia":
            last = episodes[-1] if episodes else None
            if last and last.end:
                raise InputError(
                    N_(
                        "{where}: no episode is open on that day (the last one ended on {day})",
                        where=_where(ev),
                        day=last.end,
                    ),
                    field="date",
                )
            raise InputError(N_("{where}: no episode is open on that day", where=_where(ev)), field="date")
        if reason in KEEPS_WINDOW:
            if steps is not None:
                steps.append(Step(day, "episode-transferred"))
        else:
            _cut(wins, day, reason, steps)

    if open_start is not None:
        run_end = _run_end(wins, open_start)
        if run_end is not None and steps is not None:
            steps.append(Step(run_end, "episode-eligibility-ended"))
        close(run_end, ELIGIBILITY_ENDED if run_end is not None else None)
    windows = tuple(Window(w.kind, w.start, w.end, w.ended_by) for w in wins)
    if windows and steps is not None:
        steps.append(Step(windows[-1].end or arrival, "eligible-until", {"open": windows[-1].end is None}))
    return Timeline(legal, windows, tuple(episodes), tuple(steps or ()), tuple(earlier))


def eligible_grant(legal: LegalTimeline, policies: PolicyHistory) -> StatusEvent | None:
    """The first grant of a status the policy in force on its day lists in ``eligible_statuses``.

    It ends the asylum-seeker window and opens the status window. A grant of another status
    (temporary protection, by default) changes the client's status and nothing else; a later
    grant (refugee status after an appeal by an alternative-status holder) opens no new window:
    the term follows the first "obtaining status" (SPEC 3.1).
    """
    return next((g for g in legal.grants if g.value in policies.on(g.date).eligible_statuses), None)


def _windows(legal: LegalTimeline, policies: PolicyHistory, steps: list[Step] | None) -> list[_Win]:
    arrival = legal.arrival
    policy = policies.on(arrival)
    months = policy.asylum_seeker_months
    if steps is not None:
        steps.append(
            Step(arrival, "asylum-seeker-window", {"months": months, "since": policy.since["asylum_seeker_months"]})
        )
    grant = eligible_grant(legal, policies)
    for other in legal.grants:
        if other is grant:
            continue
        upgrade = grant is not None and other.date >= grant.date
        rule = "status-upgrade" if upgrade else "status-not-eligible"
        if steps is not None:
            steps.append(Step(other.date, rule, {"status": other.value, "since": grant.date if grant else None}))
    ends: list[tuple[date, int, str]] = []
    if months is not None:
        term_end = add_months(arrival, months)
        if steps is not None:
            steps.append(Step(term_end, "asylum-seeker-term-end", {"months": months}))
        ends.append((term_end, 2, "term"))
    if grant:
        ends.append((grant.date, 1, "status-granted"))
    if legal.final_refusal:
        ends.append((legal.final_refusal, 0, FINAL_REFUSAL))
    if ends:
        end, _, ended_by = min(ends)
        if ended_by != "term" and steps is not None:
            steps.append(Step(end, f"asylum-seeker-ended-by-{ended_by}", {"status": grant.value if grant else None}))
        wins = [_Win(ASYLUM_SEEKER_WINDOW, arrival, end, ended_by)]
    else:
        if steps is not None:
            steps.append(Step(arrival, "asylum-seeker-open"))
        wins = [_Win(ASYLUM_SEEKER_WINDOW, arrival, None, None)]

    if grant:
        at_grant = policies.on(grant.date)
        end = add_months(grant.date, at_grant.status_months)
        wins.append(_Win(STATUS_WINDOW, grant.date, end, "term"))
        if steps is not None:
            steps.append(
                Step(
                    grant.date,
                    "status-window",
                    {
                        "status": grant.value,
                        "months": at_grant.status_months,
                        "end": end,
                        "since": at_grant.since["status_months"],
                    },
                )
            )
        prev_end = wins[0].end
        assert prev_end is not None
        if steps is not None and grant.date <= prev_end + ONE_DAY:
            steps.append(Step(grant.date, "windows-join"))
        elif steps is not None:
            steps.append(Step(grant.date, "windows-gap", {"gap_from": prev_end + ONE_DAY}))
    return wins


def _run_end(wins: list[_Win], start: date) -> date | None:
    """The last day of eligibility that runs on without a gap from ``start``."""
    cur = next(w for w in wins if _contains(w, start))
    end = cur.end
    while end is not None:
        nxt = next((w for w in wins if w.start <= end + ONE_DAY and (w.end is None or w.end > end)), None)
        if nxt is None:
            break
        end = nxt.end
    return end


def _cut(wins: list[_Win], day: date, reason: str, steps: list[Step] | None) -> None:
    for w in wins:
        if _contains(w, day):
            w.end, w.ended_by, w.exited = day, reason, True
            if steps is not None:
                steps.append(Step(day, "window-cut", {"window": w.kind, "reason": reason}))
    if reason in ENDS_ALL:
        later = [w for w in wins if w.start > day]
        for w in later:
            wins.remove(w)
            if steps is not None:
                steps.append(Step(day, "window-dropped", {"window": w.kind, "reason": reason}))


class NotServed(NamedTuple):
    """A client eligible on a day with no episode open: someone the service has left out."""

    window: str  # the kind of window in force that day
    since: date  # the first day eligible and not served, up to that day
    until: date | None  # the last day of that window


def not_served_on(day: date, windows: Sequence[Window], episodes: Sequence[Episode]) -> NotServed | None:
    """Eligible on ``day`` and not served (seed 003: granted after a gap, or never taken in).

    A client whose last episode ended ``transferred`` is served by the next provider: not left out.
    """
    win = next((w for w in reversed(windows) if _contains(w, day)), None)
    if win is None or any(e.start <= day and (e.end is None or day <= e.end) for e in episodes):
        return None
    past = [e for e in episodes if e.start <= day]
    if past and past[-1].end_reason == TRANSFERRED:
        return None
    # Windows that run into each other without a day between are one stretch of eligibility.
    since = win.start
    while prev := next((w for w in windows if w.start < since and w.end and w.end + ONE_DAY >= since), None):
        since = prev.start
    ended = [e.end for e in past if e.end is not None]
    if ended:
        since = max(since, max(ended) + ONE_DAY)
    return NotServed(win.kind, since, win.end)


def not_served_in(first: date, last: date, windows: Sequence[Window], episodes: Sequence[Episode]) -> NotServed | None:
    """Eligible in ``first..last`` and served on none of its days; as on its last eligible day in it.

    ``last`` is at most "today": nobody is left out in the future.
    """
    days = [min(w.end or last, last) for w in windows if w.start <= last and (w.end is None or w.end >= first)]
    if not days or any(e.start <= last and (e.end is None or e.end >= first) for e in episodes):
        return None
    return not_served_on(max(days), windows, episodes)
