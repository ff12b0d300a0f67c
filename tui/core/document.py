"""An article's Markdown text as blocks of marked-up runs: parsed in a thread, laid out by the reader.

The reader draws these blocks line by line at whatever width it has; nothing here knows about the
screen, so parsing (the costly part) never runs on the UI thread.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cache
from typing import TYPE_CHECKING

from tui.core.sanitize import clean_line, clean_text

if TYPE_CHECKING:
    from markdown_it import MarkdownIt
    from markdown_it.token import Token

MAX_DOCUMENT_CHARS = 200_000
"""Longer texts are cut at a paragraph break before this; the reader says so."""

BULLETS = ("•", "◦", "▪")
QUOTE_BAR = "▌ "
TAB = "    "


@dataclass(frozen=True, slots=True)
class Run:
    """A stretch of text with its marks (`strong`, `em`, `strike`, `code`, `link`, `image`, `quote`)."""

    text: str
    marks: frozenset[str] = frozenset()
    href: str | None = None
    """Where a link or image points, as written in the article (not checked: the reader decides)."""


@dataclass(frozen=True, slots=True)
class Block:
    """One paragraph, heading, code block, rule or table, with the prefixes of its first and other lines.

    Prefixes carry list bullets, list indentation and quote bars, so nesting is drawn without knowing it.
    """

    kind: str
    """`text`, `heading`, `code`, `rule` or `table`."""
    runs: tuple[Run, ...] = ()
    first_prefix: tuple[Run, ...] = ()
    prefix: tuple[Run, ...] = ()
    gap_prefix: tuple[Run, ...] = ()
    """What the blank line before the block shows: the bars of quotes it is already inside."""
    gap_before: bool = False
    """A blank line goes before this block."""
    level: int = 0
    """A heading's level, 1 to 6."""
    rows: tuple[tuple[tuple[Run, ...], ...], ...] = ()
    """A table's rows of cells; the first `header_rows` are its head."""
    header_rows: int = 0

    @property
    def text_runs(self) -> Iterator[Run]:
        """The runs of its text, a table's cells included (not its prefixes)."""
        yield from self.runs
        for row in self.rows:
            for cell in row:
                yield from cell


@dataclass(frozen=True, slots=True)
class Document:
    """A parsed article: its blocks, the Markdown they came from, and whether the text was cut."""

    blocks: tuple[Block, ...] = ()
    source: str = ""
    cut: bool = False


@cache
def _parser() -> MarkdownIt:
    from markdown_it import MarkdownIt  # imported when the first article opens, not at every start

    try:
        return MarkdownIt("gfm-like")  # tables, strikethrough and bare web addresses as links
    except ModuleNotFoundError:  # linkify-it is optional in markdown-it
        return MarkdownIt("commonmark").enable(["table", "strikethrough"])


def warm_up() -> None:
    """Import and build the Markdown parser now (in a thread, while idle), before the first article."""
    _parser().parse("warm *up*")


def cut_text(text: str, limit: int = MAX_DOCUMENT_CHARS) -> tuple[str, bool]:
    """The text cut at a paragraph break before `limit` characters (or at `limit`), and whether it was."""
    if len(text) <= limit:
        return text, False
    end = text.rfind("\n\n", 0, limit)
    return text[: end if end > limit // 2 else limit], True


@dataclass
class _Frame:
    """A list item or quote the parser is inside: what it puts before its first line and the others."""

    first: tuple[Run, ...]
    rest: tuple[Run, ...]
    started: bool = False


@dataclass
class _List:
    ordered: bool
    number: int
    depth: int


@dataclass
class _Builder:
    blocks: list[Block] = field(default_factory=list)
    frames: list[_Frame] = field(default_factory=list)
    lists: list[_List] = field(default_factory=list)
    previous_lists: list[_List] = field(default_factory=list)
    """The lists the block before was in: a tight list's items follow each other without a gap."""

    def add(self, kind: str, *, tight: bool = False, **fields: object) -> None:
        first: list[Run] = []
        rest: list[Run] = []
        gap_prefix: list[Run] = []
        for frame in self.frames:
            if frame.started:
                gap_prefix.extend(frame.rest)
            first.extend(frame.rest if frame.started else frame.first)
            rest.extend(frame.rest)
            frame.started = True
        block = Block(
            kind,
            first_prefix=tuple(first),
            prefix=tuple(rest),
            gap_prefix=tuple(gap_prefix),
            gap_before=bool(self.blocks) and not (tight and self._same_list()),
            **fields,  # type: ignore[arg-type]
        )
        self.blocks.append(block)
        self.previous_lists = list(self.lists)

    def _same_list(self) -> bool:
        return bool(self.lists) and any(seen is self.lists[0] for seen in self.previous_lists)

    def open_item(self) -> None:
        current = self.lists[-1] if self.lists else _List(False, 0, 0)
        if current.ordered:
            marker = f"{current.number}. "
            current.number += 1
        else:
            marker = f"{BULLETS[current.depth % len(BULLETS)]} "
        self.frames.append(_Frame((Run(marker, frozenset({"bullet"})),), (Run(" " * len(marker)),)))


def _inline_runs(token: Token) -> tuple[Run, ...]:
    """The runs of an inline token: text with the marks of the emphasis and links around it."""
    runs: list[Run] = []
    marks: list[str] = []
    links: list[str] = []

    def add(text: str, *extra: str, href: str | None = None) -> None:
        if text:
            link = href if href is not None else (links[-1] if links else None)
            wanted = frozenset((*marks, *extra, *(("link",) if links and href is None else ())))
            runs.append(Run(_safe(text).replace("\t", " "), wanted, link))

    for child in token.children or ():
        kind = child.type
        if kind == "text":
            add(child.content)
        elif kind == "softbreak":
            add(" ")
        elif kind == "hardbreak":
            add("\n")
        elif kind == "code_inline":
            add(child.content, "code")
        elif kind.endswith("_open") and kind[:-5] in ("strong", "em", "s"):
            marks.append({"s": "strike"}.get(kind[:-5], kind[:-5]))
        elif kind.endswith("_close") and kind[:-6] in ("strong", "em", "s"):
            if marks:
                marks.pop()
        elif kind == "link_open":
            links.append(clean_line(str(child.attrGet("href") or "")))
        elif kind == "link_close":
            if links:
                links.pop()
        elif kind == "image":
            alt = child.content.strip()
            src = clean_line(str(child.attrGet("src") or ""))
            add(f"[image: {alt}]" if alt else "[image]", "image", href=src)
    return tuple(runs)


def _safe(text: str) -> str:
    """Text as the reader may show it: entities such as `&#27;` decode to controls, so clean again."""
    return text if text.isprintable() else clean_text(text)


def _code_runs(content: str) -> tuple[Run, ...]:
    return (Run(_safe(content.rstrip("\n")).replace("\t", TAB), frozenset({"code"})),)


def parse_document(text: str, limit: int = MAX_DOCUMENT_CHARS) -> Document:
    """Parse an article's Markdown into blocks; text past `limit` characters is left out (`cut`)."""
    text, cut = cut_text(text, limit)
    builder = _Builder()
    rows: list[tuple[tuple[Run, ...], ...]] = []
    cells: list[tuple[Run, ...]] = []
    header_rows = 0
    in_head = False
    tokens = _parser().parse(text)
    for index, token in enumerate(tokens):
        kind = token.type
        if kind in ("bullet_list_open", "ordered_list_open"):
            start = int(token.attrGet("start") or 1) if kind == "ordered_list_open" else 0
            builder.lists.append(_List(kind == "ordered_list_open", start, len(builder.lists)))
        elif kind in ("bullet_list_close", "ordered_list_close"):
            builder.lists.pop()
        elif kind == "list_item_open":
            builder.open_item()
        elif kind in ("list_item_close", "blockquote_close"):
            builder.frames.pop()
        elif kind == "blockquote_open":
            bar = (Run(QUOTE_BAR, frozenset({"quote"})),)
            builder.frames.append(_Frame(bar, bar))
        elif kind == "inline" and index > 0 and tokens[index - 1].type in ("th_open", "td_open"):
            cells.append(_inline_runs(token))
        elif kind == "inline" and index > 0 and tokens[index - 1].type == "heading_open":
            builder.add("heading", runs=_inline_runs(token), level=int(tokens[index - 1].tag[1:]))
        elif kind == "inline":
            builder.add("text", tight=tokens[index - 1].hidden, runs=_inline_runs(token))
        elif kind in ("fence", "code_block"):
            builder.add("code", runs=_code_runs(token.content))
        elif kind == "html_block":
            builder.add("text", runs=(Run(_safe(token.content.strip()).replace("\t", " ")),))
        elif kind == "hr":
            builder.add("rule")
        elif kind == "thead_open":
            in_head = True
        elif kind == "thead_close":
            in_head = False
        elif kind == "tr_close":
            rows.append(tuple(cells))
            cells = []
            header_rows += in_head
        elif kind == "table_close":
            builder.add("table", rows=tuple(rows), header_rows=header_rows)
            rows, header_rows = [], 0
    return Document(tuple(builder.blocks), text, cut)


@dataclass(frozen=True, slots=True)
class Link:
    """A link (or image) in an article: the text it is on, and where it points."""

    text: str
    href: str


def document_links(document: Document) -> list[Link]:
    """The article's links and images in reading order, each address once (with its first text)."""
    found: dict[str, list[str]] = {}
    last: str | None = None
    for block in document.blocks:
        for run in block.text_runs:
            if run.href and ("link" in run.marks or "image" in run.marks):
                parts = found.setdefault(run.href, [])
                if run.href == last or not parts:  # the runs of one link (bold inside it, say) join up
                    parts.append(run.text)
                last = run.href
            else:
                last = None
        last = None
    return [Link(" ".join("".join(parts).split()) or href, href) for href, parts in found.items()]
