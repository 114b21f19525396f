"""Issue 16: two offices, one register: bundles of changes merged between copies."""

from __future__ import annotations

import json
import shutil
import sqlite3
from pathlib import Path

import pytest

from conftest import Result, Run, add_client, snapshot
from mentorcli.store import exchange, maintenance
from mentorcli.store.db import is_encrypted

PASSPHRASE = "correct horse battery"
ERASED = "Qqerased Name"
OLD_NAME = "Qqold Name"


@pytest.fixture(autouse=True)
def _passphrase(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MENTORCLI_PASSPHRASE", PASSPHRASE)


def copies(run: Run, tmp_path: Path) -> tuple[Path, Path]:
    """Two copies restored from one backup of a small register."""
    add_client(run, "C-1", name="Shared One", intake="2020-03-10")
    add_client(run, "C-2", name=OLD_NAME, intake="2020-03-10")
    add_client(run, "C-3", name=ERASED, intake="2020-03-10")
    backup = tmp_path / "base.db"
    run("db", "backup", backup)
    riga, mucenieki = tmp_path / "riga.db", tmp_path / "mucenieki.db"
    for db in (riga, mucenieki):
        run("--db", db, "db", "restore", backup)
    return riga, mucenieki


def in_(db: Path, run: Run, *args: object, ok: bool | None = True) -> Result:
    return run("--db", db, *args, ok=ok)


def plain(path: Path) -> bytes:
    return maintenance.decrypt(path.read_bytes(), PASSPHRASE)


# Both copies plain; both encrypted (db encrypt after the restore); a plain copy and an encrypted one.
@pytest.mark.parametrize("encrypted", [(), ("riga", "mucenieki"), ("mucenieki",)], ids=["plain", "encrypted", "mixed"])
def test_two_copies_exchange_bundles_both_ways_and_end_equal(
    run: Run, tmp_path: Path, encrypted: tuple[str, ...]
) -> None:
    riga, mucenieki = copies(run, tmp_path)
    for db in (riga, mucenieki):
        if db.stem in encrypted:
            in_(db, run, "db", "encrypt")
    client = ("--sex", "F", "--born", "1990-01-01", "--arrived", "2020-03-10", "--route", "independent",
              "--residence", "riga", "--intake", "2020-03-10")  # fmt: skip
    in_(riga, run, "client", "add", "R-1", "--country", "SY", "--name", "Riga New", *client)
    in_(riga, run, "client", "edit", "C-1", "--country", "YE")
    in_(riga, run, "client", "erase", "C-3", "--yes")
    in_(mucenieki, run, "client", "add", "M-1", "--country", "IQ", "--name", "Mucenieki New", *client)
    in_(mucenieki, run, "client", "edit", "C-1", "--country", "IQ")
    in_(mucenieki, run, "client", "edit", "C-2", "--name", "Qqnew Name")
    in_(mucenieki, run, "status", "grant", "C-2", "refugee", "--date", "2020-06-11")

    from_riga, from_mucenieki = tmp_path / "riga.bundle", tmp_path / "mucenieki.bundle"
    in_(riga, run, "db", "bundle", from_riga)
    in_(mucenieki, run, "db", "bundle", from_mucenieki)
    # Encrypted; inside, no name of an erased client and no old value of a personal field.
    assert ERASED.encode() not in from_riga.read_bytes() and b"Riga New" not in from_riga.read_bytes()
    assert ERASED.encode() not in plain(from_riga) and b"Riga New" in plain(from_riga)
    assert OLD_NAME.encode() not in plain(from_mucenieki) and b"Qqnew Name" in plain(from_mucenieki)

    merged = in_(riga, run, "db", "merge", from_mucenieki, "--format", "json")
    conflicts = json.loads(merged.out)
    assert conflicts == [{"record": "C-1", "table": "clients", "ours": {"country": "YE"}, "theirs": {"country": "IQ"}}]
    assert "1 conflict left" in merged.err
    back = in_(mucenieki, run, "db", "merge", from_riga, "--format", "json")
    assert [c["theirs"] for c in json.loads(back.out)] == [{"country": "YE"}]

    def listed(db: Path) -> dict[str, tuple[str, str | None]]:
        rows = in_(db, run, "client", "list", "--with-names", "--format", "json").json()
        return {c["code"]: (c["country"], c["name"]) for c in rows}

    # The union, nothing lost; the conflicting edit applied on neither side.
    for db, country in ((riga, "YE"), (mucenieki, "IQ")):
        assert listed(db) == {
            "C-1": (country, "Shared One"),
            "C-2": ("SY", "Qqnew Name"),
            "C-3": ("SY", None),
            "M-1": ("IQ", "Mucenieki New"),
            "R-1": ("SY", "Riga New"),
        }
    # The coordinator decides: Mucenieki's value, on both sides.
    in_(riga, run, "db", "merge", from_mucenieki, "--take", "theirs", "C-1")
    in_(mucenieki, run, "db", "merge", from_riga, "--take", "ours", "C-1")
    assert listed(riga) == listed(mucenieki) and listed(riga)["C-1"] == ("IQ", "Shared One")
    report = [in_(db, run, "report", "month", "2020-06", "--format", "json").out for db in (riga, mucenieki)]
    assert report[0] == report[1] and json.loads(report[0])["by_status"]["refugee"] == 1
    for db in (riga, mucenieki):
        assert in_(db, run, "db", "check").out.strip() == "ok"
        assert in_(db, run, "audit", "verify").out.startswith("ok: ")
        shown = in_(db, run, "client", "show", "C-2", "--format", "json").json()
        assert shown["status"] == "refugee" and shown["windows"][-1]["kind"] == "status"
        # An encrypted copy's kept states are encrypted with its key; a plain copy's stay plain.
        assert {is_encrypted(state) for state in exchange.snapshots(db)} == {db.stem in encrypted}
        # The erased name is gone from the register, its -wal and the states kept for exchanges.
        for f in [*db.parent.glob(db.name + "*"), *exchange.snapshots(db)]:
            if f.is_file():
                assert ERASED.encode() not in f.read_bytes(), f
    # The next bundles hold nothing new.
    again = tmp_path / "again.bundle"
    assert in_(riga, run, "db", "bundle", again).out.strip().endswith(": 0 changes")


def test_merging_a_bundle_twice_writes_nothing_the_second_time(run: Run, tmp_path: Path) -> None:
    riga, mucenieki = copies(run, tmp_path)
    in_(riga, run, "client", "edit", "C-1", "--country", "YE")
    bundle = tmp_path / "riga.bundle"
    in_(riga, run, "db", "bundle", bundle)
    in_(mucenieki, run, "db", "merge", bundle)
    before = snapshot(mucenieki)
    res = in_(mucenieki, run, "db", "merge", bundle)
    assert res.out.strip() == "already applied on 31.12.2021"
    assert snapshot(mucenieki) == before
    # The copy that made it refuses it; a merge entry tells where every merged row came from.
    refused = in_(riga, run, "db", "merge", bundle, ok=False)
    assert refused.code == 2 and "this copy made the bundle" in refused.err
    conn = sqlite3.connect(mucenieki)
    (entry,) = conn.execute("SELECT id FROM audit WHERE action = 'merge'").fetchone()
    assert conn.execute("SELECT audit_id FROM clients WHERE code = 'C-1'").fetchone() == (entry,)


def test_a_client_registered_twice_under_one_code_is_a_conflict(run: Run, tmp_path: Path) -> None:
    riga, mucenieki = copies(run, tmp_path)
    for db, country in ((riga, "SY"), (mucenieki, "AF")):
        in_(db, run, "client", "add", "D-1", "--sex", "M", "--born", "1980-01-01", "--country", country,
            "--arrived", "2020-03-10", "--route", "independent", "--residence", "riga", "--name", "Twice",
            "--intake", "2020-03-10")  # fmt: skip
    bundle = tmp_path / "m.bundle"
    in_(mucenieki, run, "db", "bundle", bundle)
    res = in_(riga, run, "db", "merge", bundle, "--format", "json")
    (conflict,) = json.loads(res.out)
    assert (conflict["record"], conflict["ours"]["country"], conflict["theirs"]["country"]) == ("D-1", "SY", "AF")
    assert "Twice" not in res.out
    assert in_(riga, run, "db", "check").out.strip() == "ok"


def test_take_theirs_for_a_code_registered_twice_merges_ours_into_their_record(run: Run, tmp_path: Path) -> None:
    riga, mucenieki = copies(run, tmp_path)
    for db, country, day in ((riga, "SY", "2020-03-10"), (mucenieki, "AF", "2020-03-10")):
        in_(db, run, "client", "add", "D-1", "--sex", "M", "--born", "1980-01-01", "--country", country,
            "--arrived", "2020-03-10", "--route", "independent", "--residence", "riga", "--name", "Twice",
            "--intake", day)  # fmt: skip
    in_(riga, run, "client", "move", "D-1", "--residence", "jelgava", "--date", "2020-04-01")
    bundle = tmp_path / "m.bundle"
    in_(mucenieki, run, "db", "bundle", bundle)
    in_(riga, run, "db", "merge", bundle, "--format", "json")
    res = in_(riga, run, "db", "merge", bundle, "--take", "theirs", "D-1", "--format", "json")
    assert json.loads(res.out) == []
    shown = in_(riga, run, "client", "show", "D-1", "--format", "json").json()
    assert shown["country"] == "AF"  # their record, under the code
    history = in_(riga, run, "client", "history", "D-1", "--format", "json").json()
    # Ours is kept: its move joined their history, its own record stays merged under CODE/COPY.
    assert [(e["date"], e["event"]) for e in history] == [("2020-03-10", "intake"), ("2020-04-01", "move")]
    conn = sqlite3.connect(riga)
    ((aside, into),) = conn.execute("SELECT code, merged_into FROM clients WHERE code LIKE 'D-1/%'").fetchall()
    assert into == conn.execute("SELECT id FROM clients WHERE code = 'D-1'").fetchone()[0]
    conn.close()
    assert in_(riga, run, "audit", "verify").code == 0
    assert in_(riga, run, "db", "check").out.strip() == "ok"
    listed = {c["code"] for c in in_(riga, run, "client", "list", "--format", "json").json()}
    assert "D-1" in listed and aside not in listed


def test_wrong_passphrase_or_not_a_bundle_is_refused(run: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    riga, mucenieki = copies(run, tmp_path)
    bundle = tmp_path / "riga.bundle"
    in_(riga, run, "db", "bundle", bundle)
    monkeypatch.setenv("MENTORCLI_PASSPHRASE", "another passphrase")
    res = in_(mucenieki, run, "db", "merge", bundle, ok=False)
    assert res.code == 2 and "wrong passphrase" in res.err
    res = in_(mucenieki, run, "db", "merge", riga, ok=False)
    assert res.code == 2 and "not an encrypted bundle" in res.err


def test_since_names_an_earlier_exchange_by_its_bundle_or_its_day(run: Run, tmp_path: Path) -> None:
    riga, _ = copies(run, tmp_path)
    in_(riga, run, "client", "edit", "C-1", "--country", "YE")
    first = in_(riga, run, "db", "bundle", tmp_path / "1.bundle").out.split()[1]
    in_(riga, run, "client", "edit", "C-2", "--country", "IQ")
    assert in_(riga, run, "db", "bundle", tmp_path / "2.bundle").out.strip().endswith(": 1 change")
    # Again since the first bundle: the change made after it, though the second one sent it.
    again = in_(riga, run, "db", "bundle", tmp_path / "3.bundle", "--since", first).out
    assert again.strip().endswith(": 1 change")
    # By day: the last exchange made on or before it (the second bundle, today).
    assert in_(riga, run, "db", "bundle", tmp_path / "4.bundle", "--since", "2021-12-31").out.endswith(": 0 changes\n")
    refused = in_(riga, run, "db", "bundle", tmp_path / "5.bundle", "--since", "2019-01-01", ok=False)
    assert refused.code == 2 and "no exchange on or before 01.01.2019" in refused.err
    assert not (tmp_path / "5.bundle").exists()


def test_a_name_changed_on_both_sides_is_a_conflict_though_names_travel_without_old_values(
    run: Run, tmp_path: Path
) -> None:
    riga, mucenieki = copies(run, tmp_path)
    in_(riga, run, "client", "edit", "C-2", "--name", "Qqriga Name")
    in_(mucenieki, run, "client", "edit", "C-2", "--name", "Qqmucenieki Name")
    in_(mucenieki, run, "client", "edit", "C-1", "--name", "Qqonly Mucenieki")
    bundle = tmp_path / "m.bundle"
    in_(mucenieki, run, "db", "bundle", bundle)
    res = in_(riga, run, "db", "merge", bundle, "--format", "json")
    assert json.loads(res.out) == [
        {"record": "C-2", "table": "personal_clients", "ours": {"name": "(hidden)"}, "theirs": {"name": "(hidden)"}}
    ]
    assert json.loads(in_(riga, run, "db", "merge", bundle, "--take", "ours", "C-2", "--format", "json").out) == []
    names = {c["code"]: c["name"] for c in in_(riga, run, "client", "list", "--with-names", "--format", "json").json()}
    assert (names["C-1"], names["C-2"]) == ("Qqonly Mucenieki", "Qqriga Name")


def test_no_plain_copy_of_an_encrypted_register_reaches_the_disk(
    run: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import tempfile

    from mentorcli.store import cipher

    riga, mucenieki = copies(run, tmp_path)
    # The plain register the copies came from, and its backup: everything else here is scanned.
    plain_source = {f for f in tmp_path.rglob("*") if not f.name.startswith(("riga", "mucenieki"))}
    for db in (riga, mucenieki):
        in_(db, run, "db", "encrypt")
    name, code = "Qqsecret Person", "ZQ-2020-0042"
    in_(riga, run, "client", "add", code, "--sex", "F", "--born", "1990-01-01", "--country", "SY",
        "--arrived", "2020-03-10", "--route", "independent", "--residence", "riga", "--name", name,
        "--intake", "2020-03-10")  # fmt: skip
    in_(riga, run, "client", "erase", "C-3", "--yes")
    in_(mucenieki, run, "client", "edit", "C-2", "--name", "Qqnew Name")
    # The working copies of bundle and merge stay where the system's temp dir is, to be read after.
    system_tmp = tmp_path / "system-tmp"
    system_tmp.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(system_tmp))
    monkeypatch.setattr(tempfile.TemporaryDirectory, "cleanup", lambda self: None)
    monkeypatch.setattr(tempfile.TemporaryDirectory, "_cleanup", classmethod(lambda cls, *a, **k: None))
    for this, other in ((riga, mucenieki), (mucenieki, riga), (riga, mucenieki)):
        bundle = tmp_path / f"{this.stem}-{len(list(tmp_path.glob('*.bundle')))}.bundle"
        in_(this, run, "db", "bundle", bundle)
        in_(other, run, "db", "merge", bundle)
    assert in_(mucenieki, run, "client", "show", code, "--with-names", "--format", "json").json()["name"] == name

    made = [f for f in system_tmp.rglob("*") if f.is_file()]
    # The scan reads the copies the commands worked on: keyed like the register, the name inside.
    assert {f.name for f in made} >= {"base.db", "first.db", "second.db"}  # the states moved to NAME.exchanges
    (work, *_) = [f for f in made if f.name == "first.db"]
    assert cipher.connect(work, PASSPHRASE).execute("SELECT COUNT(*) FROM personal_clients").fetchone()[0] > 0
    secrets = [s.encode() for s in (name, code, "Shared One", "Qqnew Name", OLD_NAME, ERASED)]
    for f in [f for f in tmp_path.rglob("*") if f.is_file() and f not in plain_source]:
        data = f.read_bytes()
        assert [s for s in secrets if s in data] == [], f


def test_the_kept_states_follow_the_register_through_encrypt_and_decrypt(run: Run, tmp_path: Path) -> None:
    riga, mucenieki = copies(run, tmp_path)
    in_(riga, run, "db", "encrypt")
    # A plain state left beside an encrypted register (kept before this version sealed them).
    shutil.copy(exchange.snapshots(mucenieki)[-1], exchange.snapshot_dir(riga) / "00000000T000000-20211231-old.db")
    in_(riga, run, "client", "edit", "C-1", "--country", "YE")
    in_(riga, run, "db", "bundle", tmp_path / "1.bundle")
    assert [is_encrypted(s) for s in exchange.snapshots(riga)] == [True, True, True]
    in_(riga, run, "db", "decrypt")
    assert [is_encrypted(s) for s in exchange.snapshots(riga)] == [False, False, False]
    in_(riga, run, "client", "edit", "C-2", "--country", "IQ")
    assert in_(riga, run, "db", "bundle", tmp_path / "2.bundle").out.strip().endswith(": 1 change")
    for n in (1, 2):
        in_(mucenieki, run, "db", "merge", tmp_path / f"{n}.bundle")
    rows = in_(mucenieki, run, "client", "list", "--format", "json").json()
    assert {c["code"]: c["country"] for c in rows} == {"C-1": "YE", "C-2": "IQ", "C-3": "SY"}
