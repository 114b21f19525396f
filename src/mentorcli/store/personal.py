"""Personal data and free text, kept apart from the pseudonymous register (SPEC 7).

A client's name and languages, a goal's text and an activity's note each live in a table of
their own, one row per record they belong to, and only while there is something to hold: a
missing row reads as NULL. Erasing a client deletes their rows; nothing else in the file
repeats these values (the audit log writes "(changed)" instead).
"""

from __future__ import annotations

import json
from typing import Any

from mentorcli.store.register import Register

# Every table that holds personal data; the Datasette metadata hides each one, erasure empties them.
TABLES = ("personal_clients", "personal_goals", "personal_activities")
CLIENT_COLUMNS = ("name", "languages")


def set_client(reg: Register, cid: int, name: str | None, languages: str | None, audit_id: int) -> None:
    if name is None and languages is None:
        reg.conn.execute("DELETE FROM personal_clients WHERE client_id = ?", (cid,))
        return
    reg.conn.execute(
        "INSERT INTO personal_clients (client_id, name, languages, audit_id) VALUES (?, ?, ?, ?) "
        "ON CONFLICT (client_id) DO UPDATE SET name = excluded.name, languages = excluded.languages, "
        "audit_id = excluded.audit_id",
        (cid, name, languages, audit_id),
    )


def set_goal_text(reg: Register, gid: int, text: str | None, audit_id: int) -> None:
    _set_text(reg, "personal_goals", "goal_id", gid, "text", text, audit_id)


def set_activity_note(reg: Register, aid: int, note: str | None, audit_id: int) -> None:
    _set_text(reg, "personal_activities", "activity_id", aid, "note", note, audit_id)


def _set_text(reg: Register, table: str, key: str, rid: int, column: str, value: str | None, audit_id: int) -> None:
    if value is None:
        reg.conn.execute(f"DELETE FROM {table} WHERE {key} = ?", (rid,))
    else:
        reg.conn.execute(
            f"INSERT INTO {table} ({key}, {column}, audit_id) VALUES (?, ?, ?) "
            f"ON CONFLICT ({key}) DO UPDATE SET {column} = excluded.{column}, audit_id = excluded.audit_id",
            (rid, value, audit_id),
        )


def erase_client(reg: Register, cid: int) -> None:
    """Delete the client's personal rows: their name and languages, their plan's goal texts, and
    the notes of every activity they took part in (a family visit's note names the whole family)."""
    conn = reg.conn
    conn.execute("DELETE FROM personal_clients WHERE client_id = ?", (cid,))
    conn.execute("DELETE FROM personal_goals WHERE goal_id IN (SELECT id FROM goals WHERE client_id = ?)", (cid,))
    conn.execute(
        "DELETE FROM personal_activities WHERE activity_id IN "
        "(SELECT activity_id FROM activity_clients WHERE client_id = ?)",
        (cid,),
    )


def datasette_metadata(database: str) -> dict[str, Any]:
    """The shipped Datasette metadata, for a database file that Datasette will call ``database``.

    Datasette names a database after its file, and its metadata is keyed by that name.
    """
    from importlib.resources import files

    metadata: dict[str, Any] = json.loads((files("mentorcli") / "datasette-metadata.json").read_text("utf-8"))
    metadata["databases"] = {database: metadata["databases"]["mentorcli"]}
    return metadata
