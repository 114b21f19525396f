"""Issue 6: the audit log, erasure, backups, concurrent use, crash safety, migrations."""

from __future__ import annotations

import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import Run, add_client
from mentorcli.store import personal
from mentorcli.store.migrations import MIGRATIONS

NAME = "Zainab Qqxyzzy-Haddad"
FIXTURES = Path(__file__).parent / "fixtures"


def cli(db: Path, *args: str, today: str = "2021-12-31", **kw: object) -> subprocess.Popen[str]:
    env = {**os.environ, "MENTORCLI_DB": str(db), "MENTORCLI_TODAY": today}
    return subprocess.Popen(
        [sys.executable, "-m", "mentorcli", *args], env=env, text=True, stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )


def clients_csv(path: Path, n: int, prefix: str = "C") -> Path:
    rows = ["code,name,sex,born,country,arrived,route,residence,family,intake"]
    rows += [f"{prefix}-{i:05d},,F,1990,SY,2020-03-10,relocation,mucenieki,,2020-03-10" for i in range(n)]
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return path


def test_the_audit_log_refuses_update_and_delete(run: Run, db_path: Path) -> None:
    add_client(run, "A-1")
    conn = sqlite3.connect(db_path)
    for sql in ("UPDATE audit SET command = 'x'", "DELETE FROM audit"):
        with pytest.raises(sqlite3.IntegrityError, match="append-only"):
            conn.execute(sql)
    conn.close()


def test_the_audit_log_records_each_change_without_personal_data(run: Run, db_path: Path) -> None:
    add_client(run, "A-1", name=NAME, intake="2020-03-10")
    run("client", "edit", "A-1", "--name", NAME + " Jr")
    run("status", "grant", "A-1", "refugee", "--date", "2020-06-11")
    log = run("audit", "--client", "A-1", "--format", "json").json()
    assert [(e["command"], e["action"], e["table"]) for e in log] == [
        ("client add", "add", "clients"),
        ("client add", "add", "events"),
        ("client edit", "edit", "clients"),
        ("status grant", "add", "events"),
    ]
    assert log[0]["fields"]["name"] == "(changed)"
    assert log[3]["fields"] == {"date": "2020-06-11", "event": "granted", "value": "refugee"}
    raw = sqlite3.connect(db_path).execute("SELECT group_concat(fields) FROM audit").fetchone()[0]
    assert "Qqxyzzy" not in raw


def test_erase_leaves_no_trace_of_the_name_and_keeps_the_counts(run: Run, db_path: Path) -> None:
    add_client(run, "A-1", name=NAME, languages="arabic,kurmanji", intake="2020-03-10", family="FAM-7")
    add_client(run, "A-2", name="Kept Qqkept", intake="2020-03-10", family="FAM-7")
    run("status", "grant", "A-1", "refugee", "--date", "2020-06-11")
    run("staff", "add", "Jānis Ozoliņš", "--role", "mentor", "--from", "2020-01-01")
    run("plan", "goal", "add", "A-1", "--area", "housing", "--due", "2020-09-01", "--text", "Flat for Qqxyzzy")
    run("plan", "goal", "add", "A-2", "--area", "housing", "--due", "2020-09-01", "--text", "Flat for Qqkept")
    visit = ("--type", "social-service", "--date", "2020-04-01", "--staff", "Jānis Ozoliņš")
    run("activity", "add", "A-1,A-2", *visit, "--note", "Qqxyzzy family visit")
    run("activity", "add", "A-2", *visit, "--note", "Qqkept alone")
    before = run("client", "list", "--format", "json").json()

    run("client", "erase", "A-1", "--yes")

    after = run("client", "list", "--format", "json").json()
    for view in before + after:
        view.pop("languages")
    assert after == before
    assert run("client", "show", "A-1", "--with-names", "--format", "json").json()["name"] is None
    conn = sqlite3.connect(db_path)
    for (table,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'").fetchall():
        for row in conn.execute(f'SELECT * FROM "{table}"'):
            assert not any(isinstance(v, str) and "Qqxyzzy" in v for v in row), table
    # The other client keeps their own personal data; the family visit's note named both, so it is gone.
    assert {t: conn.execute(f"SELECT * FROM {t}").fetchall() for t in personal.TABLES} == {
        "personal_clients": [
            (conn.execute("SELECT id FROM clients WHERE code = 'A-2'").fetchone()[0], "Kept Qqkept", None)
        ],
        "personal_goals": [(2, "Flat for Qqkept")],
        "personal_activities": [(2, "Qqkept alone")],
    }
    conn.close()
    for f in db_path.parent.iterdir():
        if f.name.startswith(db_path.name):
            assert b"Qqxyzzy" not in f.read_bytes(), f.name


def test_purge_erases_by_retention_date(run: Run, db_path: Path) -> None:
    add_client(run, "OLD", name=NAME, arrived="2019-01-10", intake="2019-01-10")
    add_client(run, "NEW", name="Still Served", arrived="2021-11-01", intake="2021-11-01")
    dry = run("db", "purge", "--ended-before", "2021-01-01", "--dry-run")
    assert "OLD: service ended 10.04.2019" in dry.out and "would erase 1" in dry.out
    assert run("client", "show", "OLD", "--with-names", "--format", "json").json()["name"] == NAME
    run("db", "purge", "--ended-before", "2021-01-01")
    assert run("client", "show", "OLD", "--with-names", "--format", "json").json()["name"] is None
    assert run("client", "show", "NEW", "--with-names", "--format", "json").json()["name"] == "Still Served"
    assert sqlite3.connect(db_path).execute(
        "SELECT code, name FROM personal_clients JOIN clients ON id = client_id"
    ).fetchall() == [("NEW", "Still Served")]
    for f in db_path.parent.iterdir():
        if f.name.startswith(db_path.name):
            assert b"Qqxyzzy" not in f.read_bytes(), f.name


@pytest.mark.slow
def test_backup_taken_during_writes_is_sound(tmp_path: Path, run: Run, db_path: Path) -> None:
    add_client(run, "SEED")
    writer = cli(db_path, "import", "clients", str(clients_csv(tmp_path / "big.csv", 1500)))
    backups = []
    for i in range(3):
        target = tmp_path / f"b{i}.db"
        run("db", "backup", str(target))
        backups.append(target)
        time.sleep(0.2)
    assert writer.wait(timeout=300) == 0, writer.stderr.read() if writer.stderr else ""
    for b in backups:
        conn = sqlite3.connect(b)
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        # All of the import or none of it: a backup never holds half of a transaction.
        assert conn.execute("SELECT COUNT(*) FROM clients").fetchone()[0] in (1, 1501)
        conn.close()
        assert (b.stat().st_mode & 0o777) == 0o600


def test_encrypted_backup_restores_only_with_the_passphrase(
    tmp_path: Path, run: Run, db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    add_client(run, "A-1", name=NAME)
    monkeypatch.setenv("MENTORCLI_PASSPHRASE", "correct horse")
    run("db", "backup", str(tmp_path / "b.enc"), "--encrypt")
    assert b"Qqxyzzy" not in (tmp_path / "b.enc").read_bytes()
    add_client(run, "A-2")
    monkeypatch.setenv("MENTORCLI_PASSPHRASE", "wrong")
    bad = run("db", "restore", str(tmp_path / "b.enc"), ok=False)
    assert bad.code == 2 and "wrong passphrase" in bad.err
    assert len(run("client", "list", "--format", "json").json()) == 2
    monkeypatch.setenv("MENTORCLI_PASSPHRASE", "correct horse")
    done = run("db", "restore", str(tmp_path / "b.enc"))
    assert [c["code"] for c in run("client", "list", "--format", "json").json()] == ["A-1"]
    kept = next(db_path.parent.glob(db_path.name + ".replaced-*"))
    assert str(kept) in done.out
    assert sqlite3.connect(kept).execute("SELECT COUNT(*) FROM clients").fetchone()[0] == 2


def test_restore_refuses_a_file_that_is_not_a_sound_database(tmp_path: Path, run: Run, db_path: Path) -> None:
    add_client(run, "A-1")
    junk = tmp_path / "junk.db"
    junk.write_bytes(b"this is not sqlite" * 100)
    res = run("db", "restore", str(junk), ok=False)
    assert res.code == 2 and "nothing was replaced" in res.err
    assert [c["code"] for c in run("client", "list", "--format", "json").json()] == ["A-1"]
    assert not list(db_path.parent.glob("*.replaced-*"))


@pytest.mark.slow
def test_two_writers_and_a_reader_at_once(tmp_path: Path, run: Run, db_path: Path) -> None:
    add_client(run, "SEED")
    a = cli(db_path, "import", "clients", str(clients_csv(tmp_path / "a.csv", 400, "A")))
    b = cli(db_path, "import", "clients", str(clients_csv(tmp_path / "b.csv", 400, "B")))
    readers = [cli(db_path, "client", "list", "--format", "json") for _ in range(2)]
    for p in (a, b, *readers):
        out, err = p.communicate(timeout=300)
        assert p.returncode == 0, err
        if p in readers:
            # A reader sees the database before or after each import, never half of one.
            assert len(json.loads(out)) in (1, 401, 801)
    assert len(run("client", "list", "--format", "json").json()) == 801


@pytest.mark.slow
def test_kill_during_an_import_leaves_nothing_of_it(tmp_path: Path, run: Run, db_path: Path) -> None:
    add_client(run, "SEED")
    run("db", "check")
    wal = db_path.with_name(db_path.name + "-wal")
    start = wal.stat().st_size if wal.exists() else 0
    p = cli(db_path, "import", "clients", str(clients_csv(tmp_path / "big.csv", 30000)))
    deadline = time.monotonic() + 60
    # Kill only once the import is visibly writing pages, and while it is still running.
    while (not wal.exists() or wal.stat().st_size < start + 2_000_000) and time.monotonic() < deadline:
        time.sleep(0.02)
    assert p.poll() is None, "the import finished before it could be killed"
    p.send_signal(signal.SIGKILL)
    p.wait()
    assert run("db", "check").out.strip() == "ok"
    assert [c["code"] for c in run("client", "list", "--format", "json").json()] == ["SEED"]


@pytest.mark.parametrize("version", range(1, len(MIGRATIONS) + 1))
def test_a_database_of_every_schema_version_opens_and_migrates(version: int, tmp_path: Path, run: Run) -> None:
    db = tmp_path / "old.db"
    shutil.copy(FIXTURES / f"schema-v{version}.db", db)
    shown = run("--db", str(db), "client", "show", "OLD-1", "--with-names", "--format", "json").json()
    assert shown["name"] == "Fixture Person"
    assert shown["episodes"] == [{"start": "2020-03-10", "end": "2021-06-11", "end_reason": "eligibility-ended"}]
    listed = run("--db", str(db), "client", "list", "--with-names", "--format", "json").json()
    assert [c["name"] for c in listed] == ["Fixture Person"]
    exported = run("--db", str(db), "export", "clients", "--with-names").out
    assert "OLD-1,Fixture Person," in exported
    assert "Fixture Person" not in run("--db", str(db), "export", "clients").out
    conn = sqlite3.connect(db)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == len(MIGRATIONS)
    assert [r[0] for r in conn.execute("SELECT name FROM migrations ORDER BY name")] == [n for n, _ in MIGRATIONS]
    # The name has moved, not been copied: the register itself holds it nowhere.
    assert conn.execute("SELECT client_id, name FROM personal_clients").fetchall() == [(1, "Fixture Person")]
    assert "name" not in {r[1] for r in conn.execute("PRAGMA table_info(clients)")}
    conn.close()
    assert run("--db", str(db), "db", "check").out.strip() == "ok"


def test_a_newer_schema_is_refused(tmp_path: Path, run: Run) -> None:
    db = tmp_path / "new.db"
    shutil.copy(FIXTURES / f"schema-v{len(MIGRATIONS)}.db", db)
    sqlite3.connect(db).execute(f"PRAGMA user_version = {len(MIGRATIONS) + 1}")
    res = run("--db", str(db), "client", "list", ok=False)
    assert res.code == 1 and "newer than this mentorcli knows" in res.err


def test_db_check_reports_stored_episodes_that_drifted(run: Run, db_path: Path) -> None:
    add_client(run, "A-1", intake="2020-03-10")
    sqlite3.connect(db_path, isolation_level=None).execute("UPDATE episodes SET \"end\" = '2020-05-01'")
    res = run("db", "check", ok=False)
    assert (
        res.code == 1
        and res.err.strip() == "A-1: stored episodes differ from the events (run 'mentorcli db check --repair')"
    )
    run("db", "check", "--repair")
    assert run("db", "check").out.strip() == "ok"


def test_db_check_finds_casework_that_breaks_the_rules(run: Run, db_path: Path) -> None:
    run("staff", "add", "Anna Bērziņa", "--role", "social-worker", "--from", "2020-01-01")
    run("staff", "add", "Jānis Ozoliņš", "--role", "mentor", "--team", "Anna Bērziņa", "--from", "2020-01-01")
    for code in ("A-1", "A-2"):
        add_client(run, code, intake="2020-03-10")
        run("assign", code, "--worker", "Anna Bērziņa", "--mentor", "Jānis Ozoliņš", "--from", "2020-03-10")
    run("activity", "add", "A-1", "--type", "accompany-medical", "--date", "2020-04-01", "--staff", "Jānis Ozoliņš")
    assert run("db", "check").out.strip() == "ok"
    # A policy change and hand edits that no command would make.
    run("policy", "set", "caseload_max_mentor", "1", "--from", "2020-01-01")
    conn = sqlite3.connect(db_path, isolation_level=None)
    conn.execute(
        "INSERT INTO assignments (client_id, worker_id, mentor_id, start, forced) "
        "VALUES ((SELECT id FROM clients WHERE code = 'A-1'), 1, 2, '2020-04-01', 0)"
    )
    conn.execute("UPDATE activities SET date = '2020-07-01'")
    conn.close()
    res = run("db", "check", ok=False)
    assert res.code == 1
    assert res.err.strip().splitlines() == [
        "A-1: assignments from 2020-03-10 and from 2020-04-01 overlap",
        "mentor Jānis Ozoliņš: 2 clients on 2020-03-10 (maximum 1)",
        "A-1: an activity on 2020-07-01 falls outside the client's service",
        # Errors first; the episodes ended long before today, so nobody has a caseload today.
        "warning: social-worker Anna Bērziņa: 0 clients today (minimum 30)",
        "warning: mentor Jānis Ozoliņš: 0 clients today (minimum 10)",
    ]
