"""The sync journal: two machines (two state folders) sharing one sync folder agree on marks and stars."""

from __future__ import annotations

import json
import os
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tui.core.read_marks import ReadMarks
from tui.core.sync_journal import (
    MACHINE_ID_FILE,
    OUTBOX_PREFIX,
    SEED_TIME,
    Entry,
    SyncJournal,
    SyncNews,
    machine_id,
    parse_entry,
)


class Clock:
    """A clock a test sets; starts at a fixed time (seconds since the epoch)."""

    def __init__(self, now: float = 1_700_000_000.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


class Machine:
    """One krant on one machine: its own state folder and read marks, the shared sync folder."""

    def __init__(self, base: Path, sync: Path, clock: Clock | None = None) -> None:
        self.base, self.sync = base, sync
        self.clock = clock or Clock()
        self.news: list[SyncNews] = []
        self.open()

    def open(self) -> None:
        self.marks = ReadMarks.open(self.base / "posts", self.base / "state")
        self.journal = SyncJournal(
            self.sync, self.base / "state", self.marks, news=self.news.append, clock=self.clock
        )
        self.journal.attach()

    def restart(self) -> None:
        self.journal.stop()
        self.marks.close()
        self.open()

    def sync_now(self) -> SyncNews:
        news = self.journal.sync_now()
        self.news.append(news)
        return news

    def notices(self) -> list[str]:
        return [notice for news in self.news for notice in news.notices]

    def close(self) -> None:
        self.journal.stop()
        self.marks.close()


@pytest.fixture
def sync(tmp_path: Path) -> Path:
    folder = tmp_path / "Sync" / "krant"
    folder.mkdir(parents=True)
    return folder


@pytest.fixture
def two(tmp_path: Path, sync: Path) -> Iterator[tuple[Machine, Machine]]:
    a, b = Machine(tmp_path / "a", sync), Machine(tmp_path / "b", sync)
    yield a, b
    a.close()
    b.close()


def round_trip(*machines: Machine) -> None:
    """Each machine writes what it has, then each reads what the others wrote."""
    for machine in machines:
        machine.sync_now()
    for machine in machines:
        machine.sync_now()


def lines_of(path: Path) -> list[dict[str, object]]:
    return [json.loads(line) for line in path.read_bytes().splitlines() if line.strip()]


# Lines ---------------------------------------------------------------------------------------------


def test_a_line_says_one_change_and_reads_back_as_it() -> None:
    entry = Entry("link:https://example.com/\udce9", "starred", True, 1_700_000_000.123456, "ab" * 16)
    line = entry.line()
    assert line.endswith(b"\n") and line.count(b"\n") == 1
    assert parse_entry(line.rstrip(b"\n")) == entry
    assert json.loads(line) == {
        "key": "link:https://example.com/\udce9",
        "starred": True,
        "time": 1_700_000_000.123456,
        "machine": "ab" * 16,
    }


@pytest.mark.parametrize(
    "line",
    [
        b'{"key": "k", "read": true, "time": 1',  # cut short
        b"[1, 2]",
        b'{"read": true, "time": 1, "machine": "m"}',
        b'{"key": "", "read": true, "time": 1, "machine": "m"}',
        b'{"key": "k", "read": 1, "time": 1, "machine": "m"}',
        b'{"key": "k", "read": true, "starred": true, "time": 1, "machine": "m"}',
        b'{"key": "k", "read": true, "time": "yesterday", "machine": "m"}',
        b'{"key": "k", "read": true, "time": true, "machine": "m"}',
        b'{"key": "k", "read": true, "time": -1, "machine": "m"}',
        b'{"key": "k", "read": true, "time": 1e999, "machine": "m"}',
        b'{"key": "k", "read": true, "time": 1' + b"0" * 400 + b', "machine": "m"}',
        b'{"key": "k", "read": true, "time": 1}',
        b"\xff\xfe not text",
        b"[" * 100_000,
    ],
)
def test_a_line_that_is_not_a_change_is_refused_with_a_reason(line: bytes) -> None:
    with pytest.raises(ValueError):
        parse_entry(line)


@given(st.binary(max_size=300))
def test_any_bytes_are_a_change_or_refused_never_a_crash(line: bytes) -> None:
    try:
        entry = parse_entry(line)
    except ValueError:
        return
    assert entry.kind in ("read", "starred")


# Machine id -------------------------------------------------------------------------------------------


def test_the_machine_id_is_made_once_and_kept(tmp_path: Path) -> None:
    first, notice = machine_id(tmp_path / "state")
    assert notice is None and len(first) == 32
    assert machine_id(tmp_path / "state") == (first, None)
    assert (tmp_path / "state" / MACHINE_ID_FILE).read_text().strip() == first
    assert machine_id(tmp_path / "other")[0] != first


def test_windows_starting_together_agree_on_the_machine_id(tmp_path: Path) -> None:
    ids: list[str] = []
    threads = [threading.Thread(target=lambda: ids.append(machine_id(tmp_path)[0])) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(set(ids)) == 1


def test_a_damaged_machine_id_is_kept_aside_and_a_new_one_made(tmp_path: Path) -> None:
    (tmp_path / MACHINE_ID_FILE).write_text("not an id\n")
    made, notice = machine_id(tmp_path)
    assert notice is None and len(made) == 32
    assert [path.name.startswith(f"{MACHINE_ID_FILE}.corrupt-") for path in tmp_path.iterdir()].count(
        True
    ) == 1


# Two machines ------------------------------------------------------------------------------------------


def test_a_mark_and_a_star_made_on_one_machine_reach_the_other(two: tuple[Machine, Machine]) -> None:
    a, b = two
    a.marks.mark(["link:one"])
    a.marks.star(["link:two"])
    round_trip(a, b)
    assert b.marks.is_read("link:one") and not b.marks.is_read("link:two")
    assert b.marks.is_starred("link:two") and not b.marks.is_starred("link:one")
    assert sum(news.read for news in b.news) == 1 and sum(news.starred for news in b.news) == 1
    b.marks.mark(["link:one"], read=False)
    b.marks.star(["link:two"], starred=False)
    round_trip(b, a)
    assert not a.marks.is_read("link:one") and not a.marks.is_starred("link:two")
    assert a.journal.path != b.journal.path
    assert {path.name for path in a.sync.iterdir()} == {a.journal.path.name, b.journal.path.name}


def test_marks_and_stars_are_the_same_after_both_restart(two: tuple[Machine, Machine]) -> None:
    a, b = two
    a.marks.mark(["link:one", "link:three"])
    a.marks.star(["link:two"])
    b.marks.mark(["link:four"])
    round_trip(a, b, a)
    a.restart()
    b.restart()
    round_trip(a, b)
    for machine in (a, b):
        assert machine.marks.read_keys() == {"link:one", "link:three", "link:four"}
        assert machine.marks.starred_keys() == {"link:two"}


def test_conflicting_changes_resolve_the_same_way_on_both_machines(tmp_path: Path, sync: Path) -> None:
    clock = Clock()
    a, b = Machine(tmp_path / "a", sync, clock), Machine(tmp_path / "b", sync, clock)
    try:
        # Neither has seen the other's change: the later one wins on both.
        a.marks.mark(["link:x"], read=True)
        b.marks.mark(["link:x"], read=True)
        clock.now += 5
        b.marks.mark(["link:x"], read=False)  # the later change
        a.marks.star(["link:x"])
        clock.now += 5
        b.marks.star(["link:x"])
        b.marks.star(["link:x"], starred=False)  # the later change
        round_trip(a, b)
        assert a.marks.is_read("link:x") is b.marks.is_read("link:x") is False
        assert a.marks.is_starred("link:x") is b.marks.is_starred("link:x") is False
        # At the very same time the machine id decides, the same way on both.
        b.marks.mark(["link:y"], read=True)
        clock.now += 5
        a.marks.mark(["link:y"], read=True)
        b.marks.mark(["link:y"], read=False)
        round_trip(a, b)
        assert lines_of(a.journal.path)[-1]["time"] == lines_of(b.journal.path)[-1]["time"]
        winner = a if a.journal.machine > b.journal.machine else b
        assert a.marks.is_read("link:y") is b.marks.is_read("link:y") is winner.marks.is_read("link:y")
        assert a.marks.is_read("link:y") is (winner is a)
    finally:
        a.close()
        b.close()


def test_a_change_made_after_seeing_another_wins_even_with_a_clock_behind(tmp_path: Path, sync: Path) -> None:
    a, b = (
        Machine(tmp_path / "a", sync, Clock(2_000_000_000.0)),
        Machine(tmp_path / "b", sync, Clock(1_000.0)),
    )
    try:
        a.marks.mark(["link:x"])
        round_trip(a, b)
        assert b.marks.is_read("link:x")
        b.marks.mark(["link:x"], read=False)  # b's clock is years behind a's
        round_trip(b, a)
        assert not a.marks.is_read("link:x") and not b.marks.is_read("link:x")
    finally:
        a.close()
        b.close()


def test_the_journal_follows_live_in_its_thread_woken_by_the_file_system(tmp_path: Path, sync: Path) -> None:
    (sync / ("0" * 32 + ".jsonl")).write_bytes(b"damaged\n")  # each first look has a notice to tell
    a, b = Machine(tmp_path / "a", sync), Machine(tmp_path / "b", sync)
    told = {name: threading.Event() for name in ("a", "b")}
    for name, machine in (
        ("a", a),
        ("b", b),
    ):  # polled only every ten minutes: what comes sooner, inotify told
        machine.journal = SyncJournal(
            sync,
            machine.base / "state",
            machine.marks,
            news=lambda news, name=name: told[name].set(),
            poll_seconds=600,
        )
        machine.journal.attach()
        machine.journal.start()
    try:
        assert told["a"].wait(15) and told["b"].wait(15)  # watching from before the first look
        told["b"].clear()
        a.marks.mark(["link:live"])
        assert told["b"].wait(15) and b.marks.is_read("link:live")
        told["b"].clear()
        delivered = sync / ".syncthing.tmp"  # a sync tool delivers another machine's journal by a rename
        delivered.write_bytes(Entry("link:renamed", "read", True, 1.0, "f" * 32).line())
        os.replace(delivered, sync / ("f" * 32 + ".jsonl"))
        assert told["b"].wait(15) and b.marks.is_read("link:renamed")
    finally:
        a.close()
        b.close()


# Damaged and half-synced journals ----------------------------------------------------------------------


def test_a_cut_line_waits_until_it_is_whole(two: tuple[Machine, Machine]) -> None:
    a, b = two
    a.marks.mark(["link:one", "link:two"])
    a.sync_now()
    whole = a.journal.path.read_bytes()
    cut = whole.rindex(b'"machine"')  # the sync tool has delivered the second line only in part
    b.sync.joinpath("c" * 32 + ".jsonl").write_bytes(whole[:cut])
    a.journal.path.unlink()
    b.sync_now()
    assert b.marks.is_read("link:one") and not b.marks.is_read("link:two")
    assert b.notices() == []
    with b.sync.joinpath("c" * 32 + ".jsonl").open("ab") as rest:
        rest.write(whole[cut:])
    b.sync_now()
    assert b.marks.is_read("link:two")
    assert b.notices() == []


def test_a_damaged_line_is_skipped_with_one_notice_and_read_when_mended(two: tuple[Machine, Machine]) -> None:
    a, b = two
    a.marks.mark(["link:one", "link:two", "link:three"])
    a.sync_now()
    lines = a.journal.path.read_bytes().splitlines(keepends=True)
    damaged = b"".join([lines[0], b'{"key": "link:two", "read": tr\x00\x00\n', lines[2]])
    other = b.sync / ("d" * 32 + ".jsonl")
    other.write_bytes(damaged)
    a.journal.path.unlink()
    b.sync_now()
    assert b.marks.read_keys() == {"link:one", "link:three"}
    [notice] = b.notices()
    assert f"{other.name} line 2" in notice
    with other.open("ab") as more:  # the file grows: the damaged line is not told of again
        more.write(Entry("link:four", "read", True, 1.0, "d" * 32).line())
    b.sync_now()
    assert b.marks.is_read("link:four") and len(b.notices()) == 1
    mended = other.with_name(".sync-tool.tmp")  # the sync tool delivers a whole copy by a rename
    mended.write_bytes(b"".join(lines))
    os.replace(mended, other)
    b.sync_now()
    assert b.marks.is_read("link:two") and len(b.notices()) == 1


def test_a_journal_that_shrank_or_was_replaced_is_read_again(two: tuple[Machine, Machine]) -> None:
    a, b = two
    other = b.sync / ("e" * 32 + ".jsonl")
    other.write_bytes(b"".join(Entry(f"link:{n}", "read", True, 1.0, "e" * 32).line() for n in range(5)))
    b.sync_now()
    assert len(b.marks.read_keys()) == 5
    other.write_bytes(Entry("link:0", "read", False, 2.0, "e" * 32).line())  # shorter, same file
    b.sync_now()
    assert not b.marks.is_read("link:0") and len(b.marks.read_keys()) == 4


def test_a_cut_last_line_of_its_own_journal_does_not_spoil_the_next(two: tuple[Machine, Machine]) -> None:
    a, b = two
    a.marks.mark(["link:one"])
    a.sync_now()
    with a.journal.path.open("ab") as journal:  # krant was killed mid-write
        journal.write(b'{"key": "link:lost", "re')
    a.marks.mark(["link:two"])
    a.sync_now()
    b.sync_now()
    assert b.marks.read_keys() == {"link:one", "link:two"}
    assert len(b.notices()) == 1 and "line 2" in b.notices()[0]


# First use, and a sync folder that cannot be used ---------------------------------------------------------


def test_marks_from_before_syncing_are_shared_but_lose_to_any_real_change(tmp_path: Path, sync: Path) -> None:
    with ReadMarks.open(tmp_path / "a" / "posts", tmp_path / "a" / "state") as old:
        old.mark(["link:old", "link:unread-elsewhere"])
    b = Machine(tmp_path / "b", sync)
    b.marks.mark(["link:unread-elsewhere"])
    b.marks.mark(["link:unread-elsewhere"], read=False)  # a real change, long before a meets the journal
    b.sync_now()
    a = Machine(tmp_path / "a", sync, Clock(2_000_000_000.0))
    try:
        round_trip(a, b)
        seeds = [line for line in lines_of(a.journal.path) if line["time"] == SEED_TIME]
        assert [line["key"] for line in seeds] == ["link:old"]
        for machine in (a, b):
            assert machine.marks.read_keys() == {"link:old"}
        a.restart()
        a.sync_now()
        assert len(lines_of(a.journal.path)) == 1  # journalled once, not at every start
    finally:
        a.close()
        b.close()


def test_without_its_sync_folder_krant_keeps_marks_and_sends_them_later(tmp_path: Path) -> None:
    sync = tmp_path / "Sync" / "krant"  # ~/Sync not there yet (a sync tool not set up, a disk not mounted)
    a, b = Machine(tmp_path / "a", sync), Machine(tmp_path / "b", sync)
    try:
        a.marks.mark(["link:one"])
        a.sync_now()
        a.marks.mark(["link:two"])
        a.sync_now()
        assert a.marks.read_keys() == {"link:one", "link:two"}  # the store works as ever
        [notice] = a.notices()
        assert str(sync) in notice and "cannot be used" in notice
        assert not sync.parent.exists()
        a.restart()  # the changes wait in the outbox in the state folder, across a restart
        assert any(path.name.startswith(OUTBOX_PREFIX) for path in (tmp_path / "a" / "state").iterdir())
        sync.parent.mkdir()
        round_trip(a, b)
        assert b.marks.read_keys() == {"link:one", "link:two"}
        assert not any(
            path.name.startswith(OUTBOX_PREFIX) and path.stat().st_size
            for path in (tmp_path / "a" / "state").iterdir()
        )
        assert [line["key"] for line in lines_of(a.journal.path)] == ["link:one", "link:two"]
    finally:
        a.close()
        b.close()


def test_a_journal_that_cannot_be_written_is_told_once_and_tried_again(two: tuple[Machine, Machine]) -> None:
    a, b = two
    a.journal.path.mkdir()  # the folder can be read, but krant's own journal cannot be written
    a.marks.mark(["link:one"])
    a.sync_now()
    a.marks.mark(["link:two"])
    a.sync_now()
    b.sync_now()
    assert len(a.notices()) == 1 and "cannot be used" in a.notices()[0]
    assert b.marks.read_keys() == set()
    a.journal.path.rmdir()
    a.sync_now()
    b.sync_now()
    assert b.marks.read_keys() == {"link:one", "link:two"}
    assert "can be used again" in a.notices()[-1] and len(a.notices()) == 2


# The store's side ---------------------------------------------------------------------------------------


def test_the_store_tells_of_its_own_changes_only_and_keeps_remote_ones(tmp_path: Path) -> None:
    told: list[tuple[dict[str, bool], dict[str, bool]]] = []
    with ReadMarks.open(tmp_path / "posts", tmp_path / "state") as marks:
        marks.on_change = lambda read, starred: told.append((read, starred))
        marks.mark(["link:a", "link:b"])
        marks.mark(["link:a"])  # no change: nothing to tell
        marks.toggle("link:b")
        marks.star(["link:c"])
        marks.apply_remote({"link:d": True, "link:a": False}, {"link:e": True})
        assert told == [
            ({"link:a": True, "link:b": True}, {}),
            ({"link:b": False}, {}),
            ({}, {"link:c": True}),
        ]
        assert marks.read_keys() == {"link:d"} and marks.starred_keys() == {"link:c", "link:e"}
    with ReadMarks.open(tmp_path / "posts", tmp_path / "state") as again:
        assert again.read_keys() == {"link:d"}


def test_a_first_look_larger_than_a_chunk_applies_every_mark(
    two: tuple[Machine, Machine], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("tui.core.sync_journal.APPLY_CHUNK", 3)
    a, b = two
    keys = [f"link:{number}" for number in range(10)]
    a.marks.mark(keys)
    a.marks.star(keys[:7])
    round_trip(a, b)
    assert b.marks.read_keys() == set(keys) and b.marks.starred_keys() == set(keys[:7])
    assert sum(news.read for news in b.news) == 10 and sum(news.starred for news in b.news) == 7


def test_an_error_in_the_thread_is_told_once_logged_and_the_thread_goes_on(
    two: tuple[Machine, Machine], monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    a, b = two
    apply = b.marks.apply_remote
    failures = iter([RuntimeError("disk on fire"), RuntimeError("again")])

    def failing(read: dict[str, bool], starred: dict[str, bool]) -> None:
        error = next(failures, None)
        if error is not None:
            raise error
        apply(read, starred)

    monkeypatch.setattr(b.marks, "apply_remote", failing)
    told: list[SyncNews] = []
    arrived = threading.Event()
    b.journal._news = lambda news: (told.append(news), news.read and arrived.set())
    a.marks.mark(["link:one"])
    a.sync_now()
    b.journal._poll_seconds = 0.05
    b.journal.start()
    assert arrived.wait(15) and b.marks.is_read("link:one")
    errors = [notice for news in told for notice in news.notices]
    assert errors == ["Syncing read marks hit an error (disk on fire); krant goes on."]
    assert "sync journal round failed" in caplog.text and "disk on fire" in caplog.text
