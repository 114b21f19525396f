"""Random sequences of coordinator commands: after every step the file is sound and the reports add up.

A hypothesis state machine drives the CLI as a user would, right or wrong. Every command must end
in 0 (done) or 2 (refused, nothing written); after each step `db check` passes and every report's
parts sum to its whole. Erasing a client changes no figure of any report.
"""

from __future__ import annotations

import os
import tempfile
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule
from typer.testing import CliRunner

from mentorcli.cli.app import app

pytestmark = pytest.mark.slow  # a hypothesis state machine driving the whole CLI

TODAY = date(2021, 12, 31)
MONTHS = ("2020-03", "2020-07", "2021-01", "2021-12")
BREAKDOWNS = ("by_country", "by_residence", "by_route", "by_status")

days = st.integers(min_value=0, max_value=(TODAY - date(2020, 1, 1)).days).map(
    lambda n: (date(2020, 1, 1) + timedelta(days=n)).isoformat()
)


class Coordinator(RuleBasedStateMachine):
    @initialize(
        first=st.lists(
            st.tuples(st.sampled_from("FM"), st.integers(0, 70), days, st.sampled_from(["", "F1"])),
            min_size=3,
            max_size=6,
        )
    )
    def open_database(self, first: list[tuple[str, int, str, str]]) -> None:
        """A caseload served from the start, so that every report has people to count."""
        self.dir = tempfile.TemporaryDirectory()
        self.db = Path(self.dir.name) / "s.db"
        self.codes: list[str] = []
        self.runner = CliRunner()
        for sex, age, arrived, family in first:
            self.add(sex, age, "SY", arrived, "relocation", "mucenieki", family, 0)

    def teardown(self) -> None:
        self.dir.cleanup()

    def cli(self, *args: str) -> Any:
        env = {"MENTORCLI_DB": str(self.db), "MENTORCLI_TODAY": TODAY.isoformat(), "MENTORCLI_LANG": "en"}
        r = self.runner.invoke(app, list(args), env=env)
        assert r.exit_code in (0, 2), f"{args}: exit {r.exit_code}: {r.stderr}{r.exception!r}"
        assert "Traceback" not in r.stderr
        if r.exit_code == 2:
            assert len(r.stderr.strip().splitlines()) == 1, r.stderr
        return r

    def code(self, i: int) -> str:
        return self.codes[i % len(self.codes)] if self.codes else "NOBODY"

    @rule(
        sex=st.sampled_from("FM"),
        age=st.integers(0, 70),
        country=st.sampled_from(["SY", "AF", "IQ", "YE"]),
        arrived=days,
        route=st.sampled_from(["relocation", "independent"]),
        residence=st.sampled_from(["mucenieki", "riga", "cesis"]),
        family=st.sampled_from(["", "F1", "F2"]),
        intake=st.one_of(st.none(), st.integers(0, 40), st.integers(0, 5)),
    )
    def add(
        self,
        sex: str,
        age: int,
        country: str,
        arrived: str,
        route: str,
        residence: str,
        family: str,
        intake: int | None,
    ) -> None:
        code = f"S-{len(self.codes):03d}"
        born = date.fromisoformat(arrived).replace(day=1) - timedelta(days=365 * age)
        args = ["client", "add", code, "--sex", sex, "--born", born.isoformat(), "--country", country,
                "--arrived", arrived, "--route", route, "--residence", residence, "--name", f"Person {code}"]  # fmt: skip
        if family:
            args += ["--family", family]
        if intake is not None:
            args += ["--intake", (date.fromisoformat(arrived) + timedelta(days=intake)).isoformat()]
        if self.cli(*args).exit_code == 0:
            self.codes.append(code)

    @rule(i=st.integers(0, 50), status=st.sampled_from(["refugee", "alternative", "temporary-protection"]), day=days)
    def grant(self, i: int, status: str, day: str) -> None:
        self.cli("status", "grant", self.code(i), status, "--date", day)

    @rule(i=st.integers(0, 50), what=st.sampled_from(["refuse", "appeal", "final-refusal"]), day=days)
    def decide(self, i: int, what: str, day: str) -> None:
        self.cli("status", what, self.code(i), "--date", day)

    @rule(i=st.integers(0, 50), outcome=st.sampled_from(["positive", "negative"]), day=days)
    def court(self, i: int, outcome: str, day: str) -> None:
        self.cli("status", "court", self.code(i), outcome, "--date", day)

    @rule(
        i=st.integers(0, 50), reason=st.sampled_from(["left-latvia", "declined", "non-compliance", "other"]), day=days
    )
    def exit(self, i: int, reason: str, day: str) -> None:
        self.cli("client", "exit", self.code(i), "--reason", reason, "--date", day)

    @rule(i=st.integers(0, 50), day=days)
    def resume(self, i: int, day: str) -> None:
        self.cli("client", "resume", self.code(i), "--date", day)

    @rule(i=st.integers(0, 50), where=st.sampled_from(["riga", "mucenieki", "jelgava"]), day=days)
    def move(self, i: int, where: str, day: str) -> None:
        self.cli("client", "move", self.code(i), "--residence", where, "--date", day)

    @rule(i=st.integers(0, 50))
    def erase(self, i: int) -> None:
        if not self.codes:
            return
        before = self.reports()
        self.cli("client", "erase", self.code(i), "--yes")
        assert self.reports() == before, "an erasure changed a report"

    def reports(self) -> list[Any]:
        if not self.db.exists():
            return []
        out = [self.cli("report", "month", m, "--format", "json").stdout for m in MONTHS]
        out.append(
            self.cli("report", "period", "--from", "2020-01-01", "--to", "2021-12-31", "--format", "json").stdout
        )
        return out

    @invariant()
    def the_file_is_sound(self) -> None:
        if self.db.exists():
            r = self.runner.invoke(
                # --full: every client derived again, whatever the writer stamped (store.stamps).
                app,
                ["db", "check", "--full"],
                env={"MENTORCLI_DB": str(self.db), "MENTORCLI_TODAY": TODAY.isoformat()},
            )
            assert r.exit_code == 0, r.stderr

    @invariant()
    def the_parts_sum_to_the_whole(self) -> None:
        import json

        for text in self.reports():
            fig = json.loads(text)
            served = fig["served"]
            assert fig["women"] + fig["men"] + fig["children"] == served
            assert fig["new"] + fig["resumed"] + fig["continuing"] == served
            for key in BREAKDOWNS:
                assert sum(fig[key].values()) == served, key
            if "monthly" in fig:
                assert max(fig["monthly"].values(), default=0) <= fig["unique_persons"] <= sum(fig["monthly"].values())
                assert fig["families"] * 2 + fig["individuals"] <= served
                assert fig["active_at_end"]["served"] <= served


Coordinator.TestCase.settings = settings(
    max_examples=int(os.environ.get("MENTORCLI_STATEFUL_EXAMPLES", "8")),
    stateful_step_count=12,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
TestCoordinator = Coordinator.TestCase
