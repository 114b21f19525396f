"""Events as versions (SPEC 10): nothing recorded is overwritten, a correction withdraws and adds."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest

from conftest import TODAY, Run, add_client
from mentorcli.store.migrations import MIGRATIONS

FIXTURES = Path(__file__).parent / "fixtures"


def events(db: Path) -> list[sqlite3.Row]:
    conn = sqlite3.connect(db)
    conn.row_factory = sqlite3.Row
    try:
        return conn.execute("SELECT * FROM events ORDER BY id").fetchall()
    finally:
        conn.close()


def test_a_second_move_on_a_day_withdraws_the_first_and_keeps_it(run: Run, db_path: Path) -> None:
    add_client(run, "A", arrived="2020-03-10", intake="2020-03-10")
    run("client", "move", "A", "--residence", "riga", "--date", "2020-05-01")
    run("client", "move", "A", "--residence", "cesis", "--date", "2020-05-01")
    intake, first, second = events(db_path)
    assert (first["value"], first["withdrawn_on"]) == ("riga", TODAY) and first["withdrawn_at"]
    assert (second["value"], second["withdrawn_on"], second["supersedes"]) == ("cesis", None, first["uid"])
    assert first["audit_id"] == second["audit_id"]  # the withdrawal and the new version are one change
    for e in (intake, first, second):
        assert len(e["uid"]) == 32 and e["recorded_on"] == TODAY and e["recorded_at"] and e["audit_id"]
    assert len({e["uid"] for e in (intake, first, second)}) == 3


@pytest.mark.parametrize("version", range(1, len(MIGRATIONS)))
def test_migrating_keeps_every_event_and_gives_each_an_identity(version: int, tmp_path: Path, run: Run) -> None:
    db = tmp_path / "old.db"
    shutil.copy(FIXTURES / f"schema-v{version}.db", db)
    before = [(e["id"], e["client_id"], e["date"], e["event"], e["value"]) for e in events(db)]
    run("--db", str(db), "client", "show", "OLD-1")
    after = events(db)
    assert [(e["id"], e["client_id"], e["date"], e["event"], e["value"]) for e in after] == before
    assert len({e["uid"] for e in after}) == len(after) == 2
    # The fixtures' rows carry no real time and no audit entry: nothing is invented for them.
    assert {(e["recorded_on"], e["recorded_by"], e["withdrawn_on"], e["audit_id"]) for e in after} == {
        (None, None, None, None)
    }


def test_migrating_dates_an_event_by_its_audit_entry(tmp_path: Path, run: Run) -> None:
    db = tmp_path / "old.db"
    shutil.copy(FIXTURES / "schema-v9.db", db)
    conn = sqlite3.connect(db, isolation_level=None)
    conn.execute(
        "INSERT INTO audit (at, command, action, tbl, record, fields) VALUES ('2021-02-03T10:00:00+00:00', "
        "'status grant', 'add', 'events', 'OLD-1', '{\"date\": \"2020-06-11\", \"event\": \"granted\", "
        '"value": "refugee"}\')'
    )
    conn.close()
    run("--db", str(db), "client", "show", "OLD-1")
    intake, granted = events(db)
    assert (granted["recorded_on"], granted["audit_id"]) == ("2021-02-03", 1)
    assert (intake["recorded_on"], intake["audit_id"]) == (None, None)
