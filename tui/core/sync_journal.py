"""A journal of read marks and stars in a synced folder, so they follow the user from machine to machine.

Any file-sync tool (Syncthing, Dropbox, Nextcloud, rsync, …) can carry it without conflicts: each machine
appends only to its own file, `<sync folder>/<machine id>.jsonl`, and reads everyone's. One line a change:

    {"key": "link:https://…", "read": true, "time": 1733150000.123456, "machine": "3f2a…"}
    {"key": "post:…", "starred": false, "time": 1733150002.5, "machine": "3f2a…"}

Merging is the same on every machine: for each post and kind (read, starred) the change with the greatest
(time, machine) wins, so all machines that have seen the same lines agree whatever order they came in. A
change made here after another machine's is stamped later than it even when this machine's clock is
behind, so the change the user saw and then made always wins. Keys are `Post.key` (the link, or a hash of
title and date), the same on every machine whatever path its posts folder has, so one journal a machine
serves all its folders.

Nothing is lost: a last line without its newline (a file still arriving) is left for later and read once it
is whole; a whole line that is not a change is skipped with one notice (file and line) and read again if
its file is replaced or changes; a file that shrank or was replaced is read again from the start (reading a
change twice changes nothing). When the sync folder is missing or cannot be written, changes are kept in an
outbox in krant's state folder and written to the journal once it can be; the read-marks store never waits
for the sync folder.
"""

from __future__ import annotations

import fcntl
import json
import logging
import math
import os
import re
import stat
import sys
import threading
import time
import uuid
from collections.abc import Callable, Iterable, Iterator, KeysView, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from watchdog.events import (
    FileClosedEvent,
    FileCreatedEvent,
    FileMovedEvent,
    FileSystemEvent,
    FileSystemEventHandler,
)
from watchdog.observers import Observer
from watchdog.observers.api import BaseObserver

from tui.core.sanitize import clean_line
from tui.core.store_files import keep_aside, write_atomically

KINDS = ("read", "starred")
"""What a journal line can say about a post."""
JOURNAL_SUFFIX = ".jsonl"
MACHINE_ID_FILE = "machine-id"
"""In krant's state folder: this machine's id, made once."""
OUTBOX_PREFIX = "sync-outbox-"
"""In krant's state folder: changes not yet written to the sync folder, one file per krant session."""
POLL_SECONDS = 1.0
"""How often the sync folder is looked at for journals that arrived or grew (a `stat` per journal), besides
the look the file system's events (inotify) ask for at once."""
_WAKING_EVENTS: list[type[FileSystemEvent]] = [FileClosedEvent, FileCreatedEvent, FileMovedEvent]
"""A journal written and closed, made, or put in place by a rename (how sync tools deliver a file).
Not openings or reads: each look opens every journal, which must not wake the next look."""
SEED_TIME = 0.0
"""The time of the marks a machine already had when it first met the journal: older than any real change
anywhere, so a post another machine really marked unread stays unread."""
APPLY_CHUNK = 5_000
"""Changes given to the store at a time: its lock is free between them, so a key here never waits for a
first look that brings 100,000 marks."""
MAX_LINE_BYTES = 1 << 20
"""A longer line is not a change (keys are links); it is skipped like any damaged line."""
_NOTICE_LIMIT = 300
_MACHINE_ID = re.compile(r"[0-9a-f]{32}")

log = logging.getLogger(__name__)


class Marks(Protocol):
    """What the journal needs of the read-marks store (`ReadMarks`)."""

    on_change: Callable[[dict[str, bool], dict[str, bool]], None] | None

    def is_read(self, key: str) -> bool: ...
    def is_starred(self, key: str) -> bool: ...
    def read_keys(self) -> frozenset[str]: ...
    def starred_keys(self) -> frozenset[str]: ...
    def apply_remote(self, read: Mapping[str, bool], starred: Mapping[str, bool]) -> None: ...


@dataclass(frozen=True, slots=True)
class Entry:
    """One change of one post: read or unread, or starred or not, at a time, on a machine."""

    key: str
    kind: str
    """"read" or "starred"."""
    value: bool
    time: float
    """Seconds since the epoch (UTC)."""
    machine: str

    @property
    def rank(self) -> tuple[float, str, bool]:
        """The greater rank wins; the value decides only between two changes stamped alike."""
        return (self.time, self.machine, self.value)

    def line(self) -> bytes:
        """The journal line, ASCII only (a lone surrogate in a key survives as `\\udcxx`)."""
        record = {"key": self.key, self.kind: self.value, "time": self.time, "machine": self.machine}
        return (json.dumps(record, ensure_ascii=True) + "\n").encode("ascii")


def parse_entry(line: bytes) -> Entry:
    """The change a journal line holds.

    Raises:
        ValueError: the line is not JSON, or not a change (says what is wrong).
    """
    if len(line) > MAX_LINE_BYTES:
        raise ValueError("the line is too long")
    try:
        record = _decode(line.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError) as error:
        raise ValueError("not JSON") from error
    if type(record) is not dict:
        raise ValueError("not a JSON object")
    key, stamp, machine = record.get("key"), record.get("time"), record.get("machine")
    read, starred = record.get("read"), record.get("starred")
    if type(key) is not str or not key:
        raise ValueError('no "key"')
    if (read is None) == (starred is None) or type(read if starred is None else starred) is not bool:
        raise ValueError('not one of "read" or "starred" with true or false')
    if type(stamp) is not float:
        if type(stamp) is not int:
            raise ValueError('no "time"')
        try:
            stamp = float(stamp)
        except OverflowError as error:
            raise ValueError('"time" is out of range') from error
    if not 0 <= stamp < math.inf:
        raise ValueError('"time" is out of range')
    if type(machine) is not str or not machine:
        raise ValueError('no "machine"')
    machine = sys.intern(machine)  # a handful of machines write 100,000 lines
    if starred is None:
        return Entry(key, "read", read, stamp, machine)
    return Entry(key, "starred", starred, stamp, machine)


_decode = json.JSONDecoder().decode


def machine_id(state_dir: Path) -> tuple[str, str | None]:
    """This machine's id for the journal, made once and kept in `state_dir`; and a notice if it could not be.

    Two krant windows starting at once agree on it (the first one's file is taken, never replaced). A
    damaged file is kept aside and a new id made; one that cannot be saved serves this session only.
    """
    path = state_dir / MACHINE_ID_FILE
    for _attempt in range(3):
        try:
            text = path.read_text(encoding="ascii", errors="replace").strip()
        except FileNotFoundError:
            pass
        except OSError as error:
            return uuid.uuid4().hex, _notice(f"The machine id in {path} cannot be read ({_reason(error)}).")
        else:
            if _MACHINE_ID.fullmatch(text):
                return text, None
            try:
                keep_aside(path)
            except OSError as error:
                return uuid.uuid4().hex, _notice(f"The machine id in {path} is damaged ({_reason(error)}).")
        made = uuid.uuid4().hex
        try:
            _create_once(path, made + "\n")
        except FileExistsError:
            continue  # another window made it first: take theirs
        except OSError as error:
            return made, _notice(
                f"krant could not save its machine id in {state_dir} ({_reason(error)}); "
                "marks made now are journalled under an id for this session."
            )
        return made, None
    return uuid.uuid4().hex, _notice(
        f"The machine id in {path} keeps changing; one for this session is used."
    )


def _create_once(path: Path, text: str) -> None:
    """Write a whole file where none is, atomically; FileExistsError if one is there already."""
    temporary = path.with_name(f".{path.name}-{uuid.uuid4().hex}.tmp")
    write_atomically(temporary, text)
    try:
        os.link(temporary, path)
    except FileExistsError:
        raise
    except OSError:  # a file system without hard links: a rename (a race here only costs a spare journal)
        if path.exists():
            raise FileExistsError(path) from None
        os.replace(temporary, path)
        return
    finally:
        temporary.unlink(missing_ok=True)


@dataclass(slots=True)
class _Followed:
    """How far one journal file has been read."""

    identity: tuple[int, int]
    offset: int = 0
    """Bytes consumed: whole lines only."""
    lines: int = 0
    seen: tuple[int, int] = (0, 0)
    """Size and modification time when last read."""
    damaged: bool = False
    """A line was skipped: any change to the file (a fixed copy arriving) reads it all again."""


@dataclass(slots=True)
class JournalReader:
    """Reads the journals of a sync folder: each time, only what arrived since the last time."""

    folder: Path
    _files: dict[str, _Followed] = field(default_factory=dict)
    _reported: set[tuple[str, int, bytes]] = field(default_factory=set)

    def read_new(self) -> tuple[list[Entry], list[str]]:
        """The changes in whole lines written since the last call, and notices for damaged lines.

        Raises:
            OSError: the folder cannot be listed (missing, not mounted, no permission).
        """
        entries: list[Entry] = []
        notices: list[str] = []
        names = set()
        with os.scandir(self.folder) as listing:
            for item in listing:
                if item.name.startswith(".") or not item.name.endswith(JOURNAL_SUFFIX):
                    continue  # hidden: a sync tool's temporary file
                names.add(item.name)
                try:
                    self._read_file(item.name, entries, notices)
                except OSError as error:
                    log.info("journal %s not read now: %s", item.name, error)
        for gone in self._files.keys() - names:
            del self._files[gone]  # its changes stay merged; a file that comes back is read afresh
        return entries, notices

    def _read_file(self, name: str, entries: list[Entry], notices: list[str]) -> None:
        path = self.folder / name
        with open(path, "rb") as handle:
            info = os.fstat(handle.fileno())
            if not stat.S_ISREG(info.st_mode):
                return
            identity, seen = (info.st_dev, info.st_ino), (info.st_size, info.st_mtime_ns)
            followed = self._files.get(name)
            if (
                followed is None
                or followed.identity != identity
                or info.st_size < followed.offset
                or (followed.damaged and followed.seen != seen)
            ):
                followed = self._files[name] = _Followed(identity)
            followed.seen = seen
            if info.st_size == followed.offset:
                return
            handle.seek(followed.offset)
            data = handle.read(info.st_size - followed.offset)
        end = data.rfind(b"\n") + 1  # a last line without its newline is still arriving
        for line in data[:end].split(b"\n")[:-1]:
            followed.lines += 1
            if not line.strip():
                continue
            try:
                entries.append(parse_entry(line))
            except ValueError as error:
                followed.damaged = True
                mark = (name, followed.lines, line[:200])
                if mark not in self._reported:
                    self._reported.add(mark)
                    notices.append(
                        _notice(
                            f"Sync journal {name} line {followed.lines} was skipped ({error}); "
                            "it is read again when its file changes."
                        )
                    )
        followed.offset += end


class Merged:
    """The winning change for each post and kind, from every journal line seen."""

    def __init__(self) -> None:
        self._winners: dict[str, dict[str, Entry]] = {kind: {} for kind in KINDS}
        """By kind, then key (one dict a kind: no tuple a post, at 100,000 posts that is 6 MB)."""

    def add(self, entries: Iterable[Entry]) -> dict[tuple[str, str], Entry]:
        """Merge changes in; the ones that won (new winners), by (key, kind)."""
        won: dict[tuple[str, str], Entry] = {}
        winners = self._winners
        for entry in entries:
            of_kind = winners[entry.kind]
            known = of_kind.get(entry.key)
            if known is None or entry.rank > known.rank:
                of_kind[entry.key] = won[entry.key, entry.kind] = entry
        return won

    def winner(self, key: str, kind: str) -> Entry | None:
        return self._winners[kind].get(key)

    def every(self) -> dict[tuple[str, str], Entry]:
        """Every winner, by (key, kind)."""
        return {
            (key, kind): entry for kind, of_kind in self._winners.items() for key, entry in of_kind.items()
        }

    def keys(self, kind: str) -> KeysView[str]:
        """Every post a change of this kind is known for."""
        return self._winners[kind].keys()


@dataclass(frozen=True, slots=True)
class SyncNews:
    """What a look at the sync folder did here, for the UI."""

    read: int = 0
    """Read marks changed here by other machines' (or windows') changes."""
    starred: int = 0
    notices: tuple[str, ...] = ()


class SyncJournal:
    """Keeps one read-marks store in step with the journals of a sync folder.

    `attach` makes the store's local changes go to this machine's journal; `start` runs a thread that
    writes them and, every `POLL_SECONDS`, reads what other machines wrote and applies the winners to the
    store (`Marks.apply_remote`), telling `news` what changed. `stop` writes what is left.
    """

    def __init__(
        self,
        folder: Path,
        state_dir: Path,
        marks: Marks,
        *,
        news: Callable[[SyncNews], None] | None = None,
        clock: Callable[[], float] = time.time,
        poll_seconds: float = POLL_SECONDS,
    ) -> None:
        self.folder = folder
        self._state_dir = state_dir
        self._marks = marks
        self._news = news
        self._clock = clock
        self._poll_seconds = poll_seconds
        self.machine, notice = machine_id(state_dir)
        self.path = folder / f"{self.machine}{JOURNAL_SUFFIX}"
        """This machine's journal: the only file in the sync folder krant writes."""
        self._reader = JournalReader(folder)
        self._merged = Merged()
        self._lock = threading.Lock()
        """Guards `_merged`, `_pending` and `_last_time`; never held while calling into the store."""
        self._pending: list[Entry] = []
        self._last_time = 0.0
        self._outbox = state_dir / f"{OUTBOX_PREFIX}{uuid.uuid4().hex}{JOURNAL_SUFFIX}"
        self._outbox_lock: int | None = None
        self._seeded = False
        self._unfinished = False
        """A round stopped by an error after merging: the next one applies every winner, not just its own."""
        self._trouble: str | None = None
        self._notices: list[str] = [notice] if notice else []
        self._round = threading.Lock()
        self._wake = threading.Event()
        self._stopping = threading.Event()
        self._thread: threading.Thread | None = None
        self._observer: BaseObserver | None = None
        self._watchable = True
        """False once the file system refused a watch (limits, a network mount): polling alone then."""

    # Local changes -------------------------------------------------------------------------

    def attach(self) -> None:
        """From now on, every change made in the store here is journalled."""
        self._marks.on_change = self.record

    def record(self, read: Mapping[str, bool], starred: Mapping[str, bool]) -> None:
        """Journal changes made here (cheap: the thread writes them). The store's `on_change`."""
        with self._lock:
            entries = [
                self._entry_now(key, kind, value)
                for kind, changes in (("read", read), ("starred", starred))
                for key, value in changes.items()
            ]
            self._merged.add(entries)
            self._pending.extend(entries)
        self._wake.set()

    def _entry_now(self, key: str, kind: str, value: bool) -> Entry:
        """A change made now: later than this machine's last one and than the change it replaces."""
        stamp = max(self._clock(), math.nextafter(self._last_time, math.inf))
        known = self._merged.winner(key, kind)
        if known is not None and known.time >= stamp:
            stamp = math.nextafter(known.time, math.inf)
        self._last_time = stamp
        return Entry(key, kind, value, stamp, self.machine)

    # The thread -----------------------------------------------------------------------------

    def start(self) -> None:
        """Start following the sync folder in a thread of its own (first look at once)."""
        self._thread = threading.Thread(target=self._run, name="krant-sync", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        """Stop the thread, then write changes still waiting (to the journal, else to the outbox); changes
        made in the store afterwards are no longer journalled."""
        self._stopping.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout=10)
        self._unwatch()
        if self._marks.on_change == self.record:
            self._marks.on_change = None
        with self._round:
            self._write_pending()
            if self._outbox_lock is not None:
                os.close(self._outbox_lock)
                self._outbox_lock = None

    def _run(self) -> None:
        told = False
        while not self._stopping.is_set():
            self._wake.clear()
            try:
                self._watch()
                news = self.sync_now()
            except Exception as error:  # never silent, never fatal: logged, told once, tried again
                log.exception("sync journal round failed")
                news = SyncNews()
                if not told:
                    told = True
                    news = SyncNews(
                        notices=(_notice(f"Syncing read marks hit an error ({error}); krant goes on."),)
                    )
            if self._news is not None and (news.read or news.starred or news.notices):
                self._news(news)
            self._wake.wait(self._poll_seconds)

    def _watch(self) -> None:
        """Be woken by the file system as soon as a journal arrives or grows; polling stays as a net."""
        if not self.folder.is_dir():
            self._unwatch()  # gone (unmounted): watched again once it is back
            return
        if self._observer is not None or not self._watchable:
            return
        observer = Observer()
        try:
            observer.schedule(_Waker(self._wake), str(self.folder), event_filter=_WAKING_EVENTS)
            observer.start()
        except OSError as error:
            log.info("sync folder %s not watched, polled: %s", self.folder, error)
            self._watchable = False
            return
        self._observer = observer

    def _unwatch(self) -> None:
        observer, self._observer = self._observer, None
        if observer is not None:
            observer.stop()
            observer.join(timeout=10)

    def sync_now(self) -> SyncNews:
        """One round: write what is waiting, read what arrived, apply what won. Thread-safe."""
        with self._round:
            written = self._write_pending()
            try:
                arrived, damaged = self._read_new()
            except OSError as error:
                self._unavailable(error)
                return self._news_of(0, 0)
            if written and self._trouble is not None:
                self._trouble = None
                self._notices.append(_notice(f"The sync folder {self.folder} can be used again."))
            self._notices += damaged
            with self._lock:
                won = self._merged.add(arrived)
                if self._unfinished:  # the last round failed midway: every winner may not be applied
                    won = self._merged.every()
            self._unfinished = True
            read_count, star_count = self._apply(won)
            if not self._seeded:
                self._seed()
                self._seeded = True
                self._write_pending()
            self._unfinished = False
            return self._news_of(read_count, star_count)

    def _read_new(self) -> tuple[list[Entry], list[str]]:
        try:
            return self._reader.read_new()
        except FileNotFoundError:
            if not self.folder.parent.is_dir():
                raise  # a sync folder not mounted or not set up yet: not made here
            self.folder.mkdir(exist_ok=True)
            return self._reader.read_new()

    def _news_of(self, read: int, starred: int) -> SyncNews:
        notices, self._notices = tuple(self._notices), []
        return SyncNews(read, starred, notices)

    def _apply(self, won: Mapping[tuple[str, str], Entry]) -> tuple[int, int]:
        """Give the store the winners it does not hold yet; how many read marks and stars changed.

        A change made here while this ran (its winner now differs from what was applied) is put back.
        """
        marks = self._marks
        read = {key: entry.value for (key, kind), entry in won.items() if kind == "read"}
        starred = {key: entry.value for (key, kind), entry in won.items() if kind == "starred"}
        read = {key: value for key, value in read.items() if marks.is_read(key) != value}
        starred = {key: value for key, value in starred.items() if marks.is_starred(key) != value}
        if not read and not starred:
            return 0, 0
        for read_part, starred_part in _chunks(read, starred):
            marks.apply_remote(read_part, starred_part)
        with self._lock:
            fix_read = {
                key: winner.value
                for key, value in read.items()
                if (winner := self._merged.winner(key, "read")) is not None and winner.value != value
            }
            fix_starred = {
                key: winner.value
                for key, value in starred.items()
                if (winner := self._merged.winner(key, "starred")) is not None and winner.value != value
            }
        if fix_read or fix_starred:
            marks.apply_remote(fix_read, fix_starred)
        return len(read) - len(fix_read), len(starred) - len(fix_starred)

    def _seed(self) -> None:
        """Journal the marks and stars this store holds that no journal mentions (first use, or made
        while syncing was off), as old as can be (`SEED_TIME`): any real change elsewhere wins over them."""
        read_keys, starred_keys = self._marks.read_keys(), self._marks.starred_keys()  # not under our lock
        with self._lock:
            known_read = self._merged.keys("read")
            known_starred = self._merged.keys("starred")
            seeds = [
                Entry(key, "read", True, SEED_TIME, self.machine)
                for key in read_keys
                if key not in known_read
            ] + [
                Entry(key, "starred", True, SEED_TIME, self.machine)
                for key in starred_keys
                if key not in known_starred
            ]
            self._merged.add(seeds)
            self._pending.extend(seeds)

    # Writing ----------------------------------------------------------------------------------

    def _write_pending(self) -> bool:
        """Append waiting changes (the outboxes' first) to this machine's journal, else to the outbox;
        whether all could be written."""
        with self._lock:
            entries, self._pending = self._pending, []
        data = b"".join(entry.line() for entry in entries)
        try:
            self._send_outboxes()
            if data:
                _append(self.path, data, create_folder=True)
        except OSError as error:
            self._unavailable(error)
            if data:
                self._keep_in_outbox(data, entries)
            return False
        return True

    def _send_outboxes(self) -> None:
        """Write every outbox of this machine to the journal: this session's, and those of sessions that
        ended (each session holds a lock on its own, so a live one's is never taken)."""
        try:
            outboxes = sorted(self._state_dir.glob(f"{OUTBOX_PREFIX}*{JOURNAL_SUFFIX}"))
        except OSError:
            return
        for outbox in outboxes:
            own = outbox == self._outbox
            try:
                handle = os.open(outbox, os.O_RDWR)
            except FileNotFoundError:
                continue
            try:
                if not own:
                    try:
                        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    except BlockingIOError:
                        continue  # its session is still running and sends it itself
                data = _read_all(handle)
                if data:
                    _append(self.path, data, create_folder=True)
                if own:
                    os.ftruncate(handle, 0)
                else:
                    outbox.unlink(missing_ok=True)
            finally:
                os.close(handle)

    def _keep_in_outbox(self, data: bytes, entries: list[Entry]) -> None:
        try:
            if self._outbox_lock is None:
                self._outbox_lock = self._open_outbox()
            _write_all(self._outbox_lock, data)
            os.fsync(self._outbox_lock)
        except OSError as error:  # the state folder too: keep them in memory and try both again later
            log.warning("sync outbox %s not written: %s", self._outbox, error)
            with self._lock:
                self._pending[:0] = entries

    def _open_outbox(self) -> int:
        """Make this session's outbox, locked before it gets its name (so no other session takes it)."""
        self._state_dir.mkdir(parents=True, exist_ok=True)
        hidden = self._outbox.with_name(f".{self._outbox.name}.tmp")
        handle = os.open(hidden, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            os.rename(hidden, self._outbox)
        except OSError:
            os.close(handle)
            hidden.unlink(missing_ok=True)
            raise
        return handle

    def _unavailable(self, error: OSError) -> None:
        """Tell the user once that the sync folder cannot be used now (it is tried again each round)."""
        reason = _reason(error)
        if self._trouble == reason:
            return
        self._trouble = reason
        self._notices.append(
            _notice(
                f"The sync folder {self.folder} cannot be used ({reason}); marks are kept here "
                "and synced once it can."
            )
        )


class _Waker(FileSystemEventHandler):
    """Wakes the journal's thread for any event of a journal file (watchdog's thread)."""

    def __init__(self, wake: threading.Event) -> None:
        self._wake = wake

    def on_any_event(self, event: FileSystemEvent) -> None:
        paths = (event.src_path, event.dest_path)
        if any(os.fsdecode(path).endswith(JOURNAL_SUFFIX) for path in paths if path):
            self._wake.set()


def _chunks(
    read: dict[str, bool], starred: dict[str, bool]
) -> Iterator[tuple[dict[str, bool], dict[str, bool]]]:
    """Read marks and stars, `APPLY_CHUNK` at a time."""
    for changes, kind in ((read, "read"), (starred, "starred")):
        items = list(changes.items())
        for start in range(0, len(items), APPLY_CHUNK):
            part = dict(items[start : start + APPLY_CHUNK])
            yield (part, {}) if kind == "read" else ({}, part)


def _append(path: Path, data: bytes, *, create_folder: bool = False) -> None:
    """Append whole lines to a journal in one go (O_APPEND), flushed to disk.

    A journal whose last line was cut short (a crash mid-write) gets its newline first, so the cut line
    stays one damaged line rather than spoiling the next one too.
    """
    if create_folder and not path.parent.is_dir():
        # Only the last folder is made: a missing parent is a sync folder not mounted or not set up yet.
        path.parent.mkdir(exist_ok=True)
    handle = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
    try:
        size = os.fstat(handle).st_size
        if size and _last_byte(path) != b"\n":
            data = b"\n" + data
        _write_all(handle, data)
        os.fsync(handle)
    finally:
        os.close(handle)


def _last_byte(path: Path) -> bytes:
    with open(path, "rb") as handle:
        handle.seek(-1, os.SEEK_END)
        return handle.read(1)


def _write_all(handle: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(handle, view) :]


def _read_all(handle: int) -> bytes:
    chunks = []
    os.lseek(handle, 0, os.SEEK_SET)
    while chunk := os.read(handle, 1 << 20):
        chunks.append(chunk)
    return b"".join(chunks)


def _reason(error: OSError) -> str:
    return error.strerror or str(error)


def _notice(text: str) -> str:
    return clean_line(text, _NOTICE_LIMIT)
