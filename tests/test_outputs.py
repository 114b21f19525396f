"""Every file a command writes goes through one writer: it never replaces the register or another
database, never half-writes, and a failed write saves and audits nothing (issue 22, SPEC 10)."""

from __future__ import annotations

import os
import sqlite3
import stat
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from conftest import Run, add_client, snapshot


def dump(db: Path) -> list[str]:
    conn = sqlite3.connect(db)
    try:
        return list(conn.iterdump())
    finally:
        conn.close()


@pytest.fixture
def register(run: Run, db_path: Path) -> Path:
    add_client(run, "LSK-1", intake="2020-03-10")
    add_client(run, "LSK-2", intake="2020-03-10", sex="F")
    return db_path


def assert_intact(run: Run, db: Path, before: list[str]) -> None:
    assert dump(db) == before
    assert run("client", "show", "LSK-1", "--format", "json").json()["code"] == "LSK-1"


def one_line(err: str) -> str:
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert "Traceback" not in err and "internal error" not in err
    return lines[0]


OUTPUT_COMMANDS = [
    ("export", "clients"),
    ("report", "month", "2020-07", "--format", "json"),
    ("report", "period", "--from", "2020-03-01", "--to", "2020-07-31", "--format", "csv"),
    ("report", "month", "2020-07", "--format", "xlsx"),
]


@pytest.mark.parametrize("command", OUTPUT_COMMANDS, ids=lambda c: " ".join(c[:2]))
@pytest.mark.parametrize("suffix", ["", "-wal", "-shm", "-journal"])
def test_the_register_and_its_files_are_never_a_target(
    run: Run, register: Path, command: tuple[str, ...], suffix: str
) -> None:
    before = dump(register)
    target = Path(f"{register}{suffix}")
    existed = target.exists()
    res = run(*command, "--output", target, ok=False)
    assert res.code == 2
    assert "register itself" in one_line(res.err)
    assert_intact(run, register, before)
    assert target.exists() == existed


def test_the_register_through_another_name_is_refused(run: Run, register: Path, tmp_path: Path) -> None:
    before = dump(register)
    link = tmp_path / "sub" / "link.csv"
    link.parent.mkdir()
    link.symlink_to(register)
    res = run("export", "clients", "--output", link, ok=False)
    assert res.code == 2 and "register itself" in res.err
    hard = tmp_path / "hard.csv"
    os.link(register, hard)
    res = run("export", "clients", "--output", hard, ok=False)
    assert res.code == 2 and "register itself" in res.err
    assert_intact(run, register, before)


def test_another_sqlite_database_is_never_replaced_even_with_force(run: Run, register: Path, tmp_path: Path) -> None:
    other = tmp_path / "other.sqlite"
    conn = sqlite3.connect(other)
    conn.execute("CREATE TABLE t (x)")
    conn.commit()
    conn.close()
    content = other.read_bytes()
    for force in ([], ["--force"]):
        res = run("export", "clients", "--output", other, *force, ok=False)
        assert res.code == 2 and "SQLite database" in one_line(res.err)
    assert other.read_bytes() == content


def test_a_file_mentorcli_did_not_write_needs_force(run: Run, register: Path, tmp_path: Path) -> None:
    notes = tmp_path / "notes.txt"
    notes.write_text("my own notes\n")
    res = run("report", "month", "2020-07", "--format", "json", "--output", notes, ok=False)
    assert res.code == 2
    line = one_line(res.err)
    assert "did not write" in line and "text" in line and "--force" in line
    assert notes.read_text() == "my own notes\n"
    run("report", "month", "2020-07", "--format", "json", "--output", notes, "--force")
    assert notes.read_text().startswith("{")


def test_an_earlier_output_of_the_same_kind_is_replaced_without_force(run: Run, register: Path, tmp_path: Path) -> None:
    for args, name in [
        (("export", "clients"), "clients.csv"),
        (("export", "clients", "--format", "xlsx"), "clients.xlsx"),
        (("report", "month", "2020-07", "--format", "json"), "month.json"),
        (("report", "month", "2020-07", "--format", "xlsx"), "month.xlsx"),
    ]:
        target = tmp_path / name
        run(*args, "--output", target)
        first = target.stat().st_ino
        run(*args, "--output", target)
        assert target.stat().st_ino != first, "the second run renamed a new file into place"
        assert stat.S_IMODE(target.stat().st_mode) == 0o600


def test_a_foreign_workbook_needs_force(run: Run, register: Path, tmp_path: Path) -> None:
    from openpyxl import Workbook

    book = tmp_path / "budget.xlsx"
    wb = Workbook()
    wb.properties.creator = "Anna"
    wb.save(book)
    content = book.read_bytes()
    res = run("report", "month", "2020-07", "--format", "xlsx", "--output", book, ok=False)
    assert res.code == 2 and "Excel" in one_line(res.err)
    assert book.read_bytes() == content


def test_a_fifo_is_written_into_not_replaced(run: Run, register: Path, tmp_path: Path) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    received: list[bytes] = []
    reader = threading.Thread(target=lambda: received.append(fifo.read_bytes()), daemon=True)
    reader.start()
    run("export", "clients", "--output", fifo)
    reader.join(timeout=30)
    assert stat.S_ISFIFO(fifo.stat().st_mode)
    assert received and received[0].startswith(b"code,")


def test_a_device_is_written_into_and_stays_a_device(run: Run, register: Path, tmp_path: Path) -> None:
    # A private copy of /dev/null (the same device numbers): a regression must not break the machine's.
    null = tmp_path / "null"
    os.mknod(null, 0o600 | stat.S_IFCHR, os.makedev(1, 3))
    run("export", "clients", "--output", null)
    assert stat.S_ISCHR(null.stat().st_mode)


def test_a_folder_is_refused(run: Run, register: Path, tmp_path: Path) -> None:
    before = dump(register)
    res = run("export", "clients", "--output", tmp_path, ok=False)
    assert res.code == 2 and "is a folder" in one_line(res.err)
    assert_intact(run, register, before)


@pytest.mark.parametrize("command", OUTPUT_COMMANDS, ids=lambda c: " ".join(c[:2]))
def test_a_missing_folder_fails_with_exit_1_and_leaves_nothing(
    run: Run, register: Path, tmp_path: Path, command: tuple[str, ...]
) -> None:
    before = dump(register)
    res = run(*command, "--output", tmp_path / "no" / "such" / "x", ok=False)
    assert res.code == 1 and "does not exist" in one_line(res.err)
    assert not (tmp_path / "no").exists()
    assert_intact(run, register, before)


def test_a_name_too_long_is_refused_everywhere(run: Run, register: Path, tmp_path: Path) -> None:
    before = dump(register)
    long = tmp_path / ("x" * 300)
    for args in [
        ("export", "clients", "--output", long),
        ("report", "month", "2020-07", "--output", long),
        ("db", "backup", long),
        ("db", "restore", long),
    ]:
        res = run(*args, ok=False)
        assert res.code == 2, args
        assert "too long" in one_line(res.err)
    assert_intact(run, register, before)
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".part")]


def test_a_failed_write_saves_no_report_and_no_audit_entry(run: Run, register: Path, tmp_path: Path) -> None:
    before = snapshot(register)
    res = run(
        "report", "month", "2020-07", "--save", "--format", "json", "--output", tmp_path / "no" / "x.json", ok=False
    )
    assert res.code == 1
    one_line(res.err)
    assert snapshot(register) == before
    res = run("report", "diff", "2020-07", ok=False)
    assert res.code == 2
    # And when the write succeeds, the report is kept.
    run("report", "month", "2020-07", "--save", "--format", "json", "--output", tmp_path / "x.json")
    assert "no figure changed" in run("report", "diff", "2020-07").out


def test_a_refused_target_saves_nothing_either(run: Run, register: Path) -> None:
    before = snapshot(register)
    res = run("report", "month", "2020-07", "--save", "--output", register, ok=False)
    assert res.code == 2
    assert snapshot(register) == before


def test_backup_never_replaces_anything(run: Run, register: Path, tmp_path: Path) -> None:
    before = dump(register)
    for target, says in [
        (register, "register itself"),
        (Path(f"{register}-wal"), "register itself"),
        (tmp_path, "folder"),
    ]:
        res = run("db", "backup", target, ok=False)
        assert res.code == 2 and says in one_line(res.err), res.err
    existing = tmp_path / "old.db"
    run("db", "backup", existing)
    res = run("db", "backup", existing, ok=False)
    assert res.code == 2 and ("exists already" in res.err or "SQLite database" in res.err)
    res = run("db", "backup", tmp_path / "none" / "b.db", ok=False)
    assert res.code == 1 and "does not exist" in one_line(res.err)
    assert_intact(run, register, before)
    assert stat.S_IMODE(existing.stat().st_mode) == 0o600
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".part")]


def test_no_partial_file_is_left_when_the_disk_is_full(register: Path, tmp_path: Path) -> None:
    """Standard output on a full disk: one line saying so, exit 1 (run as a real process)."""
    if not Path("/dev/full").exists():
        pytest.fail("this test needs /dev/full (Linux)")
    with open("/dev/full", "wb") as full:
        proc = subprocess.run(
            [sys.executable, "-m", "mentorcli", "report", "month", "2020-07", "--format", "json"],
            stdout=full,
            stderr=subprocess.PIPE,
            text=True,
            check=False,
        )
    assert proc.returncode == 1
    assert one_line(proc.stderr) == "mentorcli: cannot write the output: no space left on device"
