"""Saved searches and mute/highlight rules: `searches.toml` in krant's config folder, for people to edit too.

```toml
[[search]]
name = "Rust releases"
query = "cat:releases rust"

[[rule]]
query = "tag:sponsored"
action = "hide"        # or "read" (arrives read), or "highlight" (its row stands out)
```

Read with tomllib; written by krant itself (TOML strings escaped here) atomically, so a crash never leaves
half a file. A file that is not TOML is kept aside (`searches.toml.corrupt-<time>`) with a notice, as for
settings. An entry krant cannot use (no name, an unknown action) is left out with a notice; one whose query
has a mistake is kept, and its mistake shown where it is used, so a hand edit is never lost by a save.
"""

from __future__ import annotations

import tomllib
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path

from tui.core.query import All, Any, Node, Not, Query, QueryError, parse
from tui.core.sanitize import clean_line
from tui.core.store_files import keep_aside, write_atomically

SEARCHES_FILE = "searches.toml"
ACTIONS = ("hide", "read", "highlight")
"""What a rule does to the posts its query finds: leave them out, mark them read, or make them stand out."""
HEADER = """\
# krant's saved searches and rules. Edit freely: krant reads this file when it starts.
# [[search]]: a name and a query (as typed after /), listed in the sidebar with its counts.
# [[rule]]: a query and an action: "hide" (never listed, under Muted), "read" (arrives read) or
# "highlight" (its row stands out). Saving from krant rewrites this file (comments are not kept).
"""


@dataclass(frozen=True, slots=True)
class SavedSearch:
    name: str
    query: str


@dataclass(frozen=True, slots=True)
class Rule:
    query: str
    action: str
    """One of `ACTIONS`."""


@dataclass(frozen=True, slots=True)
class Searches:
    """What `searches.toml` holds."""

    searches: tuple[SavedSearch, ...] = ()
    rules: tuple[Rule, ...] = ()

    def named(self, name: str) -> SavedSearch | None:
        return next((search for search in self.searches if search.name == name), None)

    def saved(self, name: str, query: str) -> Searches:
        """With `query` saved under `name` (replacing a search of that name, else last)."""
        entry = SavedSearch(name, query)
        if self.named(name) is None:
            return replace(self, searches=(*self.searches, entry))
        return replace(self, searches=tuple(entry if each.name == name else each for each in self.searches))

    def renamed(self, old: str, new: str) -> Searches:
        kept = tuple(each for each in self.searches if each.name != new or new == old)
        return replace(self, searches=tuple(replace(s, name=new) if s.name == old else s for s in kept))

    def removed(self, name: str) -> Searches:
        return replace(self, searches=tuple(each for each in self.searches if each.name != name))

    def rule_tree(self, action: str) -> Node | None:
        """One query tree finding what any rule with this action finds (a rule whose query has a mistake
        finds nothing), or None when there is no such rule."""
        queries = [saved_query(rule.query) for rule in self.rules if rule.action == action]
        roots = [query.root for query in queries if isinstance(query, Query) and query.root is not None]
        if not roots:
            return None
        return roots[0] if len(roots) == 1 else Any(tuple(roots))

    def visible(self, query: Query) -> Query:
        """`query` without what hide rules find (an empty query: every post but those)."""
        hidden = self.rule_tree("hide")
        if hidden is None:
            return query
        root = Not(hidden) if query.root is None else All((query.root, Not(hidden)))
        return Query(query.text, root)


@dataclass(frozen=True, slots=True)
class LoadedSearches:
    searches: Searches = field(default_factory=Searches)
    notices: tuple[str, ...] = ()
    """One line each for what could not be used (the file, or an entry of it)."""


def saved_query(text: str) -> Query | QueryError:
    """A saved search's or rule's query, parsed as typed in full (no word is still being typed)."""
    try:
        return parse(text, prefix_last=False)
    except QueryError as error:
        return error


class SearchesStore:
    """Reads and writes `searches.toml`; never raises on a bad file, so a broken file cannot stop krant."""

    def __init__(self, config_dir: Path, clock: Callable[[], datetime] | None = None) -> None:
        self.path = config_dir / SEARCHES_FILE
        self._clock = clock or datetime.now

    def read(self, *, repair: bool = True) -> LoadedSearches:
        """What the file holds; nothing when there is none, or when it is not TOML (then moved aside,
        with `repair`; `krant list` only reads)."""
        try:
            raw = self.path.read_bytes()
        except FileNotFoundError:
            return LoadedSearches()
        except OSError as error:
            return LoadedSearches(notices=(f"Could not read {self.path}: {error.strerror or error}.",))
        try:
            data = tomllib.loads(raw.decode("utf-8"))
        except (UnicodeDecodeError, tomllib.TOMLDecodeError, RecursionError) as error:
            # RecursionError: arrays in arrays a thousand deep (tomllib's parser recurses).
            reason = clean_line(str(error)) if not isinstance(error, RecursionError) else "nested too deeply"
            if not repair:
                return LoadedSearches(
                    notices=(f"{self.path} is not valid TOML ({reason}); its rules are not used.",)
                )
            return LoadedSearches(notices=(self._move_aside(reason),))
        notices: list[str] = []
        searches: list[SavedSearch] = []
        for number, entry in enumerate(_tables(data, "search", notices), start=1):
            name, query = entry.get("name"), entry.get("query")
            if not isinstance(name, str) or not clean_line(name).strip() or not isinstance(query, str):
                notices.append(f"{SEARCHES_FILE}: search {number} needs a name and a query (text); left out.")
            elif any(each.name == clean_line(name).strip() for each in searches):
                notices.append(f"{SEARCHES_FILE}: a second search named '{clean_line(name)}'; left out.")
            else:
                searches.append(SavedSearch(clean_line(name).strip(), clean_line(query)))
        rules: list[Rule] = []
        for number, entry in enumerate(_tables(data, "rule", notices), start=1):
            query, action = entry.get("query"), entry.get("action")
            if not isinstance(query, str) or action not in ACTIONS:
                notices.append(
                    f"{SEARCHES_FILE}: rule {number} needs a query and an action"
                    f" ({', '.join(ACTIONS)}); left out."
                )
            else:
                rules.append(Rule(clean_line(query), str(action)))
        for what, texts in (("search", [s.query for s in searches]), ("rule", [r.query for r in rules])):
            for number, text in enumerate(texts, start=1):
                problem = saved_query(text)
                if isinstance(problem, QueryError):
                    notices.append(f"{SEARCHES_FILE}: {what} {number} ({text!r}): {problem.message}")
        return LoadedSearches(Searches(tuple(searches), tuple(rules)), tuple(notices))

    def save(self, searches: Searches) -> None:
        """Write the file (atomically).

        Raises:
            OSError: the config folder cannot be written.
        """
        write_atomically(self.path, searches_text(searches))

    def _move_aside(self, reason: str) -> str:
        try:
            aside = keep_aside(self.path, when=self._clock())
        except OSError as error:
            return (
                f"{self.path} is not valid TOML ({reason}) and could not be moved aside ({error.strerror})."
            )
        return f"{SEARCHES_FILE} was not valid TOML ({reason}): moved it aside to {aside}."


def _tables(data: dict[str, object], name: str, notices: list[str]) -> list[dict[str, object]]:
    value = data.get(name, [])
    if not isinstance(value, list) or not all(isinstance(each, dict) for each in value):
        notices.append(f"{SEARCHES_FILE}: '{name}' should be [[{name}]] tables; left out.")
        return []
    return value


def searches_text(searches: Searches) -> str:
    """The file's text: a comment on its use, then every search and rule as TOML tables."""
    blocks = [HEADER]
    blocks += [
        f"[[search]]\nname = {toml_string(s.name)}\nquery = {toml_string(s.query)}\n"
        for s in searches.searches
    ]
    blocks += [
        f"[[rule]]\nquery = {toml_string(r.query)}\naction = {toml_string(r.action)}\n"
        for r in searches.rules
    ]
    return "\n".join(blocks)


def toml_string(text: str) -> str:
    """A TOML basic string holding exactly `text`: quotes, backslashes and control characters escaped."""
    escaped = []
    for char in text:
        if char == '"':
            escaped.append('\\"')
        elif char == "\\":
            escaped.append("\\\\")
        elif char in _SHORT:
            escaped.append(_SHORT[char])
        elif 0xD800 <= ord(char) <= 0xDFFF:  # a lone surrogate is no character TOML can hold
            escaped.append("\\uFFFD")
        elif ord(char) < 0x20 or ord(char) == 0x7F:
            escaped.append(f"\\u{ord(char):04X}")
        else:
            escaped.append(char)
    return '"' + "".join(escaped) + '"'


_SHORT = {"\b": "\\b", "\t": "\\t", "\n": "\\n", "\f": "\\f", "\r": "\\r"}
