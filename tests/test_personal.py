"""Issue 12: personal data lives apart from the pseudonymous register; Datasette shows the register."""

from __future__ import annotations

import json
import sqlite3
import tempfile
from functools import cache
from importlib.resources import files
from pathlib import Path
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import Run, add_client, client_ids
from fixtures.make_fixtures import make
from mentorcli.store import personal
from mentorcli.store.migrations import MIGRATIONS, migrate

# Where each personal column lived before migration 0005, and where it lives now.
MOVED = {
    ("clients", "name"): ("personal_clients", "client_id"),
    ("clients", "languages"): ("personal_clients", "client_id"),
    ("goals", "text"): ("personal_goals", "goal_id"),
    ("activities", "note"): ("personal_activities", "activity_id"),
}
PERSONAL_VERSION = next(i for i, (name, _) in enumerate(MIGRATIONS) if name == "0007_personal")


def tables(conn: sqlite3.Connection) -> dict[str, list[dict[str, Any]]]:
    names = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")]
    conn.row_factory = sqlite3.Row
    out = {t: [dict(r) for r in conn.execute(f'SELECT * FROM "{t}" ORDER BY rowid')] for t in names}
    conn.row_factory = None
    return out


def put_back(after: dict[str, list[dict[str, Any]]]) -> dict[str, list[dict[str, Any]]]:
    """The tables as they were before the move: each personal value back in its old column."""
    old = {t: [dict(r) for r in rows] for t, rows in after.items() if t not in personal.TABLES}
    for (source, column), (table, key) in MOVED.items():
        held = {r[key]: r[column] for r in after[table]}
        for row in old[source]:
            row[column] = held.get(row["id"])
    return old


@cache
def _last_before_the_move() -> sqlite3.Connection:
    where = Path(tempfile.mkdtemp())
    return sqlite3.connect(make(PERSONAL_VERSION, where))


def old_database(clients: list[tuple[str | None, str | None]], texts: list[str | None]) -> sqlite3.Connection:
    """In memory, a file as the last version before the move left it, with personal data in every old column."""
    conn = sqlite3.connect(":memory:", isolation_level=None)
    _last_before_the_move().backup(conn)
    conn.execute("INSERT INTO staff (id, name, role, active_from) VALUES (1, 'Anna Bērziņa', 'mentor', '2020-01-01')")
    for i, (name, languages) in enumerate(clients, start=2):
        conn.execute(
            "INSERT INTO clients (id, code, name, sex, born, country, languages, arrived, route, residence, created)"
            " VALUES (?, ?, ?, 'F', '1990-01-01', 'SY', ?, '2020-03-10', 'relocation', 'mucenieki', 'x')",
            (i, f"C-{i}", name, languages),
        )
    for i, text in enumerate(texts, start=1):
        conn.execute(
            "INSERT INTO goals (client_id, area, text, due, state) VALUES (1, 'housing', ?, '2020-09-01', 'open')",
            (text,),
        )
        conn.execute(
            "INSERT INTO activities (date, type, staff_id, note) VALUES ('2020-04-01', 'psychologist', 1, ?)", (text,)
        )
        conn.execute("INSERT INTO activity_clients VALUES (?, 1)", (i,))
    return conn


# Any text SQLite can hold (not lone surrogates), the empty string included, or none at all.
value = st.none() | st.text(st.characters(codec="utf-8"), max_size=30)


@settings(max_examples=60, deadline=None)
@given(clients=st.lists(st.tuples(value, value), max_size=6), texts=st.lists(value, max_size=6))
def test_the_move_loses_nothing_and_changes_nothing_else(
    clients: list[tuple[str | None, str | None]], texts: list[str | None]
) -> None:
    conn = old_database(clients, texts)
    before = tables(conn)
    migrate(conn)
    after = tables(conn)
    restored = put_back(after)
    earlier = before.pop("migrations")
    known = {m["name"] for m in earlier}
    assert [m for m in restored.pop("migrations") if m["name"] in known] == earlier
    # 0009_settings adds a table of its own, empty: not this test's business.
    assert restored.pop("settings", []) == []
    # 0015_handover adds tables of its own, empty, and marks no episode as taken over.
    for table in ("earlier_episodes", "handovers", "event_provenance"):
        assert restored.pop(table, []) == []
    # 0016_derivation_stamps adds a table of its own, empty: the first db check stamps the clients.
    assert restored.pop("derivation_stamps", []) == []
    assert all(e.pop("taken_over") == 0 for e in restored["episodes"])
    # 0010_event_versions gives every event columns of its own (tests/test_corrections.py).
    versions = {"uid", "recorded_on", "recorded_at", "recorded_by", "withdrawn_on", "withdrawn_at", "supersedes"}
    restored["events"] = [{k: v for k, v in e.items() if k not in versions | {"audit_id"}} for e in restored["events"]]
    # 0014_consent_and_merges invents no consent and merges nothing.
    assert restored.pop("consent", []) == []
    assert all(c.pop("merged_into") is None and c.pop("merged_on") is None for c in restored["clients"])
    # 0013_recorded_days dates every other record and keeps its earlier versions apart (test_as_of.py).
    assert restored.pop("row_versions", []) == []
    restored = {t: [{k: v for k, v in r.items() if k != "recorded_on"} for r in rows] for t, rows in restored.items()}
    # 0012_audit_chain ties every row to an audit entry: its own, for rows that no entry names.
    assert [a["action"] for a in restored.pop("audit")] == ["migrate"] and before.pop("audit") == []
    restored = {t: [{k: v for k, v in r.items() if k != "audit_id"} for r in rows] for t, rows in restored.items()}
    assert restored == before
    # A personal row is kept only where there was something to keep.
    for table in personal.TABLES:
        assert all(any(v is not None for k, v in row.items() if not k.endswith("_id")) for row in after[table])


def test_the_register_holds_no_personal_data_and_the_code_reads_it_back(run: Run, db_path: Path) -> None:
    add_client(run, "A-1", name="Zainab Qqname", languages="qqlang", intake="2020-03-10")
    run("staff", "add", "Jānis Ozoliņš", "--role", "mentor", "--from", "2020-01-01")
    run("plan", "goal", "add", "A-1", "--area", "housing", "--due", "2020-09-01", "--text", "Qqgoal flat")
    run(
        "activity",
        "add",
        "A-1",
        "--type",
        "psychologist",
        "--date",
        "2020-04-01",
        "--staff",
        "Jānis Ozoliņš",
        "--note",
        "Qqnote",
    )
    conn = sqlite3.connect(db_path)
    names = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert {n for n in names if n.startswith("personal_")} == set(personal.TABLES)
    for (source, column), (table, _) in MOVED.items():
        assert column not in {r[1] for r in conn.execute(f"PRAGMA table_info({source})")}, source
        assert column in {r[1] for r in conn.execute(f"PRAGMA table_info({table})")}, table
    for table, rows in tables(conn).items():
        if table not in personal.TABLES:
            assert "Qq" not in json.dumps(rows, ensure_ascii=False), table
    conn.close()
    # Every reader joins it back.
    shown = run("client", "show", "A-1", "--with-names", "--format", "json").json()
    assert (shown["name"], shown["languages"]) == ("Zainab Qqname", "qqlang")
    assert run("plan", "show", "A-1", "--format", "json").json()["goals"][0]["text"] == "Qqgoal flat"
    assert run("activity", "list", "--with-notes", "--format", "json").json()[0]["note"] == "Qqnote"
    assert "Qqgoal flat" in run("export", "plans", "--with-names").out
    assert "Qqnote" in run("export", "activities", "--with-names").out


def test_a_client_without_name_or_languages_has_no_personal_row(run: Run, db_path: Path) -> None:
    add_client(run, "A-1", name="Someone", languages="arabic")
    run("client", "edit", "A-1", "--languages", "")
    conn = sqlite3.connect(db_path)
    assert conn.execute("SELECT client_id, name, languages FROM personal_clients").fetchall() == [
        (client_ids(db_path)["A-1"], "Someone", None)
    ]
    run("client", "edit", "A-1", "--name", "")
    assert conn.execute("SELECT * FROM personal_clients").fetchall() == []
    conn.close()


def test_the_datasette_metadata_labels_clients_by_code_and_hides_every_personal_table(
    run: Run, db_path: Path, tmp_path: Path
) -> None:
    add_client(run, "A-1")
    schema = set(tables(sqlite3.connect(db_path)))
    register = run("--db", str(tmp_path / "register.db"), "db", "datasette").json()
    assert list(register["databases"]) == ["register"]
    described = register["databases"]["register"]["tables"]
    assert set(described) <= schema
    assert described["clients"]["label_column"] == "code"
    assert {t for t, meta in described.items() if meta.get("hidden")} == set(personal.TABLES)
    # The file shipped in the package is the same, keyed by the default file's name.
    shipped = json.loads((files("mentorcli") / "datasette-metadata.json").read_text("utf-8"))
    assert shipped["databases"]["mentorcli"] == register["databases"]["register"]
