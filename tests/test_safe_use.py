"""Issue 19, safe first and unattended use: no stray files, restores and erasures that say where
copies are, passphrases without a terminal, placeholder rates, months saved only once over."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest

from conftest import Result, Run, add_client

Refused = Callable[..., Result]


def _files(root: Path) -> list[str]:
    return sorted(str(p.relative_to(root)) for p in root.rglob("*"))


@pytest.mark.parametrize(
    "args",
    [
        ("client", "list"),
        ("report", "month", "2020-07"),
        ("due",),
        ("db", "info"),
        ("status", "grant", "NOPE", "refugee", "--date", "2020-05-01"),  # a write that fails
        (
            "client",
            "add",
            "A-1",
            "--sex",
            "F",
            "--born",
            "1990",
            "--country",
            "SY",
            "--arrived",
            "2020-01-01",
            "--route",
            "independent",
            "--residence",
            "riga",
            "--intake",
            "2019-01-01",
        ),  # refused by the rules
        ("import", "clients", "missing.csv"),
    ],
)
def test_a_mistyped_db_leaves_no_file(run: Run, tmp_path: Path, args: tuple[str, ...]) -> None:
    where = tmp_path / "typo" / "nested" / "mentorcl.db"
    res = run("--db", where, *args, ok=False)
    assert res.code in (1, 2) and "Traceback" not in res.err
    assert not (tmp_path / "typo").exists(), _files(tmp_path)


def test_a_dry_run_on_a_new_path_leaves_no_file(run: Run, tmp_path: Path) -> None:
    csv = tmp_path / "c.csv"
    csv.write_text(
        "code,name,sex,born,country,arrived,route,residence,family,intake\n"
        "A-1,,F,1990,SY,2020-01-01,independent,riga,,\n"
    )
    res = run("--db", tmp_path / "new" / "x.db", "import", "clients", csv, "--dry-run")
    assert "created a new database" not in res.err
    assert not (tmp_path / "new").exists()


def test_a_write_with_nothing_to_do_on_a_new_path_leaves_no_file(run: Run, tmp_path: Path) -> None:
    res = run("--db", tmp_path / "new" / "x.db", "db", "purge", "--ended-before", "2020-01-01")
    assert "erased 0 clients" in res.out and "created" not in res.err
    assert not (tmp_path / "new").exists()


def test_the_first_write_says_it_created_the_database(run: Run, tmp_path: Path) -> None:
    where = tmp_path / "new" / "x.db"
    res = run(
        "--db",
        where,
        "client",
        "add",
        "A-1",
        "--sex",
        "F",
        "--born",
        "1990",
        "--country",
        "SY",
        "--arrived",
        "2020-01-01",
        "--route",
        "independent",
        "--residence",
        "riga",
    )
    assert res.err.strip() == f"created a new database at {where}"
    assert "created" not in res.out
    again = run("--db", where, "client", "edit", "A-1", "--family", "F-1")
    assert "created" not in again.err


def test_restore_twice_within_a_second_keeps_both_replaced_copies(run: Run, db_path: Path, tmp_path: Path) -> None:
    add_client(run, "A-1", intake="2020-03-10", name="Amina Example")
    run("db", "backup", tmp_path / "b.db")
    first = run("db", "restore", tmp_path / "b.db")
    second = run("db", "restore", tmp_path / "b.db")
    kept = sorted(db_path.parent.glob(f"{db_path.name}.replaced-*"))
    assert len(kept) == 2, (first.out, second.out)
    assert str(kept[0]) in first.out + second.out and str(kept[1]) in first.out + second.out


def test_erase_names_the_replaced_copies_and_purge_removes_them(run: Run, db_path: Path, tmp_path: Path) -> None:
    add_client(run, "A-1", intake="2020-03-10", name="Amina Example")
    run("db", "backup", tmp_path / "b.db")
    run("db", "restore", tmp_path / "b.db")
    (kept,) = db_path.parent.glob(f"{db_path.name}.replaced-*")
    res = run("client", "erase", "A-1", "--yes")
    assert kept.name in res.err and "mentorcli db purge --replaced" in res.err
    assert "backups" in res.err
    with sqlite3.connect(kept) as copy:
        assert copy.execute("SELECT name FROM personal_clients").fetchall() == [("Amina Example",)]
    dry = run("db", "purge", "--replaced", "--dry-run")
    assert str(kept) in dry.out and "would delete 1 replaced copy" in dry.out
    assert kept.exists()
    done = run("db", "purge", "--replaced")
    assert "deleted 1 replaced copy" in done.out
    assert not kept.exists()
    assert "replaced copies" in run("audit", "--format", "json").out
    assert "still in" not in run("client", "erase", "A-1", "--yes").err


def test_purge_needs_something_to_purge(refused: Refused) -> None:
    refused("db", "purge", says="give --ended-before DATE, --replaced, or both")


def test_encrypt_without_a_terminal_or_passphrase_says_how(
    run: Run, refused: Refused, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    add_client(run, "A-1")
    monkeypatch.delenv("MENTORCLI_PASSPHRASE", raising=False)
    res = refused("db", "backup", tmp_path / "b.enc", "--encrypt", says="set MENTORCLI_PASSPHRASE or run in a terminal")
    assert "Warning" not in res.err and "Passphrase" not in res.out
    assert not (tmp_path / "b.enc").exists()


def test_a_new_passphrase_needs_twelve_characters_but_an_old_one_still_restores(
    run: Run, refused: Refused, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    add_client(run, "A-1")
    monkeypatch.setenv("MENTORCLI_PASSPHRASE", "eleven char")
    refused("db", "backup", tmp_path / "b.enc", "--encrypt", says="at least 12")
    assert not (tmp_path / "b.enc").exists()
    # A backup made before the minimum, under a short passphrase, must still restore.
    from mentorcli.store import maintenance

    run("db", "backup", tmp_path / "plain.db")
    (tmp_path / "old.enc").write_bytes(maintenance.encrypt((tmp_path / "plain.db").read_bytes(), "short"))
    monkeypatch.setenv("MENTORCLI_PASSPHRASE", "short")
    run("db", "restore", tmp_path / "old.enc")
    monkeypatch.setenv("MENTORCLI_PASSPHRASE", "twelve chars")
    run("db", "backup", tmp_path / "new.enc", "--encrypt")


def test_invoice_warns_while_the_rates_are_placeholders(run: Run) -> None:
    add_client(run, "A-1", intake="2020-03-10")
    res = run("report", "invoice", "2020-04", "--format", "json")
    assert res.err.startswith("warning: placeholder rates") and "rate_per_client 60.00" in res.err
    run("policy", "set", "rate_per_client", "60.00", "--from", "2020-01-01")
    assert run("report", "invoice", "2020-04", "--format", "json").err == ""
    run("policy", "set", "invoice_rule", "per-staff", "--from", "2020-04-01")
    assert "rate_per_social_worker 1200.00, rate_per_mentor 900.00" in run("report", "invoice", "2020-04").err


def test_a_month_not_over_is_not_saved(run: Run, refused: Refused) -> None:
    add_client(run, "A-1", intake="2020-03-10")
    refused("--today", "15.07.2020", "report", "month", "2020-09", "--save", says="2020-09 has not ended")
    refused("--today", "15.07.2020", "report", "month", "2020-07", "--save", says="2020-07 has not ended")
    run("--today", "01.08.2020", "report", "month", "2020-07", "--save")
    # Without --save a running month is only looked at: allowed.
    run("--today", "15.07.2020", "report", "month", "2020-07")
