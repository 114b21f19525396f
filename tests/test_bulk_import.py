"""The bulk import and the commands are one set of rules; several files import as one."""

from __future__ import annotations

import json
import sqlite3
import tempfile
from datetime import date, timedelta
from functools import partial
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from conftest import TODAY, Run, snapshot
from mentorcli.cli.app import app
from mentorcli.core.eligibility import ServiceEvent, compute
from mentorcli.core.errors import InputError
from mentorcli.core.legal import StatusEvent
from test_eligibility_reference import Rule, any_service, history, resumed_histories, valid_histories
from test_import import CLIENTS_HEADER, EVENTS_HEADER, failed, show, write

# --- one set of rules: commands one by one vs the import -------------------------------------

START = date(2020, 1, 1)
EVENTS = [
    ("granted", "refugee"),
    ("granted", "alternative"),
    ("granted", "temporary-protection"),
    ("refused", ""),
    ("appealed", ""),
    ("court", "positive"),
    ("court", "negative"),
    ("final-refusal", ""),
    ("exit", "left-latvia"),
    ("exit", "declined"),
    ("resume", ""),
    ("move", "riga"),
    ("move", "cesis"),  # a second move on a day corrects the first
]

clients_st = st.lists(
    st.tuples(
        st.integers(0, 400),  # arrival, days after START
        st.one_of(st.none(), st.integers(-3, 150)),  # intake, days after arrival
        st.lists(st.tuples(st.sampled_from(EVENTS), st.integers(-5, 500)), max_size=6),  # events after arrival
    ),
    min_size=1,
    max_size=4,
)


def _day(n: int) -> str:
    return (START + timedelta(days=n)).isoformat()


def _command(code: str, day: str, event: str, value: str) -> list[str]:
    status = {"granted": "grant", "refused": "refuse", "appealed": "appeal", "court": "court"}
    if event in status:
        return ["status", status[event], code, *([value] if value else []), "--date", day]
    if event == "final-refusal":
        return ["status", "final-refusal", code, "--date", day]
    if event == "exit":
        return ["client", "exit", code, "--reason", value, "--date", day]
    if event == "move":
        return ["client", "move", code, "--residence", value, "--date", day]
    return ["client", "resume", code, "--date", day]


def _cli(runner: CliRunner, folder: Path, db: str, *args: str) -> Any:
    """A command on ``folder/db``, which may refuse its input (exit 2) but never fail otherwise."""
    env = {"MENTORCLI_DB": str(folder / db), "MENTORCLI_TODAY": TODAY, "MENTORCLI_LANG": "en"}
    r = runner.invoke(app, list(args), env=env)
    assert r.exit_code in (0, 2), f"{args}: {r.stderr}{r.exception!r}"
    return r


def _register(db: Path) -> dict[str, list[tuple[Any, ...]]]:
    """What the register holds, by client code: without the ids and uids (random), the times of
    writing and the audit log (one entry per file against one per command)."""
    if not db.exists():  # nothing was written
        return {}
    conn = sqlite3.connect(db)
    try:
        return {
            "clients": conn.execute(
                "SELECT code, sex, born, born_year_only, country, arrived, route, residence, family, p.name "
                "FROM clients c LEFT JOIN personal_clients p ON p.client_id = c.id ORDER BY code"
            ).fetchall(),
            "events": conn.execute(
                "SELECT c.code, e.date, e.event, e.value, e.recorded_on, e.recorded_by, e.withdrawn_on, "
                "s.date, s.value, e.audit_id IS NOT NULL FROM events e JOIN clients c ON c.id = e.client_id "
                "LEFT JOIN events s ON s.uid = e.supersedes ORDER BY 1, 2, 3, 4, 7"
            ).fetchall(),
            "windows": conn.execute(
                "SELECT code, seq, kind, start, w.end, ended_by FROM windows w JOIN clients c ON c.id = w.client_id "
                "ORDER BY code, seq"
            ).fetchall(),
            "episodes": conn.execute(
                "SELECT code, seq, start, e.end, end_reason, first FROM episodes e JOIN clients c ON c.id = e.client_id "
                "ORDER BY code, seq"
            ).fetchall(),
        }
    finally:
        conn.close()


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(clients=clients_st)
def test_commands_one_by_one_and_the_import_write_the_same_register(
    clients: list[tuple[int, int | None, list[tuple[tuple[str, str], int]]]],
) -> None:
    runner = CliRunner()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)

        cli = partial(_cli, runner, folder)

        client_rows: list[str] = []
        event_rows: list[str] = []
        add_commands: list[tuple[int, list[str]]] = []
        event_commands: list[tuple[str, int, list[str]]] = []
        for i, (arrival, intake, events) in enumerate(clients):
            code, arrived = f"C-{i}", _day(arrival)
            taken = _day(arrival + intake) if intake is not None else ""
            client_rows.append(f"{code},,F,1990-01-01,SY,{arrived},relocation,mucenieki,,{taken}")
            add = ["client", "add", code, "--sex", "F", "--born", "1990-01-01", "--country", "SY"]
            add += ["--arrived", arrived, "--route", "relocation", "--residence", "mucenieki"]
            add_commands.append((len(client_rows) + 1, [*add, *(["--intake", taken] if taken else [])]))
            for (event, value), offset in events:
                day = _day(arrival + offset)
                event_rows.append(f"{code},{day},{event},{value}")
                event_commands.append((day, len(event_rows) + 1, _command(code, day, event, value)))
        # The commands in the order the import meets the rows: clients first, then events by date.
        refused: dict[str, set[int]] = {"clients": set(), "events": set()}
        for line, args in add_commands:
            if cli("a.db", *args).exit_code == 2:
                refused["clients"].add(line)
        for _, line, args in sorted(event_commands, key=lambda c: (c[0], c[1])):
            if cli("a.db", *args).exit_code == 2:
                refused["events"].add(line)

        for kind, header, rows in (("clients", CLIENTS_HEADER, client_rows), ("events", EVENTS_HEADER, event_rows)):
            path = folder / f"{kind}.csv"
            path.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
            r = cli("b.db", "import", kind, str(path))
            named = {int(p.split(":")[1]) for p in r.stderr.strip().splitlines()[1:]}
            assert named == refused[kind], r.stderr
            if named:  # without the rows the commands refused, the file goes in whole
                kept = [row for n, row in enumerate(rows, start=2) if n not in named]
                path.write_text("\n".join([header, *kept]) + "\n", encoding="utf-8")
                assert cli("b.db", "import", kind, str(path)).exit_code == 0
        assert _register(folder / "a.db") == _register(folder / "b.db")


# --- several files as one import ---------------------------------------------------------------


def test_an_intake_that_only_a_grant_in_events_makes_possible(run: Run, tmp_path: Path) -> None:
    # Arrival 10.03.2020: the asylum-seeker window ends 10.06.2020; the intake on 01.07.2020 lies in
    # the status window that the grant of 20.06.2020 opens.
    clients = write(
        tmp_path, "c.csv", CLIENTS_HEADER, "A-1,,F,1990-05-01,SY,2020-03-10,relocation,mucenieki,,2020-07-01"
    )
    events = write(tmp_path, "e.csv", EVENTS_HEADER, "A-1,2020-06-20,granted,refugee")
    lines = run("import", "clients", clients, ok=False).err.strip().splitlines()
    assert lines[1].startswith("c.csv:2: intake: ") and "not eligible" in lines[1]
    res = run("import", events, clients)  # any order: the kinds come from the headers
    assert res.out == "c.csv: imported 1 client\ne.csv: imported 1 event\n"
    a1 = show(run, "A-1")
    assert (a1["status"], a1["episodes"]) == (
        "refugee",
        [{"start": "2020-07-01", "end": "2021-06-20", "end_reason": "eligibility-ended"}],
    )
    audit = run("audit", "--format", "json").json()
    assert [(a["action"], a["table"], a["record"], a["fields"]) for a in audit] == [
        ("import", "clients", "c.csv", {"rows": 1}),
        ("import", "events", "e.csv", {"rows": 1}),
    ]


def _folder(tmp_path: Path, *, bad_activity: bool) -> Path:
    folder = tmp_path / "migration"
    folder.mkdir()
    write(folder, "clients.csv", CLIENTS_HEADER, "A-1,,F,1990-05-01,SY,2020-03-10,relocation,mucenieki,,2020-03-10")
    write(folder, "events.csv", EVENTS_HEADER, "A-1,2020-05-01,granted,refugee")
    write(
        folder,
        "staff.csv",
        "name,role,team,from,to",
        "Anna Bērziņa,social-worker,,2020-01-01,",
        "Jānis Ozols,mentor,Anna Bērziņa,2020-01-01,",
    )
    write(folder, "assignments.csv", "code,worker,mentor,from,to", "A-1,Anna Bērziņa,Jānis Ozols,2020-03-10,")
    staff = "Nobody" if bad_activity else "Jānis Ozols"
    write(
        folder,
        "activities.csv",
        "code,date,type,staff,minutes,interpreter,note",
        f"A-1,2020-06-01,humanitarian-aid,{staff},60,,",
    )
    return folder


def test_a_folder_of_five_files_is_one_import(run: Run, tmp_path: Path) -> None:
    res = run("import", _folder(tmp_path, bad_activity=False))
    assert res.out.splitlines() == [
        "clients.csv: imported 1 client",
        "events.csv: imported 1 event",
        "staff.csv: imported 2 staff members",
        "assignments.csv: imported 1 assignment",
        "activities.csv: imported 1 activity",
    ]
    assert [a["table"] for a in run("audit", "--format", "json").json()] == [
        "clients",
        "events",
        "staff",
        "assignments",
        "activities",
    ]
    assert len(run("activity", "list", "--format", "json").json()) == 1


def test_a_bad_row_in_any_file_writes_nothing(run: Run, db_path: Path, tmp_path: Path) -> None:
    folder = _folder(tmp_path, bad_activity=True)
    run("import", "all", folder / "staff.csv")  # a register that already holds something
    (folder / "staff.csv").unlink()
    lines = failed(run, db_path, "import", folder, "--dry-run")
    assert lines[1:] == ["activities.csv:2: staff: 'Nobody' is not on the staff list"]
    assert lines[0].startswith("mentorcli: import: clients.csv, events.csv, assignments.csv, activities.csv: 1 problem")
    assert failed(run, db_path, "import", folder)[1:] == lines[1:]


def test_kinds_come_from_headers(run: Run, db_path: Path, tmp_path: Path) -> None:
    odd = write(tmp_path, "odd.csv", "code,when", "A-1,2020-01-01")
    (line,) = failed(run, db_path, "import", odd)
    assert line.startswith("mentorcli: odd.csv:1: the header fits no kind of file")
    one = write(tmp_path, "one.csv", EVENTS_HEADER)
    two = write(tmp_path, "two.csv", EVENTS_HEADER)
    (line,) = failed(run, db_path, "import", one, two)
    assert "two.csv and one.csv are both events files" in line
    (line,) = failed(run, db_path, "import", tmp_path / "nowhere.csv")
    assert "nowhere.csv" in line
    empty = tmp_path / "empty"
    empty.mkdir()
    (line,) = failed(run, db_path, "import", empty)
    assert "holds none of clients.csv" in line
    assert snapshot(db_path) == {}


# --- the indexes set aside while a large import writes ----------------------------------------


def _schema(path: Path, key: str | None = None) -> list[tuple[str, str]]:
    """Every index of the register, by name, with its SQL (the encrypted one read with its key)."""
    sql = "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL ORDER BY name"
    if key is None:
        with sqlite3.connect(path) as conn:
            return conn.execute(sql).fetchall()
    from mentorcli.store import cipher

    encrypted = cipher.connect(path, key)
    try:
        return [(r[0], r[1]) for r in encrypted.execute(sql).fetchall()]
    finally:
        encrypted.close()


def _clients_and_events(tmp_path: Path, n: int, first: int = 0) -> tuple[Path, Path]:
    codes = [f"IX-{first + i:04d}" for i in range(n)]
    clients = write(
        tmp_path,
        "clients.csv",
        CLIENTS_HEADER,
        *(f"{c},,F,1990-01-01,SY,2020-01-01,relocation,riga,,2020-01-10" for c in codes),
    )
    events = write(
        tmp_path,
        "events.csv",
        EVENTS_HEADER,
        *(f"{c},2020-03-01,granted,refugee" for c in codes),
        *(f"{c},2020-04-01,move,cesis" for c in codes),
        *(f"{c},2020-04-01,move,daugavpils" for c in codes[:1]),  # corrects the one before: found by uid
    )
    return clients, events


def test_an_import_that_fills_the_register_gives_back_every_index(run: Run, db_path: Path, tmp_path: Path) -> None:
    run("staff", "add", "Qqanna Qqberzina", "--role", "social-worker", "--from", "2020-01-01")
    fresh = _schema(db_path)
    assert {"events_uid", "idx_clients_code", "idx_episodes_start"} <= {name for name, _ in fresh}
    before = snapshot(db_path)
    clients, events = _clients_and_events(tmp_path, 3)
    lines = failed(
        run, db_path, "import", clients, write(tmp_path, "bad.csv", EVENTS_HEADER, "IX-0000,2020-03-01,granted,nope")
    )
    assert lines[1:] == [
        "bad.csv:2: value: 'nope' is not one of refugee, alternative, temporary-protection (for granted)"
    ]
    assert _schema(db_path) == fresh and snapshot(db_path) == before
    run("import", clients, events)
    assert _schema(db_path) == fresh
    assert run("db", "check").out.strip() == "ok"
    history = run("client", "history", "IX-0000", "--all", "--format", "json").json()
    assert [(e["event"], e["value"], e["withdrawn_on"] is not None) for e in history][-2:] == [
        ("move", "cesis", True),
        ("move", "daugavpils", False),
    ]
    # A small import into a larger register keeps the indexes as they are, and so writes into them.
    (tmp_path / "later").mkdir()
    one, more = _clients_and_events(tmp_path / "later", 1, first=100)
    run("import", one, more)
    assert _schema(db_path) == fresh and run("db", "check").out.strip() == "ok"
    assert show(run, "IX-0100")["residence"] == "daugavpils"


def test_an_import_into_an_encrypted_register(
    run: Run, db_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    run("staff", "add", "Qqanna Qqberzina", "--role", "social-worker", "--from", "2020-01-01")
    fresh = _schema(db_path)
    monkeypatch.setenv("MENTORCLI_PASSPHRASE", "correct horse battery")
    run("db", "encrypt")
    run("import", *_clients_and_events(tmp_path, 4))
    assert _schema(db_path, "correct horse battery") == fresh
    assert run("db", "check").out.strip() == "ok"
    assert show(run, "IX-0003")["residence"] == "cesis"


# --- assignments: the staff's caseloads held in memory by the import ---------------------------

assignments_st = st.lists(
    st.tuples(
        st.integers(0, 3),  # client
        st.integers(0, 2),  # mentor
        st.integers(0, 60),  # start, days after the intake
        st.one_of(st.none(), st.integers(0, 60)),  # length, if it has an end
    ),
    min_size=1,
    max_size=10,
)


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rows=assignments_st)
def test_assign_one_by_one_and_the_import_of_assignments_agree(rows: list[tuple[int, int, int, int | None]]) -> None:
    """Reassignments close or replace the one before; a caseload over the maximum refuses the row."""
    runner = CliRunner()
    intake = date(2020, 3, 1)
    mentors = ["Anna Berzina", "Ilze Klavina", "Maija Ozola"]
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)

        cli = partial(_cli, runner, folder)

        clients = folder / "clients.csv"
        lines = [CLIENTS_HEADER, *(f"A-{i},,F,1990-01-01,SY,2020-02-01,relocation,riga,,{intake}" for i in range(4))]
        clients.write_text("\n".join(lines) + "\n", encoding="utf-8")
        for db in ("a.db", "b.db"):
            cli(db, "staff", "add", "Janis Ozols", "--role", "social-worker", "--from", "2020-01-01")
            for m in mentors:
                cli(db, "staff", "add", m, "--role", "mentor", "--team", "Janis Ozols", "--from", "2020-01-01")
            cli(db, "policy", "set", "caseload_max_mentor", "2", "--from", "2020-01-01")
            cli(db, "import", "clients", str(clients))
        csv_rows = []
        commands = []
        for line, (client, mentor, start, length) in enumerate(rows, start=2):
            begin = intake + timedelta(days=start)
            end = "" if length is None else (begin + timedelta(days=length)).isoformat()
            csv_rows.append(f"A-{client},Janis Ozols,{mentors[mentor]},{begin},{end}")
            args = [
                "assign",
                f"A-{client}",
                "--worker",
                "Janis Ozols",
                "--mentor",
                mentors[mentor],
                "--from",
                str(begin),
            ]
            commands.append((begin, line, [*args, *(["--to", end] if end else [])]))
        refused = {
            line for _, line, args in sorted(commands, key=lambda c: (c[0], c[1])) if cli("a.db", *args).exit_code == 2
        }
        path = folder / "assignments.csv"
        path.write_text("\n".join(["code,worker,mentor,from,to", *csv_rows]) + "\n", encoding="utf-8")
        r = cli("b.db", "import", "assignments", str(path))
        assert {int(p.split(":")[1]) for p in r.stderr.strip().splitlines()[1:]} == refused, r.stderr
        if refused:  # without the rows the commands refused, the file goes in whole
            kept = [row for n, row in enumerate(csv_rows, start=2) if n not in refused]
            path.write_text("\n".join(["code,worker,mentor,from,to", *kept]) + "\n", encoding="utf-8")
            assert cli("b.db", "import", "assignments", str(path)).exit_code == 0, r.stderr

        def held(db: str) -> list[tuple[Any, ...]]:
            with sqlite3.connect(folder / db) as conn:
                return conn.execute(
                    "SELECT c.code, s.name, a.start, a.end, a.forced FROM assignments a JOIN clients c ON c.id = a.client_id "
                    "JOIN staff s ON s.id = a.mentor_id ORDER BY 1, 3"
                ).fetchall()

        assert held("a.db") == held("b.db")


def test_imported_activities_are_refused_and_written_as_activity_add_does(tmp_path: Path) -> None:
    """The import looks each client, staff member and type up once; the answers stay those of the command."""
    runner = CliRunner()

    def cli(db: str, *args: str | Path) -> Any:
        env = {"MENTORCLI_DB": str(tmp_path / db), "MENTORCLI_TODAY": TODAY, "MENTORCLI_LANG": "en"}
        r = runner.invoke(app, [str(a) for a in args], env=env)
        assert r.exit_code in (0, 2), f"{args}: {r.stderr}{r.exception!r}"
        return r

    staff = write(tmp_path, "staff.csv", "name,role,team,from,to", "Janis Ozols,social-worker,,2020-01-01,2020-06-30")
    clients = [CLIENTS_HEADER, *(f"F-{i},,F,1990-01-01,SY,2020-02-01,relocation,riga,,2020-03-01" for i in (1, 2))]
    for db in ("a.db", "b.db"):
        cli(db, "import", staff, write(tmp_path, "clients.csv", *clients))
    rows = [
        ("F-1", "2020-03-20", "bank-account", "Janis Ozols", "45", "arabic", "Swedbank"),
        ("F-1", "2019-01-01", "bank-account", "Janis Ozols", "", "", ""),  # F-1 known by now, not served then
        ("F-9", "2020-03-20", "bank-account", "Janis Ozols", "", "", ""),
        ("F-9", "2020-03-21", "bank-account", "Janis Ozols", "", "", ""),  # each row names its problem
        ("F-2", "2020-03-20", "Bank-Account", "janis ozols", "", "", ""),  # as typed, or found
        ("F-2", "2020-07-01", "bank-account", "Janis Ozols", "", "", ""),  # no longer active
        ("F-2", "2020-03-22", "karaoke", "Nobody", "", "", ""),
        ("F-2", "2035-01-01", "bank-account", "Janis Ozols", "", "", ""),
    ]
    said = []
    for code, day, kind, by, minutes, interpreter, note in rows:
        extra = [f"--{k}={v}" for k, v in (("minutes", minutes), ("interpreter", interpreter), ("note", note)) if v]
        r = cli("a.db", "activity", "add", code, "--type", kind, "--date", day, "--staff", by, *extra)
        said.append(r.stderr.strip().removeprefix("mentorcli: ") if r.exit_code else "")
    assert sum(1 for text in said if text) == 6
    header = "code,date,type,staff,minutes,interpreter,note"
    res = cli("b.db", "import", "activities", write(tmp_path, "activities.csv", header, *(",".join(r) for r in rows)))
    assert res.stderr.splitlines()[1:] == [
        f"activities.csv:{line}: {text}" for line, text in enumerate(said, start=2) if text
    ]
    good = [",".join(r) for r, text in zip(rows, said, strict=True) if not text]
    cli("b.db", "import", "activities", write(tmp_path, "good.csv", header, *good))
    listed = [
        [
            {k: v for k, v in a.items() if k != "id"}
            for a in json.loads(cli(db, "activity", "list", "--with-notes", "--format", "json").stdout)
        ]
        for db in ("a.db", "b.db")
    ]
    assert listed[0] == listed[1] and listed[0][0]["note"] == "Swedbank"


# --- the core's derivation without its explanation -----------------------------------------


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(any_service(), valid_histories(), resumed_histories()))
def test_compute_without_its_steps_derives_and_refuses_the_same(
    h: tuple[date, list[StatusEvent], list[ServiceEvent], list[Rule]],
) -> None:
    """The import asks for no steps (``explain=False``): the same windows and episodes, the same refusals."""
    arrival, status, service, rules = h
    ordered, policies = sorted(service, key=lambda e: e.date), history(rules)
    outcomes: list[object] = []
    for explain in (True, False):
        try:
            tl = compute(arrival, list(status), ordered, policies, explain=explain)
            outcomes.append((tl.legal, tl.windows, tl.episodes))
        except InputError as e:
            outcomes.append((e.reason, e.field))
    assert outcomes[0] == outcomes[1]


def test_new_uids_are_random_version_4_uuids() -> None:
    """The import draws its versions' uids in one go: each one a UUID of version 4 in hex, all different."""
    import uuid

    from mentorcli.store.clients import new_uids

    uids = new_uids(2000)
    assert len(set(uids)) == 2000
    for u in uids:
        parsed = uuid.UUID(u)
        assert (parsed.hex, parsed.version, parsed.variant) == (u, 4, uuid.RFC_4122)
    # Every other bit is drawn: over 2000 uids each hex digit outside the two fixed ones takes many values.
    assert all(len({u[i] for u in uids}) == 16 for i in range(32) if i not in (12, 16))


def test_an_import_into_a_new_register_leaves_it_in_wal_mode(run: Run, tmp_path: Path) -> None:
    """Its first transaction goes without the write-ahead log (each page written once); the
    register is left as every opening leaves it, with no rollback journal behind."""
    db = tmp_path / "new.db"
    clients = write(
        tmp_path, "clients.csv", CLIENTS_HEADER, "Z-1,,F,1990-01-01,SY,2020-01-10,independent,riga,,2020-01-20"
    )
    events = write(tmp_path, "events.csv", EVENTS_HEADER, "Z-1,2020-03-01,granted,refugee")
    run("--db", str(db), "import", str(clients), str(events))
    assert not Path(f"{db}-journal").exists()
    conn = sqlite3.connect(db)
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert conn.execute("SELECT count(*) FROM events").fetchone()[0] == 2
    conn.close()
