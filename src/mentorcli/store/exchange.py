"""What travels between two copies of one register (``db bundle``, ``db merge``).

Only the tables of ``TRAVELLING`` travel. Derived tables (windows, episodes) are derived again
where they arrive; local ones (audit, saved_reports, settings, migrations) stay with their copy:
each copy keeps its own hash chain (SPEC 10).
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import sqlite3
import tempfile
import uuid
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from mentorcli.core.errors import InputError, MentorError
from mentorcli.core.messages import N_

if TYPE_CHECKING:
    from mentorcli.store.register import Register

# Each table that travels, and the tables its rows' audit entries name (``audit.tbl``): a row's
# ``audit_id`` is the entry of its last change. Rows of the tables with an ``id`` get it from
# ``store.ids.new_id``; the others are keyed by the record they belong to.
TRAVELLING: dict[str, tuple[str, ...]] = {
    "clients": ("clients",),
    "personal_clients": ("clients",),
    "events": ("events",),
    "staff": ("staff",),
    "teams": ("teams", "staff"),  # a staff member's end ends their team too
    "assignments": ("assignments",),
    "plan_assessments": ("plan_assessments",),
    "goals": ("goals",),
    "personal_goals": ("goals",),
    "activity_types": ("activity_types",),
    "activities": ("activities",),
    "activity_clients": ("activities",),
    "personal_activities": ("activities",),
    "policy": ("policy",),
    "consent": ("consent", "clients"),
    "earlier_episodes": ("clients",),
    "event_provenance": ("clients",),
}

# Personal tables travel as a patchset: its updates carry only new values and its deletes only
# the key, so no bundle holds an old value of a personal field or an erased client's name.
PERSONAL_TABLES = ("personal_clients", "personal_goals", "personal_activities")
MAGIC = b"MENTORCLI-BUNDLE-1\n"
SNAPSHOTS = ".exchanges"  # beside the register: NAME.exchanges/, one state per exchange
KEPT = 10  # states kept for --since: each is a copy of the register
Key = str | None  # the encrypted register's passphrase; None for a plain register
_CLIENT_KEY = {"clients": "id", "personal_clients": "client_id", "events": "client_id", "assignments": "client_id"}
_CLIENT_KEY |= {"plan_assessments": "client_id", "goals": "client_id", "activity_clients": "client_id"}


@dataclass(frozen=True)
class Bundle:
    header: dict[str, Any]
    changeset: bytes
    patchset: bytes

    def pack(self) -> bytes:
        head = {**self.header, "changeset": len(self.changeset), "patchset": len(self.patchset)}
        return MAGIC + json.dumps(head, sort_keys=True).encode() + b"\n" + self.changeset + self.patchset

    @classmethod
    def unpack(cls, plain: bytes) -> Bundle:
        if not plain.startswith(MAGIC):
            raise InputError(N_("the file is not a mentorcli bundle"), field="file")
        line, _, rest = plain[len(MAGIC) :].partition(b"\n")
        header = json.loads(line)
        n = int(header["changeset"])
        return cls(header, rest[:n], rest[n : n + int(header["patchset"])])


@dataclass
class Conflict:
    """One record changed on both sides (or registered twice): applied on neither until chosen."""

    record: str  # a client's code, or table:key
    table: str
    ours: dict[str, Any]
    theirs: dict[str, Any]
    twice: bool = False  # the same code registered on both copies: two records, not two versions


@dataclass
class Merged:
    applied: int = 0
    conflicts: list[Conflict] = field(default_factory=list)
    already: str | None = None  # the day the bundle was applied before
    erased: int = 0  # erasures that arrived: the file's free pages must be wiped


# --- the state of the last exchange ----------------------------------------------------------
def snapshot_dir(db: Path) -> Path:
    return db.with_name(db.name + SNAPSHOTS)


def snapshots(db: Path) -> list[Path]:
    """The states kept at each exchange, oldest first (their names begin with the time)."""
    folder = snapshot_dir(db)
    return sorted(folder.glob("*.db")) if folder.is_dir() else []


def keep_snapshot(db: Path, state: Path, day: date, tag: str) -> None:
    """Keep ``state`` (a neutral copy, see ``_neutral``) as the state of this exchange, owner-only:
    named by the real time, the "today" it was made on and the bundle's id (or what made it)."""
    folder = snapshot_dir(db)
    folder.mkdir(mode=0o700, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%f")
    target = folder / f"{stamp}-{day:%Y%m%d}-{tag}.db"
    os.replace(state, target)
    os.chmod(target, 0o600)
    for old in snapshots(db)[:-KEPT]:
        old.unlink()


def take_snapshot(conn: sqlite3.Connection, db: Path, day: date, tag: str, key: Key = None) -> None:
    """The register as it is now becomes the state of the last exchange (a restore, a bundle)."""
    with tempfile.TemporaryDirectory(prefix="mentorcli-") as tmp:
        state = Path(tmp) / "state.db"
        _copy(conn, state, key)
        _neutral(state, key)
        keep_snapshot(db, state, day, tag)


def reseal_states(db: Path, old: Key, new: Key) -> None:
    """The kept states follow the register when it is encrypted or decrypted: each is a copy of
    it, so an encrypted register's states are encrypted with its own passphrase. A plain state
    left beside an encrypted register (kept before ``db encrypt`` sealed them) is sealed too."""
    from mentorcli.store import cipher
    from mentorcli.store.db import is_encrypted

    for path in snapshots(db):
        was = old if is_encrypted(path) else None
        if was != new:
            cipher.convert(path, was, new)


def scrub_snapshots(db: Path, codes: list[str], key: Key = None) -> None:
    """Erasure reaches the kept states too: the personal rows of erased clients go, pages wiped."""
    from mentorcli.store.personal import erase_client

    reseal_states(db, key, key)
    for path in snapshots(db):
        conn = _open(path, key)
        try:
            conn.execute("PRAGMA secure_delete = ON")
            ids = [r[0] for r in conn.execute("SELECT id FROM clients WHERE erased IS NOT NULL")]
            ids += [r[0] for c in codes for r in conn.execute("SELECT id FROM clients WHERE code = ?", (c,))]
            conn.execute("BEGIN")
            for cid in ids:
                erase_client(_Bare(conn), cid)  # type: ignore[arg-type]
            conn.execute("COMMIT")
            conn.execute("VACUUM")
        finally:
            conn.close()


@dataclass
class _Bare:
    """Enough of a Register for the store's functions that only write through ``conn``."""

    conn: sqlite3.Connection


def _open(path: Path, key: Key) -> sqlite3.Connection:
    """A kept state or a working copy, keyed like the register (plain when ``key`` is None)."""
    if key is None:
        return sqlite3.connect(path, isolation_level=None)
    from mentorcli.store import cipher

    conn = cipher.connect(path, key)
    conn.execute("PRAGMA temp_store = MEMORY")  # no sort spilled to a file outside the cipher
    return cast(sqlite3.Connection, conn)


def _session_db(path: Path, key: Key) -> Any:
    """``_open`` for SQLite's session extension, which only apsw reaches."""
    import apsw

    if key is None:
        return apsw.Connection(str(path))
    from mentorcli.store import cipher

    con = cipher.connect(path, key).db
    con.execute("PRAGMA temp_store = MEMORY")
    return con


def _attach_base(con: Any, path: Path, key: Key) -> None:
    """Attach ``path`` as ``base``: an encrypted state with the register's key, never read plain."""
    from mentorcli.store import cipher

    con.execute("ATTACH ? AS base", (cipher.uri(path, key) if key else str(path),))


def _copy(conn: sqlite3.Connection, dest: Path, key: Key = None) -> None:
    """A copy of the register as committed, through a connection of its own: SQLite's backup
    cannot read through a connection that holds the write lock (the command's), and in WAL mode
    another connection reads what that one sees until it writes. An encrypted register is copied
    encrypted with its own key, page by page (``cipher.copy_to``): no plain page reaches the disk."""
    (_, _schema, path), *_ = conn.execute("PRAGMA database_list").fetchall()
    if key is not None:
        from mentorcli.store import cipher

        keyed = _session_db(Path(path), key)
        try:
            cipher.copy_to(keyed, dest, key)
        finally:
            keyed.close()
        return
    source = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=30)
    target = sqlite3.connect(dest)
    try:
        source.backup(target)
        target.execute("PRAGMA journal_mode = DELETE")
    finally:
        target.close()
        source.close()


def _neutral(path: Path, key: Key = None) -> None:
    """A copy whose rows carry no audit ids: those are this copy's own and never travel."""
    from mentorcli.store import chain, stamps
    from mentorcli.store.migrations import migrate

    conn = _open(path, key)
    try:
        migrate(conn)  # a state kept by an older mentorcli compares with today's tables
        conn.execute("BEGIN")
        chain.lift_triggers(conn)
        # A copy for comparing: its stamps say nothing, and their triggers cost the update a third.
        with stamps.lifted(conn):
            for table in chain.audited_tables(conn):
                conn.execute(f'UPDATE "{table}" SET audit_id = NULL')
        conn.execute("COMMIT")
    finally:
        conn.close()


def _base(db: Path, since: str | None) -> Path | None:
    """The state to compare with: the last exchange's, or the one ``since`` names."""
    kept = snapshots(db)
    if since is None:
        return kept[-1] if kept else None
    if since.lower().endswith(".bundle") or _is_file(since):
        raise InputError(N_("give the bundle's id (as db bundle printed it) or a date"), field="--since")
    from mentorcli.core.dates import parse_date

    if all(c in "0123456789abcdef" for c in since.lower()) and len(since) >= 6:
        found = [p for p in kept if p.stem.split("-", 2)[2].startswith(since.lower())]
        if len(found) != 1:
            raise InputError(N_("no exchange {value} is kept here", value=since), field="--since")
        return found[0]
    day = parse_date(since, "--since")
    found = [p for p in kept if p.stem.split("-", 2)[1] <= day.strftime("%Y%m%d")]
    if not found:
        raise InputError(N_("no exchange on or before {day} is kept here", day=day), field="--since")
    return found[-1]


def _is_file(text: str) -> bool:
    try:
        return Path(text).exists()
    except (OSError, ValueError):  # a name too long or with a NUL names no file
        return False


# --- bundle --------------------------------------------------------------------------------
def copy_id(reg: Register) -> str:
    """This copy's identity, made on first need; a restore gives the restored copy a new one."""
    row = reg.conn.execute("SELECT value FROM settings WHERE key = 'copy_id'").fetchone()
    if row:
        return str(row[0])
    made = secrets.token_hex(8)
    reg.conn.execute("INSERT INTO settings (key, value) VALUES ('copy_id', ?)", (made,))
    reg.audit("set", "settings", "copy_id", {"value": made})
    return made


def make_bundle(reg: Register, db: Path, since: str | None, state: Path, key: Key = None) -> Bundle:
    """The changes of this copy since the last exchange (or ``since``), from SQLite's session
    extension comparing this copy with that state; ``state`` receives this copy as it is now,
    to keep once the bundle is written. ``key``: the encrypted register's passphrase, which
    every copy made on the way is encrypted with."""
    import apsw

    reseal_states(db, key, key)
    _copy(reg.conn, state, key)
    _neutral(state, key)
    base = _base(db, since)
    with tempfile.TemporaryDirectory(prefix="mentorcli-") as tmp:
        old = Path(tmp) / "base.db"
        if base is not None:
            shutil.copyfile(base, old)
            _neutral(old, key)
        else:  # no exchange yet: every record travels
            shutil.copyfile(state, old)
            conn = _open(old, key)
            conn.execute("PRAGMA foreign_keys = OFF")
            for table in reversed(TRAVELLING):
                conn.execute(f'DELETE FROM "{table}"')
            conn.close()
        con = _session_db(state, key)
        try:
            _attach_base(con, old, key)
            changes, personal = apsw.Session(con, "main"), apsw.Session(con, "main")
            for table in TRAVELLING:
                session = personal if table in PERSONAL_TABLES else changes
                session.attach(table)
                session.diff("base", table)
            changeset, patchset = changes.changeset(), personal.patchset()
            changes.close()
            personal.close()
            con.execute("DETACH base")
        finally:
            con.close()
    header = {
        "format": 1,
        "bundle": uuid.uuid4().hex,
        "copy": copy_id(reg),
        "made": reg.today.isoformat(),
        "since": base.stem if base else None,
    }
    return Bundle(header, changeset, patchset)


def count_changes(bundle: Bundle) -> int:
    return len(_changes(bundle.changeset)) + len(_changes(bundle.patchset))


@dataclass(frozen=True)
class _Change:
    """A change read out of a changeset (apsw's own objects live only while it is iterated)."""

    name: str
    op: str
    pk_columns: frozenset[int]
    old: tuple[Any, ...] | None
    new: tuple[Any, ...] | None


def _changes(blob: bytes) -> list[_Change]:
    import apsw

    return [_Change(c.name, c.op, frozenset(c.pk_columns), c.old, c.new) for c in apsw.Changeset.iter(blob)]


# --- merge ---------------------------------------------------------------------------------
def merge(reg: Register, db: Path, bundle: Bundle, take: dict[str, str], key: Key = None) -> Merged:
    """Apply another copy's bundle in this command's one transaction.

    SQLite's session extension applies it to a private copy of this register: a change whose
    record was changed here too (or a client registered here under the same code) is a conflict,
    listed with both values; every change of a conflicting record is left out on a second copy
    unless ``take`` (record -> ``ours`` or ``theirs``) decides it. What SQLite applied there is
    then written here, each row naming this merge's one audit entry, and the windows and episodes
    of the clients it touched are derived again. The private copies of an encrypted register are
    encrypted with its ``key``.
    """

    head = bundle.header
    mine = reg.conn.execute("SELECT value FROM settings WHERE key = 'copy_id'").fetchone()
    if mine is not None and mine[0] == head["copy"]:
        raise InputError(N_("this copy made the bundle: merge it into the other copy"), field="file")
    before = reg.conn.execute(
        "SELECT fields FROM audit WHERE action = 'merge' AND tbl = 'bundle' AND record = ? ORDER BY id DESC LIMIT 1",
        (head["bundle"],),
    ).fetchone()
    if before is not None:
        said = json.loads(before[0])
        if not take or not said.get("conflicts"):
            return Merged(already=said["on"])
    reseal_states(db, key, key)
    with tempfile.TemporaryDirectory(prefix="mentorcli-") as tmp:
        first, second = Path(tmp) / "first.db", Path(tmp) / "second.db"
        for work in (first, second):
            _copy(reg.conn, work, key)
            _neutral(work, key)
        kept = snapshots(db)
        base = kept[-1] if kept else None
        found, _ = _apply(first, bundle, {}, set(), base, key)
        held = {c.record for c in found if c.record not in take}
        twice = sorted({c.record for c in found if c.twice and take.get(c.record) == "theirs"})
        aside = {code: _set_aside(reg, second, code, key) for code in twice}
        _, applied = _apply(second, bundle, take, held, base, key)
        result = Merged(conflicts=[c for c in found if c.record not in take])
        result.applied = _write(reg, head, applied, result)
        for code, ours in aside.items():
            _join(reg, code, ours)
        _remember(db, applied, reg.today, head["bundle"], key)
    return result


def _set_aside(reg: Register, work: Path, code: str, key: Key) -> str:
    """Taking theirs for a code registered on both copies: our record steps aside under
    ``CODE/COPY`` (here and in the private copy the bundle is applied to), so theirs can arrive
    under the code; ``_join`` then merges ours into it. Nothing is dropped: our history joins
    theirs as ``client merge`` joins two records, and our record stays, merged, under its new code."""
    ours = f"{code}/{copy_id(reg)[:8]}"
    if reg.conn.execute("SELECT 1 FROM clients WHERE code = ?", (ours,)).fetchone():
        raise InputError(N_("'{value}' is already in the register", value=ours), field="code")
    entry = reg.audit("set-aside", "clients", ours, {"code": ours, "was": code})
    reg.conn.execute("UPDATE clients SET code = ?, audit_id = ? WHERE code = ?", (ours, entry, code))
    con = _open(work, key)
    try:
        con.execute("UPDATE clients SET code = ? WHERE code = ?", (ours, code))
        con.commit()
    finally:
        con.close()
    return ours


def _join(reg: Register, code: str, ours: str) -> None:
    from mentorcli.store import merge as records

    try:
        records.merge(reg, code, ours)
    except InputError as e:
        raise InputError(
            N_("{code}: their record cannot take ours in: {problem}", code=code, problem=e.as_message()), field="CODE"
        ) from None


class _Records:
    """Which record a change belongs to: a client's code, else ``table key``."""

    def __init__(self, con: Any, bundle: Bundle) -> None:
        self.con = con
        self.columns = {t: [r[1] for r in con.execute(f'PRAGMA table_info("{t}")')] for t in TRAVELLING}
        self.codes = dict(con.execute("SELECT id, code FROM clients").fetchall())
        for change in _changes(bundle.changeset):
            if change.name == "clients" and change.op == "INSERT":
                row = dict(zip(self.columns["clients"], change.new or (), strict=True))
                self.codes.setdefault(row["id"], row["code"])

    def row(self, change: Any, values: Any) -> dict[str, Any]:
        import apsw

        cols = self.columns[change.name]
        return {c: v for c, v in zip(cols, values or (), strict=False) if v is not apsw.no_change and c != "audit_id"}

    def key(self, change: Any) -> list[tuple[str, Any]]:
        """The row's primary key: a patchset's update holds it among the old values."""
        import apsw

        cols = self.columns[change.name]
        new, old = change.new or (), change.old or ()
        return [
            (cols[i], new[i] if i < len(new) and new[i] is not apsw.no_change else old[i])
            for i in sorted(change.pk_columns)
        ]

    def of(self, change: Any) -> str:
        import apsw

        table, cols = change.name, self.columns[change.name]
        values = [
            n if n is not apsw.no_change else o
            for n, o in zip(
                change.new or [apsw.no_change] * len(cols), change.old or [apsw.no_change] * len(cols), strict=True
            )
        ]
        known = {c: v for c, v in zip(cols, values, strict=True) if v is not apsw.no_change}
        pk = {c: known.get(c) for i, c in enumerate(cols) if i in change.pk_columns}
        key = _CLIENT_KEY.get(table)
        client = known.get(key) if key else None
        if key and client is None:
            where = " AND ".join(f'"{c}" = ?' for c in pk)
            found = list(self.con.execute(f'SELECT "{key}" FROM "{table}" WHERE {where}', tuple(pk.values())))
            client = found[0][0] if found else None
        if table == "personal_goals":
            found = list(self.con.execute("SELECT client_id FROM goals WHERE id = ?", (known.get("goal_id"),)))
            client = found[0][0] if found else None
        if client is not None and client in self.codes:
            return str(self.codes[client])
        if table == "clients" and "code" in known:
            return str(known["code"])
        return f"{table} {' '.join(str(v) for v in pk.values())}"


def _apply(
    path: Path, bundle: Bundle, take: dict[str, str], held: set[str], base: Path | None, key: Key
) -> tuple[list[Conflict], bytes]:
    """Apply the bundle to the private copy at ``path``; the conflicts met and what was applied.

    A patchset (the personal tables) carries no old values, so SQLite cannot see a personal field
    changed on both sides: ``base``, the state of the last exchange, tells what this side changed.
    """
    import apsw

    con = _session_db(path, key)
    try:
        con.execute("PRAGMA foreign_keys = OFF")
        records = _Records(con, bundle)
        found: list[Conflict] = []
        record = apsw.Session(con, "main")
        for table in TRAVELLING:
            record.attach(table)

        if base is not None:
            _attach_base(con, base, key)

        def keep(change: Any) -> bool:
            who = records.of(change)
            if who in held:
                return False
            if base is None or change.name not in PERSONAL_TABLES or change.op == "DELETE":
                return True
            key = records.key(change)
            theirs = {k: v for k, v in records.row(change, change.new).items() if k not in dict(key)}
            where = " AND ".join(f'"{c}" = ?' for c, _ in key)
            ours = _one(con, f'SELECT * FROM main."{change.name}" WHERE {where}', tuple(v for _, v in key))
            was = _one(con, f'SELECT * FROM base."{change.name}" WHERE {where}', tuple(v for _, v in key))
            changed_here = any(ours.get(k) != was.get(k) for k in theirs)
            if ours and changed_here and any(ours.get(k) != v for k, v in theirs.items()):
                if who in take:
                    return take[who] == "theirs"
                found.append(Conflict(who, change.name, {k: ours.get(k) for k in theirs}, theirs))
                return False
            return True

        def conflict(reason: int, change: Any) -> int:
            who = records.of(change)
            ours = records.row(change, change.conflict)
            theirs = records.row(change, change.new)
            if reason == apsw.SQLITE_CHANGESET_FOREIGN_KEY:
                return apsw.SQLITE_CHANGESET_OMIT  # checked in the register itself, before it commits
            if reason == apsw.SQLITE_CHANGESET_NOTFOUND:
                # Gone here already (withdrawn, replaced, erased): there is nothing to change.
                return apsw.SQLITE_CHANGESET_OMIT
            if reason == apsw.SQLITE_CHANGESET_CONSTRAINT and change.name == "clients":
                code = theirs.get("code")
                ours = {k: v for k, v in _one(con, "SELECT * FROM clients WHERE code = ?", (code,)).items()}
                ours.pop("audit_id", None)
                found.append(Conflict(str(code), change.name, ours, theirs, twice=True))
                return apsw.SQLITE_CHANGESET_OMIT
            if all(ours.get(k) == v for k, v in theirs.items()):
                return apsw.SQLITE_CHANGESET_OMIT  # the same change reached both copies
            if take.get(who) == "theirs" and reason in (apsw.SQLITE_CHANGESET_DATA, apsw.SQLITE_CHANGESET_CONFLICT):
                return apsw.SQLITE_CHANGESET_REPLACE
            found.append(Conflict(who, change.name, {k: ours.get(k) for k in theirs}, theirs))
            return apsw.SQLITE_CHANGESET_OMIT

        for part in (bundle.changeset, bundle.patchset):
            if part:
                apsw.Changeset.apply(part, con, filter_change=keep, conflict=conflict)
        applied = record.changeset()
        record.close()
        return found, applied
    finally:
        con.close()


def _one(con: Any, sql: str, params: tuple[Any, ...]) -> dict[str, Any]:
    cur = con.execute(sql, params)
    row = cur.fetchone()
    return dict(zip([d[0] for d in cur.get_description()], row, strict=True)) if row else {}


def _write(reg: Register, head: dict[str, Any], applied: bytes, result: Merged) -> int:
    """Write here what SQLite applied to the private copy, naming this merge's audit entry."""
    import apsw

    from mentorcli.store import personal
    from mentorcli.store.clients import record_by_id, refresh

    conn = reg.conn
    conn.execute("PRAGMA defer_foreign_keys = ON")
    changes = _changes(applied)
    fields = {"from": head["copy"], "made": head["made"], "on": reg.today.isoformat()}
    fields |= {"changes": len(changes), "conflicts": len(result.conflicts)}
    entry = reg.audit("merge", "bundle", head["bundle"], fields)
    columns = {t: [r[1] for r in conn.execute(f'PRAGMA table_info("{t}")')] for t in TRAVELLING}
    touched: set[int] = set()
    erased: set[int] = set()
    rules = False
    for ch in changes:
        cols = columns[ch.name]
        old, new = ch.old or (), ch.new or ()
        pk = [(cols[i], old[i] if old else new[i]) for i in sorted(ch.pk_columns)]
        where = " AND ".join(f'"{c}" = ?' for c, _ in pk)
        if ch.op == "INSERT":
            values = [entry if c == "audit_id" else v for c, v in zip(cols, new, strict=True)]
            marks = ", ".join("?" * len(cols))
            conn.execute(f'INSERT INTO "{ch.name}" ({", ".join(cols)}) VALUES ({marks})', values)
            row = dict(zip(cols, new, strict=True))
        elif ch.op == "DELETE":
            conn.execute(f'DELETE FROM "{ch.name}" WHERE {where}', [v for _, v in pk])
            row = dict(zip(cols, old, strict=True))
        else:
            sets = [(c, v) for c, v in zip(cols, new, strict=True) if v is not apsw.no_change and c != "audit_id"]
            if "audit_id" in cols:
                sets.append(("audit_id", entry))
            assigned = ", ".join(f'"{c}" = ?' for c, _ in sets)
            conn.execute(f'UPDATE "{ch.name}" SET {assigned} WHERE {where}', [v for _, v in sets] + [v for _, v in pk])
            row = {c: v for c, v in zip(cols, new, strict=True) if v is not apsw.no_change} | dict(pk)
            if ch.name == "clients" and row.get("erased"):
                erased.add(int(row["id"]))
        key = _CLIENT_KEY.get(ch.name)
        if ch.name in ("clients", "events") and key:
            cid = row.get(key)
            if cid is None:
                got = conn.execute(f'SELECT "{key}" FROM "{ch.name}" WHERE {where}', [v for _, v in pk]).fetchone()
                cid = got[0] if got else None
            if cid is not None:
                touched.add(int(cid))
        rules = rules or ch.name == "policy"
    for cid in erased:
        personal.erase_client(reg, cid)
    result.erased = len(erased)
    if rules:
        reg.forget_policies()
        touched = {r[0] for r in conn.execute("SELECT id FROM clients")}
    for cid in sorted(touched):
        if conn.execute("SELECT 1 FROM clients WHERE id = ?", (cid,)).fetchone():
            refresh(reg, record_by_id(reg, cid))
    broken = conn.execute("PRAGMA foreign_key_check").fetchall()
    if broken:
        t, rowid, parent = broken[0][0], broken[0][1], broken[0][2]
        raise MentorError(
            N_("merge: {table} row {row} would point to a missing {parent}", table=t, row=rowid, parent=parent)
        )
    return len(changes)


def _remember(db: Path, applied: bytes, day: date, tag: str, key: Key) -> None:
    """The state of this exchange: the last one's, with what the merge applied."""
    import apsw

    with tempfile.TemporaryDirectory(prefix="mentorcli-") as tmp:
        state = Path(tmp) / "state.db"
        kept = snapshots(db)
        if not kept:
            return  # no exchange before: the next bundle holds every record anyway
        shutil.copyfile(kept[-1], state)
        _neutral(state, key)
        con = _session_db(state, key)
        try:
            con.execute("PRAGMA foreign_keys = OFF")

            def conflict(reason: int, change: Any) -> int:
                if reason in (apsw.SQLITE_CHANGESET_DATA, apsw.SQLITE_CHANGESET_CONFLICT):
                    return apsw.SQLITE_CHANGESET_REPLACE
                return apsw.SQLITE_CHANGESET_OMIT

            apsw.Changeset.apply(applied, con, conflict=conflict)
        finally:
            con.close()
        keep_snapshot(db, state, day, tag)
