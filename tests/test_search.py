"""Search: accents and case are ignored, typed FTS5 syntax is searched for, hits come newest first."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tui.core.index import PostIndex, search_text
from tui.core.post import PostText
from tui.core.reading import read_post_text
from tui.core.search import Order, fts_query, make_snippet, query_terms, words_pattern

POST = """---
title: "{title}"
date: 2019-05-{day:02d} 10:00:00 +0200
category: nieuws
---

<p>{body}</p>
<script>var hidden = "scriptwoord";</script>
"""


def store(index: PostIndex, results: list, bodies: dict | None = None) -> None:
    """Put freshly read files in the index, with their raw bodies (by path) for the search."""
    texts = {str(path): body for path, body in (bodies or {}).items()}
    index.update_texts((result, search_text(result, texts.get(result.path))) for result in results)


@pytest.fixture(scope="module")
def index(tmp_path_factory: pytest.TempPathFactory) -> PostIndex:
    folder = tmp_path_factory.mktemp("posts")
    posts = [
        (10, "Oud nieuws over Syrië", "Een verhaal uit Damascus."),
        (12, "Praag", "In České Budějovice wordt bier gebrouwen."),
        (14, "Nieuw nieuws", 'Weer Syrië, en ook AND (haakjes) en "quotes".'),
        (16, "Zonder accent", "Alleen woorden zonder bijzondere tekens."),
    ]
    index = PostIndex(folder, None)
    results, bodies = [], {}
    for day, title, body in posts:
        path = folder / f"2019-05-{day:02d}-post.html"
        path.write_text(POST.format(title=title, body=body, day=day), encoding="utf-8")
        read = read_post_text(path, folder)
        assert isinstance(read, PostText)
        results.append(read.post)
        bodies[path] = read.body
    store(index, results, bodies)
    return index


def names(hits: list) -> list[str]:
    return [Path(hit.path).name for hit in hits]


def test_a_word_without_accents_finds_it_with_accents_newest_first(index: PostIndex) -> None:
    assert names(index.search("syrie")) == ["2019-05-14-post.html", "2019-05-10-post.html"]
    assert names(index.search("SYRIË")) == ["2019-05-14-post.html", "2019-05-10-post.html"]
    assert names(index.search("ceske budejovice")) == ["2019-05-12-post.html"]


def test_the_last_word_matches_as_a_prefix_while_typing(index: PostIndex) -> None:
    assert names(index.search("bier gebr")) == ["2019-05-12-post.html"]
    assert index.search("gebr bier") == []  # only the last word is still being typed
    assert index.search("gebr bie x") == []


def test_every_word_must_match(index: PostIndex) -> None:
    assert names(index.search("syrie damascus")) == ["2019-05-10-post.html"]


def test_script_text_is_not_searched(index: PostIndex) -> None:
    assert index.search("scriptwoord") == []


@pytest.mark.parametrize(
    "text", ['"', "*", "AND", "(", ")", "NEAR(", 'syrie"', "title:praag", "-", "^", "a OR", "''", "  ", ""]
)
def test_fts_syntax_in_user_input_never_raises(index: PostIndex, text: str) -> None:
    index.search(text)


def test_fts_words_are_searched_for_not_obeyed(index: PostIndex) -> None:
    assert names(index.search("AND")) == ["2019-05-14-post.html"]
    assert names(index.search("(haakjes)")) == ["2019-05-14-post.html"]
    assert names(index.search('"quotes')) == ["2019-05-14-post.html"]
    assert names(index.search("bier:gebrouwen")) == ["2019-05-12-post.html"]


def test_a_hit_has_a_one_line_snippet_with_the_match_highlighted(index: PostIndex) -> None:
    [hit] = index.search("damascus")
    start, end = hit.highlights[0]
    assert hit.snippet[start:end] == "Damascus"
    assert "\n" not in hit.snippet


def test_limit_caps_the_hits(index: PostIndex) -> None:
    assert len(index.search("nieuws", limit=1)) == 1


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=40))
def test_any_typed_text_is_a_safe_query(index: PostIndex, text: str) -> None:
    query = fts_query(text)
    assert query is None or all(term.isalnum() for term in query.replace('"', " ").replace("*", " ").split())
    index.search(text)


def test_query_terms_split_like_the_tokenizer() -> None:
    assert query_terms("Syrië-Irak, (AND) foo_bar") == ["Syrië", "Irak", "AND", "foo", "bar"]
    assert fts_query("syr") == '"syr"*'
    assert fts_query("a b", prefix_last=False) == '"a" "b"'
    assert fts_query('"*()') is None


def test_a_snippet_is_one_clean_line_around_the_first_match() -> None:
    body = "Begin. " * 30 + "Onrust in\nSyrie\u0308 en\x1b[2J in DAMASCUS.\n" + "Slot. " * 40
    text, spans = make_snippet(body, "Titel", words_pattern("syrie dama"))
    assert text.startswith("…Begin.") and text.endswith("…")
    assert "Onrust in Syrie\u0308 en in DAMASCUS." in text
    assert [text[a:b] for a, b in spans] == ["Syrie\u0308", "DAMASCUS"]
    assert text.isprintable() or set(text) - set(filter(str.isprintable, text)) <= {"\u0308"}


def test_a_title_only_match_shows_the_title_and_no_match_shows_the_start() -> None:
    assert make_snippet("Niets hier.", "Oorlog in Syrië", words_pattern("syrie")) == (
        "Oorlog in Syrië",
        ((10, 15),),
    )
    text, spans = make_snippet("woord " * 100, "Titel", words_pattern("syrie"))
    assert text.startswith("woord woord") and text.endswith("…") and spans == ()


def test_a_word_matches_whole_and_only_the_last_as_a_prefix() -> None:
    pattern = words_pattern("ir dam")
    assert pattern is not None
    assert [m[0] for m in pattern.finditer("Irak ir Damascus dam adam")] == ["ir", "Damascus", "dam"]


def test_search_finds_posts_by_path(index: PostIndex) -> None:
    hits = index.search("zonder")
    assert hits and all(os.path.isfile(hit.path) for hit in hits)


def indexed(folder: Path, posts: list[tuple[str, str, str]]) -> PostIndex:
    """An index in memory of posts given as (date, title, body)."""
    index = PostIndex(folder, None)
    results, bodies = [], {}
    for number, (date, title, body) in enumerate(posts):
        path = folder / f"{date}-post-{number}.md"
        path.write_text(f'---\ntitle: "{title}"\ndate: {date} 10:00:00 +0000\n---\n\n{body}\n', "utf-8")
        read = read_post_text(path, folder)
        assert isinstance(read, PostText)
        results.append(read.post)
        bodies[path] = read.body
    store(index, results, bodies)
    return index


@pytest.fixture(scope="module")
def versions(tmp_path_factory: pytest.TempPathFactory) -> PostIndex:
    return indexed(
        tmp_path_factory.mktemp("versions"),
        [
            ("2020-01-01", "Release notes", "Version 1.5.1 fixes the parser. Covid-19 closed the office."),
            ("2020-02-01", "Other notes", "Version 1.5.10 and 2.1 came out; 1 step, 5 steps, 1 more."),
            ("2020-03-01", "Office news", "The office reopened after COVID 19. The covid wave and 19 more."),
            ("2020-04-01", "Tax notes", "New York taxes rose. York is new to this."),
        ],
    )


def test_a_dotted_version_matches_as_written(versions: PostIndex) -> None:
    assert names(versions.search("1.5.1")) == ["2020-01-01-post-0.md"]  # not 1.5.10, nor 1 … 5 … 1
    assert names(versions.search("1.5.10")) == ["2020-02-01-post-1.md"]
    assert fts_query("1.5.1") == '"1 5 1"'


def test_a_hyphenated_word_matches_its_parts_together(versions: PostIndex) -> None:
    assert names(versions.search("covid-19")) == ["2020-03-01-post-2.md", "2020-01-01-post-0.md"]
    assert names(versions.search("covid 19")) == ["2020-03-01-post-2.md", "2020-01-01-post-0.md"]
    assert fts_query("covid-19 wave") == '"covid 19" "wave"*'


def test_a_quoted_phrase_matches_its_words_together_in_order(versions: PostIndex) -> None:
    assert names(versions.search('"new york"')) == ["2020-04-01-post-3.md"]
    assert versions.search('"york new"') == []
    assert versions.search('"office reopened" parser') == []
    assert names(versions.search('"new yo')) == ["2020-04-01-post-3.md"]  # an open quote is still typed
    assert fts_query('"new york" "') == '"new york"'


def test_a_phrase_is_highlighted_whole(versions: PostIndex) -> None:
    [hit] = versions.search('"new york"')
    assert [hit.snippet[a:b] for a, b in hit.highlights] == ["New York"]
    [hit] = versions.search("1.5.1")
    assert [hit.snippet[a:b] for a, b in hit.highlights] == ["1.5.1"]


@pytest.fixture(scope="module")
def ranked(tmp_path_factory: pytest.TempPathFactory) -> PostIndex:
    filler = "Nothing to see here. " * 20
    return indexed(
        tmp_path_factory.mktemp("ranked"),
        [
            ("2018-01-01", "Harbour cranes", "An old post about harbour cranes. " + filler),
            ("2019-01-01", "Weather", "Rain. " + filler + "A crane was seen once."),
            ("2020-01-01", "Weather again", "Rain. " + filler + "A crane was seen once."),
            ("2020-06-01", "Cranes and cranes", "Cranes, cranes, cranes: a crane for every harbour."),
            ("2021-01-01", "Markets", filler),
        ],
    )


def test_relevance_puts_the_best_match_first_and_a_title_above_a_body(ranked: PostIndex) -> None:
    hits = names(ranked.search("crane", order=Order.RELEVANCE))
    assert hits[0] == "2020-06-01-post-3.md"  # in the title and all over the body
    assert hits.index("2018-01-01-post-0.md") < hits.index("2020-01-01-post-2.md")  # title beats newer


def test_relevance_favours_the_newer_of_two_equal_matches(ranked: PostIndex) -> None:
    hits = names(ranked.search("seen once", order=Order.RELEVANCE))
    assert hits == ["2020-01-01-post-2.md", "2019-01-01-post-1.md"]
    hits = names(ranked.search("crane seen", order=Order.RELEVANCE))
    assert hits == ["2020-01-01-post-2.md", "2019-01-01-post-1.md"]


def test_newest_first_ignores_relevance(ranked: PostIndex) -> None:
    assert names(ranked.search("crane", order=Order.NEWEST)) == [
        "2020-06-01-post-3.md",
        "2020-01-01-post-2.md",
        "2019-01-01-post-1.md",
        "2018-01-01-post-0.md",
    ]
    assert names(ranked.search("crane")) == names(ranked.search("crane", order=Order.NEWEST))


def test_a_title_typed_as_it_is_comes_first(ranked: PostIndex) -> None:
    assert names(ranked.search("weather", order=Order.RELEVANCE))[0] == "2019-01-01-post-1.md"
    assert names(ranked.search("Weather again", order=Order.RELEVANCE))[0] == "2020-01-01-post-2.md"


def test_both_orders_hold_the_same_hits(ranked: PostIndex) -> None:
    for query in ("crane", "rain", "nothing", '"to see"'):
        assert sorted(names(ranked.search(query, order=Order.RELEVANCE))) == sorted(
            names(ranked.search(query, order=Order.NEWEST))
        )


def test_a_markdown_posts_snippet_shows_its_words_not_its_syntax(tmp_path: Path) -> None:
    body = "## Nieuw\n\n* **Significant** gewijzigd: zie [v3.1.4](/news/v3/) voor `krant_list`."
    index = indexed(tmp_path, [("2019-05-15", "Een uitgave", body)])
    [hit] = index.search("gewijzigd")
    assert hit.snippet == "Nieuw Significant gewijzigd: zie v3.1.4 voor krant_list."
    assert [hit.snippet[a:b] for a, b in hit.highlights] == ["gewijzigd"]


def test_best_first_ranks_only_the_newest_candidates(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import tui.core.index

    index = indexed(
        tmp_path,
        [
            ("2019-01-01", "Oud", "kaas kaas kaas kaas kaas"),  # the best match, but the oldest
            ("2020-01-01", "Midden", "kaas en brood"),
            ("2021-01-01", "Nieuw", "brood, kaas, boter en nog veel meer"),
        ],
    )
    assert index.search("kaas", order=Order.RELEVANCE)[0].path.endswith("2019-01-01-post-0.md")
    monkeypatch.setattr(tui.core.index, "RANKED_CANDIDATES", 2)
    ranked = names(index.search("kaas", order=Order.RELEVANCE))
    assert sorted(ranked) == ["2020-01-01-post-1.md", "2021-01-01-post-2.md"]  # the oldest is past them
