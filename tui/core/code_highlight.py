"""A code block's text cut into highlighted pieces by Pygments, each named by a kind the reader colours.

The kinds are few and named for what they are (`keyword`, `string`, `comment`, …), not for a colour:
the reader maps each to a colour of the current theme, so every theme works and a theme change shows at
once. Lexing runs where the article is parsed (a thread), within a size and time bound.
"""

from __future__ import annotations

import re
import time
from functools import cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pygments.lexer import Lexer

KINDS = ("keyword", "string", "number", "comment", "name", "builtin", "inserted", "deleted", "heading")
KINDS += ("prompt", "error")
"""The kinds of code a piece can be; a piece of none of them (plain names, punctuation) has kind ""."""

MAX_HIGHLIGHT_CHARS = 50_000
"""A longer code block is shown in the plain code colour: lexing it would hold up opening the post."""

_LANGUAGE = re.compile(r"[\w+#.-]{1,40}")
_ALIASES = {"shell-session": "console", "sh-session": "console", "rs": "rust", "yml": "yaml"}

# Pygments' token types, most specific first (a type is matched by itself or any parent).
_KIND_OF_TOKEN = (
    ("Generic.Inserted", "inserted"),
    ("Generic.Deleted", "deleted"),
    ("Generic.Heading", "heading"),
    ("Generic.Subheading", "heading"),
    ("Generic.Prompt", "prompt"),
    ("Generic.Error", "error"),
    ("Error", "error"),
    ("Comment", "comment"),
    ("Keyword.Constant", "builtin"),
    ("Keyword.Type", "builtin"),
    ("Keyword", "keyword"),
    ("Operator.Word", "keyword"),
    ("Literal.String", "string"),
    ("Literal.Number", "number"),
    ("Literal", "string"),
    ("Name.Builtin", "builtin"),
    ("Name.Constant", "builtin"),
    ("Name.Attribute", "builtin"),
    ("Name.Function", "name"),
    ("Name.Class", "name"),
    ("Name.Decorator", "name"),
    ("Name.Tag", "name"),
    ("Name.Namespace", "name"),
    ("Name.Label", "name"),
)


def language_of(info: str) -> str:
    """The language a fence's info string names (`rust,ignore` → `rust`, `{.python}` → `python`)."""
    word = re.split(r"[\s,{}]+", info.strip().lstrip("{.").strip(), maxsplit=1)[0].lower()
    return word if _LANGUAGE.fullmatch(word) else ""


@cache
def _known_aliases() -> frozenset[str]:
    # Pygments' own lexers only: looking a name up among plugins reads every installed package's entry
    # points, half a second for each unknown name.
    from pygments.lexers import get_all_lexers

    return frozenset(alias for _, aliases, _, _ in get_all_lexers(plugins=False) for alias in aliases)


@cache
def _lexer(language: str) -> Lexer | None:
    from pygments.lexers import get_lexer_by_name

    language = _ALIASES.get(language, language)
    if language not in _known_aliases():
        return None
    return get_lexer_by_name(language, stripnl=False, ensurenl=False, tabsize=0)


@cache
def _kind(token_type: object) -> str:
    name = str(token_type).removeprefix("Token.")
    for prefix, kind in _KIND_OF_TOKEN:
        if name == prefix or name.startswith(prefix + "."):
            return kind
    return ""


def highlight(code: str, language: str, deadline: float) -> list[tuple[str, str]]:
    """The code as (text, kind) pieces whose texts join up to exactly the code; one plain piece when the
    language is unknown, the block too long, or lexing not done by `deadline` (`time.monotonic()`)."""
    lexer = _lexer(language) if language and len(code) <= MAX_HIGHLIGHT_CHARS else None
    if lexer is None or time.monotonic() > deadline:
        return [(code, "")]
    # Lexers match a line comment up to its newline: the last line gets one while lexing, then loses it.
    added = "" if code.endswith("\n") else "\n"
    pieces: list[tuple[list[str], str]] = []
    done = 0
    try:
        for count, (token_type, value) in enumerate(lexer.get_tokens(code + added)):
            if count % 256 == 255 and time.monotonic() > deadline:
                break
            kind = _kind(token_type)
            if pieces and pieces[-1][1] == kind:
                pieces[-1][0].append(value)
            else:
                pieces.append(([value], kind))
            done += len(value)
    except Exception:  # a lexer failing on odd input leaves the code readable, just not coloured
        return [(code, "")]
    joined = [("".join(parts), kind) for parts, kind in pieces]
    if added and done > len(code):
        text, kind = joined.pop()
        if text[:-1]:
            joined.append((text[:-1], kind))
        done = len(code)
    if "".join(text for text, _ in joined) != code[:done]:
        return [(code, "")]  # a lexer that changed the text (newlines, tabs) is not trusted with it
    if done < len(code):
        joined.append((code[done:], ""))
    return joined
