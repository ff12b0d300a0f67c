"""A stream of changes through the running app: hundreds of posts written by different kinds of writers,
rewritten, renamed, moved and deleted at tens per second. At the end what krant shows must be exactly what
the folder holds."""

from __future__ import annotations

import os
import random
import shutil
import threading
import time
from pathlib import Path

import pytest
from ui_helpers import amsterdam, fixed_clock, until, wait_loaded  # noqa: F401 (amsterdam: a fixture)

from tui.core.library import Library
from tui.core.locations import Locations
from tui.ui.app import KrantApp, make_app
from tui.ui.widgets.sidebar import EntryKind

pytestmark = [pytest.mark.asyncio, pytest.mark.usefixtures("amsterdam")]

OPERATIONS = 360
RATE = 30.0
"""Operations a second."""
WRITER_SECONDS = 180.0
"""A hang guard for the writer (it takes OPERATIONS / RATE seconds and more on a busy machine)."""
CATEGORIES = ("binnenland", "buitenland", "sport", "economie", "cultuur")


def text(title: str, day: int, minute: int, category: str, body: str = "Tekst.") -> str:
    return (
        f'---\ntitle: "{title}"\ndate: 2024-02-{day:02d} 10:{minute:02d}:00\ncategory: {category}\n---\n'
        f"<p>{body}</p>\n" + "<p>Meer tekst.</p>\n" * 20
    )


class Writer:
    """Changes the folder the way people and tools do, from its own thread."""

    def __init__(self, folder: Path, outside: Path, seed: int) -> None:
        self.folder = folder
        self.outside = outside
        self.random = random.Random(seed)
        self.files: list[Path] = []
        self.number = 0
        self.error: BaseException | None = None
        self.done = threading.Event()

    def run(self) -> None:
        try:
            for _ in range(OPERATIONS):
                self.step()
                time.sleep(1 / RATE)
        except BaseException as error:  # reported by the test
            self.error = error
        finally:
            self.done.set()

    def fresh(self) -> tuple[Path, str]:
        self.number += 1
        folder = self.folder / self.random.choice(["", "binnenland/_posts", "diepe/map"])
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"2024-02-{1 + self.number % 28:02d}-bericht-{self.number:04d}.md"
        content = text(
            f"Bericht {self.number:04d}",
            1 + self.number % 28,
            self.number % 60,
            self.random.choice(CATEGORIES),
        )
        return path, content

    def step(self) -> None:
        kind = self.random.choices(
            ["write", "replace", "grow", "cp", "mv", "modify", "rename", "delete"],
            weights=[4, 3, 2, 2, 2, 3, 2, 2] if len(self.files) > 10 else [1, 1, 1, 1, 1, 0, 0, 0],
        )[0]
        if kind in ("modify", "rename", "delete"):
            path = self.random.choice(self.files)
            if kind == "modify":
                old = path.read_text(encoding="utf-8")
                path.write_text(old.replace("Tekst.", f"Tekst, bewerkt {self.number}."), encoding="utf-8")
                self.number += 1
            elif kind == "rename":
                target = path.with_name(path.stem + "-x.md")
                os.rename(path, target)
                self.files[self.files.index(path)] = target
            else:
                path.unlink()
                self.files.remove(path)
            return
        path, content = self.fresh()
        if kind == "write":
            path.write_text(content, encoding="utf-8")
        elif kind == "replace":
            temporary = path.with_name(f".{path.name}.tmp")
            temporary.write_text(content, encoding="utf-8")
            os.replace(temporary, path)
        elif kind == "grow":
            with open(path, "w", encoding="utf-8") as file:
                for start in range(0, len(content), 120):
                    file.write(content[start : start + 120])
                    file.flush()
                    time.sleep(0.005)
        else:
            source = self.outside / path.name
            source.write_text(content, encoding="utf-8")
            if kind == "cp":
                shutil.copy(source, path)
            else:
                shutil.move(source, path)
        self.files.append(path)


def shown(app: KrantApp) -> tuple[list[tuple[str, str]], list[tuple[str, int]], list[str]]:
    """What the widgets show: the list's rows (path, title), the sidebar's counts, the problem files."""
    rows = [(post.relpath, post.title) for post in app.main.article_list.posts]
    counts = [(entry.name, entry.total) for entry in app.main.sidebar.entries]
    return rows, counts, [problem.relpath for problem in app.library.problems]


def expected(library: Library) -> tuple[list[tuple[str, str]], list[tuple[str, int]], list[str]]:
    rows = [(post.relpath, post.title) for post in library.posts]
    counts = [("All", len(library)), *library.categories()]
    if library.problems:
        counts.append(("Problems", len(library.problems)))
    return rows, counts, [problem.relpath for problem in library.problems]


@pytest.mark.parametrize("poll", [False, True], ids=["native", "polling"])
async def test_what_krant_shows_equals_the_folder_after_a_stream_of_changes(tmp_path: Path, poll: bool):
    folder = tmp_path / "posts"
    folder.mkdir()
    outside = tmp_path / "outside"
    outside.mkdir()
    writer = Writer(folder, outside, seed=20240201)
    for _ in range(20):
        writer.step()
    app = make_app(folder, locations=Locations.under(tmp_path), clock=fixed_clock, watch=True, poll=poll)
    async with app.run_test(size=(160, 40)) as pilot:
        await wait_loaded(pilot, app)
        thread = threading.Thread(target=writer.run, name="stream writer")
        thread.start()
        assert await until(pilot, writer.done.is_set, timeout=WRITER_SECONDS), "the writer never finished"
        thread.join()
        assert writer.error is None, writer.error
        assert app.main.sidebar.selected is not None and app.main.sidebar.selected.kind is EntryKind.ALL
        truth = Library.read_folder(folder)
        want = expected(truth)
        await until(pilot, lambda: shown(app) == want, timeout=30)
        assert shown(app) == want
        assert list(app.library.posts) == list(truth.posts)
        assert app.library.problems == truth.problems
        assert app.library.categories() == truth.categories()
