"""Search queries and hits: turn what a user types into a safe FTS5 query, and a match into a snippet.

The search itself runs in the index (`tui.index.PostIndex.search`); this module holds the parts that need
no database, so they can be tested on their own.
"""

from __future__ import annotations

import re
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
