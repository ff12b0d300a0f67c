"""What a live change means to a reader: new posts, and where a renamed post went (each way on its own)."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

from tui.core.arrivals import NewPosts, arrival_notice, moved_to, renamed
from tui.core.library import Change, Library
from tui.core.post import Post, identity_key

ROOT = Path("/posts")
WHEN = datetime(2024, 1, 1, tzinfo=UTC)


def post(name: str, title: str = "Een", category: str = "nieuws") -> Post:
    return Post(
        path=ROOT / name,
        relpath=name,
        title=title,
        date=WHEN,
        categories=(category,),
        key=identity_key(None, title, WHEN),
    )


def test_a_rename_in_one_change_is_found_by_its_two_halves() -> None:
    old, new, other = post("a.md"), post("sub/b.md"), post("c.md", "Twee")
    change = Change(added=(new, other), removed=(old,))
    assert renamed(change) == {old.path: new}
    assert moved_to(old, change, Library(ROOT)) == new  # found without asking the library


def test_a_move_reported_over_two_changes_is_found_in_the_library() -> None:
    """The new path arrived a change before the old one went (a folder the watcher had yet to see)."""
    old, new = post("a.md"), post("archief/a.md")
    library = Library(ROOT)
    library.update([old])
    library.update([new])  # the first change: only the arrival
    change = library.update(removed=[old.path])  # the second: only the removal
    assert renamed(change) == {}
    assert moved_to(old, change, library) == new


def test_a_post_whose_path_stays_or_that_just_went_has_not_moved() -> None:
    kept, gone = post("a.md"), post("b.md", "Twee")
    library = Library(ROOT)
    library.update([kept, gone])
    change = library.update(removed=[gone.path])
    assert moved_to(kept, change, library) is None
    assert moved_to(gone, change, library) is None


def test_new_posts_are_those_not_known_at_the_first_read_until_seen() -> None:
    known, arrived, again = post("a.md"), post("b.md", "Twee", "sport"), post("c.md", "Drie", "sport")
    new = NewPosts()
    new.known([known])
    assert new.note(Change(added=(known, arrived, again))) == Counter({"sport": 2})
    assert not new.is_new(known) and new.is_new(arrived)
    assert new.seen(arrived) and not new.is_new(arrived)
    assert not new.seen(arrived)  # seen once is enough
    assert new.note(Change(added=(arrived,))) == Counter()  # coming back (a rename) is not arriving


def test_arrival_notice_wording() -> None:
    assert arrival_notice(Counter({"buitenland": 1})) == "1 new post in buitenland"
    two = Counter({"sport": 2, "buitenland": 3})
    assert arrival_notice(two) == "5 new posts: 3 in buitenland, 2 in sport"
    assert arrival_notice(Counter({"a": 1, "b": 1, "c": 1, "d": 2})) == "5 new posts in 4 categories"
