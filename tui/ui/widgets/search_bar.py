"""The search box above the article list: what is typed becomes a search after a short pause."""

from __future__ import annotations

from typing import ClassVar

from textual import on
from textual.binding import Binding, BindingType
from textual.message import Message
from textual.timer import Timer
from textual.widgets import Input

from tui.core.sanitize import clean_line

DEBOUNCE = 0.15
"""Seconds without typing before the query is searched: one search per pause, not one per key."""


class SearchBar(Input):
    """An `Input` that asks for a search after each pause in typing; Enter and ↓ go to the results."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("down", "results", "Results", key_display="↓/enter", id="search.results"),
        Binding("escape", "leave", "Back", id="search.leave"),
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

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(placeholder="Search titles and text (Esc: back)", id=id)
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

    def action_results(self) -> None:
        if self._timer is not None:
            self._search_now()
        self.post_message(self.ToResults())
