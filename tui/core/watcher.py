"""Watch a posts folder for as long as krant runs, and report what changed in small coalesced batches.

The watcher never touches the screen. It calls `on_changes` from a thread of its own, where
`tui.core.updates.FolderUpdates` reads the changed files and hands the results on.

Native watching (inotify on Linux) is used where it can be; where it cannot (the inotify watch limit is
reached, or the file system does not support it) the watcher says so once and polls instead.
"""

from __future__ import annotations

import errno
import logging
import os
import stat
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from watchdog.events import (
    DirCreatedEvent,
    DirDeletedEvent,
    DirMovedEvent,
    FileAttribEvent,
    FileClosedEvent,
    FileCreatedEvent,
    FileDeletedEvent,
    FileModifiedEvent,
    FileMovedEvent,
    FileSystemEvent,
    FileSystemEventHandler,
    FileSystemMovedEvent,
)
from watchdog.observers.api import BaseObserver
from watchdog.observers.polling import PollingObserver

from tui.core.folder import find_post_files, is_candidate_path, is_post_folder

logger = logging.getLogger(__name__)

MAX_RESCANS_AFTER_ERRORS = 3
"""After a batch whose callback failed the whole folder is read again, so none of its changes is lost;
only this many times a session, as an error that always comes back would read it again and again."""
MAX_RESTARTS = 20
"""A watcher whose own loop failed this often in a session stops; the user was told at the first."""

SETTLE = 0.05
"""Seconds of quiet after the last event before a batch is reported: a burst becomes one batch."""
MAX_DELAY = 0.25
"""A batch is reported at most this long after its first event, even while events keep coming."""
UNCLOSED_AFTER = 1.0
"""A file written to but never closed (a writer that keeps it open) is read after this many quiet seconds."""

_EVENTS: list[type[FileSystemEvent]] = [
    FileClosedEvent,
    FileModifiedEvent,
    FileCreatedEvent,
    FileAttribEvent,
    FileDeletedEvent,
    FileMovedEvent,
    DirCreatedEvent,
    DirDeletedEvent,
    DirMovedEvent,
]
"""Only these reach the watcher; leaving out opens and reads keeps krant's own reading from waking it."""

_LIMIT_ERRNOS = frozenset({errno.ENOSPC, errno.EMFILE})

OnLimit = Callable[[OSError], None]
OnOverflow = Callable[[], None]


@dataclass(frozen=True, slots=True)
class FolderChanges:
    """One batch of changes below the watched folder. Apply `removed` first, then read `changed`.

    Paths are the watcher's root joined with the path below it, the form `find_post_files(root)` gives;
    as text (`os.fspath`) they are what `Post.path` holds, and `Library.get` takes either. A path is
    never in both sets; a folder in `removed` may hold files that are in `changed` (it was removed and
    created again).
    """

    changed: frozenset[Path] = frozenset()
    """Candidate post files to (re)read: written and closed, renamed or moved in, or found in a new folder."""
    removed: frozenset[Path] = frozenset()
    """Files or folders that are gone; a folder stands for everything below it, as in `Library.remove`."""
    root_missing: bool = False
    """The folder itself is gone (deleted or moved away); `removed` holds the root, so every post goes.
    The watcher polls for it and sends a `rescan` batch when it is back."""
    rescan: bool = False
    """Read the whole folder again: it came back, was replaced, or events were lost. No paths are given."""
    notice: str | None = None
    """A one-line message for the user, such as the watcher falling back to polling. Plain text, no markup."""


class FolderWatcher:
    """Watches a posts folder recursively and calls `on_changes` with coalesced batches from its own thread.

    Batches come one at a time, in order, never at the same time. The callback may read files and post
    Messages, but must not touch widgets; while it runs, new events are gathered for the next batch.
    Start the watcher before the initial load so that nothing changed during the load is missed.
    """

    def __init__(
        self,
        root: Path,
        on_changes: Callable[[FolderChanges], None],
        *,
        poll: bool = False,
        settle: float = SETTLE,
        poll_interval: float = 1.0,
        max_delay: float = MAX_DELAY,
        unclosed_after: float = UNCLOSED_AFTER,
        on_error: Callable[[BaseException], None] | None = None,
    ) -> None:
        """Set up, without starting.

        Args:
            root: the posts folder, in the same form the app's Library uses.
            on_changes: called from the watcher's thread with each batch.
            poll: poll instead of using native watching.
            settle: report a batch once no event came for this many seconds.
            poll_interval: seconds between polls when polling, and between checks that the folder is
                still there (and, when it is gone, for its return).
            max_delay: report a batch at most this many seconds after its first event.
            unclosed_after: read a file that was written but not closed after this many quiet seconds.
            on_error: called from the watcher's thread with an error that would otherwise only be logged
                (a failing `on_changes`, a bug here), so the user can be told.
        """
        self.root = Path(root)
        self.mode = "polling" if poll else "native"
        """How the folder is watched: "native" or "polling"."""
        self._on_changes = on_changes
        self._on_error = on_error
        self._failed_batches = 0
        self._poll = poll
        self._settle = settle
        self._poll_interval = poll_interval
        self._max_delay = max_delay
        self._unclosed_after = unclosed_after

        self._cond = threading.Condition()
        self._thread: threading.Thread | None = None
        self._observer: BaseObserver | None = None
        self._watch_path = ""
        self._identity: tuple[int, int] | None = None
        self._reports_closes = False
        self._missing = False
        self._stopping = False

        # The batch being gathered, guarded by _cond.
        self._changed: dict[Path, None] = {}
        self._removed: set[Path] = set()
        self._scan: set[Path] = set()
        self._unclosed: dict[Path, float] = {}
        self._rescan = False
        self._root_missing = False
        self._notice: str | None = None
        self._first: float | None = None
        self._last = 0.0

        # Paths and folders that could not be checked (no permission to look): looked at again at each
        # check of the root, never taken for removed. Only the watcher's thread uses them.
        self._uncheckable: set[Path] = set()
        self._unlistable: set[Path] = set()

        # Signals from watchdog's threads for the watcher's thread, guarded by _cond.
        self._limit_error: OSError | None = None
        self._check_root = False

    # Starting and stopping ----------------------------------------------------------------

    def start(self) -> str | None:
        """Start watching. Returns a one-line notice when native watching failed and it polls instead.

        If the folder does not exist, the first batch says `root_missing` and a `rescan` follows once
        it appears.
        """
        if self._thread is not None:
            raise RuntimeError("the watcher was already started")
        notice: str | None = None
        try:
            notice = self._launch()
        except OSError:
            self._went_missing()
        self._thread = threading.Thread(target=self._run, name=f"krant-watch {self.root.name}", daemon=True)
        self._thread.start()
        return notice

    def stop(self) -> None:
        """Stop watching and join every thread. No callback runs after this returns; safe to call twice.

        Called from inside the callback, it cannot wait for that callback to end, but no further one starts.
        """
        with self._cond:
            self._stopping = True
            self._cond.notify_all()
        thread = self._thread
        if thread is not None and thread is not threading.current_thread():
            thread.join()
        observer, self._observer = self._observer, None
        if observer is not None:
            _shut_down(observer)

    # Observers -----------------------------------------------------------------------------

    def _launch(self) -> str | None:
        """Start an observer on the root, natively where possible; returns a notice if it had to poll.

        Raises:
            OSError: the root is missing or cannot be watched at all.
        """
        self._identity = _identity(self.root)
        self._watch_path = os.path.realpath(self.root)
        notice = None
        if not self._poll:
            try:
                observer, self._reports_closes = native_observer(self._native_limit, self._native_overflow)
                self._observer = self._schedule(observer)
                self.mode = "native"
                return None
            except OSError as error:
                if not self.root.is_dir():
                    raise
                notice = _fallback_notice(error, self._poll_interval)
                self._poll = True
        self._reports_closes = False
        self._observer = self._schedule(PollingObserver(timeout=self._poll_interval))
        self.mode = "polling"
        return notice

    def _schedule(self, observer: BaseObserver) -> BaseObserver:
        """Watch the root with this observer and start it; on failure shut it down and raise."""
        with self._cond:
            self._limit_error = None
        try:
            observer.schedule(_Handler(self), self._watch_path, recursive=True, event_filter=_EVENTS)
            observer.start()
            with self._cond:
                limit_error, self._limit_error = self._limit_error, None
            if limit_error is not None:
                raise limit_error
        except BaseException:
            _shut_down(observer)
            raise
        return observer

    def _native_limit(self, error: OSError) -> None:
        """A watch could not be added (watchdog skips such a subfolder silently): switch to polling."""
        with self._cond:
            self._limit_error = error
            self._cond.notify_all()

    def _native_overflow(self) -> None:
        """The kernel dropped events: read everything again."""
        with self._cond:
            self._queue_rescan(time.monotonic())
            self._cond.notify_all()

    # Events (called from watchdog's thread) ------------------------------------------------

    def _on_event(self, event: FileSystemEvent) -> None:
        src = self._local(event.src_path)
        dest = self._local(event.dest_path) if isinstance(event, FileSystemMovedEvent) else None
        # A link has no write to wait for; stat it here, not under the lock.
        is_link = isinstance(event, FileCreatedEvent) and src is not None and _is_link(src)
        now = time.monotonic()
        with self._cond:
            if self._stopping:
                return
            if isinstance(event, DirDeletedEvent) and src == self.root:
                self._check_root = True
            elif event.is_directory:
                if src is not None and isinstance(event, DirDeletedEvent | DirMovedEvent):
                    self._note_removed(src, now, folder=True)
                if isinstance(event, DirCreatedEvent) and src is not None:
                    self._note_scan(src, now)
                elif dest is not None:
                    self._note_scan(dest, now)
            elif isinstance(event, FileModifiedEvent) and self._reports_closes:
                # Still being written: wait for the close (or for the writer to go quiet).
                if src is not None and is_candidate_path(src, self.root):
                    self._unclosed[src] = now
            elif isinstance(event, FileCreatedEvent) and self._reports_closes and not is_link:
                pass  # a close follows; reading now would find a file still being written
            elif isinstance(event, FileDeletedEvent | FileMovedEvent):
                if src is not None:
                    self._note_removed(src, now, folder=False)
                if dest is not None:
                    self._note_changed(dest, now)
            elif src is not None:
                self._note_changed(src, now)
            self._cond.notify_all()

    def _local(self, raw: bytes | str) -> Path | None:
        """An event's path in the root's own form, or None when it is empty or outside the root."""
        path = os.fsdecode(raw)
        if path == self._watch_path:
            return self.root
        prefix = self._watch_path.rstrip(os.sep) + os.sep
        return self.root / path[len(prefix) :] if path.startswith(prefix) else None

    # The batch being gathered (under the lock) ---------------------------------------------

    def _touch(self, now: float) -> None:
        if self._first is None:
            self._first = now
        self._last = now

    def _note_changed(self, path: Path, now: float) -> None:
        if not is_candidate_path(path, self.root):
            return
        self._removed.discard(path)
        self._unclosed.pop(path, None)
        self._changed[path] = None
        self._touch(now)

    def _note_removed(self, path: Path, now: float, *, folder: bool) -> None:
        if not (is_post_folder(path, self.root) if folder else is_candidate_path(path, self.root)):
            return
        if folder:
            self._changed = {known: None for known in self._changed if not _is_within(known, path)}
            self._unclosed = {
                known: at for known, at in self._unclosed.items() if not _is_within(known, path)
            }
            self._scan = {known for known in self._scan if not _is_within(known, path)}
        else:
            self._changed.pop(path, None)
            self._unclosed.pop(path, None)
        self._removed.add(path)
        self._touch(now)

    def _note_scan(self, folder: Path, now: float) -> None:
        """A new folder: files may have been written in it before its watch was added, so look inside."""
        if is_post_folder(folder, self.root):
            self._scan.add(folder)
            self._touch(now)

    def _queue_rescan(self, now: float) -> None:
        """Everything will be read again, so the paths gathered so far no longer matter."""
        self._clear_paths()
        self._root_missing = False
        self._rescan = True
        self._touch(now)

    def _queue_root_missing(self, now: float) -> None:
        self._clear_paths()
        self._rescan = False
        self._root_missing = True
        self._touch(now)

    def _clear_paths(self) -> None:
        self._changed, self._removed, self._scan, self._unclosed = {}, set(), set(), {}

    def _promote_unclosed(self, now: float) -> None:
        """Files written to and left open, but quiet for long enough, are read as they are."""
        for path, at in list(self._unclosed.items()):
            if now - at >= self._unclosed_after:
                self._note_changed(path, now)

    # The watcher's thread ------------------------------------------------------------------

    def _run(self) -> None:
        """`_watch` until stopped; an error in it is logged and reported, and watching starts again."""
        failures = 0
        while True:
            try:
                self._watch()
                return
            except Exception as error:
                failures += 1
                logger.exception("the folder watcher failed (%d times)", failures)
                self._report(error)
                with self._cond:
                    if self._stopping or failures >= MAX_RESTARTS:
                        return
                    self._cond.wait(self._poll_interval)  # not at once: the same error would follow

    def _watch(self) -> None:
        """Wait for events, report batches when they settle, and keep an eye on the root."""
        next_check = time.monotonic() + self._poll_interval
        while True:
            with self._cond:
                batch: _Batch | None = None
                while True:
                    if self._stopping:
                        return
                    now = time.monotonic()
                    self._promote_unclosed(now)
                    if self._limit_error is not None or self._check_root or now >= next_check:
                        break
                    wake = next_check
                    if self._first is not None:
                        due = min(self._last + self._settle, self._first + self._max_delay)
                        if now >= due:
                            batch = self._take_batch()
                            break
                        wake = min(wake, due)
                    if self._unclosed:
                        wake = min(wake, min(self._unclosed.values()) + self._unclosed_after)
                    self._cond.wait(max(0.0, wake - now))
            if batch is not None:
                self._deliver(batch)
            else:
                next_check = time.monotonic() + self._poll_interval
                self._check()

    def _take_batch(self) -> _Batch:
        batch = _Batch(
            changed=list(self._changed),
            removed=self._removed,
            scan=self._scan,
            rescan=self._rescan,
            root_missing=self._root_missing,
            notice=self._notice,
            ordered=self._reports_closes,
        )
        self._changed, self._removed, self._scan = {}, set(), set()
        self._rescan = self._root_missing = False
        self._notice = None
        self._first = None
        return batch

    def _deliver(self, batch: _Batch) -> None:
        """Look inside new folders, drop files already gone again, and call back (outside the lock)."""
        changed = set(batch.changed)
        removed = set(batch.removed)
        scan = set(batch.scan)
        if not batch.ordered:
            # One poll's differences come grouped by kind, not in order (and a reused inode can look
            # like a move), so what is on disk now decides whether a path was removed or made again.
            for path in removed:
                if os.path.isdir(path):
                    scan.add(path)
                elif os.path.isfile(path) and is_candidate_path(path, self.root):
                    changed.add(path)
        for folder in scan:
            listable = _listable(folder)
            if listable is None:
                self._unlistable.add(folder)
            elif listable:
                changed.update(path for path in find_post_files(folder) if is_candidate_path(path, self.root))
        for path in list(changed | removed):
            there = _exists(path)
            if there is None:  # cannot tell now (no permission to look): neither changed nor removed
                self._uncheckable.add(path)
                changed.discard(path)
                removed.discard(path)
            elif not there and path in changed:
                changed.discard(path)
                removed.add(path)
        if batch.root_missing:
            removed = {self.root}
            changed.clear()
        changes = FolderChanges(
            changed=frozenset(changed),
            removed=frozenset(removed - changed),
            root_missing=batch.root_missing,
            rescan=batch.rescan,
            notice=batch.notice,
        )
        if not (
            changes.changed or changes.removed or changes.root_missing or changes.rescan or changes.notice
        ):
            return
        with self._cond:
            if self._stopping:
                return
        try:
            self._on_changes(changes)
        except Exception as error:  # a failing callback must not end live updates
            logger.exception("the folder watcher's callback failed")
            self._report(error)
            self._failed_batches += 1
            if self._failed_batches <= MAX_RESCANS_AFTER_ERRORS:  # what the batch held is not lost
                with self._cond:
                    self._queue_rescan(time.monotonic())

    def _report(self, error: BaseException) -> None:
        if self._on_error is not None:
            try:
                self._on_error(error)
            except Exception:
                logger.exception("reporting an error of the folder watcher failed")

    def _check(self) -> None:
        """Switch to polling after a watch limit, and notice the root going, coming back or being replaced."""
        with self._cond:
            limit_error, self._limit_error = self._limit_error, None
            self._check_root = False
        try:
            identity: tuple[int, int] | None = _identity(self.root)
        except OSError:
            identity = None
        self._check_again()
        if limit_error is None and self._observer is not None and identity == self._identity:
            return
        observer, self._observer = self._observer, None
        if observer is not None:
            _shut_down(observer)
        if limit_error is not None:
            self._poll = True
        try:
            if identity is None:
                raise FileNotFoundError(errno.ENOENT, "the folder is gone", str(self.root))
            notice = self._launch()
        except OSError:
            self._went_missing()
            return
        if limit_error is not None:
            notice = _fallback_notice(limit_error, self._poll_interval)
        self._missing = False
        with self._cond:
            self._queue_rescan(time.monotonic())
            self._notice = notice or self._notice

    def _check_again(self) -> None:
        """Put the paths and folders that could not be checked before into the next batch."""
        if not (self._uncheckable or self._unlistable):
            return
        paths, self._uncheckable = self._uncheckable, set()
        folders, self._unlistable = self._unlistable, set()
        now = time.monotonic()
        with self._cond:
            for path in paths:
                self._note_changed(path, now)
            for folder in folders:
                self._note_scan(folder, now)

    def _went_missing(self) -> None:
        """Report the root gone, once, until it is back."""
        if not self._missing:
            self._missing = True
            with self._cond:
                self._queue_root_missing(time.monotonic())


@dataclass(slots=True)
class _Batch:
    changed: list[Path]
    removed: set[Path]
    scan: set[Path]
    rescan: bool
    root_missing: bool
    notice: str | None
    ordered: bool
    """Whether the events came in the order things happened (inotify), not as one poll's difference."""


class _Handler(FileSystemEventHandler):
    """Hands watchdog's events to the watcher."""

    def __init__(self, watcher: FolderWatcher) -> None:
        self._watcher = watcher

    def on_any_event(self, event: FileSystemEvent) -> None:
        self._watcher._on_event(event)


if sys.platform.startswith("linux"):
    from watchdog.observers.inotify import InotifyFullEmitter
    from watchdog.observers.inotify_c import (
        CallbackId,
        InotifyEvent,
        InotifyFD,
        Mask,
        WatchCallback,
        WatchDescriptor,
    )

    class _ReportingInotifyFD(InotifyFD):
        """An inotify instance that reports what watchdog handles quietly: a watch limit, lost events."""

        def __init__(self, on_limit: OnLimit, on_overflow: OnOverflow) -> None:
            super().__init__()
            self._on_limit = on_limit
            self._on_overflow = on_overflow

        def add_callback(
            self, path: bytes, mask: Mask, callback: WatchCallback, id_: CallbackId
        ) -> WatchDescriptor:
            try:
                return super().add_callback(path, mask, callback, id_)
            except OSError as error:
                if error.errno in _LIMIT_ERRNOS:
                    self._on_limit(error)
                raise

        def handle_event(self, event: InotifyEvent) -> None:
            super().handle_event(event)
            if event.is_queue_overflow:
                self._on_overflow()

    class InotifyObserver(BaseObserver):
        """watchdog's inotify observer, with unpaired moves reported as moves and limits reported."""

        def __init__(self, on_limit: OnLimit, on_overflow: OnOverflow) -> None:
            self._fd = _ReportingInotifyFD(on_limit, on_overflow)
            self._fd.start()
            # Full events: a file moved in from outside is a move with no source, not a bare create.
            super().__init__(InotifyFullEmitter, inotify_fd=self._fd)

        def on_thread_stop(self) -> None:
            super().on_thread_stop()
            self._fd.stop()
            self._fd.join()


def native_observer(on_limit: OnLimit, on_overflow: OnOverflow) -> tuple[BaseObserver, bool]:
    """The platform's native observer, and whether it reports files being closed after writing.

    Raises:
        OSError: native watching is not possible (such as the inotify instance limit).
    """
    if sys.platform.startswith("linux"):
        return InotifyObserver(on_limit, on_overflow), True
    from watchdog.observers import Observer

    return Observer(), False


def _shut_down(observer: BaseObserver) -> None:
    """Stop an observer and join its threads, whether or not it got as far as starting."""
    observer.stop()
    if observer.is_alive():
        observer.join()


def _fallback_notice(error: OSError, interval: float) -> str:
    if error.errno == errno.ENOSPC:
        reason = "the system's inotify watch limit is reached (fs.inotify.max_user_watches)"
    elif error.errno == errno.EMFILE:
        reason = "too many inotify instances are open (fs.inotify.max_user_instances)"
    else:
        reason = f"native watching is not available here ({error.strerror or error})"
    return f"Live updates poll the folder every {interval:g} s: {reason}."


def _identity(path: Path) -> tuple[int, int]:
    """Which folder a path is now, so a folder deleted and made again (or swapped) is noticed.

    Raises:
        OSError: the path is missing or is not a folder.
    """
    info = os.stat(path)
    if not os.path.isdir(path):
        raise NotADirectoryError(errno.ENOTDIR, "not a folder", str(path))
    return info.st_dev, info.st_ino


def _exists(path: Path) -> bool | None:
    """Whether a path is there; None when that cannot be told (a folder on the way may not be read)."""
    try:
        os.lstat(path)
    except (FileNotFoundError, NotADirectoryError):
        return False
    except OSError:
        return None
    return True


def _listable(folder: Path) -> bool | None:
    """Whether a folder is there to be listed (False: gone, or not a folder); None when it may not be."""
    try:
        with os.scandir(folder):
            return True
    except (FileNotFoundError, NotADirectoryError):
        return False
    except OSError:
        return None


def _is_link(path: Path) -> bool:
    """A symbolic or extra hard link appears complete at once: no write or close follows its creation."""
    try:
        info = os.lstat(path)
    except OSError:
        return False
    return stat.S_ISLNK(info.st_mode) or info.st_nlink > 1


def _is_within(path: Path, folder: Path) -> bool:
    return path == folder or folder in path.parents
