"""Read a whole folder in batches, newest files first, so a screen can fill while reading goes on.

Without an index (or with an empty one) this is a cold start: a small first batch of the newest files is
read at once, then the rest in worker processes. With an index the first batch is everything the index
knows (no file is opened), and the folder is then checked against it: new and changed files are read
again, vanished ones are reported in `LoadBatch.removed`. Everything read is written to the index.

Run it in a worker thread and post each batch to the UI as a message; it never touches the UI.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import threading
from collections import deque
from collections.abc import Iterator
from concurrent.futures import Executor, Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from pathlib import Path

from tui.index import PostIndex, search_text
from tui.posts import Post, PostText, Problem, find_post_entries, find_post_files, read_post, read_post_text

BATCH_SIZE = 500
"""Files per batch after the first (and per task sent to a worker process)."""
FIRST_BATCH = 200
"""The first batch of a cold start is small, so the newest posts are on screen quickly."""
WORKERS = 2
"""Worker processes for a cold start; reading is CPU-bound (YAML, decoding), so threads would not help."""
WARM_FIRST = 1_000
"""The first batch of a warm start: the newest posts the index knows; the rest follow in a second batch."""
PARALLEL_FROM = 3_000
"""Fewer files than this are read in this thread: starting worker processes would cost more."""

_log = logging.getLogger(__name__)

Entry = tuple[Post | Problem, str | None]
"""A file's result and its search text (None when no index wants it)."""


@dataclass(frozen=True, slots=True)
class LoadBatch:
    """Some freshly read files, files that vanished, and how far the whole load has come."""

    results: tuple[Post | Problem, ...]
    done: int
    """Files whose state is known (read, or unchanged since the index saw them)."""
    total: int
    """Files in the folder (on a warm start, until it is checked: the files the index knows)."""
    removed: tuple[Path, ...] = ()
    """Files the index knew that are gone from the folder: remove them (`Library.remove`)."""

    @property
    def finished(self) -> bool:
        return self.done >= self.total


def newest_first(paths: list[Path]) -> list[Path]:
    """Jekyll names (`YYYY-MM-DD-slug`) sort by date, so reverse name order puts the newest first."""
    return sorted(paths, key=lambda path: path.name, reverse=True)


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
    newest = index.load(limit=WARM_FIRST) if index is not None else []
    if index is not None and newest:
        yield from _warm(root, index, newest, batch_size, workers)
        return
    paths = newest_first(list(find_post_files(root)))
    if not paths:
        yield LoadBatch((), 0, 0)
        return
    yield from _read_all(root, paths, 0, len(paths), index, batch_size, first_batch, workers)


def _warm(
    root: Path, index: PostIndex, newest: list[Post | Problem], batch_size: int, workers: int
) -> Iterator[LoadBatch]:
    """Everything the index knows (the newest first, on their own), then what changed in the folder."""
    known = len(index) if len(newest) >= WARM_FIRST else len(newest)
    yield LoadBatch(tuple(newest), 0, known)
    if len(newest) >= WARM_FIRST:
        rest = index.load(skip=len(newest))
        if rest:
            yield LoadBatch(tuple(rest), 0, known)
        del rest
    stamps = index.file_stamps()
    changed: list[Path] = []
    found: set[str] = set()
    prefix = os.path.join(root, "")
    for entry in find_post_entries(root):
        # Compared as text below the root: building 100,000 Paths would cost more than the stat calls.
        name = entry.path[len(prefix) :] if entry.path.startswith(prefix) else entry.path
        found.add(name)
        try:
            info = entry.stat()
            now = (info.st_size, info.st_mtime)
        except OSError:
            now = None
        if now is None or stamps.get(name) != now:
            changed.append(Path(entry.path))
    removed = tuple(root / name for name in stamps if name not in found)
    total = len(found)
    del stamps, found
    if removed:
        index.remove(removed)
    done = total - len(changed)
    if removed or not changed:
        yield LoadBatch((), done, total, removed)
    if changed:
        yield from _read_all(root, newest_first(changed), done, total, index, batch_size, 0, workers)


def _read_all(
    root: Path,
    paths: list[Path],
    done: int,
    total: int,
    index: PostIndex | None,
    batch_size: int,
    first_batch: int,
    workers: int,
) -> Iterator[LoadBatch]:
    """Read `paths` in order: the first few here, the rest in worker processes when there are many."""
    with_text = index is not None
    head, rest = paths[:first_batch], paths[first_batch:]
    chunks = [rest[start : start + batch_size] for start in range(0, len(rest), batch_size)]
    starting: list[Executor] = []
    starter = None
    if len(rest) >= PARALLEL_FROM and workers > 1:
        # Started in a thread: launching processes blocks, and the first screen should not wait for it.
        starter = threading.Thread(target=lambda: starting.append(_pool(workers)), name="start readers")
        starter.start()
    pool: Executor | None = None
    try:
        if head:
            entries = _read_chunk(root, head, with_text)
            done += len(entries)
            yield _stored(entries, index, done, total)
        if starter is not None:
            starter.join()
            pool = starting[0] if starting else None
        # A few chunks in flight keep both workers busy without piling results up in memory.
        in_flight: deque[Future[list[Entry]]] = deque()
        submitted = 0
        for number, chunk in enumerate(chunks):
            while pool is not None and submitted < min(len(chunks), number + workers * 2):
                in_flight.append(pool.submit(_read_chunk, root, chunks[submitted], with_text))
                submitted += 1
            entries = _result(in_flight.popleft()) if number < submitted else None
            if entries is None:
                entries = _read_chunk(root, chunk, with_text)
            done += len(entries)
            yield _stored(entries, index, done, total)
    finally:
        if starter is not None:
            starter.join()
        for started in starting:
            started.shutdown(wait=False, cancel_futures=True)


def _result(future: Future[list[Entry]]) -> list[Entry] | None:
    """A worker's files, or None when the pool broke (then this thread reads them instead)."""
    try:
        return future.result()
    except (BrokenProcessPool, OSError, RuntimeError) as error:
        _log.warning("a worker process failed (%s); reading here instead", error)
        return None


def _stored(entries: list[Entry], index: PostIndex | None, done: int, total: int) -> LoadBatch:
    if index is not None:
        index.update_texts(entries)
    return LoadBatch(tuple(result for result, _text in entries), done, total)


def _pool(workers: int) -> Executor:
    # forkserver: forking a process that runs UI and watcher threads can deadlock a child.
    method = "forkserver" if "forkserver" in multiprocessing.get_all_start_methods() else "spawn"
    context = multiprocessing.get_context(method)
    if method == "forkserver":
        context.set_forkserver_preload(["tui.posts", "tui.render"])
    return ProcessPoolExecutor(max_workers=workers, mp_context=context)


def _read_chunk(root: Path, paths: list[Path], with_text: bool) -> list[Entry]:
    """Read some files (in a worker process or here), with their search text when an index wants it."""
    if not with_text:
        return [(read_post(path, root), None) for path in paths]
    entries: list[Entry] = []
    for path in paths:
        result = read_post_text(path, root)
        if isinstance(result, PostText):
            entries.append((result.post, search_text(result.post, result.body)))
        else:
            entries.append((result, None))
    return entries
