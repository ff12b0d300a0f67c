"""Which posts have been read: one small SQLite store per posts folder, safe to share between windows.

The store lives in krant's state directory (never in the posts folder) and is keyed by `Post.key`, so a
renamed or moved post keeps its mark. Every change is one short transaction that touches only the posts it
changes, so two krant windows on the same folder never lose each other's marks; `ReadMarks.refresh` picks
up what the other window did. A damaged or unwritable store never stops krant: the bad file is kept aside
(with every mark still readable in its intact pages carried over), `ReadMarks.notice` says what happened,
and marks go to a new store or, failing that, stay in memory. A store that cannot be written (a full disk,
a read-only folder) is not damage: its marks are read, new ones are kept in memory, and the disk is tried
again now and then, so they are saved once it has room.

Usage from the UI (all methods are thread-safe and never raise for storage problems):

    state = ReadMarks.open(folder, locations.state_dir)
    if state.notice: show(state.notice)
    state.mark([post.key], read=True)           # opening a post
    state.toggle(post.key)                      # `m`
    undo = state.mark(keys_in_category, True)   # `A`: returns the previous marks ...
    state.restore(undo)                         # ... and undo puts exactly those back
    if state.refresh(): redraw()                # now and then: marks made by another window
    state.close()
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import struct
import tempfile
import threading
import time
from collections.abc import Callable, Iterable, Mapping
from contextlib import closing
from pathlib import Path

from tui.core.locations import folder_slug
from tui.core.sanitize import clean_line
from tui.core.store_files import keep_aside

SCHEMA_VERSION = 1
"""Stored in `PRAGMA user_version`; a store from a newer krant is read but never written."""
BUSY_TIMEOUT_SECONDS = 1.0
"""How long a write waits for another window's transaction. Those take milliseconds; the UI must not hang."""
RETRY_SECONDS = 30.0
"""How often a store that could not be opened for writing (full disk, read-only folder) is tried again."""
STORE_SUFFIX = ".read.sqlite3"
_NOTICE_LIMIT = 300

_SCHEMA = (
    # Keys are UTF-8 bytes with surrogates passed through: a link in YAML may hold a lone surrogate, which
    # SQLite's TEXT cannot take and which must not crash krant.
    # Unread marks are kept as rows with read = 0 rather than deleted, so `seq` can tell another window
    # about them too: a refresh reads only rows whose seq is newer than the last one it saw.
    "CREATE TABLE IF NOT EXISTS marks (key BLOB PRIMARY KEY, read INTEGER NOT NULL, seq INTEGER NOT NULL)",
    "CREATE INDEX IF NOT EXISTS marks_by_seq ON marks (seq)",
    "CREATE TABLE IF NOT EXISTS meta (name TEXT PRIMARY KEY, value)",
)


class _NewerStore(Exception):
    """The store was written by a newer krant whose layout this one does not know."""


def store_path(folder: Path, state_dir: Path) -> Path:
    """The read-state file for a posts folder: one per folder, named by `folder_slug`."""
    return state_dir / f"{folder_slug(folder)}{STORE_SUFFIX}"


def stored_read_keys(folder: Path, state_dir: Path) -> tuple[frozenset[str], str | None]:
    """The keys marked read for a folder, without creating or changing any file (for `krant list`).

    Returns:
        The read keys (empty when there is no store yet) and a notice when the store could not be read.
    """
    path = store_path(folder, state_dir)
    if not path.is_file():
        return frozenset(), None
    # mode=rw rather than ro: a read-only connection leaves the -wal and -shm files behind, a read-write
    # one removes them when it is the last to close. Neither mode creates a missing store. In a read-only
    # folder neither can open a WAL store (its -shm cannot be made): an immutable open reads it as it is.
    for mode in ("rw", "ro", _IMMUTABLE):
        try:
            with closing(_connect(path, mode)) as db:
                _check_version(db)
                if not _has_marks_table(db):
                    return frozenset(), None
                return frozenset(_read_keys_in(db)), None
        except sqlite3.OperationalError as error:
            problem: BaseException = error
        except (sqlite3.DatabaseError, _NewerStore) as error:
            problem = error
            break
    if isinstance(problem, _NewerStore):
        return frozenset(), _notice(
            f"Read state {path} could not be read ({_reason(problem)}); all posts are unread."
        )
    # Damaged: the marks in its intact pages still count (the file is left as it is).
    salvaged = frozenset(_salvage(path))
    rest = f"{len(salvaged):,} marks were read from its intact part" if salvaged else "all posts are unread"
    return salvaged, _notice(f"Read state {path} could not be read ({_reason(problem)}); {rest}.")


class ReadMarks:
    """The read marks of one posts folder: a cache in memory, backed by a SQLite store when it can be.

    Create with `ReadMarks.open`. Reads (`is_read`, `read_keys`) come from memory; each change
    is written at once in one small transaction. Storage errors never raise: they set `notice`, and marks
    that could not be saved yet are kept and written on the next change or refresh.
    """

    def __init__(self, path: Path, folder: Path) -> None:
        """Use `ReadMarks.open` or `ReadMarks.in_memory`; this makes an empty, unsaved state."""
        self.path = path
        """Where the store is (or would be); a damaged one is kept next to it as `<name>.corrupt-<time>`."""
        self._folder = folder
        self._lock = threading.RLock()
        self._db: sqlite3.Connection | None = None
        self._identity: tuple[int, int] | None = None
        self._read: set[str] = set()
        self._frozen: frozenset[str] | None = None
        self._pending: dict[str, bool] = {}
        self._seen_seq = 0
        self._data_version = 0
        self._lasting_notice: str | None = None
        self._notice: str | None = None
        self._retry_at: float | None = None
        """When marks are in memory because the store could not be written: when to try it again."""
        self.on_change: Callable[[dict[str, bool], dict[str, bool]], None] | None = None
        """Told of each change made here (read marks, then stars; by key), after it is made: the sync
        journal records them. Never told of `apply_remote`'s changes nor of other windows' (`refresh`)."""
        self._starred: set[str] = set()

    @classmethod
    def open(cls, folder: Path, state_dir: Path) -> ReadMarks:
        """Open (or create) the store for `folder` in `state_dir`. Never raises for storage problems.

        A damaged store is moved aside and replaced; if nothing can be written, marks stay in memory.
        Either way `notice` says so.
        """
        state = cls(store_path(folder, state_dir), folder)
        with state._lock:
            state._open_store()
        return state

    def _open_store(self) -> None:
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        except (FileExistsError, NotADirectoryError):
            self._go_to_memory("it is not a folder")
            return
        except OSError as error:  # a full disk or a read-only parent: there may be room or rights later
            self._go_to_memory(_reason(error), retry=True)
            return
        self._connect_store()

    @classmethod
    def in_memory(cls, folder: Path) -> ReadMarks:
        """Marks kept only for this session, with no notice (for throwaway sessions and tests)."""
        return cls(Path(os.devnull), folder)

    @property
    def notice(self) -> str | None:
        """What went wrong with the store, in one plain line for the user, or None when all is well.

        It is set when the store was damaged or cannot be written, and when saving fails for a while
        (then it returns to the earlier notice, or None, once the marks are saved). Show it when it changes.
        """
        return self._notice

    def is_read(self, key: str) -> bool:
        """Whether the post with this key is marked read (every post is unread until marked)."""
        return key in self._read

    def read_keys(self) -> frozenset[str]:
        """Every key marked read, as an immutable set (built once per change, not per call)."""
        with self._lock:
            if self._frozen is None:
                self._frozen = frozenset(self._read)
            return self._frozen

    def mark(self, keys: Iterable[str], read: bool = True) -> dict[str, bool]:
        """Mark posts read or unread in one transaction, and return their previous marks (for undo).

        Only keys whose mark changes are written, so other windows' marks on the rest stay untouched.
        """
        with self._lock:
            self._refresh_locked()
            before = {key: key in self._read for key in keys}
            self._change({key: read for key, was in before.items() if was != read})
            return before

    def toggle(self, key: str) -> bool:
        """Flip one post between read and unread; returns the new mark."""
        with self._lock:
            self._refresh_locked()
            read = key not in self._read
            self._change({key: read})
            return read

    def restore(self, marks: Mapping[str, bool]) -> None:
        """Put back marks that `mark` returned, exactly: each key gets its recorded mark."""
        with self._lock:
            self._refresh_locked()
            self._change({key: read for key, read in marks.items() if (key in self._read) != read})

    def refresh(self) -> bool:
        """Pick up marks another window saved since the last look; True if any mark here changed.

        Cheap when nothing happened (one `PRAGMA data_version`), so the UI can call it every few seconds.
        It also retries saving marks that could not be saved before.
        """
        with self._lock:
            return self._refresh_locked()

    def close(self) -> None:
        """Save anything still unsaved and close the store. Marks made afterwards stay in memory only."""
        with self._lock:
            if self._pending:
                self._save()
            if self._db is not None:
                self._db.close()
                self._db = None

    def __enter__(self) -> ReadMarks:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def apply_remote(self, read: Mapping[str, bool], starred: Mapping[str, bool]) -> None:
        """Take marks and stars decided elsewhere (another machine, through the sync journal) without
        telling `on_change`: only those that differ from what is here are changed and saved."""
        with self._lock:
            self._refresh_locked()
            self._change(
                {key: value for key, value in read.items() if (key in self._read) != value}, notify=False
            )
            self._apply_remote_stars(starred)

    def _change(self, changes: dict[str, bool], *, notify: bool = True) -> None:
        if not changes:
            return
        for key, read in changes.items():
            if read:
                self._read.add(key)
            else:
                self._read.discard(key)
        self._frozen = None
        self._pending.update(changes)
        self._save()
        if notify and self.on_change is not None:
            self.on_change(dict(changes), {})

    # Stars: the least the sync journal needs, kept in memory only. H-stars' stars (kept in the store, with
    # `s` and ★) replace this part; `on_change`, `apply_remote` and the read-mark side above stay.

    def is_starred(self, key: str) -> bool:
        """Whether the post with this key is starred."""
        return key in self._starred

    def starred_keys(self) -> frozenset[str]:
        """Every starred key."""
        with self._lock:
            return frozenset(self._starred)

    def star(self, keys: Iterable[str], starred: bool = True) -> dict[str, bool]:
        """Star or unstar posts; returns their previous stars (for undo), and tells `on_change`."""
        with self._lock:
            before = {key: key in self._starred for key in keys}
            changes = {key: starred for key, was in before.items() if was != starred}
            self._set_stars(changes)
        if changes and self.on_change is not None:
            self.on_change({}, changes)
        return before

    def _apply_remote_stars(self, starred: Mapping[str, bool]) -> None:
        self._set_stars({key: value for key, value in starred.items() if (key in self._starred) != value})

    def _set_stars(self, changes: Mapping[str, bool]) -> None:
        for key, value in changes.items():
            if value:
                self._starred.add(key)
            else:
                self._starred.discard(key)

    def _save(self) -> None:
        """Write the pending marks in one short transaction; on failure keep them for the next try."""
        if self._db is None or not self._pending:
            return
        try:
            seq = _write_marks(self._db, self._pending)
        except sqlite3.OperationalError as error:
            # Locked by another window for too long, disk full, made read-only: nothing is lost yet.
            self._notice = _notice(f"Could not save read marks ({_reason(error)}); krant will keep trying.")
            return
        except sqlite3.DatabaseError as error:
            self._replace_store(_reason(error))
            return
        self._pending.clear()
        self._notice = self._lasting_notice
        if seq == self._seen_seq + 1:
            # No other window wrote in between, so there is nothing of theirs to fetch up to here.
            self._seen_seq = seq

    def _refresh_locked(self) -> bool:
        if self._db is None:
            return self._retry_store()
        if self._store_was_replaced():
            before = set(self._read)
            self._replace_store(None)
            return before != self._read
        self._save()
        if self._db is None:
            return False
        try:
            version = self._db.execute("PRAGMA data_version").fetchone()[0]
            if version == self._data_version:
                return False
            rows = self._db.execute(
                "SELECT key, read, seq FROM marks WHERE seq > ?", (self._seen_seq,)
            ).fetchall()
        except sqlite3.OperationalError:
            return False
        except sqlite3.DatabaseError as error:
            before = set(self._read)
            self._replace_store(_reason(error))
            return before != self._read
        self._data_version = version
        changed = False
        for raw, read, seq in rows:
            key = _decode(raw)
            self._seen_seq = max(self._seen_seq, seq)
            if key in self._pending or bool(read) == (key in self._read):
                continue  # an unsaved mark made here is newer than anything stored
            changed = True
            if read:
                self._read.add(key)
            else:
                self._read.discard(key)
        if changed:
            self._frozen = None
        return changed

    def _retry_store(self) -> bool:
        """Try again a store that could not be written before; True if marks changed (it held others)."""
        if self._retry_at is None or time.monotonic() < self._retry_at:
            return False
        before, notice = set(self._read), self._notice
        self._open_store()
        if self._db is None and self._retry_at is not None:
            self._lasting_notice = self._notice = notice  # still the same trouble: said once is enough
        return before != self._read

    def _connect_store(self) -> None:
        """Open the store at `self.path` and load it; on damage move it aside and start a new one."""
        damage = ""
        for _attempt in range(2):
            identity = _file_identity(self.path)
            try:
                self._attach(self.path)
                return
            except _NewerStore:
                self._read |= _salvage(self.path)
                self._go_to_memory("it was written by a newer version of krant")
                return
            except (sqlite3.OperationalError, OSError) as error:
                # Not damage (a full disk, a read-only folder, another window's long write): the store is
                # read as it is, and written when it can be.
                self._read |= _salvage(self.path)
                self._go_to_memory(_reason(error), retry=True)
                return
            except sqlite3.DatabaseError as error:
                damage = _reason(error)
            if _file_identity(self.path) == identity:
                break
            # Another window moved the damaged file aside while we looked at it: try the new one first.
        self._read |= _salvage(self.path)
        try:
            kept = keep_aside(self.path)
        except OSError as error:
            self._go_to_memory(f"it is damaged ({damage}) and could not be moved aside: {_reason(error)}")
            return
        recovered = f", with {len(self._read)} marks recovered from it" if self._read else ""
        self._lasting_notice = self._notice = _notice(
            f"The read-state store was damaged ({damage}). It was kept as {kept.name} "
            f"and a new one was started{recovered}."
        )
        try:
            self._attach(self.path)
        except (sqlite3.DatabaseError, _NewerStore, OSError) as error:
            self._go_to_memory(_reason(error))

    def _attach(self, path: Path) -> None:
        """Connect to the store, create its tables if needed, and merge its marks into memory.

        Marks already in memory (recovered, or made before the store was replaced) are written to it if it
        lacks them, so no mark is dropped on the way.
        """
        db = _connect(path, "rwc")
        try:
            _check_version(db)
            db.execute("PRAGMA journal_mode = WAL")
            # Marks are small and cheap to lose on a power cut, not worth an fsync on every keypress;
            # NORMAL keeps every transaction atomic and survives a crash of krant itself.
            db.execute("PRAGMA synchronous = NORMAL")
            check = db.execute("PRAGMA quick_check").fetchone()[0]
            if check != "ok":
                raise sqlite3.DatabaseError(check)
            db.execute("BEGIN IMMEDIATE")
            try:
                for statement in _SCHEMA:
                    db.execute(statement)
                db.execute("INSERT OR IGNORE INTO meta VALUES ('seq', 0)")
                db.execute("INSERT OR REPLACE INTO meta VALUES ('folder', ?)", (str(self._folder),))
                db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
                db.execute("COMMIT")
            except BaseException:
                db.execute("ROLLBACK")
                raise
            db.execute("BEGIN")
            seq = db.execute("SELECT value FROM meta WHERE name = 'seq'").fetchone()[0]
            stored = {_decode(key): read for key, read in db.execute("SELECT key, read FROM marks")}
            db.execute("COMMIT")
            unsaved = {key: True for key in self._read if not stored.get(key)} | self._pending
            if unsaved:
                _write_marks(db, unsaved)
            identity = _file_identity(path)
            data_version = db.execute("PRAGMA data_version").fetchone()[0]
        except BaseException:
            db.close()
            raise
        self._db, self._identity = db, identity
        self._seen_seq, self._data_version = seq, data_version
        if self._retry_at is not None:  # back on disk after a while in memory: the notice is done
            self._retry_at = None
            self._lasting_notice = self._notice = None
        self._read |= {key for key, read in stored.items() if read}
        self._read -= {key for key, read in self._pending.items() if not read}
        self._frozen = None
        self._pending.clear()

    def _store_was_replaced(self) -> bool:
        """Whether the file at `path` is no longer the one we have open (another window moved it aside)."""
        identity = _file_identity(self.path)
        return identity is None or identity != self._identity

    def _replace_store(self, damage: str | None) -> None:
        """Leave a store that went bad (or was replaced by another window) and carry on with a good one."""
        assert self._db is not None
        self._db.close()
        self._db = None
        if damage is not None and not self._store_was_replaced():
            try:
                kept = keep_aside(self.path)
            except OSError as error:
                self._go_to_memory(f"it is damaged ({damage}) and could not be moved aside: {_reason(error)}")
                return
            self._lasting_notice = self._notice = _notice(
                f"The read-state store was damaged ({damage}). It was kept as {kept.name} "
                "and a new one was started with the marks of this session."
            )
        try:
            self._attach(self.path)
        except (sqlite3.DatabaseError, _NewerStore, OSError) as error:
            self._go_to_memory(_reason(error))

    def _go_to_memory(self, reason: str, *, retry: bool = False) -> None:
        """Keep marks in memory from now on; with `retry` the store is tried again every `RETRY_SECONDS`."""
        self._db = None
        self._retry_at = time.monotonic() + RETRY_SECONDS if retry else None
        self._lasting_notice = self._notice = _notice(
            f"Read marks cannot be saved in {self.path.parent} ({reason}); "
            "marks made now last only until krant closes."
        )


def _connect(path: Path, mode: str) -> sqlite3.Connection:
    # isolation_level=None: transactions are begun explicitly, so each one is exactly as short as we say.
    return sqlite3.connect(
        f"{path.absolute().as_uri()}?mode={mode}",
        uri=True,
        timeout=BUSY_TIMEOUT_SECONDS,
        isolation_level=None,
        check_same_thread=False,
    )


def _check_version(db: sqlite3.Connection) -> None:
    if db.execute("PRAGMA user_version").fetchone()[0] > SCHEMA_VERSION:
        raise _NewerStore


def _has_marks_table(db: sqlite3.Connection) -> bool:
    return (
        db.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'marks'").fetchone()
        is not None
    )


def _read_keys_in(db: sqlite3.Connection) -> Iterable[str]:
    return (_decode(key) for (key,) in db.execute("SELECT key FROM marks WHERE read = 1"))


def _write_marks(db: sqlite3.Connection, marks: Mapping[str, bool]) -> int:
    """Write marks in one transaction under a new change number, which it returns."""
    db.execute("BEGIN IMMEDIATE")
    try:
        db.execute("UPDATE meta SET value = value + 1 WHERE name = 'seq'")
        seq = db.execute("SELECT value FROM meta WHERE name = 'seq'").fetchone()[0]
        db.executemany(
            "INSERT INTO marks (key, read, seq) VALUES (?, ?, ?)"
            " ON CONFLICT (key) DO UPDATE SET read = excluded.read, seq = excluded.seq",
            [(_encode(key), int(read), seq) for key, read in marks.items()],
        )
        db.execute("COMMIT")
    except BaseException:
        if db.in_transaction:
            db.execute("ROLLBACK")
        raise
    return seq


_IMMUTABLE = "ro&immutable=1"
"""A read-only open that takes no locks and needs no -shm file: reads a store in a read-only folder."""


def _salvage(path: Path) -> set[str]:
    """Every read mark that can still be read from a store, damaged, foreign or not writable.

    A damaged store loses only the marks in its damaged pages: rows are read in rowid order, and past a
    row that cannot be read the walk seeks on (`_rows_around_damage`). A file that SQLite will not open
    at all (cut short: its header counts pages it lacks) is read from a copy made whole (`_repaired_copy`).
    """
    if not path.is_file():
        return set()
    marks: dict[str, bool] = {}
    for mode in ("ro", _IMMUTABLE):
        try:
            with closing(_connect(path, mode)) as db:
                if _rows_around_damage(db, marks):
                    return _read_of(marks)
        except sqlite3.DatabaseError:
            continue  # not opened this way; the next one may
    try:
        with tempfile.TemporaryDirectory(prefix="krant-salvage-") as folder:
            copy = _repaired_copy(path, Path(folder))
            if copy is not None:
                with closing(_connect(copy, _IMMUTABLE)) as db:
                    _rows_around_damage(db, marks)
    except (OSError, sqlite3.DatabaseError):
        pass  # nothing more can be read; what was read so far is kept
    return _read_of(marks)


def _read_of(marks: Mapping[str, bool]) -> set[str]:
    return {key for key, read in marks.items() if read}


_LAST_ROWID = (1 << 63) - 1


def _rows_around_damage(db: sqlite3.Connection, marks: dict[str, bool]) -> bool:
    """Add the readable rows of the store's `marks` table to `marks`; True when every row could be read.

    Reading on past damage: a seek to a rowid whose page is lost fails, so the walk tries rowids ever
    further on (1, 2, 4, … ahead) until one works, then looks back (halving) for the first that does, and
    reads on from there. Some ~64 seeks per damaged stretch, however long, and to the end of the table.
    """
    try:
        if not _has_marks_table(db):
            return True
    except sqlite3.DatabaseError:
        return False
    start, whole = -_LAST_ROWID, True
    while True:
        try:
            for rowid, key, read in db.execute(
                "SELECT rowid, key, read FROM marks WHERE rowid >= ? ORDER BY rowid", (start,)
            ):
                marks.setdefault(_decode(key), bool(read))  # an earlier, fuller read knows better
                start = rowid + 1
            return whole
        except sqlite3.DatabaseError:
            whole = False
        # `start` cannot be read: find the next rowid that can.
        failed, step = start, 1
        while True:
            probe = min(failed + step, _LAST_ROWID)
            if _seeks(db, probe):
                break
            if probe == _LAST_ROWID:
                return False
            failed, step = probe, step * 2
        while probe - failed > 1:
            middle = failed + (probe - failed) // 2
            if _seeks(db, middle):
                probe = middle
            else:
                failed = middle
        start = probe


def _seeks(db: sqlite3.Connection, rowid: int) -> bool:
    """Whether the row at or after `rowid` can be read (or there is none)."""
    try:
        db.execute(
            "SELECT rowid, key, read FROM marks WHERE rowid >= ? ORDER BY rowid LIMIT 1", (rowid,)
        ).fetchall()
    except sqlite3.DatabaseError:
        return False
    return True


_HEADER = b"SQLite format 3\x00"


def _repaired_copy(path: Path, folder: Path) -> Path | None:
    """A copy of a store SQLite refuses to open, cut to whole pages and with a header that says so.

    Its write-ahead log is not taken (the copy is marked as a store without one): it may be what is
    damaged, and the rows in the main file are the ones to save.
    """
    copy = folder / path.name
    shutil.copyfile(path, copy)
    with copy.open("r+b") as handle:
        header = bytearray(handle.read(100))
        if len(header) < 100 or not header.startswith(_HEADER):
            return None
        page_size = struct.unpack(">H", header[16:18])[0]
        page_size = 65536 if page_size == 1 else page_size
        if page_size < 512 or page_size & (page_size - 1):
            return None
        pages = copy.stat().st_size // page_size
        header[18] = header[19] = 1  # no write-ahead log
        header[28:32] = struct.pack(">I", pages)
        handle.seek(0)
        handle.write(header)
        handle.truncate(pages * page_size)
    return copy


def _file_identity(path: Path) -> tuple[int, int] | None:
    try:
        info = os.stat(path)
    except OSError:
        return None
    return (info.st_dev, info.st_ino)


def _encode(key: str) -> bytes:
    return key.encode("utf-8", "surrogatepass")


def _decode(key: object) -> str:
    if isinstance(key, str):  # a store edited by hand may hold text
        return key
    if not isinstance(key, bytes):
        return str(key)
    try:
        return key.decode("utf-8", "surrogatepass")
    except UnicodeDecodeError:
        return key.decode("utf-8", "backslashreplace")


def _reason(error: BaseException) -> str:
    if isinstance(error, OSError):
        return error.strerror or str(error)
    return str(error) or type(error).__name__


def _notice(text: str) -> str:
    return clean_line(text, _NOTICE_LIMIT)
