"""Textual's header, but a new title or subtitle (loading progress, about once a second) only redraws it."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.visual import VisualType
from textual.widgets import Header as TextualHeader

try:  # a private class of Textual's: should a release move it, krant keeps Textual's own header
    from textual.widgets._header import HeaderTitle

    class _Title(HeaderTitle):
        """One line across the header whatever it says, so another text never needs a layout of the screen."""

        def update(self, content: VisualType = "", *, layout: bool = False) -> None:
            super().update(content, layout=layout)

except ImportError:  # pragma: no cover - depends on the Textual release
    HeaderTitle = _Title = None  # type: ignore[assignment,misc]


class Header(TextualHeader):
    def compose(self) -> ComposeResult:
        for widget in super().compose():
            yield _Title() if _Title is not None and type(widget) is HeaderTitle else widget
