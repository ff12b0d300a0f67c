"""Title-only search (for posts the index does not hold yet): the same words, case and accents as FTS5."""

from __future__ import annotations

from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from tui.core.search import fold, title_hit, title_hits

PATH = Path("post.md")


def test_fold_drops_accents_and_case() -> None:
    assert fold("Syrië") == "syrie"
    assert fold("ČESKÉ Budějovice") == "ceske budejovice"
    assert fold("Plain ASCII") == "plain ascii"


def test_every_word_must_be_there_and_the_last_may_be_a_prefix() -> None:
    assert title_hit(PATH, "Oud nieuws over Syrië", ["syr"]) is not None
    assert title_hit(PATH, "Oud nieuws over Syrië", ["nieuws", "syrie"]) is not None
    assert title_hit(PATH, "Oud nieuws over Syrië", ["nieuw", "syrie"]) is None  # only the last is a prefix
    assert title_hit(PATH, "Oud nieuws over Syrië", ["irak"]) is None


def test_highlights_cover_the_matched_words_as_written() -> None:
    hit = title_hit(PATH, "Oud nieuws over Syrië", ["nieuws", "syr"])
    assert hit is not None
    assert [hit.snippet[start:end] for start, end in hit.highlights] == ["nieuws", "Syrië"]


def test_query_syntax_is_only_words() -> None:
    pairs = [(Path("a"), "Syrië and Irak"), (Path("b"), "Irak"), (Path("c"), "Syrië")]
    found = [hit.path for hit in title_hits('"AND" (syr*', pairs, skip=set())]
    assert found == [Path("a")]
    assert list(title_hits('"*()', pairs, skip=set())) == []
    assert [hit.path for hit in title_hits("syrie", pairs, skip={Path("a")})] == [Path("c")]


@given(st.text(max_size=80), st.text(max_size=30))
def test_any_title_and_query_give_spans_inside_the_snippet(title: str, query: str) -> None:
    for hit in title_hits(query, [(PATH, title)], skip=set()):
        assert all(0 <= start < end <= len(hit.snippet) for start, end in hit.highlights)
