"""A persistent SQLite index of one posts folder: every post's metadata, and full-text search.

The index is a cache (it lives in `Locations.cache_dir`, one file per folder): it lets a second start show
the list without reading 100,000 files, and re-read only the files whose size or mtime changed. It can be
deleted at any time. A corrupt, unreadable or outdated index is moved aside and rebuilt, with a notice; one
on a full disk or in a read-only cache is left alone, and the index lives in memory meanwhile.

Search is an FTS5 table without content: it holds the words of each post's title and tag-free body, not the
text (storing 100,000 bodies cost more than indexing them), so a hit's snippet is made from the file. Such
a table cannot delete a row without its old text, so the words of a changed or removed file stay behind,
matching no file; they are counted, and an index with more of them than live posts is rebuilt.

Threads and processes: each thread gets its own connection (WAL lets the UI search while the loader
writes); worker processes of a cold start write with `store_entries` on connections of their own.
"""

from __future__ import annotations

import itertools
import json
import logging
import os
import re
import shutil
import sqlite3
import sys
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from contextlib import closing
from datetime import UTC, datetime, timedelta, timezone
from operator import itemgetter
from pathlib import Path
from typing import TypeVar

from tui.core.body_text import markdown_words, plain_text
from tui.core.locations import Locations, folder_slug
from tui.core.post import Post, PostText, Problem
from tui.core.query import (
    KEY_SQL,
    NO_MARKS,
    SEPARATOR,
    STATE_FUNCTION,
    Compiled,
    MarkState,
    Query,
    QueryError,
    Words,
    compile_query,
    local_day_start,
    parse,
    state_function,
)
from tui.core.reading import read_post_text
from tui.core.search import Order, SearchHit, fold, make_snippet, parts_pattern, query_parts, title_words
from tui.core.store_files import NEARLY_FULL_BYTES, cannot_write, is_locked, keep_aside

SCHEMA_VERSION = 6
"""Bump when the tables or what is stored in them change: an index of another version is rebuilt."""
SEARCH_LIMIT = 200
TITLE_WEIGHT = 4.0
"""How much more a word in the title (or tags) counts than one in the body, in bm25."""
RANKED_CANDIDATES = 5_000
"""Best first ranks the newest this many hits of a query (all of them in most folders): ranking every hit
of a common word in 100,000 posts took over a second, and an old post seldom ranks first anyway."""
RECENCY_DAYS = 365.0
"""A post this much older than the newest one counts 3/4 as much (half as much when very old)."""
STALE_LIMIT = 20_000
"""An index holding the words of more changed or removed posts than this (and than live posts) is rebuilt."""
MISSING = -1
"""Size and mtime stored for a file that could not be stat'ed: it never matches, so it is read again."""
BUSY_TIMEOUT_SECONDS = 30.0
"""How long a connection to the file waits for another's write (a worker's batch, another window)."""
LOCKED_WAIT_SECONDS = 2.0
"""How long an operation is tried again when the index is locked at once (no waiting was possible)."""
LOCKED_PAUSE_SECONDS = 0.02
DISK_RETRY_SECONDS = 30.0
"""How often an index kept in memory for want of disk space tries to go back to its file."""
REFILL_CHUNK = 500
"""Files read and indexed at a time when an index emptied by damage is filled again."""

_T = TypeVar("_T")
_MEMORY_NAMES = itertools.count()

_log = logging.getLogger(__name__)

_SCHEMA = f"""
CREATE TABLE files (
    id INTEGER PRIMARY KEY AUTOINCREMENT,  -- never reused, so no post inherits a stale post's words
    doc INTEGER NOT NULL UNIQUE,    -- the search table's rowid: orders by date, see _doc_id
    file BLOB NOT NULL UNIQUE,      -- path below the root, as the file system's bytes
    size INTEGER NOT NULL,
    mtime REAL NOT NULL,
    stamp REAL NOT NULL,            -- the post's date as a timestamp, for newest-first order
    offset INTEGER,                 -- the date's UTC offset in seconds
    date TEXT,                      -- the date as ISO text, only when stamp and offset cannot restore it
    relpath TEXT,                   -- NULL when it is `file` as UTF-8 text
    reason TEXT,                    -- set for a Problem; the post fields below are then NULL
    title TEXT, categories TEXT, link TEXT, image TEXT, layout TEXT,
    published INTEGER, is_html INTEGER, warnings TEXT,
    key TEXT,                       -- NULL when it is 'link:' and the link
    extra TEXT,                     -- JSON of the fields most posts lack (tags, authors, …), or NULL
    fcategories TEXT NOT NULL DEFAULT '',  -- categories folded (case, accents), each between \x1f: cat:
    ftags TEXT NOT NULL DEFAULT ''         -- tags the same way: tag:
);
CREATE INDEX files_newest ON files (stamp DESC);
CREATE TABLE stale (docs INTEGER NOT NULL);  -- search rows whose file changed or left since
INSERT INTO stale VALUES (0);
-- Word positions (detail = full) for phrases, and word counts per column (columnsize) for bm25.
CREATE VIRTUAL TABLE search USING fts5 (
    title, body, content = '', tokenize = "unicode61 remove_diacritics 2"
);
-- Merge segments 8 at a time rather than 4: inserting 100,000 posts does ~20% less work, queries no more.
INSERT INTO search (search, rank) VALUES ('automerge', 8);
PRAGMA user_version = {SCHEMA_VERSION};
"""

_COLUMNS = (
    "file, size, mtime, stamp, offset, date, relpath, reason, title, categories, link, image, layout,"
    " published, is_html, warnings, key, extra"
)
_SEPARATOR = "\x1f"
"""Between categories: clean_line has removed every control character from them."""


def connect(database: Path) -> sqlite3.Connection:
    """A connection to an index file, for any thread (or another process) that reads or writes it."""
    connection = sqlite3.connect(database, timeout=BUSY_TIMEOUT_SECONDS, check_same_thread=False)
    connection.execute("PRAGMA journal_mode = WAL")
    # A cache: after a crash it is rebuilt if found corrupt, so commits need not wait for the disk.
    connection.execute("PRAGMA synchronous = OFF")
    return connection


def index_path(root: Path, locations: Locations) -> Path:
    """Where the index of a posts folder lives."""
    return locations.cache_dir / f"{folder_slug(root)}.sqlite3"


Entry = tuple[Post | Problem, str | None]
"""A file's result and the text the search table holds for it (None for a problem)."""


def search_text(result: Post | Problem, body: str | None) -> str | None:
    """The text the search table holds for a post: its body without tags (cheap, not for display)."""
    if isinstance(result, Problem) or body is None:
        return None
    return plain_text(body, is_html=result.is_html)


def read_entry(path: str, root: Path, name: str | None = None) -> Entry:
    """Read a file as the index stores it: its Post (or Problem) and its search text.

    `name` is the path below `root` as `os` gives it, when the caller has it (see `read_post_text`).
    """
    result = read_post_text(path, root, name)
    if isinstance(result, PostText):
        return result.post, search_text(result.post, result.body)
    return result, None


class PostIndex:
    """The index of one posts folder. Never raises for a broken index: it rebuilds and sets `notice`.

    Usage: `PostIndex.open(root, locations)`; `stored_posts()` the known posts; `file_stamps()` to compare
    with the folder; `update_texts()`/`remove()` as files are read or vanish; `search()`; `close()`.

    Trouble is told apart: a lock held by another window is waited out (or the operation skipped), a full
    disk or read-only cache keeps the index in memory (a copy of what the file held) until the disk has
    room again, and only damage moves the file aside. Damage found mid-session leaves an empty index that
    `take_refill` asks the owner to fill again (`refill`) from the posts it shows.
    """

    def __init__(self, root: Path, database: Path | None) -> None:
        """Open (or create) the index at `database`; None keeps it in memory (nothing to persist)."""
        self.root = root
        self.database = database
        """The index file, or None while the index lives in memory."""
        self.notice: str | None = None
        """Set when the index had to be rebuilt or cannot be kept; the UI shows it once."""
        self.on_trouble: Callable[[], None] | None = None
        """Called, in whichever thread met it, when `notice` changes mid-session (the UI posts a message)."""
        self._local = threading.local()
        self._connections: list[sqlite3.Connection] = []
        self._lock = threading.Lock()
        self._switching = threading.RLock()
        """Held while the index moves (to memory, back to disk, to a new file after damage)."""
        self._generation = 0
        self._memory_name = f"krant-index-{next(_MEMORY_NAMES)}"
        """This index's shared in-memory database (with the generation): never another's, not even one of
        an index gone but not yet collected (its id could be this one's, and its tables still there)."""
        """Bumped on every move: a thread's connection of an older generation is closed by that thread."""
        self._keeper: sqlite3.Connection | None = None
        self._disk: Path | None = None
        """The file a full or read-only disk made us leave, to be written again when it has room."""
        self._disk_retry_at = 0.0
        self._refill_wanted = False
        self._prepare()

    @classmethod
    def open(cls, root: Path, locations: Locations) -> PostIndex:
        """The index of `root` in krant's cache folder."""
        return cls(root, index_path(root, locations))

    # Connections --------------------------------------------------------------------------

    def _connect(self) -> sqlite3.Connection:
        if self.database is None:
            memory = f"file:{self._memory_name}-{self._generation}?mode=memory&cache=shared"
            connection = sqlite3.connect(memory, uri=True, check_same_thread=False)
            # A shared cache locks tables: readers that take no read locks never stop a writer.
            connection.execute("PRAGMA read_uncommitted = 1")
        else:
            connection = connect(self.database)
        with self._lock:
            self._connections.append(connection)
        return connection

    @property
    def _db(self) -> sqlite3.Connection:
        local = self._local
        connection = getattr(local, "connection", None)
        if connection is not None and local.generation != self._generation:
            self._forget(connection)  # of an index that moved: this thread is done with it
            connection = None
        if connection is None:
            local.generation = self._generation
            connection = local.connection = self._connect()
        return connection

    def _forget(self, connection: sqlite3.Connection) -> None:
        with self._lock:
            if connection in self._connections:
                self._connections.remove(connection)
        connection.close()

    def _renew(self) -> None:
        """Start a new generation of connections: each thread drops its old one on its next use."""
        self._generation += 1
        connection = getattr(self._local, "connection", None)
        if connection is not None:
            self._local.connection = None
            self._forget(connection)

    def _prepare(self) -> None:
        """Open the index, checking its version; rebuild it when it is corrupt, outdated or unreadable."""
        if self.database is not None:
            try:
                self.database.parent.mkdir(parents=True, exist_ok=True)
                if self._version() == SCHEMA_VERSION:
                    stale, live = self._staleness()
                    if stale <= max(STALE_LIMIT, live):
                        return
                    self._discard(corrupt=False)
                    self._create()
                    self.notice = (
                        f"The search index held the words of {stale:,} changed or removed posts;"
                        " it is being rebuilt."
                    )
                    return
                outdated = self.database.exists()
                self._discard(corrupt=False)
                self._create()
                if outdated:
                    self.notice = "The post index was from another version of krant; it is being rebuilt."
                return
            except (sqlite3.DatabaseError, OSError) as error:
                _log.warning("post index %s is unusable: %s", self.database, error)
                if cannot_write(error, self.database) or is_locked(error):
                    self._keep_in_memory(error, back_to_disk=not is_locked(error))
                    return
                try:
                    self._discard(corrupt=True)
                    self._create()
                    self.notice = f"The post index was unreadable ({error}); it is being rebuilt."
                    return
                except (sqlite3.DatabaseError, OSError) as second:
                    if cannot_write(second, self.database):
                        self._keep_in_memory(second, back_to_disk=True)
                        return
                    self._renew()
                    self.notice = f"The post index cannot be kept ({second}); krant reads every file."
                    self.database = None
        self._keeper = self._connect()  # a shared in-memory database lives while one connection does
        self._create()

    def _version(self) -> int:
        """The schema version of the index file (0 for a new file); raises if it is not a database."""
        if not self.database or not self.database.exists():
            return 0
        version = self._db.execute("PRAGMA user_version").fetchone()[0]
        if version == SCHEMA_VERSION:
            self._db.execute("SELECT count(*) FROM files WHERE id = 0").fetchone()
            self._db.execute("SELECT rowid FROM search WHERE search MATCH 'krant' LIMIT 1").fetchone()
        return version

    def _staleness(self) -> tuple[int, int]:
        """How many search rows belong to no file any more, and how many files the index holds."""
        stale = self._db.execute("SELECT docs FROM stale").fetchone()[0]
        return stale, self._db.execute("SELECT count(*) FROM files").fetchone()[0]

    def _discard(self, *, corrupt: bool) -> None:
        """Keep a corrupt index aside (for a bug report) or delete an outdated one; never the posts."""
        self._renew()
        assert self.database is not None
        if corrupt and self.database.exists():
            keep_aside(self.database)
            return
        for suffix in ("-wal", "-shm"):
            Path(f"{self.database}{suffix}").unlink(missing_ok=True)
        self.database.unlink(missing_ok=True)

    def _create(self) -> None:
        self._db.executescript(_SCHEMA)

    def _close_all(self) -> None:
        with self._lock:
            connections, self._connections = self._connections, []
        for connection in connections:
            connection.close()
        self._local = threading.local()

    def close(self) -> None:
        """Close every thread's connection."""
        self._close_all()
        self._keeper = None

    # Trouble ------------------------------------------------------------------------------

    def _run(self, operation: Callable[[sqlite3.Connection], _T], default: _T, *, writes: bool = False) -> _T:
        """Run an operation on this thread's connection, through whatever trouble the index meets.

        A lock is waited out for up to `LOCKED_WAIT_SECONDS` (a connection to the file has waited
        `BUSY_TIMEOUT_SECONDS` already), then the operation is skipped: `default`. A full or read-only
        disk moves the index to memory, and the operation runs again there. Damage rebuilds the index.
        """
        if writes:
            self._try_disk_again()
        deadline = time.monotonic() + LOCKED_WAIT_SECONDS
        moved = False
        while True:
            generation = self._generation
            try:
                return operation(self._db)
            except sqlite3.DatabaseError as error:
                if generation != self._generation and not moved:
                    moved = True  # the index moved meanwhile (another thread met trouble): try it there
                    continue
                if is_locked(error):
                    if time.monotonic() < deadline:
                        time.sleep(LOCKED_PAUSE_SECONDS)
                        continue
                    _log.warning("post index %s stayed locked: %s; skipped", self.database, error)
                    return default
                if not moved and self.database is not None and cannot_write(error, self.database):
                    moved = True
                    with self._switching:
                        if generation == self._generation:
                            self._keep_in_memory(error, back_to_disk=True)
                            self._tell()
                    continue
                self._rebuild_after(error, generation)
                return default

    def _keep_in_memory(self, error: BaseException, *, back_to_disk: bool) -> None:
        """Go on in memory with a copy of what the file holds (it is left as it is, undamaged)."""
        with self._switching:
            disk = self.database
            assert disk is not None
            self._renew()
            self.database = None
            self._keeper = keeper = self._connect()
            if not _copy_index(disk, keeper):
                self._renew()  # a fresh, empty database in memory
                self._keeper = self._connect()
                self._create()
            self._disk = disk if back_to_disk else None
            self._disk_retry_at = time.monotonic() + DISK_RETRY_SECONDS
            reason = "it is in use by another krant" if is_locked(error) else str(error)
            self.notice = (
                f"The post index cannot be written in {disk.parent} ({reason}); it is kept in memory"
                + (" until there is room again." if back_to_disk else " for this session.")
            )

    def _try_disk_again(self) -> None:
        """After a while in memory, write the index to its file again if its disk has room by now."""
        if self._disk is None or time.monotonic() < self._disk_retry_at:
            return
        with self._switching:
            disk = self._disk
            if disk is None:
                return
            self._disk_retry_at = time.monotonic() + DISK_RETRY_SECONDS
            try:
                pages, page_size = (self._db.execute(f"PRAGMA {name}").fetchone()[0] for name in _SIZE)
                if shutil.disk_usage(disk.parent).free < pages * page_size + NEARLY_FULL_BYTES:
                    return
                with closing(connect(disk)) as target:
                    self._db.backup(target)
            except (sqlite3.Error, OSError) as error:
                _log.warning("post index %s still cannot be written: %s", disk, error)
                return
            _log.info("post index %s is written on disk again", disk)
            keeper, self._keeper = self._keeper, None
            self._renew()
            self.database, self._disk = disk, None
            if keeper is not None:
                self._forget(keeper)  # the copy in memory goes once the last thread leaves it

    def _rebuild_after(self, error: sqlite3.DatabaseError, generation: int) -> None:
        """An operation found the index damaged: keep it aside, start an empty one, and ask for a refill."""
        with self._switching:
            if generation != self._generation:
                return  # another thread met it first and moved on
            _log.warning("post index %s failed: %s", self.database, error)
            if self.database is not None:
                try:
                    self._discard(corrupt=True)
                except OSError:
                    self._renew()
                    self.database = None
            else:
                self._renew()
            self.notice = f"The post index failed ({error}); it is being rebuilt."
            self._prepare()
            self._refill_wanted = True
        self._tell()

    def _tell(self) -> None:
        if self.on_trouble is not None:
            self.on_trouble()

    def take_refill(self) -> bool:
        """Whether damage emptied the index mid-session and nobody is refilling it yet (then `refill` it)."""
        with self._switching:
            wanted, self._refill_wanted = self._refill_wanted, False
            return wanted

    def refill(self, paths: Iterable[str], cancelled: Callable[[], bool] = lambda: False) -> int:
        """Read the files again and index them, a chunk at a time, so search finds more as it goes.

        For an index emptied mid-session: `paths` are the posts (and problems) the UI holds. Slow (it
        reads every file): run it in a thread. Returns how many files were indexed.
        """
        done = 0
        chunk: list[Entry] = []
        for path in paths:
            if cancelled():
                break
            chunk.append(read_entry(path, self.root))
            if len(chunk) >= REFILL_CHUNK:
                self.update_texts(chunk)
                done, chunk = done + len(chunk), []
        if chunk and not cancelled():
            self.update_texts(chunk)
            done += len(chunk)
        return done

    # Reading ------------------------------------------------------------------------------

    def __len__(self) -> int:
        return self._run(lambda db: db.execute("SELECT count(*) FROM files").fetchone()[0], 0)

    def stored_posts(self, limit: int | None = None, skip: int = 0) -> list[Post | Problem]:
        """Indexed posts (newest first) and problems, built from the index without reading files.

        `limit` and `skip` take a slice of that order, so the newest can be shown before the rest is built.
        """
        rebuild = _RowReader(self.root)

        def read(db: sqlite3.Connection) -> list[Post | Problem]:
            results: list[Post | Problem] = []
            cursor = db.execute(
                f"SELECT {_COLUMNS} FROM files ORDER BY stamp DESC, id LIMIT ? OFFSET ?",
                (-1 if limit is None else limit, skip),
            )
            # A few rows at a time: all 100,000 rows at once held ~60 MB beside the posts made of them.
            while rows := cursor.fetchmany(2_000):
                results.extend(map(rebuild, rows))
            return results

        return self._run(read, [])

    def file_stamps(self) -> dict[str, tuple[int, float]]:
        """The size and mtime of every indexed file, to compare with what the folder holds now.

        Keyed by each file's path below the root, as text (no Path built: 100,000 of them are slow).

        Built row by row: a list of every row first would double what this holds at its peak.
        """
        return self._run(
            lambda db: {
                os.fsdecode(file): (size, mtime)
                for file, size, mtime in db.execute("SELECT file, size, mtime FROM files")
            },
            {},
        )

    def search(
        self,
        text: str | Query,
        limit: int = SEARCH_LIMIT,
        order: Order = Order.NEWEST,
        *,
        marks: MarkState = NO_MARKS,
        now: float | None = None,
    ) -> list[SearchHit]:
        """Posts a query finds (see `tui.core.query`), best or newest first, with a snippet each.

        Case and accents are ignored (`syrie` finds `Syrië`); the last word matches as a prefix, and quoted
        or joined words (`"new york"`, `1.5.1`) as a phrase (see `query_parts`). Text that is not a valid
        query (`a OR`, `(`) is searched as plain words, as it always was; `marks` answers `is:`, and `now`
        (default: the time) `newer:` and `older:`.
        Any text is safe: values are bound parameters and words are quoted, so no SQL or FTS5 syntax in
        it is obeyed.
        `Order.RELEVANCE` ranks by bm25 (a title word counts `TITLE_WEIGHT` times a body word), scaled down
        for posts older than the index's newest (see `RECENCY_DAYS`); equal scores go newest first. It needs
        words every hit holds: a query of fields only (or `a OR b`) is newest first.
        Snippets come from the files (the index keeps no text): a file changed since shows its new text;
        a query without words has none (`SearchHit.snippet` is empty).
        """
        query = _as_query(text)
        rows = self._rows(query, order, limit, marks, now)
        words = query.words
        if order is Order.RELEVANCE and words:  # a title exactly as typed first: the post the user named
            typed = [fold(word) for part in words for word in part.words]
            rows.sort(key=lambda row: title_words(row[1] or "") != typed)
        prefix = os.path.join(self.root, "")
        if not words:
            return [SearchHit(prefix + os.fsdecode(file), "") for file, _title in rows]
        pattern = parts_pattern(words)
        hits = []
        for file, title in rows:
            path = prefix + os.fsdecode(file)
            hits.append(SearchHit(path, *_file_snippet(path, self.root, title or "", pattern)))
        return hits

    def matching(
        self, text: str | Query, *, marks: MarkState = NO_MARKS, now: float | None = None
    ) -> list[str]:
        """The path of every post a query finds, newest first, without snippets (for lists, not hits)."""
        prefix = os.path.join(self.root, "")
        return [
            prefix + os.fsdecode(file)
            for file, _title in self._rows(_as_query(text), Order.NEWEST, -1, marks, now)
        ]

    def _rows(
        self, query: Query, order: Order, limit: int, marks: MarkState, now: float | None
    ) -> list[tuple[bytes, str | None]]:
        """The `(file, title)` of the posts a query finds, in `order`, at most `limit` (-1: all)."""
        if query.empty:
            return []
        compiled = compile_query(query, time.time() if now is None else now, local_day_start)
        match = compiled.match

        def find(db: sqlite3.Connection) -> list[tuple[bytes, str | None]]:
            db.create_function(STATE_FUNCTION, 2, state_function(marks, compiled.states), deterministic=False)
            where, values = compiled.where, compiled.parameters
            try:
                if match is None:
                    # The doc order is the date order: the newest matching rows are found first.
                    bounds, limits = _doc_bounds(compiled, "f.doc")
                    return db.execute(
                        f"SELECT f.file, f.title FROM files AS f WHERE f.reason IS NULL{bounds} AND {where}"
                        " ORDER BY f.doc DESC LIMIT ?",
                        (*limits, *values, limit),
                    ).fetchall()
                bounds, limits = _doc_bounds(compiled, "search.rowid")
                if order is Order.NEWEST:
                    # The rowid order is the date order, so FTS5 stops after `limit` live hits; the join
                    # drops the words of files that changed or left (see the module docstring).
                    return db.execute(
                        "SELECT f.file, f.title FROM search JOIN files AS f ON f.doc = search.rowid"
                        f" WHERE search MATCH ?{bounds} AND {where} ORDER BY search.rowid DESC LIMIT ?",
                        (match, *limits, *values, limit),
                    ).fetchall()
                # Posts whose title holds all of the query come first (a title typed as it is finds its
                # post above the longer posts that mention every word of it), then by bm25: negative,
                # lower is better, an older post's scaled towards zero. The rowid holds the date (see
                # _doc_id), so the files table is only read for the rows kept.
                # Only the newest `RANKED_CANDIDATES` hits are ranked: scoring every hit of a common word
                # among 100,000 posts took over a second. The rowid order is the date order, so the
                # oldest of them is found without scoring anything.
                bounds, limits = _doc_bounds(compiled, "rowid")  # of the search table alone, below
                oldest = db.execute(
                    f"SELECT rowid FROM search WHERE search MATCH ?{bounds}"
                    " ORDER BY rowid DESC LIMIT 1 OFFSET ?",
                    (match, *limits, RANKED_CANDIDATES - 1),
                ).fetchone()
                since = oldest[0] if oldest is not None else -(1 << 62)
                return db.execute(
                    "SELECT f.file, f.title FROM ("
                    "  SELECT rowid AS doc, bm25(search, ?, 1.0) * (0.5 + 0.5 / (1.0 + max(0,"
                    "    (SELECT max(stamp) FROM files) - (rowid >> 20)) / ?)) AS score"
                    f"  FROM search WHERE search MATCH ? AND rowid >= ?{bounds}"
                    f") AS hit JOIN files AS f ON f.doc = hit.doc WHERE {where}"
                    " ORDER BY hit.doc IN"
                    "  (SELECT rowid FROM search WHERE search MATCH ? AND rowid >= ?) DESC,"
                    " hit.score, hit.doc DESC LIMIT ?",
                    (
                        TITLE_WEIGHT,
                        RECENCY_DAYS * 86_400,
                        match,
                        since,
                        *limits,
                        *values,
                        f"title : ({match})",
                        since,
                        limit,
                    ),
                ).fetchall()
            except sqlite3.OperationalError as error:
                if is_locked(error) or cannot_write(error, self.database):
                    raise
                _log.warning("search %r failed: %s", query.text, error)  # a query FTS5 still refuses
                return []

        return self._run(find, [])

    def count(
        self,
        text: str | Query,
        *,
        marks: MarkState = NO_MARKS,
        now: float | None = None,
        include_unpublished: bool = False,
    ) -> tuple[int, int]:
        """How many posts a query finds, and how many of those are unread (for a saved search's entry).

        Unpublished posts and drafts count only with `include_unpublished`, as the library shows them.
        """
        query = _as_query(text)
        compiled = compile_query(query, time.time() if now is None else now, local_day_start)
        states = compiled.states | {"read"}
        shown = "1" if include_unpublished else _PUBLISHED

        def count(db: sqlite3.Connection) -> tuple[int, int]:
            db.create_function(STATE_FUNCTION, 2, state_function(marks, states), deterministic=False)
            source = "files AS f"
            bounds, limits = _doc_bounds(compiled, "f.doc")
            values: tuple[object, ...] = (*limits, *compiled.parameters)
            if compiled.match is not None:
                source = "search JOIN files AS f ON f.doc = search.rowid"
                bounds, limits = _doc_bounds(compiled, "search.rowid")
                values = (compiled.match, *limits, *compiled.parameters)
            try:
                total, unread = db.execute(
                    f"SELECT count(*), total(NOT {STATE_FUNCTION}('read', {KEY_SQL})) FROM {source} WHERE"
                    f" {'search MATCH ? AND ' if compiled.match else ''}f.reason IS NULL{bounds} AND {shown}"
                    f" AND {compiled.where}",
                    values,
                ).fetchone()
            except sqlite3.OperationalError as error:
                if is_locked(error) or cannot_write(error, self.database):
                    raise
                _log.warning("count %r failed: %s", query.text, error)
                return 0, 0
            return total, int(unread)

        if query.empty:
            return 0, 0
        return self._run(count, (0, 0))

    # Changing -----------------------------------------------------------------------------

    def update_texts(self, entries: Iterable[Entry]) -> None:
        """Store files with their search text already made (`search_text`), in one transaction."""
        entries = list(entries)  # tried again in memory if the disk is full
        self._run(lambda db: store_entries(db, self.root, entries), None, writes=True)

    def remove(self, paths: Iterable[str | os.PathLike[str]]) -> None:
        """Forget files that left the folder; a folder's path forgets everything below it."""
        paths = list(paths)

        def forget(connection: sqlite3.Connection) -> None:
            with connection as db:
                stale = 0
                for path in paths:
                    file = _file_name(self.root, path)
                    below = file.rstrip(b"/") + b"/"
                    rows = db.execute(
                        "SELECT doc, reason IS NULL FROM files WHERE file = ? OR substr(file, 1, ?) = ?",
                        (file, len(below), below),
                    ).fetchall()
                    db.executemany("DELETE FROM files WHERE doc = ?", [(doc,) for doc, _post in rows])
                    stale += sum(post for _doc, post in rows)
                if stale:
                    db.execute("UPDATE stale SET docs = docs + ?", (stale,))

        self._run(forget, None, writes=True)


_PUBLISHED = "f.published AND (f.extra IS NULL OR json_extract(f.extra, '$.draft') IS NULL)"
"""The posts a library shows without `--all` (`_extra` stores `draft` only when it is true)."""


def _doc_bounds(compiled: Compiled, column: str) -> tuple[str, tuple[int, ...]]:
    """`AND column >= ? AND column < ?` for the rowids a query's dates allow (see `Compiled.lowest`)."""
    sql, values = "", []
    if compiled.lowest is not None:
        sql += f" AND {column} >= ?"
        values.append(compiled.lowest)
    if compiled.highest is not None:
        sql += f" AND {column} < ?"
        values.append(compiled.highest)
    return sql, tuple(values)


def _as_query(text: str | Query) -> Query:
    """A query as given, or text parsed; text that is no valid query is its words, as search always was."""
    if isinstance(text, Query):
        return text
    try:
        return parse(text)
    except QueryError:
        parts = tuple(query_parts(text))
        return Query(text, Words(parts) if parts else None)


_SIZE = ("page_count", "page_size")


def _copy_index(disk: Path, target: sqlite3.Connection) -> bool:
    """Copy an index file of this version into `target` (reading only); False if it cannot be read."""
    try:
        with closing(sqlite3.connect(f"{disk.absolute().as_uri()}?mode=ro", uri=True)) as source:
            if source.execute("PRAGMA user_version").fetchone()[0] != SCHEMA_VERSION:
                return False
            source.backup(target)
    except sqlite3.Error as error:
        _log.warning("post index %s could not be copied to memory: %s", disk, error)
        return False
    return True


def _file_snippet(
    path: str, root: Path, title: str, pattern: re.Pattern[str] | None
) -> tuple[str, tuple[tuple[int, int], ...]]:
    """A hit's words in context, from its file as it is now (or its title, if it cannot be read)."""
    read = read_post_text(path, root)
    body = ""
    if isinstance(read, PostText):
        body = plain_text(read.body, is_html=read.post.is_html)
        if not read.post.is_html:
            body = markdown_words(body)  # `[v3.1.4](/news…` and `* Signi` read as their words
    return make_snippet(body, title, pattern)


def store_entries(
    db: sqlite3.Connection,
    root: Path,
    entries: Iterable[tuple[Post | Problem, str | None]],
    *,
    new_files: bool = False,
    names: Sequence[str] | None = None,
) -> None:
    """Store freshly read files of `root` with their search text, replacing what their paths held.

    `names` are the entries' paths below `root` as `os` gives them, when the caller has them.

    One transaction, begun at once for writing so no other writer can take the same row numbers.
    `new_files` (the first read of a folder into an empty index) skips looking for rows to replace; a file
    stored meanwhile (by the watcher) then fails the whole batch with an IntegrityError, to be stored again
    without it. Raises sqlite3 errors: `PostIndex.update_texts` turns them into a rebuild.
    """
    if names is None:
        latest = {_file_name(root, result.path): (result, text) for result, text in entries}
    else:
        latest = {os.fsencode(name): entry for name, entry in zip(names, entries, strict=True)}
    if not latest:
        return
    files = [(file,) for file in latest]
    with db:
        db.execute("BEGIN IMMEDIATE")
        known = db.execute("SELECT seq FROM sqlite_sequence WHERE name = 'files'").fetchone()
        number = known[0] if known else 0
        if not new_files:
            stale = db.executemany("DELETE FROM files WHERE file = ? AND reason IS NULL", files).rowcount
            db.executemany("DELETE FROM files WHERE file = ?", files)
            if stale > 0:
                db.execute("UPDATE stale SET docs = docs + ?", (stale,))
        rows: list[tuple] = []
        texts: list[tuple[int, str, str]] = []
        for file, (result, text) in latest.items():
            number += 1
            rows.append(_row(number, file, result))
            if isinstance(result, Post):
                # Tags are searched with the title: a post is found by what it is about.
                title = " ".join((result.title, *result.tags)) if result.tags else result.title
                texts.append((rows[-1][1], title, text or ""))
        db.executemany(
            f"INSERT INTO files (id, doc, {_COLUMNS}, fcategories, ftags) VALUES ({', '.join('?' * 22)})",
            rows,
        )
        # In rowid order: FTS5 writes its pending words out whenever a rowid is lower than the last
        # one, and a newest-first batch would then cost a flush per post.
        texts.sort(key=itemgetter(0))
        db.executemany("INSERT INTO search (rowid, title, body) VALUES (?, ?, ?)", texts)


def _file_name(root: Path, path: str | os.PathLike[str]) -> bytes:
    """A path as the index keys it: below the root, as the file system's bytes."""
    text = os.fspath(path)
    prefix = os.path.join(root, "")
    if text.startswith(prefix):  # as relative_to, without building a Path (100,000 of them are slow)
        return os.fsencode(text[len(prefix) :])
    return os.fsencode(text if text != os.fspath(root) else ".")


def _row(number: int, file: bytes, result: Post | Problem) -> tuple:
    """The `files` row of a result (id, doc, _COLUMNS, fcategories, ftags); what can be derived is NULL."""
    relpath = None if _decoded(file) == result.relpath else result.relpath
    if isinstance(result, Problem):
        try:
            info = os.stat(result.path)
            size, mtime = info.st_size, info.st_mtime
        except OSError:
            size, mtime = MISSING, MISSING
        empty = (None,) * 10
        return (
            number,
            _doc_id(0, number),
            file,
            size,
            mtime,
            0,
            None,
            None,
            relpath,
            result.reason,
            *empty,
            "",
            "",
        )
    when = result.date
    stamp = result.timestamp
    delta = when.utcoffset()
    offset = None if delta is None else int(delta.total_seconds())
    text = None if offset is not None and _restores(stamp, offset, when) else when.isoformat()
    link = result.link
    return (
        number,
        _doc_id(stamp, number),
        file,
        result.size,
        result.mtime,
        stamp,
        offset,
        text,
        relpath,
        None,
        result.title,
        _SEPARATOR.join(result.categories),
        link,
        result.image,
        result.layout,
        result.published,
        result.is_html,
        json.dumps(result.warnings, ensure_ascii=False) if result.warnings else None,
        None if link and result.key == "link:" + link else result.key,
        _extra(result),
        _folded_names(result.categories),
        _folded_names(result.tags),
    )


def _folded_names(names: Sequence[str]) -> str:
    """Names as `cat:` and `tag:` look them up: folded, each between separators (`\x1fsport\x1f`)."""
    if not names:
        return ""
    return SEPARATOR + SEPARATOR.join(fold(name.strip()) for name in names) + SEPARATOR


class _RowReader:
    """Turns `files` rows back into Posts and Problems, sharing the strings and zones many rows repeat."""

    def __init__(self, root: Path) -> None:
        self._prefix = os.path.join(root, "")

    def __call__(self, row: tuple) -> Post | Problem:
        (file, size, mtime, stamp, offset, date, relpath, reason, title, categories, link, image, layout,
         published, is_html, warnings, key, extra) = row  # fmt: skip
        name = os.fsdecode(file)
        path = self._prefix + name
        if relpath is None:
            relpath = name
        if reason is not None:
            return Problem(path, relpath, reason)
        return Post(
            path,
            relpath,
            title,
            _date(stamp, offset, date),
            _categories(categories),
            link,
            image,
            _interned(layout),
            bool(published),
            bool(is_html),
            size,
            mtime,
            tuple(json.loads(warnings)) if warnings else (),
            ("link:" + link if link else "") if key is None else key,
            stamp,
            **(_extra_fields(json.loads(extra)) if extra else {}),
        )


_EXTRA = ("tags", "authors", "description", "draft")
"""The Post fields kept in the `extra` column."""


def _extra(post: Post) -> str | None:
    """The fields most posts do not have, as JSON (NULL when a post has none of them)."""
    kept = {name: getattr(post, name) for name in _EXTRA if getattr(post, name)}
    return json.dumps(kept, ensure_ascii=False) if kept else None


def _extra_fields(stored: dict[str, object]) -> dict[str, object]:
    """`_extra`'s JSON back to Post fields (lists to tuples)."""
    return {name: tuple(value) if isinstance(value, list) else value for name, value in stored.items()}


def _decoded(file: bytes) -> str | None:
    try:
        return file.decode("utf-8")
    except UnicodeDecodeError:
        return None


def _doc_id(timestamp: float, number: int) -> int:
    """A search rowid that sorts by date (whole seconds), made unique by the file's row number.

    Two files share one only if they have the same second and row numbers 2**20 apart.
    """
    return (int(timestamp) << 20) | (number & 0xFFFFF)


# Sharing the few distinct values 100,000 posts hold keeps the list small in memory.
_CATEGORY_TUPLES: dict[str, tuple[str, ...]] = {}
_ZONES: dict[int, timezone] = {}


def _categories(stored: str) -> tuple[str, ...]:
    known = _CATEGORY_TUPLES.get(stored)
    if known is None:
        known = tuple(sys.intern(name) for name in stored.split(_SEPARATOR))
        if len(_CATEGORY_TUPLES) < 10_000:
            _CATEGORY_TUPLES[stored] = known
    return known


def _interned(value: str | None) -> str | None:
    return sys.intern(value) if value is not None and len(value) < 40 else value


def _date(stamp: float, offset: int | None, text: str | None) -> datetime:
    """A stored date back to an aware datetime, sharing one tzinfo object per offset."""
    if text is not None:
        moment = datetime.fromisoformat(text)
        delta = moment.utcoffset()
        if delta is None or delta.microseconds:
            return moment
        return moment.replace(tzinfo=_zone(delta.days * 86_400 + delta.seconds))
    return datetime.fromtimestamp(stamp, _zone(offset or 0))


def _restores(stamp: float, offset: int, when: datetime) -> bool:
    """Whether stamp and offset give the date back exactly (not for sub-second offsets, odd years)."""
    try:
        again = _date(stamp, offset, None)
    except (OverflowError, ValueError, OSError):
        return False
    return again == when and again.utcoffset() == when.utcoffset()


def _zone(offset: int) -> timezone:
    zone = _ZONES.get(offset)
    if zone is None:
        zone = _ZONES[offset] = UTC if not offset else timezone(timedelta(seconds=offset))
    return zone
