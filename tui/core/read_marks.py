"""Which posts are read or starred: one small SQLite store per posts folder, safe to share between windows.

The store lives in krant's state directory (never in the posts folder) and is keyed by `Post.key`, so a
renamed or moved post keeps its mark. A change is made in memory at once and written by the store's own
writer thread (so marking 100,000 posts never waits for the disk), in one transaction that touches only
the posts it changes, so two krant windows on the same folder never lose each other's marks;
`ReadMarks.refresh` picks up what the other window did, and `close` (or `flush`) waits for the writes.
A damaged or unwritable store never stops krant: the bad file is kept aside (with every mark still
readable in its intact pages carried over), `ReadMarks.notice` says what happened, and marks go to a new
store or, failing that, stay in memory. A store that cannot be written (a full disk,
a read-only folder) is not damage: its marks are read, new ones are kept in memory, and the disk is tried
again now and then, so they are saved once it has room.

Usage from the UI (all methods are thread-safe and never raise for storage problems):

    state = ReadMarks.open(folder, locations.state_dir)
    if state.notice: show(state.notice)
    state.mark([post.key], read=True)           # opening a post
    state.toggle(post.key)                      # `m`
    undo = state.mark(keys_in_category, True)   # `A`: returns the previous marks ...
    state.restore(undo)                         # ... and undo puts exactly those back
    state.toggle_star(post.key)                 # `s`: stars live beside the marks, keyed the same way
    state.on_change = journal                   # told of every local change (read, starred)
    state.apply_remote(read, starred)           # changes from elsewhere, without telling on_change
    if state.refresh(): redraw()                # now and then: marks made by another window
    state.flush()                               # wait until the store holds every change so far
    state.close()                               # flushes too
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
from typing import NamedTuple

from tui.core.locations import folder_slug
from tui.core.sanitize import clean_line
from tui.core.store_files import keep_aside

SCHEMA_VERSION = 2
"""Stored in `PRAGMA user_version`; a store from a newer krant is read but never written.

1: read marks. 2: stars beside them (a table of their own, so a version 1 store gains it in place and keeps
every mark; a version 1 krant reads a version 2 store's marks, and leaves it unwritten).
"""
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
    # Stars share the change numbers (`seq`) of the marks, so one refresh reads both tables' news.
    "CREATE TABLE IF NOT EXISTS stars (key BLOB PRIMARY KEY, starred INTEGER NOT NULL, seq INTEGER NOT NULL)",
    "CREATE INDEX IF NOT EXISTS stars_by_seq ON stars (seq)",
)
_MARKS = ("marks", "read")
_STARS = ("stars", "starred")
"""The two tables of flags, each as (table, column): every key with its flag and change number."""

ChangeListener = Callable[[dict[str, bool], dict[str, bool]], None]
"""Told of each local change: the read marks and the stars it changed (key -> new value)."""


class _NewerStore(Exception):
    """The store was written by a newer krant whose layout this one does not know."""


def store_path(folder: Path, state_dir: Path) -> Path:
    """The read-state file for a posts folder: one per folder, named by `folder_slug`."""
    return state_dir / f"{folder_slug(folder)}{STORE_SUFFIX}"


class StoredMarks(NamedTuple):
    """What a folder's store holds, read without changing it (for `krant list`)."""

    read: frozenset[str]
    starred: frozenset[str]
    notice: str | None
    """Why the store could not be read (wholly), or None."""


def stored_marks(folder: Path, state_dir: Path) -> StoredMarks:
    """The keys marked read and starred for a folder, without creating or changing any file.

    Both are empty when there is no store yet; a damaged store gives what its intact pages hold.
    """
    path = store_path(folder, state_dir)
    if not path.is_file():
        return StoredMarks(frozenset(), frozenset(), None)
    # mode=rw rather than ro: a read-only connection leaves the -wal and -shm files behind, a read-write
    # one removes them when it is the last to close. Neither mode creates a missing store. In a read-only
    # folder neither can open a WAL store (its -shm cannot be made): an immutable open reads it as it is.
    for mode in ("rw", "ro", _IMMUTABLE):
        try:
            with closing(_connect(path, mode)) as db:
                _check_version(db)
                return StoredMarks(
                    frozenset(_set_keys_in(db, _MARKS)), frozenset(_set_keys_in(db, _STARS)), None
                )
        except sqlite3.OperationalError as error:
            problem: BaseException = error
        except (sqlite3.DatabaseError, _NewerStore) as error:
            problem = error
            break
    if isinstance(problem, _NewerStore):
        return StoredMarks(
            frozenset(),
            frozenset(),
            _notice(f"Read state {path} could not be read ({_reason(problem)}); all posts are unread."),
        )
    # Damaged: the marks in its intact pages still count (the file is left as it is).
    read, starred = _salvage(path)
    rest = f"{len(read):,} marks were read from its intact part" if read else "all posts are unread"
    return StoredMarks(
        frozenset(read),
        frozenset(starred),
        _notice(f"Read state {path} could not be read ({_reason(problem)}); {rest}."),
    )


class ReadMarks:
    """The read marks and stars of one posts folder: in memory, backed by a SQLite store when it can be.

    Create with `ReadMarks.open`. Reads (`is_read`, `read_keys`, `is_starred`) come from memory, and so
    does each change: it is written by a writer thread (started on the first change, one per store),
    which takes every change waiting at that moment into one transaction. Storage errors never raise: they
    set `notice`, and marks that could not be saved yet are kept and written on the next change or refresh.

    Two locks: `_lock` guards what is in memory and is held only briefly; `_write_lock` guards the
    connection (every statement) and is held for a whole write. Whoever needs both takes `_write_lock`
    first, and nothing holding `_lock` ever waits for `_write_lock`.
    """

    def __init__(self, path: Path, folder: Path) -> None:
        """Use `ReadMarks.open` or `ReadMarks.in_memory`; this makes an empty, unsaved state."""
        self.path = path
        """Where the store is (or would be); a damaged one is kept next to it as `<name>.corrupt-<time>`."""
        self._folder = folder
        self._lock = threading.RLock()
        self._write_lock = threading.Lock()
        self._writer: threading.Thread | None = None
        self._wanted = threading.Event()
        """Set when there are changes to write (or on close, to end the writer)."""
        self._closed = False
        self._db: sqlite3.Connection | None = None
        self._identity: tuple[int, int] | None = None
        self._read: set[str] = set()
        self._frozen: frozenset[str] | None = None
        self._pending: dict[str, bool] = {}
        """Changes not written yet (a write under way has taken its own: they are back here if it fails)."""
        self._starred: set[str] = set()
        self._frozen_stars: frozenset[str] | None = None
        self._pending_stars: dict[str, bool] = {}
        self._seen_seq = 0
        self._data_version = 0
        self._lasting_notice: str | None = None
        self._notice: str | None = None
        self._retry_at: float | None = None
        """When marks are in memory because the store could not be written: when to try it again."""
        self.on_change: ChangeListener | None = None
        """Called after each change made here (not by `refresh` or `apply_remote`), outside the lock."""

    @classmethod
    def open(cls, folder: Path, state_dir: Path) -> ReadMarks:
        """Open (or create) the store for `folder` in `state_dir`. Never raises for storage problems.

        A damaged store is moved aside and replaced; if nothing can be written, marks stay in memory.
        Either way `notice` says so.
        """
        state = cls(store_path(folder, state_dir), folder)
        with state._write_lock, state._lock:
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
        """Mark posts read or unread (written in one transaction), and return their previous marks (for undo).

        Only keys whose mark changes are written, so other windows' marks on the rest stay untouched.
        """
        self._look()
        with self._lock:
            before = {key: key in self._read for key in keys}
            self._change({key: read for key, was in before.items() if was != read})
            return before

    def toggle(self, key: str) -> bool:
        """Flip one post between read and unread; returns the new mark."""
        self._look()
        with self._lock:
            read = key not in self._read
            self._change({key: read})
            return read

    def restore(self, marks: Mapping[str, bool]) -> None:
        """Put back marks that `mark` returned, exactly: each key gets its recorded mark."""
        self._look()
        with self._lock:
            self._change({key: read for key, read in marks.items() if (key in self._read) != read})

    def is_starred(self, key: str) -> bool:
        """Whether the post with this key is starred (saved for later)."""
        return key in self._starred

    def starred_keys(self) -> frozenset[str]:
        """Every starred key, as an immutable set (built once per change, not per call)."""
        with self._lock:
            if self._frozen_stars is None:
                self._frozen_stars = frozenset(self._starred)
            return self._frozen_stars

    def star(self, keys: Iterable[str], starred: bool = True) -> dict[str, bool]:
        """Star or unstar posts (written in one transaction), and return whether each was starred before."""
        self._look()
        with self._lock:
            before = {key: key in self._starred for key in keys}
            self._change(stars={key: starred for key, was in before.items() if was != starred})
            return before

    def toggle_star(self, key: str) -> bool:
        """Star an unstarred post or unstar a starred one; returns whether it is starred now."""
        self._look()
        with self._lock:
            starred = key not in self._starred
            self._change(stars={key: starred})
            return starred

    def restore_stars(self, previous: Mapping[str, bool]) -> None:
        """Put back the stars that `star` returned, exactly."""
        self._look()
        with self._lock:
            self._change(
                stars={key: starred for key, starred in previous.items() if (key in self._starred) != starred}
            )

    def apply_remote(self, read: Mapping[str, bool], starred: Mapping[str, bool]) -> bool:
        """Take marks and stars made elsewhere (another machine), saved here but not told to `on_change`.

        Returns whether any mark or star here changed.
        """
        self._look()
        with self._lock:
            return self._change(
                {key: value for key, value in read.items() if (key in self._read) != value},
                {key: value for key, value in starred.items() if (key in self._starred) != value},
                tell=False,
            )

    def refresh(self) -> bool:
        """Pick up marks another window saved since the last look; True if any mark here changed.

        Cheap when nothing happened (one `PRAGMA data_version`), so the UI can call it every few seconds;
        it never waits for a write under way (it returns False, and the next call looks). It also has
        marks that could not be saved before tried again.
        """
        if not self._write_lock.acquire(blocking=False):
            return False
        try:
            changed = self._refresh_locked()
        finally:
            self._write_lock.release()
        with self._lock:
            self._wake()
        return changed

    def flush(self) -> bool:
        """Write every change made so far, waiting for a write under way; whether the store holds them all.

        False when some could not be saved (`notice` says why; they are kept and tried again later) or
        there is no store to save them in (`in_memory`, or marks kept in memory after trouble).
        """
        with self._write_lock:
            self._write_pending()
            with self._lock:
                return self._db is not None and not (self._pending or self._pending_stars)

    def close(self) -> None:
        """Save anything still unsaved (waiting for the writer) and close the store. Marks made afterwards
        stay in memory only."""
        with self._write_lock:
            self._write_pending()
            with self._lock:
                self._closed = True
                self._wanted.set()  # the writer ends
                writer, self._writer = self._writer, None
                if self._db is not None:
                    self._db.close()
                    self._db = None
        if writer is not None:
            writer.join(timeout=10)

    def __enter__(self) -> ReadMarks:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def _look(self) -> None:
        """Refresh before a change, so it starts from what other windows did; skipped while a write is
        under way (what the refresh would have found arrives with the next one)."""
        if self._write_lock.acquire(blocking=False):
            try:
                self._refresh_locked()
            finally:
                self._write_lock.release()

    def _change(
        self, read: dict[str, bool] | None = None, stars: dict[str, bool] | None = None, *, tell: bool = True
    ) -> bool:
        """Apply changed marks and stars here and have them saved; whether there were any. Under `_lock`."""
        read, stars = read or {}, stars or {}
        if not read and not stars:
            return False
        if read:
            _apply(self._read, read)
            self._frozen = None
            self._pending.update(read)
        if stars:
            _apply(self._starred, stars)
            self._frozen_stars = None
            self._pending_stars.update(stars)
        self._wake()
        listener = self.on_change
        if tell and listener is not None:
            # Under the lock, so a listener sees changes in the order they were made; it must not block.
            listener(dict(read), dict(stars))
        return True

    def _flags(self) -> tuple[frozenset[str], frozenset[str]]:
        return frozenset(self._read), frozenset(self._starred)

    def _wake(self) -> None:
        """Have the writer write what is pending (started here the first time). Under `_lock`.

        Without a store there is nothing to write to: pending changes wait for `_attach` to write them.
        """
        if self._db is None or self._closed or not (self._pending or self._pending_stars):
            return
        if self._writer is None:
            self._writer = threading.Thread(target=self._write_in_background, name="krant-marks", daemon=True)
            self._writer.start()
        self._wanted.set()

    def _write_in_background(self) -> None:
        """The writer thread: each time it is woken, write every change pending then."""
        while True:
            self._wanted.wait()
            self._wanted.clear()
            if self._closed:
                return
            with self._write_lock:
                self._write_pending()

    def _write_pending(self) -> None:
        """Write the pending marks in one transaction; on failure keep them for the next try.

        Under `_write_lock`, not `_lock`: changes made meanwhile wait in `_pending` for the next write.
        """
        with self._lock:
            db = self._db
            if db is None or not (self._pending or self._pending_stars):
                return
            marks, stars = self._pending, self._pending_stars
            self._pending, self._pending_stars = {}, {}
        try:
            seq = _write_marks(db, marks, stars)
        except sqlite3.DatabaseError as error:
            with self._lock:
                # Back to pending; a change made since is newer and wins.
                self._pending, self._pending_stars = marks | self._pending, stars | self._pending_stars
                if isinstance(error, sqlite3.OperationalError):
                    # Locked by another window for too long, disk full, made read-only: nothing is lost.
                    self._notice = _notice(
                        f"Could not save read marks ({_reason(error)}); krant will keep trying."
                    )
                else:
                    self._replace_store(_reason(error))
            return
        with self._lock:
            self._notice = self._lasting_notice
        if seq == self._seen_seq + 1:
            # No other window wrote in between, so there is nothing of theirs to fetch up to here.
            self._seen_seq = seq

    def _refresh_locked(self) -> bool:
        """`refresh`, under `_write_lock` (the rows are read outside `_lock`, so the UI is not held up).

        It writes nothing itself: pending changes are the writer's (`refresh` wakes it). `_db` is changed
        only under `_write_lock`, so it stays the one read here.
        """
        with self._lock:
            if self._db is None:
                return self._retry_store()
            if self._store_was_replaced():
                before = self._flags()
                self._replace_store(None)
                return before != self._flags()
            db = self._db
        try:
            version = db.execute("PRAGMA data_version").fetchone()[0]
            if version == self._data_version:
                return False
            rows = db.execute("SELECT key, read, seq FROM marks WHERE seq > ?", (self._seen_seq,)).fetchall()
            star_rows = db.execute(
                "SELECT key, starred, seq FROM stars WHERE seq > ?", (self._seen_seq,)
            ).fetchall()
        except sqlite3.OperationalError:
            return False
        except sqlite3.DatabaseError as error:
            with self._lock:
                before = self._flags()
                self._replace_store(_reason(error))
                return before != self._flags()
        with self._lock:
            self._data_version = version
            changed_read = self._take_rows(rows, self._read, self._pending)
            changed_stars = self._take_rows(star_rows, self._starred, self._pending_stars)
            if changed_read:
                self._frozen = None
            if changed_stars:
                self._frozen_stars = None
            return changed_read or changed_stars

    def _take_rows(
        self, rows: Iterable[tuple[object, int, int]], flagged: set[str], pending: dict[str, bool]
    ) -> bool:
        """Take another window's rows into `flagged` (read or starred keys); whether any changed."""
        changed = False
        for raw, value, seq in rows:
            key = _decode(raw)
            self._seen_seq = max(self._seen_seq, seq)
            if key in pending or bool(value) == (key in flagged):
                continue  # an unsaved change made here is newer than anything stored
            changed = True
            if value:
                flagged.add(key)
            else:
                flagged.discard(key)
        return changed

    def _retry_store(self) -> bool:
        """Try again a store that could not be written before; True if marks changed (it held others)."""
        if self._retry_at is None or time.monotonic() < self._retry_at:
            return False
        before, notice = self._flags(), self._notice
        self._open_store()
        if self._db is None and self._retry_at is not None:
            self._lasting_notice = self._notice = notice  # still the same trouble: said once is enough
        return before != self._flags()

    def _connect_store(self) -> None:
        """Open the store at `self.path` and load it; on damage move it aside and start a new one."""
        damage = ""
        for _attempt in range(2):
            identity = _file_identity(self.path)
            try:
                self._attach(self.path)
                return
            except _NewerStore:
                self._take_salvage()
                self._go_to_memory("it was written by a newer version of krant")
                return
            except (sqlite3.OperationalError, OSError) as error:
                # Not damage (a full disk, a read-only folder, another window's long write): the store is
                # read as it is, and written when it can be.
                self._take_salvage()
                self._go_to_memory(_reason(error), retry=True)
                return
            except sqlite3.DatabaseError as error:
                damage = _reason(error)
            if _file_identity(self.path) == identity:
                break
            # Another window moved the damaged file aside while we looked at it: try the new one first.
        self._take_salvage()
        try:
            kept = keep_aside(self.path)
        except OSError as error:
            self._go_to_memory(f"it is damaged ({damage}) and could not be moved aside: {_reason(error)}")
            return
        recovered = f", with {len(self._read)} marks recovered from it" if self._read else ""
        if self._starred:
            recovered += f"{', with' if not self._read else ' and'} {len(self._starred)} stars"
        self._lasting_notice = self._notice = _notice(
            f"The read-state store was damaged ({damage}). It was kept as {kept.name} "
            f"and a new one was started{recovered}."
        )
        try:
            self._attach(self.path)
        except (sqlite3.DatabaseError, _NewerStore, OSError) as error:
            self._go_to_memory(_reason(error))

    def _take_salvage(self) -> None:
        """Add what can be read of the store (damaged, foreign or unwritable) to the marks and stars here."""
        read, starred = _salvage(self.path)
        self._read |= read
        self._starred |= starred
        self._frozen = self._frozen_stars = None

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
            stored_stars = {
                _decode(key): value for key, value in db.execute("SELECT key, starred FROM stars")
            }
            db.execute("COMMIT")
            unsaved = {key: True for key in self._read if not stored.get(key)} | self._pending
            unsaved_stars = {
                key: True for key in self._starred if not stored_stars.get(key)
            } | self._pending_stars
            if unsaved or unsaved_stars:
                _write_marks(db, unsaved, unsaved_stars)
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
        self._starred |= {key for key, starred in stored_stars.items() if starred}
        self._starred -= {key for key, starred in self._pending_stars.items() if not starred}
        self._frozen = self._frozen_stars = None
        self._pending.clear()
        self._pending_stars.clear()

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


def _apply(flagged: set[str], changes: Mapping[str, bool]) -> None:
    for key, value in changes.items():
        if value:
            flagged.add(key)
        else:
            flagged.discard(key)


def _has_table(db: sqlite3.Connection, name: str) -> bool:
    return (
        db.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", (name,)).fetchone()
        is not None
    )


def _set_keys_in(db: sqlite3.Connection, table: tuple[str, str]) -> Iterable[str]:
    """The keys whose flag is set in `table` (`_MARKS` or `_STARS`); none when a store lacks the table."""
    name, column = table
    if not _has_table(db, name):
        return ()
    return [_decode(key) for (key,) in db.execute(f"SELECT key FROM {name} WHERE {column} = 1")]


def _write_marks(db: sqlite3.Connection, marks: Mapping[str, bool], stars: Mapping[str, bool]) -> int:
    """Write marks and stars in one transaction under a new change number, which it returns."""
    db.execute("BEGIN IMMEDIATE")
    try:
        db.execute("UPDATE meta SET value = value + 1 WHERE name = 'seq'")
        seq = db.execute("SELECT value FROM meta WHERE name = 'seq'").fetchone()[0]
        for (name, column), values in ((_MARKS, marks), (_STARS, stars)):
            if values:
                db.executemany(
                    f"INSERT INTO {name} (key, {column}, seq) VALUES (?, ?, ?)"
                    f" ON CONFLICT (key) DO UPDATE SET {column} = excluded.{column}, seq = excluded.seq",
                    [(_encode(key), int(value), seq) for key, value in values.items()],
                )
        db.execute("COMMIT")
    except BaseException:
        if db.in_transaction:
            db.execute("ROLLBACK")
        raise
    return seq


_IMMUTABLE = "ro&immutable=1"
"""A read-only open that takes no locks and needs no -shm file: reads a store in a read-only folder."""


def _salvage(path: Path) -> tuple[set[str], set[str]]:
    """Every read mark and star that can still be read from a store, damaged, foreign or not writable.

    A damaged store loses only the marks in its damaged pages: rows are read in rowid order, and past a
    row that cannot be read the walk seeks on (`_rows_around_damage`). A file that SQLite will not open
    at all (cut short: its header counts pages it lacks) is read from a copy made whole (`_repaired_copy`).

    Returns:
        The read keys and the starred keys.
    """
    found: dict[tuple[str, str], dict[str, bool]] = {_MARKS: {}, _STARS: {}}
    if not path.is_file():
        return set(), set()
    for mode in ("ro", _IMMUTABLE):
        try:
            with closing(_connect(path, mode)) as db:
                if all([_rows_around_damage(db, table, rows) for table, rows in found.items()]):
                    return _flagged(found[_MARKS]), _flagged(found[_STARS])
        except sqlite3.DatabaseError:
            continue  # not opened this way; the next one may
    try:
        with tempfile.TemporaryDirectory(prefix="krant-salvage-") as folder:
            copy = _repaired_copy(path, Path(folder))
            if copy is not None:
                with closing(_connect(copy, _IMMUTABLE)) as db:
                    for table, rows in found.items():
                        _rows_around_damage(db, table, rows)
    except (OSError, sqlite3.DatabaseError):
        pass  # nothing more can be read; what was read so far is kept
    return _flagged(found[_MARKS]), _flagged(found[_STARS])


def _flagged(flags: Mapping[str, bool]) -> set[str]:
    return {key for key, value in flags.items() if value}


_LAST_ROWID = (1 << 63) - 1


def _rows_around_damage(db: sqlite3.Connection, table: tuple[str, str], flags: dict[str, bool]) -> bool:
    """Add the readable rows of one of the store's tables to `flags`; True when every row could be read.

    Reading on past damage: a seek to a rowid whose page is lost fails, so the walk tries rowids ever
    further on (1, 2, 4, … ahead) until one works, then looks back (halving) for the first that does, and
    reads on from there. Some ~64 seeks per damaged stretch, however long, and to the end of the table.
    """
    try:
        if not _has_table(db, table[0]):
            return True
    except sqlite3.DatabaseError:
        return False
    start, whole = -_LAST_ROWID, True
    while True:
        try:
            for rowid, key, value in db.execute(
                f"SELECT rowid, key, {table[1]} FROM {table[0]} WHERE rowid >= ? ORDER BY rowid", (start,)
            ):
                flags.setdefault(_decode(key), bool(value))  # an earlier, fuller read knows better
                start = rowid + 1
            return whole
        except sqlite3.DatabaseError:
            whole = False
        # `start` cannot be read: find the next rowid that can.
        failed, step = start, 1
        while True:
            probe = min(failed + step, _LAST_ROWID)
            if _seeks(db, table, probe):
                break
            if probe == _LAST_ROWID:
                return False
            failed, step = probe, step * 2
        while probe - failed > 1:
            middle = failed + (probe - failed) // 2
            if _seeks(db, table, middle):
                probe = middle
            else:
                failed = middle
        start = probe


def _seeks(db: sqlite3.Connection, table: tuple[str, str], rowid: int) -> bool:
    """Whether the row at or after `rowid` can be read (or there is none)."""
    try:
        db.execute(
            f"SELECT rowid, key, {table[1]} FROM {table[0]} WHERE rowid >= ? ORDER BY rowid LIMIT 1", (rowid,)
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
