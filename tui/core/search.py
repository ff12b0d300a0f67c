"""Search queries and hits: turn what a user types into a safe FTS5 query, and a match into a snippet.

The search itself runs in the index (`tui.core.index.PostIndex.search`); this module holds the parts that need
no database or file, so they can be tested on their own.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from enum import StrEnum

from tui.core.sanitize import clean_line, clean_text

MAX_TERMS = 16
"""Longer queries are cut: nobody types more, and each term costs a lookup."""
SNIPPET_BEFORE = 40
"""Characters of context kept before the first match (then back to a word start)."""
SNIPPET_AFTER = 110
SNIPPET_START = 150
"""Characters of the body shown when no word of the query is found in it (it matched the index only)."""

# Words as FTS5's unicode61 tokenizer sees them: letters, digits and private-use characters.
# Everything else (quotes, *, parentheses, colons, minus) separates words and cannot reach FTS5 syntax.
_WORD = re.compile(r"[^\W_]+")


@dataclass(frozen=True, slots=True)
class SearchHit:
    """One matching post: its `Post.path` (the UI maps it to a Post) and the matched words in context."""

    path: str
    snippet: str
    """A short, single-line, control-free piece of the title or body around the match."""
    highlights: tuple[tuple[int, int], ...] = ()
    """(start, end) character offsets in `snippet` of the matched words, for the UI to style."""


class Order(StrEnum):
    """How hits are ordered: best match first (BM25, recent posts favoured) or newest first."""

    RELEVANCE = "relevance"
    NEWEST = "newest"


@dataclass(frozen=True, slots=True)
class Part:
    """One thing every hit must hold: a word, or words that must occur together in this order."""

    words: tuple[str, ...]
    prefix: bool = False
    """Whether the last word also matches longer words (the word still being typed)."""


def query_terms(text: str) -> list[str]:
    """The words of a typed query, as the index's tokenizer would split them."""
    return _WORD.findall(text)[:MAX_TERMS]


def query_parts(text: str, *, prefix_last: bool = True) -> list[Part]:
    """What a typed query asks for: its words, quoted phrases and words written together, in order.

    Words written without a space between them (`1.5.1`, `covid-19`, `bier:gebrouwen`) and the words
    between double quotes are a phrase: they must occur next to each other, in this order, with anything
    but a word between them (so `covid-19` also finds `COVID 19`, and `1.5.1` never `1.5.10`). With
    `prefix_last`, a last plain word, or the last word of a quote not yet closed, matches as a prefix.
    """
    parts: list[Part] = []
    budget = MAX_TERMS
    for quoted, closed, chunk in _CHUNK.findall(text):
        words = tuple(_WORD.findall(quoted or chunk)[:budget])
        if not words:
            continue
        budget -= len(words)
        parts.append(Part(words, prefix=not closed and (not chunk or len(words) == 1)))
        if budget <= 0:
            break
    if parts:
        parts[:-1] = [replace(part, prefix=False) for part in parts[:-1]]
        parts[-1] = replace(parts[-1], prefix=prefix_last and parts[-1].prefix)
    return parts


# A quote (its text, and the closing quote if there is one), or a run of anything but spaces and quotes.
_CHUNK = re.compile(r'"([^"]*)(")?|([^\s"]+)')


def fts_query(text: str, *, prefix_last: bool = True) -> str | None:
    """An FTS5 MATCH expression that finds posts holding every part of `text`, or None if it has none.

    Every word is quoted, so user input is never read as FTS5 syntax (`AND`, `"`, `*`, `(`, `col:`):
    a phrase is its words in one quoted string, which FTS5 matches as adjacent words.
    The last word matches as a prefix while the user is still typing it (`syr` finds `Syrië`).
    """
    return parts_fts(query_parts(text, prefix_last=prefix_last))


def parts_fts(parts: Sequence[Part]) -> str | None:
    """The FTS5 MATCH expression for parts that must all be found, or None if there are none."""
    if not parts:
        return None
    return " ".join(f'"{" ".join(part.words)}"' + ("*" if part.prefix else "") for part in parts)


def title_words(text: str) -> list[str]:
    """A title's (or a query's) words as the index compares them, to tell a title typed exactly."""
    return [fold(word) for word in _WORD.findall(text)]


def fold(text: str) -> str:
    """Text as the index compares it: accents dropped and case folded (`Syrië` → `syrie`)."""
    if text.isascii():
        return text.lower()
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(char for char in decomposed if not unicodedata.combining(char)).casefold()


def title_hit(path: str, title: str, terms: list[str]) -> SearchHit | None:
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


def title_hits(text: str, posts: Iterable[tuple[str, str]], skip: set[str]) -> Iterator[SearchHit]:
    """Hits among `(path, title)` pairs whose paths are not in `skip`, in the order given."""
    terms = [fold(term) for term in query_terms(text)]
    if not terms:
        return
    for path, title in posts:
        if path not in skip:
            hit = title_hit(path, title, terms)
            if hit is not None:
                yield hit


def _letter_variants() -> dict[str, str]:
    """For each ASCII letter and digit, the Latin characters that fold to it (`e`: `eéèêëĕ…`)."""
    variants: dict[str, list[str]] = {}
    for code in (*range(0xC0, 0x250), *range(0x1E00, 0x1F00)):
        character = chr(code)
        folded = fold(character)
        if len(folded) == 1 and folded.isascii() and folded.isalnum():
            variants.setdefault(folded, []).append(character)
    return {letter: "".join(characters) for letter, characters in variants.items()}


_VARIANTS = _letter_variants()
_MARKS = "[\u0300-\u036f]*"
"""Combining accents, as text in decomposed form (NFD) writes them after a letter."""


def _folded_word(term: str) -> str:
    """A regex for one folded word that matches it with any case and accents, as the index does."""
    parts = []
    for character in term:
        variants = _VARIANTS.get(character)
        parts.append(f"[{character}{variants}]" if variants else re.escape(character))
    return _MARKS.join(parts) + _MARKS


def words_pattern(text: str) -> re.Pattern[str] | None:
    """A regex for the query's words and phrases in text (the last word as a prefix while typed).

    It places and highlights matches in a snippet: a phrase's words match with any non-word between them.
    """
    return parts_pattern(query_parts(text))


def parts_pattern(parts: Sequence[Part]) -> re.Pattern[str] | None:
    """`words_pattern` for parts already split out of a query (see `tui.core.query`)."""
    if not parts:
        return None
    alternatives = []
    for part in parts:
        words = [_folded_word(fold(word)) for word in part.words]
        tail = "[^\\W_]*" if part.prefix else "(?![^\\W_])"
        alternatives.append("[\\W_]+".join(words) + tail)
    return re.compile(f"(?<![^\\W_])(?:{'|'.join(alternatives)})", re.IGNORECASE)


def make_snippet(
    body: str, title: str, pattern: re.Pattern[str] | None
) -> tuple[str, tuple[tuple[int, int], ...]]:
    """One line of a hit's body around its first matching word, with the matches' spans.

    The title when only the title matches; the body's start when neither does (the index matched a
    form this pattern misses). `body` is untrusted text without tags: it is cleaned here.
    """
    text = " ".join(clean_text(body).split())
    match = pattern.search(text) if pattern is not None else None
    if match is None:
        shown = clean_line(title)
        if pattern is not None and pattern.search(shown):
            return shown, tuple(found.span() for found in pattern.finditer(shown))
        if len(text) > SNIPPET_START:
            return text[:SNIPPET_START].rsplit(" ", 1)[0] + "…", ()
        return text or shown, ()
    start = max(0, match.start() - SNIPPET_BEFORE)
    if start:  # from a word's start
        start = text.find(" ", start, match.start()) + 1 or start
    end = min(len(text), match.end() + SNIPPET_AFTER)
    space = text.rfind(" ", match.end(), end)
    if end < len(text) and space != -1:  # to a word's end
        end = space
    lead = "…" if start else ""
    window = text[start:end]
    spans = tuple((found.start() + len(lead), found.end() + len(lead)) for found in pattern.finditer(window))
    return lead + window + ("…" if end < len(text) else ""), spans
