"""The folder watcher, with real files and watchdog's real observers: what each kind of writer ends up as."""

from __future__ import annotations

import errno
import os
import shutil
import subprocess
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tui.core import watcher as watch
from tui.core.post import Post
from tui.core.reading import read_post
from tui.core.watcher import FolderChanges, FolderWatcher

TIMEOUT = 30.0


def post_text(title: str, body: str = "Body.") -> str:
    return f"---\ntitle: {title}\ndate: 2024-01-02 03:04:05\ncategories: [news]\n---\n<p>{body}</p>\n"


def wait_until(condition: Callable[[], bool], timeout: float = TIMEOUT) -> bool:
    """Poll a condition until it holds or the (generous) timeout passes."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.02)
    return condition()


class Recorder:
    """Collects batches, and what each changed file read as at the moment it was reported."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.batches: list[FolderChanges] = []
        self.reads: dict[Path, list[object]] = {}
        self._lock = threading.Lock()

    def __call__(self, changes: FolderChanges) -> None:
        reads = {path: read_post(path, self.root) for path in changes.changed}
        with self._lock:
            self.batches.append(changes)
            for path, result in reads.items():
                self.reads.setdefault(path, []).append(result)

    def changed(self) -> set[Path]:
        with self._lock:
            return {path for batch in self.batches for path in batch.changed}

    def removed(self) -> set[Path]:
        with self._lock:
            return {path for batch in self.batches for path in batch.removed}

    def mentioned(self) -> set[Path]:
        return self.changed() | self.removed()

    def last_title(self, path: Path) -> str | None:
        with self._lock:
            results = self.reads.get(path, [])
        last = results[-1] if results else None
        return last.title if isinstance(last, Post) else None

    def wait_changed(self, *paths: Path) -> None:
        assert wait_until(lambda: set(paths) <= self.changed()), (
            f"not reported: {set(paths) - self.changed()}"
        )

    def wait_removed(self, *paths: Path) -> None:
        assert wait_until(lambda: set(paths) <= self.removed()), (
            f"not reported: {set(paths) - self.removed()}"
        )

    def wait_batch(self, condition: Callable[[FolderChanges], bool]) -> FolderChanges:
        def found() -> FolderChanges | None:
            with self._lock:
                return next((batch for batch in self.batches if condition(batch)), None)

        assert wait_until(lambda: found() is not None), f"no such batch in {self.batches}"
        batch = found()
        assert batch is not None
        return batch


@pytest.fixture
def root(tmp_path: Path) -> Path:
    folder = tmp_path / "posts"
    folder.mkdir()
    return folder


@pytest.fixture
def outside(tmp_path: Path) -> Path:
    """A folder next to the posts folder, on the same file system, for cp and mv."""
    folder = tmp_path / "outside"
    folder.mkdir()
    return folder


@pytest.fixture(params=["native", "polling"])
def watched(request: pytest.FixtureRequest, root: Path) -> Iterator[tuple[FolderWatcher, Recorder]]:
    recorder = Recorder(root)
    watcher = FolderWatcher(root, recorder, poll=request.param == "polling", poll_interval=0.1)
    assert watcher.start() is None
    assert watcher.mode == request.param
    yield watcher, recorder
    watcher.stop()


@pytest.fixture
def native(root: Path) -> Iterator[tuple[FolderWatcher, Recorder]]:
    recorder = Recorder(root)
    watcher = FolderWatcher(root, recorder, poll_interval=0.2, unclosed_after=60)
    assert watcher.start() is None
    assert watcher.mode == "native"
    yield watcher, recorder
    watcher.stop()


# Writers ------------------------------------------------------------------------------------


def test_a_plain_write_is_reported_once_it_is_complete(watched, root: Path) -> None:
    _watcher, recorder = watched
    path = root / "2024-01-02-hello.md"
    path.write_text(post_text("Hello"))
    recorder.wait_changed(path)
    assert recorder.last_title(path) == "Hello"


def test_a_half_written_file_waits_for_its_close(native, root: Path) -> None:
    _watcher, recorder = native
    slow = root / "slow.md"
    marker = root / "marker.md"
    with slow.open("w") as handle:
        handle.write("---\ntitle: Slow\n")
        handle.flush()
        # Events arrive in order: by the time the later file is reported, the open one's writes were seen.
        marker.write_text(post_text("Marker"))
        recorder.wait_changed(marker)
        assert slow not in recorder.changed()
        handle.write("date: 2024-01-02\n---\nbody\n")
    recorder.wait_changed(slow)
    assert recorder.last_title(slow) == "Slow"


def test_a_file_written_slowly_ends_as_its_final_content(watched, root: Path) -> None:
    _watcher, recorder = watched
    path = root / "growing.md"
    text = post_text("Grown in pieces", "x" * 2000)
    with path.open("w") as handle:
        for start in range(0, len(text), len(text) // 8):
            handle.write(text[start : start + len(text) // 8])
            handle.flush()
            time.sleep(0.12)  # the writer is slow; nothing is asserted about time
    assert wait_until(lambda: recorder.last_title(path) == "Grown in pieces")


def test_a_file_left_open_is_read_once_it_goes_quiet(root: Path) -> None:
    recorder = Recorder(root)
    watcher = FolderWatcher(root, recorder, unclosed_after=0.3)
    watcher.start()
    try:
        path = root / "open.md"
        with path.open("w") as handle:
            handle.write(post_text("Kept open"))
            handle.flush()
            recorder.wait_changed(path)
            assert recorder.last_title(path) == "Kept open"
    finally:
        watcher.stop()


def test_write_to_a_temporary_name_then_rename(watched, root: Path) -> None:
    _watcher, recorder = watched
    path = root / "atomic.md"
    for temporary in (root / ".atomic.md.tmp", root / "atomic.md.tmp", root / ".#atomic.md"):
        temporary.write_text(post_text(f"Via {temporary.name}"))
        os.replace(temporary, path)
        assert wait_until(lambda t=temporary: recorder.last_title(path) == f"Via {t.name}")
    assert recorder.mentioned() == {path}


def test_cp_into_the_folder(watched, root: Path, outside: Path) -> None:
    _watcher, recorder = watched
    source = outside / "copied.md"
    source.write_text(post_text("Copied"))
    subprocess.run(["cp", str(source), str(root)], check=True)
    recorder.wait_changed(root / "copied.md")
    assert recorder.last_title(root / "copied.md") == "Copied"


def test_mv_into_the_folder(watched, root: Path, outside: Path) -> None:
    _watcher, recorder = watched
    source = outside / "moved.md"
    source.write_text(post_text("Moved in"))
    subprocess.run(["mv", str(source), str(root)], check=True)
    recorder.wait_changed(root / "moved.md")
    assert recorder.last_title(root / "moved.md") == "Moved in"


def test_mv_out_of_the_folder_is_a_removal(watched, root: Path, outside: Path) -> None:
    watcher, recorder = watched
    path = root / "leaving.md"
    path.write_text(post_text("Leaving"))
    recorder.wait_changed(path)
    os.rename(path, outside / "leaving.md")
    recorder.wait_removed(path)


def test_a_modification_is_reported_again(watched, root: Path) -> None:
    _watcher, recorder = watched
    path = root / "edited.md"
    path.write_text(post_text("First"))
    assert wait_until(lambda: recorder.last_title(path) == "First")
    path.write_text(post_text("Second, longer"))
    assert wait_until(lambda: recorder.last_title(path) == "Second, longer")


@pytest.mark.parametrize("new_name", ["renamed.md", "sub/renamed.md"])
def test_a_rename_reports_old_and_new_path_in_one_batch(watched, root: Path, new_name: str) -> None:
    _watcher, recorder = watched
    (root / "sub").mkdir()
    old = root / "old.md"
    old.write_text(post_text("Renamed"))
    recorder.wait_changed(old)
    new = root / new_name
    os.rename(old, new)
    batch = recorder.wait_batch(lambda batch: new in batch.changed)
    assert old in batch.removed
    assert new not in batch.removed and old not in batch.changed


def test_a_deletion_is_reported(watched, root: Path) -> None:
    _watcher, recorder = watched
    path = root / "doomed.md"
    path.write_text(post_text("Doomed"))
    recorder.wait_changed(path)
    path.unlink()
    recorder.wait_removed(path)


def test_links_are_reported(native, root: Path, outside: Path) -> None:
    _watcher, recorder = native
    target = outside / "target.md"
    target.write_text(post_text("Linked"))
    os.link(target, root / "hard.md")
    (root / "soft.md").symlink_to(target)
    recorder.wait_changed(root / "hard.md", root / "soft.md")


# Folders ------------------------------------------------------------------------------------


def test_files_in_new_subfolders_are_not_missed(watched, root: Path) -> None:
    _watcher, recorder = watched
    paths = []
    for depth in range(1, 6):
        folder = root.joinpath(*[f"level{level}" for level in range(depth)])
        folder.mkdir(parents=True, exist_ok=True)
        paths.append(folder / f"post{depth}.md")
        paths[-1].write_text(post_text(f"Depth {depth}"))
    recorder.wait_changed(*paths)
    later = root / "level0" / "level1" / "later.md"
    later.write_text(post_text("Later"))
    recorder.wait_changed(later)


def test_a_folder_moved_in_brings_its_files(watched, root: Path, outside: Path) -> None:
    _watcher, recorder = watched
    (outside / "bundle" / "inner").mkdir(parents=True)
    files = [outside / "bundle" / "a.md", outside / "bundle" / "inner" / "b.md"]
    for path in files:
        path.write_text(post_text(path.stem))
    os.rename(outside / "bundle", root / "bundle")
    recorder.wait_changed(root / "bundle" / "a.md", root / "bundle" / "inner" / "b.md")


def test_a_folder_renamed_inside_moves_its_files(watched, root: Path) -> None:
    _watcher, recorder = watched
    (root / "before").mkdir()
    (root / "before" / "a.md").write_text(post_text("A"))
    recorder.wait_changed(root / "before" / "a.md")
    os.rename(root / "before", root / "after")
    recorder.wait_changed(root / "after" / "a.md")
    assert wait_until(lambda: recorder.removed() & {root / "before", root / "before" / "a.md"})


def test_a_hidden_folder_renamed_to_a_visible_one_is_read(watched, root: Path) -> None:
    _watcher, recorder = watched
    (root / ".staging").mkdir()
    (root / ".staging" / "a.md").write_text(post_text("Staged"))
    os.rename(root / ".staging", root / "published")
    recorder.wait_changed(root / "published" / "a.md")
    assert not any(".staging" in path.parts for path in recorder.mentioned())


def test_a_deleted_subfolder_is_reported(watched, root: Path) -> None:
    _watcher, recorder = watched
    (root / "gone").mkdir()
    (root / "gone" / "a.md").write_text(post_text("A"))
    recorder.wait_changed(root / "gone" / "a.md")
    shutil.rmtree(root / "gone")
    assert wait_until(lambda: bool(recorder.removed() & {root / "gone", root / "gone" / "a.md"}))


def test_editor_leftovers_and_hidden_files_are_ignored(watched, root: Path) -> None:
    _watcher, recorder = watched
    (root / ".hidden").mkdir()
    ignored = [
        root / ".post.md.swp",
        root / ".post.md.swx",
        root / "post.md~",
        root / "#post.md#",
        root / "post.md.tmp",
        root / "post.md.part",
        root / ".hidden.md",
        root / "notes.json",
        root / ".hidden" / "inside.md",
    ]
    for path in ignored:
        path.write_text(post_text("Ignored"))
    for path in ignored:
        path.unlink()
    marker = root / "marker.md"
    marker.write_text(post_text("Marker"))
    recorder.wait_changed(marker)
    assert recorder.mentioned() == {marker}


def test_a_thousand_files_at_once_come_in_a_few_batches(watched, root: Path) -> None:
    _watcher, recorder = watched
    paths = [root / f"2024-01-01-burst-{number:04}.md" for number in range(1000)]
    for path in paths:
        path.write_text(post_text(path.stem))
    recorder.wait_changed(*paths)
    assert len(recorder.batches) <= 40  # one per file would be 1,000
    assert all(isinstance(recorder.reads[path][-1], Post) for path in paths)


# The folder itself --------------------------------------------------------------------------


def test_the_folder_deleted_and_created_again(watched, root: Path) -> None:
    watcher, recorder = watched
    (root / "a.md").write_text(post_text("A"))
    recorder.wait_changed(root / "a.md")
    shutil.rmtree(root)
    missing = recorder.wait_batch(lambda batch: batch.root_missing)
    assert missing.removed == {root} and not missing.changed
    root.mkdir()
    (root / "b.md").write_text(post_text("B"))
    recorder.wait_batch(lambda batch: batch.rescan)
    assert recorder.batches.index(missing) < next(i for i, b in enumerate(recorder.batches) if b.rescan)
    later = root / "c.md"
    later.write_text(post_text("C"))
    recorder.wait_changed(later)


def test_the_folder_moved_away_is_missing(watched, root: Path, outside: Path) -> None:
    _watcher, recorder = watched
    os.rename(root, outside / "elsewhere")
    recorder.wait_batch(lambda batch: batch.root_missing)


def test_the_folder_replaced_by_another_is_read_again(watched, root: Path, outside: Path) -> None:
    _watcher, recorder = watched
    (outside / "replacement").mkdir()
    (outside / "replacement" / "new.md").write_text(post_text("New"))
    os.rename(root, outside / "old")
    os.rename(outside / "replacement", root)
    recorder.wait_batch(lambda batch: batch.rescan)
    (root / "newer.md").write_text(post_text("Newer"))
    recorder.wait_changed(root / "newer.md")


def test_a_folder_that_does_not_exist_yet(tmp_path: Path) -> None:
    root = tmp_path / "not-yet"
    recorder = Recorder(root)
    watcher = FolderWatcher(root, recorder, poll_interval=0.1)
    try:
        assert watcher.start() is None
        recorder.wait_batch(lambda batch: batch.root_missing)
        root.mkdir()
        recorder.wait_batch(lambda batch: batch.rescan)
        (root / "a.md").write_text(post_text("A"))
        recorder.wait_changed(root / "a.md")
    finally:
        watcher.stop()


def test_paths_keep_the_roots_form_through_a_symlink(tmp_path: Path, root: Path) -> None:
    link = tmp_path / "link"
    link.symlink_to(root, target_is_directory=True)
    recorder = Recorder(link)
    watcher = FolderWatcher(link, recorder)
    watcher.start()
    try:
        (root / "a.md").write_text(post_text("A"))
        recorder.wait_changed(link / "a.md")
    finally:
        watcher.stop()


# Falling back to polling --------------------------------------------------------------------


def test_falls_back_to_polling_when_native_watching_fails(monkeypatch, root: Path) -> None:
    def no_watches(*_args: object) -> None:
        raise OSError(errno.ENOSPC, "inotify watch limit reached")

    monkeypatch.setattr(watch, "native_observer", no_watches)
    recorder = Recorder(root)
    watcher = FolderWatcher(root, recorder, poll_interval=0.1)
    notice = watcher.start()
    try:
        assert notice is not None and "poll the folder" in notice and "max_user_watches" in notice
        assert "\n" not in notice
        assert watcher.mode == "polling"
        (root / "a.md").write_text(post_text("A"))
        recorder.wait_changed(root / "a.md")
    finally:
        watcher.stop()


def test_a_watch_limit_on_a_new_subfolder_switches_to_polling(monkeypatch, root: Path) -> None:
    from watchdog.observers.inotify_c import InotifyFD

    real = InotifyFD._get_or_create_watch

    def limited(self: InotifyFD, path: bytes, mask: int) -> object:
        if path.endswith(b"limited"):
            raise OSError(errno.ENOSPC, "inotify watch limit reached")
        return real(self, path, mask)

    monkeypatch.setattr(InotifyFD, "_get_or_create_watch", limited)
    recorder = Recorder(root)
    watcher = FolderWatcher(root, recorder, poll_interval=0.1)
    assert watcher.start() is None
    try:
        (root / "limited").mkdir()
        switched = recorder.wait_batch(lambda batch: batch.notice is not None)
        assert switched.rescan and "max_user_watches" in (switched.notice or "")
        assert watcher.mode == "polling"
        (root / "limited" / "a.md").write_text(post_text("A"))
        recorder.wait_changed(root / "limited" / "a.md")
    finally:
        watcher.stop()


def test_a_limit_on_an_existing_subfolder_at_start_polls_from_the_start(monkeypatch, root: Path) -> None:
    from watchdog.observers.inotify_c import InotifyFD

    (root / "limited").mkdir()
    real = InotifyFD._get_or_create_watch

    def limited(self: InotifyFD, path: bytes, mask: int) -> object:
        if path.endswith(b"limited"):
            raise OSError(errno.EMFILE, "inotify instance limit reached")
        return real(self, path, mask)

    monkeypatch.setattr(InotifyFD, "_get_or_create_watch", limited)
    watcher = FolderWatcher(root, Recorder(root), poll_interval=0.1)
    try:
        notice = watcher.start()
        assert notice is not None and "max_user_instances" in notice
        assert watcher.mode == "polling"
    finally:
        watcher.stop()


def test_lost_events_ask_for_a_rescan(monkeypatch, root: Path) -> None:
    from watchdog.observers.inotify_c import InotifyConstants, InotifyEvent, InotifyFD

    real = InotifyFD.read_events

    def overflowing(self: InotifyFD, **kwargs: int) -> list[InotifyEvent]:
        events = real(self, **kwargs)
        if any(event.name == b"overflow.md" for event in events):
            events.append(InotifyEvent(-1, InotifyConstants.IN_Q_OVERFLOW, 0, b""))
        return events

    monkeypatch.setattr(InotifyFD, "read_events", overflowing)
    recorder = Recorder(root)
    watcher = FolderWatcher(root, recorder)
    watcher.start()
    try:
        (root / "overflow.md").write_text(post_text("Overflow"))
        recorder.wait_batch(lambda batch: batch.rescan)
        (root / "after.md").write_text(post_text("After"))
        recorder.wait_changed(root / "after.md")
    finally:
        watcher.stop()


# Stopping -----------------------------------------------------------------------------------


def test_stop_leaves_no_thread_and_no_callback(root: Path) -> None:
    before = set(threading.enumerate())
    recorder = Recorder(root)
    watcher = FolderWatcher(root, recorder)
    watcher.start()
    (root / "a.md").write_text(post_text("A"))
    recorder.wait_changed(root / "a.md")
    assert set(threading.enumerate()) - before, "the watcher runs threads of its own"
    watcher.stop()
    assert set(threading.enumerate()) - before == set()
    count = len(recorder.batches)
    (root / "b.md").write_text(post_text("B"))
    time.sleep(0.3)  # gives a wrongly running watcher time to call back
    assert len(recorder.batches) == count
    watcher.stop()


@pytest.mark.parametrize("poll", [False, True])
def test_stop_before_any_event_and_twice(root: Path, poll: bool) -> None:
    before = set(threading.enumerate())
    watcher = FolderWatcher(root, Recorder(root), poll=poll)
    watcher.start()
    watcher.stop()
    watcher.stop()
    assert set(threading.enumerate()) - before == set()


def test_stop_from_inside_the_callback(root: Path) -> None:
    before = set(threading.enumerate())
    calls: list[FolderChanges] = []
    watcher: FolderWatcher

    def stop_now(changes: FolderChanges) -> None:
        calls.append(changes)
        watcher.stop()

    watcher = FolderWatcher(root, stop_now)
    watcher.start()
    (root / "a.md").write_text(post_text("A"))
    assert wait_until(lambda: set(threading.enumerate()) - before == set())
    assert len(calls) == 1


def test_a_failing_callback_does_not_end_live_updates(root: Path) -> None:
    seen: list[FolderChanges] = []

    def flaky(changes: FolderChanges) -> None:
        seen.append(changes)
        if len(seen) == 1:
            raise ValueError("the app's callback failed")

    watcher = FolderWatcher(root, flaky)
    watcher.start()
    try:
        (root / "a.md").write_text(post_text("A"))
        assert wait_until(lambda: len(seen) == 1)
        (root / "b.md").write_text(post_text("B"))
        assert wait_until(lambda: any(root / "b.md" in batch.changed for batch in seen))
    finally:
        watcher.stop()



class _RefusingOs:
    """The `os` module as the watcher sees it, but looking at `refused` fails for want of permission (as
    in a folder made unreadable: root, who runs CI, may look anywhere, so chmod would prove nothing)."""

    def __init__(self) -> None:
        self.refused: set[str] = set()

    def lstat(self, path, *arguments, **keywords):  # type: ignore[no-untyped-def]
        if os.fspath(path) in self.refused:
            raise PermissionError(errno.EACCES, "Permission denied", os.fspath(path))
        return os.lstat(path, *arguments, **keywords)

    def __getattr__(self, name: str) -> object:
        return getattr(os, name)


def test_a_path_that_cannot_be_checked_is_checked_again_never_taken_for_removed(
    watched, root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    watcher, recorder = watched
    refusing = _RefusingOs()
    monkeypatch.setattr(watch, "os", refusing)
    path = root / "2024-01-02-tijdens.md"
    refusing.refused.add(os.fspath(path))
    path.write_text(post_text("Tijdens"))
    assert wait_until(lambda: path in watcher._uncheckable)  # seen, and not known to be there or gone
    assert path not in recorder.mentioned()
    refusing.refused.clear()  # the folder may be read again
    recorder.wait_changed(path)
    assert path not in recorder.removed()
    assert recorder.last_title(path) == "Tijdens"
