"""The main screen: sidebar, article list and (on wide terminals) the article, side by side."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from textual import events
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Footer, Header

from tui.library import ALL, Library
from tui.widgets.article_list import ArticleList
from tui.widgets.article_view import ArticleView
from tui.widgets.problem_list import ProblemList
from tui.widgets.sidebar import EntryKind, Sidebar, SidebarEntry

WIDE_COLUMNS = 120
"""From this width on, the article is shown beside the list instead of on a screen of its own."""


def sidebar_entries(library: Library) -> list[SidebarEntry]:
    """All, each category with its count, and Problems if any file is unreadable."""
    entries = [SidebarEntry(EntryKind.ALL, ALL, len(library))]
    entries += [SidebarEntry(EntryKind.CATEGORY, name, count) for name, count in library.categories()]
    if library.problems:
        entries.append(SidebarEntry(EntryKind.PROBLEMS, "Problems", len(library.problems)))
    return entries


class MainScreen(Screen[None]):
    """Shows the library; it is told what to show and never reads files itself."""

    class Ready(Message):
        """The panes exist; the app may start filling them."""

    def __init__(self, clock: Callable[[], datetime]) -> None:
        super().__init__()
        self._clock = clock

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="panes"):
            yield Sidebar(id="sidebar")
            with Vertical(id="list-pane"):
                yield ArticleList(id="articles")
                yield ProblemList(id="problems")
            yield ArticleView(self._clock, id="article")
        yield Footer()

    def on_mount(self) -> None:
        self.problem_list.display = False
        self.article_list.focus()
        self._apply_width(self.app.size.width)
        self.post_message(self.Ready())

    def on_resize(self, event: events.Resize) -> None:
        self._apply_width(event.size.width)

    def _apply_width(self, width: int) -> None:
        self.set_class(width >= WIDE_COLUMNS, "-wide")
        self.set_class(width < WIDE_COLUMNS, "-narrow")

    @property
    def wide(self) -> bool:
        return self.has_class("-wide")

    @property
    def sidebar(self) -> Sidebar:
        return self.query_one(Sidebar)

    @property
    def article_list(self) -> ArticleList:
        return self.query_one(ArticleList)

    @property
    def problem_list(self) -> ProblemList:
        return self.query_one(ProblemList)

    @property
    def article_view(self) -> ArticleView:
        return self.query_one("#article", ArticleView)

    def show_library(self, library: Library, *, loading: bool, folder_name: str) -> None:
        """Bring sidebar and list up to date with the library, keeping what is selected."""
        self.refresh_sidebar(library)
        self.show_entry(
            library, self.sidebar.selected, keep_selection=True, loading=loading, folder_name=folder_name
        )

    def refresh_sidebar(self, library: Library) -> None:
        """Recount the sidebar's entries, keeping the selected category even when it has become empty."""
        entries = sidebar_entries(library)
        selected = self.sidebar.selected
        if (
            selected is not None
            and selected.kind is EntryKind.CATEGORY
            and all(entry.identity != selected.identity for entry in entries)
        ):
            # The category being read lost its last post: keep it (empty) until the user moves away.
            entries.append(SidebarEntry(EntryKind.CATEGORY, selected.name, 0))
            entries.sort(
                key=lambda entry: (
                    entry.kind is not EntryKind.ALL,
                    entry.kind is EntryKind.PROBLEMS,
                    entry.name.casefold(),
                )
            )
        self.sidebar.set_entries(entries)

    def show_entry(
        self,
        library: Library,
        entry: SidebarEntry | None,
        *,
        keep_selection: bool,
        loading: bool,
        folder_name: str,
    ) -> None:
        """Fill the list pane for a sidebar entry: a category's posts, or the problem files."""
        showing_problems = entry is not None and entry.kind is EntryKind.PROBLEMS
        had_focus = self.focused in (self.article_list, self.problem_list)
        self.problem_list.display = showing_problems
        self.article_list.display = not showing_problems
        if showing_problems:
            self.problem_list.set_problems(library.problems)
        else:
            name = entry.name if entry is not None else ALL
            self.article_list.set_posts(
                library.view(name),
                keep_selection=keep_selection,
                empty_message=self._empty_message(library, name, loading, folder_name),
            )
        if had_focus:
            (self.problem_list if showing_problems else self.article_list).focus()

    @staticmethod
    def _empty_message(library: Library, name: str, loading: bool, folder_name: str) -> str:
        if loading:
            return "Reading posts…"
        if len(library) == 0:
            problems = f" ({len(library.problems):,} files could not be read: see Problems)"
            return (
                f"No posts in {folder_name} yet{problems if library.problems else ''}. "
                "krant is waiting for posts."
            )
        if name == ALL:
            return "No posts."
        return f"No posts in the category {name}."
