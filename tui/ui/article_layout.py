"""An article's blocks laid out as lines at one width: what the reader draws, and what `krant show` prints.

Prose wraps at words; a code line stays a line (a long one folds at the edge, never into its
neighbours); a table keeps its columns, its cells wrapping within them (Rich's Table at the pane's width).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable, Sequence

from rich import box
from rich.cells import cell_len, get_character_cell_size
from rich.console import Console
from rich.segment import Segment
from rich.style import Style
from rich.table import Table
from rich.text import Text
from textual.strip import Strip

from tui.core.code_highlight import KINDS
from tui.core.document import Block, Document, Run

COMPONENTS = frozenset(
    {
        "article-body--link",
        "article-body--link-hover",
        "article-body--code",
        "article-body--code-block",
        "article-body--quote",
        "article-body--bullet",
        "article-body--footnote",
        "article-body--heading",
        "article-body--rule",
        *(f"article-body--code-{kind}" for kind in KINDS),
    }
)
"""The component classes whose styles a layout draws with (the reader's, from its CSS and theme)."""

_MARK_STYLES = {
    "strong": Style(bold=True),
    "em": Style(italic=True),
    "strike": Style(strike=True),
    "underline": Style(underline=True),
}
_COMPONENT_OF_MARK = {
    "link": "article-body--link",
    "image": "article-body--link",
    "code": "article-body--code",
    "kbd": "article-body--code",
    "quote": "article-body--quote",
    "bullet": "article-body--bullet",
    "footnote": "article-body--footnote",
    "sup": "article-body--footnote",
    "sub": "article-body--footnote",
}
_SYNTAX = "syntax:"

# Columns divided by bars and the head underlined, as a Markdown table is written; no outer edge.
_TABLE_BOX = box.Box("    \n  │ \n ─┼ \n  │ \n ─┼ \n ─┼ \n  │ \n    \n")


class ArticleLayout:
    """Lays blocks out at one width in one set of styles.

    Args:
        width: Cells a line has.
        console: Renders text to segments (the app's).
        base: The style under everything (the reader's).
        component: A style for each of `COMPONENTS`.
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
                elif mark.startswith(_SYNTAX):
                    # Colour and weight only: the code block's background stays under every piece.
                    kind = self.component.get(f"article-body--code-{mark[len(_SYNTAX) :]}", Style())
                    style += Style(color=kind.color, bold=kind.bold, italic=kind.italic)
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

    def strip(self, prefix: Text, row: Text | list[Segment], fill: Style | None = None) -> Strip:
        segments = list(prefix.render(self.console))
        segments.extend(row.render(self.console) if isinstance(row, Text) else row)
        strip = Strip(segments).apply_style(self.base)
        return strip.crop_extend(0, self.width, self.base + fill if fill else self.base)

    def lines(self, blocks: Iterable[Block], keep_going: Callable[[], bool] = lambda: True) -> list[Strip]:
        """The blocks' lines; stops early (with what it has) once `keep_going` says so."""
        lines: list[Strip] = []
        for number, block in enumerate(blocks):
            if number % 100 == 99 and not keep_going():
                break
            lines.extend(self.block_lines(block))
        return lines

    def head(self, blocks: Sequence[Block], chars: int, min_lines: int) -> tuple[list[Strip], bool]:
        """The first lines, quickly: whole blocks within `chars` characters, then the start of the next
        block(s) until there are more than `min_lines` lines. Returns them and whether that was every
        block whole (else the caller lays the whole document out, in a thread)."""
        lines: list[Strip] = []
        total = 0
        for index, block in enumerate(blocks):
            size = sum(len(run.text) for run in block.text_runs)
            if total + size <= chars:
                total += size
                lines.extend(self.block_lines(block))
                continue
            for rest in blocks[index:]:
                if len(lines) > min_lines:
                    break
                lines.extend(self.block_lines(rest, lines_wanted=min_lines + 1 - len(lines)))
            return lines, False
        return lines, True

    def block_lines(self, block: Block, lines_wanted: int | None = None) -> list[Strip]:
        """A block's lines, the blank line before it included; with `lines_wanted`, only about that many
        of its first lines (cut short, a paragraph's last line may not be its final one, so it goes)."""
        lines: list[Strip] = []
        if block.gap_before:
            lines.append(self.strip(self.prefix(block.gap_prefix), Text(end="")))
        start = block if lines_wanted is None else self._start_of(block, lines_wanted)
        lines.extend(self.block(start))
        if start is not block and block.kind in ("text", "heading") and len(lines) > 1:
            lines.pop()
        return lines

    def _start_of(self, block: Block, lines: int) -> Block:
        """The start of a block, enough for about `lines` lines (and never much more work)."""
        if block.kind == "table":
            if len(block.rows) <= block.header_rows + lines:
                return block
            return dataclasses.replace(block, rows=block.rows[: block.header_rows + lines])
        wanted = (lines + 2) * max(self.width, 1)
        if sum(len(run.text) for run in block.runs) <= wanted:
            return block
        runs = _cut_runs(block.runs, wanted)
        if block.kind == "code":  # whole lines, where the cut holds enough of them
            text = "".join(run.text for run in runs)
            cut = -1
            for _ in range(lines):
                cut = text.find("\n", cut + 1)
                if cut < 0:
                    break
            if cut >= 0:
                runs = _cut_runs(runs, cut)
        return dataclasses.replace(block, runs=tuple(runs))

    def block(self, block: Block) -> list[Strip]:
        first = self.prefix(block.first_prefix)
        rest = self.prefix(block.prefix)
        room = max(self.width - max(first.cell_len, rest.cell_len), 1)
        fill = None
        rows: Sequence[Text | list[Segment]]
        if block.kind == "rule":
            rows = [Text("─" * room, self.component["article-body--rule"])]
        elif block.kind == "table":
            rows = self.table(block, room)
        elif block.kind == "code":
            fill = self.component["article-body--code-block"]
            rows = [part for line in self.code_lines(block.runs, fill) for part in _fold(line, room)]
        else:
            heading = None
            if block.kind == "heading":  # the top two levels underlined, as sections of the article
                heading = self.component["article-body--heading"] + Style(underline=block.level <= 2)
            rows = list(self.text(block.runs, heading).wrap(self.console, room, overflow="fold"))
        return [self.strip(first if index == 0 else rest, row, fill=fill) for index, row in enumerate(rows)]

    def code_lines(self, runs: Iterable[Run], fill: Style) -> list[Text]:
        """A code block's lines, each piece in its colour over the block's."""
        lines = [Text(end="")]
        for run in runs:
            style = fill + self.style(run)
            for number, part in enumerate(run.text.split("\n")):
                if number:
                    lines.append(Text(end=""))
                if part:
                    lines[-1].append(part, style)
        return lines

    def table(self, block: Block, room: int) -> list[list[Segment]]:
        """A table in columns at most `room` wide: cells wrap within their column, rows stay rows."""
        rule = self.component["article-body--rule"]
        rows = [[self.text(cell) for cell in row] for row in block.rows]
        columns = max((len(row) for row in rows), default=0)
        if not columns:
            return []
        table = Table(
            box=_TABLE_BOX,
            show_edge=False,
            pad_edge=False,
            padding=(0, 1),
            show_header=block.header_rows > 0,
            header_style=Style(bold=True),
            border_style=rule,
            style=Style(),
            highlight=False,
        )
        for _ in range(columns):
            table.add_column(overflow="fold", header_style=Style(bold=True))
        body = rows
        if block.header_rows > 0:
            head = rows[0] + [Text("")] * (columns - len(rows[0]))
            for column, cell in zip(table.columns, head, strict=True):
                column.header = cell
            body = rows[1:]
        for row in body:
            table.add_row(*row, *([Text("")] * (columns - len(row))))
        options = self.console.options.update(width=room, height=None, highlight=False, markup=False)
        return self.console.render_lines(table, options, pad=False)


def plain_lines(document: Document, width: int) -> list[str]:
    """The article's lines as the reader lays them out at `width`, as plain text (for `krant show`)."""
    width = max(width, 1)
    console = Console(width=width, color_system=None, force_terminal=False, legacy_windows=False)
    layout = ArticleLayout(width, console, Style(), dict.fromkeys(COMPONENTS, Style()))
    return [line.text.rstrip() for line in layout.lines(document.blocks)]


def _cut_runs(runs: Sequence[Run], end: int) -> list[Run]:
    """The runs up to character `end` of their text."""
    kept: list[Run] = []
    for run in runs:
        if end <= 0:
            break
        kept.append(run if len(run.text) <= end else dataclasses.replace(run, text=run.text[:end]))
        end -= len(run.text)
    return kept


def _fold(line: Text, width: int) -> list[Text]:
    """A line cut into pieces of at most `width` cells, where they fall (code is not wrapped at words)."""
    plain = line.plain
    if cell_len(plain) <= width:
        return [line]
    offsets: list[int] = []
    if plain.isascii():
        offsets = list(range(width, len(plain), width))
    else:
        used = 0
        for index, character in enumerate(plain):
            size = get_character_cell_size(character)
            if used + size > width and index > 0:
                offsets.append(index)
                used = 0
            used += size
    return list(line.divide(offsets))
