"""searches.toml: saved searches and rules read and written as people write them, damage kept aside."""

from __future__ import annotations

import tomllib
from datetime import datetime
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from tui.core.saved_searches import (
    SEARCHES_FILE,
    Rule,
    SavedSearch,
    Searches,
    SearchesStore,
    searches_text,
    toml_string,
)

EXAMPLE = """\
# mine
[[search]]
name = "Rust releases"
query = "cat:releases rust"

[[search]]
name = "Unread & starred"
query = 'is:unread is:starred'

[[rule]]
query = "tag:sponsored"
action = "hide"

[[rule]]
query = "cat:sport"
action = "read"
"""


def test_a_hand_written_file_is_read(tmp_path: Path) -> None:
    (tmp_path / SEARCHES_FILE).write_text(EXAMPLE, encoding="utf-8")
    loaded = SearchesStore(tmp_path).read()
    assert loaded.notices == ()
    assert loaded.searches.searches == (
        SavedSearch("Rust releases", "cat:releases rust"),
        SavedSearch("Unread & starred", "is:unread is:starred"),
    )
    assert loaded.searches.rules == (Rule("tag:sponsored", "hide"), Rule("cat:sport", "read"))


def test_no_file_is_no_searches(tmp_path: Path) -> None:
    assert SearchesStore(tmp_path).read().searches == Searches()


def test_saving_then_reading_gives_the_same_searches_and_the_file_stays_readable(tmp_path: Path) -> None:
    store = SearchesStore(tmp_path)
    searches = Searches().saved("Rust", "rust").saved('Café "quoted" \\ back', 'title:"new york" -x')
    searches = Searches(searches.searches, (Rule("tag:ads", "hide"),))
    store.save(searches)
    assert store.read().searches == searches
    text = store.path.read_text(encoding="utf-8")
    assert text.startswith("# krant's saved searches")
    assert '[[search]]\nname = "Rust"\nquery = "rust"\n' in text


def test_renaming_replacing_and_removing(tmp_path: Path) -> None:
    searches = Searches().saved("a", "x").saved("b", "y")
    assert searches.saved("a", "z").searches == (SavedSearch("a", "z"), SavedSearch("b", "y"))
    assert searches.renamed("a", "c").searches == (SavedSearch("c", "x"), SavedSearch("b", "y"))
    assert searches.renamed("a", "b").searches == (SavedSearch("b", "x"),)  # the name's old search goes
    assert searches.removed("a").searches == (SavedSearch("b", "y"),)


def test_a_damaged_file_is_kept_aside_with_a_notice(tmp_path: Path) -> None:
    path = tmp_path / SEARCHES_FILE
    path.write_text('[[search]]\nname = "unclosed\n', encoding="utf-8")
    store = SearchesStore(tmp_path, clock=lambda: datetime(2024, 5, 1, 12, 0, 0))
    loaded = store.read()
    assert loaded.searches == Searches()
    [notice] = loaded.notices
    assert "was not valid TOML" in notice and "searches.toml.corrupt-20240501-120000" in notice
    assert not path.exists() and (tmp_path / "searches.toml.corrupt-20240501-120000").exists()


def test_entries_krant_cannot_use_are_left_out_and_named_and_a_mistaken_query_is_kept(tmp_path: Path) -> None:
    (tmp_path / SEARCHES_FILE).write_text(
        '[[search]]\nquery = "x"\n\n[[search]]\nname = "ok"\nquery = "catgory:x"\n\n'
        '[[rule]]\nquery = "x"\naction = "delete"\n',
        encoding="utf-8",
    )
    loaded = SearchesStore(tmp_path).read()
    assert loaded.searches.searches == (SavedSearch("ok", "catgory:x"),)  # kept: a save must not lose it
    assert loaded.searches.rules == ()
    assert loaded.notices == (
        "searches.toml: search 1 needs a name and a query (text); left out.",
        "searches.toml: rule 1 needs a query and an action (hide, read, highlight); left out.",
        "searches.toml: search 1 ('catgory:x'): unknown field 'catgory:' — did you mean category:?",
    )


def test_a_file_that_cannot_be_written_raises_for_the_caller_to_say(tmp_path: Path) -> None:
    (tmp_path / "config").write_text("a file where the folder should be")
    store = SearchesStore(tmp_path / "config")
    try:
        store.save(Searches().saved("a", "b"))
    except OSError:
        pass
    else:
        raise AssertionError("saving into a file as folder should fail")


@settings(max_examples=200, deadline=None)
@given(st.text())
def test_any_text_survives_as_a_toml_string(text: str) -> None:
    expected = "".join("\ufffd" if 0xD800 <= ord(char) <= 0xDFFF else char for char in text)
    assert tomllib.loads(f"x = {toml_string(text)}")["x"] == expected


@settings(max_examples=50, deadline=None)
@given(st.lists(st.tuples(st.text(min_size=1), st.text()), max_size=4))
def test_any_searches_make_a_valid_file(pairs: list[tuple[str, str]]) -> None:
    searches = Searches(tuple(SavedSearch(name, query) for name, query in pairs))
    data = tomllib.loads(searches_text(searches))
    assert len(data.get("search", [])) == len(pairs)


def test_a_file_nested_too_deeply_for_tomllib_is_kept_aside_too(tmp_path: Path) -> None:
    """tomllib raises RecursionError (not its decode error) on arrays a few thousand deep."""
    (tmp_path / SEARCHES_FILE).write_text("x = " + "[" * 5_000 + "]" * 5_000 + "\n", encoding="utf-8")
    store = SearchesStore(tmp_path, clock=lambda: datetime(2024, 5, 1, 12, 0, 0))
    [notice] = store.read().notices
    assert "nested too deeply" in notice and (tmp_path / "searches.toml.corrupt-20240501-120000").exists()
