"""A post body's templates and Markdown extensions turned into plain Markdown, so none is shown raw.

Posts are written for a site generator: Jekyll runs Liquid over them (`{% link %}`, `{{ site.url }}`),
kramdown reads attribute lists (`{: .note}`), Hugo and Zola have shortcodes, and authors leave notes in
HTML comments. krant shows a post as its site would: each construct becomes what it stands for (a URL,
a code block, an image, a quote) or goes, without leaving stray braces or blank lines behind. Code
(fenced blocks, inline spans, `<pre>`, `<code>`) is never touched: a reader wants it as written.

The work is a left-to-right scan that cuts the text into tokens, a pass that pairs block tags
(`{% if %}…{% endif %}`, `{{% note %}}…{{% /note %}}`), and a pass that writes the result. Each is
linear in the text and nothing is evaluated beyond looking values up, so hostile text (a million `{%`,
unclosed tags, deep nesting, `{{{{{{`) comes back quickly, and no bigger than a bound.
"""

from __future__ import annotations

import bisect
import re
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType

from rich.emoji import Emoji

from tui.core.site import Site, post_key

MAX_TAG_CHARS = 4096
"""A `{% … %}` or `{{ … }}` longer than this is taken as text: no real tag is, and it bounds the work."""
MAX_QUOTE_DEPTH = 8
"""Notes nested deeper than this keep their text but are not quoted again (each level repeats `> `)."""
MIN_EXPANSION_BUDGET = 100_000
"""Characters that values from the config may add, at least (else as many as the post has): a
million `{{ site.long_text }}` must not make a body a million times larger."""

_EMPTY: Mapping[str, object] = MappingProxyType({})
_JEKYLL_DEFAULTS = Site(kind="jekyll", root=Path())
_HUGO_DEFAULTS = Site(kind="hugo", root=Path())

# Token kinds. A token is a tuple whose first item is its kind.
_TEXT, _VERBATIM, _DROP, _BLOCK, _OPEN, _SEP, _CLOSE = range(7)

_LOOPS = frozenset({"for", "capture", "tablerow"})
"""Liquid blocks removed with their body: a loop's output or a captured variable is nothing to read."""
_BRANCHES = frozenset({"if", "unless", "case"})
"""Liquid blocks whose first branch is kept: the reader sees what the author wrote first."""
_ENDS = {"endif": "if", "endunless": "unless", "endcase": "case", "endfor": "for"}
_ENDS |= {"endcapture": "capture", "endtablerow": "tablerow"}
_INCLUDES = frozenset({"include", "include_relative", "include_cached", "render"})
_QUOTED = frozenset(
    {"note", "tip", "tips", "warning", "warn", "info", "caution", "important", "notice", "hint", "alert"}
    | {"callout", "admonition", "danger", "aside", "attention", "error", "success", "example"}
)
"""Shortcodes that set text apart as a note; shown as a `>` quote."""
_TYPED_NOTES = frozenset({"notice", "admonition", "alert", "callout", "hint"})
"""Notes whose kind is their first argument (`{{< notice warning >}}`)."""
_KIND_CHANGING_FILTERS = frozenset(
    {"size", "first", "last", "split", "join", "sort", "sort_natural", "where", "where_exp", "map", "sum"}
    | {"group_by", "group_by_exp", "find", "find_exp", "jsonify", "inspect", "number_of_words", "reverse"}
    | {"uniq", "compact", "concat", "push", "pop", "shift", "unshift", "sample", "slice", "to_integer"}
    | {"date", "date_to_string", "date_to_long_string", "date_to_xmlschema", "date_to_rfc822"}
    | {"plus", "minus", "times", "divided_by", "modulo", "round", "ceil", "floor", "abs", "at_least"}
    | {"at_most", "array_to_sentence_string"}
)
"""Liquid filters that turn a value into something else (a number, a list, JSON): the result is not
the value, so the expression goes rather than show the value as if it were."""
_STRING_FILTERS = {
    "url": str,  # Eleventy's: the site's path prefix, which is not known here, before a path
    "downcase": str.lower,
    "upcase": str.upper,
    "capitalize": str.capitalize,
    "strip": str.strip,
    "lstrip": str.lstrip,
    "rstrip": str.rstrip,
}
_CLOSING_PUNCTUATION = frozenset(".,;:!?)")
"""After a construct removed from inside a sentence, these need no space before them."""
_EMBED_NAMES = {"youtube": "YouTube video", "vimeo": "Vimeo video", "gist": "Gist"}
_EMBED_NAMES |= {"streamable": "Streamable video"}
_IMAGE_WORDS = ("image", "img", "figure", "picture", "photo", "avatar")
_IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".gif", ".svg", ".webp", ".avif")

_FENCE_LINE = re.compile(r"^[ \t>]*(?:`{3,}|~{3,})", re.MULTILINE)
_FENCE_OPEN = re.compile(r"[ \t>]*(`{3,}|~{3,})([^\n]*)")
_FENCE_CLOSE = re.compile(r"^[ \t>]*(`{3,}|~{3,})[ \t\r]*$", re.MULTILINE)
# kramdown's table of contents: a one-item list that `{:toc}` replaces.
_TOC_PAIR = re.compile(
    r"^[ \t]*(?:[*+-]|\d{1,9}[.)])[ \t]+[^\n]*\n[ \t]*\{:[ \t]*toc[ \t]*\}[ \t]*\r?$", re.M
)
_BACKTICKS = re.compile(r"`+")
_BLANK_LINE = re.compile(r"\n[ \t]*\r?\n")
_LINE_END = re.compile(r"[ \t]*\r?\n")
_ATX_HEADING = re.compile(r"[ \t]{0,3}#{1,6}[ \t]")
_HEADING_ATTRIBUTES = re.compile(r"\{[#.][^{}\n]*\}[ \t]*(?=\r?\n|\Z)")
_TAG_NAME = re.compile(r"\s*([A-Za-z_][\w-]*|#)")
_CALL = re.compile(r"\s*([A-Za-z_]\w*)\s*\((.*)\)\s*", re.DOTALL)
_ARGUMENT = re.compile(r"""(?:([A-Za-z_][\w-]*)\s*[:=]\s*)?("[^"]*"|'[^']*'|`[^`]*`|[^\s"'`,=:]+)""")
_VARIABLE = re.compile(r"[A-Za-z_][\w-]*\??(?:\.[\w-]+\??|\[\s*(?:\"[^\"]*\"|'[^']*'|\d+)\s*\])*")
_SEGMENT = re.compile(r"\.?([\w-]+)\??|\[\s*(?:\"([^\"]*)\"|'([^']*)'|(\d+))\s*\]")
_NUMBER = re.compile(r"-?\d+(?:\.\d+)?")
_EMOJI_RUN = re.compile(r"(?<![\w:])((?::[a-z0-9_+\-]{1,60}:)+)(?![\w:])")
_ENDS_OF = {
    "endraw": re.compile(r"\{%-?\s*endraw\s*-?%\}"),
    "endcomment": re.compile(r"\{%-?\s*endcomment\s*-?%\}"),
    "endhighlight": re.compile(r"\{%-?\s*endhighlight\s*-?%\}"),
    "/highlight": re.compile(r"\{\{[<%]\s*/\s*highlight\s*[>%]\}\}"),
    "kramdown-comment": re.compile(r"\{:/(?:comment)?\}"),
    "-->": re.compile(r"-->"),
    "%}": re.compile(r"%\}"),
    "}}": re.compile(r"\}\}"),
    ">}}": re.compile(r">\}\}"),
    "%}}": re.compile(r"%\}\}"),
    "script": re.compile(r"</script\s*>", re.IGNORECASE),
    "style": re.compile(r"</style\s*>", re.IGNORECASE),
    "pre": re.compile(r"</pre\s*>", re.IGNORECASE),
    "code": re.compile(r"</code\s*>", re.IGNORECASE),
}
_TRIGGERS = (
    ("`", "`"),
    ("{:", r"\{:(?=[^{}\n]*\})"),
    ("{#", _HEADING_ATTRIBUTES.pattern),
    ("<!--", "<!--"),
    *((f"<{tag}", f"<{tag}(?=[\\s>/])") for tag in ("script", "style", "pre", "code")),
    ("{{", r"\{\{"),
    ("{%", r"\{%"),
)
"""Where an inline construct may start, by name; a name is left out once nothing can close it."""
_HTML_OPEN = re.compile(r"<(script|style|pre|code)(?=[\s>/])", re.IGNORECASE)


@dataclass(frozen=True)
class CleanedMarkup:
    """A post body as plain Markdown, and which of its links point to other posts."""

    text: str
    post_links: Mapping[str, str] = field(default_factory=lambda: _EMPTY, hash=False)
    """Each URL that a post link tag became (`{% link %}`, `{% post_url %}`, Hugo `ref`/`relref`),
    mapped to the `post_key` of the post it names, so the reader can open that post from its folder
    instead of the web: match it against `post_key(relpath)` of the folder's posts."""


def clean_markup(
    text: str,
    site: Site | None = None,
    *,
    zola: bool = False,
    page: Mapping[str, object] | None = None,
) -> CleanedMarkup:
    """A Markdown post body with its site's templates and extensions resolved or removed.

    Args:
        text: the body, after its front matter.
        site: the site the post belongs to, for `{{ site.* }}`, params and post addresses (None: unknown).
        zola: the post is Zola's (TOML front matter, or a Zola site): its body is not a Liquid template,
            and `{{ name(args) }}` / `{% name(args) %}…{% end %}` are its shortcodes.
        page: the post's front matter, for `{{ page.title }}` (and Eleventy's bare `{{ title }}`).
    """
    zola = zola or (site is not None and site.kind == "zola")
    scanner = _Scanner(text, site, zola=zola, page=page or _EMPTY)
    scanner.scan()
    return CleanedMarkup(_write(scanner.tokens), MappingProxyType(scanner.post_links))


class _Next:
    """The next match of a pattern at or after a position, for a scan whose position only moves on.

    Remembering the last answer keeps the scan linear: a text with a million unclosed `{%` would
    otherwise be searched to its end a million times.
    """

    __slots__ = ("_pattern", "_text", "_asked", "_found")

    def __init__(self, text: str, pattern: re.Pattern[str]) -> None:
        self._pattern = pattern
        self._text = text
        self._asked = -1
        self._found: re.Match[str] | None = None

    def at(self, pos: int) -> re.Match[str] | None:
        found = self._found
        if 0 <= self._asked <= pos and (found is None or found.start() >= pos):
            return found
        self._asked = pos
        self._found = found = self._pattern.search(self._text, pos)
        return found


class _Scanner:
    """Cuts a body into tokens: text, verbatim code, removed constructs, blocks, and block tags."""

    def __init__(self, text: str, site: Site | None, *, zola: bool, page: Mapping[str, object]) -> None:
        self.text = text
        self.site = site
        self.zola = zola
        self.page = page
        self.tokens: list[tuple] = []
        self.post_links: dict[str, str] = {}
        self.budget = max(MIN_EXPANSION_BUDGET, len(text))
        self.raw_end = -1
        """Where the `{% endraw %}` of the raw region being scanned starts (-1: not in one)."""
        self.raw_resume = -1
        self._finders: dict[str, _Next] = {}
        self._dead: set[str] = set()
        self._specials: dict[tuple[bool, frozenset[str]], _Next] = {}
        self._changed = False
        self._plain = 0
        """Where the plain text not yet written starts; -1 once a construct wrote something."""
        self._at = 0
        """Where the construct being scanned starts (plain text ends there)."""
        self._runs: dict[int, list[int]] | None = None
        self._line_pos = 0
        self._line_start = 0

    def scan(self) -> None:
        text, i = self.text, 0
        lines = [(_Next(text, _FENCE_LINE), self._fence)]
        if not self.zola:
            lines.append((_Next(text, _TOC_PAIR), self._toc))
        special = self._special()
        while True:
            limit = self.raw_end if self.raw_end >= 0 else len(text)
            if self._changed:
                special, self._changed = self._special(), False
            at, handle = limit, self._construct
            for finder, handler in lines:
                found = finder.at(i)
                if found is not None and found.start() < at:
                    at, handle = found.start(), handler
            # Strictly before: on a tie the line construct wins (a fence's backticks are no code span).
            found = special.at(i)
            if found is not None and found.start() < at:
                at, handle = found.start(), self._construct
            self._at = at
            if at >= limit:
                if self.raw_end < 0:
                    self._flush()
                    return
                self._drop()
                i = self._plain = self.raw_resume
                self.raw_end = self.raw_resume = -1
                self._changed = True
                continue
            i = handle(at, limit)
            if self._plain < 0:
                # Something was written for the construct: plain text starts again after it. Else
                # what was scanned stays part of the plain text.
                self._plain = i

    def _special(self) -> _Next:
        """The finder of the next place where an inline construct may start, given what still can."""
        templates = self.raw_end < 0
        key = (templates, frozenset(self._dead))
        finder = self._specials.get(key)
        if finder is None:
            skip = set(self._dead)
            if self.zola:
                skip.add("{:")
            if not templates:
                skip |= {"{{", "{%"}
            pattern = re.compile("|".join(p for name, p in _TRIGGERS if name not in skip), re.IGNORECASE)
            finder = self._specials[key] = _Next(self.text, pattern)
        return finder

    def _kill(self, trigger: str) -> None:
        """Stop looking for a construct: nothing after here can close it, so every later one is text."""
        self._dead.add(trigger)
        self._changed = True

    def _finder(self, name: str, pattern: re.Pattern[str] | None = None) -> _Next:
        finder = self._finders.get(name)
        if finder is None:
            finder = self._finders[name] = _Next(self.text, pattern or _ENDS_OF[name])
        return finder

    def _find(self, name: str, pos: int, limit: int) -> re.Match[str] | None:
        """The next closer `name` at or after `pos` that ends within `limit`."""
        found = self._finder(name).at(pos)
        return found if found is not None and found.end() <= limit else None

    def _line_of(self, pos: int) -> int:
        """Where the line holding `pos` starts (positions asked for only move on)."""
        if pos < self._line_pos:
            self._line_pos, self._line_start = 0, 0
        newline = self.text.rfind("\n", self._line_pos, pos)
        if newline >= 0:
            self._line_start = newline + 1
        self._line_pos = pos
        return self._line_start

    def _alone_on_line(self, start: int, end: int) -> bool:
        """Whether the text from `start` to `end` stands alone on its line(s)."""
        before = self.text[self._line_of(start) : start]
        return not before.strip() and bool(re.match(r"[ \t]*(?:\r?\n|\Z)", self.text[end : end + 512]))

    # Tokens. Each first writes the plain text before the construct.

    def _flush(self) -> None:
        if self._plain >= 0:
            if self._at > self._plain:
                self.tokens.append((_TEXT, self.text[self._plain : self._at]))
            self._plain = -1

    def _verbatim(self, start: int, end: int) -> None:
        self._flush()
        self.tokens.append((_VERBATIM, self.text[start:end]))

    def _code(self, start: int, end: int) -> None:
        """Code (a fence, a span) as it is; but Liquid runs before Markdown, so on a Liquid site the
        `{% raw %}` markers around template syntax in code go: `{% raw %}{% if %}{% endraw %}` shows
        `{% if %}`."""
        code = self.text[start:end]
        if self.zola or not _RAW_PAIR.search(code):
            self._verbatim(start, end)
        else:
            self._flush()
            self.tokens.append((_VERBATIM, _RAW_PAIR.sub(r"\1", code)))

    def _drop(self) -> None:
        self._flush()
        self.tokens.append((_DROP,))

    def _add(self, token: tuple) -> None:
        self._flush()
        self.tokens.append(token)

    # Constructs. Each returns where scanning resumes; one that turns out to be text writes nothing.

    def _toc(self, start: int, limit: int) -> int:
        """kramdown's `* TOC` + `{:toc}`: a table of contents the site generates; the reader has none."""
        found = self._finder("toc", _TOC_PAIR).at(start)
        assert found is not None and found.start() == start  # the line finder matched here
        self._drop()
        return found.end()

    def _fence(self, start: int, limit: int) -> int:
        """A fenced code block starting on this line, kept as it is."""
        text = self.text
        opening = _FENCE_OPEN.match(text, start)
        assert opening is not None  # the line finder matched the same prefix
        fence, info = opening[1], opening[2]
        if fence[0] == "`" and "`" in info:
            # Not a fence but inline code at the start of a line: scan the backticks as such.
            self._at = opening.start(1)
            return self._code_span(opening.start(1), limit)
        pos = opening.end()
        while True:
            closing = self._finder("fence-close", _FENCE_CLOSE).at(pos)
            if closing is None or closing.end() > limit:
                self._code(start, limit)
                return limit
            if closing[1][0] == fence[0] and len(closing[1]) >= len(fence):
                self._code(start, closing.end())
                return closing.end()
            pos = closing.end()

    def _construct(self, at: int, limit: int) -> int:
        """Whatever inline construct starts at `at`."""
        text = self.text
        char = text[at]
        if char == "`":
            return self._code_span(at, limit)
        two = text[at : at + 2]
        if two == "{%":
            return self._percent_tag(at)
        if two == "{{":
            return self._brace_tag(at)
        if two == "{:":
            return self._kramdown(at, limit)
        if two in ("{#", "{."):
            return self._heading_attributes(at)
        if text.startswith("<!--", at):
            closing = self._find("-->", at + 4, limit)
            if closing is None:
                self._kill("<!--")
                return at + 4
            self._drop()
            return closing.end()
        tag = _HTML_OPEN.match(text, at)
        if tag is None:
            return at + 1
        name = tag[1].lower()
        closing = self._find(name, tag.end(), limit)
        if closing is None:
            if self._finder(name).at(tag.end()) is None:
                self._kill("<" + name)
            return tag.end()
        if name in ("pre", "code"):
            self._verbatim(at, closing.end())
        else:
            self._drop()
        return closing.end()

    def _code_span(self, at: int, limit: int) -> int:
        """An inline code span, kept as it is; a backtick run that closes nothing is text."""
        text = self.text
        run = _BACKTICKS.match(text, at)
        assert run is not None
        width = run.end() - at
        before = text[max(0, at - 64) : at]
        if (len(before) - len(before.rstrip("\\"))) % 2:
            return run.end()  # escaped: `\``
        # A span cannot cross a blank line (the paragraph ends there) or a fence.
        blank = self._finder("blank", _BLANK_LINE).at(run.end())
        fence = self._finder("fence-line", _FENCE_LINE).at(run.end())
        end = min(limit, blank.start() if blank else limit, fence.start() if fence else limit)
        starts = self._backtick_runs().get(width, [])
        index = bisect.bisect_left(starts, run.end())
        if index < len(starts) and starts[index] + width <= end:
            close = starts[index] + width
            self._code(at, close)
            return close
        return run.end()

    def _backtick_runs(self) -> dict[int, list[int]]:
        """Where each run of backticks starts, by its length: a span closes on a run of its own length."""
        if self._runs is None:
            self._runs = {}
            for run in _BACKTICKS.finditer(self.text):
                self._runs.setdefault(run.end() - run.start(), []).append(run.start())
        return self._runs

    def _tag_bounds(self, at: int, opener: str, closer: str) -> tuple[int, int] | int:
        """Where a `{%`/`{{` tag's inside starts and its closer ends. An int instead when the opener at
        `at` is text: where scanning resumes (at a later opener, which the closer belongs to)."""
        text = self.text
        closing = self._finder(closer).at(at + len(opener))
        if closing is None:
            generic = closer[-2:]
            if self._finder(generic).at(at + 2) is None:
                # Nothing closes it, nor any later opener: they are all text from here on.
                self._kill(opener[:2])
            return at + 2
        later = text.rfind(opener[:2], at + 1, closing.start())
        if later >= 0:
            return later
        if closing.start() - at > MAX_TAG_CHARS:
            return at + 2
        return at + len(opener), closing.end()

    def _percent_tag(self, at: int) -> int:
        bounds = self._tag_bounds(at, "{%", "%}")
        if isinstance(bounds, int):
            return bounds
        inner_start, end = bounds
        inner = self.text[inner_start : end - 2]
        if self.zola:
            return self._zola_body_tag(at, inner, end)
        return self._liquid_tag(at, inner, end)

    def _liquid_tag(self, at: int, inner: str, end: int) -> int:
        body = inner.removeprefix("-").removesuffix("-").strip()
        named = _TAG_NAME.match(body)
        if named is None:
            self._drop()
            return end
        name, args = named[1], body[named.end() :].strip()
        if name == "raw":
            closing = self._find("endraw", end, len(self.text))
            self._drop()
            if closing is not None:
                self.raw_end, self.raw_resume = closing.start(), closing.end()
                self._changed = True
            return end
        if name == "comment":
            closing = self._find("endcomment", end, len(self.text))
            self._drop()
            return end if closing is None else closing.end()
        if name == "highlight":
            closing = self._find("endhighlight", end, len(self.text))
            if closing is None:
                self._drop()
                return end
            self._code_block(args.split()[0] if args else "", self.text[end : closing.start()])
            return closing.end()
        if name in ("link", "post_url"):
            self._post_link_tag(name, _unquote(args))
            return end
        if name in _LOOPS or name in _BRANCHES:
            self._add((_OPEN, name, None))
        elif name in ("elsif", "else", "when"):
            self._add((_SEP, name))
        elif name in _ENDS:
            self._add((_CLOSE, _ENDS[name]))
        elif name in _INCLUDES or any(word in name.lower() for word in _IMAGE_WORDS):
            self._image_tag(at, end, args, positional=name not in _INCLUDES)
        else:
            self._drop()
        return end

    def _zola_body_tag(self, at: int, inner: str, end: int) -> int:
        """Zola's `{% name(args) %}…{% end %}`; any other `{% … %}` in a Zola post is just text."""
        escaped = _escaped(inner)
        if escaped is not None:
            self._literal_code("{% " + escaped + " %}")
            return end
        call = _CALL.fullmatch(inner)
        if call is not None:
            name = call[1]
            self._add((_OPEN, "zola", self._note_label(name, _arguments(call[2]))))
        elif inner.strip() == "end":
            self._add((_CLOSE, "zola"))
        return end

    def _brace_tag(self, at: int) -> int:
        text = self.text
        third = text[at + 2 : at + 3]
        if third in ("<", "%"):
            return self._hugo_shortcode(at, third)
        bounds = self._tag_bounds(at, "{{", "}}")
        if isinstance(bounds, int):
            return bounds
        inner_start, end = bounds
        inner = text[inner_start : end - 2]
        if self.zola:
            call = _CALL.fullmatch(inner)
            escaped = _escaped(inner)
            if escaped is not None:
                self._literal_code("{{ " + escaped + " }}")
            elif call is not None:
                self._zola_inline(call[1].lower(), _arguments(call[2]))
            return end
        self._spend(self._evaluate(inner.removeprefix("-").removesuffix("-")))
        return end

    def _hugo_shortcode(self, at: int, delimiter: str) -> int:
        text = self.text
        closer = ">" if delimiter == "<" else "%"
        bounds = self._tag_bounds(at, "{{" + delimiter, closer + "}}")
        if isinstance(bounds, int):
            return bounds
        inner_start, end = bounds
        inner = text[inner_start : end - 3].strip()
        escaped = _escaped(inner)
        if escaped is not None:
            # `{{</* x */>}}` is how Hugo's docs show a shortcode without running it.
            self._literal_code("{{" + delimiter + " " + escaped + " " + closer + "}}")
            return end
        if inner.startswith("/"):
            self._add((_CLOSE, "hugo:" + inner[1:].strip().lower()))
            return end
        named = _TAG_NAME.match(inner)
        if named is None or named[1] == "#":
            self._drop()
            return end
        name, args = named[1].lower(), _arguments(inner[named.end() :].removesuffix("/"))
        if name == "highlight":
            closing = self._find("/highlight", end, len(text))
            if closing is None:
                self._drop()
                return end
            language = next((v for k, v in args if k is None), "")
            self._code_block(language, text[end : closing.start()])
            return closing.end()
        if name in ("ref", "relref"):
            target = _argument(args, "path", 0)
            if target:
                self._post_link(target, "hugo")
            else:
                self._drop()
        elif name == "param":
            value = _argument(args, "name", 0)
            found = _lookup(self.page, value.split(".")) if value else None
            if found is None and value and self.site is not None:
                found = _lookup(self.site.params, value.split("."), fold_case=True)
            self._spend(_as_text(found))
        elif name == "figure":
            source = _argument(args, "src")
            if source:
                caption = " — ".join(
                    part for part in (_argument(args, k) for k in ("title", "caption", "attr")) if part
                )
                alt = _argument(args, "alt")
                self._image(source, alt, _argument(args, "link"), caption, self._alone_on_line(at, end))
            else:
                self._drop()
        elif name in ("youtube", "vimeo", "gist"):
            self._video_link(name, args)
        elif inner.endswith("/"):
            self._drop()
        else:
            self._add((_OPEN, "hugo:" + name, self._note_label(name, args)))
        return end

    def _zola_inline(self, name: str, args: list[tuple[str | None, str]]) -> None:
        """Zola's `{{ name(args) }}`: its built-in embeds become links, other shortcodes go."""
        if name in ("youtube", "vimeo", "gist", "streamable"):
            self._video_link(name, args)
        else:
            self._drop()

    def _video_link(self, name: str, args: list[tuple[str | None, str]]) -> None:
        """An embedded video or gist, which a terminal cannot play: a link to it instead."""
        ident = _argument(args, "id", 0) or _argument(args, "url")
        if not ident:
            self._drop()
            return
        if name == "youtube":
            url = f"https://www.youtube.com/watch?v={ident}"
        elif name == "vimeo":
            url = f"https://vimeo.com/{ident}"
        elif name == "streamable":
            url = f"https://streamable.com/{ident}"
        else:
            file = _argument(args, "file", 2)
            url = ident if ident.startswith("http") else f"https://gist.github.com/{ident}"
            if not ident.startswith("http") and (second := _argument(args, None, 1)):
                url += f"/{second}"
            url += f"#file-{file}" if file else ""
        title = _argument(args, "title") or _EMBED_NAMES[name]
        self._spend(f"[{_escape_label(title)}]({_destination(url)})")

    def _note_label(self, name: str, args: list[tuple[str | None, str]]) -> str | None:
        """The label a note shows first ("Warning"); None for a shortcode that is not a note."""
        if name.lower() not in _QUOTED:
            return None
        label = _argument(args, "title")
        if not label and name.lower() in _TYPED_NOTES:
            label = _argument(args, "type", 0)
        label = " ".join((label or name).split())
        return label[:1].upper() + label[1:]

    def _kramdown(self, at: int, limit: int) -> int:
        """kramdown's attribute lists and extensions (`{: .x}`, `{::comment}`), which mean nothing to a
        reader: they go, but a `{::nomarkdown}`'s content stays."""
        text = self.text
        if text.startswith("{::", at):
            directive = re.match(r"\{::(\w+)", text[at : at + 64])
            end = _attribute_end(text, at + 3, limit)
            if directive is None or end < 0:
                return at + 2
            if directive[1] == "comment" and not text[end - 2 : end] == "/}":
                closing = self._find("kramdown-comment", end, limit)
                self._drop()
                return end if closing is None else closing.end()
            self._drop()
            return end
        end = _attribute_end(text, at + 2, limit)
        inside = text[at + 2 : end - 1].lstrip(" \t") if end >= 0 else ""
        if end < 0 or (inside and not (inside[0] in "#./" or inside[0].isalpha() or inside[0] == "_")):
            return at + 2
        self._drop()
        return end

    def _heading_attributes(self, at: int) -> int:
        """`## Title {#id .class}`: attributes at the end of a heading, which a reader does not need."""
        found = _HEADING_ATTRIBUTES.match(self.text, at)
        start = self._line_of(at)
        if found is None or not _ATX_HEADING.match(self.text, start):
            return at + 1
        self._drop()
        return found.end()

    # What constructs become.

    def _code_block(self, language: str, code: str) -> None:
        """A fenced code block holding `code` as it is, with a fence longer than any line inside."""
        code = code.removeprefix("\r\n") if code.startswith("\r\n") else code.removeprefix("\n")
        # The end tag's line holds nothing of the code, at most the indentation before the tag.
        last = code.rfind("\n")
        if not code[last + 1 :].strip():
            code = code[:last].removesuffix("\r") if last >= 0 else ""
        longest = max((len(m[0]) for m in re.finditer(r"^[ \t]*(`+)", code, re.M)), default=0)
        fence = "`" * max(3, longest + 1)
        language = re.sub(r"[^\w+#.-]", "", language)
        self._add((_BLOCK, f"{fence}{language}\n{code}\n{fence}\n"))

    def _literal_code(self, code: str) -> None:
        """Template syntax an author escaped to show it: as inline code, which is what it is."""
        longest = max((len(m[0]) for m in _BACKTICKS.finditer(code)), default=0)
        ticks = "`" * (longest + 1)
        pad = " " if code.startswith("`") or code.endswith("`") else ""
        self._add((_VERBATIM, f"{ticks}{pad}{code}{pad}{ticks}"))

    def _post_link_tag(self, name: str, target: str) -> None:
        """Jekyll's `{% link path %}` and `{% post_url name %}`."""
        if not target or "{" in target:
            self._drop()
            return
        if name == "post_url":
            target = "_posts/" + target.lstrip("/") + ".md"
        self._post_link(target, "jekyll")

    def _post_link(self, target: str, kind: str) -> None:
        """The address of another post or page of the site: public when the site tells it, else from
        the site's root; a post's address is remembered in `post_links`."""
        path, _, anchor = target.partition("#")
        suffix = "#" + anchor if anchor else ""
        site = self.site if self.site is not None and self.site.kind == kind else None
        defaults = _JEKYLL_DEFAULTS if kind == "jekyll" else _HUGO_DEFAULTS
        url = None
        if site is not None:
            url = site.post_url(path, {}) or site.post_path(path, {})
        url = url or defaults.post_path(path, {})
        is_post = kind == "hugo" or url is not None and "_posts/" in "/" + path
        if url is None:
            prefix = site.baseurl if site is not None else ""
            url = prefix + "/" + path.lstrip("/")
        url += suffix
        if is_post:
            self.post_links[url] = post_key(path)
        self._spend(url)

    def _image_tag(self, at: int, end: int, args: str, *, positional: bool) -> None:
        """An include or a tag that shows an image (`{% image "x.png" "alt" %}`, `{% include
        figure.html image: "x.png" alt: "…" %}`): the image in Markdown; any other include goes."""
        # Only quoted values: an unquoted one is a variable (`image: page.image`), not known here.
        found = [(m[1], m[2][1:-1]) for m in _ARGUMENT.finditer(args) if m[2][0] in "\"'"]
        named = {k.lower(): v for k, v in found if k}
        quoted = [v for k, v in found if k is None]
        source = next((named[k] for k in ("image", "src", "path", "file") if named.get(k)), "")
        if not source and positional and quoted:
            source = quoted[0]
        if not source or (not positional and not source.lower().endswith(_IMAGE_SUFFIXES)):
            self._drop()
            return
        rest = [v for v in quoted if v != source]
        alt = named.get("alt") or (rest[-1] if positional and rest else "")
        link = named.get("url") or named.get("link") or named.get("href") or ""
        caption = named.get("caption", "")
        self._image(source, alt, link, caption, self._alone_on_line(at, end))

    def _image(self, source: str, alt: str, link: str, caption: str, alone: bool) -> None:
        image = f"![{_escape_label(alt)}]({_destination(source)})"
        if link:
            image = f"[{image}]({_destination(link)})"
        self._spend(image + ("\n\n" + " ".join(caption.split()) if caption and alone else ""))

    def _spend(self, value: str | None) -> None:
        """Text that stands for a construct, while the expansion budget lasts; else the construct goes."""
        if value and len(value) <= self.budget:
            self.budget -= len(value)
            self._add((_TEXT, value))
        else:
            self._drop()

    def _evaluate(self, expression: str) -> str | None:
        """A Liquid output `{{ value | filter: arg }}` as text; None when it cannot be told."""
        head, *filters = _split_outside_quotes(expression, "|")
        value = self._value(head)
        for spec in filters:
            name, _, rest = spec.strip().partition(":")
            name = name.strip()
            args = [self._value(a) for a in _split_outside_quotes(rest, ",")] if rest.strip() else []
            value = self._filter(value, name, args)
        return _as_text(value)

    def _value(self, term: str) -> object:
        term = term.strip()
        if len(term) >= 2 and term[0] == term[-1] and term[0] in "\"'":
            return term[1:-1]
        if _NUMBER.fullmatch(term):
            return term
        if not _VARIABLE.fullmatch(term) or term in ("nil", "null", "empty", "blank"):
            return None
        if term in ("true", "false"):
            return term == "true"
        keys = [next(g for g in m.groups() if g is not None) for m in _SEGMENT.finditer(term)]
        if keys[0] == "site":
            return _lookup(self.site.params, keys[1:]) if self.site is not None else None
        if keys[0] == "page":
            return _lookup(self.page, keys[1:])
        # Eleventy puts front matter at the top level (`{{ title }}`); in Jekyll this is an assigned
        # variable, which is not known here.
        return _lookup(self.page, keys)

    def _filter(self, value: object, name: str, args: Sequence[object]) -> object:
        first = _as_text(args[0]) if args else None
        if name == "default":
            return first if value is None or value is False or value == "" else value
        text = _as_text(value)
        if text is None:
            return None
        if name in ("relative_url", "absolute_url"):
            if re.match(r"[A-Za-z][\w+.-]*:|//", text):
                return text
            site = self.site
            path = (site.baseurl if site is not None else "") + "/" + text.lstrip("/")
            if name == "absolute_url" and site is not None and site.url is not None:
                return site.url.removesuffix(site.baseurl) + path
            return path
        if name == "prepend":
            return (first or "") + text
        if name == "append":
            return text + (first or "")
        if name in _STRING_FILTERS:
            return _STRING_FILTERS[name](text)
        if name == "embed":
            return f"[{_escape_label(first or text)}]({_destination(text)})"
        if name in _KIND_CHANGING_FILTERS or any(word in name.lower() for word in _IMAGE_WORDS):
            return None
        # A filter of the site's own (`team_link`): its input is the closest thing to its output.
        return text


_RAW_PAIR = re.compile(r"\{%-?\s*raw\s*-?%\}(.*?)\{%-?\s*endraw\s*-?%\}", re.DOTALL)


def _attribute_end(text: str, start: int, limit: int) -> int:
    """Where a kramdown `{:…}` that opened before `start` ends (after its `}`); -1 when it does not end
    on its line. Quotes may hold `}`; another `{` means this was not one."""
    quote = ""
    for pos in range(start, min(limit, start + 1000)):
        char = text[pos]
        if char == "\n":
            return -1
        if quote:
            if char == quote:
                quote = ""
        elif char in "\"'":
            quote = char
        elif char == "}":
            return pos + 1
        elif char == "{":
            return -1
    return -1


def _arguments(args: str) -> list[tuple[str | None, str]]:
    """A tag's or shortcode's arguments: (name or None, value) pairs, values unquoted."""
    return [(m[1], _unquote(m[2])) for m in _ARGUMENT.finditer(args)]


def _argument(args: list[tuple[str | None, str]], name: str | None, position: int | None = None) -> str:
    """An argument by name, else by position among the unnamed ones; "" when absent."""
    for key, value in args:
        if name is not None and key is not None and key.lower() == name:
            return value
    if position is not None:
        unnamed = [value for key, value in args if key is None]
        if position < len(unnamed):
            return unnamed[position]
    return ""


def _escaped(inner: str) -> str | None:
    """What an escaped shortcode (`{{/* name() */}}`, `{{</* name */>}}`) shows; None if not one."""
    inner = inner.strip()
    if len(inner) >= 4 and inner.startswith("/*") and inner.endswith("*/"):
        return inner[2:-2].strip()
    return None


def _unquote(value: str) -> str:
    value = value.strip()
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'`":
        return value[1:-1]
    return value


def _split_outside_quotes(text: str, separator: str) -> list[str]:
    parts, start, quote = [], 0, ""
    for pos, char in enumerate(text):
        if quote:
            if char == quote:
                quote = ""
        elif char in "\"'":
            quote = char
        elif char == separator:
            parts.append(text[start:pos])
            start = pos + 1
    parts.append(text[start:])
    return parts


def _lookup(mapping: Mapping[str, object], keys: Sequence[str], *, fold_case: bool = False) -> object:
    """The value at a path of keys in nested mappings and lists; None when any step is missing.
    Hugo's keys ignore case (`fold_case`)."""
    value: object = mapping
    for key in keys:
        if isinstance(value, Mapping):
            if key in value:
                value = value[key]
            elif fold_case:
                value = next(
                    (v for k, v in value.items() if isinstance(k, str) and k.lower() == key.lower()), None
                )
            else:
                return None
        elif isinstance(value, list) and key.isdigit() and int(key) < len(value):
            value = value[int(key)]
        else:
            return None
    return value


def _as_text(value: object) -> str | None:
    """A template value as the text it prints; None for nothing, lists and mappings."""
    if value is None or isinstance(value, Mapping | list | tuple | set):
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    text = str(value)
    return text or None


def _escape_label(text: str) -> str:
    """Text fit for a Markdown link's or image's label."""
    return re.sub(r"([\[\]\\])", r"\\\1", " ".join(text.split()))


def _destination(url: str) -> str:
    """A URL fit for a Markdown link's destination."""
    url = url.strip()
    if re.search(r"[\s()<>]", url):
        return "<" + url.replace("<", "%3C").replace(">", "%3E").replace("\n", " ") + ">"
    return url


def _emoji(text: str) -> str:
    """`:tada:` shortcodes as emoji; a run of codes only if every one is an emoji name, so `12:30:45`,
    `a:b:c` and `std::io::Error` stay as written."""

    def replace(found: re.Match[str]) -> str:
        run = found[1]
        converted = Emoji.replace(run)
        return converted if ":" not in converted else run

    return _EMOJI_RUN.sub(replace, text) if ":" in text else text


class _Buffer:
    """Output being written at one quote level."""

    __slots__ = ("parts", "guard", "label")

    def __init__(self, label: str | None = None) -> None:
        self.parts: list[str] = []
        self.guard = 0
        """Parts before this are code and may not be trimmed."""
        self.label = label

    def append(self, text: str, *, code: bool = False) -> None:
        if text:
            self.parts.append(text)
            if code:
                self.guard = len(self.parts)

    def at_line_start(self) -> bool:
        for piece in reversed(self.parts):
            trimmed = piece.rstrip(" \t")
            if trimmed:
                return trimmed.endswith("\n")
        return True

    def ends_with_blank_line(self) -> bool:
        tail = ""
        for piece in reversed(self.parts):
            tail = piece + tail
            if len(tail) >= 3:
                break
        return not tail.strip() or tail.replace("\r", "").endswith("\n\n")

    def ends_with_space(self) -> bool:
        return bool(self.parts) and self.parts[-1][-1:] in (" ", "\t")

    def trim_line_end(self) -> None:
        """Drop spaces at the end of the output, where a removed construct leaves them dangling."""
        while len(self.parts) > self.guard:
            trimmed = self.parts[-1].rstrip(" \t")
            if trimmed:
                self.parts[-1] = trimmed
                return
            self.parts.pop()


def _write(tokens: list[tuple]) -> str:
    """The tokens as Markdown: paired blocks resolved, removed constructs leaving no blank line behind."""
    jump, quotes, quote_ends = _pair(tokens)
    stack = [_Buffer()]
    pushed: set[int] = set()
    pending = False
    index = 0
    while index < len(tokens):
        token = tokens[index]
        kind = token[0]
        if kind in (_TEXT, _VERBATIM):
            value = _emoji(token[1]) if kind == _TEXT else token[1]
            if pending:
                value = _after_removal(stack[-1], value)
                pending = False
            stack[-1].append(value, code=kind == _VERBATIM)
        elif kind == _BLOCK:
            if not stack[-1].at_line_start():
                stack[-1].append("\n")
            stack[-1].append(token[1], code=True)
            pending = True
        elif index in quotes and len(stack) <= MAX_QUOTE_DEPTH:
            stack.append(_Buffer(quotes[index]))
            pushed.add(index)
            pending = True
        elif quote_ends.get(index) in pushed:
            inner = stack.pop()
            _close_quote(stack[-1], inner)
            pending = True
        else:
            pending = True
        index = jump.get(index, index + 1)
    if pending:
        stack[-1].trim_line_end()
    while len(stack) > 1:
        inner = stack.pop()
        _close_quote(stack[-1], inner)
    return "".join(stack[0].parts)


def _after_removal(buffer: _Buffer, following: str) -> str:
    """The text after a removed construct, trimmed so the removal leaves no trace.

    A construct alone on its line takes the line with it, and one of two blank lines around it. Between
    two lines of text the line stays, empty: on the site it separated them too (Liquid leaves an empty
    line, a comment is an HTML block), and without it two paragraphs would run together. A construct
    inside a line leaves one space, not two, and none before punctuation.
    """
    line_end = _LINE_END.match(following)
    if line_end is not None:
        alone = buffer.at_line_start()
        buffer.trim_line_end()
        if not alone:
            return following.lstrip(" \t")
        rest = following[line_end.end() :]
        blank_after = _LINE_END.match(rest)
        if buffer.ends_with_blank_line():
            return rest if blank_after is None else rest[blank_after.end() :]
        return rest if blank_after is not None or not rest else "\n" + rest
    elif following[:1] in (" ", "\t") and (buffer.ends_with_space() or buffer.at_line_start()):
        following = following.lstrip(" \t")
    elif following[:1] in _CLOSING_PUNCTUATION:
        buffer.trim_line_end()
    return following


def _close_quote(parent: _Buffer, inner: _Buffer) -> None:
    """A note's text, written into the enclosing output as a `>` quote under its label."""
    body = "".join(inner.parts).strip("\n")
    lines = ([f"**{inner.label}**", ""] if inner.label else []) + (body.split("\n") if body else [])
    if not lines:
        return
    quoted = "\n".join(f"> {line}".rstrip() if line.strip() else ">" for line in lines)
    parent.trim_line_end()
    if not parent.at_line_start():
        parent.append("\n")
    if parent.parts and not parent.ends_with_blank_line():
        parent.append("\n")
    parent.append(quoted + "\n\n", code=True)


def _pair(tokens: list[tuple]) -> tuple[dict[int, int], dict[int, str], dict[int, int]]:
    """Match block tags with their ends, and decide what each pair keeps.

    Returns where to jump from a token to skip what a pair drops, the opening tokens of notes (with
    their labels), and each note's closing token with its opening one. Tags left unpaired are written
    as removed constructs.
    """
    stack: list[int] = []
    open_keys: Counter[str] = Counter()
    pairs: dict[int, int] = {}
    separators: dict[int, list[int]] = {}
    for index, token in enumerate(tokens):
        kind = token[0]
        if kind == _OPEN:
            stack.append(index)
            open_keys[token[1]] += 1
        elif kind == _SEP:
            if stack and tokens[stack[-1]][1] in _BRANCHES | _LOOPS:
                separators.setdefault(stack[-1], []).append(index)
        elif kind == _CLOSE and open_keys[token[1]]:
            # An end closes the nearest open block of its kind; blocks opened inside it and never
            # closed are dropped from the stack as unpaired.
            while stack:
                top = stack.pop()
                open_keys[tokens[top][1]] -= 1
                if tokens[top][1] == token[1]:
                    pairs[top] = index
                    break
    jump: dict[int, int] = {}
    quotes: dict[int, str] = {}
    quote_ends: dict[int, int] = {}
    for start, end in pairs.items():
        key, seps = tokens[start][1], separators.get(start, [])
        if key in _LOOPS:
            jump[start] = end + 1
        elif key in ("if", "unless"):
            if seps:
                jump[seps[0]] = end + 1
        elif key == "case":
            whens = [s for s in seps if tokens[s][1] == "when"]
            first = whens[0] if whens else (seps[0] if seps else end)
            jump[start] = first
            later = [s for s in seps if s > first]
            if later:
                jump[later[0]] = end + 1
        elif tokens[start][2] is not None:
            quotes[start] = tokens[start][2]
            quote_ends[end] = start
    return jump, quotes, quote_ends
