"""A library of 100,000 posts (built in memory): moving, End, PgDn and live additions stay correct."""

from __future__ import annotations

import gc
from datetime import timedelta
from pathlib import Path

import pytest
from ui_helpers import many_posts, new_app, screen_text, until, until_shown, wait_loaded

from tui.core.loader import LoadBatch
from tui.core.post import Post
from tui.ui.app import KrantApp
from tui.ui.messages import PostsLoaded

pytestmark = pytest.mark.asyncio

COUNT = 100_000


def app_with_posts(tmp_path: Path, count: int) -> tuple[KrantApp, list[Post]]:
    """An app on an empty folder, and `count` posts made in memory to feed it (see `loaded_app`)."""
    folder = tmp_path / "posts"
    folder.mkdir()
    return new_app(folder, tmp_path), many_posts(folder, count)


async def loaded_app(pilot, app, posts) -> None:
    """Feed posts through the same message the folder loader sends."""
    await wait_loaded(pilot, app)
    app.post_message(PostsLoaded(LoadBatch(tuple(posts), len(posts), len(posts))))
    assert await until(pilot, lambda: len(app.main.article_list.posts) == len(posts), timeout=30)
    await until_shown(pilot, app, f"{len(posts):,} posts")


async def test_moving_through_100000_posts(tmp_path: Path):
    app, posts = app_with_posts(tmp_path, COUNT)
    async with app.run_test(size=(80, 24)) as pilot:
        await loaded_app(pilot, app, posts)
        articles = app.main.article_list
        assert len(articles.posts) == COUNT
        assert "100,000 posts · 3 categories" in screen_text(app)
        assert "Bericht 000000" in screen_text(app)
        await pilot.press("j", "j")
        assert articles.selected_post.title == "Bericht 000002"
        await pilot.press("end")
        assert articles.selected_post.title == "Bericht 099999"
        assert "Bericht 099999" in screen_text(app)
        assert "Bericht 000000" not in screen_text(app)
        await pilot.press("home")
        page = articles.page_height
        await pilot.press("pagedown")
        assert articles.cursor == page
        assert f"Bericht {page:06d}" in screen_text(app)
        await pilot.press("pagedown", "pageup")
        assert articles.cursor == page
        await pilot.press("G", "pagedown")  # at the end PgDn stays on the last row
        assert articles.cursor == COUNT - 1
        await pilot.press("]")  # a category of a third of them
        assert await until(pilot, lambda: len(articles.posts) == (COUNT + 2) // 3), len(articles.posts)
        await pilot.press("G")
        assert articles.selected_post.title == "Bericht 099999"


async def test_posts_added_above_keep_the_selection_and_the_view_still(tmp_path: Path):
    app, posts = app_with_posts(tmp_path, COUNT)
    async with app.run_test(size=(80, 24)) as pilot:
        await loaded_app(pilot, app, posts)
        articles = app.main.article_list
        articles.move_cursor(5000)
        await pilot.pause()
        before = screen_text(app).splitlines()[1:-1]
        selected, row = articles.selected_post, articles.cursor - articles.scroll_offset.y
        newer = many_posts(app.folder / "new", 50, start=posts[0].date + timedelta(hours=1))
        app.update_library(newer)  # what a watcher's change will do
        await pilot.pause()
        assert articles.selected_post == selected
        assert articles.cursor == 5050
        assert articles.cursor - articles.scroll_offset.y == row
        after = screen_text(app).splitlines()[1:-1]
        assert [line[24:] for line in after] == [line[24:] for line in before]  # the list did not move
        app.update_library(removed=[newer[0].path, newer[1].path])
        await pilot.pause()
        assert articles.selected_post == selected and articles.cursor == 5048


async def test_progress_is_shown_while_reading(tmp_path: Path):
    app, posts = app_with_posts(tmp_path, 1500)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_loaded(pilot, app)
        app.main.set_loading(True)
        app.post_message(PostsLoaded(LoadBatch(tuple(posts), 1500, 100_000)))
        # The first posts are there while the rest are read.
        await until_shown(pilot, app, "Reading 1,500 of 100,000", "Bericht 000000")


async def test_loaded_posts_are_left_out_of_full_garbage_collections_until_krant_quits(tmp_path: Path):
    """A full collection over 100,000 posts paused the screen ~0.1 s at random (an open took 155 ms)."""
    app, posts = app_with_posts(tmp_path, 1_000)
    async with app.run_test(size=(80, 24)) as pilot:
        await loaded_app(pilot, app, posts)
        frozen = gc.get_freeze_count()
        assert frozen > len(app.library) == 1_000
        gc.collect()  # what is set aside stays set aside
        assert gc.get_freeze_count() == frozen
    assert gc.get_freeze_count() == 0  # collected again once krant quits
