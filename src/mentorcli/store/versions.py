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

from datetime import date, timedelta

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
# ``ahead`` for a command that shows every window and episode, however far after the day (client
# list): an event dated a century on, recorded later, still changes what it shows.
EVERY_DAY_AHEAD = 36600
# store.ids.new_id in SQL, for the triggers (SQLite's random() draws from the OS's randomness): an id
# in [2**62, 2**63) that two copies of the register cannot collide on. A trigger cannot call Python
# on every connection the store opens (the encrypted register's is not sqlite3's).
NEW_ID = "((random() & 4611686018427387903) | 4611686018427387904)"


def _columns(reg: Register, table: str) -> list[str]:
    return [r[1] for r in reg.conn.execute(f"PRAGMA main.table_info({table})")]


def track(reg: Register) -> None:
    """Triggers that date each change of this command and keep the version it replaces.

    Temporary: they live as long as this connection and carry this command's "today". A version
    recorded and replaced on the same day is never the answer as of any day, so it is not kept.
    """
    today = reg.today.isoformat()
    # A removed version gets the audit entry written after it, where its writer audits afterwards.
    sql = [
        "CREATE TEMP TRIGGER asof_audit AFTER INSERT ON main.audit "
        "BEGIN UPDATE row_versions SET audit_id = NEW.id WHERE audit_id IS NULL; END"
    ]
    for table in VERSIONED:
        cols = [c for c in _columns(reg, table) if c != "recorded_on"]
        row = "json_object(" + ", ".join(f"'{c}', OLD.\"{c}\"" for c in cols) + ")"
        # An update names the audit entry of its own change (the triggers of store.chain insist);
        # a removal gets the entry written next, or the one just written.
        replaced_by = "NEW.audit_id" if "audit_id" in cols else "NULL"
        keep, remove = (
            f"INSERT INTO row_versions (id, tbl, row_id, row, recorded_on, withdrawn_on, audit_id) "
            f"VALUES ({NEW_ID}, '{table}', OLD.rowid, {row}, OLD.recorded_on, '{today}', {by});"
            for by in (replaced_by, "NULL")
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
            f"WHEN OLD.recorded_on IS NOT '{today}' BEGIN {remove} END",
        ]
    for statement in sql:
        reg.conn.execute(statement)


def known(day: str, column: str = "recorded_on") -> str:
    """SQL: recorded on or before ``day`` (a row without a day is known from the start).

    Written so that no index on the column is used: a report reads rows by client or by date,
    and a range over the recorded days would read nearly every row.
    """
    return f"COALESCE({column}, '') <= '{day}'"


def _view(reg: Register, table: str, day: str) -> str:
    """The table as of ``day``: rows whose current version was recorded by then, and earlier versions.

    The earlier versions in force on the day are few; they are copied into a temporary table so
    that the view stays a plain ``UNION ALL`` that SQLite flattens into each query, and each query
    keeps its indexes.
    """
    cols = _columns(reg, table)
    old = ", ".join(f"json_extract(v.row, '$.{c}') AS \"{c}\"" if c != "recorded_on" else "v.recorded_on" for c in cols)
    # Columns of the same affinity as the table's, or SQLite cannot flatten the view into a query.
    reg.conn.execute(f"CREATE TEMP TABLE asof_old_{table} AS SELECT * FROM main.{table} LIMIT 0")
    # Of the versions of a row in force on the day, the latest; none while the row itself is.
    reg.conn.execute(
        f"INSERT INTO temp.asof_old_{table} "
        f"SELECT {old} FROM main.row_versions v WHERE v.tbl = '{table}' AND {known(day, 'v.recorded_on')} "
        f"AND v.withdrawn_on > '{day}' AND v.id = (SELECT w.id FROM main.row_versions w "
        f"WHERE w.tbl = v.tbl AND w.row_id = v.row_id AND {known(day, 'w.recorded_on')} AND w.withdrawn_on > '{day}' "
        "ORDER BY w.withdrawn_on DESC, w.recorded_on DESC LIMIT 1) "
        f"AND NOT EXISTS (SELECT 1 FROM main.{table} c WHERE c.rowid = v.row_id AND {known(day, 'c.recorded_on')})"
    )
    return (
        f"CREATE TEMP VIEW {table} AS SELECT * FROM main.{table} WHERE {known(day)} "
        f"UNION ALL SELECT * FROM temp.asof_old_{table}"
    )


def as_of(reg: Register, day: date, *, ahead: int | None = 0) -> None:
    """Make every read of this connection see the register as it stood at the end of ``day``.

    Windows and episodes are derived by the core (``store.clients.timeline``) from the events as
    of the day, for the clients whose history changed after it; the others keep theirs. An
    event dated on a day changes no window or episode before that day (the rules look forward
    only), so a command whose answer looks ``ahead`` days past the day at most needs only the
    changes dated up to then: a report counts nothing after its "today" (0); ``due`` looks
    DAYS ahead. ``None``: the command derives its own from the records (``client show``).
    """
    from mentorcli.core.errors import MentorError
    from mentorcli.store.clients import records, timeline, write_spans

    conn, d = reg.conn, day.isoformat()
    for table in VERSIONED:
        conn.execute(_view(reg, table, d))
    conn.execute(
        f"CREATE TEMP VIEW current_events AS SELECT * FROM main.events WHERE {known(d)} "
        f"AND COALESCE(withdrawn_on, '9999-12-31') > '{d}'"
    )
    # Consent keeps its versions itself (store.consent): the one in force on the day is the one
    # recorded by then and not replaced by then, read through the same condition as today's.
    cols = ", ".join(
        f"CASE WHEN replaced_on > '{d}' THEN NULL ELSE replaced_on END AS replaced_on"
        if c == "replaced_on"
        else f'"{c}"'
        for c in _columns(reg, "consent")
    )
    conn.execute(f"CREATE TEMP VIEW consent AS SELECT {cols} FROM main.consent WHERE {known(d)}")
    reg.forget_policies()
    if ahead is None:
        return
    # A day more than asked: a window cut by an event may end on the day before it.
    until = (day + timedelta(days=ahead + 1)).isoformat()
    dated = f"AND date <= '{until}'"
    policy_later = conn.execute(
        f"SELECT 1 FROM main.policy WHERE recorded_on > '{d}' AND valid_from <= '{until}' LIMIT 1"
    ).fetchone()
    # Clients whose spans are derived again, and (with them) those not yet registered on the day:
    # the stored spans of both are left out.
    conn.execute("CREATE TEMP TABLE asof_derived (client_id INTEGER PRIMARY KEY)")
    conn.execute("CREATE TEMP TABLE asof_changed (client_id INTEGER PRIMARY KEY)")
    if policy_later:
        conn.execute("INSERT INTO asof_derived SELECT id FROM main.clients")
    else:
        conn.execute(
            "INSERT INTO asof_derived "
            f"SELECT client_id FROM main.events WHERE recorded_on > '{d}' {dated} "
            f"UNION SELECT client_id FROM main.events WHERE withdrawn_on > '{d}' {dated} "
            f"UNION SELECT row_id FROM main.row_versions WHERE tbl = 'clients' AND withdrawn_on > '{d}'"
        )
    conn.execute(
        f"INSERT INTO asof_changed SELECT client_id FROM asof_derived "
        f"UNION SELECT id FROM main.clients WHERE recorded_on > '{d}'"
    )
    for table in DERIVED:
        conn.execute(f"CREATE TEMP TABLE asof_{table} AS SELECT * FROM main.{table} LIMIT 0")
    derived = []
    for rec in records(reg, "c.id IN (SELECT client_id FROM temp.asof_derived)"):
        try:
            derived.append((rec.client.id or 0, timeline(reg, rec)))
        except MentorError:
            continue  # a history that could not stand on the day (recorded in another order): none
    write_spans(reg, derived, into="temp.asof_")
    for table in DERIVED:
        conn.execute(f"CREATE INDEX temp.asof_{table}_client ON asof_{table} (client_id)")
        # A client not in the register on the day has no spans: the view of clients leaves them out.
        conn.execute(
            f"CREATE TEMP VIEW {table} AS SELECT * FROM main.{table} WHERE client_id NOT IN "
            f"(SELECT client_id FROM temp.asof_changed) UNION ALL SELECT * FROM temp.asof_{table}"
        )
