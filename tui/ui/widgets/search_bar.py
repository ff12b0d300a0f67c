"""The search box above the article list: what is typed becomes a search after a short pause.

Under it, `QueryProblem` says what is wrong with a query that cannot be read, pointing at where.
"""

from __future__ import annotations

from typing import ClassVar

from rich.cells import cell_len
from rich.text import Text
from textual import on
from textual.binding import Binding, BindingType
from textual.message import Message
from textual.timer import Timer
from textual.widgets import Input, Static

from tui.core.query import QueryError
from tui.core.sanitize import clean_line

DEBOUNCE = 0.15
"""Seconds without typing before the query is searched: one search per pause, not one per key."""


class SearchBar(Input):
    """An `Input` that asks for a search after each pause in typing; Enter and ↓ go to the results."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("down", "results", "Results", key_display="↓/enter", id="search.results"),
        Binding("escape", "leave", "Back", id="search.leave"),
        Binding("ctrl+s", "save", "Save search", id="search.save"),
    ]

    class Search(Message):
        """Search for `query` now (the user paused, or pressed Enter)."""

        def __init__(self, query: str) -> None:
            super().__init__()
            self.query = query

    class ToResults(Message):
        """The user wants to move from the box to the results (Enter or ↓)."""

    class Leave(Message):
        """The user wants to leave search (Esc)."""

    class SaveWanted(Message):
        """The user wants to save the query under a name (ctrl+s)."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(placeholder="Search titles and text, or cat:, tag:, is:unread … (Esc: back)", id=id)
        self._timer: Timer | None = None
        self.debounce = DEBOUNCE
        """Seconds of quiet after typing before a search starts."""

    @property
    def search_text(self) -> str:
        """What was typed, as one clean line (pasted escapes and controls removed)."""
        return clean_line(self.value)

    @on(Input.Changed)
    def _typed(self, event: Input.Changed) -> None:
        event.stop()
        self._cancel_timer()
        self._timer = self.set_timer(self.debounce, self._search_now)

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if self._timer is not None:
            self._search_now()
        self.post_message(self.ToResults())

    def _search_now(self) -> None:
        self._cancel_timer()
        self.post_message(self.Search(self.search_text))

    def _cancel_timer(self) -> None:
        if self._timer is not None:
            self._timer.stop()
            self._timer = None

    def clear_quietly(self) -> None:
        """Empty the box without starting a search."""
        with self.prevent(Input.Changed):
            self.value = ""
        self._cancel_timer()

    def action_leave(self) -> None:
        self._cancel_timer()
        self.post_message(self.Leave())

    def action_save(self) -> None:
        if self._timer is not None:
            self._search_now()  # what is saved is what is typed: search it first, then ask for a name
        self.post_message(self.SaveWanted())

    def action_results(self) -> None:
        if self._timer is not None:
            self._search_now()
        self.post_message(self.ToResults())


class QueryProblem(Static):
    """One line under the search box: what is wrong with the query, under the characters it is about."""

    DEFAULT_CSS = """
    QueryProblem { height: 1; color: $text-error; }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__("", id=id, markup=False)
        self.message: str | None = None
        """What is wrong with the query shown, or None when nothing is (and the line is hidden)."""

    def show_problem(self, error: QueryError | None, bar: SearchBar) -> None:
        """Point at `error` in what `bar` holds (hidden when None)."""
        self.message = None if error is None else error.message
        self.display = error is not None
        bar.set_class(error is not None, "-invalid")
        if error is None:
            return
        text = bar.search_text
        # The box's border and padding come before its text, and a long query may be scrolled.
        left = bar.content_region.x - bar.region.x - bar.scroll_offset.x
        column = max(0, left + cell_len(text[: error.start]))
        marks = "^" * max(1, cell_len(text[error.start : error.end]))
        width = self.size.width or bar.size.width
        if column + len(marks) + 1 + cell_len(error.message) <= width or column <= cell_len(error.message):
            line = " " * column + marks + " " + error.message
        else:  # no room after the marks: the message goes before them
            line = " " * (column - cell_len(error.message) - 1) + error.message + " " + marks
        self.update(Text(line, no_wrap=True, overflow="ellipsis"))
