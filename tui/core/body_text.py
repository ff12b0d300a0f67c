"""Turn a post's body into readable Markdown-structured text, within time and size bounds."""

from __future__ import annotations

import html
import re
import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from tui.core.encoding import repair_mojibake
from tui.core.sanitize import clean_text

if TYPE_CHECKING:
    import html2text

    from tui.core.site import Site

MAX_BODY_CHARS = 400_000
"""Longer bodies are cut here before conversion; the reader says so."""

MAX_RENDER_SECONDS = 2.0
"""html2text is quadratic on some malformed HTML: conversion stops after this long, keeping what it has."""

MAX_TEXT_CHARS = 1_000_000
"""Converted text is cut here: deeply nested lists or quotes can make html2text's output explode."""

_CHUNK_CHARS = 4_096
# Markup that stays unfinished for this long (`<a x="...` without end) is malformed: Python's
# HTMLParser takes quadratic time on it when the parser is closed, so it is dropped instead.
_MAX_PENDING_CHARS = 4_096
_SAFE_SCHEMES = ("http://", "https://", "mailto:", "#")

HTML_SUFFIXES = (".html", ".htm", ".xhtml")
MARKDOWN_SUFFIXES = (".md", ".markdown", ".mdown", ".mkd", ".mkdn", ".mdwn", ".mdtxt", ".mdtext")

# A body that is HTML as a whole opens with a document or block element (after any comments) and
# ends with a tag; Markdown with a few tags in it does not.
_HTML_DOCUMENT_START = re.compile(
    r"\s*(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html|head|body|p|div|h[1-6]|ul|ol|table|blockquote|figure|"
    r"section|article|header|main|aside|pre|dl)\b",
    re.IGNORECASE | re.DOTALL,
)
_IMG_TAG = re.compile(r"<img\b[^<>]*>", re.IGNORECASE)
_TINY_SIZE = re.compile(r"""\b(?:width|height)\s*=\s*["']?\s*[01](?:px)?\s*["'\s/>]""", re.IGNORECASE)
_TRACKER_SRC = re.compile(
    r"""src\s*=\s*["']?[^"'\s>]*(?:feedburner\.com/~r/|/pixel|/track|/beacon|doubleclick\.net)""",
    re.IGNORECASE,
)
_SCRIPT_OR_STYLE = re.compile(
    r"<(script|style|noscript|template)\b[^<>]*>.*?(?:</\1\s*>|\Z)", re.IGNORECASE | re.DOTALL
)
_LINK_TARGET = re.compile(r"""(\b(?:href|src)\s*=\s*)(["']?)\s*([^"'\s>]*)""", re.IGNORECASE)
_COMMENT = re.compile(r"<!--.*?(?:-->|\Z)", re.DOTALL)
# `[^<>]` rather than `[^>]`: a body of many `<` and no `>` would otherwise take quadratic time.
_TAG = re.compile(r"<[^<>]*>")
# In Markdown only what is shaped like a tag: `a < b > c` and `Vec<T>` in prose keep their words.
_MARKDOWN_TAG = re.compile(r"</?[A-Za-z][\w-]*(?:\s[^<>]*)?/?>")
_BLANK_LINES = re.compile(r"\n{3,}")
_BARE_AMPERSAND = re.compile(r"&(?!(?:[A-Za-z][A-Za-z0-9]{0,31}|#[0-9]{1,7}|#[xX][0-9A-Fa-f]{1,6});)")


@dataclass(frozen=True, slots=True)
class ReadableText:
    """A body as readable text, and what was left out to stay within bounds."""

    text: str
    truncated: bool = False
    notes: tuple[str, ...] = ()


def looks_like_html(body: str, suffix: str = "") -> bool:
    """Whether a body is HTML as a whole, to go through html2text whole rather than be read as Markdown.

    The file's suffix decides first: `.html` is HTML and `.md`/`.markdown` is Markdown, whatever tags
    or code it holds (its HTML is converted where it stands). Only a file of another kind (`.txt`) is
    looked at: it is HTML when it starts with a block element and ends with a tag.
    """
    suffix = suffix.lower()
    if suffix in HTML_SUFFIXES:
        return True
    if suffix in MARKDOWN_SUFFIXES:
        return False
    start = body[:20_000]
    return bool(_HTML_DOCUMENT_START.match(start)) and body.rstrip().endswith(">")


def is_safe_link(url: str) -> bool:
    """Only web addresses may be opened from krant: http and https."""
    return url.strip().lower().startswith(("http://", "https://"))


def is_tracking_pixel(tag: str) -> bool:
    """Whether an `<img …>` tag is a one-pixel image or a tracker's, which a reader never sees."""
    return bool(_TINY_SIZE.search(tag) or _TRACKER_SRC.search(tag))


def _drop_unsafe_target(match: re.Match[str]) -> str:
    target = html.unescape(match[3]).strip().lower()
    if not target or target.startswith(_SAFE_SCHEMES) or ":" not in target.split("/")[0]:
        return match[0]
    return f"{match[1]}{match[2]}#"


def prepare_html(body: str) -> str:
    """Remove what a reader must never see or follow: scripts, styles, tracking pixels, unsafe links."""
    body = _COMMENT.sub("", body)
    body = _SCRIPT_OR_STYLE.sub("", body)
    body = _IMG_TAG.sub(lambda m: "" if is_tracking_pixel(m[0]) else m[0], body)
    body = _BARE_AMPERSAND.sub("&amp;", body)  # html2text writes `O&M` as `O&M;`
    return _LINK_TARGET.sub(_drop_unsafe_target, body)


def _converter() -> html2text.HTML2Text:
    import html2text  # imported when the first HTML post opens, not at every start

    converter = html2text.HTML2Text()
    converter.body_width = 0
    converter.unicode_snob = True
    converter.single_line_break = False
    converter.mark_code = False
    converter.protect_links = False
    converter.pad_tables = False
    return converter


def warm_up() -> None:
    """Import html2text now (in a thread, while idle), so the first article opens as fast as the others."""
    _converter()


def _html_to_text(body: str, deadline: float) -> tuple[str, str | None]:
    """Feed html2text in chunks so a pathological input can be abandoned, saying why if it was."""
    converter = _converter()
    stopped = None
    for start in range(0, len(body), _CHUNK_CHARS):
        converter.feed(body[start : start + _CHUNK_CHARS])
        pending = getattr(converter, "rawdata", "")
        if len(pending) > _MAX_PENDING_CHARS and pending.startswith("<"):
            converter.rawdata = ""
            stopped = "The HTML is malformed (a tag or comment that never ends); showing the part before it."
            break
        if time.monotonic() > deadline and start + _CHUNK_CHARS < len(body):
            stopped = "Converting the article took too long; showing the part converted so far."
            break
    return converter.finish(), stopped


def strip_tags(body: str) -> str:
    """HTML's text without its tags, entities decoded."""
    return html.unescape(_TAG.sub(" ", body))


def html_to_markdown(fragment: str, deadline: float) -> str:
    """A piece of HTML from a Markdown post (a `<div>`, a `<table>`) as Markdown, made safe as a whole
    HTML body is; its text without tags if html2text fails, or what it converted by `deadline`."""
    prepared = prepare_html(fragment)
    if time.monotonic() > deadline:
        return strip_tags(prepared)
    try:
        return _html_to_text(prepared, deadline)[0]
    except Exception:  # html2text raises assorted errors on malformed HTML
        return strip_tags(prepared)


def readable_text(
    body: str,
    *,
    is_html: bool,
    max_seconds: float = MAX_RENDER_SECONDS,
    site: Site | None = None,
    fields: Mapping[str, object] | None = None,
    zola: bool = False,
) -> ReadableText:
    """Convert a post body to readable Markdown: HTML through html2text, Markdown with its site's
    templates resolved (`clean_markup`; its HTML is converted when the document is parsed).

    Args:
        site: the site the post belongs to, for `{{ site.* }}` and post links (None: unknown).
        fields: the post's front matter, for `{{ page.* }}`.
        zola: the post is Zola's (TOML front matter): its body is no Liquid template.

    Never raises: if html2text fails, the body's text without tags is shown and a note says why.
    """
    notes: list[str] = []
    truncated = len(body) > MAX_BODY_CHARS
    if truncated:
        body = body[:MAX_BODY_CHARS]
        notes.append(f"The article is longer than {MAX_BODY_CHARS:,} characters; showing the start.")
    if is_html:
        prepared = prepare_html(body)
        try:
            text, stopped = _html_to_text(prepared, time.monotonic() + max_seconds)
        except Exception as error:  # html2text raises assorted errors on malformed HTML
            text, stopped = strip_tags(prepared), None
            notes.append(f"The HTML could not be converted ({type(error).__name__}); showing its text.")
        if stopped:
            truncated = True
            notes.append(stopped)
    else:
        text = _markdown_text(body, site, fields, zola, notes)
    if len(text) > MAX_TEXT_CHARS:
        text = text[:MAX_TEXT_CHARS]
        truncated = True
        notes.append(
            f"The converted article is longer than {MAX_TEXT_CHARS:,} characters; showing the start."
        )
    text = clean_text(repair_mojibake(text))
    text = _BLANK_LINES.sub("\n\n", text).strip()
    return ReadableText(text=text, truncated=truncated, notes=tuple(notes))


def _markdown_text(
    body: str, site: Site | None, fields: Mapping[str, object] | None, zola: bool, notes: list[str]
) -> str:
    from tui.core.site_markup import clean_markup  # with the Markdown parser: when an article opens

    try:
        return clean_markup(body, site, zola=zola, page=fields).text
    except Exception as error:  # a template the cleaner trips over still leaves the post readable
        notes.append(f"The post's templates could not be read ({type(error).__name__}); showing them.")
        return body


MAX_SEARCH_CHARS = 200_000
"""Only the start of a longer body is indexed for search."""


def plain_text(body: str, *, is_html: bool) -> str:
    """A cheap, tag-free text of a body for searching; not for display (`clean_text` it first)."""
    body = body[:MAX_SEARCH_CHARS]
    if is_html:
        text = strip_tags(_SCRIPT_OR_STYLE.sub(" ", body))
    else:
        text = html.unescape(_MARKDOWN_TAG.sub(" ", _COMMENT.sub(" ", _SCRIPT_OR_STYLE.sub(" ", body))))
    return repair_mojibake(text)


_MARKDOWN_SYNTAX = (
    (re.compile(r"^ {0,3}(?:```|~~~).*$", re.M), ""),  # fences
    (re.compile(r"^ {0,3}\[[^\]\n]+\]:[^\n]*$", re.M), ""),  # link reference definitions
    (re.compile(r"\{%.*?%\}|\{\{.*?\}\}", re.S), " "),  # templates
    (re.compile(r"!?\[([^\]\n]*)\]\([^)\n]*\)"), r"\1"),  # links and images: their text
    (re.compile(r"!?\[([^\]\n]+)\]\[[^\]\n]*\]"), r"\1"),  # reference links
    (re.compile(r"\[\^[^\]\s]+\]"), ""),  # footnote references
    (re.compile(r"^ {0,3}(?:#{1,6}\s+|>\s?|(?:[-*+]|\d{1,9}[.)])\s+)+", re.M), ""),  # headings, quotes, items
    (re.compile(r"\*\*|~~|`+|(?<!\w)\*(?=\S)|(?<=\S)\*(?!\w)"), ""),  # emphasis, strikes, code
    (re.compile(r"(?<!\w)__?(?=\S)|(?<=\S)__?(?!\w)"), ""),  # underscore emphasis, never snake_case
)


def markdown_words(text: str) -> str:
    """Markdown's text without its syntax (links as their words, no `#`, `*`, backticks or list marks),
    for a line shown out of its context such as a search result's snippet; not for the reader."""
    for pattern, replacement in _MARKDOWN_SYNTAX:
        text = pattern.sub(replacement, text)
    return text

