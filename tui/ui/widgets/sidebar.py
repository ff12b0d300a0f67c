"""The sidebar: All, Starred, every category with its count, Problems when some files are unreadable, then
the saved searches under a heading of their own (with their counts), and Muted when rules hide posts."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import Enum
from typing import ClassVar

from rich.cells import cell_len
from rich.segment import Segment
from rich.style import Style

from tui.ui.widgets.article_list import STAR_MARKER, fit
from tui.ui.widgets.cursor_list import CursorList


class EntryKind(Enum):
    ALL = "all"
    STARRED = "starred"
    CATEGORY = "category"
    PROBLEMS = "problems"
    HEADING = "heading"
    """A title above entries (Saved searches): the cursor passes over it."""
    SAVED = "saved"
    MUTED = "muted"


STARRED_NAME = "Starred"


@dataclass(frozen=True, slots=True)
class SidebarEntry:
    """One line of the sidebar. `unread` is filled in by read state; None shows only the total."""

    kind: EntryKind
    name: str
    total: int
    unread: int | None = None
    problem: str | None = None
    """What is wrong with a saved search's query (shown as `!`, its posts none)."""

    @property
    def identity(self) -> tuple[EntryKind, str]:
        return (self.kind, self.name)

    @property
    def count_text(self) -> str:
        if self.kind is EntryKind.HEADING:
            return ""
        if self.problem is not None:
            return "!"
        if self.unread is None:
            return f"{self.total:,}"
        return f"{self.unread:,}/{self.total:,}"


class Sidebar(CursorList):
    """Categories to filter the article list by; moving the cursor selects."""

    COMPONENT_CLASSES: ClassVar[set[str]] = CursorList.COMPONENT_CLASSES | {"sidebar--heading"}
    DEFAULT_CSS = """
    Sidebar > .sidebar--heading { color: $text-muted; text-style: bold; }
    """

    empty_message = "No categories yet."

    def __init__(self, *, name: str | None = None, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self._entries: Sequence[SidebarEntry] = ()

    @property
    def entries(self) -> Sequence[SidebarEntry]:
        return self._entries

    @property
    def row_count(self) -> int:
        return len(self._entries)

    @property
    def selected(self) -> SidebarEntry | None:
        return self._entries[self.cursor] if 0 <= self.cursor < len(self._entries) else None

    def set_entries(self, entries: Sequence[SidebarEntry]) -> None:
        """Show new entries, keeping the selected one selected (by kind and name) if it is still there."""
        previous, old = self.selected, self._entries
        self._entries = entries
        index = self.index_of(previous.identity) if previous is not None else None

        def same(row: int) -> bool:
            return (old[row] if row < len(old) else None) == (entries[row] if row < len(entries) else None)

        self.rows_changed(cursor=index if index is not None else (0 if previous is None else None), same=same)

    def move_cursor(self, index: int) -> None:
        """As `CursorList.move_cursor`, passing over headings (on to the next entry in that direction)."""
        entries = self._entries
        step = 1 if index >= self.cursor else -1
        while 0 <= index < len(entries) and entries[index].kind is EntryKind.HEADING:
            index += step
        if not 0 <= index < len(entries):
            return  # only a heading that way
        super().move_cursor(index)

    def index_of(self, identity: tuple[EntryKind, str]) -> int | None:
        for index, entry in enumerate(self._entries):
            if entry.identity == identity:
                return index
        return None

    def render_row(self, index: int, width: int, style: Style) -> list[Segment]:
        entry = self._entries[index]
        count = entry.count_text
        label = entry.name if entry.kind is not EntryKind.PROBLEMS else f"Problems ({entry.total:,})"
        if entry.kind is EntryKind.STARRED:
            label = f"{STAR_MARKER} {entry.name}"
        if entry.kind is EntryKind.PROBLEMS:
            count = ""
        if entry.kind is EntryKind.HEADING:
            style = self.component_style("sidebar--heading", style)
        room = max(1, width - cell_len(count) - 3)
        return [Segment(" " + fit(label, room) + " ", style), Segment(count + " ", style)]
