"""A post that cannot be read when it is opened (its folder made unreadable, its file gone bad since it
was listed): it moves to Problems with its reason, and opening it does not make it read."""

from __future__ import annotations

import errno
import os
from pathlib import Path

import pytest
from ui_helpers import NEWER_TITLE, copy_seed, new_app, screen_text, until, until_shown, wait_loaded

import tui.core.file_bytes

pytestmark = pytest.mark.asyncio

WIDE = (160, 48)


def newest_file(folder: Path) -> Path:
    return sorted(folder.iterdir())[-1]


def refuse_to_open(monkeypatch: pytest.MonkeyPatch, refused: Path) -> None:
    """Opening `refused` fails as in a folder its user may not read (root, who runs CI, may read any)."""
    real_open = os.open

    def open_unless_refused(path, flags, *arguments, **keywords):  # type: ignore[no-untyped-def]
        if os.fspath(path) == os.fspath(refused):
            raise PermissionError(errno.EACCES, "Permission denied", os.fspath(path))
        return real_open(path, flags, *arguments, **keywords)

    monkeypatch.setattr(tui.core.file_bytes.os, "open", open_unless_refused)


@pytest.mark.parametrize("fault", ["permission denied", "binary data"])
async def test_a_post_that_cannot_be_read_when_opened_becomes_a_problem_and_stays_unread(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fault: str
) -> None:
    folder = copy_seed(tmp_path)
    app = new_app(folder, tmp_path)
    async with app.run_test(size=WIDE) as pilot:
        await wait_loaded(pilot, app)
        await until_shown(pilot, app, "All             2/2", NEWER_TITLE[:20])
        path = newest_file(folder)
        key = next(post.key for post in app.library.posts if post.path == str(path))
        if fault == "permission denied":
            refuse_to_open(monkeypatch, path)
        else:
            path.write_bytes(b"\x00" * 64)  # the watcher is off: the list still holds the post
        await pilot.press("enter")
        screen = await until_shown(pilot, app, "could not be read", "Problems")
        assert fault in screen.lower() or fault in screen_text(app).lower()
        assert await until(pilot, lambda: not any(post.path == str(path) for post in app.library.posts))
        assert [problem.path for problem in app.library.problems] == [str(path)]
        await until_shown(pilot, app, "All             1/1")  # the other post, still unread
        assert app.unread.is_unread(app.library.posts[0])
        assert not app.unread.state.is_read(key)  # opening what could not be read marked nothing
