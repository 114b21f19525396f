"""The schema as an ordered list of named steps.

Each step runs once, inside a transaction, and is recorded in the table ``migrations``; opening
the database applies what is missing. Steps are never edited once released, never dropped, and
never rebuild a table from scratch: this file is the coordinator's only copy of the records.
``PRAGMA user_version`` holds the number of steps applied, so an up-to-date file is recognised
without loading sqlite-utils.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from mentorcli.core.errors import MentorError
from mentorcli.core.messages import N_

if TYPE_CHECKING:
    from sqlite_utils import Database

Step = Callable[["Database"], None]


def _register(db: Database) -> None:
    """The case register: clients, their dated events, and what is derived from them."""
    db.table("clients").create(
        {
            "id": int,
            "code": str,
            "name": str,
            "sex": str,
            "born": str,
            "born_year_only": int,
            "country": str,
            "languages": str,
            "arrived": str,
            "route": str,
            "residence": str,
            "family": str,
            "created": str,
        },
        pk="id",
        not_null=["code", "sex", "born", "country", "arrived", "route", "residence", "created"],
        defaults={"born_year_only": 0},
    )
    db.table("clients").create_index(["code"], unique=True)
    db.table("clients").create_index(["family"])
    # Legal decisions, service events and moves, in the vocabulary of events.csv.
    db.table("events").create(
        {"id": int, "client_id": int, "date": str, "event": str, "value": str, "recorded": str},
        pk="id",
        foreign_keys=[("client_id", "clients", "id")],
        not_null=["client_id", "date", "event", "recorded"],
    )
    db.table("events").create_index(["client_id", "date"])
    db.table("events").create_index(["event", "date"])
    # Derived from clients, events and policy; rewritten whenever one of a client's events changes.
    db.table("windows").create(
        {"client_id": int, "seq": int, "kind": str, "start": str, "end": str, "ended_by": str},
        pk=("client_id", "seq"),
        foreign_keys=[("client_id", "clients", "id")],
        not_null=["kind", "start"],
    )
    db.table("episodes").create(
        {"client_id": int, "seq": int, "start": str, "end": str, "end_reason": str, "first": int},
        pk=("client_id", "seq"),
        foreign_keys=[("client_id", "clients", "id")],
        not_null=["start", "first"],
    )
    db.table("episodes").create_index(["start"])
    db.table("episodes").create_index(["end"])
    # Versions set with `policy set`. The defaults live in core.policy alone (this step once
    # copied them here too; 0006 removes those copies from older files).
    db.table("policy").create(
        {"id": int, "key": str, "value": str, "valid_from": str, "recorded": str},
        pk="id",
        not_null=["key", "value", "valid_from", "recorded"],
    )
    db.table("audit").create(
        {"id": int, "at": str, "command": str, "action": str, "tbl": str, "record": str, "fields": str},
        pk="id",
        not_null=["at", "command", "action"],
    )
    for op in ("UPDATE", "DELETE"):
        db.execute(
            f"CREATE TRIGGER audit_no_{op.lower()} BEFORE {op} ON audit "
            "BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END"
        )


def _casework(db: Database) -> None:
    """Staff and their teams, assignments, inclusion plans, activities."""
    db.table("staff").create(
        {"id": int, "name": str, "role": str, "active_from": str, "active_to": str},
        pk="id",
        not_null=["name", "role", "active_from"],
    )
    db.table("staff").create_index(["name"], unique=True)
    # Which social worker's team a mentor belongs to, over time (a team can change hands).
    db.table("teams").create(
        {"id": int, "mentor_id": int, "worker_id": int, "start": str, "end": str},
        pk="id",
        foreign_keys=[("mentor_id", "staff", "id"), ("worker_id", "staff", "id")],
        not_null=["mentor_id", "worker_id", "start"],
    )
    db.table("assignments").create(
        {
            "id": int,
            "client_id": int,
            "worker_id": int,
            "mentor_id": int,
            "start": str,
            "end": str,
            "forced": int,
        },
        pk="id",
        foreign_keys=[("client_id", "clients", "id"), ("worker_id", "staff", "id"), ("mentor_id", "staff", "id")],
        not_null=["client_id", "start", "forced"],
        defaults={"forced": 0},
    )
    db.table("assignments").create_index(["client_id", "start"])
    db.table("assignments").create_index(["worker_id"])
    db.table("assignments").create_index(["mentor_id"])
    db.table("plan_assessments").create(
        {"id": int, "client_id": int, "date": str, "complexity": int, "assessed_by": int},
        pk="id",
        foreign_keys=[("client_id", "clients", "id"), ("assessed_by", "staff", "id")],
        not_null=["client_id", "date", "complexity"],
    )
    db.table("goals").create(
        {"id": int, "client_id": int, "area": str, "text": str, "due": str, "state": str, "closed_on": str},
        pk="id",
        foreign_keys=[("client_id", "clients", "id")],
        not_null=["client_id", "area", "state"],
        defaults={"state": "open"},
    )
    db.table("activity_types").create({"name": str, "builtin": int}, pk="name", not_null=["builtin"])
    from mentorcli.core.casework import BUILTIN_ACTIVITY_TYPES

    db.table("activity_types").insert_all({"name": t, "builtin": 1} for t in BUILTIN_ACTIVITY_TYPES)
    db.table("activities").create(
        {"id": int, "date": str, "type": str, "staff_id": int, "minutes": int, "interpreter": str, "note": str},
        pk="id",
        foreign_keys=[("type", "activity_types", "name"), ("staff_id", "staff", "id")],
        not_null=["date", "type"],
    )
    db.table("activities").create_index(["date"])
    db.table("activity_clients").create(
        {"activity_id": int, "client_id": int},
        pk=("activity_id", "client_id"),
        foreign_keys=[("activity_id", "activities", "id"), ("client_id", "clients", "id")],
    )
    db.table("activity_clients").create_index(["client_id"])


def _reports(db: Database) -> None:
    """Reports as sent, so late corrections can be shown figure by figure."""
    db.table("saved_reports").create(
        {"id": int, "kind": str, "period": str, "saved_at": str, "figures": str},
        pk="id",
        not_null=["kind", "period", "saved_at", "figures"],
    )
    db.table("saved_reports").create_index(["kind", "period"])


def _erasure(db: Database) -> None:
    """When a client's personal data was erased (NULL: never)."""
    db.table("clients").add_column("erased", str)


def _place_keys(db: Database) -> None:
    """Residences as place keys and interpreters as ISO 639 codes (issue 19).

    A value neither list knows is kept as it was; ``unmapped`` names it, on the stderr of the
    command that migrates and in ``db info``, so the coordinator can correct it.
    """
    from mentorcli.core.casework import check_language
    from mentorcli.core.clients import check_residence

    conn = db.conn
    for table, column, where, parse in (
        ("clients", "residence", "", check_residence),
        ("events", "value", "WHERE event = 'move'", check_residence),
        ("activities", "interpreter", "WHERE interpreter IS NOT NULL", check_language),
    ):
        for (value,) in conn.execute(f"SELECT DISTINCT {column} FROM {table} {where}").fetchall():
            key = _mapped(parse, value)
            if key is not None and key != value:
                extra = f"{where} AND" if where else "WHERE"
                conn.execute(f"UPDATE {table} SET {column} = ? {extra} {column} = ?", (key, value))


def _mapped(parse: Callable[[str], str | None], value: str) -> str | None:
    from mentorcli.core.errors import InputError

    try:
        return parse(value)
    except InputError:
        return None


# Where residences and interpreter languages are stored, each row named as the user knows it.
_PLACES_AND_LANGUAGES = (
    ("place", "residence", "SELECT 'client ' || code AS record, residence AS value FROM clients"),
    (
        "place",
        "residence",
        # A later move on the same day withdraws an earlier one: only the one in force counts.
        "SELECT 'client ' || c.code || ' move on ' || e.date AS record, e.value AS value FROM current_events e "
        "JOIN clients c ON c.id = e.client_id WHERE e.event = 'move'",
    ),
    (
        "language",
        "interpreter",
        "SELECT 'activity ' || id AS record, interpreter AS value FROM activities WHERE interpreter IS NOT NULL",
    ),
)


def unmapped(conn: sqlite3.Connection) -> list[str]:
    """Residences and interpreter languages that are not keys or codes of the lists, one line each."""
    from mentorcli.core.casework import check_language
    from mentorcli.core.clients import check_residence

    lines: list[str] = []
    for kind, what, rows in _PLACES_AND_LANGUAGES:
        check = check_residence if kind == "place" else check_language
        # Each distinct value is checked once: a register holds many clients but few places.
        values = [r[0] for r in conn.execute(f"SELECT DISTINCT value FROM ({rows})")]
        bad = [v for v in values if _mapped(check, v) != v]
        if bad:
            marks = ", ".join("?" * len(bad))
            found = conn.execute(f"SELECT record, value FROM ({rows}) WHERE value IN ({marks}) ORDER BY record", bad)
            for r, v in found:
                if kind == "place":
                    said = N_(
                        "{record}: {field} '{value}' is kept as it was: it is not a known place",
                        record=r,
                        field=what,
                        value=v,
                    )
                else:
                    said = N_(
                        "{record}: {field} '{value}' is kept as it was: it is not a known language",
                        record=r,
                        field=what,
                        value=v,
                    )
                lines.append(said)
    return lines


def _policy_defaults_in_code(db: Database) -> None:
    """Drop the copies of the default policy that 0001 stored: core.policy is their one source.

    Only rows equal to the default in force since the beginning go, so what is in force on any
    day stays the same; a value the coordinator set stays a version of its own.
    """
    from mentorcli.core.policy import BEGINNING, DEFAULTS, dump_value

    db.conn.executemany(
        "DELETE FROM policy WHERE key = ? AND value = ? AND valid_from = ?",
        [(k, dump_value(v), BEGINNING.isoformat()) for k, v in DEFAULTS.items()],
    )


def _personal(db: Database) -> None:
    """Personal data and free text out of the register into tables of their own (SPEC 7).

    Each value is copied before its column is dropped; a column is dropped in place (SQLite 3.35),
    the table is not rebuilt. A row is copied only where it holds something.
    """
    if sqlite3.sqlite_version_info < (3, 35, 0):
        raise MentorError(
            N_(
                "database: SQLite 3.35 or newer is needed to migrate (this is {version})",
                version=sqlite3.sqlite_version,
            )
        )
    moves = (
        ("personal_clients", "client_id", "clients", ("name", "languages")),
        ("personal_goals", "goal_id", "goals", ("text",)),
        ("personal_activities", "activity_id", "activities", ("note",)),
    )
    for table, key, source, columns in moves:
        db.table(table).create({key: int, **dict.fromkeys(columns, str)}, pk=key, foreign_keys=[(key, source, "id")])
        listed = ", ".join(columns)
        db.execute(
            f"INSERT INTO {table} ({key}, {listed}) SELECT id, {listed} FROM {source} "
            f"WHERE {' OR '.join(f'{c} IS NOT NULL' for c in columns)}"
        )
        for column in columns:
            db.execute(f'ALTER TABLE {source} DROP COLUMN "{column}"')


def _report_indexes(db: Database) -> None:
    """Indexes for what the reports, ``due`` and ``report caseload`` look up by day.

    Each one turns a full scan of a table that grows with the register into a search (tests
    read the query plans): activities counted by day and type from the index alone (229 ms to
    13 ms at 100,000 clients), episodes, windows and assignments open on a day by their end,
    open goals by due day, the latest assessment per client.
    """
    db.table("activities").create_index(["date", "type"], if_not_exists=True)
    db.table("episodes").create_index(["end", "start", "client_id"], if_not_exists=True)
    db.table("windows").create_index(["end", "start", "client_id"], if_not_exists=True)
    db.table("assignments").create_index(["end", "start"], if_not_exists=True)
    db.table("goals").create_index(["state", "due"], if_not_exists=True)
    db.table("goals").create_index(["client_id"], if_not_exists=True)
    db.table("plan_assessments").create_index(["client_id", "date"], if_not_exists=True)


def _settings(db: Database) -> None:
    """Settings of this register that are not rules (the language of its texts)."""
    db.table("settings").create({"key": str, "value": str}, pk="key", not_null=["value"])


def _event_versions(db: Database) -> None:
    """Events as versions with an identity and who recorded them when (SPEC 10, issue 19).

    A correction withdraws a version and adds a new one; readers see ``current_events`` only.
    What an older file cannot tell stays NULL: ``recorded_on`` is the day of the matching audit
    entry, else of the row's own time, and ``recorded_by`` was never kept.
    """
    import uuid

    conn = db.conn
    for column, kind in (
        ("uid", "TEXT"),
        ("recorded_on", "TEXT"),
        ("recorded_at", "TEXT"),
        ("recorded_by", "TEXT"),
        ("withdrawn_on", "TEXT"),
        ("withdrawn_at", "TEXT"),
        ("supersedes", "TEXT"),
        ("audit_id", "INTEGER REFERENCES audit(id)"),
    ):
        conn.execute(f"ALTER TABLE events ADD COLUMN {column} {kind}")
    conn.executemany(
        "UPDATE events SET uid = ? WHERE id = ?",
        [(uuid.uuid4().hex, r[0]) for r in conn.execute("SELECT id FROM events")],
    )
    # The latest audit entry that wrote this client's event of that day, kind and value.
    conn.execute(
        "UPDATE events SET audit_id = (SELECT MAX(a.id) FROM audit a JOIN clients c ON c.code = a.record "
        "WHERE a.tbl = 'events' AND c.id = events.client_id AND json_valid(a.fields) "
        "AND json_extract(a.fields, '$.date') = events.date AND json_extract(a.fields, '$.event') = events.event "
        "AND json_extract(a.fields, '$.value') IS events.value)"
    )
    day = "CASE WHEN {0} GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]*' THEN substr({0}, 1, 10) END"
    conn.execute(
        "UPDATE events SET recorded_on = COALESCE("
        f"(SELECT {day.format('a.at')} FROM audit a WHERE a.id = events.audit_id), {day.format('recorded')}), "
        f"recorded_at = CASE WHEN {day.format('recorded')} IS NOT NULL THEN recorded END"
    )
    conn.execute("CREATE UNIQUE INDEX events_uid ON events (uid)")
    conn.execute("CREATE VIEW current_events AS SELECT * FROM events WHERE withdrawn_on IS NULL")


def _identities(db: Database) -> None:
    """Rows made from now on take random ids (``store.ids.new_id``) that two copies of one register
    cannot both make; every existing row keeps its id, the same in every copy made from it.

    Nothing is rewritten: the step marks the schema, so that an older mentorcli, which numbers
    new rows 1, 2, 3 … and would collide, refuses the file.
    """


def _audit_chain(db: Database) -> None:
    """The audit log as a hash chain, and each data row tied to the entry of its last change (SPEC 10).

    The entries there are chained as they stand (the append-only triggers are lifted while they
    are hashed); rows of the travelling tables that no entry is known for carry this step's own
    entry, so every row from here on names one.
    """
    from mentorcli.store import chain

    conn = db.conn
    conn.execute("ALTER TABLE audit ADD COLUMN prev_hash TEXT")
    conn.execute("ALTER TABLE audit ADD COLUMN hash TEXT")
    triggers = conn.execute("SELECT sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'audit'").fetchall()
    for op in ("update", "delete"):
        conn.execute(f"DROP TRIGGER audit_no_{op}")
    chain.chain_all(conn)
    for (sql,) in triggers:
        conn.execute(sql)
    # The travelling tables as they were at this step; later steps create theirs with audit_id.
    TRAVELLING = (
        "clients", "personal_clients", "events", "staff", "teams", "assignments", "plan_assessments", "goals",
        "personal_goals", "activity_types", "activities", "activity_clients", "personal_activities", "policy",
    )  # fmt: skip
    for table in TRAVELLING:
        if not any(r[1] == "audit_id" for r in conn.execute(f'PRAGMA table_info("{table}")')):
            conn.execute(f'ALTER TABLE "{table}" ADD COLUMN audit_id INTEGER')
    untied = [
        t
        for t in TRAVELLING
        if conn.execute(
            f'SELECT 1 FROM "{t}" WHERE audit_id IS NULL AND NOT ({chain.SHIPPED.get(t, "0")}) LIMIT 1'
        ).fetchone()
    ]
    if untied:
        entry = chain.append(conn, "migrate", "migrate", "*", "0012_audit_chain", "{}")
        for table in untied:
            conn.execute(
                f'UPDATE "{table}" SET audit_id = ? WHERE audit_id IS NULL AND NOT ({chain.SHIPPED.get(table, "0")})',
                (entry,),
            )


def _recorded_days(db: Database) -> None:
    """Every record carries the day it entered this copy, and its earlier versions are kept (SPEC 10).

    Events have been versions since 0010. The other tables that reports and ``due`` read get
    ``recorded_on`` (the "today" of its last change); a changed or removed row leaves its earlier
    version in ``row_versions`` (the row as JSON, its days from ``recorded_on`` to ``withdrawn_on``),
    written by the triggers of ``store.versions``. A client keeps the day of its ``created`` time;
    other rows were never dated and count as known from the start (NULL), as events without a day do.
    Personal tables are not versioned: an erased name must not survive anywhere.
    """
    from mentorcli.store.versions import VERSIONED

    conn = db.conn
    for table in VERSIONED:
        conn.execute(f"ALTER TABLE {table} ADD COLUMN recorded_on TEXT")
    conn.execute(
        "UPDATE clients SET recorded_on = substr(created, 1, 10) "
        "WHERE created GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]*'"
    )
    # Ids from store.ids.new_id (copies of a register merge); audit_id: the entry of the change
    # that withdrew the version.
    db.table("row_versions").create(
        {"id": int, "tbl": str, "row_id": int, "row": str, "recorded_on": str, "withdrawn_on": str, "audit_id": int},
        pk="id",
        not_null=["tbl", "row_id", "row", "withdrawn_on"],
        foreign_keys=[("audit_id", "audit", "id")],
    )
    db.table("row_versions").create_index(["tbl", "withdrawn_on"])
    db.table("row_versions").create_index(["tbl", "row_id"])
    conn.execute("CREATE INDEX row_versions_unaudited ON row_versions (id) WHERE audit_id IS NULL")
    # What changed after a day is looked up by day: a few rows of a large table.
    conn.execute("CREATE INDEX events_recorded_on ON events (recorded_on, date, client_id)")
    conn.execute(
        "CREATE INDEX events_withdrawn_on ON events (withdrawn_on, date, client_id) WHERE withdrawn_on IS NOT NULL"
    )


def _consent_and_merges(db: Database) -> None:
    """Consent to processing as versions, and the record a duplicate was merged into (issue 15).

    No client gets a consent here: a file that never recorded one cannot tell it was given (SPEC 10).
    A consent row is one version: a change marks the current one ``replaced_on`` and adds another.
    """
    db.table("consent").create(
        {
            "id": int,
            "client_id": int,
            "given": str,  # the day consent was given; NULL when only a withdrawal is known
            "withdrawn": str,  # the day it was withdrawn; NULL while it holds
            "recorded_on": str,
            "replaced_on": str,  # the "today" a later version replaced this one; NULL: current
            "audit_id": int,
        },
        pk="id",
        foreign_keys=[("client_id", "clients", "id"), ("audit_id", "audit", "id")],
        not_null=["client_id", "recorded_on"],
    )
    db.table("consent").create_index(["client_id", "replaced_on"])
    # The record that took over this one's history; the code stays resolvable and says where it went.
    db.execute("ALTER TABLE clients ADD COLUMN merged_into INTEGER REFERENCES clients(id)")
    db.execute("ALTER TABLE clients ADD COLUMN merged_on TEXT")
    # Duplicates are looked for among those born the same day (a year alone is stored as 1 January).
    db.table("clients").create_index(["born"], if_not_exists=True)


def _handover(db: Database) -> None:
    """Clients handed over between providers (SPEC 9, issue 21).

    ``earlier_episodes``: what earlier providers served a taken-over client, kept as history.
    ``event_provenance``: where and when a taken-over event was first recorded.
    ``handovers``: each handover file written (``out``) or taken over (``in``), by the SHA-256 of
    its bytes, so that a file taken over twice is recognised. Derived episodes learn whether a
    takeover opened them.
    """
    db.execute("ALTER TABLE episodes ADD COLUMN taken_over INTEGER NOT NULL DEFAULT 0")
    db.table("earlier_episodes").create(
        {
            "id": int,
            "client_id": int,
            "provider": str,
            "start": str,
            "end": str,
            "end_reason": str,
            "audit_id": int,
        },
        pk="id",
        foreign_keys=[("client_id", "clients", "id"), ("audit_id", "audit", "id")],
        not_null=["client_id", "provider", "start"],
    )
    db.table("earlier_episodes").create_index(["client_id"])
    db.table("handovers").create(
        {
            "id": int,
            "direction": str,
            "sha256": str,
            "provider": str,
            "handed_on": str,
            "applied_on": str,
            "clients": int,
            "audit_id": int,
        },
        pk="id",
        foreign_keys=[("audit_id", "audit", "id")],
        not_null=["direction", "sha256", "provider", "handed_on", "applied_on", "clients"],
    )
    db.table("handovers").create_index(["sha256", "direction"], unique=True)
    # A taken-over event is recorded here on the day of the takeover; the day it entered the
    # previous provider's register is kept as provenance (SPEC 10).
    db.table("event_provenance").create(
        {"event_uid": str, "provider": str, "recorded_on": str, "audit_id": int},
        pk="event_uid",
        foreign_keys=[("audit_id", "audit", "id")],
        not_null=["provider"],
    )


def _derivation_stamps(db: Database) -> None:
    """Which clients' windows and episodes are known to follow from their records (``store.stamps``),
    so that ``db check`` derives again only the others; and an index for its activity check.

    No client is stamped here: the first ``db check`` derives everyone, as before, and stamps the
    clients it finds in order. The index answers "is this day in one of the client's episodes"
    from the index alone (each activity is looked up once).
    """
    from mentorcli.store import stamps

    stamps.create(db.conn)
    db.execute('CREATE INDEX episodes_client_days ON episodes (client_id, start, "end")')


MIGRATIONS: list[tuple[str, Step]] = [
    ("0001_register", _register),
    ("0002_casework", _casework),
    ("0003_reports", _reports),
    ("0004_erasure", _erasure),
    ("0005_place_keys", _place_keys),
    ("0006_policy_defaults_in_code", _policy_defaults_in_code),
    ("0007_personal", _personal),
    ("0008_report_indexes", _report_indexes),
    ("0009_settings", _settings),
    ("0010_event_versions", _event_versions),
    ("0011_identities", _identities),
    ("0012_audit_chain", _audit_chain),
    ("0013_recorded_days", _recorded_days),
    ("0014_consent_and_merges", _consent_and_merges),
    ("0015_handover", _handover),
    ("0016_derivation_stamps", _derivation_stamps),
]
# What a step could not do, told to whoever runs the command that applies it.
NOTICES: dict[str, Callable[[sqlite3.Connection], list[str]]] = {"0005_place_keys": unmapped}


def notices(conn: sqlite3.Connection, applied: list[str]) -> list[str]:
    return [line for name in applied if name in NOTICES for line in NOTICES[name](conn)]


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def schema_version(conn: sqlite3.Connection) -> int:
    return int(conn.execute("PRAGMA user_version").fetchone()[0])


def _database(conn: sqlite3.Connection) -> Database:
    """sqlite-utils over ``conn``, imported without numpy and pandas where they are installed (the
    charts extra): it imports them only to write their values, which no step does, and numpy alone
    took 0.1 s of creating every register."""
    import sys

    hidden = [name for name in ("numpy", "pandas") if name not in sys.modules]
    for name in hidden:
        sys.modules[name] = None  # type: ignore[assignment]  # None: its import fails, as if not installed
    try:
        from sqlite_utils import Database
    finally:
        for name in hidden:
            del sys.modules[name]
    return Database(conn)


def migrate(conn: sqlite3.Connection) -> list[str]:
    """Apply the steps this file has not had yet; returns their names."""
    version = schema_version(conn)
    if version == len(MIGRATIONS):
        return []
    if version > len(MIGRATIONS):
        raise MentorError(
            N_(
                "database: schema version {version} is newer than this mentorcli knows ({known}); upgrade mentorcli",
                version=version,
                known=len(MIGRATIONS),
            )
        )
    db = _database(conn)
    applied: list[str] = []
    conn.execute("BEGIN IMMEDIATE")
    try:
        conn.execute("CREATE TABLE IF NOT EXISTS migrations (name TEXT PRIMARY KEY, applied_at TEXT NOT NULL)")
        done = {r[0] for r in conn.execute("SELECT name FROM migrations")}
        from mentorcli.store import chain

        # A step may rewrite rows of any table: the audit triggers (0012) are laid again after all.
        chain.lift_triggers(conn)
        for name, step in MIGRATIONS:
            if name not in done:
                step(db)
                conn.execute("INSERT INTO migrations (name, applied_at) VALUES (?, ?)", (name, _now()))
                applied.append(name)
                done.add(name)
        if "0012_audit_chain" in done:
            chain.lay_triggers(conn)
        conn.execute(f"PRAGMA user_version = {len(MIGRATIONS)}")
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")
    return applied
