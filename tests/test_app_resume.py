"""Where you left off, in the reader: the next start comes back to the entry, post and place in an article,
an unfinished article opens where it was left, and posts that came meanwhile are marked ✚."""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

import pytest
from test_app_read_marks import LONG_BODY, go_to, make_folder, marked_unread, row
from ui_helpers import (  # noqa: F401 (amsterdam: a fixture)
    amsterdam,
    eventually,
    new_app,
    screen_text,
    until,
    until_shown,
    wait_article,
    wait_loaded,
    write_post,
)

import tui.ui.app
from tui.core.locations import Locations
from tui.core.resume import resume_path
from tui.ui.app import KrantApp
from tui.ui.screens.reader import ReaderScreen
from tui.ui.widgets.article_list import NEW_MARKER
from tui.ui.widgets.sidebar import EntryKind

pytestmark = [pytest.mark.asyncio, pytest.mark.usefixtures("amsterdam")]

WIDE = (160, 48)
NARROW = (80, 24)


def long_folder(tmp_path: Path) -> Path:
    folder = make_folder(tmp_path)
    write_post(
        folder, "lang.md", "Een lang verhaal", "2019-05-12 09:00:00 +0200", "sport", body=LONG_BODY * 3
    )
    write_post(
        folder, "lang2.md", "Nog een lang verhaal", "2019-05-11 09:00:00 +0200", "sport", body=LONG_BODY * 3
    )
    return folder


async def scroll_down(pilot, app: KrantApp, pages: int) -> float:
    view = app.article_view
    for _ in range(pages):
        before = view.scroll_y
        await pilot.press("pagedown")
        assert await until(pilot, lambda before=before: view.scroll_y > before)
    return view.scroll_y


async def test_the_next_start_shows_the_category_and_post_of_last_time(tmp_path: Path):
    folder = make_folder(tmp_path)
    app = new_app(folder, tmp_path)
    async with app.run_test(size=WIDE, notifications=True) as pilot:
        await wait_loaded(pilot, app)
        await go_to(pilot, app, "buitenland")
        await pilot.press("j", "j")  # Buiten drie
        assert await until(pilot, lambda: app.main.article_list.selected_post.title == "Buiten drie")
        await pilot.press("q")
    again = new_app(folder, tmp_path)
    async with again.run_test(size=WIDE, notifications=True) as pilot:
        await wait_loaded(pilot, again)
        assert again.main.content.entry == (EntryKind.CATEGORY, "buitenland")
        assert again.main.sidebar.selected.name == "buitenland"
        assert again.main.article_list.selected_post.title == "Buiten drie"
        assert "Binnen een" not in screen_text(again)  # the list shows buitenland
        assert again.article_view.post is None  # no article was open
        assert all(marked_unread(again, title) for title in ("Buiten een", "Buiten twee", "Buiten drie"))


@pytest.mark.parametrize("size", [WIDE, NARROW], ids=["wide", "narrow"])
async def test_the_open_article_comes_back_scrolled_where_it_was(tmp_path: Path, size: tuple[int, int]):
    folder = long_folder(tmp_path)
    app = new_app(folder, tmp_path)
    async with app.run_test(size=size, notifications=True) as pilot:
        await wait_loaded(pilot, app)
        if size == WIDE:
            await go_to(pilot, app, "sport")
            await pilot.press("j")
        else:
            await pilot.press(*["j"] * 6)  # in All, the seventh row
        assert await until(pilot, lambda: app.main.article_list.selected_post.title == "Een lang verhaal")
        await pilot.press("enter")
        await wait_article(pilot, app, "Een lang verhaal")
        where = await scroll_down(pilot, app, 2)
        await pilot.press("q")
    again = new_app(folder, tmp_path)
    async with again.run_test(size=size, notifications=True) as pilot:
        # Not wait_loaded: the article opens meanwhile, and a layout of it that a width change (its
        # scrollbar coming) replaces ends cancelled, which waiting for every worker takes for a failure.
        assert await until(pilot, lambda: not again.loading)
        await wait_article(pilot, again, "Een lang verhaal")
        assert await until(pilot, lambda: again.article_view.scroll_y == where), again.article_view.scroll_y
        assert isinstance(again.screen, ReaderScreen) == (size == NARROW)
        assert "Category: sport" not in screen_text(again)  # its header is scrolled away


async def test_an_unfinished_article_opens_again_where_it_was_left_and_a_finished_one_at_the_top(
    tmp_path: Path,
):
    app = new_app(long_folder(tmp_path), tmp_path)
    async with app.run_test(size=WIDE, notifications=True) as pilot:
        await wait_loaded(pilot, app)
        await go_to(pilot, app, "sport")
        await pilot.press("j", "enter")
        await wait_article(pilot, app, "Een lang verhaal")
        where = await scroll_down(pilot, app, 2)
        await pilot.press("escape", "j", "enter")  # another article
        await wait_article(pilot, app, "Nog een lang verhaal")
        assert await until(pilot, lambda: app.article_view.scroll_y == 0)
        await pilot.press("G")  # read to its end
        assert await until(pilot, lambda: app.article_view.is_vertical_scroll_end)
        await pilot.press("escape", "k", "enter")
        await wait_article(pilot, app, "Een lang verhaal")
        assert await until(pilot, lambda: app.article_view.scroll_y == where), app.article_view.scroll_y
        await pilot.press("escape", "j", "enter")
        await wait_article(pilot, app, "Nog een lang verhaal")
        await pilot.pause()
        assert app.article_view.scroll_y == 0


async def test_posts_written_since_the_last_start_are_marked_new_above_the_post_of_last_time(tmp_path: Path):
    folder = make_folder(tmp_path)
    app = new_app(folder, tmp_path)
    async with app.run_test(size=WIDE, notifications=True) as pilot:
        await wait_loaded(pilot, app)
        assert NEW_MARKER not in screen_text(app)
        await pilot.press("j")  # Buiten een
        assert await until(pilot, lambda: app.main.article_list.selected_post.title == "Buiten een")
        await pilot.press("q")
    path = write_post(folder, "nieuw.md", "Net binnen", "2019-05-16 07:00:00 +0200", "binnenland")
    later = time.time() + 60  # surely after the session ended, however coarse the file system's clock
    os.utime(path, (later, later))
    again = new_app(folder, tmp_path)
    async with again.run_test(size=WIDE, notifications=True) as pilot:
        await wait_loaded(pilot, again)
        assert again.main.article_list.selected_post.title == "Buiten een"
        assert NEW_MARKER in row(again, "Net binnen")
        assert all(NEW_MARKER not in row(again, title) for title in ("Binnen een", "Buiten een", "Sport een"))
        titles = [post.title for post in again.main.article_list.posts]
        assert titles.index("Net binnen") < titles.index("Buiten een")  # new posts are above
        await pilot.press("k", "k", "k")  # the cursor reaches it: seen
        await eventually(pilot, lambda: NEW_MARKER not in screen_text(again))


async def test_where_you_are_is_saved_while_krant_runs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setattr(tui.ui.app, "RESUME_SAVE_SECONDS", 0.05)
    folder = make_folder(tmp_path)
    path = resume_path(folder, Locations.under(tmp_path).state_dir)
    app = new_app(folder, tmp_path)
    async with app.run_test(size=WIDE, notifications=True) as pilot:
        await wait_loaded(pilot, app)
        await pilot.press("j", "j")
        key = app.main.article_list.selected_post.key

        def saved() -> bool:
            return path.is_file() and json.loads(path.read_text())["selected"] == key

        assert await until(pilot, saved)


async def test_a_damaged_file_is_said_and_krant_starts_at_the_top(tmp_path: Path):
    folder = make_folder(tmp_path)
    state_dir = Locations.under(tmp_path).state_dir
    state_dir.mkdir(parents=True)
    resume_path(folder, state_dir).write_text('{"entry": ["category", "sport"')
    app = new_app(folder, tmp_path)
    async with app.run_test(size=WIDE, notifications=True) as pilot:
        await wait_loaded(pilot, app)
        await until_shown(pilot, app, "Where you left off could not be read")
        assert app.main.content.entry == (EntryKind.ALL, "All")
    assert any(".corrupt-" in each.name for each in state_dir.iterdir())
