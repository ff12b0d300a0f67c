"""Read state that follows you: two krant apps (two machines: own state folders, own copies of the posts at
different paths) sharing one sync folder show each other's marks while both run, and after both restart."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest
from textual.pilot import Pilot
from ui_helpers import (  # noqa: F401 (amsterdam: a fixture)
    amsterdam,
    eventually,
    new_app,
    record_notices,
    screen_text,
    until,
    wait_loaded,
    write_post,
)

from tui.core.config import load_config
from tui.core.post import Post
from tui.ui.app import KrantApp

pytestmark = [pytest.mark.asyncio, pytest.mark.usefixtures("amsterdam")]

WIDE = (160, 40)
POSTS = (
    ("b1.md", "Binnen een", "2019-05-15 12:00:00 +0200", "binnenland", "https://example.com/b1"),
    ("b2.md", "Binnen twee", "2019-05-14 12:00:00 +0200", "binnenland", ""),
    ("u1.md", "Buiten een", "2019-05-15 11:00:00 +0200", "buitenland", "https://example.com/u1"),
)


def posts_copy(where: Path) -> Path:
    """One machine's copy of the posts (each machine has its own, at its own path)."""
    where.mkdir(parents=True)
    for name, title, when, category, link in POSTS:
        write_post(where, name, title, when, category, link)
    return where


def machine(tmp_path: Path, name: str, sync: Path) -> KrantApp:
    return new_app(posts_copy(tmp_path / name / "news" / "posts"), tmp_path / name, sync_folder=sync)


def unread_rows(app: KrantApp) -> set[str]:
    """The titles whose rows show them unread (●)."""
    titles = {title for _name, title, *_rest in POSTS}
    return {
        title
        for line in screen_text(app).splitlines()
        for title in titles
        if re.search(rf"\S {{2,}}{re.escape(title)}\b", line) and "●" in line
    }


def post_titled(app: KrantApp, title: str) -> Post:
    return next(post for post in app.library.posts if post.title == title)


async def wait_both(
    first: Pilot[None], second: Pilot[None], condition: Callable[[], bool], timeout: float = 15.0
) -> bool:
    """Let both apps run until a condition holds (each wait gives both event loops turns)."""
    for _ in range(int(timeout / 0.1)):
        if condition():
            return True
        await first.pause(0.05)
        await second.pause(0.05)
    return condition()


async def test_a_mark_made_on_one_machine_shows_on_the_other_and_both_agree_after_a_restart(
    tmp_path: Path,
) -> None:
    sync = tmp_path / "Sync" / "krant"
    sync.parent.mkdir()
    a, b = machine(tmp_path, "a", sync), machine(tmp_path, "b", sync)
    every = {title for _name, title, *_rest in POSTS}
    async with a.run_test(size=WIDE) as pa, b.run_test(size=WIDE) as pb:
        await wait_loaded(pa, a)
        await wait_loaded(pb, b)
        assert unread_rows(a) == unread_rows(b) == every
        await pa.press("m")  # the first row: Binnen een
        assert unread_rows(a) == every - {"Binnen een"}
        assert await wait_both(pa, pb, lambda: unread_rows(b) == every - {"Binnen een"}), screen_text(b)
        assert "2 unread" in screen_text(b)

        a.read_marks.star([post_titled(a, "Buiten een").key])  # (a star's key and row are H-stars')
        assert await wait_both(pa, pb, lambda: b.read_marks.is_starred(post_titled(b, "Buiten een").key))

        # The post without a link is known by its title and date, the same on both machines.
        await pb.press("j", "j", "m")  # Binnen twee (the third row), on b
        assert await wait_both(pa, pb, lambda: unread_rows(a) == {"Buiten een"}), screen_text(a)

        # Both change the same post at once: they end up agreeing.
        await pa.press("m")
        await pb.press("m")
        assert await wait_both(pa, pb, lambda: unread_rows(a) == unread_rows(b))
        agreed = unread_rows(a)
        for pilot in (pa, pb):
            await pilot.pause(1.5)  # a round of each journal past the last change
        assert unread_rows(a) == unread_rows(b) == agreed

    a, b = machine_again(tmp_path, "a", sync), machine_again(tmp_path, "b", sync)
    async with a.run_test(size=WIDE) as pa, b.run_test(size=WIDE) as pb:
        await wait_loaded(pa, a)
        await wait_loaded(pb, b)
        assert await wait_both(pa, pb, lambda: unread_rows(a) == unread_rows(b) == agreed)
        assert a.read_marks.is_starred(post_titled(a, "Buiten een").key)
        assert b.read_marks.is_starred(post_titled(b, "Buiten een").key)


def machine_again(tmp_path: Path, name: str, sync: Path) -> KrantApp:
    return new_app(tmp_path / name / "news" / "posts", tmp_path / name, sync_folder=sync)


async def test_without_its_sync_folder_krant_says_so_once_and_marks_as_ever(tmp_path: Path) -> None:
    sync = tmp_path / "not-mounted" / "krant"
    app = machine(tmp_path, "a", sync)
    notices = record_notices(app)
    async with app.run_test(size=WIDE) as pilot:
        await wait_loaded(pilot, app)
        assert await until(pilot, lambda: any("cannot be used" in notice for notice in notices))
        await pilot.press("m")
        await pilot.press("j", "m")
        assert "1 unread" in screen_text(app)
        await pilot.pause(1.5)
        assert sum("cannot be used" in notice for notice in notices) == 1
        sync.parent.mkdir()
        assert await until(pilot, lambda: any("can be used again" in notice for notice in notices))
        assert len((sync / f"{app.sync.journal.machine}.jsonl").read_bytes().splitlines()) == 2


async def test_the_config_s_sync_folder_is_the_one_krant_keeps_its_journal_in(tmp_path: Path) -> None:
    """`sync_folder = "~/…"` in config.toml, and no option: a mark made in krant lands in that folder."""
    home = tmp_path / "home"
    (home / "Sync").mkdir(parents=True)
    config_file = tmp_path / "config.toml"
    config_file.write_text('sync_folder = "~/Sync/krant"\n')
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("HOME", str(home))
        loaded = load_config(config_file)
    assert loaded.problems == [] and loaded.config.sync_folder == home / "Sync" / "krant"
    app = new_app(posts_copy(tmp_path / "posts"), tmp_path / "state", config=loaded)
    async with app.run_test(size=WIDE) as pilot:
        await wait_loaded(pilot, app)
        await pilot.press("m")  # the first row: Binnen een
        journal = home / "Sync" / "krant"
        def journaled() -> bool:
            return any("https://example.com/b1" in each.read_text() for each in journal.glob("*.jsonl"))

        assert await until(pilot, journaled), sorted(journal.glob("*"))
