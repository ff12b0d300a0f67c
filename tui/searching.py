"""Search in the app: `/` shows a box above the list; what is typed is searched in the index, in a thread.

The search runs in a thread worker (exclusive, so a newer query makes older ones drop their results) and
comes back as a `SearchFinished` message, which fills the article list with the matching posts, newest
first, each with its snippet. While searching, library changes leave the list alone (`MainScreen.searching`)
and the query is searched again instead. Leaving search (Esc) shows the category that was selected, with
the cursor on the post it was on.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from dataclasses import dataclass
from functools import partial
from itertools import islice
from typing import TYPE_CHECKING

from textual.timer import Timer
from textual.worker import get_current_worker

from tui.index import SEARCH_LIMIT, PostIndex
from tui.library import ALL
from tui.messages import SearchFinished
from tui.posts import Post
from tui.search import SearchHit, title_hits

if TYPE_CHECKING:
    from tui.app import KrantApp

REFRESH_DELAY = 0.3
"""Seconds to gather library changes (a load in progress, live updates) before searching again."""
HINT = "Type to search titles and text; Esc goes back."


@dataclass(frozen=True, slots=True)
class Place:
    """Where the user was when search began: the selected post and its row on screen."""

    post: Post | None
    screen_row: int


class SearchMode:
    """The app's search: the box, the worker, the results in the list, and the way back."""

    def __init__(self, app: KrantApp, index: PostIndex) -> None:
        self._app = app
        self._index = index
        self.active = False
        """Whether the list pane shows search (the box and its results)."""
        self.query = ""
        """The query the list shows results for (or will, once its search is back)."""
        self._shown_query: str | None = None
        self._count = 0
        self._capped = False
        self._request = 0
        self._place: Place | None = None
        self._refresh_timer: Timer | None = None
        self._lock = threading.Lock()
        self._closed = False

    # Entering and leaving ------------------------------------------------------------------

    def enter(self) -> None:
        """Show the search box and focus it; the list waits for a query."""
        main = self._app.main
        if not self.active:
            articles = main.article_list
            post = articles.selected_post if articles.display else None
            self._place = Place(post, articles.cursor - articles.scroll_offset.y)
            self.active = True
            main.searching = True
            main.problem_list.display = False
            articles.display = True
            main.search_bar.display = True
            self.query, self._shown_query, self._count = "", None, 0
            articles.set_posts((), keep_selection=False, empty_message=HINT)
            self._app.refresh_status()
        # Focus now, not after a refresh as Widget.focus does: keys typed right after `/` (or pasted)
        # are already queued and would otherwise reach the list, where `y` copies and `m` marks.
        main.set_focus(main.search_bar, scroll_visible=False)

    def leave(self, *, restore: bool = True) -> None:
        """Hide the box; with `restore`, show the category from before with the cursor where it was."""
        if not self.active:
            return
        main = self._app.main
        self.active = False
        self._request += 1  # drop any search still running
        self._stop_refresh()
        main.searching = False
        main.search_bar.clear_quietly()
        main.search_bar.display = False
        main.article_list.focus()
        place, self._place = self._place, None
        if restore:
            app = self._app
            main.refresh_sidebar(app.library)
            main.show_entry(
                app.library,
                main.sidebar.selected,
                keep_selection=False,
                loading=app.loading,
                folder_name=app.folder.name,
            )
            articles = main.article_list
            index = articles.index_of(place.post) if place is not None and place.post is not None else None
            if index is not None and place is not None:
                articles.rows_changed(cursor=index, top=index - place.screen_row)
        self._app.refresh_status()

    def focus_results(self) -> None:
        self._app.main.article_list.focus()

    # Searching -----------------------------------------------------------------------------

    def search(self, query: str) -> None:
        """Search for `query` in a thread; an empty query shows the hint."""
        if not self.active:
            return
        self.query = query
        self._request += 1
        if not query.strip():
            self._shown_query, self._count = None, 0
            self._app.main.article_list.set_posts((), keep_selection=False, empty_message=HINT)
            self._app.refresh_status()
            return
        # Posts read before the index could take them (a load still going, an index rebuilt meanwhile) are
        # found by title: the thread gets the library's list of posts, which later changes do not alter.
        library = self._app.library
        titles = library.view(ALL) if self._app.loading or self._index.notice else None
        self._app.run_worker(
            partial(self._find, self._request, query, titles),
            thread=True,
            exclusive=True,
            exit_on_error=False,
            group="search",
            name="search",
        )

    def _find(self, request: int, query: str, titles: Sequence[Post] | None) -> None:
        """In a worker thread: search the index (and titles), and post what was found."""
        worker = get_current_worker()
        with self._lock:
            if self._closed:
                return
            hits = self._index.search(query)
        if titles is not None:
            found = {hit.path for hit in hits}
            pairs = ((post.path, post.title) for post in titles if not worker.is_cancelled)
            hits += islice(title_hits(query, pairs, found), SEARCH_LIMIT)
        if not worker.is_cancelled:
            self._app.post_message(SearchFinished(request, query, tuple(hits)))

    def finished(self, message: SearchFinished) -> None:
        """Show a search's results, unless a newer search (or leaving) made them stale."""
        if not self.active or message.request != self._request:
            return
        library = self._app.library
        rows: list[tuple[Post, SearchHit]] = []
        for hit in message.hits:
            post = library.get(hit.path)
            if post is not None:  # unpublished (without --all), or a problem now
                rows.append((post, hit))
        rows.sort(key=lambda row: row[0].sort_key)
        # The index's newest hits and, while it is still filling, the newest title hits among the posts it
        # lacks: the newest of both together are the newest of all, and as many as either alone may be.
        self._capped = len(message.hits) >= SEARCH_LIMIT
        del rows[SEARCH_LIMIT:]
        same = message.query == self._shown_query
        self._shown_query = message.query
        self._count = len(rows)
        self._app.main.article_list.set_posts(
            [post for post, _hit in rows],
            snippets=[hit.snippet for _post, hit in rows],
            highlights=[hit.highlights for _post, hit in rows],
            keep_selection=same,
            empty_message=f"Nothing found for '{message.query}'."
            + (" (Still indexing: try again in a moment.)" if self._app.loading else ""),
        )
        self._app.refresh_status()

    def library_changed(self) -> None:
        """Posts arrived or went: search again soon, so the results follow the library."""
        if self.active and self.query.strip() and self._refresh_timer is None:
            self._refresh_timer = self._app.set_timer(REFRESH_DELAY, self._refresh)

    def _refresh(self) -> None:
        self._refresh_timer = None
        if self.active:
            self.search(self.query)

    def _stop_refresh(self) -> None:
        if self._refresh_timer is not None:
            self._refresh_timer.stop()
            self._refresh_timer = None

    def status(self) -> str:
        """The header line while searching: `3 results for 'syrie'`, and whether indexing goes on."""
        indexing = " · still indexing" if self._app.loading else ""
        if self._shown_query is None:
            return "Search" + indexing
        count = f"the newest {self._count:,}" if self._capped else f"{self._count:,}"
        noun = "result" if self._count == 1 else "results"
        return f"{count} {noun} for '{self._shown_query}'{indexing}"

    def close(self) -> None:
        """No search touches the index after this returns (the app closes the index next)."""
        with self._lock:
            self._closed = True
