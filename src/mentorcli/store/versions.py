"""Records as versions, and the register as it stood at the end of a day (SPEC 10, issue 15).

Events are versions of their own (``recorded_on``, ``withdrawn_on``: ``store.clients``). Every
other table that reports, ``due`` and ``client show`` read carries ``recorded_on``, the "today" of
its row's last change; the version a change replaces or a removal takes away is kept in
``row_versions``. Both are written by triggers this module creates on the connection of a writing
command, with that command's "today" in them, so no writer can forget them.

"As of D" is then: what was recorded on or before D and not withdrawn by D. ``as_of`` puts
temporary views in front of the tables under their own names, so every reader of the store reads
the register as of D without a second implementation of anything it computes.
"""

from __future__ import annotations

from datetime import date
from typing import Literal

from mentorcli.store.register import Register

# The tables whose rows are versioned here (events version themselves; personal tables are not
# versioned: an erased name must leave no earlier version behind; windows and episodes are derived).
VERSIONED = (
    "clients",
    "staff",
    "teams",
    "assignments",
    "plan_assessments",
    "goals",
    "activity_types",
    "activities",
    "activity_clients",
    "policy",
)
DERIVED = ("windows", "episodes")


def _columns(reg: Register, table: str, schema: str = "main") -> list[str]:
    return [r[1] for r in reg.conn.execute(f"PRAGMA {schema}.table_info({table})")]


def track(reg: Register) -> None:
    """Triggers that date each change of this command and keep the version it replaces.

    Temporary: they live as long as this connection and carry this command's "today". A version
    recorded and replaced on the same day is never the answer as of any day, so it is not kept.
    """
    today = reg.today.isoformat()
    sql = []
    for table in VERSIONED:
        cols = [c for c in _columns(reg, table) if c != "recorded_on"]
        row = "json_object(" + ", ".join(f"'{c}', OLD.\"{c}\"" for c in cols) + ")"
        keep = (
            f"INSERT INTO row_versions (tbl, row_id, row, recorded_on, withdrawn_on) "
            f"VALUES ('{table}', OLD.rowid, {row}, OLD.recorded_on, '{today}');"
        )
        sql += [
            f"CREATE TEMP TRIGGER asof_insert_{table} AFTER INSERT ON main.{table} WHEN NEW.recorded_on IS NULL "
            f"BEGIN UPDATE {table} SET recorded_on = '{today}' WHERE rowid = NEW.rowid; END",
            # A writer that sets recorded_on itself manages its versions itself (this trigger's own
            # update below is one such).
            f"CREATE TEMP TRIGGER asof_keep_{table} BEFORE UPDATE ON main.{table} "
            f"WHEN NEW.recorded_on IS OLD.recorded_on AND OLD.recorded_on IS NOT '{today}' BEGIN {keep} END",
            f"CREATE TEMP TRIGGER asof_date_{table} AFTER UPDATE ON main.{table} "
            f"WHEN NEW.recorded_on IS OLD.recorded_on AND NEW.recorded_on IS NOT '{today}' "
            f"BEGIN UPDATE {table} SET recorded_on = '{today}' WHERE rowid = NEW.rowid; END",
            f"CREATE TEMP TRIGGER asof_remove_{table} BEFORE DELETE ON main.{table} "
            f"WHEN OLD.recorded_on IS NOT '{today}' BEGIN {keep} END",
        ]
    for statement in sql:
        reg.conn.execute(statement)


def known(day: str, column: str = "recorded_on") -> str:
    """SQL: recorded on or before ``day`` (a row without a day is known from the start)."""
    return f"({column} IS NULL OR {column} <= '{day}')"


def _view(reg: Register, table: str, day: str) -> str:
    """The table as of ``day``: rows whose version then is the current one, and earlier versions."""
    cols = _columns(reg, table)
    current = f"SELECT * FROM main.{table} WHERE {known(day)}"
    old = ", ".join(f"json_extract(v.row, '$.{c}')" if c != "recorded_on" else "v.recorded_on" for c in cols)
    # Of the versions of a row in force on the day, the latest; none while the row itself is.
    earlier = (
        f"SELECT {old} FROM main.row_versions v WHERE v.tbl = '{table}' AND {known(day, 'v.recorded_on')} "
        f"AND v.withdrawn_on > '{day}' AND v.id = (SELECT max(w.id) FROM main.row_versions w "
        f"WHERE w.tbl = v.tbl AND w.row_id = v.row_id AND {known(day, 'w.recorded_on')} AND w.withdrawn_on > '{day}') "
        f"AND NOT EXISTS (SELECT 1 FROM main.{table} c WHERE c.rowid = v.row_id AND {known(day, 'c.recorded_on')})"
    )
    return f"CREATE TEMP VIEW {table} AS {current} UNION ALL {earlier}"


# How much of the derived windows and episodes a command needs as of the day (see ``as_of``).
Spans = Literal["report", "all", "none"]


def as_of(reg: Register, day: date, *, spans: Spans = "report") -> None:
    """Make every read of this connection see the register as it stood at the end of ``day``.

    Windows and episodes are derived by the core (``store.clients.timeline``) from the events as
    of the day, for the clients whose history changed after it; the others keep theirs. A report
    counts nothing after its "today", and an event dated after the day changes no window or
    episode before it (the rules look forward only), so for a report only the changes dated on
    or before the day count. ``all`` is for a command that looks past the day (``due``), which
    needs every change; ``none`` for one that derives its own from the records (``client show``).
    """
    from mentorcli.core.errors import MentorError
    from mentorcli.store.clients import records, timeline
    from mentorcli.store.db import iso_or_none

    conn, d = reg.conn, day.isoformat()
    for table in VERSIONED:
        conn.execute(_view(reg, table, d))
    events = f"SELECT * FROM main.events WHERE {known(d)}"
    conn.execute(f"CREATE TEMP VIEW current_events AS {events} AND (withdrawn_on IS NULL OR withdrawn_on > '{d}')")
    reg.forget_policies()
    if spans == "none":
        return
    dated = "" if spans == "all" else f"AND date <= '{d}'"
    policy_later = conn.execute(
        f"SELECT 1 FROM main.policy WHERE recorded_on > '{d}' {'' if spans == 'all' else 'AND valid_from <= :d'} LIMIT 1",
        {"d": d},
    ).fetchone()
    conn.execute("CREATE TEMP TABLE asof_changed (client_id INTEGER PRIMARY KEY)")
    if policy_later:
        conn.execute("INSERT INTO asof_changed SELECT id FROM main.clients")
    else:
        conn.execute(
            "INSERT OR IGNORE INTO asof_changed "
            f"SELECT client_id FROM main.events WHERE recorded_on > '{d}' {dated} "
            f"UNION SELECT client_id FROM main.events WHERE withdrawn_on > '{d}' {dated} "
            f"UNION SELECT id FROM main.clients WHERE recorded_on > '{d}' "
            f"UNION SELECT row_id FROM main.row_versions WHERE tbl = 'clients' AND withdrawn_on > '{d}'"
        )
    for table in DERIVED:
        conn.execute(f"CREATE TEMP TABLE asof_{table} AS SELECT * FROM main.{table} LIMIT 0")
    windows, episodes = [], []
    for rec in records(reg, "c.id IN (SELECT client_id FROM temp.asof_changed)"):
        try:
            tl = timeline(reg, rec)
        except MentorError:
            continue  # a history that could not stand on the day (recorded in another order): none
        cid = rec.client.id
        windows += [
            (cid, i, w.kind, w.start.isoformat(), iso_or_none(w.end), w.ended_by) for i, w in enumerate(tl.windows)
        ]
        episodes += [
            (cid, i, e.start.isoformat(), iso_or_none(e.end), e.end_reason, int(e.first))
            for i, e in enumerate(tl.episodes)
        ]
    conn.executemany(
        'INSERT INTO temp.asof_windows (client_id, seq, kind, start, "end", ended_by) VALUES (?, ?, ?, ?, ?, ?)',
        windows,
    )
    conn.executemany(
        'INSERT INTO temp.asof_episodes (client_id, seq, start, "end", end_reason, first) VALUES (?, ?, ?, ?, ?, ?)',
        episodes,
    )
    for table in DERIVED:
        conn.execute(f"CREATE INDEX temp.asof_{table}_client ON asof_{table} (client_id)")
        # A client not in the register on the day has no spans: the view of clients leaves them out.
        conn.execute(
            f"CREATE TEMP VIEW {table} AS SELECT * FROM main.{table} WHERE client_id NOT IN "
            f"(SELECT client_id FROM temp.asof_changed) UNION ALL SELECT * FROM temp.asof_{table}"
        )
