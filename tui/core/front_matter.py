"""Front matter: the fields above a post's body, as YAML (between `---`), TOML (`+++`) or a JSON object.

Nearly every post has flat `key: value` lines of plain text, which PyYAML builds object by object in
Python: the largest cost of reading a post. `load_flat` reads only what it is sure of, exactly as YAML
would; anything else goes to the real YAML loader, after krant's own checks (size, nesting), so a file
gets krant's reason whatever the installed YAML library would say. Large front matter (a post with
150,000 tags) is read when it can be within a time bound; reading is given up past it.
"""

from __future__ import annotations

import json
import math
import re
import time
from functools import partial

import frontmatter
import yaml
from yaml.nodes import ScalarNode
from yaml.resolver import Resolver

from tui.core.post import Unreadable
from tui.core.sanitize import clean_text

MAX_FRONT_MATTER_CHARS = 8 * 1024 * 1024
"""Front matter beyond this is not parsed at all: even the few seconds it may take are not spent on it."""
MAX_FRONT_MATTER_SECONDS = 5.0
"""Reading front matter is given up after this long (its nesting checked, YAML's nodes made and built).

libyaml reads a post with 150,000 tags (1.3 MB) in well under a second; this bounds what is hostile."""
MAX_NESTING = 50
"""Front matter nested deeper than this is refused: libyaml's C code recurses and would crash."""

_FRONT_MATTER = re.compile(r"\A(?:---|\+\+\+)[ \t]*\r?\n")
_FM_CLOSE = {
    "---": re.compile(r"^(?:---|\.\.\.)[ \t]*\r?$", re.MULTILINE),
    "+++": re.compile(r"^\+\+\+[ \t]*\r?$", re.MULTILINE),
}
# Characters YAML refuses anywhere in a document; a stray one should not hide a whole post.
_NOT_YAML = re.compile("[^\t\n\r\x20-\x7e\x85\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def split_front_matter(text: str) -> tuple[dict[str, object] | None, str]:
    """The fields and the body of a post's text; no fields (None) when it has no front matter.

    Raises:
        Unreadable: the front matter is there but cannot be read (the reason says why).
    """
    text = _lf_line_ends(text)
    opening = _FRONT_MATTER.match(text)
    if opening is None:
        if text.startswith("{"):
            return _json_front_matter(text)
        return None, text
    delimiter = opening[0].strip()
    closing = _FM_CLOSE[delimiter].search(text, opening.end())
    if closing is None:
        raise Unreadable(f"front matter starts with '{delimiter}' but never ends")
    raw, body = text[opening.end() : closing.start()], text[closing.end() :]
    if len(raw) > MAX_FRONT_MATTER_CHARS:
        raise Unreadable(
            f"front matter is too large ({len(raw):,} characters; the limit is {MAX_FRONT_MATTER_CHARS:,})"
        )
    try:
        data = _load_yaml(raw) if delimiter == "---" else _toml_handler().load(raw)
    except yaml.YAMLError as error:
        where = getattr(error, "problem_mark", None)
        line = f" at line {where.line + 2}" if where is not None else ""
        problem = getattr(error, "problem", None) or type(error).__name__
        raise Unreadable(f"invalid YAML front matter{line}: {problem}") from error
    except ValueError as error:
        raise Unreadable(f"invalid front matter: {error}"[:200]) from error
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise Unreadable(f"front matter is a {type(data).__name__}, not a set of fields")
    return data, body.lstrip("\r\n")


def _lf_line_ends(text: str) -> str:
    """Text whose lines end in a lone CR (old Mac files) with LF line ends; any other text as it is.

    Told by the first CR alone (one memchr): a file with CRLF line ends is read as it is, and YAML and the
    body's readers take a stray lone CR further on as a line end anyway.
    """
    first = text.find("\r")
    if first < 0 or text.startswith("\n", first + 1):
        return text
    return text.replace("\r\n", "\n").replace("\r", "\n")


class _TooSlow(Unreadable):
    """Reading the front matter took longer than MAX_FRONT_MATTER_SECONDS."""

    def __init__(self) -> None:
        super().__init__(f"front matter takes too long to read (more than {MAX_FRONT_MATTER_SECONDS:g} s)")


_CHECK_EVERY = 4_096
"""Nodes (or lines) between looks at the clock: a look costs more than making a node."""


class _FrontMatterLoader(frontmatter.default_handlers.SafeLoader):
    """The safe YAML loader, but an impossible timestamp (Feb 30, hour 25, year 0) stays text, and
    reading stops at a deadline.

    The date then falls back to the file name with a warning, instead of the post being lost. libyaml
    makes the nodes in C, but asks `resolve` (Python) for each one's tag, and the nodes are built into
    objects by `construct_object`: the two places where the clock can be looked at.
    """

    def __init__(self, stream: str, deadline: float) -> None:
        super().__init__(stream)
        self._deadline = deadline
        self._steps = 0

    def _step(self) -> None:
        self._steps += 1
        if self._steps % _CHECK_EVERY == 0 and time.monotonic() > self._deadline:
            raise _TooSlow()

    def resolve(self, kind: type, value: object, implicit: object) -> str:
        self._step()
        return super().resolve(kind, value, implicit)

    def construct_object(self, node: yaml.Node, deep: bool = False) -> object:
        self._step()
        return super().construct_object(node, deep)


def _timestamp_or_text(loader: _FrontMatterLoader, node: yaml.ScalarNode) -> object:
    try:
        return loader.construct_yaml_timestamp(node)
    except (ValueError, OverflowError, AttributeError):  # AttributeError: `!!timestamp` on any text
        return loader.construct_scalar(node)


_FrontMatterLoader.add_constructor("tag:yaml.org,2002:timestamp", _timestamp_or_text)


def _load_yaml(raw: str) -> object:
    """Parse YAML front matter safely: controls YAML refuses are dropped, deep nesting is refused, and
    reading is given up after MAX_FRONT_MATTER_SECONDS."""
    deadline = time.monotonic() + MAX_FRONT_MATTER_SECONDS
    if _NOT_YAML.search(raw):
        # Whole escape sequences go, so a stray `ESC [2J` leaves no `[2J` behind.
        raw = _NOT_YAML.sub("", clean_text(raw))
    flat = load_flat(raw)
    if flat is not None:  # the common case, several times faster than PyYAML
        return flat
    # krant's own reason, before any YAML library sees the text: libyaml's C code recurses (and would
    # crash), and releases refuse deep nesting each with their own wording (PyYAML 6.0.4: "exceeded
    # maximum nesting depth") or not at all.
    if "\r" in raw:  # YAML ends a line at a lone CR too: so must the nesting count
        raw = raw.replace("\r\n", "\n").replace("\r", "\n")
    if not _cannot_nest_deeply(raw) and nesting_depth(raw, deadline) > MAX_NESTING:
        raise Unreadable(f"front matter is nested more than {MAX_NESTING} levels deep")
    return frontmatter.YAMLHandler().load(raw, Loader=partial(_FrontMatterLoader, deadline=deadline))


_SHALLOW = MAX_NESTING // 3
_DEEP_LINE = re.compile(f"^(?: {{{_SHALLOW},}}|[ ]*(?:[-?:](?:[ \t]+|$)){{{_SHALLOW},}})", re.MULTILINE)


def _cannot_nest_deeply(raw: str) -> bool:
    """Whether text is sure to be within MAX_NESTING without counting line by line (two C scans).

    Without brackets, a line is at most two levels for each indentation shallower than its own, and one
    for each indicator it starts with (`nesting_depth`); few of both leave it within the limit.
    """
    return "[" not in raw and "{" not in raw and _DEEP_LINE.search(raw) is None


_FLOW_OR_QUOTE = re.compile(r"""[\[\]{}"'#\\]""")
_BLOCK_INDICATORS = re.compile(r"(?:[-?:](?:[ \t]+|$))+")
_TOKEN_START = frozenset(" \t:[{,-?")
"""A quote opens a quoted scalar only after one of these (or at the line's start): `don't` is text."""


def nesting_depth(raw: str, deadline: float = math.inf) -> int:
    """How deeply YAML text nests its collections, at most: a bound found without parsing it.

    Block levels are counted by indentation (two a step) and by indicators that open a level on one
    line (`- - x`); flow levels by brackets outside quotes and comments. Never less than what a YAML
    parser would see, so a text within the limit is always within it for the parser too.

    Raises:
        Unreadable: the deadline (a `time.monotonic()`) passed before the count was done.
    """
    deepest = flow = block = 0
    indents: list[int] = []
    quote: str | None = None
    for number, line in enumerate(raw.split("\n")):
        if number % _CHECK_EVERY == 0 and number and time.monotonic() > deadline:
            raise _TooSlow()
        stripped = line.lstrip(" ")
        if flow == 0 and quote is None:
            if not stripped.strip() or stripped.startswith("#"):
                continue
            indent = len(line) - len(stripped)
            while indents and indents[-1] >= indent:
                indents.pop()
            indents.append(indent)
            leading = _BLOCK_INDICATORS.match(stripped)
            # Each indentation may hold a mapping and a sequence written at the mapping's own indent
            # (`key:` then `- item`); each indicator on the line opens one more, and so may a key after it.
            dashes = leading[0].count("-") + leading[0].count("?") if leading else 0
            block = 2 * len(indents) + dashes + 1
        deepest = max(deepest, block + flow)
        escaped = -1
        for match in _FLOW_OR_QUOTE.finditer(stripped):
            char, at = match[0], match.start()
            before = stripped[at - 1] if at else " "
            if quote is not None:
                if char == "\\" and quote == '"' and at != escaped:
                    escaped = at + 1  # the next character is escaped
                elif char == quote and at != escaped:
                    quote = None
            elif char in "\"'":
                if before in _TOKEN_START:
                    quote = char
            elif char == "#":
                if before in " \t":
                    break  # a comment to the end of the line
            elif char in "[{":
                flow += 1
                deepest = max(deepest, block + flow)
            elif char in "]}" and flow:
                flow -= 1
    return deepest


def _toml_handler() -> frontmatter.default_handlers.BaseHandler:
    import tomllib

    class _TomlHandler(frontmatter.YAMLHandler):
        def load(self, fm: str, **kwargs: object) -> object:
            try:
                return tomllib.loads(fm)
            except tomllib.TOMLDecodeError as error:
                raise ValueError(f"TOML: {error}") from error

    return _TomlHandler()


def _json_front_matter(text: str) -> tuple[dict[str, object] | None, str]:
    decoder = json.JSONDecoder()
    try:
        data, end = decoder.raw_decode(text[:MAX_FRONT_MATTER_CHARS])
    except (ValueError, RecursionError):
        return None, text
    if not isinstance(data, dict):
        return None, text
    return data, text[end:].lstrip("\r\n")


# The fast path for flat front matter ------------------------------------------------------------

_STR = "tag:yaml.org,2002:str"
_LINE = re.compile(r"([A-Za-z_][A-Za-z0-9_-]*):[ ]+(\S(?:.*\S)?)[ ]*")
# A plain scalar may not start with an indicator, nor hold `: ` or ` #`, nor end in `:`.
_PLAIN_START = frozenset("-?:,[]{}#&*!|>'\"%@`")
# YAML 1.1 also breaks lines at U+0085, U+2028 and U+2029: text holding them goes to YAML.
_ORDINARY = re.compile("[\x20-\x7e\u00a0-\u2027\u202a-\ud7ff\ue000-\ufefe\uff00-\ufffd]*")
_resolver = Resolver()


_KNOWN: dict[str, bool] = {}
"""Answers for short scalars, which repeat from post to post (keys, layouts, categories)."""
# YAML looks for a bool, number, null, date, `=` or `<<` only in scalars starting with one of these.
_RESOLVED_STARTS = frozenset(start for start in _resolver.yaml_implicit_resolvers if start)
_ANY_START_RESOLVED = None in _resolver.yaml_implicit_resolvers or bool(_resolver.yaml_path_resolvers)


def _is_text(plain: str) -> bool:
    """Whether YAML reads this plain scalar as a string (not a bool, number, null, date, `=` or `<<`)."""
    if plain and plain[0] not in _RESOLVED_STARTS and not _ANY_START_RESOLVED:
        return True
    known = _KNOWN.get(plain)
    if known is None:
        known = _resolver.resolve(ScalarNode, plain, (True, False)) == _STR
        if len(plain) < 40 and len(_KNOWN) < 4_096:
            _KNOWN[plain] = known
    return known


def _scalar(value: str) -> str | None:
    """The string a one-line scalar stands for, or None if only the real loader can tell."""
    first = value[0]
    if first == '"':
        inner = value[1:-1]
        if len(value) >= 2 and value[-1] == '"' and "\\" not in inner and '"' not in inner:
            return inner
        return None
    if first == "'":
        inner = value[1:-1]
        if len(value) >= 2 and value[-1] == "'" and "'" not in inner:
            return inner
        return None
    if first in _PLAIN_START or ": " in value or " #" in value or value.endswith(":") or "\t" in value:
        return None
    return value if _is_text(value) else None


def load_flat(raw: str) -> dict[str, str] | None:
    """The mapping that flat front matter of one-line text values stands for, or None to use YAML.

    Only used where the answer is what `yaml.safe_load` gives: keys and values are plain, single- or
    double-quoted one-line strings; blank lines and whole-line comments are skipped.
    """
    if not _ORDINARY.fullmatch(raw.replace("\n", " ").replace("\r", " ")):
        return None
    data: dict[str, str] = {}
    for line in raw.split("\n"):
        line = line.rstrip("\r")
        if "\r" in line:  # a lone CR breaks the line for YAML too
            return None
        if not line.strip() or line.startswith("#"):
            continue
        match = _LINE.fullmatch(line)
        if match is None or not _is_text(match[1]):
            return None
        value = _scalar(match[2])
        if value is None:
            return None
        data[match[1]] = value
    return data
