"""An article's body drawn line by line (Line API): laid out once per width, then only copied to screen.

Textual's Markdown widget mounts a widget per paragraph, which took a quarter of a second for a typical
article; this lays out a parsed `Document` into strips in a few milliseconds and draws only what is seen.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from rich.cells import cell_len
from rich.segment import Segment
from rich.style import Style
from textual import events, on, work
from textual.geometry import Size
from textual.message import Message
from textual.selection import Selection
from textual.strip import Strip
from textual.widget import Widget
from textual.worker import get_current_worker

from tui.core.document import Block, Document
from tui.ui.article_layout import COMPONENTS, ArticleLayout

SYNC_LAYOUT_CHARS = 8_000
"""The blocks within this many characters are laid out on the UI thread (a few milliseconds; a typical
news article is all within it); a longer article's first screen too, and the whole of it in a thread."""


class ArticleBody(Widget):
    """The body of the open article; a click on a link says so with `LinkClicked` (never opens it)."""

    COMPONENT_CLASSES: ClassVar[set[str]] = set(COMPONENTS)

    # Code is coloured by what each piece is, in the theme's colours (as Textual's own highlighting).
    DEFAULT_CSS = """
    ArticleBody {
        height: auto;
        & > .article-body--link { color: $text-accent; text-style: underline; }
        & > .article-body--link-hover { background: $block-hover-background; text-style: bold underline; }
        & > .article-body--code { color: $text-warning; background: $boost; }
        & > .article-body--code-block { color: $foreground; background: $boost; }
        & > .article-body--code-keyword { color: $text-accent; text-style: bold; }
        & > .article-body--code-string { color: $text-success; }
        & > .article-body--code-number { color: $text-warning; }
        & > .article-body--code-comment { color: $text-muted; text-style: italic; }
        & > .article-body--code-name { color: $text-primary; }
        & > .article-body--code-builtin { color: $text-secondary; }
        & > .article-body--code-inserted { color: $text-success; }
        & > .article-body--code-deleted { color: $text-error; }
        & > .article-body--code-heading { color: $text-primary; text-style: bold; }
        & > .article-body--code-prompt { color: $text-muted; }
        & > .article-body--code-error { color: $text-error; }
        & > .article-body--quote { color: $text-muted; }
        & > .article-body--bullet { color: $text-secondary; }
        & > .article-body--footnote { color: $text-accent; }
        & > .article-body--heading { color: $text-primary; text-style: bold; }
        & > .article-body--rule { color: $text-muted; }
    }
    """

    class LinkClicked(Message):
        """A link (or an image's address) in the article was clicked."""

        def __init__(self, body: ArticleBody, href: str) -> None:
            super().__init__()
            self.body = body
            self.href = href

        @property
        def control(self) -> ArticleBody:
            return self.body

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self.document = Document()
        self._lines: list[Strip] = []
        self._laid_out_for: tuple[int, Document, object] | None = None
        """The width and document `_lines` are for, and a token that a later layout replaces."""
        self._laid_out_styles: tuple[Style, ...] = ()
        self._hovered: str | None = None
        """The address of the link under the mouse: all of that link is drawn hovered."""

    @property
    def source(self) -> str:
        """The Markdown text shown."""
        return self.document.source

    class _LaidOut(Message):
        """A long document laid out whole, in a thread (its first screen was laid out at once)."""

        def __init__(self, token: object, lines: list[Strip]) -> None:
            super().__init__()
            self.token = token
            self.lines = lines

    def update(self, document: Document) -> None:
        """Show another document (its start at once: it was parsed in a thread, and layout is quick)."""
        self.document = document
        self._laid_out_for = None
        self.refresh(layout=True)

    def notify_style_update(self) -> None:
        super().notify_style_update()
        if not self.is_mounted:  # styled for the first time: nothing is laid out yet
            return
        # Moving the focus anywhere restyles the screen; lay out again only when a colour changed.
        styles = self._styles()
        if styles != self._laid_out_styles:
            self._laid_out_styles = styles
            self._laid_out_for = None
            self.refresh(layout=True)

    def _styles(self) -> tuple[Style, ...]:
        components = sorted(self.COMPONENT_CLASSES)
        return (self.rich_style, *(self.get_component_rich_style(name) for name in components))

    def get_content_width(self, container: Size, viewport: Size) -> int:
        return container.width

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        return len(self._lines_at(width))

    def render_line(self, y: int) -> Strip:
        width = self.size.width
        lines = self._lines_at(width)
        if not 0 <= y < len(lines):
            return Strip.blank(width, self.rich_style)
        line = lines[y]
        if self._hovered is not None:
            line = self._with_hovered_link(line)
        selection = self.text_selection
        span = selection.get_span(y) if selection is not None else None
        if span is not None:
            line = self._highlighted(line, *span)
        # Where each character is, so the mouse can select text as in any Textual widget.
        return line.apply_offsets(0, y)

    def _with_hovered_link(self, line: Strip) -> Strip:
        # Background and text style only: the link keeps its colour.
        full = self.get_component_rich_style("article-body--link-hover")
        hover = Style(bgcolor=full.bgcolor, bold=full.bold, underline=full.underline)
        if not any(segment.style and segment.style.meta.get("href") == self._hovered for segment in line):
            return line
        segments = [
            Segment(segment.text, segment.style + hover)
            if segment.style and segment.style.meta.get("href") == self._hovered
            else segment
            for segment in line
        ]
        return Strip(segments, line.cell_length)

    def _highlighted(self, line: Strip, start: int, end: int) -> Strip:
        """The line with characters `start` to `end` (-1: the end) in the screen's selection colours."""
        text = line.text
        first = cell_len(text[:start])
        last = line.cell_length if end == -1 else max(first, cell_len(text[:end]))
        before, chosen, after = line.divide([first, last, line.cell_length])
        selected = self.screen.get_component_rich_style("screen--selection")
        chosen = Strip(Segment.apply_style(chosen, post_style=selected), chosen.cell_length)
        return Strip.join([before, chosen, after])

    def get_selection(self, selection: Selection) -> tuple[str, str] | None:
        """The selected text, as the lines show it (bullets and quote bars included)."""
        lines = self._lines_at(self.size.width)
        return selection.extract("\n".join(line.text.rstrip() for line in lines)), "\n"

    def selection_updated(self, selection: Selection | None) -> None:
        self.refresh()

    def _on_mouse_move(self, event: events.MouseMove) -> None:
        href = event.style.meta.get("href")
        hovered = href if isinstance(href, str) else None
        if hovered != self._hovered:
            self._hovered = hovered
            self.refresh()

    def _on_leave(self, event: events.Leave) -> None:
        if self._hovered is not None:
            self._hovered = None
            self.refresh()

    def _on_click(self, event: events.Click) -> None:
        href = event.style.meta.get("href")
        if isinstance(href, str):
            event.stop()
            self.post_message(self.LinkClicked(self, href))

    # Layout ----------------------------------------------------------------------------------

    def _lines_at(self, width: int) -> list[Strip]:
        """The document's lines at this width: all of them, or for a long one its first screen now and
        the whole in a thread.

        The first screen is more than the terminal is high, so a long article scrolls from the start:
        were it shorter, the scrollbar would come only once the whole arrived, narrowing the width and
        starting the layout again, with no scrollbar meanwhile, and so on for ever.
        """
        laid_out = self._laid_out_for
        if laid_out is not None and laid_out[0] == width and laid_out[1] is self.document:
            return self._lines
        token = object()
        self._laid_out_for = (width, self.document, token)
        if width <= 0:
            self._lines = []
            return self._lines
        self._laid_out_styles = self._styles()
        base, *components = self._laid_out_styles
        layout = ArticleLayout(
            width, self.app.console, base, dict(zip(sorted(self.COMPONENT_CLASSES), components, strict=True))
        )
        blocks = self.document.blocks
        self._lines, whole = layout.head(blocks, SYNC_LAYOUT_CHARS, self.app.size.height)
        if not whole:
            self._lay_out(layout, blocks, token)
        return self._lines

    @work(thread=True, exclusive=True, exit_on_error=False, group="article-layout", name="lay out article")
    def _lay_out(self, layout: ArticleLayout, blocks: Sequence[Block], token: object) -> None:
        worker = get_current_worker()
        lines = layout.lines(blocks, keep_going=lambda: not worker.is_cancelled)
        if not worker.is_cancelled:
            self.post_message(self._LaidOut(token, lines))

    @on(_LaidOut)
    def _laid_out(self, message: _LaidOut) -> None:
        if self._laid_out_for is not None and self._laid_out_for[2] is message.token:
            self._lines = message.lines
            self.refresh(layout=True)
