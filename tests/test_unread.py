"""Unread counts stay equal to a recount from scratch through any mix of post and mark changes.

A story (posts with the same story link) counts once, in each of its categories, and is read when any of
its posts is; marking one of its posts marks them all.
"""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from tui.core import unread as unread_module
from tui.core.library import Library
from tui.core.post import Post
from tui.core.read_marks import ReadMarks
from tui.core.story import story_link
from tui.core.unread import UnreadCounts, find_unread, next_with_unread

ROOT = Path("/nonexistent/posts")
CATEGORIES = ("binnenland", "buitenland", "sport")
START = datetime(2020, 1, 1, tzinfo=UTC)


LINKS = (None, None, "https://nos.nl/l/1", "https://nos.nl/l/1/?utm_source=rss", "https://nos.nl/l/2")


def post(number: int, key: int, categories: tuple[str, ...], minutes: int = 0, link: int = 0) -> Post:
    path = ROOT / f"{number}.md"
    return Post(
        path=path,
        relpath=path.name,
        title=f"Bericht {number}",
        date=START - timedelta(minutes=minutes or number),
        categories=categories,
        link=LINKS[link],
        key=f"key:{key}",
    )


def stories(library: Library) -> list[list[Post]]:
    """Every post grouped into stories from scratch, by the story link of its link."""
    grouped: dict[object, list[Post]] = {}
    for each in library.all_posts():
        grouped.setdefault(story_link(each.link) or each.path, []).append(each)
    return list(grouped.values())


def recount(library: Library, state: ReadMarks) -> tuple[int, Counter[str]]:
    unread = [story for story in stories(library) if not any(state.is_read(each.key) for each in story)]
    per_category = Counter(
        category for story in unread for category in {c for each in story for c in each.categories}
    )
    return len(unread), per_category


def assert_counts(counts: UnreadCounts, library: Library, state: ReadMarks) -> None:
    total, per_category = recount(library, state)
    assert counts.total == total
    for category in CATEGORIES:
        assert counts.in_category(category) == per_category[category], category
    for story in stories(library):
        unread = not any(state.is_read(each.key) for each in story)
        assert all(counts.is_unread(each) == unread for each in story)


numbers = st.integers(0, 7)
keys = st.integers(0, 5)  # fewer keys than files: two files can share a key (the same link)
links = st.integers(0, len(LINKS) - 1)
some_categories = st.lists(st.sampled_from(CATEGORIES), min_size=1, max_size=2, unique=True).map(tuple)
operations = st.one_of(
    st.tuples(st.just("put"), numbers, keys, some_categories, st.integers(0, 3), links),
    # Several files in one change, as the loader's batches come (new ones are counted together).
    st.tuples(st.just("put many"), st.lists(st.tuples(numbers, keys, some_categories, links), max_size=6)),
    st.tuples(st.just("remove"), numbers),
    st.tuples(st.just("mark"), st.lists(keys, max_size=4), st.booleans()),
    st.tuples(st.just("toggle"), keys),
    st.tuples(st.just("undo")),
)


@settings(max_examples=300, deadline=None)
# The share of changed keys above which every story is counted afresh: always, sometimes, never.
@given(st.lists(operations, max_size=40), st.sampled_from([0.0, unread_module.RECOUNT_SHARE, 100.0]))
def test_counts_follow_posts_and_marks(steps: list[tuple], share: float) -> None:
    default, unread_module.RECOUNT_SHARE = unread_module.RECOUNT_SHARE, share
    try:
        follow_posts_and_marks(steps)
    finally:
        unread_module.RECOUNT_SHARE = default


def follow_posts_and_marks(steps: list[tuple]) -> None:
    library = Library(ROOT)
    state = ReadMarks.in_memory(ROOT)
    counts = UnreadCounts(state)
    undo: dict[str, bool] = {}
    for step in steps:
        match step:
            case ("put", number, key, categories, minutes, link):
                change = library.apply([post(number, key, categories, minutes, link)])
                counts.library_changed(library, change)
            case ("put many", many):
                change = library.apply(
                    [post(number, key, categories, 0, link) for number, key, categories, link in many]
                )
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


def test_a_story_is_read_when_any_copy_is_and_marking_it_marks_every_copy() -> None:
    library = Library(ROOT)
    state = ReadMarks.in_memory(ROOT)
    state.mark(["key:2"], True)  # made before copies were one story: on the older copy only
    counts = UnreadCounts(state)
    first, second = post(1, 1, ("sport",), link=2), post(2, 2, ("binnenland",), link=3)
    counts.library_changed(library, library.apply([first, post(3, 3, ("sport",)), second]))
    assert (counts.total, counts.in_category("sport"), counts.in_category("binnenland")) == (1, 1, 0)
    assert not counts.is_unread(first) and not counts.is_unread(second)
    assert counts.toggle("key:1") is False  # unread again: every copy
    assert not state.is_read("key:1") and not state.is_read("key:2")
    assert (counts.total, counts.in_category("sport"), counts.in_category("binnenland")) == (2, 2, 1)
    before = counts.mark(["key:1"], True)
    assert state.is_read("key:1") and state.is_read("key:2")
    assert before == {"key:1": False, "key:2": False}
    assert (counts.total, counts.in_category("sport"), counts.in_category("binnenland")) == (1, 1, 0)
    counts.restore(before)
    assert counts.total == 2 and counts.in_category("binnenland") == 1
