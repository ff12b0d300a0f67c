"""Live updates off the screen: watch the folder, read what changed, and hand the results on.

`FolderUpdates` runs a `FolderWatcher`. In the watcher's thread the changed files are read (and stored in
the index, as the loader stores what it reads) and handed to `deliver` as `FolderUpdate`s, a chunk at a
time. The UI's `deliver` wraps each in a message; nothing here knows about the screen.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Iterable, Iterator
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from tui.core.index import Entry, PostIndex, read_entry
from tui.core.loader import load_batches
from tui.core.post import Post, Problem
from tui.core.reading import read_post
from tui.core.sanitize import clean_line

if TYPE_CHECKING:
    from tui.core.watcher import FolderChanges, FolderWatcher

CHUNK = 500
"""Files read per update: a burst of thousands shows up in steps and never holds the UI for long."""
SETTLE = 0.03
"""Seconds of quiet before the watcher reports a batch. Files are reported when closed, so a short wait
still turns a burst into few batches (the watcher reports at most every `watcher.MAX_DELAY` seconds
while events keep coming) and a single new post shows sooner than with the watcher's default."""


@dataclass(frozen=True, slots=True)
class FolderUpdate:
    """Files below the folder that changed while krant runs, as read in the watcher's thread."""

    results: tuple[Post | Problem, ...] = ()
    """Files read again (new, changed, renamed or moved in), as posts or problems."""
    removed: frozenset[str] = frozenset()
    """Files or folders that are gone; a folder stands for everything below it."""
    root_missing: bool = False
    """The folder itself is gone: everything goes, and krant waits for it to come back."""
    present: frozenset[str] | None = None
    """After the whole folder was read again: every file it holds; anything else in the library goes."""
    notice: str | None = None
    """A one-line message for the user (plain text), such as the watcher falling back to polling."""

    def gone_from(self, known: Iterable[str]) -> set[str]:
        """The paths to remove from a library that knows `known` paths: the removed, and with `present`
        (a full read) every known path the folder no longer holds."""
        gone = set(self.removed)
        if self.present is not None:
            gone.update(path for path in known if path not in self.present)
        return gone


class FolderUpdates:
    """Watches a posts folder and delivers what changed in it, read, from the watcher's thread."""

    def __init__(
        self,
        root: Path,
        deliver: Callable[[FolderUpdate], None],
        *,
        poll: bool = False,
        index: PostIndex | None = None,
        log_file: Path | None = None,
    ) -> None:
        """Set up, without starting.

        Args:
            root: the posts folder.
            deliver: called from the watcher's thread with each update, in order; it must not touch a
                screen (post a message instead).
            poll: poll the folder instead of watching it natively.
            index: the search index, if one is kept: changed files are written to it as well.
            log_file: where errors are logged in detail (`error_log`), for the notice that says so.
        """
        self._root = root
        self._deliver = deliver
        self._poll = poll
        self._index = index
        self._log_file = log_file
        self._told_of_error = False
        self._lock = threading.Lock()
        self._watcher: FolderWatcher | None = None
        self._stopped = False

    def start(self) -> None:
        """Start the watcher; call before the first read of the folder (from its thread) so nothing is missed.

        A notice from the watcher (it had to fall back to polling) is delivered as an update of its own.
        """
        with self._lock:
            if self._stopped or self._watcher is not None:
                return
            from tui.core.watcher import FolderWatcher  # watchdog loads here, in the loader's thread

            self._watcher = FolderWatcher(
                self._root, self._on_changes, poll=self._poll, settle=SETTLE, on_error=self._failed
            )
            notice = self._watcher.start()
        if notice:
            self._deliver(FolderUpdate(notice=notice))

    def stop(self) -> None:
        """Stop the watcher and wait for its threads; nothing is delivered after this returns."""
        with self._lock:
            self._stopped = True
            watcher = self._watcher
        if watcher is not None:
            watcher.stop()

    def _failed(self, error: BaseException) -> None:
        """In the watcher's thread: tell the user, once a session, that live updates hit an error."""
        if self._told_of_error or self._stopped:
            return
        self._told_of_error = True
        where = f" The details are in {self._log_file}." if self._log_file is not None else ""
        reason = clean_line(f"{type(error).__name__}: {error}")[:200]
        notice = f"Live updates hit an error ({reason}); krant goes on watching.{where}"
        self._deliver(FolderUpdate(notice=notice))

    def _on_changes(self, changes: FolderChanges) -> None:
        """In the watcher's thread: read what changed and deliver it, a chunk at a time."""
        if changes.rescan:
            self._read_everything(changes.notice)
            return
        removed = frozenset(map(os.fspath, changes.removed))  # as `Post.path` holds them
        if self._index is not None and removed:
            self._index.remove(removed)
        paths = sorted(changes.changed)
        chunks = [paths[start : start + CHUNK] for start in range(0, len(paths), CHUNK)] or [[]]
        for number, chunk in enumerate(chunks):
            if self._stopped:
                return
            first = number == 0
            self._deliver(
                FolderUpdate(
                    self._read(chunk),
                    removed if first else frozenset(),
                    root_missing=changes.root_missing and first,
                    notice=changes.notice if first else None,
                )
            )

    def _read(self, paths: Iterable[Path]) -> tuple[Post | Problem, ...]:
        """Read files (stopping early when krant quits); store them in the search index when there is one."""
        if self._index is None:
            return tuple(read_post(path, self._root) for path in paths if not self._stopped)
        entries: list[Entry] = []
        for path in paths:
            if self._stopped:
                break
            entries.append(read_entry(os.fspath(path), self._root))
        self._index.update_texts(entries)
        return tuple(result for result, _text in entries)

    def _read_everything(self, notice: str | None) -> None:
        """The folder came back, or events were lost: read all of it again, as the first load does."""
        present: set[str] = set()
        batches: Iterator = load_batches(self._root, index=self._index)
        with closing(batches):
            for batch in batches:
                if self._stopped:
                    return
                present.update(result.path for result in batch.results)
                present.difference_update(batch.removed)
                self._deliver(FolderUpdate(batch.results, frozenset(batch.removed)))
        self._deliver(FolderUpdate(present=frozenset(present), notice=notice))
