"""An encrypted register (issue 21): a lost laptop leaks no name and no case code."""

from __future__ import annotations

import shutil
import sqlite3
import sys
import types
from datetime import date
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import Run, add_client
from mentorcli.core.errors import InputError
from mentorcli.store import cipher
from mentorcli.store.db import connect, is_encrypted

PASS = "correct horse battery"
NAMES = ("Qqzainab Qqhaddad", "Qqomar Qqsaleh")
CODES = ("ZQ-2020-0001", "ZQ-2020-0002")
Client = tuple[date, bool, str]


def _caseload(run: Run) -> None:
    run("staff", "add", "Qqanna Qqberzina", "--role", "social-worker", "--from", "2020-01-01")
    for code, name in zip(CODES, NAMES, strict=True):
        add_client(run, code, intake="2020-03-10", name=name)


def _leaks(path: Path) -> list[bytes]:
    data = path.read_bytes()
    secrets = [s.encode() for s in (*NAMES, *CODES, "Qqanna")]
    return [s for s in secrets if s in data]


def _one_line_exit_2(run: Run, *args: str | Path, says: str) -> None:
    r = run(*args, ok=False)
    assert r.code == 2, r.err
    assert len(r.err.strip().splitlines()) == 1 and says in r.err, r.err


def test_encrypted_register_works_with_the_passphrase_and_leaks_nothing(
    run: Run, db_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _caseload(run)
    plain_month = run("report", "month", "2020-04", "--format", "json").out
    monkeypatch.setenv("MENTORCLI_PASSPHRASE", PASS)
    run("db", "encrypt")
    assert is_encrypted(db_path) and _leaks(db_path) == []
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(db_path.name)] == [db_path.name]

    add_client(run, "ZQ-2020-0003", intake="2020-04-01", name="Qqnew Qqperson")
    shown = run("client", "show", CODES[0], "--with-names", "--format", "json").json()
    assert shown["name"] == NAMES[0]
    assert run("report", "month", "2020-04", "--format", "json").json()["served"] == 3
    assert CODES[1] in run("export", "clients").out
    run("db", "backup", tmp_path / "copy.db")
    run("db", "backup", tmp_path / "copy.enc", "--encrypt")
    for f in (db_path, tmp_path / "copy.db", tmp_path / "copy.enc"):
        assert _leaks(f) == [] and b"Qqnew" not in f.read_bytes(), f

    monkeypatch.delenv("MENTORCLI_PASSPHRASE")
    before = db_path.read_bytes()
    _one_line_exit_2(run, "client", "show", CODES[0], says="set MENTORCLI_PASSPHRASE")
    monkeypatch.setenv("MENTORCLI_PASSPHRASE", "not the passphrase")
    _one_line_exit_2(run, "report", "month", "2020-04", says="wrong passphrase")
    _one_line_exit_2(run, "staff", "add", "X", "--role", "mentor", "--from", "2020-01-01", says="wrong passphrase")
    assert db_path.read_bytes() == before

    monkeypatch.setenv("MENTORCLI_PASSPHRASE", PASS)
    add_client(run, "ZQ-2020-0004", intake="2020-03-10", name="Qqlast")
    run("db", "decrypt")
    assert not is_encrypted(db_path)
    with sqlite3.connect(db_path) as conn:
        codes = [r[0] for r in conn.execute("SELECT code FROM clients ORDER BY code")]
    assert codes == [*CODES, "ZQ-2020-0003", "ZQ-2020-0004"]
    monkeypatch.delenv("MENTORCLI_PASSPHRASE")
    assert run("report", "month", "2020-04", "--format", "json").json()["served"] == 4
    assert plain_month != run("report", "month", "2020-04", "--format", "json").out  # two clients more


def test_the_write_ahead_log_is_encrypted_too(run: Run, db_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _caseload(run)
    monkeypatch.setenv("MENTORCLI_PASSPHRASE", PASS)
    run("db", "encrypt")
    conn = connect(db_path, create=False, passphrase=lambda: PASS)
    try:
        conn.execute("BEGIN IMMEDIATE")
        # A newer audit id: the register's triggers refuse a change that names no entry of its own.
        conn.execute("UPDATE clients SET code = ?, audit_id = audit_id + 1 WHERE code = ?", ("ZQ-2020-0009", CODES[0]))
        conn.execute("COMMIT")
        wal = Path(f"{db_path}-wal")
        assert wal.stat().st_size > 0
        assert b"ZQ-2020-0009" not in wal.read_bytes()
    finally:
        conn.close()


def test_refusals(run: Run, db_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _caseload(run)
    before = db_path.read_bytes()
    _one_line_exit_2(run, "db", "decrypt", says="is not encrypted")
    monkeypatch.setenv("MENTORCLI_PASSPHRASE", "eleven char")
    _one_line_exit_2(run, "db", "encrypt", says="at least 12")
    assert db_path.read_bytes() == before and not is_encrypted(db_path)
    monkeypatch.setenv("MENTORCLI_PASSPHRASE", PASS)
    run("db", "encrypt")
    _one_line_exit_2(run, "db", "encrypt", says="encrypted already")
    # The minimum is for new passphrases: a register encrypted under a short one still opens.
    shutil.copy(tmp_path / "mentorcli.db", tmp_path / "short.db")
    cipher.convert(tmp_path / "short.db", PASS, None)
    cipher.convert(tmp_path / "short.db", None, "short")
    monkeypatch.setenv("MENTORCLI_PASSPHRASE", "short")
    assert run("--db", tmp_path / "short.db", "client", "list", "--format", "json").json()


def test_the_passphrase_file_must_be_private(run: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _caseload(run)
    monkeypatch.setenv("MENTORCLI_PASSPHRASE", PASS)
    run("db", "encrypt")
    monkeypatch.delenv("MENTORCLI_PASSPHRASE")
    secret = tmp_path / "passphrase"
    secret.write_text(PASS + "\n")
    secret.chmod(0o644)
    monkeypatch.setenv("MENTORCLI_PASSPHRASE_FILE", str(secret))
    _one_line_exit_2(run, "client", "list", says="readable by its owner alone")
    secret.chmod(0o600)
    assert len(run("client", "list", "--format", "json").json()) == 2


def _fake_keyring(monkeypatch: pytest.MonkeyPatch) -> dict[tuple[str, str], str]:
    """A keyring module that keeps passwords in the dict it returns."""
    kept: dict[tuple[str, str], str] = {}
    fake = types.ModuleType("keyring")
    fake.set_password = lambda service, user, secret: kept.__setitem__((service, user), secret)  # type: ignore[attr-defined]
    fake.get_password = lambda service, user: kept.get((service, user))  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "keyring", fake)
    return kept


def test_the_keyring_where_there_is_one(run: Run, db_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    kept = _fake_keyring(monkeypatch)
    _caseload(run)
    monkeypatch.setenv("MENTORCLI_PASSPHRASE", PASS)
    run("db", "encrypt", "--keyring")
    assert kept == {("mentorcli", str(db_path.resolve())): PASS}
    monkeypatch.delenv("MENTORCLI_PASSPHRASE")
    assert len(run("client", "list", "--format", "json").json()) == 2


def test_erasing_a_name_on_an_encrypted_register(run: Run, db_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _caseload(run)
    monkeypatch.setenv("MENTORCLI_PASSPHRASE", PASS)
    run("db", "encrypt")
    run("client", "erase", CODES[0], "--yes")
    run("db", "decrypt")
    assert NAMES[0].encode() not in db_path.read_bytes() and NAMES[1].encode() in db_path.read_bytes()


def test_merging_two_records_on_an_encrypted_register(run: Run, monkeypatch: pytest.MonkeyPatch) -> None:
    """client merge counts the rows it moved: the encrypted register's cursor tells them as sqlite3's does."""
    _caseload(run)
    monkeypatch.setenv("MENTORCLI_PASSPHRASE", PASS)
    run("db", "encrypt")
    said = run("client", "merge", CODES[0], CODES[1]).out
    assert f"{CODES[1]}: merged into {CODES[0]}" in said
    assert run("audit", "verify").code == 0 and run("db", "check").out.strip() == "ok"


def test_an_older_encrypted_register_is_migrated(run: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    old = tmp_path / "v1.db"
    shutil.copy(Path(__file__).parent / "fixtures" / "schema-v1.db", old)
    cipher.convert(old, None, PASS)
    monkeypatch.setenv("MENTORCLI_PASSPHRASE", PASS)
    info = run("--db", old, "db", "info", "--format", "json").json()
    assert info["schema_version"] == info["schema_latest"] and info["counts"]["clients"] == 1
    run("--db", old, "db", "check")


def test_rows_by_name_and_by_index() -> None:
    cls = cipher._row_class(("id", "code"))
    row = cls((7, "A-1"))
    assert (row["code"], row[0], row[-1], tuple(row)) == ("A-1", 7, "A-1", (7, "A-1"))
    assert dict(row) == {"id": 7, "code": "A-1"} and row.keys() == ["id", "code"]
    assert cipher._row_class(("id", "code")) is cls


def test_is_encrypted(tmp_path: Path) -> None:
    text = tmp_path / "notes.txt"
    text.write_text("x" * 4096)
    assert not is_encrypted(text) and not is_encrypted(tmp_path / "none.db")


MONTHS = ("2020-03", "2020-04", "2020-06", "2020-12")
CLIENTS = st.lists(
    st.tuples(st.dates(date(2020, 1, 1), date(2020, 6, 30)), st.booleans(), st.sampled_from(("SY", "AF", "IQ"))),
    min_size=1,
    max_size=6,
)


@pytest.mark.slow
@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(clients=CLIENTS)
def test_reports_are_the_same_encrypted_and_plain(
    run: Run, tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch, clients: list[Client]
) -> None:
    folder = tmp_path_factory.mktemp("same")
    plain, sealed = folder / "plain.db", folder / "sealed.db"
    monkeypatch.setenv("MENTORCLI_DB", str(plain))
    for n, (arrived, intake, country) in enumerate(clients):
        opts = {"arrived": arrived.isoformat(), "country": country, "name": f"Qqname{n}"}
        add_client(run, f"P-{n}", **opts, **({"intake": arrived.isoformat()} if intake else {}))
    shutil.copy(plain, sealed)
    cipher.convert(sealed, None, PASS)
    assert b"Qqname" not in sealed.read_bytes()
    monkeypatch.setenv("MENTORCLI_PASSPHRASE", PASS)
    for args in [("month", m) for m in MONTHS] + [("year", "2020"), ("population", "--on", "2020-05-01")]:
        want = run("--db", plain, "report", *args, "--format", "json").out
        assert run("--db", sealed, "report", *args, "--format", "json").out == want


def test_backups_of_an_encrypted_register_restore_encrypted(
    run: Run, db_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _caseload(run)
    run("db", "backup", tmp_path / "plain-before.db")
    monkeypatch.setenv("MENTORCLI_PASSPHRASE", PASS)
    run("db", "encrypt")
    run("db", "backup", tmp_path / "sealed.db")
    add_client(run, "ZQ-2020-0003", name="Qqlater")
    run("db", "restore", tmp_path / "sealed.db")
    assert is_encrypted(db_path) and _leaks(db_path) == []
    codes = [c["code"] for c in run("client", "list", "--format", "json").json()]
    assert codes == list(CODES)
    (kept,) = tmp_path.glob("mentorcli.db.replaced-*")
    assert is_encrypted(kept) and b"Qqlater" not in kept.read_bytes()
    # A plain backup restored into an encrypted register: it stays encrypted.
    run("db", "restore", tmp_path / "plain-before.db")
    assert is_encrypted(db_path) and _leaks(db_path) == []
    # Into a new place: the register it makes is encrypted like the backup.
    fresh = tmp_path / "new" / "reg.db"
    fresh.parent.mkdir()
    run("--db", fresh, "db", "restore", tmp_path / "sealed.db")
    assert is_encrypted(fresh) and len(run("--db", fresh, "client", "list", "--format", "json").json()) == 2
    monkeypatch.setenv("MENTORCLI_PASSPHRASE", "not the passphrase")
    _one_line_exit_2(run, "--db", fresh, "db", "restore", tmp_path / "sealed.db", says="wrong passphrase")


def test_the_language_kept_in_an_encrypted_register(run: Run, monkeypatch: pytest.MonkeyPatch) -> None:
    _caseload(run)
    run("db", "set", "lang", "lv")
    monkeypatch.setenv("MENTORCLI_PASSPHRASE", PASS)
    run("db", "encrypt")
    assert "Klients" in run("client", "show", CODES[0]).out


def test_a_damaged_or_foreign_file_is_one_line(run: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    noise = tmp_path / "noise.db"
    noise.write_bytes(bytes(range(256)) * 32)
    monkeypatch.setenv("MENTORCLI_PASSPHRASE", PASS)
    _one_line_exit_2(run, "--db", noise, "client", "list", says="wrong passphrase")


def test_the_connection_that_read_the_language_is_the_commands(run: Run, db_path: Path) -> None:
    _caseload(run)
    cipher.convert(db_path, None, PASS)
    peeked = cipher.peek(db_path, PASS)
    assert cipher.connect(db_path, PASS).db is peeked.db
    assert cipher.connect(db_path, PASS).db is not peeked.db  # taken over once


def test_datasette_is_told_it_cannot_open_one(run: Run, monkeypatch: pytest.MonkeyPatch) -> None:
    _caseload(run)
    assert run("db", "datasette").err == ""
    monkeypatch.setenv("MENTORCLI_PASSPHRASE", PASS)
    run("db", "encrypt")
    assert "cannot open an encrypted register" in run("db", "datasette").err


def test_encrypting_warns_of_the_plain_copies_a_restore_kept(
    run: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _caseload(run)
    run("db", "backup", tmp_path / "b.db")
    run("db", "restore", tmp_path / "b.db")
    monkeypatch.setenv("MENTORCLI_PASSPHRASE", PASS)
    assert "1 plain copy kept by db restore" in run("db", "encrypt").err


def test_changing_the_passphrase(run: Run, db_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    kept = _fake_keyring(monkeypatch)
    _caseload(run)
    monkeypatch.setenv("MENTORCLI_PASSPHRASE", PASS)
    _one_line_exit_2(run, "db", "passphrase", says="is not encrypted")
    run("db", "encrypt", "--keyring")
    run("db", "backup", tmp_path / "before.db")
    month = run("report", "month", "2020-04", "--format", "json").out
    before = db_path.read_bytes()
    _one_line_exit_2(run, "db", "passphrase", says="set MENTORCLI_NEW_PASSPHRASE")
    monkeypatch.setenv("MENTORCLI_NEW_PASSPHRASE", "short")
    _one_line_exit_2(run, "db", "passphrase", says="at least 12")
    monkeypatch.setenv("MENTORCLI_NEW_PASSPHRASE", PASS)
    _one_line_exit_2(run, "db", "passphrase", says="the one in use")
    assert db_path.read_bytes() == before

    new = "a new passphrase, longer"
    monkeypatch.setenv("MENTORCLI_NEW_PASSPHRASE", new)
    said = run("db", "passphrase").out
    assert "the passphrase is changed" in said and "kept in the system keyring" in said
    assert kept == {("mentorcli", str(db_path.resolve())): new}
    assert is_encrypted(db_path) and _leaks(db_path) == []
    _one_line_exit_2(run, "report", "month", "2020-04", says="wrong passphrase")
    monkeypatch.delenv("MENTORCLI_PASSPHRASE")  # from the keyring now
    assert run("report", "month", "2020-04", "--format", "json").out == month
    assert run("audit", "verify").code == 0
    assert "passphrase" in [e["action"] for e in run("audit", "--format", "json").json()]
    # The backup made before keeps the old passphrase.
    with pytest.raises(InputError, match="wrong passphrase"):
        cipher.peek(tmp_path / "before.db", new)
    assert cipher.peek(tmp_path / "before.db", PASS).execute("SELECT COUNT(*) FROM clients").fetchall()[0][0] == 2
