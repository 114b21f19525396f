"""Keeping the file sound: backups, restore, checks, erasure of personal data, retention."""

from __future__ import annotations

import functools
import os
import sqlite3
import tempfile
from collections import defaultdict
from collections.abc import Callable
from contextlib import closing
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import cast

from mentorcli.core.dates import fmt_lv
from mentorcli.core.eligibility import compute
from mentorcli.core.errors import InputError, MentorError
from mentorcli.core.messages import N_, NP_
from mentorcli.store import personal, stamps
from mentorcli.store.clients import client_id, histories, record_by_id, refresh
from mentorcli.store.db import _create_private, iso_or_none
from mentorcli.store.db import is_encrypted as is_encrypted_register
from mentorcli.store.migrations import MIGRATIONS
from mentorcli.store.register import Register

MAGIC = b"MENTORCLI-BACKUP-1\n"
_SALT, _NONCE = 16, 12
REPLACED = "replaced-"  # db restore keeps the file it replaces as NAME.replaced-STAMP


# --- backup and restore ------------------------------------------------------------------
def backup(conn: sqlite3.Connection, dest: Path, passphrase: str | None, register_key: str | None = None) -> None:
    """A consistent copy made with SQLite's online backup, safe while others write.

    ``dest`` is a new private file that the output writer renames into place once it is whole.
    An encrypted register (``register_key``) is copied encrypted with its own passphrase: never a
    plain page on the disk, not even in a temporary file.
    """
    if register_key is not None:
        from mentorcli.store import cipher

        cipher.backup(cast(cipher.Connection, conn), dest, register_key)
        return
    if passphrase is None:
        _copy(conn, dest)
        return
    fd, tmp = tempfile.mkstemp(prefix="mentorcli-backup-", suffix=".db")
    os.close(fd)
    try:
        _copy(conn, Path(tmp))
        plain = Path(tmp).read_bytes()
    finally:
        os.unlink(tmp)
    dest.write_bytes(encrypt(plain, passphrase))


def _copy(conn: sqlite3.Connection, dest: Path) -> None:
    target = sqlite3.connect(dest)
    try:
        conn.backup(target)
        # A self-contained file: no -wal beside it on the USB stick.
        target.execute("PRAGMA journal_mode = DELETE")
    finally:
        target.close()


def encrypt(plain: bytes, passphrase: str) -> bytes:
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    salt, nonce = os.urandom(_SALT), os.urandom(_NONCE)
    return MAGIC + salt + nonce + AESGCM(_key(passphrase, salt)).encrypt(nonce, plain, MAGIC)


def decrypt(blob: bytes, passphrase: str) -> bytes:
    from cryptography.exceptions import InvalidTag
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    body = blob[len(MAGIC) :]
    salt, nonce, sealed = body[:_SALT], body[_SALT : _SALT + _NONCE], body[_SALT + _NONCE :]
    try:
        return AESGCM(_key(passphrase, salt)).decrypt(nonce, sealed, MAGIC)
    except InvalidTag:
        raise InputError(N_("wrong passphrase, or the backup is damaged"), field="passphrase") from None


def _key(passphrase: str, salt: bytes) -> bytes:
    from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

    return Scrypt(salt=salt, length=32, n=2**15, r=8, p=1).derive(passphrase.encode("utf-8"))


def is_encrypted(path: Path) -> bool:
    with path.open("rb") as f:
        return f.read(len(MAGIC)) == MAGIC


def check_backup(path: Path, passphrase: str | None = None) -> list[str]:
    """Problems that make a file unfit to restore; empty when it is a sound mentorcli database.

    ``passphrase`` opens an encrypted one (a backup of an encrypted register).
    """
    try:
        if passphrase is None:
            conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        else:
            from mentorcli.store import cipher

            conn = cast(sqlite3.Connection, cipher.connect(path, passphrase))
    except sqlite3.Error as e:
        return [N_("{path}: cannot be opened ({reason})", path=path, reason=e)]
    try:
        result = [r[0] for r in conn.execute("PRAGMA integrity_check")]
        if result != ["ok"]:
            return [N_("{path}: integrity: {reason}", path=path, reason=r) for r in result]
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        if not {"migrations", "clients", "events"} <= tables:
            return [N_("{path}: is not a mentorcli database", path=path)]
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        if version > len(MIGRATIONS):
            return [
                N_("{path}: schema version {version} is newer than this mentorcli knows", path=path, version=version)
            ]
    except sqlite3.DatabaseError as e:
        return [N_("{path}: is not a database ({reason})", path=path, reason=e)]
    finally:
        conn.close()
    return []


def restore(db: Path, source: Path, passphrase: str | None, register_key: str | None = None) -> Path | None:
    """Replace the database with a checked backup; the replaced file is kept beside it.

    A backup of an encrypted register (opened with ``passphrase``) restores encrypted, and an
    encrypted register (``register_key``) stays encrypted under its own passphrase whatever the
    backup: a restore never leaves a plain page of either on the disk.
    """
    if not source.is_file():
        raise InputError(N_("'{value}' is not a file", value=source), field="path")
    plain_path, tmp = source, None
    source_key = None
    if is_encrypted_register(source):
        if passphrase is None:
            raise InputError(
                N_("the backup is encrypted; set MENTORCLI_PASSPHRASE or answer the prompt"), field="passphrase"
            )
        source_key = passphrase
    elif is_encrypted(source):
        if passphrase is None:
            raise InputError(
                N_("the backup is encrypted; set MENTORCLI_PASSPHRASE or answer the prompt"), field="passphrase"
            )
        fd, name = tempfile.mkstemp(prefix="mentorcli-restore-", suffix=".db")
        os.close(fd)
        tmp = Path(name)
        tmp.write_bytes(decrypt(source.read_bytes(), passphrase))
        plain_path = tmp
    try:
        problems = check_backup(plain_path, source_key)
        if problems:
            raise InputError(N_("{problem}; nothing was replaced", problem=problems[0]), field="backup")
        if source_key is not None or register_key is not None:
            return _restore_encrypted(db, plain_path, source_key, register_key)
        kept = None
        if db.exists():
            kept = _new_replaced_name(db)
            live = sqlite3.connect(db, timeout=30)
            try:
                _copy(live, kept)
            finally:
                live.close()
        else:
            _create_private(db)
        src = sqlite3.connect(f"file:{plain_path}?mode=ro", uri=True)
        dst = sqlite3.connect(db, timeout=30)
        try:
            src.backup(dst)
        finally:
            src.close()
            dst.close()
        return kept
    finally:
        if tmp is not None:
            tmp.unlink()


def _restore_encrypted(db: Path, source: Path, source_key: str | None, register_key: str | None) -> Path | None:
    from mentorcli.store import cipher

    kept = None
    if db.exists():
        kept = _new_replaced_name(db)
        if register_key is None:
            with closing(sqlite3.connect(db, timeout=30)) as live:
                _copy(live, kept)
        else:
            live_db = cipher.connect(db, register_key)
            try:
                cipher.copy_to(live_db.db, kept, register_key)
            finally:
                live_db.close()
    else:
        _create_private(db)
    cipher.replace(db, source, source_key, register_key or source_key)
    return kept


def _new_replaced_name(db: Path) -> Path:
    """A new file for the copy a restore replaces: by the second, with a counter within one second."""
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S")
    for n in range(1, 1000):
        kept = db.with_name(f"{db.name}.{REPLACED}{stamp}" + (f"-{n}" if n > 1 else ""))
        try:
            _create_private(kept)
        except FileExistsError:
            continue
        return kept
    name = f"{db.name}.{REPLACED}{stamp}"
    raise MentorError(N_("restore: too many copies named {name}; remove some", name=name))


def replaced_copies(db: Path) -> list[Path]:
    """The copies earlier restores kept beside the database (they hold names erased since)."""
    import glob

    return sorted(db.parent.glob(f"{glob.escape(db.name)}.{REPLACED}*"))


# --- checks ------------------------------------------------------------------------------
@dataclass(frozen=True)
class Problem:
    """One line of ``db check``; a warning is worth knowing but leaves the file sound."""

    text: str
    warning: bool = False


def check(
    reg: Register, *, full: bool = False, progress: Callable[[int], None] | None = None, writing: bool = False
) -> list[Problem]:
    """SQLite's own checks, then the domain's: one line per problem.

    ``full`` adds SQLite's index-by-index comparison (``integrity_check``), which takes longer than
    all the rest on a large file, and derives every client's timeline again; without it only the
    clients with no derivation stamp of the current rules are derived (``store.stamps``).
    ``quick_check`` finds damaged pages and records without it. ``progress`` is told how many
    clients are done. ``writing``: the register is open for writing (``--repair``), else the
    clients found in order are stamped in a write of their own.
    """
    conn = reg.conn
    pragma = "integrity_check" if full else "quick_check"
    found = [N_("integrity: {reason}", reason=r[0]) for r in conn.execute(f"PRAGMA {pragma}") if r[0] != "ok"]
    found += [
        N_("foreign key: {table} row {row} points to a missing {parent}", table=r[0], row=r[1], parent=r[2])
        for r in conn.execute("PRAGMA foreign_key_check")
    ]
    if found:
        return [Problem(p) for p in found]
    problems, in_order = _timeline_problems(reg, progress, full=full)
    problems += _casework_problems(reg)
    if in_order:
        # A check records what it found in order, so that the next one need not derive it again;
        # last, so that every check above reads one snapshot.
        if writing:
            stamps.stamp(reg.conn, in_order)
        else:
            stamps.keep(reg.conn, in_order)
    return problems


def _timeline_problems(
    reg: Register, progress: Callable[[int], None] | None, *, full: bool
) -> tuple[list[Problem], list[int]]:
    """Each client's timeline derived once from the events and compared with the stored derivation:
    every client's with ``full``, else those of the clients without a current stamp. Returns the
    problems and the clients derived that were found in order."""
    chosen, done = "1" if full else stamps.unstamped(reg.conn), 0
    if chosen != "1":
        stale = reg.conn.execute(f"SELECT 1 FROM clients c WHERE c.merged_into IS NULL AND {chosen} LIMIT 1")
        if progress:
            sql = f"SELECT COUNT(*) FROM clients c WHERE c.merged_into IS NULL AND NOT ({chosen})"
            done = int(reg.conn.execute(sql).fetchone()[0])
            for n in range(1000, done + 1, 1000):
                progress(n)
        if stale.fetchone() is None:
            return [], []
    spans = f"WHERE client_id IN (SELECT c.id FROM clients c WHERE {chosen})" if chosen != "1" else ""
    rows = reg.conn.cursor()
    rows.row_factory = None  # plain tuples: every window and episode is read
    windows: dict[int, list[tuple[str, str, str | None, str | None]]] = {}
    for cid, *window in rows.execute(
        f'SELECT client_id, kind, start, "end", ended_by FROM windows {spans} ORDER BY client_id, seq'
    ):
        windows.setdefault(cid, []).append(tuple(window))
    episodes: dict[int, list[tuple[str, str | None, str | None, int, int]]] = {}
    for cid, *episode in rows.execute(
        f'SELECT client_id, start, "end", end_reason, first, taken_over FROM episodes {spans} ORDER BY client_id, seq'
    ):
        episodes.setdefault(cid, []).append(tuple(episode))
    problems, policies, in_order = [], reg.policies, []
    for h in histories(reg, chosen):
        done += 1
        if progress and done % 1000 == 0:
            progress(done)
        try:
            tl = compute(h.arrived, h.status_events, h.service_events, policies, h.earlier)
        except MentorError as e:
            problems.append(Problem(N_("{code}: {problem}", code=h.code, problem=e.as_message())))
            continue
        derived = [
            (e.start.isoformat(), iso_or_none(e.end), e.end_reason, int(e.first), int(e.taken_over))
            for e in tl.episodes
        ]
        if episodes.get(h.id, []) != derived:
            problems.append(
                Problem(
                    N_(
                        "{code}: stored episodes differ from the events (run 'mentorcli db check --repair')",
                        code=h.code,
                    )
                )
            )
        elif windows.get(h.id, []) != [
            (w.kind, w.start.isoformat(), iso_or_none(w.end), w.ended_by) for w in tl.windows
        ]:
            problems.append(
                Problem(
                    N_("{code}: stored windows differ from the events (run 'mentorcli db check --repair')", code=h.code)
                )
            )
        else:
            in_order.append(h.id)
    return problems, in_order


_day = functools.lru_cache(maxsize=None)(date.fromisoformat)  # a few thousand days among the assignments


def _casework_problems(reg: Register) -> list[Problem]:
    from mentorcli.core.casework import MENTOR, ROLE_WORDS, SOCIAL_WORKER, UNDER_MINIMUM, Caseload, Period
    from mentorcli.store.assignments import SPANS
    from mentorcli.store.caseload import caseload

    conn, problems = reg.conn, []
    # Each staff member's first days and known last days, all and those assigned with --force, as
    # lists in one row per staff member: a row per assignment costs more to hand over than to count.
    per_staff = f"""
    WITH s AS MATERIALIZED ({SPANS})
    SELECT :worker, worker_id, group_concat(start), group_concat(eff_end),
           group_concat(CASE WHEN forced THEN start END), group_concat(CASE WHEN forced THEN eff_end END)
    FROM s WHERE worker_id IS NOT NULL GROUP BY worker_id
    UNION ALL
    SELECT :mentor, mentor_id, group_concat(start), group_concat(eff_end),
           group_concat(CASE WHEN forced THEN start END), group_concat(CASE WHEN forced THEN eff_end END)
    FROM s WHERE mentor_id IS NOT NULL GROUP BY mentor_id
    """
    periods: dict[tuple[str, int], tuple[list[date], list[date], list[date], list[date]]] = {}
    for role, sid, *lists in conn.execute(per_staff, {"worker": SOCIAL_WORKER, "mentor": MENTOR}):
        starts, ends, forced_starts, forced_ends = (
            [_day(d) for d in days.split(",")] if days else [] for days in lists
        )
        periods[role, sid] = (starts, ends, forced_starts, forced_ends)
    # Overlapping assignments of one client, among the clients with more than one.
    by_client: defaultdict[int, list[Period]] = defaultdict(list)
    several = "client_id IN (SELECT client_id FROM assignments GROUP BY client_id HAVING COUNT(*) > 1)"
    for cid, start, end in conn.execute(f"SELECT client_id, start, eff_end FROM ({SPANS}) WHERE {several} ORDER BY id"):
        by_client[cid].append(Period(_day(start), _day(end) if end else None))
    overlapping = [
        (cid, a, b)
        for cid, spans in by_client.items()  # by id: each pair once, the earlier-made assignment first
        for i, a in enumerate(spans)
        for b in spans[i + 1 :]
        if a.overlaps(b.start, b.end or date.max)
    ]
    code_of = {
        cid: conn.execute("SELECT code FROM clients WHERE id = ?", (cid,)).fetchone()[0] for cid, *_ in overlapping
    }
    overlaps = [(code_of[cid], a, b) for cid, a, b in overlapping]
    for code, a, b in sorted(overlaps, key=lambda t: t[0]):
        problems.append(
            Problem(
                N_(
                    "{code}: assignments from {a} and from {b} overlap",
                    code=code,
                    a=a.start.isoformat(),
                    b=b.start.isoformat(),
                )
            )
        )
    names = dict(conn.execute("SELECT id, name FROM staff").fetchall())
    for (role, sid), (starts, ends, forced_starts, forced_ends) in sorted(periods.items()):
        # An over-maximum is authorised when the assignments made without --force are within the
        # maximum that day: the excess is what --force asked for. A maximum lowered later is not.
        everyone = unforced = Caseload.of_days(starts, ends)
        if forced_starts:
            for first in forced_starts:
                starts.remove(first)
            for last in forced_ends:
                ends.remove(last)
            unforced = Caseload.of_days(starts, ends)
        warned = False
        for over in everyone.over_maximum(role, reg.policies):
            day, who = over.day.isoformat(), ROLE_WORDS[role]
            if unforced.on(over.day) > over.maximum:
                text = NP_(
                    "{role} {name}: {n} client on {day} (maximum {maximum})",
                    "{role} {name}: {n} clients on {day} (maximum {maximum})",
                    over.load,
                    role=who,
                    name=names[sid],
                    day=day,
                    maximum=over.maximum,
                )
                problems.append(Problem(text))
                break
            if not warned:
                text = NP_(
                    "{role} {name}: {n} client on {day} (maximum {maximum}), authorised by --force",
                    "{role} {name}: {n} clients on {day} (maximum {maximum}), authorised by --force",
                    over.load,
                    role=who,
                    name=names[sid],
                    day=day,
                    maximum=over.maximum,
                )
                problems.append(Problem(text, warning=True))
                warned = True
    for row in caseload(reg, reg.today):
        if row["state"] == UNDER_MINIMUM:
            text = NP_(
                "{role} {name}: {n} client today (minimum {minimum})",
                "{role} {name}: {n} clients today (minimum {minimum})",
                row["load"],
                role=ROLE_WORDS[row["role"]],
                name=row["staff"],
                minimum=row["minimum"],
            )
            problems.append(Problem(text, warning=True))
    # Each link of an activity to a client in the order they are stored, its day looked up by
    # key and the client's episodes searched in the index of their days (migration 0016); the
    # codes of those outside the service only. CROSS JOIN keeps that order: SQLite would rather
    # read the activities by day and search the links of each, seven times the work.
    for r in conn.execute(
        """
        WITH outside AS MATERIALIZED (
            SELECT ac.client_id, a.date FROM activity_clients ac CROSS JOIN activities a ON a.id = ac.activity_id
            WHERE NOT EXISTS (SELECT 1 FROM episodes e WHERE e.client_id = ac.client_id AND e.start <= a.date
                              AND (e."end" IS NULL OR e."end" >= a.date))
        )
        SELECT c.code, o.date FROM outside o JOIN clients c ON c.id = o.client_id ORDER BY c.code, o.date
        """
    ):
        said = N_("{code}: an activity on {day} falls outside the client's service", code=r["code"], day=r["date"])
        problems.append(Problem(said))
    return problems


def repair(reg: Register) -> int:
    """Derive every client's windows and episodes again from the events."""
    ids = [r[0] for r in reg.conn.execute("SELECT id FROM clients").fetchall()]
    for cid in ids:
        refresh(reg, record_by_id(reg, cid))
    reg.audit("repair", "episodes", "*", {"clients": len(ids)})
    return len(ids)


# --- erasure and retention ---------------------------------------------------------------
@dataclass(frozen=True)
class Erased:
    code: str
    last_served: date | None


def erase(reg: Register, code: str) -> None:
    """Remove a client's direct identifiers and free text; keep what the counts need."""
    cid = client_id(reg, code)
    personal.erase_client(reg, cid)
    audit_id = reg.audit("erase", "clients", code, {"name": None, "languages": None, "notes": None, "goal_texts": None})
    reg.conn.execute("UPDATE clients SET erased = ?, audit_id = ? WHERE id = ?", (reg.today.isoformat(), audit_id, cid))


def ended_before(reg: Register, day: date) -> list[Erased]:
    """Clients not yet erased whose service ended before ``day`` and who are not served since."""
    rows = reg.conn.execute(
        """
        SELECT c.code, MAX(COALESCE(e."end", '9999-12-31')) AS last
        FROM clients c JOIN episodes e ON e.client_id = c.id
        WHERE c.erased IS NULL
        GROUP BY c.id
        HAVING last < ?
        ORDER BY c.code
        """,
        (day.isoformat(),),
    ).fetchall()
    return [Erased(r[0], date.fromisoformat(r[1])) for r in rows]


def wipe_traces(db: Path, passphrase: Callable[[], str] | None = None) -> None:
    """After an erasure: rebuild the file and empty the write-ahead log, so no old page remains."""
    from mentorcli.store.db import is_encrypted, open_file

    key = passphrase() if passphrase is not None and is_encrypted(db) else None
    conn = open_file(db, passphrase)
    try:
        conn.execute("PRAGMA secure_delete = ON")
        conn.execute("VACUUM")
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        erased = [r[0] for r in conn.execute("SELECT code FROM clients WHERE erased IS NOT NULL")]
    finally:
        conn.close()
    from mentorcli.store.exchange import scrub_snapshots

    # The states kept for db bundle are copies of the register: the erasure reaches them too.
    scrub_snapshots(db, erased, key)


def describe(d: date | None) -> str:
    return fmt_lv(d) if d else "-"
