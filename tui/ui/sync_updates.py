"""Read marks and stars from other machines, in the app: the sync journal's thread and what its news shows.

The journal (`tui.core.sync_journal`) runs in a thread of its own: it writes the marks made here to this
machine's journal in the sync folder, and applies other machines' winning changes to the read-marks store
itself. What it did reaches the UI as a `MarksSynced` message; `received` brings the unread counts up to
date from the store and says whether the screen must be drawn again.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from tui.core.read_marks import ReadMarks
from tui.core.sync_journal import SyncJournal, SyncNews
from tui.core.unread import UnreadCounts


class SyncUpdates:
    """Keeps `marks` in step with the journals in `folder` while the app runs; `deliver` gets the news
    (from the journal's thread: it must only post a message)."""

    def __init__(
        self, folder: Path, state_dir: Path, marks: ReadMarks, deliver: Callable[[SyncNews], None]
    ) -> None:
        self.journal = SyncJournal(folder, state_dir, marks, news=deliver)

    def start(self) -> None:
        """Journal every change made here from now on, and follow the sync folder."""
        self.journal.attach()
        self.journal.start()

    def stop(self) -> None:
        """Stop following; the changes still waiting are written (or kept in the outbox)."""
        self.journal.stop()

    @staticmethod
    def received(news: SyncNews, unread: UnreadCounts) -> bool:
        """News from the journal's thread: count what changed; whether marks or stars here changed."""
        if news.read:
            unread.refresh()
        return bool(news.read or news.starred)
