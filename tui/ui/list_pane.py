"""What the list pane shows, held in one place: the main screen keeps a `ListContent` and changes it whole.

The list shows the posts of the sidebar's chosen entry (All, a category, or the problem files), or search
results; only unread posts when asked; and says why it is empty (still reading, the folder gone, nothing
found). Every one of those facts is here, so the screen, search and live updates never disagree on them.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from tui.core.library import ALL
from tui.ui.widgets.sidebar import EntryKind

Entry = tuple[EntryKind, str]
"""A sidebar entry by kind and name (`SidebarEntry.identity`)."""


@dataclass(frozen=True, slots=True)
class ListContent:
    """The facts that decide what the list pane shows."""

    entry: Entry = (EntryKind.ALL, ALL)
    """The sidebar entry whose posts (or problems) are listed."""
    search: str | None = None
    """None: the entry's posts. Text: search is open, showing results for it ('' until something is typed)."""
    only_unread: bool = False
    """Only unread posts (and those read since the entry was chosen) are listed."""
    folder_gone: bool = False
    """The posts folder is gone; krant waits for it to come back."""
    loading: bool = True
    """The first read of the folder is still going on."""

    @property
    def searching(self) -> bool:
        return self.search is not None

    @property
    def shows_problems(self) -> bool:
        return self.entry[0] is EntryKind.PROBLEMS and not self.searching

    def but(self, **changes: object) -> ListContent:
        """This content with some facts changed."""
        return replace(self, **changes)  # type: ignore[arg-type]
