"""Issue 19, nobody eligible left unserved (seed 003): the rule, ``due``, the grant's confirmation,
and ``report capacity --list``."""

from __future__ import annotations

import re
from datetime import date, timedelta

from hypothesis import assume, given
from hypothesis import strategies as st

from conftest import Run, add_client
from mentorcli.core.eligibility import (
    Episode,
    NotServed,
    ServiceEvent,
    Window,
    compute,
    not_served_in,
    not_served_on,
)
from mentorcli.core.errors import InputError
from mentorcli.core.legal import StatusEvent
from mentorcli.core.policy import PolicyHistory

POLICY = PolicyHistory.default()
ARRIVAL = date(2020, 3, 10)  # the asylum-seeker window ends on 10.06.2020


def _timeline(grant: int | None, intake: int | None, exit_: int | None, resume: int | None):  # type: ignore[no-untyped-def]
    status = [StatusEvent(ARRIVAL + timedelta(grant), "granted", "refugee")] if grant is not None else []
    service = []
    for offset, event, reason in ((intake, "intake", None), (exit_, "exit", "declined"), (resume, "resume", None)):
        if offset is not None:
            service.append(ServiceEvent(ARRIVAL + timedelta(offset), event, reason))
    return compute(ARRIVAL, status, service, POLICY)


# --- the rule -------------------------------------------------------------------------------
def test_granted_after_a_gap_is_left_out_from_the_grant() -> None:
    tl = _timeline(grant=127, intake=0, exit_=None, resume=None)  # granted 15.07.2020
    assert not_served_on(date(2020, 6, 10), tl.windows, tl.episodes) is None  # still served
    assert not_served_on(date(2020, 6, 20), tl.windows, tl.episodes) is None  # between the windows: not eligible
    assert not_served_on(date(2020, 8, 1), tl.windows, tl.episodes) == NotServed(
        "status", date(2020, 7, 15), date(2021, 7, 15)
    )


def test_never_taken_in_is_left_out_from_arrival_through_a_joined_grant() -> None:
    tl = _timeline(grant=60, intake=None, exit_=None, resume=None)
    assert not_served_on(date(2020, 8, 1), tl.windows, tl.episodes) == NotServed("status", ARRIVAL, date(2021, 5, 9))


def test_a_transferred_client_is_not_left_out() -> None:
    """SPEC 10: the next provider serves a client handed over; the reason may not exist yet."""
    windows = [Window("status", date(2020, 1, 1), date(2020, 12, 31), "term")]
    handed = [Episode(date(2020, 1, 1), date(2020, 5, 31), "transferred", True)]
    declined = [Episode(date(2020, 1, 1), date(2020, 5, 31), "declined", True)]
    assert not_served_on(date(2020, 7, 1), windows, handed) is None
    assert not_served_in(date(2020, 7, 1), date(2020, 7, 31), windows, handed) is None
    assert not_served_on(date(2020, 7, 1), windows, declined) == NotServed(
        "status", date(2020, 6, 1), date(2020, 12, 31)
    )


@given(
    grant=st.one_of(st.none(), st.integers(0, 400)),
    intake=st.one_of(st.none(), st.integers(0, 120)),
    exit_=st.one_of(st.none(), st.integers(0, 500)),
    resume=st.one_of(st.none(), st.integers(0, 600)),
    day=st.integers(0, 900),
)
def test_left_out_means_eligible_and_unserved_every_day_since(
    grant: int | None, intake: int | None, exit_: int | None, resume: int | None, day: int
) -> None:
    try:
        tl = _timeline(grant, intake, exit_, resume)
    except InputError:
        assume(False)
        return
    on = ARRIVAL + timedelta(day)
    served = any(e.start <= on and (e.end is None or on <= e.end) for e in tl.episodes)
    left = not_served_on(on, tl.windows, tl.episodes)
    assert (left is not None) == (tl.eligible_on(on) and not served)
    if left is not None:
        assert left.since <= on
        d = left.since
        while d <= on:
            assert tl.eligible_on(d), d
            assert not any(e.start <= d and (e.end is None or d <= e.end) for e in tl.episodes), d
            d += timedelta(1)
        before = left.since - timedelta(1)
        assert not tl.eligible_on(before) or any(
            e.start <= before and (e.end is None or before <= e.end) for e in tl.episodes
        ), "since is the first such day"


# --- through the CLI ------------------------------------------------------------------------
def _seed_003(run: Run) -> None:
    add_client(run, "G-1", intake="2020-03-10")  # served until 10.06.2020
    add_client(run, "N-1", arrived="2020-06-01")  # registered, never taken in
    add_client(run, "S-1", intake="2020-03-10")  # the grant joins: served on
    run("--today", "2020-06-11", "status", "grant", "S-1", "refugee", "--date", "2020-06-11")


def test_a_late_grant_says_how_to_resume(run: Run) -> None:
    _seed_003(run)
    res = run("--today", "2020-07-20", "status", "grant", "G-1", "refugee", "--date", "15.07.2020")
    assert res.out.strip() == (
        "G-1: granted refugee on 15.07.2020; eligible until 15.07.2021; "
        "not served since 15.07.2020: mentorcli client resume G-1 --date 15.07.2020"
    )
    joined = run("--today", "2020-06-11", "status", "grant", "N-1", "alternative", "--date", "2020-06-11")
    assert "not served since 01.06.2020: mentorcli client resume N-1 --date 01.06.2020" in joined.out
    run("client", "resume", "G-1", "--date", "15.07.2020")
    items = run("--today", "2020-08-15", "due", "--format", "json").json()
    assert [i["code"] for i in items if i["kind"] == "eligible-not-served"] == ["N-1"]


def test_due_lists_the_eligible_not_served(run: Run) -> None:
    _seed_003(run)
    run("--today", "2020-07-20", "status", "grant", "G-1", "refugee", "--date", "15.07.2020")
    items = run("--today", "2020-08-15", "due", "--format", "json").json()
    left = [i for i in items if i["kind"] == "eligible-not-served"]
    assert left == [
        {
            "date": "2020-08-15",
            "kind": "eligible-not-served",
            "code": "G-1",
            "window": "status",
            "since": "2020-07-15",
            "until": "2021-07-15",
        },
        {
            "date": "2020-08-15",
            "kind": "eligible-not-served",
            "code": "N-1",
            "window": "asylum-seeker",
            "since": "2020-06-01",
            "until": "2020-09-01",
        },
    ]
    table = run("--today", "2020-08-15", "due").out
    assert re.search(r"eligible, not served +G-1", table) and "15.07.2020" in table
    # Between the windows G-1 is not eligible: nothing to do yet.
    assert "G-1" not in run("--today", "2020-06-20", "due", "--format", "json").out


def test_capacity_lists_the_eligible_not_served_by_code(run: Run) -> None:
    _seed_003(run)
    run("client", "edit", "N-1", "--name", "Nadia Example")
    run("--today", "2020-07-20", "status", "grant", "G-1", "refugee", "--date", "15.07.2020")
    july = run("--today", "2020-08-15", "report", "capacity", "2020-07", "--list", "--format", "json").json()
    assert july == [
        {"code": "G-1", "window": "status", "since": "2020-07-15", "until": "2021-07-15"},
        {"code": "N-1", "window": "asylum-seeker", "since": "2020-06-01", "until": "2020-09-01"},
    ]
    csv = run("--today", "2020-08-15", "report", "capacity", "2020-07", "--list", "--format", "csv").out
    assert csv.splitlines()[0] == "code,window,since,until" and "Nadia" not in csv
    # G-1 was served in June (until 10.06), so June lists only N-1.
    june = run("--today", "2020-08-15", "report", "capacity", "2020-06", "--list", "--format", "json").json()
    assert [r["code"] for r in june] == ["N-1"]
    figures = run("--today", "2020-08-15", "report", "capacity", "2020-07", "--format", "json").json()
    assert figures["eligible_not_served"] == len(july)
