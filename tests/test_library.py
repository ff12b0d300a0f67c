"""The library: newest first with a stable tie-break, categories, views, and changes one file at a time."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from pathlib import Path

from tui.core.library import ALL, BULK_FROM, Library
from tui.core.post import Post, Problem

ROOT = Path("/posts")
NOON = datetime(2019, 5, 15, 12, tzinfo=UTC)


def post(name: str, hours: float = 0, categories: tuple[str, ...] = ("nieuws",), **fields: object) -> Post:
    return Post(
        path=ROOT / name,
        relpath=name,
        title=fields.pop("title", name),  # type: ignore[arg-type]
        date=NOON + timedelta(hours=hours),
        categories=categories,
        **fields,  # type: ignore[arg-type]
    )


def names(posts) -> list[str]:
    return [each.relpath for each in posts]


def test_posts_are_newest_first_with_ties_broken_by_path() -> None:
    posts = [post("b.md", 0), post("a.md", 0), post("new.md", 5), post("old.md", -5), post("c.md", 0)]
    for seed in range(5):
        shuffled = posts[:]
        random.Random(seed).shuffle(shuffled)
        library = Library(ROOT)
        library.apply(shuffled)
        assert names(library.posts) == ["new.md", "a.md", "b.md", "c.md", "old.md"]


def test_the_same_moment_in_different_zones_ties() -> None:
    library = Library(ROOT)
    in_amsterdam = post("b.md")
    in_utc = Post(ROOT / "a.md", "a.md", "a", NOON.astimezone(), ("x",))
    library.apply([in_amsterdam, in_utc])
    assert names(library.posts) == ["a.md", "b.md"]


def test_the_seeds_load_in_the_order_of_the_acceptance(seed_folder: Path) -> None:
    library = Library.read_folder(seed_folder)
    assert [each.title for each in library.posts] == [
        "Scepsis bij bondgenoten VS over dreiging in Irak",
        "Nederlandse trainingsmissie in Irak stilgelegd vanwege dreiging",
    ]
    assert library.categories() == [("buitenland", 1), ("nieuws", 1)]
    assert library.problems == []


def test_categories_count_posts_and_views_filter_them() -> None:
    library = Library(ROOT)
    library.apply(
        [
            post("a.md", 1, ("nieuws", "Buitenland")),
            post("b.md", 2, ("buitenland",)),
            post("c.md", 3, ("nieuws",)),
        ]
    )
    assert library.categories() == [("Buitenland", 1), ("buitenland", 1), ("nieuws", 2)]
    assert names(library.view("nieuws")) == ["c.md", "a.md"]
    assert names(library.view(ALL)) == ["c.md", "b.md", "a.md"]
    assert names(library.view("nothing")) == []


def test_apply_reports_added_updated_and_removed() -> None:
    library = Library(ROOT)
    first = library.apply([post("a.md", 1), post("b.md", 2)])
    assert names(first.added) == ["a.md", "b.md"] and not first.updated and not first.removed

    moved = post("a.md", 3, ("sport",), title="new title")
    second = library.apply([moved])
    assert second.updated == (moved,) and not second.added
    assert names(library.posts) == ["a.md", "b.md"]
    assert library.get(ROOT / "a.md") == moved
    assert library.categories() == [("nieuws", 1), ("sport", 1)]

    third = library.apply([Problem(ROOT / "b.md", "b.md", "invalid YAML front matter")])
    assert names(third.removed) == ["b.md"] and third.problems_changed
    assert names(library.posts) == ["a.md"]
    assert [problem.reason for problem in library.problems] == ["invalid YAML front matter"]
    assert library.categories() == [("sport", 1)]

    again = library.apply([Problem(ROOT / "b.md", "b.md", "invalid YAML front matter")])
    assert again.empty

    fixed = library.apply([post("b.md", 2)])
    assert names(fixed.added) == ["b.md"] and fixed.problems_changed
    assert library.problems == []


def test_views_follow_changes() -> None:
    library = Library(ROOT)
    library.apply([post("a.md", 1)])
    assert names(library.view("nieuws")) == ["a.md"]
    library.apply([post("b.md", 2)])
    assert names(library.view("nieuws")) == ["b.md", "a.md"]
    library.remove([ROOT / "a.md"])
    assert names(library.view("nieuws")) == ["b.md"]


def test_remove_forgets_files_and_whole_folders() -> None:
    library = Library(ROOT)
    library.apply(
        [
            post("keep.md", 1),
            post("sub/a.md", 2),
            post("sub/deeper/b.md", 3),
            post("subway.md", 4),
            Problem(ROOT / "sub/bad.md", "sub/bad.md", "binary"),
        ]
    )
    change = library.remove([ROOT / "sub"])
    assert sorted(names(change.removed)) == ["sub/a.md", "sub/deeper/b.md"]
    assert change.problems_changed
    assert names(library.posts) == ["subway.md", "keep.md"]
    assert library.problems == []
    assert library.remove([ROOT / "never-there.md"]).empty


def test_folders_are_still_found_after_files_arrive_in_new_ones_and_others_empty() -> None:
    """Removals of paths the library never held are answered from the folders it knows; those follow."""
    library = Library(ROOT)
    library.apply([post("a/x.md", 1), post("b/y.md", 2)])
    assert library.remove([ROOT / "gone-before-read.md"]).empty  # the folders are worked out here
    library.apply([post("c/d/z.md", 3), Problem(ROOT / "e/bad.md", "e/bad.md", "binary")])
    assert names(library.remove([ROOT / "c"]).removed) == ["c/d/z.md"]
    assert library.remove([ROOT / "e"]).problems_changed
    assert names(library.remove([ROOT / "a" / "x.md"]).removed) == ["a/x.md"]
    assert library.remove([ROOT / "a"]).empty  # emptied: nothing left below it
    library.apply([post("a/again.md", 4)])
    assert names(library.remove([ROOT / "a"]).removed) == ["a/again.md"]
    assert names(library.posts) == ["b/y.md"]


def test_a_post_that_becomes_unpublished_leaves_the_list() -> None:
    library = Library(ROOT)
    library.apply([post("a.md")])
    change = library.apply([post("a.md", published=False)])
    assert names(change.removed) == ["a.md"]
    assert len(library) == 0 and library.categories() == []

    with_drafts = Library(ROOT, include_unpublished=True)
    with_drafts.apply([post("a.md", published=False)])
    assert len(with_drafts) == 1


def test_load_reads_posts_and_problems_from_a_folder(posts_folder: Path, write_post) -> None:
    write_post("good.md", "---\ntitle: Good\ndate: 2019-05-15\n---\nBody\n")
    write_post("bad.md", b"\x00\x01binary")
    library = Library.read_folder(posts_folder)
    assert [each.title for each in library.posts] == ["Good"]
    assert [problem.relpath for problem in library.problems] == ["bad.md"]


def test_one_big_batch_gives_what_one_file_at_a_time_gives() -> None:
    """A batch of BULK_FROM or more posts is sorted once; the library and the change must not differ."""
    rng = random.Random(7)
    results: list[Post | Problem] = []
    for number in range(BULK_FROM * 3):
        name = f"{rng.randrange(BULK_FROM * 2)}.md"  # some paths repeat: later results replace earlier
        if rng.random() < 0.1:
            results.append(Problem(ROOT / name, name, "broken"))
        else:
            hours = rng.choice([0, 0, 1, -3, number])
            categories = tuple(rng.sample(["a", "b", "c", "d"], rng.randrange(1, 3)))
            results.append(post(name, hours, categories, published=rng.random() > 0.1, title=str(number)))
    start = [post("0.md", 2), post("zz.md", 0), post("1.md", 0)]
    bulk, single = Library(ROOT), Library(ROOT)
    bulk.apply(start)
    single.apply(start)
    bulk_change = bulk.apply(results)
    single_changes = [single.apply([result]) for result in results]
    assert [(p.path, p.title) for p in bulk.posts] == [(p.path, p.title) for p in single.posts]
    assert bulk.categories() == single.categories()
    assert bulk.problems == single.problems
    for category, _count in bulk.categories():
        assert bulk.view(category) == single.view(category)
    assert bulk_change.added == tuple(p for c in single_changes for p in c.added)
    assert bulk_change.updated == tuple(p for c in single_changes for p in c.updated)
    assert bulk_change.removed == tuple(p for c in single_changes for p in c.removed)
    assert bulk_change.problems_changed


def test_muted_posts_leave_every_view_and_count_and_come_back_when_unmuted() -> None:
    from tui.core.read_marks import ReadMarks
    from tui.core.unread import UnreadCounts

    library = Library(ROOT)
    unread = UnreadCounts(ReadMarks.in_memory(ROOT))
    unread.library_changed(
        library, library.apply([post("a.md", 3), post("b.md", 2, ("sport",)), post("c.md", 1)])
    )
    b = str(ROOT / "b.md")
    change = library.mute({b})
    unread.library_changed(library, change)
    assert names(change.removed) == ["b.md"] and not change.added
    assert names(library.posts) == ["a.md", "c.md"] and library.get(b) is None
    assert library.categories() == [("nieuws", 2)] and unread.total == 2 and unread.in_category("sport") == 0
    assert names(library.muted_posts()) == ["b.md"] and library.muted_count == 1
    assert library.mute({b}).empty  # the same again changes nothing
    # A muted post that changes stays out; one that arrives under a muted path is kept out.
    assert library.apply([post("b.md", 2.5, ("sport",))]).removed == ()
    assert names(library.posts) == ["a.md", "c.md"]
    assert b in set(library.paths())  # its file is still the library's (a rescan must not lose it)
    change = library.mute(set())
    unread.library_changed(library, change)
    assert names(change.added) == ["b.md"] and names(library.posts) == ["a.md", "b.md", "c.md"]
    assert unread.total == 3 and unread.in_category("sport") == 1 and library.muted_posts() == []
    library.mute({b})
    library.remove([b])
    assert library.muted_posts() == [] and b not in set(library.paths())
