"""Derivation stamps (issue 18, migration 0016): `db check` derives again only the clients whose
stamp is gone, and every change to what a derivation reads or writes takes the stamp away, made
by mentorcli or by plain SQL."""

from __future__ import annotations

import hashlib
import shutil
import sqlite3
import tempfile
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import Run, add_client, client_ids
from mentorcli.core import eligibility
from mentorcli.store import stamps
from mentorcli.store.register import open_register
from test_import import CLIENTS_HEADER, EVENTS_HEADER, write

FIXTURES = Path(__file__).parent / "fixtures"
CORE = Path(eligibility.__file__).parent
# The modules whose rules derive windows and episodes, and their SHA-256 under each RULES_VERSION.
# A change to them that changes a derivation must raise RULES_VERSION (stamps of the old rules
# are then derived again); add its hash here. A change that derives the same (a comment, a
# rename) may only update the hash of the current version.
RULE_MODULES = ("eligibility.py", "legal.py", "dates.py", "policy.py")
# Version 1 updated: its records became NamedTuples and decimal is imported where an amount is read
# (start-up time); compute() can leave out the steps that explain it and the timeline caches its
# grants without a lock (the bulk import's time). The same derivations.
RULES = {1: "88d65e759a56689d85e957701d19775e538fc7cc5cf0104190176d49acb7a396"}


def _sources_hash() -> str:
    h = hashlib.sha256()
    for name in RULE_MODULES:
        h.update((CORE / name).read_bytes())
    return h.hexdigest()


def test_the_rules_version_is_raised_with_the_rules() -> None:
    assert max(RULES) == eligibility.RULES_VERSION, "add the hash of the new RULES_VERSION to RULES"
    assert RULES[eligibility.RULES_VERSION] == _sources_hash(), (
        f"core/{', '.join(RULE_MODULES)} changed: if a derivation can change, raise RULES_VERSION in "
        f"core/eligibility.py; record {_sources_hash()} for it in RULES"
    )


@pytest.fixture
def derived(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The arrival day of each timeline `db check` derives, in order."""
    seen: list[str] = []
    compute = eligibility.compute

    def counting(arrival: date, *args: object, **kw: object) -> eligibility.Timeline:
        seen.append(arrival.isoformat())
        return compute(arrival, *args, **kw)  # type: ignore[arg-type]

    monkeypatch.setattr("mentorcli.store.maintenance.compute", counting)
    return seen


def _caseload(run: Run) -> None:
    add_client(run, "A-1", intake="2020-03-10")
    add_client(run, "A-2", arrived="2020-04-01", intake="2020-04-02")
    run("status", "grant", "A-2", "refugee", "--date", "2020-05-01")
    add_client(run, "A-3", arrived="2020-05-01")


def _sql(db: Path, *statements: str) -> None:
    conn = sqlite3.connect(db)
    try:
        for s in statements:
            conn.execute(s)
        conn.commit()
    finally:
        conn.close()


def _stamped(db: Path) -> int:
    conn = sqlite3.connect(db)
    try:
        return int(conn.execute("SELECT COUNT(*) FROM derivation_stamps").fetchone()[0])
    finally:
        conn.close()


def test_the_writers_stamp_and_the_check_derives_only_the_unstamped(
    run: Run, db_path: Path, derived: list[str]
) -> None:
    _caseload(run)
    assert _stamped(db_path) == 3
    assert run("db", "check").out.strip() == "ok"
    assert derived == []
    run("db", "check", "--full")
    assert sorted(derived) == ["2020-03-10", "2020-04-01", "2020-05-01"]
    derived.clear()
    run("client", "exit", "A-1", "--reason", "declined", "--date", "2020-04-01")
    run("db", "check")
    assert derived == []


@pytest.mark.parametrize(
    ("change", "says"),
    [
        ("UPDATE windows SET \"end\" = '2020-07-09' WHERE client_id = {A1} AND seq = 0", "A-1: stored windows differ"),
        ("DELETE FROM episodes WHERE client_id = {A2}", "A-2: stored episodes differ"),
        # Outside mentorcli the audit trigger is dropped first, as anyone editing the file by hand would.
        (
            "DROP TRIGGER events_audited; UPDATE events SET date = '2020-03-20' "
            "WHERE client_id = {A1} AND event = 'intake'",
            "A-1: stored episodes differ",
        ),
        (
            "INSERT INTO policy (id, key, value, valid_from, recorded) "
            "VALUES (7, 'asylum_seeker_months', '4', '2000-01-01', 'by hand')",
            "A-1: stored episodes differ",
        ),
        (
            "DROP TRIGGER clients_audited; UPDATE clients SET arrived = '2020-03-01' WHERE id = {A3}",
            "A-3: stored windows differ",
        ),
        # A stamp of other rules is no stamp, and a trigger dropped voids them all.
        ("UPDATE derivation_stamps SET rules = 0", ""),
        ("DROP TRIGGER stamp_windows_update; UPDATE windows SET ended_by = 'other' WHERE client_id = {A1}", "A-1"),
    ],
)
def test_a_change_by_plain_sql_is_found(run: Run, db_path: Path, derived: list[str], change: str, says: str) -> None:
    _caseload(run)
    ids = client_ids(db_path)
    run("db", "check")
    _sql(db_path, *change.format(A1=ids["A-1"], A2=ids["A-2"], A3=ids["A-3"]).split("; "))
    res = run("db", "check", ok=None)
    if says:
        assert res.code == 1 and says in res.err
    else:
        assert res.code == 0 and len(derived) == 3
    # The stamps spared nothing --full would find.
    assert run("db", "check", "--full", ok=None).err == res.err


def test_a_stamp_of_other_rules_is_derived_again(
    run: Run, db_path: Path, derived: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    _caseload(run)
    monkeypatch.setattr(stamps, "RULES_VERSION", eligibility.RULES_VERSION + 1)
    run("db", "check")
    assert len(derived) == 3
    derived.clear()
    run("db", "check")  # stamped under the new rules by the check before
    assert derived == []


def test_a_register_migrated_to_0016_is_stamped_by_its_first_check(run: Run, tmp_path: Path) -> None:
    db = tmp_path / "v15.db"
    shutil.copy(FIXTURES / "schema-v15.db", db)
    before = sqlite3.connect(db)
    tables = [r[0] for r in before.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
    counts = {t: before.execute(f'SELECT COUNT(*) FROM "{t}"').fetchone()[0] for t in tables}
    clients = before.execute("SELECT COUNT(*) FROM clients WHERE merged_into IS NULL").fetchone()[0]
    before.close()
    assert clients > 0
    info = run("--db", str(db), "db", "info", "--format", "json").json()
    assert info["migrations"][-1] == "0016_derivation_stamps"
    conn = sqlite3.connect(db)
    # Every record kept (and the step recorded).
    assert {t: conn.execute(f'SELECT COUNT(*) FROM "{t}"').fetchone()[0] for t in tables} == counts | {
        "migrations": counts["migrations"] + 1
    }
    assert conn.execute("SELECT COUNT(*) FROM derivation_stamps").fetchone()[0] == 0
    assert stamps.triggers_intact(conn)
    conn.close()
    first = run("--db", str(db), "db", "check", ok=None)
    assert _stamped(db) == clients
    assert run("--db", str(db), "db", "check", ok=None).err == first.err


def test_a_check_stamps_nothing_when_the_file_changed_since_it_began(run: Run, db_path: Path) -> None:
    _caseload(run)
    _sql(db_path, "DELETE FROM derivation_stamps")
    with open_register(db_path, date(2021, 12, 31), "db check", write=False) as reg:
        reg.conn.execute("SELECT COUNT(*) FROM clients").fetchone()  # the check's snapshot begins
        _sql(db_path, "INSERT INTO settings (key, value) VALUES ('x', 'y')")  # another process commits
        assert not stamps.keep(reg.conn, list(client_ids(db_path).values()))
        assert reg.conn.in_transaction
    assert _stamped(db_path) == 0
    with open_register(db_path, date(2021, 12, 31), "db check", write=False) as reg:
        reg.conn.execute("SELECT COUNT(*) FROM clients").fetchone()
        assert stamps.keep(reg.conn, list(client_ids(db_path).values()))
    assert _stamped(db_path) == 3


def test_the_bulk_import_keeps_the_stamps_itself(run: Run, db_path: Path, tmp_path: Path, derived: list[str]) -> None:
    _caseload(run)
    clients = write(
        tmp_path, "clients.csv", CLIENTS_HEADER, "B-1,,F,1991-02-03,AF,2020-06-01,independent,riga,,2020-06-02"
    )
    events = write(tmp_path, "events.csv", EVENTS_HEADER, "A-1,2020-04-01,exit,declined", "B-1,2020-07-01,exit,other")
    # A stamp standing for a client the import writes, as if an earlier check had found it in order.
    _sql(db_path, f"INSERT OR REPLACE INTO derivation_stamps VALUES ({client_ids(db_path)['A-1']}, 1)")
    run("import", str(clients), str(events))
    conn = sqlite3.connect(db_path)
    assert stamps.triggers_intact(conn)  # lifted for the import's writes only
    conn.close()
    assert _stamped(db_path) == 4
    assert run("db", "check").out.strip() == "ok"
    assert derived == []
    # A register whose triggers were dropped keeps no stamp once an import lays them again.
    _sql(db_path, "DROP TRIGGER stamp_windows_update", "UPDATE windows SET ended_by = 'other' WHERE seq = 0")
    run("import", str(write(tmp_path, "more.csv", EVENTS_HEADER, "A-2,2020-09-01,exit,declined")))
    assert _stamped(db_path) == 0  # not even those it derived: it cannot tell what went by
    res = run("db", "check", ok=False)
    assert "stored windows differ" in res.err


# --- stamps never hide a mismatch -------------------------------------------------------------
days = st.integers(0, 600).map(lambda n: (date(2020, 1, 1) + timedelta(days=n)).isoformat())
steps = st.lists(
    st.one_of(
        st.tuples(st.just("add"), st.integers(0, 30), days),
        st.tuples(st.just("grant"), st.integers(0, 9), days),
        st.tuples(st.just("exit"), st.integers(0, 9), days),
        st.tuples(st.just("resume"), st.integers(0, 9), days),
        st.tuples(st.just("policy"), st.integers(2, 6), days),
        st.tuples(st.just("check"), st.just(0), st.just("")),
    ),
    min_size=2,
    max_size=12,
)
CORRUPTIONS = (
    ("windows", 'UPDATE windows SET "end" = date(coalesce("end", start), \'+1 day\') WHERE rowid = ?'),
    ("windows", "DELETE FROM windows WHERE rowid = ?"),
    ("episodes", "UPDATE episodes SET start = date(start, '-1 day') WHERE rowid = ?"),
    ("episodes", "UPDATE episodes SET end_reason = coalesce(end_reason, '') || 'x' WHERE rowid = ?"),
    ("episodes", "DELETE FROM episodes WHERE rowid = ?"),
    ("events", "UPDATE events SET date = date(date, '+40 days') WHERE rowid = ?"),
    ("events", "DELETE FROM events WHERE rowid = ?"),
)


@pytest.fixture
def scratch() -> Iterator[Path]:
    with tempfile.TemporaryDirectory() as d:
        yield Path(d)


@pytest.mark.slow
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(steps=steps, corruption=st.sampled_from(CORRUPTIONS), pick=st.integers(0, 1000))
def test_stamps_never_hide_a_mismatch(
    run: Run, scratch: Path, steps: list[tuple[str, object, str]], corruption: tuple[str, str], pick: int
) -> None:
    db = scratch / "p.db"  # one directory for every example: each starts from no file
    for old in scratch.iterdir():
        old.unlink()
    codes: list[str] = []
    for kind, n, day in steps:
        if kind == "add":
            code = f"P-{len(codes)}"
            intake = (date.fromisoformat(day) + timedelta(days=int(str(n)))).isoformat()
            args = ["client", "add", code, "--sex", "F", "--born", "1990-01-01", "--country", "SY"]
            args += ["--arrived", day, "--route", "independent", "--residence", "riga", "--intake", intake]
            if run("--db", str(db), *args, ok=None).code == 0:
                codes.append(code)
        elif kind == "policy":
            run("--db", str(db), "policy", "set", "asylum_seeker_months", str(n), "--from", day, ok=None)
        elif kind == "check":
            run("--db", str(db), "db", "check", ok=None)
        elif codes:
            code = codes[int(str(n)) % len(codes)]
            if kind == "grant":
                run("--db", str(db), "status", "grant", code, "refugee", "--date", day, ok=None)
            elif kind == "exit":
                run("--db", str(db), "client", "exit", code, "--reason", "declined", "--date", day, ok=None)
            else:
                run("--db", str(db), "client", "resume", code, "--date", day, ok=None)
    if not codes:
        return
    assert run("--db", str(db), "db", "check", ok=None).code == 0
    table, change = corruption
    conn = sqlite3.connect(db)
    rowids = [r[0] for r in conn.execute(f"SELECT rowid FROM {table} ORDER BY rowid")]
    if not rowids:
        conn.close()
        return
    conn.execute("DROP TRIGGER IF EXISTS events_audited")
    conn.execute(change, (rowids[pick % len(rowids)],))
    conn.commit()
    conn.close()
    res = run("--db", str(db), "db", "check", ok=None)
    if table != "events":
        assert res.code == 1, "a stored window or episode changed by hand went unnoticed"
    assert run("--db", str(db), "db", "check", "--full", ok=None).err == res.err
