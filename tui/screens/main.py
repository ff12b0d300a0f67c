"""The main screen: sidebar, article list and (on wide terminals) the article, side by side."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime

from textual import events
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.reactive import Reactive
from textual.screen import Screen
from textual.widget import Widget

from tui.library import ALL, Library
from tui.posts import Post
from tui.unread import UnreadCounts
from tui.widgets.article_list import ArticleList
from tui.widgets.article_view import ArticleView
from tui.widgets.header import Header
from tui.widgets.key_footer import KeyFooter
from tui.widgets.problem_list import ProblemList
from tui.widgets.search_bar import SearchBar
from tui.widgets.sidebar import EntryKind, Sidebar, SidebarEntry

WIDE_COLUMNS = 120
"""From this width on, the article is shown beside the list instead of on a screen of its own."""


def sidebar_entries(library: Library, unread: UnreadCounts | None = None) -> list[SidebarEntry]:
    """All, each category with its count (and unread count), and Problems if any file is unreadable."""
    if unread is None:
        entries = [SidebarEntry(EntryKind.ALL, ALL, len(library))]
        entries += [SidebarEntry(EntryKind.CATEGORY, name, count) for name, count in library.categories()]
    else:
        entries = [SidebarEntry(EntryKind.ALL, ALL, len(library), unread.total)]
        entries += [
            SidebarEntry(EntryKind.CATEGORY, name, count, unread.in_category(name))
            for name, count in library.categories()
        ]
    if library.problems:
        entries.append(SidebarEntry(EntryKind.PROBLEMS, "Problems", len(library.problems)))
    return entries


class MainScreen(Screen[None]):
    """Shows the library; it is told what to show and never reads files itself."""

    focused: Reactive[Widget | None] = Reactive(None, repaint=False)
    """As Screen's, without its repaint of the whole screen: the widgets that gain and lose focus (and
    containers whose look depends on it) redraw themselves. Opening a post moves the focus."""

    class Ready(Message):
        """The panes exist; the app may start filling them."""

    def __init__(self, clock: Callable[[], datetime], unread: UnreadCounts | None = None) -> None:
        super().__init__()
        self._clock = clock
        self.unread = unread
        """Read state: unread counts in the sidebar, unread rows marked. None: no read state."""
        self.only_unread = False
        """Whether the list shows only unread posts (and those read since the category was shown)."""
        self.folder_missing = False
        """Set by live updates while the posts folder is gone: the empty list says krant waits for it."""
        self.searching = False
        """While True the list shows search results (see `tui.searching`), which library changes leave be."""

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="panes"):
            yield Sidebar(id="sidebar")
            with Vertical(id="list-pane"):
                yield SearchBar(id="search")
                yield ArticleList(id="articles")
                yield ProblemList(id="problems")
            yield ArticleView(self._clock, id="article")
        yield KeyFooter()

    def on_mount(self) -> None:
        self.problem_list.display = False
        self.search_bar.display = False
        if self.unread is not None:
            self.article_list.is_unread = self.unread.is_unread
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
    def search_bar(self) -> SearchBar:
        return self.query_one(SearchBar)

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
        entries = sidebar_entries(library, self.unread)
        selected = self.sidebar.selected
        if (
            selected is not None
            and selected.kind is EntryKind.CATEGORY
            and all(entry.identity != selected.identity for entry in entries)
        ):
            # The category being read lost its last post: keep it (empty) until the user moves away.
            unread = None if self.unread is None else 0
            entries.append(SidebarEntry(EntryKind.CATEGORY, selected.name, 0, unread))
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
        refilter: bool = False,
    ) -> None:
        """Fill the list pane for a sidebar entry: a category's posts, or the problem files.

        With only unread posts shown, posts already in the list stay while `keep_selection` holds, unless
        `refilter` asks to drop the read ones now. While searching, the results stay.
        """
        if self.searching:
            return
        showing_problems = entry is not None and entry.kind is EntryKind.PROBLEMS
        had_focus = self.focused in (self.article_list, self.problem_list)
        self.problem_list.display = showing_problems
        self.article_list.display = not showing_problems
        if showing_problems:
            self.problem_list.set_problems(library.problems)
        else:
            name = entry.name if entry is not None else ALL
            empty_message = (
                f"The folder {folder_name} is gone; krant is waiting for it to come back."
                if self.folder_missing
                else self._empty_message(library, name, loading, folder_name)
            )
            posts = library.view(name)
            if self.only_unread and self.unread is not None:
                posts = self._unread_only(posts, keep_shown=keep_selection and not refilter)
                if library.view(name):
                    where = "" if name == ALL else f" in {name}"
                    empty_message = f"No unread posts{where} (U shows all posts)."
            self.article_list.set_posts(posts, keep_selection=keep_selection, empty_message=empty_message)
        shown = self.problem_list if showing_problems else self.article_list
        if had_focus and self.focused is not shown:  # focus() redraws the whole list even if it has focus
            shown.focus()

    def _unread_only(self, posts: Sequence[Post], *, keep_shown: bool) -> list[Post]:
        """The unread posts; with `keep_shown`, also those already in the list, so a post the user just
        read does not vanish from under the cursor before they go elsewhere."""
        assert self.unread is not None
        is_unread = self.unread.is_unread
        if not keep_shown:
            return [post for post in posts if is_unread(post)]
        shown = {post.path for post in self.article_list.posts}
        return [post for post in posts if is_unread(post) or post.path in shown]

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
