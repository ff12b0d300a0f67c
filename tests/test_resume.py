"""Where you left off, as a file: what it keeps, its bounds, and a damaged or unwritable one."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
from disks import fill, read_only, small_disk
from hypothesis import given, settings
from hypothesis import strategies as st

from tui.core.arrivals import NewPosts
from tui.core.library import Change
from tui.core.post import Post
from tui.core.resume import MAX_POSITIONS, Place, Resume, resume_path
from tui.core.store_files import ASIDE_MARK

PLACE = Place(entry=("category", "sport"), selected="link:a", opened="link:b", opened_scroll=12)


def save(resume: Resume, place: Place, *, always: bool = False) -> None:
    snapshot = resume.snapshot(place, always=always)
    assert snapshot is not None
    assert resume.save(snapshot) is None


def test_the_place_and_positions_come_back(posts_folder: Path, state_dir: Path) -> None:
    resume = Resume.open(posts_folder, state_dir, clock=lambda: 1_700_000_000.5)
    assert resume.place == Place() and resume.last_seen is None and resume.notice is None
    resume.left_at("link:b", 12)
    resume.left_at("link:c", 40)
    resume.left_at("link:d", 7)
    resume.read_to_end("link:d")
    save(resume, PLACE)
    again = Resume.open(posts_folder, state_dir)
    assert again.place == PLACE
    assert again.position("link:b") == 12 and again.position("link:c") == 40
    assert again.position("link:d") is None
    assert again.last_seen == 1_700_000_000.5
    assert resume_path(posts_folder, state_dir).parent == state_dir
    assert list(posts_folder.iterdir()) == []


def test_nothing_is_written_when_nothing_changed_but_on_quit(posts_folder: Path, state_dir: Path) -> None:
    resume = Resume.open(posts_folder, state_dir)
    save(resume, PLACE)
    assert resume.snapshot(PLACE) is None
    resume.left_at("link:x", 3)
    assert resume.snapshot(PLACE) is not None
    assert resume.snapshot(PLACE) is None
    assert resume.snapshot(PLACE, always=True) is not None  # on quit: when krant last looked


def test_a_later_snapshot_is_never_overwritten_by_an_earlier_one(posts_folder: Path, state_dir: Path) -> None:
    resume = Resume.open(posts_folder, state_dir)
    first = resume.snapshot(PLACE)
    later = resume.snapshot(Place(selected="link:later"))
    assert first is not None and later is not None
    resume.save(later)
    resume.save(first)  # a slow thread, done last
    assert Resume.open(posts_folder, state_dir).place.selected == "link:later"


def test_only_the_last_positions_are_kept(posts_folder: Path, state_dir: Path) -> None:
    resume = Resume.open(posts_folder, state_dir)
    for number in range(MAX_POSITIONS + 50):
        resume.left_at(f"link:{number}", number + 1)
    resume.left_at("link:0", 5)  # left again: the most recent now
    save(resume, Place())
    again = Resume.open(posts_folder, state_dir)
    assert again.position("link:0") == 5
    assert again.position("link:1") is None
    assert again.position(f"link:{MAX_POSITIONS + 49}") == MAX_POSITIONS + 50
    kept = json.loads(resume_path(posts_folder, state_dir).read_text())["positions"]
    assert len(kept) == MAX_POSITIONS


@pytest.mark.parametrize(
    "content",
    [b"{not json", b"[1, 2]", b"\xff\xfe garbage", b"[" * 100_000],
    ids=["broken", "not an object", "not utf-8", "too deep"],
)
def test_a_damaged_file_is_kept_aside_and_krant_starts_at_the_top(
    posts_folder: Path, state_dir: Path, content: bytes
) -> None:
    state_dir.mkdir(parents=True)
    path = resume_path(posts_folder, state_dir)
    path.write_bytes(content)
    resume = Resume.open(posts_folder, state_dir)
    assert resume.place == Place() and resume.last_seen is None
    assert resume.notice is not None and "could not be read" in resume.notice
    [kept] = [each for each in state_dir.iterdir() if ASIDE_MARK in each.name]
    assert kept.read_bytes() == content and kept.name in resume.notice
    assert not path.exists()
    save(resume, PLACE)
    assert Resume.open(posts_folder, state_dir).place == PLACE


def test_odd_values_are_left_out_not_fatal(posts_folder: Path, state_dir: Path) -> None:
    state_dir.mkdir(parents=True)
    resume_path(posts_folder, state_dir).write_text(
        json.dumps(
            {
                "entry": ["category"],
                "selected": 3,
                "opened": "link:b",
                "opened_scroll": -4,
                "positions": [["link:a", "far"], ["link:b", 1e300], 7, ["link:c", 9]],
                "last_seen": "yesterday",
            }
        )
    )
    resume = Resume.open(posts_folder, state_dir)
    assert resume.notice is None
    assert resume.place == Place(opened="link:b")
    assert resume.position("link:a") is None and resume.position("link:c") == 9
    assert resume.position("link:b") == 10_000_000
    assert resume.last_seen is None


@settings(max_examples=40, deadline=None)
@given(st.recursive(st.none() | st.booleans() | st.floats() | st.text(), st.lists, max_leaves=20))
def test_any_json_value_in_any_field_never_raises(
    tmp_path_factory: pytest.TempPathFactory, value: object
) -> None:
    base = tmp_path_factory.mktemp("resume")
    fields = ("entry", "selected", "opened", "opened_scroll", "positions", "last_seen", "version")
    path = resume_path(base / "posts", base)
    path.write_text(json.dumps({name: value for name in fields}))
    resume = Resume.open(base / "posts", base)
    assert resume.snapshot(resume.place, always=True) is not None


def test_a_newer_krants_file_is_left_as_it_is(posts_folder: Path, state_dir: Path) -> None:
    state_dir.mkdir(parents=True)
    path = resume_path(posts_folder, state_dir)
    path.write_text('{"version": 99, "selected": "link:a", "future": true}')
    resume = Resume.open(posts_folder, state_dir)
    assert resume.place == Place() and resume.notice is None
    assert path.read_text() == '{"version": 99, "selected": "link:a", "future": true}'


def test_a_key_with_a_lone_surrogate_round_trips(posts_folder: Path, state_dir: Path) -> None:
    key = "link:https://example.com/caf\udce9"
    resume = Resume.open(posts_folder, state_dir)
    resume.left_at(key, 4)
    save(resume, Place(selected=key))
    again = Resume.open(posts_folder, state_dir)
    assert again.place.selected == key and again.position(key) == 4


def test_a_read_only_state_folder_is_said_once_and_nothing_is_lost_in_memory(
    posts_folder: Path, state_dir: Path
) -> None:
    resume = Resume.open(posts_folder, state_dir)
    save(resume, PLACE)
    with read_only(state_dir):
        resume.left_at("link:z", 3)
        snapshot = resume.snapshot(Place(selected="link:z"))
        assert snapshot is not None
        notice = resume.save(snapshot)
        assert notice is not None and "Could not save where you left off" in notice
        second = resume.snapshot(Place(selected="link:zz"))
        assert second is not None and resume.save(second) is None  # said once
        assert Resume.open(posts_folder, state_dir).place == PLACE  # the file is untouched
    third = resume.snapshot(Place(selected="link:back"), always=True)
    assert third is not None and resume.save(third) is None
    assert Resume.open(posts_folder, state_dir).place.selected == "link:back"


def test_a_full_disk_keeps_the_last_file_and_saves_once_there_is_room(
    posts_folder: Path, tmp_path: Path
) -> None:
    with small_disk(tmp_path / "disk") as disk:
        state_dir = disk / "krant"
        resume = Resume.open(posts_folder, state_dir)
        save(resume, PLACE)
        ballast = fill(disk)
        snapshot = resume.snapshot(Place(selected="link:full"))
        assert snapshot is not None
        assert resume.save(snapshot) is not None
        assert Resume.open(posts_folder, state_dir).place == PLACE
        assert [each.name for each in state_dir.iterdir()] == [resume_path(posts_folder, state_dir).name]
        ballast.unlink()
        later = resume.snapshot(Place(selected="link:room"))
        assert later is not None and resume.save(later) is None
        assert Resume.open(posts_folder, state_dir).place.selected == "link:room"


def make_post(key: str, mtime: float) -> Post:
    return Post(
        f"/p/{key}.md", f"{key}.md", key, datetime(2024, 1, 1, tzinfo=UTC), ("c",), mtime=mtime, key=key
    )


def test_posts_written_since_krant_last_looked_are_new_once() -> None:
    new = NewPosts()
    new.since(1000.0)
    old, fresh = make_post("old", 999.0), make_post("fresh", 1001.0)
    new.known([old, fresh])
    assert not new.is_new(old) and new.is_new(fresh)
    assert new.seen(fresh) and not new.is_new(fresh)
    arrived = make_post("arrived", 500.0)  # while running: new whatever its file's time
    assert new.note(Change(added=(arrived,))) and new.is_new(arrived)
    first_time = NewPosts()
    first_time.known([old, fresh])
    assert not first_time.is_new(fresh)  # krant never looked before: nothing is new
