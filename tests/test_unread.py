"""Unread counts stay equal to a recount from scratch through any mix of post and mark changes."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from tui.core.library import Library
from tui.core.post import Post
from tui.core.read_marks import ReadMarks
from tui.core.unread import UnreadCounts, find_unread, next_with_unread

ROOT = Path("/nonexistent/posts")
CATEGORIES = ("binnenland", "buitenland", "sport")
START = datetime(2020, 1, 1, tzinfo=UTC)


def post(number: int, key: int, categories: tuple[str, ...], minutes: int = 0) -> Post:
    path = ROOT / f"{number}.md"
    return Post(
        path=path,
        relpath=path.name,
        title=f"Bericht {number}",
        date=START - timedelta(minutes=minutes or number),
        categories=categories,
        key=f"key:{key}",
    )


def recount(library: Library, state: ReadMarks) -> tuple[int, Counter[str]]:
    unread = [each for each in library.posts if not state.is_read(each.key)]
    return len(unread), Counter(category for each in unread for category in each.categories)


def assert_counts(counts: UnreadCounts, library: Library, state: ReadMarks) -> None:
    total, per_category = recount(library, state)
    assert counts.total == total
    for category in CATEGORIES:
        assert counts.in_category(category) == per_category[category], category


numbers = st.integers(0, 7)
keys = st.integers(0, 5)  # fewer keys than files: two files can share a key (the same link)
some_categories = st.lists(st.sampled_from(CATEGORIES), min_size=1, max_size=2, unique=True).map(tuple)
operations = st.one_of(
    st.tuples(st.just("put"), numbers, keys, some_categories, st.integers(0, 3)),
    # Several files in one change, as the loader's batches come (new ones are counted together).
    st.tuples(st.just("put many"), st.lists(st.tuples(numbers, keys, some_categories), max_size=6)),
    st.tuples(st.just("remove"), numbers),
    st.tuples(st.just("mark"), st.lists(keys, max_size=4), st.booleans()),
    st.tuples(st.just("toggle"), keys),
    st.tuples(st.just("undo")),
)


@settings(max_examples=300, deadline=None)
@given(st.lists(operations, max_size=40))
def test_counts_follow_posts_and_marks(steps: list[tuple]) -> None:
    library = Library(ROOT)
    state = ReadMarks.in_memory(ROOT)
    counts = UnreadCounts(state)
    undo: dict[str, bool] = {}
    for step in steps:
        match step:
            case ("put", number, key, categories, minutes):
                change = library.apply([post(number, key, categories, minutes)])
                counts.library_changed(library, change)
            case ("put many", many):
                change = library.apply([post(number, key, categories) for number, key, categories in many])
                counts.library_changed(library, change)
            case ("remove", number):
                change = library.remove([ROOT / f"{number}.md"])
                counts.library_changed(library, change)
            case ("mark", marked, read):
                undo = counts.mark([f"key:{key}" for key in marked], read)
            case ("toggle", key):
                counts.toggle(f"key:{key}")
            case ("undo",):
                counts.restore(undo)
        assert_counts(counts, library, state)


def test_marks_made_by_another_window_are_counted_after_refresh(tmp_path: Path) -> None:
    library = Library(ROOT)
    here = ReadMarks.open(ROOT, tmp_path)
    counts = UnreadCounts(here)
    counts.library_changed(
        library, library.apply([post(1, 1, ("sport",)), post(2, 2, ("sport", "binnenland"))])
    )
    assert (counts.total, counts.in_category("sport"), counts.in_category("binnenland")) == (2, 2, 1)
    with ReadMarks.open(ROOT, tmp_path) as other:
        other.mark(["key:2"], True)
    assert counts.refresh()
    assert (counts.total, counts.in_category("sport"), counts.in_category("binnenland")) == (1, 1, 0)
    assert not counts.refresh()
    here.close()


def test_a_mark_that_pulls_in_another_windows_marks_counts_them_too(tmp_path: Path) -> None:
    library = Library(ROOT)
    here = ReadMarks.open(ROOT, tmp_path)
    counts = UnreadCounts(here)
    counts.library_changed(library, library.apply([post(1, 1, ("sport",)), post(2, 2, ("sport",))]))
    with ReadMarks.open(ROOT, tmp_path) as other:
        other.mark(["key:2"], True)
    counts.toggle("key:1")  # the store brings key:2 along with this change
    assert counts.total == 0
    here.close()


def test_find_unread_goes_either_way_from_a_start() -> None:
    posts = [post(number, number, ("sport",)) for number in range(1, 6)]
    unread = {"key:2", "key:4"}

    def is_unread(candidate: Post) -> bool:
        return candidate.key in unread

    assert find_unread(posts, 0, 1, is_unread) == 1
    assert find_unread(posts, 2, 1, is_unread) == 3
    assert find_unread(posts, 4, 1, is_unread) is None
    assert find_unread(posts, 4, -1, is_unread) == 3
    assert find_unread(posts, 0, -1, is_unread) is None
    assert find_unread([], 0, 1, is_unread) is None


def test_next_with_unread_wraps_and_comes_back_to_the_current_one_last() -> None:
    names = ["a", "b", "c", "d"]
    unread = {"a": 1, "b": 0, "c": 2, "d": 0}.__getitem__
    assert next_with_unread(names, "a", 1, unread) == "c"
    assert next_with_unread(names, "c", 1, unread) == "a"
    assert next_with_unread(names, "c", -1, unread) == "a"
    assert next_with_unread(names, "a", -1, unread) == "c"
    assert next_with_unread(names, "b", 1, {"a": 0, "b": 3, "c": 0, "d": 0}.__getitem__) == "b"
    assert next_with_unread(names, "b", 1, lambda name: 0) is None
    assert next_with_unread(names, "gone", 1, unread) == "a"
    assert next_with_unread([], "a", 1, unread) is None
