"""The encrypted register: SQLite3 Multiple Ciphers (through ``apsw``) behind the ``sqlite3`` calls
the store makes.

A plain register stays on the standard library's ``sqlite3``. An encrypted one is opened with
``apsw`` and handed to the store as a ``Connection`` that offers the part of ``sqlite3.Connection``
the store uses: ``execute``, ``executemany``, ``cursor`` (with ``row_factory = None`` for plain
tuples), ``lastrowid``, ``rowcount``, ``total_changes``, rows by name and by index, and for sqlite-utils (the
migrations) ``in_transaction``, ``description`` and the ``with conn:`` it enters. The apsw
package is imported only when an encrypted file is met.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar
from urllib.parse import quote

from mentorcli.core.errors import InputError, MentorError
from mentorcli.core.messages import N_

if TYPE_CHECKING:
    import apsw

CIPHER = "chacha20"  # SQLite3 Multiple Ciphers' default: ChaCha20-Poly1305, every page authenticated
_SIDE_FILES = ("-wal", "-shm", "-journal")


class Row(tuple[Any, ...]):
    """A row by index and by column name, like ``sqlite3.Row``; each statement gets its own subclass
    holding the name map, so a row costs no more than the tuple it is."""

    __slots__ = ()
    _index: ClassVar[dict[str, int]] = {}

    def __getitem__(self, key: Any) -> Any:
        if type(key) is str:
            return tuple.__getitem__(self, self._index[key])
        return tuple.__getitem__(self, key)

    def keys(self) -> list[str]:
        return list(self._index)


_ROW_CLASSES: dict[tuple[str, ...], type[Row]] = {}


def _row_class(names: tuple[str, ...]) -> type[Row]:
    cls = _ROW_CLASSES.get(names)
    if cls is None:
        cls = type("Row", (Row,), {"__slots__": (), "_index": {n: i for i, n in enumerate(names)}})
        _ROW_CLASSES[names] = cls
    return cls


def _translated(e: Exception) -> sqlite3.Error:
    """apsw's error as the ``sqlite3`` one the CLI already reports in one line."""
    import apsw

    if isinstance(e, apsw.ConstraintError):
        return sqlite3.IntegrityError(str(e))
    return sqlite3.OperationalError(str(e))


class Cursor:
    def __init__(self, conn: Connection) -> None:
        self._conn = conn
        self._cur = conn.db.cursor()
        self.row_factory: Any = conn.row_factory
        self.lastrowid: int | None = None
        self.rowcount = -1
        self._names: tuple[str, ...] | None = None

    def execute(self, sql: str, params: Sequence[Any] | dict[str, Any] = ()) -> Cursor:
        import apsw

        try:
            self._cur.execute(sql, params)
        except apsw.Error as e:
            raise _translated(e) from None
        return self._done()

    def executemany(self, sql: str, seq: Iterable[Sequence[Any] | dict[str, Any]]) -> Cursor:
        import apsw

        try:
            self._cur.executemany(sql, seq)
        except apsw.Error as e:
            raise _translated(e) from None
        return self._done()

    def _done(self) -> Cursor:
        import apsw

        self.lastrowid = self._conn.db.last_insert_rowid()
        try:
            self._names = tuple(d[0] for d in self._cur.get_description())
        except apsw.ExecutionCompleteError:
            self._names = None  # no rows to come
        # As sqlite3's: the rows the statement changed (the triggers' own not counted); -1 for a query.
        self.rowcount = -1 if self._names is not None else self._conn.db.changes()
        return self

    def __iter__(self) -> Iterator[Any]:
        if self._names is None:
            return iter(())
        if self.row_factory is None:
            return iter(self._cur)
        return map(_row_class(self._names), self._cur)

    def fetchone(self) -> Any:
        return next(iter(self), None)

    def fetchall(self) -> list[Any]:
        return list(self)

    @property
    def description(self) -> tuple[tuple[str, None, None, None, None, None, None], ...] | None:
        return tuple((n, None, None, None, None, None, None) for n in self._names) if self._names else None


class Connection:
    """An open encrypted register, speaking the ``sqlite3`` the store speaks."""

    def __init__(self, db: apsw.Connection) -> None:
        self.db = db
        self.row_factory: Any = sqlite3.Row

    def cursor(self) -> Cursor:
        return Cursor(self)

    def execute(self, sql: str, params: Sequence[Any] | dict[str, Any] = ()) -> Cursor:
        return Cursor(self).execute(sql, params)

    def executemany(self, sql: str, seq: Iterable[Sequence[Any] | dict[str, Any]]) -> Cursor:
        return Cursor(self).executemany(sql, seq)

    @property
    def total_changes(self) -> int:
        return int(self.db.total_changes())

    @property
    def in_transaction(self) -> bool:
        return not self.db.get_autocommit()

    def __enter__(self) -> Connection:
        # sqlite-utils wraps its writes in ``with conn:``; the migration's own transaction holds them.
        return self

    def __exit__(self, *exc: object) -> None:
        return None

    def close(self) -> None:
        self.db.close()


def _hexkey(passphrase: str) -> str:
    # As hex, a passphrase needs no quoting in a URI or a PRAGMA, whatever characters it holds.
    return passphrase.encode("utf-8").hex()


def _open(path: Path, passphrase: str | None, *, timeout_ms: int = 30_000) -> apsw.Connection:
    import apsw

    flags = apsw.SQLITE_OPEN_READWRITE | apsw.SQLITE_OPEN_URI
    try:
        db = apsw.Connection(str(path), flags=flags)
    except apsw.Error as e:
        raise MentorError(N_("database: cannot open {path} ({reason})", path=path, reason=e)) from None
    db.set_busy_timeout(timeout_ms)
    if passphrase is not None:
        db.pragma("hexkey", _hexkey(passphrase))
    try:
        db.execute("SELECT count(*) FROM sqlite_master").fetchall()
    except apsw.NotADBError:
        db.close()
        raise InputError(
            N_("wrong passphrase for {path}, or the file is damaged", path=path), field="passphrase"
        ) from None
    except apsw.Error as e:
        db.close()
        raise MentorError(N_("database: cannot open {path} ({reason})", path=path, reason=e)) from None
    return db


# Deriving the key from the passphrase is most of the cost of opening (~25 ms): a connection opened
# to read the register's language before the command runs is handed to the command's own opening.
_warm: dict[tuple[int, int, str], apsw.Connection] = {}


def _identity(path: Path, passphrase: str) -> tuple[int, int, str]:
    st = path.stat()
    return st.st_dev, st.st_ino, passphrase


def connect(path: Path, passphrase: str, *, timeout_ms: int = 30_000) -> Connection:
    """Open an encrypted register with its passphrase; a wrong one is one line, exit 2."""
    db = _warm.pop(_identity(path, passphrase), None)
    if db is None:
        db = _open(path, passphrase, timeout_ms=timeout_ms)
    return Connection(db)


def peek(path: Path, passphrase: str) -> Connection:
    """``connect`` for a first look; the next ``connect`` to the same file takes the connection over."""
    conn = connect(path, passphrase)
    _warm[_identity(path, passphrase)] = conn.db
    return conn


def uri(path: Path, passphrase: str | None) -> str:
    """The file as a URI that opens (or ATTACHes) it with ``passphrase``, or plain when it is None."""
    key = f"cipher={CIPHER}&hexkey={_hexkey(passphrase)}" if passphrase else "key="
    return f"file:{quote(str(path))}?{key}"


def copy_to(db: apsw.Connection, dest: Path, passphrase: str | None) -> None:
    """A consistent copy of ``db`` into the empty file ``dest``: encrypted with ``passphrase``, or plain
    when it is None. ``VACUUM INTO`` re-encrypts page by page; SQLite's backup cannot, as the pages
    of an encrypted file keep room for the cipher's tag."""
    import apsw

    try:
        db.execute("VACUUM INTO ?", (uri(dest, passphrase),))
    except apsw.Error as e:
        raise MentorError(N_("cannot write {path}: {reason}", path=dest, reason=e)) from None


def backup(conn: Connection, dest: Path, passphrase: str) -> None:
    """``db backup`` of an encrypted register: a copy encrypted with the same passphrase, never plain."""
    import apsw

    target = _open(dest, passphrase)
    try:
        with target.backup("main", conn.db, "main") as b:
            b.step()
        target.pragma("journal_mode", "delete")
    except apsw.Error as e:
        raise MentorError(N_("cannot write {path}: {reason}", path=dest, reason=e)) from None
    finally:
        target.close()


def _verify(path: Path, passphrase: str | None, counts: dict[str, int]) -> None:
    db = _open(path, passphrase)
    try:
        ok = [r[0] for r in db.execute("PRAGMA integrity_check")]
        got = {t: int(str(db.execute(f'SELECT COUNT(*) FROM "{t}"').fetchall()[0][0])) for t in counts}
    finally:
        db.close()
    if ok != ["ok"] or got != counts:
        raise MentorError(N_("database: the new copy of {path} did not check out; nothing was replaced", path=path))


def _counts(db: apsw.Connection) -> dict[str, int]:
    tables = [r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
    return {t: int(str(db.execute(f'SELECT COUNT(*) FROM "{t}"').fetchall()[0][0])) for t in tables}


def convert(path: Path, old: str | None, new: str | None) -> None:
    """Rewrite the register at ``path`` encrypted with ``new`` (plain when None), read with ``old``.

    When the old file was plain its bytes are overwritten once it is replaced, so that no page of
    it stays readable under its name. Another process writing meanwhile would lose its write: run
    it alone.
    """
    replace(path, path, old, new, zero=old is None)


def replace(target: Path, source: Path, old: str | None, new: str | None, *, zero: bool = False) -> None:
    """Replace ``target`` with a copy of ``source`` (read with ``old``), encrypted with ``new`` or plain.

    The copy is written beside ``target``, checked (integrity and the count of every table), and
    renamed over it; the source's write-ahead log is emptied first, and ``target``'s side files are
    removed, as a log of the old file must never be read into the new one.
    """
    import tempfile

    src = _open(source, old)
    try:
        src.pragma("wal_checkpoint(TRUNCATE)")
        counts = _counts(src)
        fd, name = tempfile.mkstemp(prefix=f".{target.name[:64]}.", suffix=".part", dir=target.parent)
        os.close(fd)
        tmp = Path(name)
        try:
            copy_to(src, tmp, new)
        except BaseException:
            tmp.unlink(missing_ok=True)
            raise
    finally:
        src.close()
    try:
        _verify(tmp, new, counts)
        os.chmod(tmp, 0o600)
        with target.open("r+b") as old_file:
            os.replace(tmp, target)
            for suffix in _SIDE_FILES:
                Path(f"{target}{suffix}").unlink(missing_ok=True)
            if zero:
                _overwrite(old_file)
    finally:
        tmp.unlink(missing_ok=True)


def _overwrite(f: Any) -> None:
    """Zeros over the replaced plain file (still open, no longer named); best effort on SSDs."""
    size = os.fstat(f.fileno()).st_size
    f.seek(0)
    chunk = b"\x00" * (1 << 20)
    for _ in range(0, size, len(chunk)):
        f.write(chunk)
    f.truncate(size)
    f.flush()
    os.fsync(f.fileno())
