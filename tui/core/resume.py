"""Where the reader left off in a folder: its place (entry, post, open article) and where articles were left.

One small JSON file per posts folder in krant's state directory (`<folder>-<hash>.resume.json`), written
atomically. It holds the sidebar entry and the post that were chosen, the article that was open and how far
it was scrolled, how far each article left unfinished was scrolled (the last `MAX_POSITIONS` of them), and
when krant last looked at the folder, so the next start can tell which posts came since. A damaged file
is kept aside and krant starts at the top, with a notice; one that cannot be written is left alone.

Usage from the UI (on its thread; only `save` touches the disk, in a worker thread):

    resume = Resume.open(folder, locations.state_dir)
    if resume.notice: show(resume.notice)
    go_to(resume.place)                          # once the folder is read
    resume.left_at(post.key, scroll_y)           # leaving an article unfinished (0: read, forget it)
    resume.position(post.key)                    # opening it again later
    snapshot = resume.snapshot(place)            # now and then, and on quit: None when nothing changed
    notice = resume.save(snapshot)               # in a thread
"""

from __future__ import annotations

import json
import math
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

from tui.core.locations import folder_slug
from tui.core.sanitize import clean_line
from tui.core.store_files import cannot_write, keep_aside, write_atomically

RESUME_SUFFIX = ".resume.json"
MAX_POSITIONS = 200
"""How many articles left unfinished keep their place (the most recently left)."""
FORMAT_VERSION = 1
_NOTICE_LIMIT = 300


@dataclass(frozen=True, slots=True)
class Place:
    """Where the reader was: the sidebar entry, the selected post and the open article, by `Post.key`."""

    entry: tuple[str, str] | None = None
    """The sidebar entry as (kind, name), the kind's value as the UI names it (`"category"`)."""
    selected: str | None = None
    opened: str | None = None
    opened_scroll: int = 0
    """How far the open article was scrolled (lines)."""


class Snapshot(NamedTuple):
    """The file's text at one moment, numbered in the order taken."""

    number: int
    text: str


def resume_path(folder: Path, state_dir: Path) -> Path:
    return state_dir / f"{folder_slug(folder)}{RESUME_SUFFIX}"


class Resume:
    """The place and positions of one folder, as read at start and kept up to date by the UI."""

    def __init__(self, path: Path, clock: Callable[[], float] = time.time) -> None:
        """Use `Resume.open`; this starts with nothing remembered."""
        self.path = path
        self._clock = clock
        self.place = Place()
        """Where the last session left off (what the file held at start)."""
        self.last_seen: float | None = None
        """When krant last looked at this folder (seconds since the epoch), None the first time."""
        self.notice: str | None = None
        """Why the file could not be used, in one line for the user, or None."""
        self._positions: OrderedDict[str, int] = OrderedDict()
        self._saved: tuple[Place, tuple[tuple[str, int], ...]] | None = None
        self._save_failed = False
        self._snapshots = 0
        self._written = 0
        self._writing = threading.Lock()
        """Saves come from worker threads: a later snapshot is never overwritten by an earlier one."""

    @classmethod
    def open(cls, folder: Path, state_dir: Path, clock: Callable[[], float] = time.time) -> Resume:
        """Read the folder's file (a few kB); never raises: a damaged one is kept aside, with a notice."""
        resume = cls(resume_path(folder, state_dir), clock)
        resume._read()
        return resume

    def _read(self) -> None:
        try:
            raw = self.path.read_bytes()
        except FileNotFoundError:
            return
        except OSError as error:
            self.notice = _notice(
                f"Could not read {self.path} ({error.strerror or error}); starting at the top."
            )
            return
        try:
            data = json.loads(raw.decode("utf-8"))
            if not isinstance(data, dict):
                raise ValueError("not a JSON object")
        except (UnicodeDecodeError, ValueError, RecursionError) as error:
            self.notice = self._kept_aside(str(error) or type(error).__name__)
            return
        if isinstance(data.get("version"), int) and data["version"] > FORMAT_VERSION:
            return  # a newer krant's: not understood, and left for it
        entry = data.get("entry")
        self.place = Place(
            entry=(entry[0], entry[1]) if _is_pair_of(entry, str) else None,
            selected=_text_or_none(data.get("selected")),
            opened=_text_or_none(data.get("opened")),
            opened_scroll=_lines(data.get("opened_scroll")),
        )
        positions = data.get("positions")
        if isinstance(positions, list):
            for item in positions[-MAX_POSITIONS:]:
                if isinstance(item, list) and len(item) == 2 and isinstance(item[0], str) and _lines(item[1]):
                    self._positions[item[0]] = _lines(item[1])
        seen = data.get("last_seen")
        if isinstance(seen, int | float) and not isinstance(seen, bool) and math.isfinite(seen):
            self.last_seen = float(seen)
        self._saved = (self.place, tuple(self._positions.items()))

    def _kept_aside(self, reason: str) -> str:
        try:
            kept = keep_aside(self.path)
        except OSError as error:
            return _notice(
                f"Where you left off could not be read ({reason}), nor moved aside ({error.strerror}); "
                "starting at the top."
            )
        return _notice(
            f"Where you left off could not be read ({reason}); kept as {kept.name}, starting at the top."
        )

    def position(self, key: str) -> int | None:
        """How far an article left unfinished was scrolled, or None (never left, or read to the end)."""
        return self._positions.get(key)

    def left_at(self, key: str, scroll: int) -> None:
        """An article was left scrolled this far; 0 (its top) or `read_to_end` forget it."""
        self._positions.pop(key, None)
        if scroll > 0:
            self._positions[key] = scroll
            while len(self._positions) > MAX_POSITIONS:
                self._positions.popitem(last=False)

    def read_to_end(self, key: str) -> None:
        """The article was read to its end: it opens at the top next time."""
        self._positions.pop(key, None)

    def snapshot(self, place: Place, *, always: bool = False) -> Snapshot | None:
        """The file's text for this place and the positions now, or None when that is what was saved last
        (unless `always`: on quit, to note when krant last looked)."""
        state = (place, tuple(self._positions.items()))
        if state == self._saved and not always:
            return None
        self._saved = state
        self._snapshots += 1
        data = {
            "version": FORMAT_VERSION,
            "entry": list(place.entry) if place.entry is not None else None,
            "selected": place.selected,
            "opened": place.opened,
            "opened_scroll": place.opened_scroll,
            "positions": [list(item) for item in self._positions.items()],
            "last_seen": self._clock(),
        }
        # ASCII only: a key's lone surrogate (from a link in YAML) is written as `\udcxx` and read back.
        return Snapshot(self._snapshots, json.dumps(data, ensure_ascii=True, indent=1) + "\n")

    def save(self, snapshot: Snapshot) -> str | None:
        """Write a `snapshot` (from any thread: it touches only the file), unless a later one is written
        already. A notice the first time it cannot be written (a full disk, a read-only folder), else None."""
        with self._writing:
            if snapshot.number <= self._written:
                return None
            return self._write(snapshot)

    def _write(self, snapshot: Snapshot) -> str | None:
        try:
            write_atomically(self.path, snapshot.text)
        except OSError as error:
            first, self._save_failed = not self._save_failed, True
            if not first:
                return None
            why = "" if cannot_write(error) else " (an error, not a full disk or a read-only folder)"
            return _notice(
                f"Could not save where you left off in {self.path.parent}: {error.strerror or error}{why}."
            )
        self._save_failed = False
        self._written = snapshot.number
        return None


def _is_pair_of(value: object, kind: type) -> bool:
    return isinstance(value, list) and len(value) == 2 and all(isinstance(item, kind) for item in value)


def _text_or_none(value: object) -> str | None:
    return value if isinstance(value, str) else None


def _lines(value: object) -> int:
    """A scroll offset as stored: a non-negative whole number of lines, else 0."""
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        return 0
    return int(max(0, min(value, 10_000_000)))


def _notice(text: str) -> str:
    return clean_line(text, _NOTICE_LIMIT)
