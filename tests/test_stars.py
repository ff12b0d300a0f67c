"""Stars: kept beside the read marks, keyed the same way, and surviving everything the marks survive."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from disks import fill, read_only, small_disk
from test_read_marks import corrupt_copies, damaged_on_first_look, move_post, write_post
from test_unread import ROOT, post

from tui.core import read_marks as state_module
from tui.core.library import Library
from tui.core.read_marks import SCHEMA_VERSION, ReadMarks, store_path, stored_marks
from tui.core.unread import UnreadCounts


def test_stars_survive_a_restart_and_are_apart_from_read_marks(posts_folder: Path, state_dir: Path) -> None:
    with ReadMarks.open(posts_folder, state_dir) as state:
        assert state.starred_keys() == frozenset()
        assert state.toggle_star("link:a") is True
        state.star(["link:b", "link:c"])
        assert state.toggle_star("link:c") is False
        state.mark(["link:d"])
        assert state.is_starred("link:a") and not state.is_starred("link:d")
    with ReadMarks.open(posts_folder, state_dir) as state:
        assert state.starred_keys() == {"link:a", "link:b"}
        assert state.read_keys() == {"link:d"}
        assert state.notice is None
    assert stored_marks(posts_folder, state_dir) == ({"link:d"}, {"link:a", "link:b"}, None)


def test_star_returns_the_previous_stars_and_restore_puts_them_back(
    posts_folder: Path, state_dir: Path
) -> None:
    with ReadMarks.open(posts_folder, state_dir) as state:
        state.star(["link:a"])
        before = state.star(["link:a", "link:b"], starred=False)
        assert before == {"link:a": True, "link:b": False}
        assert state.starred_keys() == frozenset()
        state.restore_stars(before)
        assert state.starred_keys() == {"link:a"}
    with ReadMarks.open(posts_folder, state_dir) as state:
        assert state.starred_keys() == {"link:a"}


@pytest.mark.parametrize("link", ["https://example.com/story", None], ids=["with link", "without link"])
def test_a_renamed_post_keeps_its_star(posts_folder: Path, state_dir: Path, link: str | None) -> None:
    post = write_post(posts_folder / "2024-03-01-story.html", "A story", link)
    with ReadMarks.open(posts_folder, state_dir) as state:
        state.star([post.key])
    again = move_post(posts_folder, "2024-03-01-story.html")
    with ReadMarks.open(posts_folder, state_dir) as state:
        assert state.is_starred(again.key)


def test_refresh_picks_up_stars_from_another_window(posts_folder: Path, state_dir: Path) -> None:
    with ReadMarks.open(posts_folder, state_dir) as mine, ReadMarks.open(posts_folder, state_dir) as theirs:
        mine.star(["link:mine"])
        theirs.star(["link:theirs"])
        theirs.mark(["link:read"])
        mine.flush()  # a refresh does not wait for a write under way (it looks next time)
        theirs.flush()
        assert mine.refresh() is True
        assert mine.starred_keys() == {"link:mine", "link:theirs"}
        assert mine.read_keys() == {"link:read"}
        assert mine.refresh() is False
        theirs.star(["link:mine"], starred=False)
        theirs.flush()
        assert mine.refresh() is True and not mine.is_starred("link:mine")
        # A read mark there does not touch a star here, nor the other way round.
        mine.star(["link:read"])
        theirs.mark(["link:read"], read=False)
        mine.flush()
        theirs.flush()
        mine.refresh()
        assert mine.is_starred("link:read") and not mine.is_read("link:read")


def test_a_version_1_store_gains_stars_and_keeps_every_mark(posts_folder: Path, state_dir: Path) -> None:
    state_dir.mkdir(parents=True)
    path = store_path(posts_folder, state_dir)
    with sqlite3.connect(path) as db:  # the layout krant 1 wrote
        db.execute("CREATE TABLE marks (key BLOB PRIMARY KEY, read INTEGER NOT NULL, seq INTEGER NOT NULL)")
        db.execute("CREATE INDEX marks_by_seq ON marks (seq)")
        db.execute("CREATE TABLE meta (name TEXT PRIMARY KEY, value)")
        db.execute("INSERT INTO meta VALUES ('seq', 2)")
        db.executemany(
            "INSERT INTO marks VALUES (?, ?, ?)", [(b"link:a", 1, 1), (b"link:b", 0, 2), (b"link:c", 1, 2)]
        )
        db.execute("PRAGMA user_version = 1")
    db.close()
    assert stored_marks(posts_folder, state_dir) == ({"link:a", "link:c"}, frozenset(), None)
    with ReadMarks.open(posts_folder, state_dir) as state:
        assert state.notice is None
        assert state.read_keys() == {"link:a", "link:c"}
        state.star(["link:b"])
    with ReadMarks.open(posts_folder, state_dir) as state:
        assert state.read_keys() == {"link:a", "link:c"}
        assert state.starred_keys() == {"link:b"}
    with sqlite3.connect(path) as db:
        assert db.execute("PRAGMA user_version").fetchone() == (SCHEMA_VERSION,) == (2,)
    db.close()
    assert corrupt_copies(state_dir) == []


def test_stars_in_a_store_from_a_newer_krant_are_read_but_not_written(
    posts_folder: Path, state_dir: Path
) -> None:
    with ReadMarks.open(posts_folder, state_dir) as state:
        state.star(["link:a"])
    with sqlite3.connect(store_path(posts_folder, state_dir)) as db:
        db.execute("PRAGMA user_version = 99")
    db.close()
    with ReadMarks.open(posts_folder, state_dir) as state:
        assert state.notice is not None and "newer version" in state.notice
        assert state.is_starred("link:a")
        state.star(["link:b"])
        assert state.starred_keys() == {"link:a", "link:b"}
    db = sqlite3.connect(store_path(posts_folder, state_dir))
    assert db.execute("SELECT count(*) FROM stars").fetchone() == (1,)
    db.close()


def test_stars_are_salvaged_from_a_store_cut_to_half(posts_folder: Path, state_dir: Path) -> None:
    keys = [f"link:https://example.com/{number}/" + "x" * 200 for number in range(2000)]
    with ReadMarks.open(posts_folder, state_dir) as state:
        state.star(keys)
        state.mark(["link:read"])
    path = store_path(posts_folder, state_dir)
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    with ReadMarks.open(posts_folder, state_dir) as state:
        recovered = state.starred_keys()
        assert state.notice is not None and f"{len(recovered)} stars" in state.notice
    assert len(recovered) > 300
    assert recovered <= set(keys)
    assert len(corrupt_copies(state_dir)) == 1
    with ReadMarks.open(posts_folder, state_dir) as state:
        assert state.notice is None
        assert state.starred_keys() == recovered


def test_stars_of_a_damaged_store_are_recovered(
    posts_folder: Path, state_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with ReadMarks.open(posts_folder, state_dir) as state:
        state.mark(["link:a"])
        state.star(["link:s"])
    damaged_on_first_look(monkeypatch)
    with ReadMarks.open(posts_folder, state_dir) as state:
        assert state.notice is not None and "1 marks recovered from it and 1 stars" in state.notice
        assert state.starred_keys() == {"link:s"}
    with ReadMarks.open(posts_folder, state_dir) as state:
        assert state.starred_keys() == {"link:s"} and state.read_keys() == {"link:a"}


def test_stars_in_a_read_only_folder_are_shown_and_new_ones_kept_in_memory(
    posts_folder: Path, state_dir: Path
) -> None:
    with ReadMarks.open(posts_folder, state_dir) as state:
        state.star(["link:old"])
    with read_only(state_dir):
        assert stored_marks(posts_folder, state_dir).starred == {"link:old"}
        with ReadMarks.open(posts_folder, state_dir) as state:
            assert state.notice is not None and "cannot be saved" in state.notice
            assert state.starred_keys() == {"link:old"}
            state.star(["link:new"])
            state.refresh()
            assert state.starred_keys() == {"link:old", "link:new"}
    with ReadMarks.open(posts_folder, state_dir) as state:
        assert state.starred_keys() == {"link:old"}


def test_stars_made_on_a_full_disk_are_saved_once_there_is_room(
    posts_folder: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(state_module, "RETRY_SECONDS", 0.0)
    with small_disk(tmp_path / "disk") as disk:
        state_dir = disk / "krant"
        with ReadMarks.open(posts_folder, state_dir) as state:
            state.star(["link:old"])
        ballast = fill(disk)
        with ReadMarks.open(posts_folder, state_dir) as state:
            assert state.notice is not None and "cannot be saved" in state.notice
            state.star(["link:new"])
            assert state.starred_keys() == {"link:old", "link:new"}
            ballast.unlink()
            state.refresh()
            assert state.notice is None
        with ReadMarks.open(posts_folder, state_dir) as state:
            assert state.starred_keys() == {"link:old", "link:new"}


def test_local_changes_are_told_and_remote_ones_are_not(posts_folder: Path, state_dir: Path) -> None:
    told: list[tuple[dict[str, bool], dict[str, bool]]] = []
    with ReadMarks.open(posts_folder, state_dir) as state:
        state.on_change = lambda read, starred: told.append((read, starred))
        state.mark(["link:a", "link:b"])
        state.mark(["link:a"])  # no change: nothing to tell
        state.toggle_star("link:a")
        state.restore({"link:b": False})
        assert told == [
            ({"link:a": True, "link:b": True}, {}),
            ({}, {"link:a": True}),
            ({"link:b": False}, {}),
        ]
        told.clear()
        assert state.apply_remote({"link:c": True, "link:a": True}, {"link:a": False, "link:d": True})
        assert told == []
        assert state.read_keys() == {"link:a", "link:c"}
        assert state.starred_keys() == {"link:d"}
        assert not state.apply_remote({"link:c": True}, {})
    with ReadMarks.open(posts_folder, state_dir) as state:
        assert state.read_keys() == {"link:a", "link:c"} and state.starred_keys() == {"link:d"}


def test_starred_posts_are_the_librarys_newest_first_and_follow_changes(tmp_path: Path) -> None:
    library = Library(ROOT)
    here = ReadMarks.open(ROOT, tmp_path)
    counts = UnreadCounts(here)
    counts.library_changed(
        library, library.apply([post(1, 1, ("sport",)), post(2, 2, ("sport",)), post(3, 1, ("binnenland",))])
    )
    assert counts.starred_posts() == []
    here.star(["key:1", "key:9"])  # key:9: no such post here
    assert [each.title for each in counts.starred_posts()] == ["Bericht 1", "Bericht 3"]  # both share key:1
    assert counts.post_with_key("key:2") is not None and counts.post_with_key("key:9") is None
    counts.library_changed(library, library.remove([ROOT / "1.md"]))
    assert [each.title for each in counts.starred_posts()] == ["Bericht 3"]
    assert counts.refresh()  # the star made meanwhile is news to the screen once
    assert not counts.refresh()
    with ReadMarks.open(ROOT, tmp_path) as other:
        other.star(["key:2"])
    assert [each.title for each in counts.starred_posts()] == ["Bericht 3"]  # not refreshed yet
    assert counts.refresh()
    assert [each.title for each in counts.starred_posts()] == ["Bericht 2", "Bericht 3"]
    here.close()
