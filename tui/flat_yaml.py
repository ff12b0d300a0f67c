"""A fast path for the front matter nearly every post has: flat `key: value` lines of plain text.

PyYAML builds such a mapping in Python, object by object, which made it the largest cost of reading a
post. This reads only what it is sure of, exactly as YAML would; anything else returns None and goes to
the real YAML loader.
"""

from __future__ import annotations

import re

from yaml.nodes import ScalarNode
from yaml.resolver import Resolver

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
