"""krant's own files (read marks, the post index, settings): written atomically, kept aside when damaged.

One way for every store, so a damaged file is always found under the same kind of name and an earlier
copy is never overwritten by a later one.
"""

from __future__ import annotations

import os
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
