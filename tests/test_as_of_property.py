"""As of a day is what was printed that day (issue 15), over random histories with a moving "today".

A coordinator records on days that move forward, right or wrong (a refused command writes
nothing); after each command the month report, every client, ``due``, the client list and the
caseloads are printed. At the end, each as of each day seen must be what was printed at the end
of that day, and ``report changes`` since the first day must lead from that day's month to today's.
"""

from __future__ import annotations

import json
import tempfile
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from mentorcli.cli.app import build, named_command

pytestmark = pytest.mark.slow  # a few hundred CLI calls per history

START = date(2020, 6, 1)
MONTH = "2020-07"
CODES = ("C1", "C2", "C3", "C4")
STAFF = ("Anna Berzina", "Juris Kalns")
# What looks past the day (due) or derives its own (client list), checked as the month is.
OTHERS: tuple[tuple[str, ...], ...] = (("due", "--within", "30"), ("client", "list"), ("report", "caseload"))


class Register:
    def __init__(self, folder: str) -> None:
        self.db = str(Path(folder) / "r.db")
        self.today = START

    def cli(self, *args: str, today: date | None = None) -> Any:
        argv = ["--db", self.db, "--today", (today or self.today).isoformat(), *args]
        r = CliRunner().invoke(build(*named_command(argv)), argv)
        assert r.exit_code in (0, 2), f"{argv}: exit {r.exit_code}: {r.stderr}{r.exception!r}"
        return r


def back(days: int) -> st.SearchStrategy[int]:
    return st.integers(0, days)


# One command: its name and the numbers that choose its client, days back from today, value.
command = st.tuples(
    st.sampled_from(
        [
            "add",
            "add",
            "exit",
            "resume",
            "grant",
            "refuse",
            "move",
            "edit",
            "delete-event",
            "staff-add",
            "staff-end",
            "assign",
            "activity",
        ]
    ),
    st.integers(0, len(CODES) - 1),
    back(45),
    st.integers(0, 3),
)
step = st.tuples(st.integers(0, 6), command)


def apply(reg: Register, name: str, who: int, ago: int, pick: int) -> None:
    code, day = CODES[who], (reg.today - timedelta(days=ago)).isoformat()
    person = STAFF[pick % 2]
    if name == "add":
        arrived = (reg.today - timedelta(days=ago + 10)).isoformat()
        intake = ["--intake", (reg.today - timedelta(days=ago)).isoformat()] if pick else []
        reg.cli("client", "add", code, "--sex", "FM"[pick % 2], "--born", f"{1970 + 11 * pick}-03-01",
                "--country", ["SY", "AF", "IQ", "YE"][pick], "--arrived", arrived, "--route", "independent",
                "--residence", "mucenieki", *intake)  # fmt: skip
    elif name == "exit":
        reg.cli("client", "exit", code, "--reason", ["left-latvia", "declined", "other", "non-compliance"][pick],
                "--date", day)  # fmt: skip
    elif name == "resume":
        reg.cli("client", "resume", code, "--date", day)
    elif name == "grant":
        reg.cli("status", "grant", code, ["refugee", "alternative"][pick % 2], "--date", day)
    elif name == "refuse":
        reg.cli("status", "refuse", code, "--date", day)
    elif name == "move":
        reg.cli("client", "move", code, "--residence", ["riga", "cesis", "mucenieki", "riga"][pick], "--date", day)
    elif name == "edit":
        reg.cli("client", "edit", code, "--country", ["IQ", "SY", "ER", "AF"][pick])
    elif name == "delete-event":
        shown = reg.cli("client", "history", code, "--format", "json")
        if shown.exit_code == 0 and (rows := json.loads(shown.stdout)):
            reg.cli("event", "delete", rows[pick % len(rows)]["id"])
    elif name == "staff-add":
        reg.cli("staff", "add", person, "--role", ["social-worker", "mentor"][pick % 2], "--from", day)
    elif name == "staff-end":
        reg.cli("staff", "end", person, "--date", day)
    elif name == "assign":
        reg.cli("assign", code, "--worker", STAFF[0], "--mentor", STAFF[1], "--from", day)
    else:
        reg.cli("activity", "add", code, "--type", "accompany-medical", "--date", day, "--staff", person)


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(steps=st.lists(step, min_size=3, max_size=14))
def test_as_of_each_day_is_what_was_printed_that_day(steps: list[tuple[int, tuple[str, int, int, int]]]) -> None:
    with tempfile.TemporaryDirectory() as folder:
        reg = Register(folder)
        reg.cli("staff", "add", STAFF[0], "--role", "social-worker", "--from", "2020-05-01")
        months: dict[date, str] = {}
        shows: dict[tuple[date, str], str] = {}
        others: dict[tuple[date, tuple[str, ...]], str] = {}
        for forward, (name, who, ago, pick) in steps:
            reg.today += timedelta(days=forward)
            apply(reg, name, who, ago, pick)
            # The last print of a day is the register at the end of that day.
            months[reg.today] = reg.cli("report", "month", MONTH, "--format", "json").stdout
            for other in OTHERS:
                others[reg.today, other] = reg.cli(*other, "--format", "json").stdout
            for code in CODES:
                shows[reg.today, code] = reg.cli("client", "show", code, "--format", "json").stdout
        reg.today += timedelta(days=3)
        for day, printed in months.items():
            assert reg.cli("report", "month", MONTH, "--format", "json", "--as-of", day.isoformat()).stdout == printed
        for (day, other), printed in others.items():
            assert reg.cli(*other, "--format", "json", "--as-of", day.isoformat()).stdout == printed, other
        for (day, code), printed in shows.items():
            assert reg.cli("client", "show", code, "--format", "json", "--as-of", day.isoformat()).stdout == printed
        # The changes since the first day replay the month from what was printed then to what it is now.
        first = min(months)
        found = reg.cli("report", "changes", MONTH, "--since", first.isoformat(), "--format", "json")
        replayed = json.loads(found.stdout)
        assert replayed["then"] == json.loads(months[first])
        assert replayed["now"] == json.loads(reg.cli("report", "month", MONTH, "--format", "json").stdout)
