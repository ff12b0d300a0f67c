"""The main screen: sidebar, article list and (on wide terminals) the article, side by side.

It owns what the list pane shows (`content`, a `ListContent`) and the search that can take the pane over
(`search`); it is told when the library changes and never reads files itself.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from datetime import datetime
from typing import ClassVar

from textual import events, on
from textual.app import ComposeResult, SystemCommand
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.markup import escape
from textual.message import Message
from textual.screen import Screen

from tui.core.index import PostIndex
from tui.core.library import ALL, Library
from tui.core.post import Post
from tui.core.query import MarkSnapshot
from tui.core.sanitize import clean_line
from tui.core.saved_searches import SearchesStore
from tui.core.unread import UnreadCounts
from tui.ui.list_pane import Entry, ListContent
from tui.ui.messages import SearchFinished
from tui.ui.saved_views import SavedCounted, SavedViews
from tui.ui.screens.prompt import PromptScreen
from tui.ui.search_mode import SearchMode
from tui.ui.textual_internals import KeyFooter, QuietHeader, focused_without_repaint
from tui.ui.widgets.article_list import ArticleList
from tui.ui.widgets.article_view import ArticleView
from tui.ui.widgets.problem_list import ProblemList
from tui.ui.widgets.search_bar import QueryProblem, SearchBar
from tui.ui.widgets.sidebar import STARRED_NAME, EntryKind, Sidebar, SidebarEntry

WIDE_COLUMNS = 120
FOLD_SIDEBAR_COLUMNS = 60
"""Narrower than this the sidebar folds away, so a title gets the room; `b` brings it back."""
"""From this width on, the article is shown beside the list instead of on a screen of its own."""


def sidebar_entries(library: Library, unread: UnreadCounts) -> list[SidebarEntry]:
    """All, Starred if any post is, each category with its count and unread count, and Problems if any
    file is unreadable."""
    entries = [SidebarEntry(EntryKind.ALL, ALL, len(library), unread.total)]
    if starred := len(unread.starred_posts()):
        entries.append(SidebarEntry(EntryKind.STARRED, STARRED_NAME, starred))
    entries += [
        SidebarEntry(EntryKind.CATEGORY, name, count, unread.in_category(name))
        for name, count in library.categories()
    ]
    if library.problems:
        entries.append(SidebarEntry(EntryKind.PROBLEMS, "Problems", len(library.problems)))
    return entries


NAME_KEYS = "Enter: save    Esc: cancel"
NAME_LIMIT = 80
"""Characters a saved search's name may have: it is a sidebar entry."""


def _name(typed: str | None) -> str | None:
    """A name as typed for a saved search, clean of controls and spaces around it; None if none is left."""
    if typed is None:
        return None
    return clean_line(typed).strip()[:NAME_LIMIT] or None


class MainScreen(Screen[None]):
    """Shows the library in the sidebar and the list pane, and the article beside them when wide."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("b", "toggle_sidebar", "Sidebar", show=False, id="main.toggle-sidebar"),
    ]

    focused = focused_without_repaint()

    class Ready(Message):
        """The panes exist; the app may start filling them."""

    def __init__(
        self,
        clock: Callable[[], datetime],
        library: Library,
        unread: UnreadCounts,
        index: PostIndex,
        *,
        folder_name: str,
        status_changed: Callable[[], None],
        is_new: Callable[[Post], bool] | None = None,
        new_keys: Callable[[], frozenset[str]] = frozenset,
        searches: SearchesStore | None = None,
    ) -> None:
        super().__init__()
        self._clock = clock
        self.library = library
        self.unread = unread
        """Read marks: unread counts in the sidebar, unread rows marked."""
        self.folder_name = folder_name
        self._is_new = is_new
        self.status_changed = status_changed
        """Call when what the header says about the list may have changed (the app words it)."""
        self._content = ListContent()
        self._new_keys = new_keys
        self.search = SearchMode(self, library, index, self.marks_now)
        """Search in the list pane: `/` opens it, Esc leaves it."""
        self.saved = SavedViews(self, library, index, unread, self.marks_now, searches)
        """The saved searches (and rules) of `searches.toml`: sidebar entries with counts."""

    def compose(self) -> ComposeResult:
        yield QuietHeader()
        with Horizontal(id="panes"):
            yield Sidebar(id="sidebar")
            with Vertical(id="list-pane"):
                yield SearchBar(id="search")
                yield QueryProblem(id="query-problem")
                yield ArticleList(self._clock, id="articles")
                yield ProblemList(id="problems")
            yield ArticleView(self._clock, copies_of=self.library.copies, id="article")
        yield KeyFooter()

    def on_mount(self) -> None:
        self.problem_list.display = False
        self.search_bar.display = False
        self.query_problem.display = False
        self.article_list.is_unread = self.unread.is_unread
        self.article_list.is_new = self._is_new
        self.article_list.is_highlighted = self.saved.is_highlighted
        self.article_list.categories_of = self.library.categories_of
        self.article_list.is_starred = self.unread.is_starred
        self.article_list.focus()
        self.fit_width(self.app.size.width)
        self.post_message(self.Ready())

    def on_resize(self, event: events.Resize) -> None:
        self.fit_width(event.size.width)

    def fit_width(self, width: int) -> None:
        """Lay the screen out for a terminal this wide (its own resizes do; the app after a reader went)."""
        self.set_class(width >= WIDE_COLUMNS, "-wide")
        self.set_class(width < WIDE_COLUMNS, "-narrow")
        self.set_class(width < FOLD_SIDEBAR_COLUMNS, "-folded")
        self._leave_a_hidden_sidebar()

    def action_toggle_sidebar(self) -> None:
        """Show or hide the sidebar when the terminal is too narrow for it and a title both."""
        self.toggle_class("-sidebar-shown")
        self._leave_a_hidden_sidebar()

    def _leave_a_hidden_sidebar(self) -> None:
        sidebar = self.query(Sidebar)
        if (
            sidebar
            and sidebar.first().has_focus
            and self.has_class("-folded")
            and not self.has_class("-sidebar-shown")
        ):
            self.article_list.focus()

    @property
    def content(self) -> ListContent:
        """What the list pane shows; changed only by the methods below (and search)."""
        return self._content

    @content.setter
    def content(self, content: ListContent) -> None:
        searching, self._content = self._content.searching, content
        if content.searching != searching:
            self.refresh_bindings()  # the footer shows the keys of search (see KrantApp.check_action)
        # Results without an article beside them take the article pane's room too (see app.tcss).
        self.set_class(content.searching, "-searching")

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
    def query_problem(self) -> QueryProblem:
        return self.query_one(QueryProblem)

    @property
    def problem_list(self) -> ProblemList:
        return self.query_one(ProblemList)

    @property
    def article_view(self) -> ArticleView:
        return self.query_one("#article", ArticleView)

    def marks_now(self, asked: frozenset[str]) -> MarkSnapshot:
        """The read, starred and new keys as they are now, those `asked` for ("read", "starred", "new"),
        for a query run in a thread (which must not read the store)."""
        state = self.unread.state
        return MarkSnapshot(
            state.read_keys() if "read" in asked else frozenset(),
            state.starred_keys() if "starred" in asked else frozenset(),
            self._new_keys() if "new" in asked else frozenset(),
        )

    # The library changed ---------------------------------------------------------------------

    def set_loading(self, loading: bool) -> None:
        """Whether the first read of the folder goes on (shown with the next `show_library`)."""
        self.content = self.content.but(loading=loading)

    def show_library(self) -> None:
        """Bring sidebar and list up to date with the library, keeping what is selected."""
        self.refresh_sidebar()
        self.show_list(keep_selection=True)
        self.search.library_changed()
        self.saved.changed()

    def show_folder_gone(self, gone: bool) -> None:
        """The posts folder went (or came back): the empty list says krant waits for it."""
        self.content = self.content.but(folder_gone=gone)
        self.show_list(keep_selection=True)

    def refresh_sidebar(self) -> None:
        """Recount the sidebar's entries, keeping the selected category even when it has become empty."""
        entries = sidebar_entries(self.library, self.unread)
        kind, name = self.content.entry
        if kind is EntryKind.CATEGORY and all(entry.identity != self.content.entry for entry in entries):
            # The category being read lost its last post: keep it (empty) until the user moves away.
            entries.append(SidebarEntry(EntryKind.CATEGORY, name, 0, 0))
            entries.sort(
                key=lambda entry: (
                    entry.kind is not EntryKind.ALL,
                    entry.kind is not EntryKind.STARRED,
                    entry.kind is EntryKind.PROBLEMS,
                    entry.name.casefold(),
                )
            )
        elif kind is EntryKind.STARRED and all(entry.kind is not kind for entry in entries):
            entries.insert(1, SidebarEntry(EntryKind.STARRED, STARRED_NAME, 0))  # the last star went
        entries += self.saved.entries()
        self.sidebar.set_entries(entries)
        self.saved.marks_may_have_changed()

    # Choosing what the list shows -----------------------------------------------------------

    def choose_entry(self, entry: Entry) -> None:
        """Show another sidebar entry's posts from the top (leaving search, if it was open)."""
        self.search.leave(restore=False)
        self.content = self.content.but(entry=entry)
        self.refresh_sidebar()
        self.show_list(keep_selection=False)
        if entry[0] is EntryKind.SAVED:
            self.saved.changed(now=True)

    def stars_changed(self) -> None:
        """A post was starred or unstarred: the Starred entry's list follows at once."""
        if self.content.entry[0] is EntryKind.STARRED:
            self.show_list(keep_selection=True)

    def entry_posts(self) -> Sequence[Post]:
        """The posts of the chosen sidebar entry (All for Problems), newest first, whatever the list hides."""
        kind, name = self.content.entry
        if kind is EntryKind.STARRED:
            return self.unread.starred_posts()
        if kind is EntryKind.SAVED:
            return self.saved.posts(name)
        if kind is EntryKind.MUTED:
            return self.library.muted_posts()
        return self.library.view(name if kind is not EntryKind.PROBLEMS else ALL)

    def toggle_only_unread(self) -> bool:
        """Show only unread posts, or all again; whether only unread ones are shown now."""
        self.content = self.content.but(only_unread=not self.content.only_unread)
        self.show_list(keep_selection=True, refilter=True)
        return self.content.only_unread

    def show_list(self, *, keep_selection: bool, refilter: bool = False) -> None:
        """Fill the list pane from `content`: the entry's posts, or the problem files.

        With only unread posts shown, posts already in the list stay while `keep_selection` holds, unless
        `refilter` asks to drop the read ones now. While searching, the results stay (search shows them).
        """
        content = self.content
        if content.searching:
            return
        had_focus = self.focused in (self.article_list, self.problem_list)
        self.problem_list.display = content.shows_problems
        self.article_list.display = not content.shows_problems
        if content.shows_problems:
            self.problem_list.set_problems(self.library.problems)
        else:
            name = content.entry[1] if content.entry[0] is not EntryKind.PROBLEMS else ALL
            empty_message = (
                f"The folder {self.folder_name} is gone; krant is waiting for it to come back."
                if content.folder_gone
                else self._empty_message(name)
            )
            posts = all_posts = self.entry_posts()
            if content.entry[0] is EntryKind.SAVED:
                empty_message = self.saved.empty_message(name)
            elif content.entry[0] is EntryKind.MUTED:
                empty_message = "No posts are muted now."
            if content.only_unread:
                posts = self._unread_only(posts, keep_shown=keep_selection and not refilter)
                if all_posts:
                    where = "" if name == ALL else f" in {name}"
                    empty_message = f"No unread posts{where} (U shows all posts)."
            self.article_list.set_posts(posts, keep_selection=keep_selection, empty_message=empty_message)
        shown = self.problem_list if content.shows_problems else self.article_list
        if had_focus and self.focused is not shown:  # focus() redraws the whole list even if it has focus
            shown.focus()

    def _unread_only(self, posts: Sequence[Post], *, keep_shown: bool) -> list[Post]:
        """The unread posts; with `keep_shown`, also those already in the list, so a post the user just
        read does not vanish from under the cursor before they go elsewhere."""
        is_unread = self.unread.is_unread
        if not keep_shown:
            return [post for post in posts if is_unread(post)]
        shown = {post.path for post in self.article_list.posts}
        return [post for post in posts if is_unread(post) or post.path in shown]

    def _empty_message(self, name: str) -> str:
        library = self.library
        if self.content.loading:
            return "Reading posts…"
        if len(library) == 0:
            problems = f" ({len(library.problems):,} files could not be read: see Problems)"
            return (
                f"No posts in {self.folder_name} yet{problems if library.problems else ''}. "
                "krant is waiting for posts."
            )
        if name == ALL:
            return "No posts."
        if self.content.entry[0] is EntryKind.STARRED:
            return "No starred posts (s stars the selected or open post)."
        return f"No posts in the category {name}."

    # The list's selection -------------------------------------------------------------------

    def selection(self) -> tuple[Post | None, int]:
        """The selected post and its row on the screen, to put it back after the list changed."""
        articles = self.article_list
        return articles.selected_post, articles.cursor - articles.scroll_offset.y

    def select(self, post: Post, screen_row: int) -> None:
        """Put the cursor on a post (if listed), on the given row of the screen."""
        articles = self.article_list
        index = articles.index_of(post)
        if index is not None:
            articles.rows_changed(cursor=index, top=index - screen_row)

    @on(Sidebar.Highlighted, "#sidebar")
    def _entry_highlighted(self, message: Sidebar.Highlighted) -> None:
        entry = self.sidebar.selected
        if entry is not None:
            self.choose_entry(entry.identity)
            self.status_changed()

    @on(Sidebar.Selected, "#sidebar")
    def _entry_chosen(self, message: Sidebar.Selected) -> None:
        (self.problem_list if self.content.shows_problems else self.article_list).focus()

    # Search ------------------------------------------------------------------------------------

    @on(SearchBar.Search)
    def _search_typed(self, message: SearchBar.Search) -> None:
        self.search.search(message.query)

    @on(SearchBar.ToResults)
    def _search_to_results(self, message: SearchBar.ToResults) -> None:
        self.article_list.focus()

    @on(SearchBar.Leave)
    def _search_left(self, message: SearchBar.Leave) -> None:
        self.search.leave()

    @on(SearchFinished)
    def _search_finished(self, message: SearchFinished) -> None:
        self.search.finished(message)

    # Saved searches ------------------------------------------------------------------------------

    @on(SavedCounted)
    def _saved_counted(self, message: SavedCounted) -> None:
        self.saved.counted(message)

    @on(SearchBar.SaveWanted)
    def _save_wanted(self, message: SearchBar.SaveWanted) -> None:
        self.save_search()

    def save_search(self) -> None:
        """Ask for a name and save the query in the search box under it (ctrl+s, or the palette)."""
        query = self.content.search
        if self.search.active and self.search.problem is not None:
            self.notify(f"This query cannot be saved: {self.search.problem.message}", markup=False)
            return
        if query is None or not query.strip():
            self.notify("Type a query first, then save it (ctrl+s).", markup=False)
            return

        def named(typed: str | None) -> None:
            name = _name(typed)
            if name is not None:
                self.notify(self.saved.save(name, query), markup=False)

        self.app.push_screen(PromptScreen(f"Save '{query}' as:", keys=NAME_KEYS), named)

    def saved_search_commands(self) -> Iterator[SystemCommand]:
        """The palette's saved search commands: save the query searched, rename or remove the one shown.

        The palette reads its titles and help as markup: a name from searches.toml is escaped (`[/]`
        crashed it).
        """
        if self.content.searching:
            yield SystemCommand(
                "Save search", "Save this query under a name, in the sidebar", self.save_search
            )
        name = self.chosen_saved_search()
        if name is not None:
            yield SystemCommand(
                "Rename saved search", f"Give '{escape(name)}' another name", self.rename_saved_search
            )
            yield SystemCommand(
                "Remove saved search", f"Remove '{escape(name)}' from the sidebar", self.remove_saved_search
            )

    def chosen_saved_search(self) -> str | None:
        """The saved search the list shows, if it shows one."""
        kind, name = self.content.entry
        return name if kind is EntryKind.SAVED and self.saved.searches.named(name) else None

    def rename_saved_search(self) -> None:
        old = self.chosen_saved_search()
        if old is None:
            return

        def named(typed: str | None) -> None:
            new = _name(typed)
            if new is not None and new != old:
                self.notify(self.saved.rename(old, new), markup=False)
                self.content = self.content.but(entry=(EntryKind.SAVED, new))
                self.refresh_sidebar()
                self.saved.changed(now=True)

        self.app.push_screen(PromptScreen(f"Rename '{old}' to:", value=old, keys=NAME_KEYS), named)

    def remove_saved_search(self) -> None:
        name = self.chosen_saved_search()
        if name is not None:
            self.notify(self.saved.remove(name), markup=False)
            self.choose_entry((EntryKind.ALL, ALL))
