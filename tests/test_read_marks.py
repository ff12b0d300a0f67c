"""Read state: marks that persist per folder, survive renames, other windows and damaged stores."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import textwrap
import threading
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from disks import fill, read_only, small_disk
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tui.core import read_marks as state_module
from tui.core.post import Post
from tui.core.read_marks import ReadMarks, store_path, stored_marks
from tui.core.reading import read_post
from tui.core.store_files import keep_aside


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    posts = tmp_path / "posts"
    posts.mkdir()
    return posts


@pytest.fixture
def state_dir(tmp_path: Path) -> Path:
    return tmp_path / "state" / "krant"


def corrupt_copies(state_dir: Path) -> list[Path]:
    return sorted(
        path for path in state_dir.iterdir() if ".corrupt-" in path.name and "-wal" not in path.name
    )


def saves_marks(state: ReadMarks, folder: Path, state_dir: Path) -> bool:
    """Whether a mark made now reaches the store on disk, rather than staying in memory only."""
    probe = "probe:is-this-saved"
    state.mark([probe], True)
    state.flush()
    saved = probe in stored_marks(folder, state_dir).read
    state.mark([probe], False)
    state.flush()
    return saved


def until(condition: Callable[[], bool], timeout: float = 15.0) -> bool:
    """Wait until `condition` holds (for what a store's writer thread does); whether it came to hold."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.01)
    return True


def write_post(path: Path, title: str, link: str | None = None) -> Post:
    path.parent.mkdir(parents=True, exist_ok=True)
    link_line = f"link: {link}\n" if link else ""
    path.write_text(f"---\ntitle: {title}\ndate: 2024-03-01 10:00\n{link_line}---\n<p>Body</p>\n")
    post = read_post(path, path.parent)
    assert isinstance(post, Post)
    return post


def move_post(folder: Path, name: str) -> Post:
    """Move a post's file into another folder under another name, as a user would: the post found there."""
    moved = folder / "archive" / f"renamed-{name}"
    moved.parent.mkdir(exist_ok=True)
    (folder / name).rename(moved)
    again = read_post(moved, folder)
    assert isinstance(again, Post)
    return again


def test_every_post_is_unread_until_marked(folder: Path, state_dir: Path) -> None:
    with ReadMarks.open(folder, state_dir) as state:
        assert not state.is_read("link:a")
        assert state.read_keys() == frozenset()
        assert state.notice is None and saves_marks(state, folder, state_dir)
        state.mark(["link:a"])
        assert state.is_read("link:a") and not state.is_read("link:b")
        assert state.read_keys() == {"link:a"}


def test_store_is_in_the_state_dir_never_the_posts_folder(folder: Path, state_dir: Path) -> None:
    with ReadMarks.open(folder, state_dir) as state:
        state.mark(["link:a"])
        assert state.path == store_path(folder, state_dir)
        assert state.path.parent == state_dir and state.path.is_file()
    assert list(folder.iterdir()) == []


def test_each_folder_has_its_own_store(tmp_path: Path, state_dir: Path) -> None:
    first, second = tmp_path / "one", tmp_path / "two"
    first.mkdir(), second.mkdir()
    with ReadMarks.open(first, state_dir) as state:
        state.mark(["link:a"])
    with ReadMarks.open(second, state_dir) as state:
        assert not state.is_read("link:a")


def test_marks_survive_a_restart(folder: Path, state_dir: Path) -> None:
    with ReadMarks.open(folder, state_dir) as state:
        state.mark(["link:a", "link:b", "link:c"])
        state.mark(["link:b"], read=False)
    with ReadMarks.open(folder, state_dir) as state:
        assert state.read_keys() == {"link:a", "link:c"}
        assert state.notice is None


def test_toggle_flips_one_post(folder: Path, state_dir: Path) -> None:
    with ReadMarks.open(folder, state_dir) as state:
        assert state.toggle("link:a") is True
        assert state.is_read("link:a")
        assert state.toggle("link:a") is False
        assert not state.is_read("link:a")
        state.toggle("link:b")
    with ReadMarks.open(folder, state_dir) as state:
        assert state.read_keys() == {"link:b"}


@pytest.mark.parametrize("link", ["https://example.com/story", None], ids=["with link", "without link"])
def test_a_renamed_or_moved_post_keeps_its_mark(folder: Path, state_dir: Path, link: str | None) -> None:
    post = write_post(folder / "2024-03-01-story.html", "A story", link)
    with ReadMarks.open(folder, state_dir) as state:
        state.mark([post.key])
    again = move_post(folder, "2024-03-01-story.html")
    other = write_post(folder / "other.html", "Another story")
    with ReadMarks.open(folder, state_dir) as state:
        assert state.is_read(again.key)
        assert not state.is_read(other.key)


def test_undo_of_mark_all_restores_exactly_the_previous_marks(folder: Path, state_dir: Path) -> None:
    category = ["link:a", "link:b", "link:c", "link:d"]
    with ReadMarks.open(folder, state_dir) as state:
        state.mark(["link:b", "link:d", "link:elsewhere"])
        before = {key: state.is_read(key) for key in category}
        previous = state.mark(category, read=True)
        assert previous == before == {"link:a": False, "link:b": True, "link:c": False, "link:d": True}
        assert state.read_keys() == {*category, "link:elsewhere"}
        state.restore(previous)
        assert state.read_keys() == {"link:b", "link:d", "link:elsewhere"}
    with ReadMarks.open(folder, state_dir) as state:
        assert state.read_keys() == {"link:b", "link:d", "link:elsewhere"}


def test_undo_also_brings_back_read_marks_cleared_by_mark_unread(folder: Path, state_dir: Path) -> None:
    with ReadMarks.open(folder, state_dir) as state:
        state.mark(["link:a"])
        previous = state.mark(["link:a", "link:b"], read=False)
        state.restore(previous)
        assert state.read_keys() == {"link:a"}


def test_refresh_picks_up_marks_from_another_window(folder: Path, state_dir: Path) -> None:
    with ReadMarks.open(folder, state_dir) as mine, ReadMarks.open(folder, state_dir) as theirs:
        assert mine.refresh() is False
        theirs.mark(["link:a", "link:b"])
        theirs.flush()
        assert mine.refresh() is True
        assert mine.read_keys() == {"link:a", "link:b"}
        assert mine.refresh() is False
        theirs.mark(["link:a"], read=False)
        theirs.flush()
        assert mine.refresh() is True
        assert mine.read_keys() == {"link:b"}


def test_own_marks_do_not_count_as_changes_from_elsewhere(folder: Path, state_dir: Path) -> None:
    with ReadMarks.open(folder, state_dir) as mine, ReadMarks.open(folder, state_dir) as theirs:
        mine.mark(["link:a"])
        mine.flush()
        assert mine.refresh() is False
        assert theirs.refresh() is True
        assert theirs.is_read("link:a")


def test_two_windows_marking_different_posts_keep_each_others_marks(folder: Path, state_dir: Path) -> None:
    with ReadMarks.open(folder, state_dir) as first, ReadMarks.open(folder, state_dir) as second:
        first.mark(["link:a"])
        second.mark(["link:b"])  # second has not refreshed: it must not overwrite link:a
        first.mark(["link:c"])
    with ReadMarks.open(folder, state_dir) as state:
        assert state.read_keys() == {"link:a", "link:b", "link:c"}


MARKER = textwrap.dedent(
    """
    import sys
    from pathlib import Path
    from tui.core.read_marks import ReadMarks

    folder, state_dir, name, count = Path(sys.argv[1]), Path(sys.argv[2]), sys.argv[3], int(sys.argv[4])
    state = ReadMarks.open(folder, state_dir)
    print("ready", flush=True)
    sys.stdin.readline()
    for number in range(count):
        state.mark([f"link:{name}/{number}"])
        state.refresh()
    state.close()
    print(state.notice or "ok", flush=True)
    """
)


def test_two_processes_marking_at_the_same_time_both_persist(folder: Path, state_dir: Path) -> None:
    count = 150
    processes = [
        subprocess.Popen(
            [sys.executable, "-c", MARKER, str(folder), str(state_dir), name, str(count)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        for name in ("one", "two")
    ]
    for process in processes:
        assert process.stdout is not None and process.stdout.readline().strip() == "ready"
    for process in processes:  # start both loops together, so their transactions interleave
        assert process.stdin is not None
        process.stdin.write("go\n")
        process.stdin.flush()
    outputs = [process.communicate(timeout=120)[0].strip() for process in processes]
    assert outputs == ["ok", "ok"]
    expected = {f"link:{name}/{number}" for name in ("one", "two") for number in range(count)}
    with ReadMarks.open(folder, state_dir) as state:
        assert state.read_keys() == expected


def test_threads_marking_at_once_lose_nothing(folder: Path, state_dir: Path) -> None:
    with ReadMarks.open(folder, state_dir) as state:

        def mark_many(name: str) -> None:
            for number in range(100):
                state.mark([f"link:{name}/{number}"])

        threads = [threading.Thread(target=mark_many, args=(name,)) for name in "abcd"]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    with ReadMarks.open(folder, state_dir) as state:
        assert len(state.read_keys()) == 400


def test_garbage_store_is_kept_aside_and_replaced(folder: Path, state_dir: Path) -> None:
    state_dir.mkdir(parents=True)
    garbage = bytes(range(256)) * 40
    store_path(folder, state_dir).write_bytes(garbage)
    with ReadMarks.open(folder, state_dir) as state:
        assert state.notice is not None
        assert "damaged" in state.notice and ".corrupt-" in state.notice
        assert saves_marks(state, folder, state_dir)
        state.mark(["link:a"])
    [kept] = corrupt_copies(state_dir)
    assert kept.read_bytes() == garbage
    with ReadMarks.open(folder, state_dir) as state:
        assert state.notice is None
        assert state.read_keys() == {"link:a"}


def test_truncated_store_is_kept_aside_and_replaced(folder: Path, state_dir: Path) -> None:
    with ReadMarks.open(folder, state_dir) as state:
        state.mark([f"link:https://example.com/{number}/" + "x" * 200 for number in range(500)])
    path = store_path(folder, state_dir)
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    with ReadMarks.open(folder, state_dir) as state:
        assert state.notice is not None and "damaged" in state.notice
        assert saves_marks(state, folder, state_dir)
        state.mark(["link:new"])
        assert state.is_read("link:new")
    [kept] = corrupt_copies(state_dir)
    assert kept.read_bytes() == data[: len(data) // 2]
    with ReadMarks.open(folder, state_dir) as state:
        assert "link:new" in state.read_keys()


def damaged_on_first_look(monkeypatch: pytest.MonkeyPatch) -> None:
    """The store reads as damaged the first time it is looked at, and as it is afterwards."""
    original = state_module._check_version
    checked: list[sqlite3.Connection] = []

    def check(db: sqlite3.Connection) -> None:
        checked.append(db)
        if len(checked) == 1:
            raise sqlite3.DatabaseError("database disk image is malformed")
        original(db)

    monkeypatch.setattr(state_module, "_check_version", check)


def test_readable_marks_are_recovered_from_a_damaged_store(
    folder: Path, state_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with ReadMarks.open(folder, state_dir) as state:
        state.mark(["link:a", "link:b"])
    damaged_on_first_look(monkeypatch)
    with ReadMarks.open(folder, state_dir) as state:
        assert state.notice is not None and "2 marks recovered" in state.notice
        assert state.read_keys() == {"link:a", "link:b"}
    assert len(corrupt_copies(state_dir)) == 1
    with ReadMarks.open(folder, state_dir) as state:
        assert state.read_keys() == {"link:a", "link:b"}


def test_a_store_another_window_just_recovered_is_not_moved_aside(
    folder: Path, state_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    healthy = tmp_path / "healthy"
    with ReadMarks.open(folder, healthy) as state:
        state.mark(["link:theirs"])
    state_dir.mkdir(parents=True)
    path = store_path(folder, state_dir)
    path.write_bytes(b"garbage" * 1000)
    original = state_module._check_version
    checked: list[sqlite3.Connection] = []

    def other_window_recovers_meanwhile(db: sqlite3.Connection) -> None:
        checked.append(db)
        if len(checked) == 1:
            store_path(folder, healthy).rename(path)
            raise sqlite3.DatabaseError("file is not a database")
        original(db)

    monkeypatch.setattr(state_module, "_check_version", other_window_recovers_meanwhile)
    with ReadMarks.open(folder, state_dir) as state:
        assert state.notice is None
        assert state.read_keys() == {"link:theirs"}
    assert corrupt_copies(state_dir) == []


def test_state_dir_that_is_a_file_keeps_marks_in_memory(folder: Path, tmp_path: Path) -> None:
    not_a_folder = tmp_path / "state"
    not_a_folder.write_text("in the way")
    with ReadMarks.open(folder, not_a_folder) as state:
        assert state.notice is not None and "not a folder" in state.notice
        assert not saves_marks(state, folder, not_a_folder)
        state.mark(["link:a"])
        assert state.is_read("link:a")
        assert state.refresh() is False
    assert not_a_folder.read_text() == "in the way"


def test_read_only_store_keeps_its_marks_and_new_ones_in_memory(
    folder: Path, state_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with ReadMarks.open(folder, state_dir) as state:
        state.mark(["link:old"])
    original = state_module._connect
    monkeypatch.setattr(state_module, "_connect", lambda path, mode: original(path, "ro"))
    with ReadMarks.open(folder, state_dir) as state:
        assert state.notice is not None and "cannot be saved" in state.notice
        assert not saves_marks(state, folder, state_dir)
        assert state.is_read("link:old")
        state.mark(["link:new"])
        assert state.read_keys() == {"link:old", "link:new"}
    monkeypatch.undo()
    assert corrupt_copies(state_dir) == []
    with ReadMarks.open(folder, state_dir) as state:
        assert state.read_keys() == {"link:old"}


def test_a_failed_save_keeps_the_mark_and_retries(
    folder: Path, state_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def read_only(db: sqlite3.Connection, marks: object, stars: object) -> int:
        raise sqlite3.OperationalError("attempt to write a readonly database")

    with ReadMarks.open(folder, state_dir) as state:
        monkeypatch.setattr(state_module, "_write_marks", read_only)
        state.mark(["link:a"])
        assert state.is_read("link:a")
        assert state.flush() is False
        assert state.notice is not None and "Could not save" in state.notice
        monkeypatch.undo()
        state.refresh()  # has the writer try again, without waiting for it
        assert until(lambda: "link:a" in stored_marks(folder, state_dir).read)
        assert state.flush() is True and state.notice is None
    with ReadMarks.open(folder, state_dir) as state:
        assert state.read_keys() == {"link:a"}


def test_a_store_locked_by_another_window_delays_but_keeps_marks(
    folder: Path, state_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(state_module, "BUSY_TIMEOUT_SECONDS", 0.05)
    with ReadMarks.open(folder, state_dir) as state:
        other = sqlite3.connect(store_path(folder, state_dir), isolation_level=None)
        other.execute("BEGIN IMMEDIATE")
        state.mark(["link:a"])
        assert state.is_read("link:a")  # at once, while the write waits for the other window
        assert state.flush() is False
        assert state.notice is not None and "locked" in state.notice
        other.execute("ROLLBACK")
        other.close()
        state.mark(["link:b"])
        assert state.flush() is True
        assert state.notice is None
    with ReadMarks.open(folder, state_dir) as state:
        assert state.read_keys() == {"link:a", "link:b"}


def test_damage_found_while_running_starts_a_new_store_with_the_session_marks(
    folder: Path, state_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    original = state_module._write_marks
    calls = []

    def malformed_once(db: sqlite3.Connection, marks: dict[str, bool], stars: dict[str, bool]) -> int:
        calls.append(dict(marks))
        if len(calls) == 1:
            raise sqlite3.DatabaseError("database disk image is malformed")
        return original(db, marks, stars)

    with ReadMarks.open(folder, state_dir) as state:
        state.mark(["link:a"])
        state.flush()
        monkeypatch.setattr(state_module, "_write_marks", malformed_once)
        state.mark(["link:b"])
        state.flush()
        assert state.notice is not None and "damaged" in state.notice
        assert saves_marks(state, folder, state_dir)
    assert len(corrupt_copies(state_dir)) == 1
    with ReadMarks.open(folder, state_dir) as state:
        assert state.read_keys() == {"link:a", "link:b"}


def test_a_window_follows_when_another_replaced_the_store(
    folder: Path, state_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with ReadMarks.open(folder, state_dir) as first, ReadMarks.open(folder, state_dir) as second:
        first.mark(["link:a"])
        first.flush()
        second.refresh()
        keep_aside(store_path(folder, state_dir))  # what a window does with a damaged store
        second.mark(["link:b"])
        second.flush()
        first.refresh()
        assert first.read_keys() == {"link:a", "link:b"}
    with ReadMarks.open(folder, state_dir) as state:
        assert state.read_keys() == {"link:a", "link:b"}


def test_store_from_a_newer_krant_is_read_but_not_written(folder: Path, state_dir: Path) -> None:
    with ReadMarks.open(folder, state_dir) as state:
        state.mark(["link:a"])
    with sqlite3.connect(store_path(folder, state_dir)) as db:
        db.execute("PRAGMA user_version = 99")
    with ReadMarks.open(folder, state_dir) as state:
        assert state.notice is not None and "newer version" in state.notice
        assert state.is_read("link:a")
        state.mark(["link:b"])
    assert corrupt_copies(state_dir) == []
    db = sqlite3.connect(store_path(folder, state_dir))
    assert db.execute("SELECT count(*) FROM marks").fetchone() == (1,)
    db.close()


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(keys=st.sets(st.text(max_size=40), max_size=5))
def test_any_key_round_trips(tmp_path: Path, keys: set[str]) -> None:
    folder = tmp_path / "posts"
    folder.mkdir(exist_ok=True)
    state_dir = tmp_path / f"state-{abs(hash(frozenset(keys)))}"
    with ReadMarks.open(folder, state_dir) as state:
        state.mark(keys)
    with ReadMarks.open(folder, state_dir) as state:
        assert state.read_keys() == keys
    assert stored_marks(folder, state_dir) == (keys, frozenset(), None)


def test_stored_marks_creates_nothing(folder: Path, state_dir: Path) -> None:
    assert stored_marks(folder, state_dir) == (frozenset(), frozenset(), None)
    assert not state_dir.exists()


def test_stored_marks_reads_marks_and_leaves_no_files(folder: Path, state_dir: Path) -> None:
    with ReadMarks.open(folder, state_dir) as state:
        state.mark(["link:a", "link:b"])
        state.mark(["link:b"], read=False)
    files = sorted(state_dir.iterdir())
    assert stored_marks(folder, state_dir) == ({"link:a"}, frozenset(), None)
    assert sorted(state_dir.iterdir()) == files


def test_stored_marks_reports_a_damaged_store_and_leaves_it(folder: Path, state_dir: Path) -> None:
    state_dir.mkdir(parents=True)
    store_path(folder, state_dir).write_bytes(b"not a database at all" * 100)
    keys, _starred, notice = stored_marks(folder, state_dir)
    assert keys == frozenset()
    assert notice is not None and "could not be read" in notice
    assert store_path(folder, state_dir).read_bytes() == b"not a database at all" * 100


def test_a_store_cut_to_half_keeps_the_marks_in_its_intact_pages(folder: Path, state_dir: Path) -> None:
    keys = [f"link:https://example.com/{number}/" + "x" * 200 for number in range(2000)]
    with ReadMarks.open(folder, state_dir) as state:
        state.mark(keys)
    path = store_path(folder, state_dir)
    for leftover in state_dir.glob("*-wal"):
        assert leftover.stat().st_size == 0  # the marks are in the store itself, the half that is cut
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    with ReadMarks.open(folder, state_dir) as state:
        recovered = state.read_keys()
        assert state.notice is not None
        assert f"with {len(recovered)} marks recovered" in state.notice
    # About half the rows sit in the pages that are left; a few share a page with the lost half.
    assert len(recovered) > 900
    assert recovered <= set(keys)
    assert recovered == set(keys[: len(recovered)])  # the first rows, in the first pages, every one of them
    [kept] = corrupt_copies(state_dir)
    assert kept.read_bytes() == data[: len(data) // 2]
    with ReadMarks.open(folder, state_dir) as state:
        assert state.notice is None
        assert state.read_keys() == recovered


def test_a_store_in_a_read_only_folder_shows_its_marks_and_keeps_new_ones_in_memory(
    folder: Path, state_dir: Path
) -> None:
    with ReadMarks.open(folder, state_dir) as state:
        state.mark(["link:old", "link:older"])
    with read_only(state_dir):
        assert stored_marks(folder, state_dir) == ({"link:old", "link:older"}, frozenset(), None)
        with ReadMarks.open(folder, state_dir) as state:
            assert state.notice is not None and "cannot be saved" in state.notice
            assert state.read_keys() == {"link:old", "link:older"}
            state.mark(["link:new"])
            state.refresh()
            assert state.read_keys() == {"link:old", "link:older", "link:new"}
    assert corrupt_copies(state_dir) == []
    with ReadMarks.open(folder, state_dir) as state:
        assert state.notice is None
        assert state.read_keys() == {"link:old", "link:older"}


@pytest.mark.parametrize("store_before", [True, False], ids=["store", "no-store"])
def test_a_state_disk_full_at_start_keeps_marks_in_memory_and_saves_them_when_there_is_room(
    folder: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, store_before: bool
) -> None:
    monkeypatch.setattr(state_module, "RETRY_SECONDS", 0.0)
    with small_disk(tmp_path / "disk") as disk:
        state_dir = disk / "krant"
        if store_before:
            with ReadMarks.open(folder, state_dir) as state:
                state.mark(["link:old"])
        ballast = fill(disk)
        with ReadMarks.open(folder, state_dir) as state:
            assert state.notice is not None and "cannot be saved" in state.notice
            notice = state.notice
            state.mark(["link:new"])
            state.refresh()  # still full: tried again, and the same notice stands
            assert state.notice == notice
            assert state.read_keys() == {"link:new"} | ({"link:old"} if store_before else set())
            ballast.unlink()
            state.refresh()
            assert state.notice is None
            assert saves_marks(state, folder, state_dir)
        with ReadMarks.open(folder, state_dir) as state:
            assert state.read_keys() == {"link:new"} | ({"link:old"} if store_before else set())
        assert corrupt_copies(state_dir) == []


BIG = [f"link:https://example.com/2024/{number}" for number in range(100_000)]
"""What `A` on All marks in a folder of 100,000 posts."""


def test_a_big_mark_returns_before_the_store_has_it_and_flush_saves_every_one(
    folder: Path, state_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(state_module, "BUSY_TIMEOUT_SECONDS", 60.0)
    with ReadMarks.open(folder, state_dir) as state:
        other = sqlite3.connect(store_path(folder, state_dir), isolation_level=None)
        other.execute("BEGIN IMMEDIATE")  # another window is writing: nothing can be written for now
        previous = state.mark(BIG)
        # Back at once (a write on this thread would have waited up to a minute for the other window),
        # with every mark in memory and none on disk yet.
        assert state.read_keys() == set(BIG) and all(state.is_read(key) for key in BIG[::1000])
        assert state.notice is None
        assert stored_marks(folder, state_dir).read == frozenset()
        other.execute("ROLLBACK")
        other.close()
        assert state.flush() is True
        assert stored_marks(folder, state_dir).read == set(BIG)
        state.restore(previous)  # `u`: written by close
    with ReadMarks.open(folder, state_dir) as state:
        assert state.read_keys() == frozenset()


def test_close_saves_every_mark_still_waiting_to_be_written(
    folder: Path, state_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(state_module, "BUSY_TIMEOUT_SECONDS", 0.05)
    with ReadMarks.open(folder, state_dir) as state:
        state.mark(BIG[:1])
        state.star(BIG[:10])
    state = ReadMarks.open(folder, state_dir)
    other = sqlite3.connect(store_path(folder, state_dir), isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    state.mark(BIG)
    assert until(lambda: state.notice is not None and "locked" in state.notice)
    # The writer tried, found the store locked, and waits for the next change or refresh to try again.
    other.execute("ROLLBACK")
    other.close()
    assert BIG[1] not in stored_marks(folder, state_dir).read
    state.close()
    with ReadMarks.open(folder, state_dir) as state:
        assert state.read_keys() == set(BIG)
        assert state.starred_keys() == set(BIG[:10])


def test_on_change_hears_every_change_at_once_in_order_and_not_remote_ones(
    folder: Path, state_dir: Path
) -> None:
    heard: list[tuple[dict[str, bool], dict[str, bool]]] = []
    with ReadMarks.open(folder, state_dir) as state:
        state.on_change = lambda read, starred: heard.append((read, starred))
        state.mark(BIG)
        state.toggle(BIG[0])
        state.star(["link:c"])
        state.apply_remote({"link:remote": True}, {"link:remote": True})
        assert heard == [(dict.fromkeys(BIG, True), {}), ({BIG[0]: False}, {}), ({}, {"link:c": True})]
        assert state.flush() is True
    assert stored_marks(folder, state_dir).read == {*BIG[1:], "link:remote"}


def test_a_disk_that_fills_while_marking_keeps_the_marks_and_saves_them_when_there_is_room(
    folder: Path, tmp_path: Path
) -> None:
    keys = [f"link:https://example.com/{number}/" + "x" * 100 for number in range(3000)]
    with small_disk(tmp_path / "disk", size="1m") as disk:
        state_dir = disk / "krant"
        with ReadMarks.open(folder, state_dir) as state:
            state.mark(["link:before"])
            assert state.flush() is True
            ballast = fill(disk)
            state.mark(keys)  # written by the writer thread, onto a full disk
            assert state.read_keys() == {"link:before", *keys}
            assert state.flush() is False
            assert state.notice is not None and "Could not save" in state.notice
            assert state.read_keys() == {"link:before", *keys}  # kept in memory
            ballast.unlink()
            state.refresh()  # has the writer try again
            assert until(lambda: set(keys) <= stored_marks(folder, state_dir).read)
            assert state.flush() is True and state.notice is None
        with ReadMarks.open(folder, state_dir) as state:
            assert state.read_keys() == {"link:before", *keys}
