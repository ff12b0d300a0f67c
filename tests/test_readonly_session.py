"""A whole session leaves the posts folder exactly as it was: every file's bytes and times, and the listing;
and the named pipes in it are never opened (opening one would hang krant)."""

from __future__ import annotations

import hashlib
import os
import shutil
import stat
from pathlib import Path

import pytest
from hostile_corpus import build_corpus
from ui_helpers import (
    SEED_POSTS,
    amsterdam,  # noqa: F401 (a fixture, used through pytestmark)
    fixed_clock,
    until,
    wait_article,
    wait_loaded,
)
from watchdog.events import FileSystemEvent, FileSystemEventHandler
from watchdog.observers.inotify import InotifyObserver

from tui.core.locations import Locations
from tui.ui.app import make_app
from tui.ui.screens.help import HelpScreen

pytestmark = [pytest.mark.asyncio, pytest.mark.usefixtures("amsterdam")]

PIPES = ("files/pipe.md", "files/pipe-with-writer.html")


def folder_state(folder: Path) -> dict[str, tuple[object, ...]]:
    """Type, mode, size, modification time and content hash of everything below the folder; links are
    not followed and nothing but regular files is opened."""
    entries: dict[str, tuple[object, ...]] = {}
    for directory, folders, files in os.walk(folder):
        for name in [".", *sorted(folders), *sorted(files)]:
            path = os.path.join(directory, name)
            info = os.lstat(path)
            digest: str | None = None
            if stat.S_ISREG(info.st_mode):
                try:
                    with open(path, "rb") as handle:
                        digest = hashlib.blake2b(handle.read()).hexdigest()
                except PermissionError:  # the chmod 000 file, when not running as root
                    digest = "unreadable"
            elif stat.S_ISLNK(info.st_mode):
                digest = os.readlink(path)
            entries[os.path.relpath(path, folder)] = (info.st_mode, info.st_size, info.st_mtime_ns, digest)
    return entries


class Opened(FileSystemEventHandler):
    """Records every file opened in the watched folder (inotify IN_OPEN), without opening anything."""

    def __init__(self) -> None:
        self.paths: list[str] = []

    def on_opened(self, event: FileSystemEvent) -> None:
        self.paths.append(os.fsdecode(event.src_path))


async def test_a_whole_session_leaves_the_folder_untouched(tmp_path: Path) -> None:
    folder = tmp_path / "posts"
    shutil.copytree(SEED_POSTS, folder)
    build_corpus(folder / "hostile")
    before = folder_state(folder)
    assert any(key.endswith("pipe.md") for key in before)

    opened = Opened()
    observer = InotifyObserver()
    observer.schedule(opened, str(folder / "hostile" / "files"), recursive=False)
    observer.start()
    try:
        # The watcher runs too: following the folder must not change it either.
        app = make_app(folder, locations=Locations.under(tmp_path / "krant"), clock=fixed_clock, watch=True)
        async with app.run_test(size=(160, 48)) as pilot:
            await wait_loaded(pilot, app)
            assert len(app.library) > 90
            articles = app.main.article_list
            for _ in range(5):  # open and read a few posts, mark one unread again, move on
                title = articles.selected_post.title
                await pilot.press("enter")
                await wait_article(pilot, app, title)
                await pilot.press("space", "j", "j")
                await pilot.press("m")
                await pilot.pause()
                await pilot.press("escape", "j")
            sidebar = app.main.sidebar
            await pilot.press("right_square_bracket", "right_square_bracket")

            def in_the_category() -> bool:
                post, entry = articles.selected_post, sidebar.selected
                return sidebar.cursor == 2 and post is not None and entry.name in post.categories

            assert await until(pilot, in_the_category), (sidebar.selected, articles.selected_post)
            title = articles.selected_post.title
            await pilot.press("enter")
            await wait_article(pilot, app, title)
            await pilot.press("question_mark")
            assert await until(pilot, lambda: isinstance(app.screen, HelpScreen)), app.screen
            await pilot.press("escape")
            assert await until(pilot, lambda: not isinstance(app.screen, HelpScreen)), app.screen
            # No search (`/`) exists yet; when it does, a search belongs in this session too.
            await pilot.press("q")
            await pilot.pause()
        assert not app.is_running
    finally:
        observer.stop()
        observer.join(10)

    assert folder_state(folder) == before
    assert (tmp_path / "krant").exists(), "krant kept its own files somewhere else"
    touched_pipes = [path for path in opened.paths if path.endswith(PIPES)]
    assert not touched_pipes, f"krant opened named pipes: {touched_pipes}"
    assert any(path.endswith("link-to-post.md") for path in opened.paths), "the open watch saw nothing"
