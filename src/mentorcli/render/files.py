"""The one output writer: every file a command writes goes through ``write_output``.

A slip of the keyboard (``--output register.db``) must never replace the register or any other
database, and a failed write must leave neither a partial file nor a saved report behind. So a
target is checked before anything is written, a regular file is written whole through a private
temporary file in the same folder and renamed into place, and a FIFO or a device is written into,
never renamed over.
"""

from __future__ import annotations

import errno
import os
import re
import stat
import tempfile
from collections.abc import Callable
from pathlib import Path

from mentorcli.core.errors import InputError, MentorError
from mentorcli.core.messages import N_

SQLITE_MAGIC = b"SQLite format 3\x00"
BACKUP_MAGIC = b"MENTORCLI-BACKUP-1\n"
# Binary formats carry this mark (xlsx creator, PNG "Software" chunk) so that a later run may
# replace its own earlier output without --force.
MARK = "mentorcli"
_SIDE_FILES = ("", "-wal", "-shm", "-journal")
_PEEK = 64 * 1024

Fill = Callable[[Path], None]


def _reason(e: OSError) -> str:
    return (e.strerror or str(e)).lower()


def _stat(path: Path) -> os.stat_result | None:
    try:
        return path.stat()
    except FileNotFoundError:
        return None
    except OSError as e:
        if e.errno == errno.ENAMETOOLONG:
            raise InputError(N_("{path}: the name is too long for this system", path=path)) from None
        if e.errno == errno.ENOTDIR:
            raise MentorError(N_("cannot write {path}: a part of the path is not a folder", path=path)) from None
        raise MentorError(N_("cannot write {path}: {reason}", path=path, reason=_reason(e))) from None


def _check_name(path: Path) -> None:
    try:
        limit = os.pathconf(path.parent, "PC_NAME_MAX")
    except (OSError, ValueError):
        limit = 255
    if len(os.fsencode(path.name)) > limit or len(os.fsencode(str(path))) > 4096:
        raise InputError(N_("{path}: the name is too long for this system", path=path))


def _is_register(path: Path, register: Path | None) -> bool:
    if register is None:
        return False
    target = os.path.realpath(path)
    for suffix in _SIDE_FILES:
        side = Path(f"{register}{suffix}")
        if os.path.realpath(side) == target:
            return True
        try:
            if side.exists() and os.path.samefile(side, path):
                return True
        except OSError:
            continue
    return False


def _head(path: Path) -> bytes:
    try:
        with path.open("rb") as f:
            return f.read(_PEEK)
    except OSError as e:
        raise MentorError(
            N_("cannot read {path} to check it before replacing it: {reason}", path=path, reason=_reason(e))
        ) from None


def _describe(head: bytes) -> str:
    """What a file we may not replace holds, in the words of the refusal."""
    kinds = {
        b"%PDF": N_("a PDF document"),
        b"PK\x03\x04": N_("a ZIP, Word or Excel file"),
        b"\x89PNG": N_("a PNG picture"),
        b"\xff\xd8\xff": N_("a JPEG picture"),
    }
    for magic, kind in kinds.items():
        if head.startswith(magic):
            return kind
    return N_("text") if b"\x00" not in head else N_("binary data")


def _first_line(data: bytes) -> bytes:
    return data.split(b"\n", 1)[0].rstrip(b"\r")


def _workbook_creator(path: Path) -> str | None:
    import zipfile

    try:
        with zipfile.ZipFile(path) as z:
            core = z.read("docProps/core.xml").decode("utf-8", "replace")
    except (OSError, KeyError, zipfile.BadZipFile):
        return None
    found = re.search(r"<dc:creator>([^<]*)</dc:creator>", core)
    return found.group(1) if found else None


def _ours(path: Path, head: bytes, new_head: bytes) -> bool:
    """An earlier output of the same kind: empty, marked by us, or starting with the same line."""
    if not head:
        return True
    if head.startswith(b"PK\x03\x04"):
        return _workbook_creator(path) == MARK
    if head.startswith(b"\x89PNG"):
        return b"Software\x00" + MARK.encode() in head
    if b"\x00" in head:
        return False
    return bool(new_head) and _first_line(head) == _first_line(new_head)


def check_target(path: Path, *, register: Path | None, force: bool = False, new_head: bytes = b"") -> bool:
    """Refuse a target we must not write (exit 2); True when it is a FIFO or a device to write into."""
    _check_name(path)
    if _is_register(path, register):
        raise InputError(N_("{path}: is the register itself (or one of its files); choose another file", path=path))
    st = _stat(path)
    if st is None:
        return False
    if stat.S_ISDIR(st.st_mode):
        raise InputError(N_("{path}: is a folder; give a file name", path=path))
    if not stat.S_ISREG(st.st_mode):
        return True
    head = _head(path)
    if head.startswith(SQLITE_MAGIC):
        raise InputError(N_("{path}: is an SQLite database; mentorcli never writes over one", path=path))
    if head.startswith(BACKUP_MAGIC):
        raise InputError(N_("{path}: is an encrypted mentorcli backup; mentorcli never writes over one", path=path))
    if not force and not _ours(path, head, new_head):
        raise InputError(
            N_(
                "{path}: holds {kind} that mentorcli did not write; add --force to replace it",
                path=path,
                kind=_describe(head),
            )
        )
    return False


def write_output(
    path: Path,
    data: bytes | Fill,
    *,
    register: Path | None,
    force: bool = False,
    new_file_only: bool = False,
) -> None:
    """Write ``data`` (bytes, or a function that fills a given path) to ``path`` whole, or not at all.

    ``new_file_only`` (backups) refuses any existing target. Refusals are exit 2; failures of the
    write itself (no such folder, no space, no permission) exit 1; neither leaves a partial file.
    """
    path = path.expanduser()
    if new_file_only and (_stat(path) is not None or path.is_symlink()):
        _check_name(path)
        check_target(path, register=register, force=False, new_head=b"")
        raise InputError(N_("{path}: exists already; choose a new file", path=path))
    special = check_target(
        path, register=register, force=force, new_head=data[:_PEEK] if isinstance(data, bytes) else b""
    )
    if special:
        if not isinstance(data, bytes):
            raise InputError(N_("{path}: is not a regular file; give a file name", path=path))
        _write_into(path, data)
        return
    _write_replacing(Path(os.path.realpath(path)) if path.is_symlink() else path, data)


def _write_into(path: Path, data: bytes) -> None:
    try:
        with path.open("wb") as f:
            f.write(data)
    except OSError as e:
        raise MentorError(N_("cannot write {path}: {reason}", path=path, reason=_reason(e))) from None


def _write_replacing(path: Path, data: bytes | Fill) -> None:
    folder = path.parent
    if _stat(folder) is None:
        raise MentorError(N_("cannot write {path}: the folder {folder} does not exist", path=path, folder=folder))
    try:
        fd, name = tempfile.mkstemp(prefix=f".{path.name[:64]}.", suffix=".part", dir=folder)
    except OSError as e:
        raise MentorError(N_("cannot write {path}: {reason}", path=path, reason=_reason(e))) from None
    tmp = Path(name)
    try:
        try:
            os.fchmod(fd, 0o600)
            if isinstance(data, bytes):
                with os.fdopen(fd, "wb") as f:
                    f.write(data)
                    f.flush()
                    os.fsync(f.fileno())
            else:
                os.close(fd)
                data(tmp)
                os.chmod(tmp, 0o600)
            os.replace(tmp, path)
        except OSError as e:
            raise MentorError(N_("cannot write {path}: {reason}", path=path, reason=_reason(e))) from None
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def check_source(path: Path) -> None:
    """A file to read (a backup to restore): refused in one line when it cannot be one."""
    _check_name(path)
    st = _stat(path)
    if st is None:
        raise InputError(N_("{path}: no such file", path=path))
    if not stat.S_ISREG(st.st_mode):
        raise InputError(N_("{path}: is not a regular file", path=path))
