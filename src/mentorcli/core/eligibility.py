"""Eligibility windows and service episodes (SPEC 3.1), with the chain of rules behind each date.

A client is eligible in *windows*: the asylum-seeker window from arrival, and the status window
from the grant of an eligible status. The service is received in *episodes* that open at intake or
resume and close at an exit or where the eligibility runs out.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from mentorcli.core.dates import ONE_DAY, add_months, fmt_lv
from mentorcli.core.errors import InputError
from mentorcli.core.legal import FINAL_REFUSAL, LegalTimeline, StatusEvent, check
from mentorcli.core.policy import PolicyHistory

EXIT_REASONS = ("left-latvia", "declined", "non-compliance", FINAL_REFUSAL, "other")
# Reasons after which no later window opens: the person is gone, or has no claim to protection.
ENDS_ALL = frozenset({"left-latvia", FINAL_REFUSAL})
ELIGIBILITY_ENDED = "eligibility-ended"
END_REASONS = (*EXIT_REASONS, ELIGIBILITY_ENDED)
SERVICE_EVENTS = ("intake", "resume", "exit")
ASYLUM_SEEKER_WINDOW = "asylum-seeker"
STATUS_WINDOW = "status"


@dataclass(frozen=True)
class ServiceEvent:
    date: date
    event: str  # intake | resume | exit
    reason: str | None = None  # the exit reason


@dataclass(frozen=True)
class Window:
    kind: str
    start: date
    end: date | None  # the last day of eligibility; None while it waits for a decision
    ended_by: str | None  # term | status-granted | an exit reason; None while open-ended


@dataclass(frozen=True)
class Episode:
    start: date
    end: date | None  # the last day served; None only when no end is known yet
    end_reason: str | None
    first: bool

    def as_of(self, today: date) -> tuple[date | None, str | None]:
        """End and reason as a user sees them on ``today``: open until its window has run out."""
        if self.end is None or (self.end_reason == ELIGIBILITY_ENDED and self.end >= today):
            return None, None
        return self.end, self.end_reason

    def last_day(self, today: date) -> date:
        """The last day served so far: nobody is served in the future."""
        return today if self.end is None else min(self.end, today)


@dataclass(frozen=True)
class Step:
    """One link of the chain that explains a date: a rule, the day it acts on, its figures."""

    day: date
    rule: str
    params: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Timeline:
    legal: LegalTimeline
    windows: tuple[Window, ...]
    episodes: tuple[Episode, ...]
    steps: tuple[Step, ...]

    @property
    def eligible_until(self) -> date | None:
        return self.windows[-1].end if self.windows else None

    def eligible_on(self, day: date) -> bool:
        return any(_contains(w, day) for w in self.windows)


def _where(ev: ServiceEvent) -> str:
    # Built only for a message: a history that passes formats no date.
    return f"{ev.event} on {fmt_lv(ev.date)}"


def _contains(w: Window | _Win, day: date) -> bool:
    return w.start <= day and (w.end is None or day <= w.end)


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
) -> Timeline:
    """Windows and episodes of one client; refuses events that cannot have happened."""
    legal = check(arrival, status_events)
    steps: list[Step] = [Step(arrival, "arrival")]
    wins = _windows(legal, policies, steps)

    # The final refusal closes the open episode just as an exit would.
    events = [(e.date, 1 if e.event == "exit" else 0, e, False) for e in service_events]
    if legal.final_refusal:
        fr = ServiceEvent(legal.final_refusal, "exit", FINAL_REFUSAL)
        events.append((fr.date, 1, fr, True))
    events.sort(key=lambda t: (t[0], t[1]))

    episodes: list[Episode] = []
    open_start: date | None = None

    def close(end: date | None, reason: str | None) -> None:
        nonlocal open_start
        assert open_start is not None
        episodes.append(Episode(open_start, end, reason, first=not episodes))
        open_start = None

    for day, _, ev, synthetic in events:
        if day < arrival:
            raise InputError(f"date: {ev.event} on {fmt_lv(day)} is before arrival on {fmt_lv(arrival)}")
        if open_start is not None:
            run_end = _run_end(wins, open_start)
            if run_end is not None and run_end < day:
                steps.append(Step(run_end, "episode-eligibility-ended"))
                close(run_end, ELIGIBILITY_ENDED)
        if ev.event in ("intake", "resume"):
            if ev.event == "intake" and (episodes or open_start is not None):
                raise InputError(f"intake: {_where(ev)}: the client was already taken in; use resume")
            if open_start is not None:
                raise InputError(f"date: {_where(ev)}: an episode is open since {fmt_lv(open_start)}")
            win = next((w for w in wins if _contains(w, day)), None)
            if win is None:
                raise InputError(f"date: {_where(ev)}: the client is not eligible on that day")
            if win.exited:
                raise InputError(
                    f"date: {_where(ev)}: the service ended by an exit in this {win.kind} window; "
                    "a resume is possible only in a later window"
                )
            open_start = day
            steps.append(Step(day, "episode-open", {"event": ev.event, "window": win.kind}))
            continue
        reason = ev.reason or "other"
        if open_start is not None:
            close(day, reason)
        elif not synthetic and reason != "left-latvia":
            last = episodes[-1] if episodes else None
            ended = f" (the last one ended on {fmt_lv(last.end)})" if last and last.end else ""
            raise InputError(f"date: {_where(ev)}: no episode is open on that day{ended}")
        _cut(wins, day, reason, steps)

    if open_start is not None:
        run_end = _run_end(wins, open_start)
        if run_end is not None:
            steps.append(Step(run_end, "episode-eligibility-ended"))
        close(run_end, ELIGIBILITY_ENDED if run_end is not None else None)
    windows = tuple(Window(w.kind, w.start, w.end, w.ended_by) for w in wins)
    if windows:
        steps.append(Step(windows[-1].end or arrival, "eligible-until", {"open": windows[-1].end is None}))
    return Timeline(legal, windows, tuple(episodes), tuple(steps))


def _windows(legal: LegalTimeline, policies: PolicyHistory, steps: list[Step]) -> list[_Win]:
    arrival = legal.arrival
    policy = policies.on(arrival)
    months = policy.asylum_seeker_months
    steps.append(
        Step(arrival, "asylum-seeker-window", {"months": months, "since": policy.since["asylum_seeker_months"]})
    )
    ends: list[tuple[date, int, str]] = []
    if months is not None:
        term_end = add_months(arrival, months)
        steps.append(Step(term_end, "asylum-seeker-term-end", {"months": months}))
        ends.append((term_end, 2, "term"))
    grant = legal.grant
    if grant:
        ends.append((grant.date, 1, "status-granted"))
    if legal.final_refusal:
        ends.append((legal.final_refusal, 0, FINAL_REFUSAL))
    if ends:
        end, _, ended_by = min(ends)
        if ended_by != "term":
            steps.append(Step(end, f"asylum-seeker-ended-by-{ended_by}", {"status": grant.value if grant else None}))
        wins = [_Win(ASYLUM_SEEKER_WINDOW, arrival, end, ended_by)]
    else:
        steps.append(Step(arrival, "asylum-seeker-open"))
        wins = [_Win(ASYLUM_SEEKER_WINDOW, arrival, None, None)]

    if grant:
        at_grant = policies.on(grant.date)
        if grant.value in at_grant.eligible_statuses:
            end = add_months(grant.date, at_grant.status_months)
            wins.append(_Win(STATUS_WINDOW, grant.date, end, "term"))
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
            if grant.date <= prev_end + ONE_DAY:
                steps.append(Step(grant.date, "windows-join"))
            else:
                steps.append(Step(grant.date, "windows-gap", {"gap_from": prev_end + ONE_DAY}))
        else:
            steps.append(Step(grant.date, "status-not-eligible", {"status": grant.value}))
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


def _cut(wins: list[_Win], day: date, reason: str, steps: list[Step]) -> None:
    for w in wins:
        if _contains(w, day):
            w.end, w.ended_by, w.exited = day, reason, True
            steps.append(Step(day, "window-cut", {"window": w.kind, "reason": reason}))
    if reason in ENDS_ALL:
        later = [w for w in wins if w.start > day]
        for w in later:
            wins.remove(w)
            steps.append(Step(day, "window-dropped", {"window": w.kind, "reason": reason}))
