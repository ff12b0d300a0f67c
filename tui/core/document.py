"""An article's Markdown text as blocks of marked-up runs: parsed in a thread, laid out by the reader.

The reader draws these blocks line by line at whatever width it has; nothing here knows about the
screen, so parsing (the costly part) never runs on the UI thread. Markdown stays Markdown: an HTML block
inside it is converted where it stands (html2text, then parsed as the Markdown that gives), inline tags
become marks like Markdown's own, footnotes are numbered and listed at the end, and code blocks are cut
into highlighted pieces.
"""

from __future__ import annotations

import html
import re
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from functools import cache
from typing import TYPE_CHECKING

from tui.core.body_text import MAX_RENDER_SECONDS, html_to_markdown, is_tracking_pixel, strip_tags
from tui.core.code_highlight import highlight, language_of
from tui.core.sanitize import clean_line, clean_text

if TYPE_CHECKING:
    from markdown_it import MarkdownIt
    from markdown_it.token import Token

MAX_DOCUMENT_CHARS = 200_000
"""Longer texts are cut at a paragraph break before this; the reader says so."""

HIGHLIGHT_SECONDS = 0.5
"""Code blocks are highlighted for at most this long an article; the rest show in the plain code colour."""

BULLETS = ("•", "◦", "▪")
QUOTE_BAR = "▌ "
TAB = "    "


@dataclass(frozen=True, slots=True)
class Run:
    """A stretch of text with its marks: `strong`, `em`, `strike`, `underline`, `code`, `kbd`, `sup`,
    `sub`, `link`, `image`, `quote`, `bullet`, `footnote`, and in code blocks `syntax:<kind>` (a kind of
    `code_highlight.KINDS`)."""

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
    language: str = ""
    """A code block's language as its fence names it (`rust`); "" when none."""

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
    from mdit_py_plugins.footnote import footnote_plugin

    try:
        parser = MarkdownIt("gfm-like")  # tables, strikethrough and bare web addresses as links
    except ModuleNotFoundError:  # linkify-it is optional in markdown-it
        parser = MarkdownIt("commonmark").enable(["table", "strikethrough"])
    return parser.use(footnote_plugin)


def warm_up() -> None:
    """Import and build the Markdown parser now (in a thread, while idle), before the first article."""
    _parser().parse("warm *up*[^1]\n\n[^1]: note")


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
        self.open_marker(marker, "bullet")

    def open_marker(self, marker: str, mark: str) -> None:
        self.frames.append(_Frame((Run(marker, frozenset({mark})),), (Run(" " * len(marker)),)))


_INLINE_TAG = re.compile(r"<(/?)([A-Za-z][\w-]*)((?:\s[^<>]*)?)>", re.DOTALL)
_ATTRIBUTE = re.compile(r"""([\w:-]+)\s*=\s*("[^"]*"|'[^']*'|[^\s"'>]+)""")
_MARK_OF_TAG = {
    **dict.fromkeys(("em", "i", "cite", "dfn", "var"), "em"),
    **dict.fromkeys(("strong", "b"), "strong"),
    **dict.fromkeys(("code", "tt", "samp"), "code"),
    **dict.fromkeys(("del", "s", "strike"), "strike"),
    **dict.fromkeys(("u", "ins"), "underline"),
    "kbd": "kbd",
    "sup": "sup",
    "sub": "sub",
}
"""Inline HTML tags drawn as marks; any other tag (`span`, `abbr`, `font`, …) goes and its text stays."""
_VOID_TAGS = frozenset({"br", "img", "hr", "wbr", "input", "source", "track", "area", "col", "embed"})


def _attributes(inside: str) -> dict[str, str]:
    return {name.lower(): html.unescape(value.strip("\"'")) for name, value in _ATTRIBUTE.findall(inside)}


class _Inline:
    """Builds the runs of one inline token: text with the marks of the emphasis, tags and links around it."""

    def __init__(self) -> None:
        self.runs: list[Run] = []
        self.marks: list[str] = []
        self.links: list[str] = []
        self.tags: list[tuple[str, str | None, bool]] = []
        """The inline HTML tags open: name, the mark it gives, whether it opened a link."""

    def add(self, text: str, *extra: str, href: str | None = None) -> None:
        if text:
            link = href if href is not None else (self.links[-1] if self.links else None)
            tag_marks = (mark for _, mark, _ in self.tags if mark is not None)
            link_mark = ("link",) if self.links and href is None else ()
            wanted = frozenset((*self.marks, *tag_marks, *extra, *link_mark))
            self.runs.append(Run(_safe(text).replace("\t", " "), wanted, link))

    def image(self, alt: str, src: str) -> None:
        alt = " ".join(html.unescape(alt).split())  # Markdown's label is its source: `&ldquo;` and all
        self.add(f"[image: {alt}]" if alt else "[image]", "image", href=clean_line(src))

    def html(self, tag: str) -> None:
        """An inline HTML tag: a mark, a link, a line break or an image; unknown ones go."""
        found = _INLINE_TAG.fullmatch(tag.strip())
        if found is None:  # a comment, a declaration, or no tag at all
            return
        closing, name, inside = found[1] == "/", found[2].lower(), found[3]
        if closing:
            for index in range(len(self.tags) - 1, -1, -1):
                if self.tags[index][0] == name:
                    _, _, opened_link = self.tags.pop(index)
                    if opened_link and self.links:
                        self.links.pop()
                    break
            return
        if name == "br":
            self.add("\n")
        elif name == "img":
            attributes = _attributes(inside)
            if not is_tracking_pixel(tag) and attributes.get("src"):
                self.image(attributes.get("alt", ""), attributes["src"])
        elif name in _VOID_TAGS or inside.rstrip().endswith("/"):
            return
        elif name == "a":
            href = _attributes(inside).get("href", "").strip()
            is_link = bool(href) and _parser().validateLink(href)
            if is_link:
                self.links.append(clean_line(href))
            self.tags.append((name, None, is_link))
        else:
            self.tags.append((name, _MARK_OF_TAG.get(name), False))


def _inline_runs(token: Token) -> tuple[Run, ...]:
    """The runs of an inline token: text with the marks of the emphasis and links around it."""
    inline = _Inline()
    add, marks, links = inline.add, inline.marks, inline.links
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
        elif kind == "html_inline":
            inline.html(child.content)
        elif kind == "footnote_ref":
            add(f"[{int(child.meta.get('id', 0)) + 1}]", "footnote")
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
            inline.image(child.content.strip(), str(child.attrGet("src") or ""))
    return tuple(inline.runs)


def _safe(text: str) -> str:
    """Text as the reader may show it: entities such as `&#27;` decode to controls, so clean again."""
    return text if text.isprintable() else clean_text(text)


def _code_runs(content: str, language: str, deadline: float) -> tuple[Run, ...]:
    """A code block's runs: its text as highlighted pieces, tabs as spaces."""
    code = _safe(content.rstrip("\n")).replace("\t", TAB)
    return tuple(
        Run(text, frozenset({f"syntax:{kind}"}) if kind else frozenset())
        for text, kind in highlight(code, language, deadline)
    )


class _Parse:
    """One parse of an article: the tokens walked in order into blocks."""

    def __init__(self) -> None:
        self.builder = _Builder()
        start = time.monotonic()
        self.convert_until = start + MAX_RENDER_SECONDS
        self.highlight_until = start + HIGHLIGHT_SECONDS

    def walk(self, tokens: Sequence[Token], *, converted: bool = False) -> None:
        """Turn tokens into blocks; `converted` tokens came from an HTML block's Markdown."""
        builder = self.builder
        rows: list[tuple[tuple[Run, ...], ...]] = []
        cells: list[tuple[Run, ...]] = []
        header_rows = 0
        in_head = False
        for index, token in enumerate(tokens):
            kind = token.type
            before = tokens[index - 1].type if index > 0 else ""
            if kind in ("bullet_list_open", "ordered_list_open"):
                start = int(token.attrGet("start") or 1) if kind == "ordered_list_open" else 0
                builder.lists.append(_List(kind == "ordered_list_open", start, len(builder.lists)))
            elif kind in ("bullet_list_close", "ordered_list_close", "footnote_block_close"):
                if builder.lists:
                    builder.lists.pop()
            elif kind == "list_item_open":
                builder.open_item()
            elif kind in ("list_item_close", "blockquote_close", "footnote_close"):
                if builder.frames:
                    builder.frames.pop()
            elif kind == "blockquote_open":
                bar = (Run(QUOTE_BAR, frozenset({"quote"})),)
                builder.frames.append(_Frame(bar, bar))
            elif kind == "footnote_block_open":
                # The notes, after a rule, numbered as their references are.
                builder.add("rule")
                builder.lists.append(_List(True, 1, len(builder.lists)))
            elif kind == "footnote_open":
                builder.open_marker(f"{int(token.meta.get('id', 0)) + 1}. ", "footnote")
            elif kind == "inline" and before in ("th_open", "td_open"):
                cells.append(_inline_runs(token))
            elif kind == "inline" and before == "heading_open":
                builder.add("heading", runs=_inline_runs(token), level=int(tokens[index - 1].tag[1:]))
            elif kind == "inline":
                # A note's first paragraph follows the one before it without a gap, as a tight list's.
                first_of_note = index > 1 and tokens[index - 2].type == "footnote_open"
                tight = tokens[index - 1].hidden or first_of_note
                builder.add("text", tight=tight, runs=_inline_runs(token))
            elif kind in ("fence", "code_block"):
                language = language_of(token.info) if kind == "fence" else ""
                runs = _code_runs(token.content, language, self.highlight_until)
                builder.add("code", runs=runs, language=language)
            elif kind == "html_block":
                self.html_block(token.content, converted)
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

    def html_block(self, content: str, converted: bool) -> None:
        """HTML in a Markdown post, converted where it stands; what html2text left as HTML, as its text."""
        if not converted:
            markdown = html_to_markdown(content, self.convert_until)
            self.walk(_parser().parse(markdown), converted=True)
            return
        text = " ".join(strip_tags(content).split())
        if text:
            self.builder.add("text", runs=(Run(_safe(text)),))


def parse_document(text: str, limit: int = MAX_DOCUMENT_CHARS) -> Document:
    """Parse an article's Markdown into blocks; text past `limit` characters is left out (`cut`)."""
    text, cut = cut_text(text, limit)
    parse = _Parse()
    parse.walk(_parser().parse(text))
    return Document(tuple(parse.builder.blocks), text, cut)


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
