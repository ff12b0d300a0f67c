"""The article on a screen of its own, for terminals too narrow to show it beside the list."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen

from tui.core.library import Library
from tui.ui.textual_internals import KeyFooter, QuietHeader
from tui.ui.widgets.article_view import ArticleView


class ReaderScreen(Screen[None]):
    """Full-screen article; Esc or `h` goes back to the list."""

    BINDINGS = [Binding("escape,h", "app.close_article", "Back", id="reader.back")]

    def __init__(self, clock: Callable[[], datetime], library: Library | None = None) -> None:
        super().__init__()
        self._clock = clock
        self._library = library
        """Where the header finds the other copies of a story."""

    def compose(self) -> ComposeResult:
        yield QuietHeader()
        copies_of = self._library.copies if self._library is not None else None
        yield ArticleView(self._clock, copies_of=copies_of, id="reader-article")
        yield KeyFooter()

    @property
    def article_view(self) -> ArticleView:
        return self.query_one(ArticleView)

    def on_mount(self) -> None:
        self.article_view.focus()
