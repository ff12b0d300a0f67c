"""Search in the list pane: `/` opens a box above the list, and what is typed is searched in a thread.

What is typed is a query (`tui.core.query`): words, phrases, fields such as `cat:` and `is:unread`, `-`, `OR`
and parentheses. One that cannot be read says what is wrong under the box, and the last results stay.
The search runs in a thread worker (exclusive, so a newer query makes older ones drop their results) and
comes back as a `SearchFinished` message, which fills the article list with the matching posts, newest
first, each with its snippet. While searching, library changes leave the list alone (the pane's content
says it is searching) and the query is searched again instead. Leaving search (Esc) shows the entry that
was chosen, with the cursor on the post it was on.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import partial
from itertools import islice
from typing import TYPE_CHECKING

from textual.timer import Timer
from textual.worker import get_current_worker

from tui.core.index import SEARCH_LIMIT, PostIndex
from tui.core.library import ALL, Library
from tui.core.post import Post
from tui.core.query import MarkSnapshot, Query, QueryError, parse
from tui.core.search import Order, SearchHit, title_hits
from tui.ui.messages import SearchFinished

if TYPE_CHECKING:
    from tui.ui.screens.main import MainScreen

REFRESH_DELAY = 0.3
"""Seconds to gather library changes (a load in progress, live updates) before searching again."""
HINT = "Type to search titles and text (or cat:NAME, tag:NAME, is:unread, newer:7d, …); Esc goes back."


@dataclass(frozen=True, slots=True)
class Place:
    """Where the user was when search began: the selected post and its row on screen."""

    post: Post | None
    screen_row: int


class SearchMode:
    """The pane's search: the box, the worker, the results in the list, and the way back."""

    def __init__(
        self,
        pane: MainScreen,
        library: Library,
        index: PostIndex,
        marks: Callable[[frozenset[str]], MarkSnapshot],
    ) -> None:
        self._pane = pane
        self._library = library
        self._index = index
        self._marks = marks
        """The marks `is:` asks about (by state), taken now on the UI thread for the search's thread."""
        self.problem: QueryError | None = None
        """What is wrong with the query in the box, if it cannot be read (shown under it)."""
        self._shown_query: str | None = None
        self._shown_order = Order.NEWEST
        self._count = 0
        self._capped = False
        self._request = 0
        self._place: Place | None = None
        self._refresh_timer: Timer | None = None
        self._lock = threading.Lock()
        self._closed = False
        self.order = Order.NEWEST
        """How results are ordered: newest first, or best first (`toggle_order`)."""

    @property
    def active(self) -> bool:
        """Whether the list pane shows search (the box and its results)."""
        return self._pane.content.searching

    # Entering and leaving ------------------------------------------------------------------

    def enter(self) -> None:
        """Show the search box and focus it; the list waits for a query."""
        pane = self._pane
        if not self.active:
            articles = pane.article_list
            post, screen_row = pane.selection() if articles.display else (None, 0)
            self._place = Place(post, screen_row)
            pane.content = pane.content.but(search="")
            pane.problem_list.display = False
            articles.display = True
            pane.search_bar.display = True
            self._shown_query, self._count = None, 0
            articles.set_posts((), keep_selection=False, empty_message=HINT)
            self._status_changed()
        # Focus now, not after a refresh as Widget.focus does: keys typed right after `/` (or pasted)
        # are already queued and would otherwise reach the list, where `y` copies and `m` marks.
        pane.set_focus(pane.search_bar, scroll_visible=False)

    def leave(self, *, restore: bool = True) -> None:
        """Hide the box; with `restore`, show the entry from before with the cursor where it was."""
        if not self.active:
            return
        pane = self._pane
        pane.content = pane.content.but(search=None)
        self._request += 1  # drop any search still running
        self._stop_refresh()
        pane.search_bar.clear_quietly()
        pane.search_bar.display = False
        self._show_problem(None)
        pane.article_list.focus()
        place, self._place = self._place, None
        if restore:
            pane.refresh_sidebar()
            pane.show_list(keep_selection=False)
            if place is not None and place.post is not None:
                pane.select(place.post, place.screen_row)
        self._status_changed()

    # Searching -----------------------------------------------------------------------------

    def search(self, query: str) -> None:
        """Search for `query` in a thread; an empty query shows the hint, a mistaken one what is wrong."""
        if not self.active:
            return
        pane = self._pane
        try:
            parsed = parse(query)
        except QueryError as error:
            self._request += 1  # a search still running was for an older query
            self._show_problem(error)
            return
        self._show_problem(None)
        parsed = pane.saved.visible(parsed)  # what a hide rule mutes is never found
        pane.content = pane.content.but(search=query)
        self._request += 1
        if parsed.empty:
            self._shown_query, self._count = None, 0
            pane.article_list.set_posts((), keep_selection=False, empty_message=HINT)
            self._status_changed()
            return
        # Posts read before the index could take them (a load still going, an index rebuilt meanwhile) are
        # found by title: the thread gets the library's list of posts, which later changes do not alter.
        by_title = parsed.plain_words and (pane.content.loading or self._index.notice)
        titles = self._library.view(ALL) if by_title else None
        pane.run_worker(
            partial(self._find, self._request, parsed, titles, self.order, self._marks(parsed.states)),
            thread=True,
            exclusive=True,
            exit_on_error=False,
            group="search",
            name="search",
        )

    def toggle_order(self) -> None:
        """Switch between best-first and newest-first results, and search again in the new order."""
        self.order = Order.NEWEST if self.order is Order.RELEVANCE else Order.RELEVANCE
        query = self._pane.content.search
        if self.active and query is not None:
            self.search(query)
        self._status_changed()

    def _show_problem(self, error: QueryError | None) -> None:
        self.problem = error
        self._pane.query_problem.show_problem(error, self._pane.search_bar)

    def _find(
        self, request: int, query: Query, titles: Sequence[Post] | None, order: Order, marks: MarkSnapshot
    ) -> None:
        """In a worker thread: search the index (and titles), and post what was found."""
        worker = get_current_worker()
        if not query.has_words:
            order = Order.NEWEST  # nothing to rank by
        with self._lock:
            if self._closed:
                return
            hits = self._index.search(query, order=order, marks=marks)
        if titles is not None:  # after the ranked hits: a title hit has no score to rank it by
            found = {hit.path for hit in hits}
            pairs = ((post.path, post.title) for post in titles if not worker.is_cancelled)
            hits += islice(title_hits(query.text, pairs, found), SEARCH_LIMIT)
        if not worker.is_cancelled:
            self._pane.post_message(
                SearchFinished(request, query.text, tuple(hits), order, snippets=query.has_words)
            )

    def finished(self, message: SearchFinished) -> None:
        """Show a search's results, unless a newer search (or leaving) made them stale."""
        if not self.active or message.request != self._request:
            return
        rows: list[tuple[Post, SearchHit]] = []
        listed: set[str] = set()
        for hit in message.hits:
            post = self._library.row_of(hit.path)  # a story once, by its row, whichever copy matched
            if post is not None and post.path not in listed:  # None: unpublished, or a problem now
                listed.add(post.path)
                rows.append((post, hit))
        if message.order is Order.NEWEST:
            rows.sort(key=lambda row: row[0].sort_key)
        # The index's newest hits and, while it is still filling, the newest title hits among the posts it
        # lacks: the newest of both together are the newest of all, and as many as either alone may be.
        self._capped = len(message.hits) >= SEARCH_LIMIT
        del rows[SEARCH_LIMIT:]
        same = message.query == self._shown_query
        self._shown_query = message.query
        self._shown_order = message.order
        self._count = len(rows)
        loading = self._pane.content.loading
        self._pane.article_list.set_posts(
            [post for post, _hit in rows],
            snippets=[hit.snippet for _post, hit in rows] if message.snippets else None,
            highlights=[hit.highlights for _post, hit in rows] if message.snippets else None,
            keep_selection=same,
            empty_message=f"Nothing found for '{message.query}'."
            + (" (Still indexing: try again in a moment.)" if loading else ""),
        )
        self._status_changed()

    def library_changed(self) -> None:
        """Posts arrived or went (or marks changed): search again soon, so the results follow them."""
        query = self._pane.content.search
        if query and query.strip() and self._refresh_timer is None:
            self._refresh_timer = self._pane.set_timer(REFRESH_DELAY, self._refresh)

    def _refresh(self) -> None:
        self._refresh_timer = None
        query = self._pane.content.search
        if query is not None:
            self.search(query)

    def _stop_refresh(self) -> None:
        if self._refresh_timer is not None:
            self._refresh_timer.stop()
            self._refresh_timer = None

    def _status_changed(self) -> None:
        self._pane.status_changed()

    def status(self) -> str:
        """The header while searching: `3 results for 'syrie', best first`, and whether indexing goes on."""
        indexing = " · still indexing" if self._pane.content.loading else ""
        if self._shown_query is None:
            return "Search" + indexing
        count = f"the first {self._count:,}" if self._capped else f"{self._count:,}"
        noun = "result" if self._count == 1 else "results"
        order = "newest first" if self._shown_order is Order.NEWEST else "best first"
        return f"{count} {noun} for '{self._shown_query}', {order}{indexing}"

    def close(self) -> None:
        """No search touches the index after this returns (the app closes the index next)."""
        with self._lock:
            self._closed = True
