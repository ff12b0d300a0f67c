"""The same story once, in the app: a link filed in two categories is one row in All, in both categories
and in search, opened and marked once, counted once; its header lists both categories and files; a copy
that arrives or goes while krant runs joins or leaves the row that is there."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from test_app_live import live_app, started
from test_app_read_marks import sidebar_count
from test_app_search import search_for
from textual.pilot import Pilot
from ui_helpers import (  # noqa: F401 (amsterdam: a fixture)
    amsterdam,
    eventually,
    new_app,
    screen_text,
    until,
    wait_article,
    wait_loaded,
    write_post,
)

from tui.core.locations import Locations
from tui.core.read_marks import ReadMarks
from tui.ui.app import KrantApp
from tui.ui.screens.reader import ReaderScreen

pytestmark = [pytest.mark.asyncio, pytest.mark.usefixtures("amsterdam")]

WIDE = (160, 48)
TITLE = "Kabinet valt over stikstof"
LINK = "https://nos.nl/artikel/2500000-kabinet-valt"
OTHER = "Oranje wint van Duitsland"


def shared_story(tmp_path: Path, *, both: bool = True) -> Path:
    """One story in binnenland and (with `both`) in politiek, its link written two ways; one post more."""
    folder = tmp_path / "posts"
    (folder / "binnenland").mkdir(parents=True)
    (folder / "politiek").mkdir()
    write_post(folder / "binnenland", "kabinet.md", TITLE, "2019-05-15 10:00:00 +0200", "binnenland", LINK)
    if both:
        write_copy(folder)
    write_post(folder, "oranje.md", OTHER, "2019-05-14 20:00:00 +0200", "sport", "https://nos.nl/l/2")
    return folder


def write_copy(folder: Path) -> Path:
    """The story's second file: in politiek, a minute later, its link with a tracking query and a slash."""
    return write_post(
        folder / "politiek",
        "kabinet.md",
        TITLE,
        "2019-05-15 10:01:00 +0200",
        "politiek",
        LINK + "/?utm_source=rss&utm_medium=feed",
    )


def rows(app: KrantApp, title: str) -> list[str]:
    """The list's lines that show a title (after its date and categories)."""
    return [
        line for line in screen_text(app).splitlines() if re.search(rf"\S {{2,}}{re.escape(title)}", line)
    ]


def listed_titles(app: KrantApp) -> list[str]:
    return [post.title for post in app.main.article_list.posts]


async def go_to(pilot: Pilot[None], app: KrantApp, category: str) -> None:
    """`]` until the sidebar is on `category`, and the list shows it."""
    sidebar = app.main.sidebar
    for _ in range(10):
        if sidebar.selected is not None and sidebar.selected.name == category:
            break
        cursor = sidebar.cursor
        await pilot.press("right_square_bracket")
        assert await until(pilot, lambda cursor=cursor: sidebar.cursor != cursor)
    assert sidebar.selected is not None and sidebar.selected.name == category


async def test_the_same_link_in_two_categories_is_one_row_counted_once_and_read_once(tmp_path: Path):
    app = new_app(shared_story(tmp_path), tmp_path)
    async with app.run_test(size=WIDE) as pilot:
        await wait_loaded(pilot, app)
        assert len(rows(app, TITLE)) == 1, screen_text(app)
        assert "politiek,…" in rows(app, TITLE)[0]  # both categories, the newest file's first, cut to fit
        assert sidebar_count(app, "All") == "2/2"
        assert sidebar_count(app, "binnenland") == "1/1"
        assert sidebar_count(app, "politiek") == "1/1"
        assert "2 posts" in app.sub_title and "2 unread" in app.sub_title
        for category in ("binnenland", "politiek"):
            await go_to(pilot, app, category)
            assert listed_titles(app) == [TITLE]
            assert len(rows(app, TITLE)) == 1

        await pilot.press("enter")  # opened in politiek: read everywhere, counted once
        await wait_article(pilot, app, TITLE)
        screen = screen_text(app)
        assert "Categories: politiek, binnenland" in screen, screen
        assert "Files: politiek/kabinet.md, binnenland/kabinet.md" in screen, screen

        def read_everywhere() -> None:
            assert sidebar_count(app, "All") == "1/2"
            assert sidebar_count(app, "binnenland") == "0/1"
            assert sidebar_count(app, "politiek") == "0/1"

        await eventually(pilot, read_everywhere)
        marks = app.read_marks
        assert marks.is_read("link:" + LINK) and marks.is_read(
            "link:" + LINK + "/?utm_source=rss&utm_medium=feed"
        )

        app.main.article_list.focus()
        await pilot.press("m")  # unread again: both copies

        def unread_everywhere() -> None:
            assert sidebar_count(app, "All") == "2/2"
            assert sidebar_count(app, "binnenland") == "1/1"
            assert sidebar_count(app, "politiek") == "1/1"

        await eventually(pilot, unread_everywhere)
        assert not marks.is_read("link:" + LINK)
        assert not marks.is_read("link:" + LINK + "/?utm_source=rss&utm_medium=feed")


async def test_a_mark_made_on_one_copy_before_makes_the_story_read(tmp_path: Path):
    folder = shared_story(tmp_path)
    with ReadMarks.open(folder, Locations.under(tmp_path).state_dir) as marks:
        marks.mark(["link:" + LINK], True)  # the binnenland file's key, as krant keyed it before stories
    app = new_app(folder, tmp_path)
    async with app.run_test(size=WIDE) as pilot:
        await wait_loaded(pilot, app)
        assert sidebar_count(app, "All") == "1/2"
        assert sidebar_count(app, "politiek") == "0/1"
        assert "● " not in rows(app, TITLE)[0]


async def test_search_shows_the_story_once(tmp_path: Path):
    app = new_app(shared_story(tmp_path), tmp_path)
    async with app.run_test(size=WIDE) as pilot:
        await wait_loaded(pilot, app)
        await search_for(pilot, app, "stikstof")
        assert await until(pilot, lambda: listed_titles(app) == [TITLE]), listed_titles(app)
        assert app.sub_title == "1 result for 'stikstof', newest first"
        assert len(rows(app, "Kabinet valt")) == 1, screen_text(app)  # the title cut: a snippet follows


async def test_a_copy_arriving_joins_the_row_and_one_deleted_leaves_the_other(tmp_path: Path):
    folder = shared_story(tmp_path, both=False)
    app = live_app(folder, tmp_path)
    async with app.run_test(size=WIDE) as pilot:
        await started(pilot, app)
        assert await until(pilot, lambda: TITLE in listed_titles(app))
        copy = write_copy(folder)
        assert await until(pilot, lambda: "politiek" in screen_text(app)), screen_text(app)

        def merged() -> None:
            assert listed_titles(app) == [TITLE, OTHER]
            assert len(rows(app, TITLE)) == 1, screen_text(app)
            assert sidebar_count(app, "All") == "2/2"
            assert sidebar_count(app, "politiek") == "1/1"
            assert sidebar_count(app, "binnenland") == "1/1"

        await eventually(pilot, merged)
        copy.unlink()  # the story stays, with its other file and category

        def left() -> None:
            assert listed_titles(app) == [TITLE, OTHER]
            assert " politiek " not in screen_text(app)
            assert sidebar_count(app, "All") == "2/2" and sidebar_count(app, "binnenland") == "1/1"
            (row,) = rows(app, TITLE)
            assert "binnenland" in row and "politiek" not in row

        await eventually(pilot, left)


async def test_the_reader_on_its_own_screen_lists_both_files_too(tmp_path: Path):
    app = new_app(shared_story(tmp_path), tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_loaded(pilot, app)
        await pilot.press("enter")
        await wait_article(pilot, app, TITLE)
        assert isinstance(app.screen, ReaderScreen)
        screen = screen_text(app)
        assert "Categories: politiek, binnenland" in screen, screen
        assert "Files: politiek/kabinet.md, binnenland/kabinet.md" in screen, screen


async def test_the_cursor_stays_on_a_story_whose_newer_copy_arrives(tmp_path: Path):
    folder = shared_story(tmp_path, both=False)
    write_post(
        folder, "nieuwst.md", "Nieuwste bericht", "2019-05-16 08:00:00 +0200", "sport", "https://nos.nl/l/3"
    )
    app = live_app(folder, tmp_path)
    async with app.run_test(size=WIDE) as pilot:
        await started(pilot, app)
        assert await until(pilot, lambda: listed_titles(app) == ["Nieuwste bericht", TITLE, OTHER])
        await pilot.press("j")
        articles = app.main.article_list
        assert await until(
            pilot, lambda: articles.selected_post is not None and articles.selected_post.title == TITLE
        )
        write_post(
            folder / "politiek", "kabinet.md", TITLE, "2019-05-17 09:00:00 +0200", "politiek", LINK + "#x"
        )

        def moved_up() -> None:
            assert listed_titles(app) == [TITLE, "Nieuwste bericht", OTHER]
            assert articles.selected_post is not None and articles.selected_post.title == TITLE
            assert articles.cursor == 0

        await eventually(pilot, moved_up)
