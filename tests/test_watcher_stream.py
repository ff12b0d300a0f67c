"""A library kept up to date only by the watcher, while writers of every kind work on the folder, ends
exactly where a fresh load of the folder is."""

from __future__ import annotations

import os
import random
import shutil
import threading
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from tui.core.library import Library
from tui.core.reading import read_post
from tui.core.watcher import FolderChanges, FolderWatcher

FOLDERS = ["", "", "news/_posts", "world", "deep/a/b"]
CATEGORIES = ["news", "world", "sport", "tech", "culture"]


def post_text(rng: random.Random, title: str) -> str:
    day = rng.randrange(1, 28)
    categories = rng.sample(CATEGORIES, rng.randrange(1, 3))
    body = "<p>" + "Lorem ipsum dolor sit amet. " * rng.randrange(1, 40) + "</p>"
    return f"---\ntitle: {title}\ndate: 2024-03-{day:02} 10:00:00\ncategories: {categories}\n---\n{body}\n"


def snapshot(library: Library) -> list[tuple[object, ...]]:
    """What a reader sees of a library: each post's path, title, date and categories, and the problems."""
    posts = [(post.path, post.title, post.date, post.categories) for post in library.posts]
    problems = [(problem.path, problem.reason) for problem in library.problems]
    return [*posts, ("problems", problems), ("categories", library.categories())]


class Writers:
    """Writes, rewrites, renames and deletes posts with a mix of writers, like people and tools do."""

    def __init__(self, root: Path, outside: Path, seed: int) -> None:
        self.root = root
        self.outside = outside
        self.rng = random.Random(seed)
        self.mine: list[Path] = []
        self.count = 0

    def new_path(self) -> Path:
        self.count += 1
        folder = self.root / self.rng.choice(FOLDERS)
        if self.rng.random() < 0.05:
            folder = folder / f"new{self.count}"  # a folder made and written into at once
        folder.mkdir(parents=True, exist_ok=True)
        return folder / f"2024-03-01-post-{self.count}.{self.rng.choice(['md', 'html', 'markdown'])}"

    def write(self, path: Path, text: str) -> None:
        how = self.rng.choice(["plain", "temporary", "cp", "mv"])
        if how == "plain":
            path.write_text(text)
        elif how == "temporary":
            temporary = path.with_name(self.rng.choice([f".{path.name}.tmp", f"{path.name}.tmp"]))
            temporary.write_text(text)
            os.replace(temporary, path)
        else:
            source = self.outside / f"staged-{self.count}-{path.name}"
            source.write_text(text)
            if how == "cp":
                shutil.copyfile(source, path)
                source.unlink()
            else:
                os.rename(source, path)

    def step(self) -> None:
        choice = self.rng.random()
        if choice < 0.5 or len(self.mine) < 5:
            path = self.new_path()
            self.write(path, post_text(self.rng, f"Post {self.count}"))
            self.mine.append(path)
        elif choice < 0.7:
            path = self.rng.choice(self.mine)
            self.count += 1
            self.write(path, post_text(self.rng, f"Rewritten {self.count}"))
        elif choice < 0.85:
            old = self.mine.pop(self.rng.randrange(len(self.mine)))
            new = self.new_path()
            os.rename(old, new)
            self.mine.append(new)
        else:
            self.mine.pop(self.rng.randrange(len(self.mine))).unlink()

    def run(self, steps: int, pause: float) -> None:
        for _ in range(steps):
            self.step()
            time.sleep(pause)  # tens of changes a second, not all at once


def slow_writes(root: Path, count: int, seed: int) -> None:
    """Posts that grow over half a second or more, a piece at a time, as a slow network copy would."""
    rng = random.Random(seed)
    (root / "slow").mkdir(exist_ok=True)
    for number in range(count):
        text = post_text(rng, f"Slow {number}")
        pieces = rng.randrange(5, 10)
        size = len(text) // pieces + 1
        with (root / "slow" / f"slow-{number}.md").open("w") as handle:
            for start in range(0, len(text), size):
                handle.write(text[start : start + size])
                handle.flush()
                time.sleep(0.1)


def wait_until(condition: Callable[[], bool], timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.2)
    return condition()


@pytest.mark.parametrize(("poll", "steps"), [(False, 300), (True, 120)], ids=["native", "polling"])
def test_a_library_kept_by_the_watcher_ends_like_a_fresh_load(tmp_path: Path, poll: bool, steps: int) -> None:
    root = tmp_path / "posts"
    outside = tmp_path / "outside"
    root.mkdir()
    outside.mkdir()
    writers = Writers(root, outside, seed=7)
    for _ in range(20):
        writers.step()

    lock = threading.Lock()
    held: dict[str, Library] = {}
    batches: list[FolderChanges] = []

    def on_changes(changes: FolderChanges) -> None:
        """What the app does: read in the watcher's thread, then apply (there, via a Message)."""
        results = [read_post(path, root) for path in sorted(changes.changed)]
        fresh = Library.read_folder(root) if changes.rescan else None
        with lock:
            batches.append(changes)
            if fresh is not None:
                held["library"] = fresh
                return
            held["library"].remove(changes.removed)
            held["library"].apply(results)

    watcher = FolderWatcher(root, on_changes, poll=poll, poll_interval=0.2)
    watcher.start()
    with lock:
        held["library"] = Library.read_folder(root)
    try:
        slow = threading.Thread(target=slow_writes, args=(root, 8, 11))
        slow.start()
        writers.run(steps, pause=0.02)
        slow.join()

        def settled() -> bool:
            expected = snapshot(Library.read_folder(root))
            with lock:
                return snapshot(held["library"]) == expected

        settled_in_time = wait_until(settled, timeout=30)
    finally:
        watcher.stop()

    fresh = Library.read_folder(root)
    assert len(fresh) > steps // 4
    assert fresh.problems == []
    with lock:
        kept = held["library"]
    assert settled_in_time, (
        f"missing: {sorted(str(p.path) for p in set(fresh.posts) - set(kept.posts))}\n"
        f"stale: {sorted(str(p.path) for p in set(kept.posts) - set(fresh.posts))}\n"
        f"problems: {kept.problems}"
    )
    assert snapshot(kept) == snapshot(fresh)
    assert len(batches) < steps  # changes were coalesced, not reported one by one
