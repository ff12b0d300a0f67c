"""The filter language of `/`, saved searches, rules and `krant list --query`: text to a tree to SQL.

A query is words (each must be found), `"a phrase"`, fields (`cat:sport`, `tag:rust`, `is:unread`,
`after:2019-05-01`, `newer:7d`, `title:word`, …), `-` before any term to negate it, `OR` between terms
and parentheses. `parse` turns it into a tree of frozen dataclasses, or raises `QueryError` saying what is
wrong and where (so the search box can point at it). `compile_query` turns the tree into SQL over the
index's `files` table (and its FTS5 `search` table for words); every value the user typed is a bound
parameter, and words reach FTS5 only quoted (`tui.core.search.parts_fts`).

Words keep the meaning they have always had in search (`tui.core.search.query_parts`): joined words
(`1.5.1`, `covid-19`) and quoted ones are phrases, and the query's last plain word matches as a prefix
(the word still being typed). An unknown `name:` that is far from every field is a word too
(`bier:gebrouwen`, `10:30`, `https://…`), so what could always be searched still can.
"""

from __future__ import annotations

import difflib
import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Protocol

from tui.core.search import MAX_TERMS, Part, fold, parts_fts, query_parts

FIELDS = {
    "category": "category",
    "cat": "category",
    "tag": "tag",
    "is": "is",
    "after": "after",
    "before": "before",
    "newer": "newer",
    "older": "older",
    "title": "title",
}
"""Every field name (and alias) a query may use, with the field it stands for."""
STATES = ("unread", "read", "starred", "new")
"""What `is:` takes."""
AGE_UNITS = {"h": 3_600, "d": 86_400, "w": 7 * 86_400, "m": 30 * 86_400, "y": 365 * 86_400}
"""`newer:`/`older:` units in seconds: hours, days, weeks, months (30 days) and years (365 days)."""
SEPARATOR = "\x1f"
"""Between the folded names of the index's `fcategories` and `ftags` columns (and around them)."""


MAX_DEPTH = 32
"""Parentheses deeper than this are a mistake (nobody writes them; Python's stack would run out)."""


class QueryError(ValueError):
    """A mistake in a query: what is wrong, and the characters `[start, end)` of the text it is about."""

    def __init__(self, message: str, start: int, end: int) -> None:
        super().__init__(message)
        self.message = message
        self.start = start
        self.end = max(end, start + 1)


# The tree ----------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Words:
    """Words that must all be found (a phrase is one `Part`), in the title (and tags) only if `title`."""

    parts: tuple[Part, ...]
    title: bool = False


@dataclass(frozen=True, slots=True)
class Category:
    name: str
    """Folded (`tui.core.search.fold`): case and accents do not count."""


@dataclass(frozen=True, slots=True)
class Tag:
    name: str
    """Folded, as `Category.name`."""


@dataclass(frozen=True, slots=True)
class State:
    state: str
    """One of `STATES`."""


@dataclass(frozen=True, slots=True)
class Since:
    """Posts dated at or after a moment: `after:` a day (its start, local time) or `newer:` an age."""

    day: date | None = None
    age: int | None = None
    """Seconds before now."""


@dataclass(frozen=True, slots=True)
class Until:
    """Posts dated before a moment: `before:` a day (its start, local time) or `older:` an age."""

    day: date | None = None
    age: int | None = None


@dataclass(frozen=True, slots=True)
class Not:
    term: Node


@dataclass(frozen=True, slots=True)
class All:
    """Every term holds (terms written one after another)."""

    terms: tuple[Node, ...]


@dataclass(frozen=True, slots=True)
class Any:
    """At least one term holds (`a OR b`)."""

    terms: tuple[Node, ...]


Node = Words | Category | Tag | State | Since | Until | Not | All | Any


@dataclass(frozen=True, slots=True)
class Query:
    """A parsed query: its text, and its tree (None when it asks for nothing, as an empty box)."""

    text: str
    root: Node | None

    @property
    def words(self) -> tuple[Part, ...]:
        """The words a hit may hold (all but those after `-`): what a snippet shows and highlights."""
        found: list[Part] = []
        pending = [self.root]
        while pending:
            node = pending.pop(0)
            if isinstance(node, Words):
                found.extend(node.parts)
            elif isinstance(node, All | Any):
                pending[:0] = node.terms
        return tuple(found)

    @property
    def has_words(self) -> bool:
        """Whether every hit holds words FTS5 finds, so hits have snippets and can be ranked best first."""
        return any(_fts_of(node) is not None for node in _conjuncts(self.root))

    @property
    def empty(self) -> bool:
        return self.root is None

    @property
    def states(self) -> frozenset[str]:
        """The marks `is:` asks about: "read" (for `is:read` and `is:unread`), "starred", "new"."""
        found: set[str] = set()
        pending = [self.root]
        while pending:
            node = pending.pop()
            if isinstance(node, State):
                found.add("read" if node.state == "unread" else node.state)
            elif isinstance(node, Not):
                pending.append(node.term)
            elif isinstance(node, All | Any):
                pending.extend(node.terms)
        return frozenset(found)

    @property
    def plain_words(self) -> bool:
        """Whether the query is only words every hit holds (no field, `-` or `OR`), as search once was."""
        terms = _conjuncts(self.root)
        return bool(terms) and all(isinstance(term, Words) and not term.title for term in terms)


# Tokens ------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Token:
    kind: str
    """"(", ")", "OR", "-", "word" or "field"."""
    start: int
    end: int
    text: str = ""
    """A word's text (quotes included, to tell a phrase), a field's value."""
    name: str = ""
    """A field's name as typed."""
    quoted: bool = False


_FIELD = re.compile(r"([A-Za-z]+):")
_STOP = ' \t\n\r\f\v()"'


def _tokens(text: str) -> list[_Token]:
    tokens: list[_Token] = []
    i, n = 0, len(text)
    while i < n:
        char = text[i]
        if char.isspace():
            i += 1
        elif char in "()":
            tokens.append(_Token(char, i, i + 1))
            i += 1
        elif (
            char == "-"
            and i + 1 < n
            and not text[i + 1].isspace()
            and text[i + 1] != ")"
            and _at_start(text, i)
        ):
            tokens.append(_Token("-", i, i + 1))
            i += 1
        elif char == '"':
            end = _quote_end(text, i)
            tokens.append(_Token("word", i, end, text[i:end], quoted=True))
            i = end
        else:
            start = i
            while i < n and text[i] not in _STOP:
                i += 1
            chunk = text[start:i]
            field = _FIELD.match(chunk)
            if chunk == "OR":
                tokens.append(_Token("OR", start, i))
            elif field is not None and _is_field(field[1], start):
                value = chunk[field.end() :]
                quoted = False
                if not value and i < n and text[i] == '"':
                    end = _quote_end(text, i)
                    value, quoted, i = text[i:end], True, end
                tokens.append(_Token("field", start, i, value, name=field[1], quoted=quoted))
            else:
                tokens.append(_Token("word", start, i, chunk))
    return tokens


def _at_start(text: str, i: int) -> bool:
    """Whether a `-` begins a term (after a space, a parenthesis or another `-`), not `covid-19`'s."""
    return i == 0 or text[i - 1].isspace() or text[i - 1] in "(-"


def _quote_end(text: str, start: int) -> int:
    """The index after the quote that closes the one at `start` (the text's end if none does)."""
    close = text.find('"', start + 1)
    return len(text) if close == -1 else close + 1


def _is_field(name: str, start: int) -> bool:
    """Whether `name:` is a field; a near miss of one (`catgory:`) is a mistake worth saying."""
    if name.lower() in FIELDS:
        return True
    close = difflib.get_close_matches(name.lower(), FIELDS, n=1, cutoff=0.75)
    if close:
        raise QueryError(f"unknown field '{name}:' — did you mean {close[0]}:?", start, start + len(name) + 1)
    return False


# Parsing -----------------------------------------------------------------------------------------


def parse(text: str, *, prefix_last: bool = True) -> Query:
    """The query `text` asks for; raises `QueryError` when it cannot be read.

    With `prefix_last`, a last plain word (or the last word of a quote not closed yet) matches longer
    words too, as search has always done while a word is being typed.
    """
    return Query(text, _Parser(text, _tokens(text), prefix_last).parse())


@dataclass
class _Parser:
    text: str
    tokens: list[_Token]
    prefix_last: bool
    at: int = 0
    words: int = field(default=0)
    depth: int = 0

    def peek(self) -> _Token | None:
        return self.tokens[self.at] if self.at < len(self.tokens) else None

    def parse(self) -> Node | None:
        node = self.any_of()
        token = self.peek()
        if token is not None:  # only a ')' stops `any_of` before the end
            raise QueryError("')' without '('", token.start, token.end)
        return node

    def any_of(self) -> Node | None:
        """Terms joined by OR."""
        first = self.peek()
        if first is not None and first.kind == "OR":
            raise QueryError("OR needs a term before it", first.start, first.end)
        terms = [self.all_of()]
        while (token := self.peek()) is not None and token.kind == "OR":
            self.at += 1
            following = self.peek()
            if following is None or following.kind in (")", "OR"):
                raise QueryError("OR needs a term after it", token.start, token.end)
            terms.append(self.all_of())
        kept = [term for term in terms if term is not None]
        if len(kept) < len(terms):
            return _joined(All, kept)  # `a OR *`: a side with no words asks nothing of the other
        return _joined(Any, kept)

    def all_of(self) -> Node | None:
        """Terms written one after another."""
        terms: list[Node] = []
        while (token := self.peek()) is not None and token.kind not in ("OR", ")"):
            term = self.unary()
            if term is not None:
                terms.append(term)
        return _joined(All, terms)

    def unary(self) -> Node | None:
        # `--a` is `a` again: a loop, so ten thousand minuses cannot exhaust the stack.
        negated = False
        while (token := self.tokens[self.at]).kind == "-":
            self.at += 1
            following = self.peek()
            if following is None or following.kind in (")", "OR"):
                raise QueryError("'-' needs a term after it", token.start, token.end)
            negated = not negated
        term = self.primary()
        return Not(term) if negated and term is not None else term

    def primary(self) -> Node | None:
        token = self.tokens[self.at]
        self.at += 1
        if token.kind == "(":
            self.depth += 1
            if self.depth > MAX_DEPTH:  # each level is frames of Python's stack, here and compiling
                message = f"more than {MAX_DEPTH} parentheses inside each other"
                raise QueryError(message, token.start, token.end)
            inner = self.any_of()
            self.depth -= 1
            close = self.peek()
            if close is None:
                raise QueryError("'(' without ')'", token.start, token.end)
            self.at += 1
            if inner is None:
                raise QueryError("nothing between '(' and ')'", token.start, close.end)
            return inner
        if token.kind == "word":
            return self.words_of(token.text, token, title=False)
        return self.field(token)

    def words_of(self, text: str, token: _Token, *, title: bool) -> Words | None:
        last = self.at == len(self.tokens) and not self.text[token.end :].strip()
        parts = tuple(query_parts(text, prefix_last=self.prefix_last and last))
        if not parts:
            return None  # punctuation alone (`*`, `-`) asks for nothing, as it always has
        self.words += sum(len(part.words) for part in parts)
        if self.words > MAX_TERMS:
            raise QueryError(f"too many words (at most {MAX_TERMS})", token.start, token.end)
        return Words(parts, title)

    def field(self, token: _Token) -> Node | None:
        name = FIELDS[token.name.lower()]
        value = token.text.strip('"') if token.quoted else token.text
        where = (token.start, token.end)
        if name == "title":
            if not query_parts(value):
                raise QueryError("title: needs a word, like title:rust", *where)
            return self.words_of(token.text, token, title=True)
        if name in ("category", "tag"):
            if not value.strip():
                example = "cat:sport" if name == "category" else "tag:rust"
                raise QueryError(f"{token.name}: needs a name, like {example}", *where)
            return (Category if name == "category" else Tag)(fold(value.strip()))
        if name == "is":
            state = value.lower()
            if state not in STATES:
                raise QueryError("is: takes unread, read, starred or new", *where)
            return State(state)
        if name in ("after", "before"):
            day = _day(value)
            if day is None:
                raise QueryError(f"{name}: needs a date like 2019-05-01", *where)
            return Since(day=day) if name == "after" else Until(day=day)
        age = _age(value)
        if age is None:
            raise QueryError(f"{name}: needs an age like 7d (h, d, w, m or y)", *where)
        return Since(age=age) if name == "newer" else Until(age=age)


def _joined(kind: type[All] | type[Any], terms: list[Node]) -> Node | None:
    if not terms:
        return None
    return terms[0] if len(terms) == 1 else kind(tuple(terms))


_DAY = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")
FIRST_YEAR = 1900
"""`after:` and `before:` days earlier than this year count as its first day (no post is older)."""
LONGEST_AGE = 500 * 366 * 86_400
"""The longest age `newer:`/`older:` mean (seconds): any longer one is as long."""
_AGE = re.compile(r"(\d{1,6})([hdwmy])", re.IGNORECASE)


def _day(value: str) -> date | None:
    match = _DAY.fullmatch(value)
    if match is None:
        return None
    try:
        day = date(int(match[1]), int(match[2]), int(match[3]))
    except ValueError:
        return None
    return day if FIRST_YEAR <= day.year else date(FIRST_YEAR, 1, 1)  # earlier is before every post


def _age(value: str) -> int | None:
    match = _AGE.fullmatch(value)
    if match is None:
        return None
    # Ages beyond any post's (999999y) are cut to one, so the dates they make stay dates SQLite can hold.
    return min(int(match[1]) * AGE_UNITS[match[2].lower()], LONGEST_AGE)


def _conjuncts(node: Node | None) -> tuple[Node, ...]:
    """The terms every hit must satisfy: the root's, when it is an `All`, else the root alone."""
    if node is None:
        return ()
    return node.terms if isinstance(node, All) else (node,)


# SQL ---------------------------------------------------------------------------------------------


class MarkState(Protocol):
    """Which posts are read, starred and new, by `Post.key`: `is:` looks keys up in these sets."""

    def read_keys(self) -> frozenset[str]: ...

    def starred_keys(self) -> frozenset[str]: ...

    def new_keys(self) -> frozenset[str]: ...


@dataclass(frozen=True, slots=True)
class MarkSnapshot:
    """A `MarkState` of sets taken at one moment (a thread searches with it while marks change)."""

    read: frozenset[str] = frozenset()
    starred: frozenset[str] = frozenset()
    new: frozenset[str] = frozenset()

    def read_keys(self) -> frozenset[str]:
        return self.read

    def starred_keys(self) -> frozenset[str]:
        return self.starred

    def new_keys(self) -> frozenset[str]:
        return self.new


NO_MARKS = MarkSnapshot()
"""Nothing read, starred or new."""

KEY_SQL = "coalesce(f.key, 'link:' || f.link, '')"
"""A `files` row's `Post.key` (the index leaves it NULL when it is 'link:' and the link)."""
STATE_FUNCTION = "krant_state"
"""The SQL function `is:` calls: `krant_state(state, key)`, registered per connection (see `functions`)."""


@dataclass(frozen=True, slots=True)
class Compiled:
    """A query as SQL over `files AS f`: `match` (if any) drives it through FTS5, `where` filters rows."""

    match: str | None
    """An FTS5 expression every hit satisfies (the query's plain words), or None."""
    where: str
    """A condition on `f` (with the FTS5 subqueries for words elsewhere in the query)."""
    parameters: tuple[object, ...]
    states: frozenset[str]
    """The `is:` states the condition asks about."""
    lowest: int | None = None
    """A search rowid (`files.doc`) no hit is below, when the query bounds the dates."""
    highest: int | None = None
    """A search rowid every hit is below."""


def compile_query(query: Query, now: float, local_day: Callable[[date], float]) -> Compiled:
    """SQL for the posts `query` finds, as of `now` (a timestamp; `newer:`, `older:`).

    `local_day` gives a day's start as a timestamp (`after:`, `before:`). What every hit must hold that
    FTS5 can say (words, an OR of words, words left out with `-`) becomes `match`, so FTS5 finds the hits
    in date order; dates every hit is within bound the rowids; the rest becomes `where`.
    """
    compiler = _Compiler(now, local_day)
    driving: list[str] = []
    excluded: list[str] = []
    rest: list[Node] = []
    for node in _conjuncts(query.root):
        expression = _fts_of(node)
        if expression is not None:
            driving.append(expression)
        elif isinstance(node, Not) and (expression := _fts_of(node.term)) is not None:
            excluded.append(expression)
        else:
            rest.append(node)
    match = None
    if driving:
        match = " AND ".join(f"({each})" for each in driving) + "".join(f" NOT ({each})" for each in excluded)
    else:  # FTS5 leaves words out only of what it found: without words to find, `-word` is a condition
        rest = list(_conjuncts(query.root))
    where = " AND ".join(compiler.sql(node) for node in rest) or "1"
    lowest, highest = _doc_bounds(compiler, rest)
    return Compiled(match, where, tuple(compiler.parameters), frozenset(compiler.states), lowest, highest)


def _fts_of(node: Node) -> str | None:
    """The FTS5 expression of a term made only of words (`rust`, `a OR b`, `(a b) OR c`), else None."""
    if isinstance(node, Words):
        expression = parts_fts(node.parts)
        assert expression is not None  # a Words always has parts
        return f"title : ({expression})" if node.title else expression
    if isinstance(node, All | Any):
        inner = [_fts_of(term) for term in node.terms]
        if any(each is None for each in inner):
            return None
        return (" AND " if isinstance(node, All) else " OR ").join(f"({each})" for each in inner)
    return None


def _doc_bounds(compiler: _Compiler, terms: list[Node]) -> tuple[int | None, int | None]:
    """Search rowids (see the index's `_doc_id`: the date's second above 20 bits) that hold every hit.

    Only a bound, a little wide: `f.stamp` still decides. It lets SQLite and FTS5 seek to the dates asked
    for rather than read every hit since the newest (`older:10y markt` read 95% of the hits of markt).
    """
    lowest: int | None = None
    highest: int | None = None
    for node in terms:
        if isinstance(node, Since):
            second = math.floor(compiler.moment(node)) - 1
            lowest = second if lowest is None else max(lowest, second)
        elif isinstance(node, Until):
            second = math.floor(compiler.moment(node)) + 2
            highest = second if highest is None else min(highest, second)
    return (
        None if lowest is None else lowest << 20,
        None if highest is None else highest << 20,
    )


class _Compiler:
    def __init__(self, now: float, local_day: Callable[[date], float]) -> None:
        self.now = now
        self.local_day = local_day
        self.parameters: list[object] = []
        self.states: set[str] = set()

    def moment(self, node: Since | Until) -> float:
        return self.local_day(node.day) if node.day is not None else self.now - (node.age or 0)

    def sql(self, node: Node) -> str:
        parameters = self.parameters
        expression = _fts_of(node)
        if expression is not None:  # words, or an OR of them: one lookup
            parameters.append(expression)
            return "f.doc IN (SELECT rowid FROM search WHERE search MATCH ?)"
        if isinstance(node, Category | Tag):
            parameters.append(SEPARATOR + node.name + SEPARATOR)
            column = "f.fcategories" if isinstance(node, Category) else "f.ftags"
            return f"instr({column}, ?) > 0"
        if isinstance(node, State):
            stored = "read" if node.state == "unread" else node.state
            self.states.add(stored)
            parameters.append(stored)
            test = f"{STATE_FUNCTION}(?, {KEY_SQL})"
            return f"NOT {test}" if node.state == "unread" else test
        if isinstance(node, Since | Until):
            parameters.append(self.moment(node))
            return "f.stamp >= ?" if isinstance(node, Since) else "f.stamp < ?"
        if isinstance(node, Not):
            return f"NOT ifnull({self.sql(node.term)}, 0)"
        joiner = " AND " if isinstance(node, All) else " OR "
        return "(" + joiner.join(self.sql(term) for term in node.terms) + ")"


def local_day_start(day: date) -> float:
    """The timestamp at which a day starts in the local time zone (in UTC for a day it cannot place)."""
    try:
        return datetime(day.year, day.month, day.day).astimezone().timestamp()
    except (OverflowError, ValueError, OSError):  # 9999-12-31 in a zone east of UTC
        return datetime(day.year, day.month, day.day, tzinfo=UTC).timestamp()


def state_function(marks: MarkState, states: Sequence[str] | frozenset[str]) -> Callable[[str, str], bool]:
    """The `krant_state(state, key)` SQL function for a query that asks about `states`."""
    sets = {
        "read": marks.read_keys() if "read" in states else frozenset(),
        "starred": marks.starred_keys() if "starred" in states else frozenset(),
        "new": marks.new_keys() if "new" in states else frozenset(),
    }

    def in_state(state: str, key: str) -> bool:
        return key in sets[state]

    return in_state
