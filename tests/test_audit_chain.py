"""Issue 16: identities two copies cannot collide on, and an audit log that shows tampering."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from casework_helpers import MENTOR, WORKER, assign, team
from conftest import Run, add_client, client_ids
from mentorcli.core.chain import COLUMNS, GENESIS, entry_hash
from mentorcli.store.exchange import TRAVELLING

FIXTURES = Path(__file__).parent / "fixtures"


def casework(run: Run) -> None:
    """One command of every kind that writes a travelling table."""
    team(run)
    add_client(run, "A-1", name="Ann Qq", languages="ar", intake="2020-03-10")
    add_client(run, "A-2", intake="2020-03-10")
    run("client", "edit", "A-1", "--country", "YE")
    run("status", "grant", "A-1", "refugee", "--date", "2020-06-11")
    run("client", "move", "A-1", "--residence", "riga", "--date", "2020-07-01")
    assign(run, "A-1", "2020-03-10")
    run("unassign", "A-1", "--date", "2020-08-31")
    run("plan", "complexity", "A-1", "2", "--date", "2020-03-20", "--by", WORKER)
    goal = run("plan", "goal", "add", "A-1", "--area", "housing", "--due", "2020-09-01", "--text", "Flat").out
    run("plan", "goal", "edit", goal.strip(), "--due", "2020-10-01", "--text", "A flat")
    run("activity", "type", "add", "job-fair")
    visit = ("--type", "job-fair", "--date", "2020-04-01", "--staff", MENTOR, "--note", "Both came")
    run("activity", "add", "A-1,A-2", *visit)
    run("policy", "set", "caseload_max_mentor", "25", "--from", "2021-01-01")
    run("staff", "end", MENTOR, "--date", "2021-06-30")
    run("client", "consent", "A-1", "--date", "2020-03-10")
    run("client", "consent", "A-1", "--date", "2020-03-12")


def conn_of(db: Path) -> sqlite3.Connection:
    return sqlite3.connect(db, isolation_level=None)


def test_every_new_row_of_a_travelling_table_has_a_random_id_and_its_audit_entry(run: Run, db_path: Path) -> None:
    casework(run)
    conn = conn_of(db_path)
    # A takeover writes these two (tests/test_handover.py); casework() does not take anyone over.
    for table in (t for t in TRAVELLING if t not in ("earlier_episodes", "event_provenance")):
        columns = {r[1] for r in conn.execute(f"PRAGMA table_info({table})")}
        rows = conn.execute(f"SELECT * FROM {table} WHERE audit_id IS NOT NULL").fetchall()
        # A table the commands above leave empty would pass whatever its writers do.
        assert rows, f"{table}: no row written; add a command that writes it to casework()"
        if "id" in columns:
            small = conn.execute(f"SELECT id FROM {table} WHERE id < ?", (2**62,)).fetchall()
            assert small == [], f"{table}: a new row without store.ids.new_id()"
    assert run("audit", "verify").out.startswith("ok: ")


def test_verify_an_intact_log_gives_the_count_and_the_head_that_db_info_prints(run: Run, db_path: Path) -> None:
    casework(run)
    res = run("audit", "verify", "--format", "json").json()
    conn = conn_of(db_path)
    entries, head = conn.execute(
        "SELECT COUNT(*), (SELECT hash FROM audit ORDER BY id DESC LIMIT 1) FROM audit"
    ).fetchone()
    assert res == {"entries": entries, "head": head, "ok": True, "problems": []}
    assert run("db", "info", "--format", "json").json()["audit_head"] == head
    assert run("audit", "verify", "--head", head).out.strip() == f"ok: {entries} entries, head {head}"
    # Each hash covers the entry's own columns and the one before.
    previous = GENESIS
    for *entry, prev_hash, stored in conn.execute(f"SELECT {', '.join(COLUMNS)}, prev_hash, hash FROM audit"):
        assert (prev_hash, stored) == (previous, entry_hash(previous, entry))
        previous = stored
    # Listing the log is as before, and by client.
    listed = run("audit", "--client", "A-2", "--format", "json").json()
    assert [(e["action"], e["table"]) for e in listed] == [("add", "clients"), ("add", "events")]


def broken(run: Run, *args: str) -> list[str]:
    res = run("audit", "verify", *args, ok=False)
    assert res.code == 1 and "Traceback" not in res.err
    return res.err.strip().splitlines()


def test_a_dropped_trigger_is_named(run: Run, db_path: Path) -> None:
    casework(run)
    conn = conn_of(db_path)
    conn.execute("DROP TRIGGER clients_audited")
    conn.execute("UPDATE clients SET country = 'IQ'")
    assert broken(run)[0] == "trigger clients_audited was dropped"
    conn.execute("DROP TRIGGER audit_no_delete")
    assert "trigger audit_no_delete was dropped" in broken(run)


def test_a_changed_entry_is_named_even_with_its_trigger_put_back(run: Run, db_path: Path) -> None:
    casework(run)
    conn = conn_of(db_path)
    (sql,) = conn.execute("SELECT sql FROM sqlite_master WHERE name = 'audit_no_update'").fetchone()
    conn.execute("DROP TRIGGER audit_no_update")
    conn.execute('UPDATE audit SET fields = \'{"sex": "F"}\' WHERE id = 5')
    conn.execute(sql)
    assert broken(run) == ["audit entry 5: changed after it was written"]


def test_a_deleted_entry_breaks_the_chain_and_a_cut_tail_misses_the_printed_head(run: Run, db_path: Path) -> None:
    casework(run)
    saved = run("report", "month", "2020-07", "--save", "--format", "json")
    head = run("audit", "verify", "--format", "json").json()["head"]
    assert saved.err.strip() == f"audit head: {head}"
    conn = conn_of(db_path)
    (sql,) = conn.execute("SELECT sql FROM sqlite_master WHERE name = 'audit_no_delete'").fetchone()
    conn.execute("DROP TRIGGER audit_no_delete")
    # The end of the log cut off with what it recorded: the chain that is left is whole, but the
    # head printed with the saved report is not in it.
    conn.execute("DELETE FROM saved_reports")
    conn.execute("DELETE FROM audit WHERE id = (SELECT MAX(id) FROM audit)")
    conn.execute(sql)
    assert run("audit", "verify").out.startswith("ok: ")
    assert broken(run, "--head", head) == [
        f"head {head} is not in the log: entries were removed from its end or rewritten"
    ]
    # An entry from the middle.
    conn.execute("DROP TRIGGER audit_no_delete")
    conn.execute("DELETE FROM audit WHERE id = 7")
    conn.execute(sql)
    assert broken(run)[0] == "audit entry 8: the entries before it from 7 were deleted"


def test_a_row_changed_without_its_entry_is_named(run: Run, db_path: Path) -> None:
    casework(run)
    conn = conn_of(db_path)
    # The trigger stands in the way of a plain update ...
    with pytest.raises(sqlite3.IntegrityError, match="a change needs an audit entry of its own"):
        conn.execute("UPDATE clients SET country = 'IQ' WHERE code = 'A-2'")
    # ... so the row is made to name an entry: one that does not exist, of another table or of
    # another client; each is named.
    (staff_entry,) = conn.execute("SELECT MAX(id) FROM audit WHERE tbl = 'staff'").fetchone()
    (other,) = conn.execute("SELECT MAX(id) FROM audit WHERE tbl = 'clients' AND record = 'A-1'").fetchone()
    ids = client_ids(db_path)
    conn.execute("UPDATE clients SET country = 'IQ', audit_id = 10000 WHERE code = 'A-2'")
    assert broken(run) == [f"clients row {ids['A-2']}: its audit entry 10000 does not exist"]
    conn.execute("DROP TRIGGER clients_audited")
    conn.execute("UPDATE clients SET audit_id = ? WHERE code = 'A-2'", (staff_entry,))
    assert f"clients row {ids['A-2']}: its audit entry {staff_entry} is a change of another table" in broken(run)
    conn.execute("UPDATE clients SET audit_id = ? WHERE code = 'A-2'", (other,))
    assert f"clients row {ids['A-2']}: its audit entry {other} is a change of another client" in broken(run)
    conn.execute("UPDATE clients SET audit_id = NULL WHERE code = 'A-2'")
    said = f"clients row {ids['A-2']}: changed without an audit entry (its audit_id is empty)"
    assert said in broken(run)


def test_migrating_chains_the_log_and_keeps_every_id(run: Run, tmp_path: Path) -> None:
    db = tmp_path / "old.db"
    shutil.copy(FIXTURES / "schema-v10.db", db)

    def rows(named: dict[str, list[str]]) -> dict[str, list[tuple[object, ...]]]:
        conn = conn_of(db)
        return {t: conn.execute(f"SELECT {', '.join(c)} FROM {t} ORDER BY rowid").fetchall() for t, c in named.items()}

    # The columns a v10 file has, but audit_id (the migration ties rows to its own entry).
    conn = conn_of(db)
    named = {
        t: [r[1] for r in conn.execute(f"PRAGMA table_info({t})") if r[1] != "audit_id"]
        for t in TRAVELLING
        if conn.execute(f"PRAGMA table_info({t})").fetchone()
    }
    conn.close()
    before = rows(named)
    res = run("--db", str(db), "audit", "verify", "--format", "json").json()
    assert res["ok"], res["problems"]
    assert rows(named) == before
    conn = conn_of(db)
    (entry,) = conn.execute("SELECT id FROM audit WHERE action = 'migrate'").fetchone()
    assert conn.execute("SELECT DISTINCT audit_id FROM clients").fetchall() == [(entry,)]
    # Entries made later chain on.
    run("--db", str(db), "client", "edit", "OLD-1", "--country", "IQ")
    assert run("--db", str(db), "audit", "verify").out.startswith("ok: ")


@given(
    st.lists(st.one_of(st.none(), st.integers(), st.text(max_size=5)), min_size=len(COLUMNS), max_size=len(COLUMNS)),
    st.integers(0, len(COLUMNS) - 1),
)
def test_the_hash_covers_every_column(entry: list[object], i: int) -> None:
    changed = list(entry)
    changed[i] = [changed[i]]  # another value of any kind
    assert entry_hash(GENESIS, entry) != entry_hash(GENESIS, changed)
    assert entry_hash(GENESIS, entry) != entry_hash("1" * 64, entry)
    assert entry_hash(GENESIS, entry) == entry_hash(GENESIS, tuple(entry))


@pytest.fixture(scope="module")
def logged(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A register with a log of a few dozen entries, made once for the property below."""
    from typer.testing import CliRunner

    from mentorcli.cli.app import build

    db = tmp_path_factory.mktemp("chain") / "log.db"
    for i in range(12):
        args = ["--db", str(db), "--today", "2021-12-31", "client", "add", f"P-{i}", "--sex", "F", "--born"]
        args += ["1990-01-01", "--country", "SY", "--arrived", "2020-03-10", "--route", "independent"]
        args += ["--residence", "riga", "--intake", "2020-03-10"]
        assert CliRunner().invoke(build(), args).exit_code == 0
    return db


@settings(max_examples=40, deadline=None)
@given(data=st.data())
def test_any_change_to_any_entry_is_named(
    logged: Path, tmp_path_factory: pytest.TempPathFactory, data: st.DataObject
) -> None:
    from mentorcli.store.chain import verify

    db = tmp_path_factory.mktemp("tampered") / "log.db"
    shutil.copy(logged, db)
    conn = conn_of(db)
    (n,) = conn.execute("SELECT COUNT(*) FROM audit").fetchone()
    entry = data.draw(st.integers(1, n), label="entry")
    column = data.draw(st.sampled_from(["at", "command", "action", "tbl", "record", "fields"]), label="column")
    (old,) = conn.execute(f"SELECT {column} FROM audit WHERE id = ?", (entry,)).fetchone()
    new = data.draw(st.text(max_size=8).filter(lambda t: t != old), label="value")
    (sql,) = conn.execute("SELECT sql FROM sqlite_master WHERE name = 'audit_no_update'").fetchone()
    conn.execute("DROP TRIGGER audit_no_update")
    conn.execute(f"UPDATE audit SET {column} = ? WHERE id = ?", (new, entry))
    conn.execute(sql)
    assert verify(conn).problems[:1] == [f"audit entry {entry}: changed after it was written"]
    conn.close()
