"""Search queries and hits: turn what a user types into a safe FTS5 query, and a match into a snippet.

The search itself runs in the index (`tui.index.PostIndex.search`); this module holds the parts that need
no database, so they can be tested on their own.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from tui.sanitize import clean_line

HIGHLIGHT_START = "\x02"
"""Marks the start of a matched word in FTS5's snippet; never shown (clean_line would drop it anyway)."""
HIGHLIGHT_END = "\x03"
MAX_TERMS = 16
"""Longer queries are cut: nobody types more, and each term costs a lookup."""

# Words as FTS5's unicode61 tokenizer sees them: letters, digits and private-use characters.
# Everything else (quotes, *, parentheses, colons, minus) separates words and cannot reach FTS5 syntax.
_WORD = re.compile(r"[^\W_]+")
_MARKED = re.compile(f"{HIGHLIGHT_START}(.*?){HIGHLIGHT_END}", re.DOTALL)


@dataclass(frozen=True, slots=True)
class SearchHit:
    """One matching post: its path (the UI maps it to a Post) and the matched words in context."""

    path: Path
    snippet: str
    """A short, single-line, control-free piece of the title or body around the match."""
    highlights: tuple[tuple[int, int], ...] = ()
    """(start, end) character offsets in `snippet` of the matched words, for the UI to style."""


def query_terms(text: str) -> list[str]:
    """The words of a typed query, as the index's tokenizer would split them."""
    return _WORD.findall(text)[:MAX_TERMS]


def fts_query(text: str, *, prefix_last: bool = True) -> str | None:
    """An FTS5 MATCH expression that finds posts holding every word of `text`, or None if it has none.

    Every word is quoted, so user input is never read as FTS5 syntax (`AND`, `"`, `*`, `(`, `col:`).
    The last word matches as a prefix while the user is still typing it (`syr` finds `Syrië`).
    """
    terms = query_terms(text)
    if not terms:
        return None
    quoted = [f'"{term}"' for term in terms]
    if prefix_last:
        quoted[-1] += "*"
    return " ".join(quoted)


def parse_snippet(marked: str) -> tuple[str, tuple[tuple[int, int], ...]]:
    """Split FTS5's snippet (matches between HIGHLIGHT_START/END) into clean text and highlight spans."""
    text_parts: list[str] = []
    spans: list[tuple[int, int]] = []
    length = 0
    position = 0
    for match in _MARKED.finditer(marked):
        before = _one_line(marked[position : match.start()])
        word = _one_line(match[1])
        text_parts += [before, word]
        length += len(before)
        if word:
            spans.append((length, length + len(word)))
        length += len(word)
        position = match.end()
    text_parts.append(_one_line(marked[position:]))
    return "".join(text_parts), tuple(spans)


def _one_line(text: str) -> str:
    """Newlines and runs of spaces become one space, keeping the text's edges so offsets line up."""
    cleaned = clean_line(text.replace(HIGHLIGHT_START, "").replace(HIGHLIGHT_END, ""))
    if not cleaned:
        return " " if text[:1].isspace() or text[-1:].isspace() else ""
    lead = " " if text[:1].isspace() else ""
    trail = " " if text[-1:].isspace() else ""
    return lead + cleaned + trail


def fold(text: str) -> str:
    """Text as the index compares it: accents dropped and case folded (`Syrië` → `syrie`)."""
    if text.isascii():
        return text.lower()
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(char for char in decomposed if not unicodedata.combining(char)).casefold()


def title_hit(path: Path, title: str, terms: list[str]) -> SearchHit | None:
    """A hit when the title holds every term (`terms` folded, the last one a prefix), else None.

    For posts the index does not hold yet: the title is the snippet, its matching words highlighted.
    """
    if not terms or not all(term in fold(title) for term in terms):  # cheap test before splitting words
        return None
    *whole, last = terms
    wanted = set(whole)
    found: set[str] = set()
    spans: list[tuple[int, int]] = []
    for match in _WORD.finditer(title):
        word = fold(match[0])
        hit = [term for term in wanted if term == word]
        if word.startswith(last):
            hit.append(last)
        if hit:
            found.update(hit)
            spans.append(match.span())
    if found != wanted | {last}:
        return None
    snippet = clean_line(title)
    if snippet != title:  # cleaning moved characters: keep the title, drop the highlights
        spans = []
    return SearchHit(path, snippet, tuple(spans))


def title_hits(text: str, posts: Iterable[tuple[Path, str]], skip: set[Path]) -> Iterator[SearchHit]:
    """Hits among `(path, title)` pairs whose paths are not in `skip`, in the order given."""
    terms = [fold(term) for term in query_terms(text)]
    if not terms:
        return
    for path, title in posts:
        if path not in skip:
            hit = title_hit(path, title, terms)
            if hit is not None:
                yield hit
