"""Read a whole folder in batches, newest files first, so a screen can fill while reading goes on.

Without an index (or with an empty one) this is a cold start: a small first batch of the newest files is
read at once, then the rest in worker processes. With an index the first batch is everything the index
knows (no file is opened), and the folder is then checked against it: new and changed files are read
again, vanished ones are reported in `LoadBatch.removed`. Everything read is written to the index; worker
processes write what they read themselves (one at a time), so only metadata comes back to this process.

Run it in a worker thread and post each batch to the UI as a message; it never touches the UI.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import sqlite3
import threading
from collections import deque
from collections.abc import Iterator
from concurrent.futures import Executor, Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass, fields
from multiprocessing import resource_tracker
from multiprocessing.synchronize import Lock
from pathlib import Path

from tui.core.folder import find_post_entries, unreadable_folder
from tui.core.index import Entry, PostIndex, connect, read_entry, store_entries
from tui.core.post import Post, Problem
from tui.core.reading import read_post

BATCH_SIZE = 500
"""Files per batch after the first (and per task sent to a worker process)."""
FIRST_BATCH = 200
"""The first batch of a cold start is small, so the newest posts are on screen quickly."""


def _cores() -> int:
    """The cores this process may run on."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 2


WORKERS = max(2, min(_cores(), 6))
"""Worker processes for a cold start, one per core (2 to 6); reading is CPU-bound, so threads would not
help. Beyond ~6 the workers would mostly wait for their turn to write to the index."""
WARM_FIRST = 1_000
"""The first batch of a warm start: the newest posts the index knows; the rest follow in a second batch."""
PARALLEL_FROM = 3_000
"""Fewer files than this are read in this thread: starting worker processes would cost more."""

_log = logging.getLogger(__name__)

Chunk = tuple[list[Post | Problem], list[Entry]]
"""What reading some files gave: the results, and the entries still to be stored in the index."""
Compacted = tuple[list[tuple], list[Entry]]
"""A Chunk as a worker sends it back: each result as a tuple of its fields without the path."""


@dataclass(frozen=True, slots=True)
class LoadBatch:
    """Some freshly read files, files that vanished, and how far the whole load has come."""

    results: tuple[Post | Problem, ...]
    done: int
    """Files whose state is known (read, or unchanged since the index saw them)."""
    total: int
    """Files in the folder (on a warm start, until it is checked: the files the index knows)."""
    removed: tuple[str, ...] = ()
    """Files the index knew that are gone from the folder: remove them (`Library.remove`)."""

    @property
    def finished(self) -> bool:
        return self.done >= self.total


def newest_first(names: list[str]) -> list[str]:
    """Jekyll names (`YYYY-MM-DD-slug`) sort by date, so reverse file-name order puts the newest first."""
    return sorted(names, key=lambda name: name.rpartition(os.sep)[2], reverse=True)


def load_batches(
    root: Path,
    batch_size: int = BATCH_SIZE,
    *,
    index: PostIndex | None = None,
    first_batch: int = FIRST_BATCH,
    workers: int = WORKERS,
) -> Iterator[LoadBatch]:
    """Read every post below root, yielding batches; see the module docstring for cold and warm starts.

    Always yields at least one batch, and the last one is `finished`. With an index, what is read is
    also stored in it (with its search text), and vanished files are removed from it.
    """
    newest = index.stored_posts(limit=WARM_FIRST) if index is not None else []
    readers = _Readers(workers, wanted_from=first_batch + PARALLEL_FROM)
    try:
        if index is not None and newest:
            yield from _warm(root, index, newest, batch_size, readers)
            return
        names = []
        prefix = os.path.join(root, "")
        unreadable: list[tuple[str, str]] = []
        for entry in find_post_entries(root, unreadable):
            # Below the root, as text: building 100,000 Paths here would cost the UI's process seconds.
            names.append(entry.path[len(prefix) :])
            readers.counted(len(names))  # processes start while the rest of the folder is listed
        folders = tuple(unreadable_folder(folder, reason, root) for folder, reason in unreadable)
        if folders or not names:
            yield LoadBatch(folders, 0, len(names))
        if not names:
            return
        yield from _read_all(
            root, newest_first(names), 0, len(names), index, batch_size, first_batch, readers, new_files=True
        )
    finally:
        readers.close()


def _warm(
    root: Path, index: PostIndex, newest: list[Post | Problem], batch_size: int, readers: _Readers
) -> Iterator[LoadBatch]:
    """Everything the index knows (the newest first, on their own), then what changed in the folder."""
    known = len(index) if len(newest) >= WARM_FIRST else len(newest)
    yield LoadBatch(tuple(newest), 0, known)
    if len(newest) >= WARM_FIRST:
        rest = index.stored_posts(skip=len(newest))
        if rest:
            yield LoadBatch(tuple(rest), 0, known)
        del rest
    stamps = index.file_stamps()
    changed: list[str] = []
    total = 0
    prefix = os.path.join(root, "")
    unreadable: list[tuple[str, str]] = []
    for entry in find_post_entries(root, unreadable):
        # Compared as text below the root: building 100,000 Paths would cost more than the stat calls.
        name = entry.path[len(prefix) :]
        total += 1
        try:
            info = entry.stat()
            now = (info.st_size, info.st_mtime)
        except OSError:
            now = None
        # Popped: what is left at the end is gone from the folder, and no second set of names is built.
        known = stamps.pop(name, None)
        if now is None or known != now:
            changed.append(name)
            readers.counted(len(changed))
    # A file in a folder that may not be listed now is not known to be gone: it stays as the index has it.
    hidden = tuple(os.path.join(folder[len(prefix) :], "") for folder, _ in unreadable)
    removed = tuple(prefix + name for name in stamps if not name.startswith(hidden))
    del stamps
    if removed:
        index.remove(removed)
    done = total - len(changed)
    folders = tuple(unreadable_folder(folder, reason, root) for folder, reason in unreadable)
    if removed or folders or not changed:
        yield LoadBatch(folders, done, total, removed)
    if changed:
        yield from _read_all(root, newest_first(changed), done, total, index, batch_size, 0, readers)


class _Readers:
    """Worker processes, started in a thread once a load has enough files to pay for them.

    Starting processes blocks for a while, and the first screen should not wait for it; started while
    the folder is still being listed, they are ready when the first files are.
    """

    def __init__(self, workers: int, wanted_from: int) -> None:
        self.workers = workers
        self._wanted_from = wanted_from
        self._started: list[Executor] = []
        self._starter: threading.Thread | None = None

    def counted(self, files: int) -> None:
        """The load has found this many files to read so far; start the processes if that is enough."""
        if files >= self._wanted_from and self._starter is None and self.workers > 1:
            self._starter = threading.Thread(
                target=_start_pool, args=(self.workers, self._started), name="start readers"
            )
            self._starter.start()

    def pool(self, *, wait: bool = True) -> Executor | None:
        """The started pool (waiting for it to be up, unless `wait` is False), or None when there is none."""
        if self._starter is None or (not wait and self._starter.is_alive()):
            return None
        self._starter.join()
        return self._started[0] if self._started else None

    def close(self) -> None:
        if self._starter is not None:
            self._starter.join()
        for started in self._started:
            started.shutdown(wait=False, cancel_futures=True)


def _read_all(
    root: Path,
    names: list[str],
    done: int,
    total: int,
    index: PostIndex | None,
    batch_size: int,
    first_batch: int,
    readers: _Readers,
    *,
    new_files: bool = False,
) -> Iterator[LoadBatch]:
    """Read `names` (below root) in order: the first few here, the rest in worker processes if started.

    `new_files`: the index was empty when the load began, so workers need not look for rows to replace.
    """
    with_text = index is not None
    # Workers write to the index file themselves; an index kept in memory only this process can reach.
    database = str(index.database) if index is not None and index.database is not None else None
    head, rest = names[:first_batch], names[first_batch:]
    chunks = [rest[start : start + batch_size] for start in range(0, len(rest), batch_size)]
    # A few chunks in flight keep both workers busy without piling results up in memory.
    in_flight: deque[Future[Compacted]] = deque()
    submitted = 0

    def submit_up_to(wanted: int) -> None:
        nonlocal submitted
        while pool is not None and submitted < min(len(chunks), wanted):
            in_flight.append(
                pool.submit(_read_in_worker, root, chunks[submitted], with_text, database, new_files)
            )
            submitted += 1

    # Workers that are up already start on the rest while this thread reads the newest files.
    pool = readers.pool(wait=False) if chunks else None
    submit_up_to(readers.workers * 2)
    if head:
        results, unstored = _read_chunk(root, head, with_text, None)
        done += len(results)
        yield _stored(results, unstored, index, done, total)
    if pool is None and chunks:
        pool = readers.pool()
    for number, chunk in enumerate(chunks):
        submit_up_to(number + readers.workers * 2)
        compacted = _result(in_flight.popleft()) if number < submitted else None
        if compacted is None:
            results, unstored = _read_chunk(root, chunk, with_text, None)
        else:
            results, unstored = _expanded(root, chunk, compacted[0]), compacted[1]
        done += len(results)
        yield _stored(results, unstored, index, done, total)


def _result(future: Future[Compacted]) -> Compacted | None:
    """A worker's files, or None when the pool broke (then this thread reads them instead)."""
    try:
        return future.result()
    except (BrokenProcessPool, OSError, RuntimeError) as error:
        _log.warning("a worker process failed (%s); reading here instead", error)
        return None


def _stored(
    results: list[Post | Problem], unstored: list[Entry], index: PostIndex | None, done: int, total: int
) -> LoadBatch:
    if index is not None and unstored:
        index.update_texts(unstored)
    return LoadBatch(tuple(results), done, total)


def prepare_workers() -> None:
    """Start multiprocessing's resource tracker now, while `sys.stderr` is still the real one.

    Call it before a UI takes over the terminal. multiprocessing hands the tracker `sys.stderr.fileno()`,
    and Textual's stand-in for stderr answers -1, on which starting the worker pool fails (and a cold
    start then reads every file in one thread).
    """
    try:
        resource_tracker.ensure_running()
    except (OSError, ValueError) as error:  # no worker processes then; reading still works
        _log.warning("cannot prepare worker processes: %s", error)


def _start_pool(workers: int, started: list[Executor]) -> None:
    try:
        pool = _pool(workers)
        for _worker in range(workers):
            pool.submit(int)  # each start spawns a process now, not when the first files are sent
        started.append(pool)
    except (OSError, ValueError, RuntimeError) as error:  # then this thread reads everything
        _log.warning("cannot start worker processes: %s", error)


def _pool(workers: int) -> Executor:
    # forkserver: forking a process that runs UI and watcher threads can deadlock a child.
    method = "forkserver" if "forkserver" in multiprocessing.get_all_start_methods() else "spawn"
    context = multiprocessing.get_context(method)
    if method == "forkserver":
        context.set_forkserver_preload(["tui.core.reading", "tui.core.index"])
    return ProcessPoolExecutor(
        max_workers=workers, mp_context=context, initializer=_start_worker, initargs=(context.Lock(),)
    )


def _start_worker(writing: Lock) -> None:
    """Set up a worker process: the lock its index writes take, and no output on the UI's terminal."""
    global _WRITING
    _WRITING = writing
    devnull = os.open(os.devnull, os.O_WRONLY)
    for descriptor in (1, 2):
        os.dup2(devnull, descriptor)
    os.close(devnull)


_WRITING: AbstractContextManager[object] = nullcontext()
"""In a worker: a lock shared by the workers, so they write to the index in turn without SQLite's
busy-waiting (which sleeps in steps of up to 100 ms)."""
_CONNECTIONS: dict[str, sqlite3.Connection] = {}


def _read_chunk(
    root: Path, names: list[str], with_text: bool, database: str | None, new_files: bool = False
) -> Chunk:
    """Read some files (in a worker process or here), with their search text when an index wants it.

    With `database` (in a worker) they are stored in that index file here; if that fails, they come
    back unstored, and the caller stores them (its index rebuilds itself if it is broken).
    """
    prefix = os.path.join(root, "")
    paths = [prefix + name for name in names]
    if not with_text:
        return [read_post(path, root) for path in paths], []
    entries = [read_entry(path, root, name) for path, name in zip(paths, names, strict=True)]
    results = [result for result, _text in entries]
    if database is None:
        return results, entries
    try:
        with _WRITING:
            store_entries(_connection(database), root, entries, new_files=new_files, names=names)
    except (sqlite3.Error, OSError) as error:
        _log.warning("a worker could not write to the index (%s); handing its files back", error)
        return results, entries
    return results, []


def _read_in_worker(
    root: Path, names: list[str], with_text: bool, database: str | None, new_files: bool
) -> Compacted:
    """`_read_chunk` in a worker process: results go back as plain tuples, without their paths."""
    results, unstored = _read_chunk(root, names, with_text, database, new_files)
    return [_compact(result) for result in results], unstored


_POST_FIELDS = tuple(field.name for field in fields(Post))[1:]  # all but the path
_PROBLEM_FIELDS = tuple(field.name for field in fields(Problem))[1:]


def _compact(result: Post | Problem) -> tuple:
    names = _POST_FIELDS if isinstance(result, Post) else _PROBLEM_FIELDS
    return tuple(getattr(result, name) for name in names)


def _expanded(root: Path, names: list[str], compacts: list[tuple]) -> list[Post | Problem]:
    """The results `_compact` made, with their paths (as the worker read them) again."""
    problem_size = len(_PROBLEM_FIELDS)
    prefix = os.path.join(root, "")
    return [
        Problem(prefix + name, *compact) if len(compact) == problem_size else Post(prefix + name, *compact)
        for name, compact in zip(names, compacts, strict=True)
    ]


def _connection(database: str) -> sqlite3.Connection:
    """This worker process's connection to the index file, opened on first use."""
    connection = _CONNECTIONS.get(database)
    if connection is None:
        connection = _CONNECTIONS[database] = connect(Path(database))
    return connection
