"""`client list` reads each client's windows and episodes as stored instead of deriving them again
(issue 18); on random registers what it shows is what deriving them gives."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from bench_file import generator
from conftest import Run
from mentorcli.cli.views import client_view
from mentorcli.store import clients as store
from mentorcli.store.register import open_register

# Before, inside and after the generated years: "today" decides what a view shows of an episode.
TODAYS = (date(2016, 6, 1), date(2019, 3, 15), date(2021, 7, 15), date(2030, 1, 1))


@pytest.mark.parametrize("seed", [1, 7, 2026])
def test_the_stored_timeline_is_the_derived_one(tmp_path: Path, seed: int) -> None:
    db = tmp_path / "register.db"
    generator().generate(300, db, None, seed)
    for today in TODAYS:
        with open_register(db, today, "test", write=False) as reg:
            recs = list(store.records(reg))
            pairs = list(store.stored_timelines(reg, recs))
            assert [r for r, _ in pairs] == recs
            for rec, stored in pairs:
                derived = store.timeline(reg, rec)
                assert (stored.windows, stored.episodes) == (derived.windows, derived.episodes)
                assert client_view(rec, stored, today, with_names=True) == client_view(
                    rec, derived, today, with_names=True
                )


def test_client_list_shows_what_client_show_derives(run: Run, tmp_path: Path) -> None:
    # Through the CLI: each listed row agrees with `client show`, which derives the timeline.
    db = tmp_path / "register.db"
    generator().generate(120, db, None, 5)
    base = ("--db", str(db), "--today", "2021-07-15")
    rows = run(*base, "client", "list", "--served-in", "2021-06", "--format", "json").json()
    assert rows
    for row in rows[:40]:
        shown = run(*base, "client", "show", row["code"], "--format", "json").json()
        assert {k: shown[k] for k in row} == row


def test_a_client_taken_over_is_listed_as_shown_and_checked(
    run: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The earlier providers' episodes come with the stored timeline too, and db check derives with them.
    from test_handover import HANDED_ON, PASS, _old

    monkeypatch.setenv("MENTORCLI_PASSPHRASE", PASS)
    old, new, handed = tmp_path / "lsk.db", tmp_path / "dm.db", tmp_path / "handover.enc"
    _old(run, old)
    run("--db", old, "--today", HANDED_ON, "db", "handover", handed, "--on", HANDED_ON, "--provider", "LSK")
    run("--db", new, "--today", "2017-02-01", "db", "takeover", handed)
    base = ("--db", str(new), "--today", "2017-03-01")
    rows = run(*base, "client", "list", "--served-in", "2017-02", "--format", "json").json()
    assert [r["code"] for r in rows] == ["LSK-1", "LSK-2"] and rows[0]["earlier_episodes"]
    for row in rows:
        shown = run(*base, "client", "show", row["code"], "--format", "json").json()
        assert {k: shown[k] for k in row} == row
    assert run(*base, "db", "check").out.strip() == "ok"
