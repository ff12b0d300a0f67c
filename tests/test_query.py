"""The filter language: every field and operator finds what it says, and every mistake says what and where."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tui.core.index import PostIndex, read_entry
from tui.core.query import AGE_UNITS, MarkSnapshot, QueryError, Since, Until, parse

POSTS = {
    # name: (date, front matter lines, body)
    "rust-1": (
        "2019-05-01",
        "category: releases\ntags: [rust, lang]\ntitle: Rust 1.0 released",
        "A new language.",
    ),
    "sport": ("2019-05-10", "category: sport\ntitle: Sport nieuws", "De voetbal uitslag van gisteren."),
    "cafe": ("2019-05-20", "category: Économie\ntags: [Koffie]\ntitle: Café opent", "Koffie en taart."),
    "rust-go": (
        "2019-06-01",
        "categories: [releases, opinion]\ntitle: Rust and Go",
        "Comparing rust with go.",
    ),
    "ad": ("2019-06-15", "category: ads\ntags: [sponsored]\ntitle: Buy this", "The rust cleaner you need."),
    "hidden": ("2019-06-16", "category: sport\ntitle: Hidden draft\npublished: false", "Voetbal geheim."),
    "recent": (
        "2024-01-01",
        "category: news\ntitle: Recent post\nlink: https://example.org/recent",
        "Nieuws.",
    ),
}
NOW = datetime(2019, 6, 20, 12, tzinfo=UTC).timestamp()


def write_posts(folder: Path) -> None:
    for name, (day, fields, body) in POSTS.items():
        text = f"---\n{fields}\ndate: {day} 12:00:00 +0000\n---\n\n{body}\n"
        (folder / f"{day}-{name}.md").write_text(text, encoding="utf-8")


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("posts")
    write_posts(folder)
    return folder


@pytest.fixture(scope="module")
def index(folder: Path) -> PostIndex:
    index = PostIndex(folder, None)
    index.update_texts(read_entry(str(path), folder) for path in sorted(folder.iterdir()))
    return index


def found(index: PostIndex, text: str, marks: MarkSnapshot | None = None) -> list[str]:
    hits = index.search(text, marks=marks or MarkSnapshot(), now=NOW)
    return [Path(hit.path).stem.split("-", 3)[3] for hit in hits]


def keys_of(index: PostIndex, *names: str) -> frozenset[str]:
    """The `Post.key` of posts of POSTS, as the index stores them."""
    entries = [read_entry(str(path), index.root) for path in sorted(index.root.iterdir())]
    by_name = {Path(post.path).stem.split("-", 3)[3]: post.key for post, _text in entries}
    return frozenset(by_name[name] for name in names)


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("rust", ["ad", "rust-go", "rust-1"]),  # every word, newest first, as before
        ("rust go", ["rust-go"]),
        ('"rust cleaner"', ["ad"]),
        ('"cleaner rust"', []),
        ("title:rust", ["rust-go", "rust-1"]),  # not the ad, whose rust is in its body
        ('title:"rust and"', ["rust-go"]),
        ("cat:releases", ["rust-go", "rust-1"]),
        ("category:RELEASES", ["rust-go", "rust-1"]),  # case is ignored
        ("cat:economie", ["cafe"]),  # and accents
        ('cat:"Économie"', ["cafe"]),
        ("cat:release", []),  # a whole name, not a part of one
        ("tag:rust", ["rust-1"]),
        ("tag:KOFFIE", ["cafe"]),
        ("-cat:releases", ["recent", "hidden", "ad", "cafe", "sport"]),
        ("rust -tag:sponsored", ["rust-go", "rust-1"]),
        ("-rust", ["recent", "hidden", "cafe", "sport"]),
        ('-"rust cleaner" rust', ["rust-go", "rust-1"]),
        ("after:2019-06-01", ["recent", "hidden", "ad", "rust-go"]),
        ("before:2019-05-20", ["sport", "rust-1"]),
        ("after:2019-05-10 before:2019-06-01", ["cafe", "sport"]),
        ("after:2019-05-15 rust", ["ad", "rust-go"]),  # dates bound what FTS5 finds
        ("before:2019-06-10 rust", ["rust-go", "rust-1"]),
        ("older:3w rust -cat:opinion", ["rust-1"]),
        ("newer:7d", ["recent", "hidden", "ad"]),  # `recent` is in the future of NOW
        ("older:3w", ["cafe", "sport", "rust-1"]),
        ("older:1y", []),
        ("newer:2m -newer:1m", ["cafe", "sport", "rust-1"]),
        ("cat:sport OR tag:koffie", ["hidden", "cafe", "sport"]),
        ("(cat:sport OR cat:ads) -tag:sponsored", ["hidden", "sport"]),
        ("-(cat:sport OR cat:releases) before:2020-01-01", ["ad", "cafe"]),
        ("rust (cat:ads OR tag:lang)", ["ad", "rust-1"]),
        ("voetbal OR koffie", ["hidden", "cafe", "sport"]),
        ("((rust))", ["ad", "rust-go", "rust-1"]),
        ("rus", ["ad", "rust-go", "rust-1"]),  # the last word is still being typed
        ("cat:ads rus", ["ad"]),
        ("rus cat:ads", []),  # a word followed by more is whole
        ("bier:gebrouwen", []),  # a name far from every field is a word, as it always was
    ],
)
def test_every_field_and_operator_finds_what_it_says(
    index: PostIndex, query: str, expected: list[str]
) -> None:
    assert found(index, query) == expected


def test_is_asks_the_marks(index: PostIndex) -> None:
    marks = MarkSnapshot(
        read=keys_of(index, "rust-1", "sport"),
        starred=keys_of(index, "cafe", "recent"),
        new=keys_of(index, "ad"),
    )
    assert found(index, "is:read", marks) == ["sport", "rust-1"]
    assert found(index, "is:unread", marks) == ["recent", "hidden", "ad", "rust-go", "cafe"]
    assert found(index, "is:starred", marks) == ["recent", "cafe"]
    assert found(index, "is:new", marks) == ["ad"]
    assert found(index, "is:unread is:starred", marks) == ["recent", "cafe"]
    assert found(index, "-is:starred rust", marks) == ["ad", "rust-go", "rust-1"]
    assert found(index, "IS:Read", marks) == ["sport", "rust-1"]  # field names and states: any case


def test_words_in_an_or_are_found_ranked_and_highlighted(index: PostIndex) -> None:
    from tui.core.search import Order

    hits = index.search("(cleaner OR language) -voetbal", order=Order.RELEVANCE, now=NOW)
    assert sorted(Path(hit.path).name for hit in hits) == ["2019-05-01-rust-1.md", "2019-06-15-ad.md"]
    assert all(hit.highlights for hit in hits)


def test_a_query_of_fields_only_lists_newest_first_without_snippets(index: PostIndex) -> None:
    hits = index.search("cat:releases", now=NOW)
    assert [hit.snippet for hit in hits] == ["", ""]
    with_words = index.search("cat:releases rust", now=NOW)
    assert "rust" in with_words[0].snippet.lower() and with_words[0].highlights


def test_fields_narrow_a_ranked_search(index: PostIndex) -> None:
    from tui.core.search import Order

    ranked = index.search("rust -cat:ads", order=Order.RELEVANCE, now=NOW)
    assert sorted(Path(hit.path).name for hit in ranked) == ["2019-05-01-rust-1.md", "2019-06-01-rust-go.md"]
    ranked = index.search("rust before:2019-06-10 after:2019-05-02", order=Order.RELEVANCE, now=NOW)
    assert [Path(hit.path).name for hit in ranked] == ["2019-06-01-rust-go.md"]


def test_counts_give_total_and_unread_of_the_posts_a_library_shows(index: PostIndex) -> None:
    marks = MarkSnapshot(read=keys_of(index, "sport"))
    assert index.count("cat:sport", marks=marks) == (1, 0)  # the unpublished post is not shown
    assert index.count("cat:sport", marks=marks, include_unpublished=True) == (2, 1)
    assert index.count("rust", marks=marks) == (3, 3)
    assert index.count("is:unread", marks=marks, now=NOW) == (5, 5)
    assert index.count("", marks=marks) == (0, 0)
    assert index.count("rust before:2019-06-10", marks=marks) == (2, 2)
    assert index.count("before:2019-06-10", marks=marks) == (4, 3)


def test_ages_take_every_unit() -> None:
    for unit, seconds in AGE_UNITS.items():
        assert parse(f"newer:3{unit}").root == Since(age=3 * seconds)
        assert parse(f"older:3{unit.upper()}").root == Until(age=3 * seconds)
    assert set(AGE_UNITS) == set("hdwmy")


@pytest.mark.parametrize(
    ("query", "message", "where"),
    [
        ("rust catgory:sport", "unknown field 'catgory:' — did you mean category:?", "catgory:"),
        ("tags:rust", "unknown field 'tags:' — did you mean tag:?", "tags:"),
        ("a ) b", "')' without '('", ")"),
        ("(a OR b", "'(' without ')'", "("),
        ("x ()", "nothing between '(' and ')'", "()"),
        ("OR a", "OR needs a term before it", "OR"),
        ("a OR", "OR needs a term after it", "OR"),
        ("(a OR) b", "OR needs a term after it", "OR"),
        ("a -", None, None),  # a lone minus is punctuation, as before: no mistake
        ("a -)", "')' without '('", ")"),
        ("is:unred", "is: takes unread, read, starred or new", "is:unred"),
        ("after:2019-13-01", "after: needs a date like 2019-05-01", "after:2019-13-01"),
        ("before:yesterday", "before: needs a date like 2019-05-01", "before:yesterday"),
        ("newer:7x", "newer: needs an age like 7d (h, d, w, m or y)", "newer:7x"),
        ("older:", "older: needs an age like 7d (h, d, w, m or y)", "older:"),
        ("cat: x", "cat: needs a name, like cat:sport", "cat:"),
        ("tag:", "tag: needs a name, like tag:rust", "tag:"),
        ("title:*", "title: needs a word, like title:rust", "title:*"),
        (" ".join(f"w{n}" for n in range(17)), "too many words (at most 16)", "w16"),
    ],
)
def test_a_mistake_says_what_is_wrong_and_where(query: str, message: str | None, where: str | None) -> None:
    if message is None:
        parse(query)
        return
    with pytest.raises(QueryError) as raised:
        parse(query)
    error = raised.value
    assert error.message == message
    assert query[error.start : error.end] == where


def test_a_mistaken_query_given_as_text_is_searched_as_words(index: PostIndex) -> None:
    assert found(index, "(rust") == ["ad", "rust-go", "rust-1"]  # search() never fails on what is typed


SYNTAX = st.sampled_from([*"ab ()\"-:*'é", "cat:", "is:", " OR ", "title:", "after:", "newer:1d"])


@settings(max_examples=300, deadline=None)
@given(st.lists(SYNTAX, max_size=10).map("".join))
def test_any_text_parses_or_says_where_it_is_wrong_and_never_reaches_sql(index: PostIndex, text: str) -> None:
    try:
        query = parse(text)
    except QueryError as error:
        assert 0 <= error.start < error.end <= max(len(text), error.start + 1)
        assert error.message
        return
    # Never raises (every value is bound, every word quoted), and the three ways to run a query agree.
    found = index.matching(query, now=NOW)
    assert sorted(hit.path for hit in index.search(query, limit=100, now=NOW)) == sorted(found)
    assert index.count(query, now=NOW, include_unpublished=True) == (len(found), len(found))


@pytest.mark.parametrize(
    "text",
    ["older:3w rust", "after:2019-05-15 -rust", "before:2019-06-10 (rust OR koffie)", "newer:30d title:rust"],
)
def test_search_count_and_matching_agree_with_dates(index: PostIndex, text: str) -> None:
    from tui.core.search import Order

    found = index.matching(text, now=NOW)
    assert found
    for order in Order:
        assert sorted(hit.path for hit in index.search(text, order=order, now=NOW)) == sorted(found)
    assert index.count(text, now=NOW, include_unpublished=True)[0] == len(found)


def test_krant_list_query_lists_what_the_query_finds_and_says_where_a_mistake_is(
    folder: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from tui.cli import main

    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))  # no rules of whoever runs this
    assert main(["list", str(folder), "--query", "-cat:releases rust"]) == 0
    assert capsys.readouterr().out.splitlines()[0].endswith("  ads  Buy this")
    assert main(["list", str(folder), "-q", "cat:sport", "--all"]) == 0
    titles = [line.split("  ")[-1] for line in capsys.readouterr().out.splitlines()]
    assert titles == ["Hidden draft", "Sport nieuws"]
    assert main(["list", str(folder), "--query", "cat:releases", "--category", "opinion"]) == 0
    assert capsys.readouterr().out.splitlines()[-1].endswith("Rust and Go")
    assert main(["list", str(folder), "--query", "is:unread is:starred"]) == 0  # nothing starred yet
    assert capsys.readouterr().out == ""
    assert main(["list", str(folder), "--query", "rust catgory:x"]) == 2
    assert capsys.readouterr().err == (
        "krant: --query: unknown field 'catgory:' — did you mean category:? (at character 6: 'catgory:')\n"
    )
    assert not (tmp_path / "state").exists()  # listing writes no state


def test_krant_list_leaves_out_what_hide_rules_find_and_never_moves_the_rules_file(
    folder: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from tui.cli import main

    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    rules = tmp_path / "config" / "krant" / "searches.toml"
    rules.parent.mkdir(parents=True)
    rules.write_text('[[rule]]\nquery = "tag:sponsored OR cat:news"\naction = "hide"\n', encoding="utf-8")

    def titles(*arguments: str) -> list[str]:
        assert main(["list", str(folder), *arguments]) == 0
        return [line.split("  ")[-1].strip() for line in capsys.readouterr().out.splitlines()]

    shown = titles()
    assert shown == ["Rust and Go", "Café opent", "Sport nieuws", "Rust 1.0 released"]  # not the ad, nor news
    assert titles("--query", "rust") == ["Rust and Go", "Rust 1.0 released"]
    assert titles("--query", "") == shown
    rules.write_text("[[rule]\n", encoding="utf-8")
    assert main(["list", str(folder)]) == 0
    captured = capsys.readouterr()
    assert "Buy this" in captured.out and "is not valid TOML" in captured.err
    assert rules.read_text(encoding="utf-8") == "[[rule]\n"  # left as it is: listing only reads


def test_deep_nesting_is_a_mistake_and_many_minuses_are_one_term() -> None:
    """Python's stack ran out at 300 parentheses (krant closed on a saved search holding them)."""
    text = "(" * 300 + "rust" + ")" * 300
    with pytest.raises(QueryError) as raised:
        parse(text)
    assert raised.value.message == "more than 32 parentheses inside each other"
    assert parse("(" * 32 + "rust" + ")" * 32).words
    assert parse("-" * 10_000 + "rust").root == parse("rust").root
    assert parse("-" * 9_999 + "rust").root == parse("-rust").root


@pytest.mark.parametrize(
    ("text", "finds_all"),
    [
        ("newer:999999y", True),
        ("older:999999y", False),
        ("after:0001-01-01", True),
        ("before:0001-01-01", False),
        ("before:9999-12-31", True),
        ("after:9999-12-31", False),
    ],
)
def test_dates_beyond_every_post_find_all_or_nothing_and_never_raise(
    index: PostIndex, text: str, finds_all: bool
) -> None:
    """`newer:999999y` made a date SQLite cannot hold, `after:0001-01-01` one Python cannot place."""
    every = len(index.matching("after:1970-01-02 OR before:1970-01-02", now=NOW))
    found = index.matching(text, now=NOW)
    assert len(found) == (every if finds_all else 0)
    assert index.count(text, now=NOW, include_unpublished=True)[0] == len(found)
