"""krant's own files (read marks, the post index, settings): written atomically, kept aside when damaged.

One way for every store, so a damaged file is always found under the same kind of name and an earlier
copy is never overwritten by a later one; and one answer to "is this damage?", so no store is moved aside
because its disk is full or its folder read-only (`cannot_write`) or another window holds it (`is_locked`):
those pass, and the file is still good.
"""

from __future__ import annotations

import errno
import os
import sqlite3
import tempfile
from datetime import datetime
from pathlib import Path

ASIDE_MARK = ".corrupt-"
"""A file kept aside is named `<name>.corrupt-<YYYYmmdd-HHMMSS>`, with `-2`, `-3`, … if that is taken."""


def keep_aside(path: Path, *, when: datetime | None = None) -> Path:
    """Rename a damaged store to `<name>.corrupt-<time>` next to it (never over an earlier one); the new path.

    A SQLite store's write-ahead log goes with it: left in place, SQLite would replay it into a new store
    of the same name. Its shared-memory file is only an index of the log and is removed.

    Raises:
        OSError: the file could not be renamed (it is left where it was).
    """
    stamp = (when or datetime.now()).strftime("%Y%m%d-%H%M%S")
    kept = path.with_name(f"{path.name}{ASIDE_MARK}{stamp}")
    number = 1
    while kept.exists() or _wal(kept).exists():
        number += 1
        kept = path.with_name(f"{path.name}{ASIDE_MARK}{stamp}-{number}")
    os.rename(path, kept)
    if _wal(path).exists():
        os.rename(_wal(path), _wal(kept))
    path.with_name(path.name + "-shm").unlink(missing_ok=True)
    return kept


NEARLY_FULL_BYTES = 1 << 20
"""A disk with less free space than this is full for SQLite's purposes: it reports some failed writes
(the shared-memory file of a WAL store above all) as a plain I/O error rather than "disk is full"."""
_FULL_ERRNOS = frozenset({errno.ENOSPC, errno.EDQUOT})
_UNWRITABLE_ERRNOS = frozenset({errno.EROFS, errno.EACCES, errno.EPERM})
_FULL_CODES = frozenset({sqlite3.SQLITE_FULL})
_UNWRITABLE_CODES = frozenset({sqlite3.SQLITE_READONLY, sqlite3.SQLITE_CANTOPEN, sqlite3.SQLITE_PERM})


def is_full(error: BaseException, where: Path | None = None) -> bool:
    """Whether an error means the disk (or the user's quota) is full: no damage, and it passes.

    `where` is the store's path: a SQLite I/O error counts as full when its disk has (almost) no room left.
    """
    if isinstance(error, OSError):
        return error.errno in _FULL_ERRNOS
    if not isinstance(error, sqlite3.Error):
        return False
    code = _primary_code(error)
    if code in _FULL_CODES or "database or disk is full" in str(error):
        return True
    return code == sqlite3.SQLITE_IOERR and where is not None and _nearly_full(where)


def cannot_write(error: BaseException, where: Path | None = None) -> bool:
    """Whether an error means the store cannot be written now (a full disk, a read-only folder or mount),
    rather than that it is damaged: the file must then be left where it is."""
    if is_full(error, where):
        return True
    if isinstance(error, OSError):
        return error.errno in _UNWRITABLE_ERRNOS
    return isinstance(error, sqlite3.Error) and _primary_code(error) in _UNWRITABLE_CODES


def is_locked(error: BaseException) -> bool:
    """Whether a SQLite error means another connection holds the store (another krant window, a worker's
    write): no damage, and not a full disk either; it passes when that connection is done."""
    if not isinstance(error, sqlite3.Error):
        return False
    code = _primary_code(error)
    if code is None:
        return "database is locked" in str(error) or "database table is locked" in str(error)
    return code in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED)


def _primary_code(error: sqlite3.Error) -> int | None:
    code = getattr(error, "sqlite_errorcode", None)
    return None if code is None else code & 0xFF  # extended codes keep the primary one in the low byte


def _nearly_full(where: Path) -> bool:
    for folder in (where, *where.parents):
        try:
            info = os.statvfs(folder)
        except OSError:
            continue
        return info.f_bavail * info.f_frsize < NEARLY_FULL_BYTES
    return False


def write_atomically(path: Path, text: str) -> None:
    """Write a text file through a temporary file, `fsync` and a rename, so a crash never leaves half of it.

    Raises:
        OSError: the folder cannot be written (nothing is changed then).
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor, temporary = tempfile.mkstemp(prefix=f".{path.name}-", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def _wal(path: Path) -> Path:
    return path.with_name(path.name + "-wal")
