"""An article's body drawn line by line (Line API): laid out once per width, then only copied to screen.

Textual's Markdown widget mounts a widget per paragraph, which took a quarter of a second for a typical
article; this lays out a parsed `Document` into strips in a few milliseconds and draws only what is seen.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import ClassVar

from rich.cells import cell_len
from rich.console import Console
from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual import events, on, work
from textual.geometry import Size
from textual.message import Message
from textual.selection import Selection
from textual.strip import Strip
from textual.widget import Widget
from textual.worker import get_current_worker

from tui.core.document import Block, Document, Run

SYNC_LAYOUT_CHARS = 8_000
"""The blocks within this many characters are laid out on the UI thread (a few milliseconds; a typical
news article is all within it); the rest of a long article in a thread, so it never holds up the screen."""

_MARK_STYLES = {
    "strong": Style(bold=True),
    "em": Style(italic=True),
    "strike": Style(strike=True),
}
_COMPONENT_OF_MARK = {
    "link": "article-body--link",
    "image": "article-body--link",
    "code": "article-body--code",
    "quote": "article-body--quote",
    "bullet": "article-body--bullet",
}


class ArticleBody(Widget):
    """The body of the open article; a click on a link says so with `LinkClicked` (never opens it)."""

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "article-body--link",
        "article-body--link-hover",
        "article-body--code",
        "article-body--quote",
        "article-body--bullet",
        "article-body--heading",
        "article-body--rule",
    }

    DEFAULT_CSS = """
    ArticleBody {
        height: auto;
        & > .article-body--link { color: $text-accent; text-style: underline; }
        & > .article-body--link-hover { background: $block-hover-background; text-style: bold underline; }
        & > .article-body--code { color: $text-warning; background: $boost; }
        & > .article-body--quote { color: $text-muted; }
        & > .article-body--bullet { color: $text-secondary; }
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

    class _RestLaidOut(Message):
        """The part of a long document after its first screens, laid out in a thread."""

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
        """The document's lines at this width: now up to `SYNC_LAYOUT_CHARS`, the rest in a thread."""
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
        head = _blocks_within(blocks, SYNC_LAYOUT_CHARS)
        self._lines = layout.lines(blocks[:head])
        if head < len(blocks):
            self._lay_out_rest(layout, blocks[head:], token)
        return self._lines

    @work(thread=True, exclusive=True, exit_on_error=False, group="article-layout", name="lay out article")
    def _lay_out_rest(self, layout: ArticleLayout, blocks: Sequence[Block], token: object) -> None:
        worker = get_current_worker()
        lines = layout.lines(blocks, keep_going=lambda: not worker.is_cancelled)
        if not worker.is_cancelled:
            self.post_message(self._RestLaidOut(token, lines))

    @on(_RestLaidOut)
    def _rest_laid_out(self, message: _RestLaidOut) -> None:
        if self._laid_out_for is not None and self._laid_out_for[2] is message.token:
            self._lines = [*self._lines, *message.lines]
            self.refresh(layout=True)


def _blocks_within(blocks: Sequence[Block], chars: int) -> int:
    """How many blocks from the start hold at most `chars` characters."""
    total = 0
    for count, block in enumerate(blocks):
        total += sum(len(run.text) for run in block.text_runs)
        if total > chars:
            return count
    return len(blocks)


class ArticleLayout:
    """Lays blocks out at one width in one set of styles (the widget's, from its CSS and theme).

    Args:
        width: Cells a line has.
        console: Renders text to segments (the app's).
        base: The style under everything (the widget's).
        component: A style for each of `ArticleBody.COMPONENT_CLASSES`.
    """

    def __init__(self, width: int, console: Console, base: Style, component: dict[str, Style]) -> None:
        self.width = width
        self.console = console
        self.base = base
        self.component = component
        self._styles: dict[tuple[frozenset[str], str | None], Style] = {}

    def style(self, run: Run) -> Style:
        key = (run.marks, run.href)
        style = self._styles.get(key)
        if style is None:
            style = Style()
            for mark in sorted(run.marks):
                if mark in _MARK_STYLES:
                    style += _MARK_STYLES[mark]
                elif mark in _COMPONENT_OF_MARK:
                    style += self.component[_COMPONENT_OF_MARK[mark]]
            if run.href is not None:
                style += Style.from_meta({"href": run.href})
            self._styles[key] = style
        return style

    def text(self, runs: Iterable[Run], style: Style | None = None) -> Text:
        """Runs as one Text, each in `style` with its own marks on top."""
        text = Text(end="")
        for run in runs:
            text.append(run.text, style + self.style(run) if style else self.style(run))
        return text

    def prefix(self, runs: Sequence[Run]) -> Text:
        """Bullets, indents and quote bars; only the innermost half a line's worth when nested deeper,
        so text never wraps a few characters to a line (and a hostile article into a million lines)."""
        text = self.text(runs)
        limit = self.width // 2
        if text.cell_len > limit:
            text = text[len(text) - limit :] if limit > 0 else Text(end="")
        return text

    def strip(self, *parts: Text, fill: Style | None = None) -> Strip:
        segments: list[Segment] = []
        for part in parts:
            segments.extend(part.render(self.console))
        strip = Strip(segments).apply_style(self.base)
        return strip.crop_extend(0, self.width, self.base + fill if fill else self.base)

    def lines(self, blocks: Iterable[Block], keep_going: Callable[[], bool] = lambda: True) -> list[Strip]:
        """The blocks' lines; stops early (with what it has) once `keep_going` says so."""
        lines: list[Strip] = []
        for number, block in enumerate(blocks):
            if number % 100 == 99 and not keep_going():
                break
            if block.gap_before:
                lines.append(self.strip(self.prefix(block.gap_prefix)))
            lines.extend(self.block(block))
        return lines

    def block(self, block: Block) -> list[Strip]:
        first = self.prefix(block.first_prefix)
        rest = self.prefix(block.prefix)
        room = max(self.width - max(first.cell_len, rest.cell_len), 1)
        fill = None
        if block.kind == "rule":
            rows = [Text("─" * room, self.component["article-body--rule"])]
        elif block.kind == "table":
            rows = self.table(block, room)
        elif block.kind == "code":
            fill = self.component["article-body--code"]
            rows = [
                part
                for line in block.runs[0].text.split("\n")
                for part in self.text([Run(line or " ")], fill).wrap(self.console, room, overflow="fold")
            ]
        else:
            heading = None
            if block.kind == "heading":  # the top two levels underlined, as sections of the article
                heading = self.component["article-body--heading"] + Style(underline=block.level <= 2)
            rows = list(self.text(block.runs, heading).wrap(self.console, room, overflow="fold"))
        return [self.strip(first if index == 0 else rest, row, fill=fill) for index, row in enumerate(rows)]

    def table(self, block: Block, room: int) -> list[Text]:
        """A table in columns when it fits, else each row as a line of cells divided by bars."""
        rule = self.component["article-body--rule"]
        header = Style(bold=True)
        rows = [[self.text(cell) for cell in row] for row in block.rows]
        columns = max((len(row) for row in rows), default=0)
        widths = [max((row[i].cell_len for row in rows if i < len(row)), default=0) for i in range(columns)]
        divider = Text(" │ ", rule, end="")
        fits = sum(widths) + 3 * (columns - 1) <= room
        lines: list[Text] = []
        for number, row in enumerate(rows):
            if fits:
                row = [cell.copy() for cell in row]
                for cell, width in zip(row, widths, strict=False):
                    cell.pad_right(width - cell.cell_len)
            line = divider.join(row)
            if number < block.header_rows:
                line.stylize_before(header)
            lines.extend(line.wrap(self.console, room, overflow="fold") if not fits else [line])
            if number == block.header_rows - 1:
                width = min(room, sum(widths) + 3 * (columns - 1)) if fits else room
                line = Text("─" * width, rule, end="")
                if fits:
                    line = Text("─┼─", rule, end="").join(Text("─" * size, rule) for size in widths)
                lines.append(line)
        return lines
