"""Saved searches in the sidebar, and the rules of `searches.toml`, kept up to date off the UI thread.

Each saved search is a sidebar entry (under a heading) with its unread/total counts; choosing one lists
the posts its query finds, newest first. Whenever the library or the marks change, one thread worker
counts every saved search in SQL and finds the posts of the one shown and what the rules pick out, and a
`SavedCounted` message brings it back; changes coming quickly are gathered over `REFRESH_DELAY`.

Rules: `hide` mutes the posts it finds (`Library.mute`: out of every list, count and search, listed under
Muted), `read` marks the posts that arrive while krant runs read, `highlight` makes their rows stand out.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING

from textual.message import Message
from textual.timer import Timer

from tui.core.index import PostIndex
from tui.core.library import Library
from tui.core.post import Post
from tui.core.query import All, MarkSnapshot, Node, Query, QueryError, State
from tui.core.saved_searches import (
    ACTIONS,
    SEARCHES_FILE,
    LoadedSearches,
    Searches,
    SearchesStore,
    saved_query,
)
from tui.core.unread import UnreadCounts
from tui.ui.widgets.sidebar import EntryKind, SidebarEntry

if TYPE_CHECKING:
    from tui.ui.screens.main import MainScreen

REFRESH_DELAY = 0.3
"""Seconds over which library and mark changes are gathered before the saved searches are counted again."""
HEADING = "Saved searches"
MUTED = "Muted"


@dataclass
class SavedCounted(Message):
    """Saved searches counted in a thread: `request` tells the latest count from stale ones."""

    request: int
    counts: Mapping[str, tuple[int, int]]
    """(total, unread) by saved search name."""
    shown: str | None
    """The saved search whose posts `paths` are (the one the list shows), if any."""
    paths: tuple[str, ...]
    muted: frozenset[str] | None = None
    """The posts hide rules find (None without such rules)."""
    highlighted: frozenset[str] = frozenset()
    arrived_read: tuple[str, ...] = ()
    """Posts that arrived unread and a read rule finds: to mark read."""
    complete: bool = True
    """False when the count failed (its error is the worker's): nothing to show, the next may start."""


class SavedViews:
    """The saved searches: what the file holds, their counts, and the posts of the one shown."""

    def __init__(
        self,
        pane: MainScreen,
        library: Library,
        index: PostIndex,
        unread: UnreadCounts,
        marks: Callable[[frozenset[str]], MarkSnapshot],
        store: SearchesStore | None,
    ) -> None:
        self._pane = pane
        self._library = library
        self._index = index
        self._unread = unread
        self._marks = marks
        self._store = store
        self.searches = Searches()
        """What `searches.toml` holds (as read, or as last saved)."""
        self._counts: dict[str, tuple[int, int]] = {}
        self._posts: dict[str, list[Post]] = {}
        """The posts found for a saved search, when it was last shown: newest first."""
        self._request = 0
        self._timer: Timer | None = None
        self._running = False
        """A count is under way: the next waits for it (a slow count never piles threads up)."""
        self._again = False
        self._counted_marks: tuple[object, ...] | None = None
        self._highlighted: frozenset[str] = frozenset()
        self._marked_by_rule: set[str] = set()
        """Keys a read rule marked read: never again (the user may have marked one unread since)."""
        self._lock = threading.Lock()
        self._closed = False

    def load(self) -> LoadedSearches:
        """Read `searches.toml` (a small file, at start) and count its searches soon."""
        if self._store is None:
            return LoadedSearches()
        loaded = self._store.read()
        self.searches = loaded.searches
        self.changed()
        return loaded

    # The sidebar -------------------------------------------------------------------------------

    def entries(self) -> list[SidebarEntry]:
        """The heading and an entry per saved search (a query with a mistake shows `!`), then Muted."""
        muted = self._library.muted_count
        tail = [SidebarEntry(EntryKind.MUTED, MUTED, muted)] if muted else []
        if not self.searches.searches:
            return tail
        entries = [SidebarEntry(EntryKind.HEADING, HEADING, 0)]
        for search in self.searches.searches:
            query = saved_query(search.query)
            if isinstance(query, QueryError):
                entries.append(SidebarEntry(EntryKind.SAVED, search.name, 0, problem=query.message))
                continue
            total, unread = self._counts.get(search.name, (0, 0))
            entries.append(SidebarEntry(EntryKind.SAVED, search.name, total, unread))
        return entries + tail

    def is_highlighted(self, post: Post) -> bool:
        """Whether a highlight rule finds the post (its row stands out)."""
        return bool(self._highlighted) and post.path in self._highlighted

    def visible(self, query: Query) -> Query:
        """`query` without the posts hide rules find: what search and counts show."""
        return self.searches.visible(query) if query.root is not None else query

    def posts(self, name: str) -> list[Post]:
        """The posts of a saved search as last found (empty until then), newest first."""
        return self._posts.get(name, [])

    def empty_message(self, name: str) -> str:
        search = self.searches.named(name)
        if search is None:
            return "This saved search is gone."
        query = saved_query(search.query)
        if isinstance(query, QueryError):
            return f"{query.message} (the query of '{name}' in {SEARCHES_FILE})"
        if name not in self._posts:
            return "Searching…"
        return f"Nothing found for '{search.query}'."

    # Counting ----------------------------------------------------------------------------------

    def changed(self, *, now: bool = False) -> None:
        """The library, the marks or the entry shown changed: count again soon (`now`: at once)."""
        if now:
            if self._timer is not None:
                self._timer.stop()
                self._timer = None
            self._count()
        elif self._timer is None:
            self._timer = self._pane.set_timer(REFRESH_DELAY, self._count)

    def marks_may_have_changed(self) -> None:
        """Count again if read marks changed since the last count (the sidebar is being redrawn)."""
        if self._marks_identity() != self._counted_marks:
            self.changed()

    def _marks_identity(self) -> tuple[object, ...]:
        # ReadMarks hands out the same frozenset until a mark changes: comparing it is free.
        return (id(self._unread.state.read_keys()),)

    def _shown(self) -> str | None:
        kind, name = self._pane.content.entry
        return name if kind is EntryKind.SAVED and not self._pane.content.searching else None

    def _count(self) -> None:
        self._timer = None
        if not self.searches.searches and not self.searches.rules:
            return
        if self._running:
            self._again = True
            return
        queries: dict[str, Query] = {}
        for search in self.searches.searches:
            query = saved_query(search.query)
            if isinstance(query, Query):
                queries[search.name] = self.visible(query)
        rules = {action: self.searches.rule_tree(action) for action in ACTIONS}
        reading = rules["read"]
        if reading is not None:  # what arrived unread and a read rule finds
            rules["read"] = All((reading, State("new"), State("unread")))
        asked = frozenset().union(*(query.states for query in queries.values()))
        asked |= frozenset().union(*(Query("", rule).states for rule in rules.values() if rule is not None))
        marks = self._marks(asked | {"read"})  # counts tell the unread
        self._counted_marks = self._marks_identity()
        self._request += 1
        self._running = True
        self._pane.run_worker(
            partial(self._count_in_thread, self._request, queries, rules, marks, self._shown()),
            thread=True,
            exit_on_error=False,
            group="saved-searches",
            name="saved-searches",
        )

    def _count_in_thread(
        self,
        request: int,
        queries: dict[str, Query],
        rules: dict[str, Node | None],
        marks: MarkSnapshot,
        shown: str | None,
    ) -> None:
        include = self._library.include_unpublished
        index = self._index

        def found(rule: Node | None) -> list[str]:
            return [] if rule is None else index.matching(Query("", rule), marks=marks)

        done = SavedCounted(request, {}, None, (), complete=False)
        try:
            with self._lock:
                if self._closed:
                    return
                muted = frozenset(found(rules["hide"])) if rules["hide"] is not None else None
                highlighted = frozenset(found(rules["highlight"]))
                arrived = tuple(found(rules["read"]))
                counts = {
                    name: index.count(query, marks=marks, include_unpublished=include)
                    for name, query in queries.items()
                }
                paths = tuple(index.matching(queries[shown], marks=marks)) if shown in queries else ()
            done = SavedCounted(request, counts, shown, paths, muted, highlighted, arrived)
        finally:  # even when it failed: the next count may start
            self._pane.post_message(done)

    def counted(self, message: SavedCounted) -> None:
        """Show the counts (and the shown search's posts), then count again if something changed meanwhile."""
        if message.request != self._request:
            return
        self._running = False
        if message.complete:
            self._apply_rules(message)
            self._counts = dict(message.counts)
            if message.shown is not None:
                row_of = self._library.row_of  # a story once, by its row, whichever copy matched
                rows = {post.path: post for path in message.paths if (post := row_of(path)) is not None}
                self._posts[message.shown] = sorted(rows.values(), key=lambda post: post.sort_key)
            self._pane.refresh_sidebar()
            if message.shown is not None and message.shown == self._shown():
                self._pane.show_list(keep_selection=True)
        if self._again:
            self._again = False
            self.changed(now=True)

    def _apply_rules(self, message: SavedCounted) -> None:
        pane, library = self._pane, self._library
        change = library.mute(message.muted or ())
        if not change.empty:
            self._unread.library_changed(library, change)
            pane.show_library()
            pane.status_changed()
        if message.highlighted != self._highlighted:
            self._highlighted = message.highlighted
            pane.article_list.refresh()
        get = library.get
        arrived = (post.key for path in message.arrived_read if (post := get(path)) is not None)
        keys = [key for key in arrived if key not in self._marked_by_rule]
        if keys:
            self._marked_by_rule.update(keys)
            self._unread.mark(keys, True)
            pane.article_list.refresh()
            pane.status_changed()

    # Saving ------------------------------------------------------------------------------------

    def save(self, name: str, query: str) -> str:
        """Save `query` under `name` (replacing one of that name); what to tell the user."""
        replaced = self.searches.named(name) is not None
        problem = self._write(self.searches.saved(name, query))
        if problem:
            return problem
        return f"Saved search '{name}' {'replaced' if replaced else 'saved'}."

    def rename(self, old: str, new: str) -> str:
        problem = self._write(self.searches.renamed(old, new))
        if problem:
            return problem
        self._posts.pop(old, None)
        return f"Renamed '{old}' to '{new}'."

    def remove(self, name: str) -> str:
        problem = self._write(self.searches.removed(name))
        if problem:
            return problem
        self._posts.pop(name, None)
        self._counts.pop(name, None)
        return f"Removed the saved search '{name}'."

    def _write(self, searches: Searches) -> str | None:
        """Keep `searches` and write them to the file; what went wrong, if the file could not be written."""
        self.searches = searches
        self._pane.refresh_sidebar()
        self.changed(now=True)
        if self._store is None:
            return None
        try:
            self._store.save(searches)
        except OSError as error:
            return f"Could not write {self._store.path}: {error.strerror or error}; kept for this session."
        return None

    def close(self) -> None:
        """No count touches the index after this returns (the app closes the index next)."""
        with self._lock:
            self._closed = True
