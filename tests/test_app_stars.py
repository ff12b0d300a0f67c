"""Stars and mark-above in the reader: what `s` and `M` show, and that they last."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from test_app_read_marks import POSTS, counted, go_to, make_folder, marked_unread, row, sidebar_count
from ui_helpers import (  # noqa: F401 (amsterdam: a fixture)
    amsterdam,
    eventually,
    new_app,
    open_palette,
    screen_text,
    until,
    until_shown,
    wait_article,
    wait_loaded,
)

import tui.ui.app
from tui.core.locations import Locations
from tui.core.read_marks import ReadMarks
from tui.ui.app import KrantApp
from tui.ui.widgets.article_list import STAR_MARKER
from tui.ui.widgets.sidebar import EntryKind

pytestmark = [pytest.mark.asyncio, pytest.mark.usefixtures("amsterdam")]

WIDE = (160, 48)


def starred_row(app: KrantApp, title: str) -> bool:
    return STAR_MARKER in row(app, title)


def starred_count(app: KrantApp) -> str | None:
    """The count the sidebar shows beside Starred, or None when there is no Starred entry."""
    match = re.search(rf"^ {STAR_MARKER} Starred +(\d+) ", screen_text(app), re.MULTILINE)
    return match.group(1) if match else None


async def test_s_stars_the_selected_post_and_starred_lists_them_newest_first(tmp_path: Path):
    app = new_app(make_folder(tmp_path), tmp_path)
    async with app.run_test(size=WIDE, notifications=True) as pilot:
        await wait_loaded(pilot, app)
        assert starred_count(app) is None  # nothing starred: no entry
        assert STAR_MARKER not in screen_text(app)
        await pilot.press("G", "s")  # the last row: Buiten drie (oldest)
        await until_shown(pilot, app, "Starred: Buiten drie")
        await pilot.press("g", "j", "s")  # Buiten een
        await until_shown(pilot, app, "Starred: Buiten een")

        def shown() -> None:
            assert starred_row(app, "Buiten drie") and starred_row(app, "Buiten een")
            assert not starred_row(app, "Binnen een")
            assert marked_unread(app, "Buiten een")  # a star is not a read mark
            assert starred_count(app) == "2"

        await eventually(pilot, shown)
        sidebar = app.main.sidebar
        assert [entry.kind for entry in sidebar.entries[:2]] == [EntryKind.ALL, EntryKind.STARRED]
        await pilot.press("shift+tab")  # to the sidebar
        assert await until(pilot, lambda: sidebar.has_focus)
        await pilot.press("j")  # All -> Starred
        assert await until(pilot, lambda: len(app.main.article_list.posts) == 2)
        assert [post.title for post in app.main.article_list.posts] == ["Buiten een", "Buiten drie"]
        assert "Binnen een" not in screen_text(app)
        await pilot.press("enter", "s")  # into the list; unstar the first row: it leaves Starred at once

        def unstarred() -> None:
            assert [post.title for post in app.main.article_list.posts] == ["Buiten drie"]
            assert starred_count(app) == "1"

        await eventually(pilot, unstarred)
        await pilot.press("s")  # the last star: the entry stays, empty, while it is being read

        def empty() -> None:
            assert starred_count(app) == "0"
            assert "No starred posts (s stars the selected or open post)." in screen_text(app)

        await eventually(pilot, empty)


async def test_s_in_an_open_article_stars_it_and_stars_last_a_restart_and_a_rename(tmp_path: Path):
    folder = make_folder(tmp_path)
    app = new_app(folder, tmp_path)
    async with app.run_test(size=WIDE, notifications=True) as pilot:
        await wait_loaded(pilot, app)
        await pilot.press("j", "enter")
        await wait_article(pilot, app, "Buiten een")
        await pilot.press("s")
        await until_shown(pilot, app, "Starred: Buiten een")
        await eventually(pilot, lambda: starred_row(app, "Buiten een"))
    (folder / "u1.md").rename(folder / "elders.md")
    again = new_app(folder, tmp_path)
    async with again.run_test(size=WIDE, notifications=True) as pilot:
        await wait_loaded(pilot, again)
        await eventually(pilot, lambda: starred_row(again, "Buiten een"))
        assert not starred_row(again, "Buiten twee")
        assert starred_count(again) == "1"


async def test_stars_from_another_window_appear(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setattr(tui.ui.app, "MARKS_REFRESH_SECONDS", 0.05)
    folder = make_folder(tmp_path)
    app = new_app(folder, tmp_path)
    async with app.run_test(size=WIDE, notifications=True) as pilot:
        await wait_loaded(pilot, app)
        with ReadMarks.open(folder, Locations.under(tmp_path).state_dir) as other:
            other.star([post.key for post in app.library.view("sport")])

        def appeared() -> None:
            assert starred_row(app, "Sport een")
            assert starred_count(app) == "1"

        await eventually(pilot, appeared)


@pytest.mark.parametrize("size", [(160, 48), (80, 24), (40, 10)])
async def test_the_star_keeps_the_columns_aligned_at_every_width(tmp_path: Path, size: tuple[int, int]):
    app = new_app(make_folder(tmp_path), tmp_path)
    async with app.run_test(size=size, notifications=True) as pilot:
        await wait_loaded(pilot, app)
        await pilot.press("j", "s", "j", "m")  # Buiten een starred, Binnen twee read
        await eventually(pilot, lambda: starred_row(app, "Buiten een"))
        lines = [line for line in screen_text(app).splitlines() if re.search(r"\d\d:\d\d", line)]
        assert len(lines) >= 3, screen_text(app)
        dates = {re.search(r"(Wed|Tue|Mon|\d+ May)", line).start() for line in lines}  # type: ignore[union-attr]
        assert len(dates) == 1, lines  # the date column starts in the same place on every row
        star_row = next(line for line in lines if "Buiten een" in line)
        assert f"●{STAR_MARKER} " in star_row


async def test_M_marks_every_post_above_read_and_u_undoes_it(tmp_path: Path):
    app = new_app(make_folder(tmp_path), tmp_path)
    async with app.run_test(size=WIDE, notifications=True) as pilot:
        await wait_loaded(pilot, app)
        titles = [post.title for post in app.main.article_list.posts]
        assert len(titles) == len(POSTS)
        await pilot.press("j", "m")  # the second row read before M
        await eventually(pilot, lambda: counted(app, "All", "5/6"))
        await pilot.press("j", "j", "M")  # the cursor on the fourth row
        await until_shown(pilot, app, "Marked 2 posts above this one as read (u undoes).")

        def marked() -> None:
            assert sidebar_count(app, "All") == "3/6"
            assert not any(marked_unread(app, title) for title in titles[:3])
            assert all(marked_unread(app, title) for title in titles[3:])

        await eventually(pilot, marked)
        await pilot.press("u")

        def undone() -> None:
            assert sidebar_count(app, "All") == "5/6"
            assert marked_unread(app, titles[0]) and marked_unread(app, titles[2])
            assert not marked_unread(app, titles[1])  # read before M: still read

        await eventually(pilot, undone)
        await until_shown(pilot, app, "Undone: 2 posts above it unread again.")
        await pilot.press("g", "M")
        await until_shown(pilot, app, "No unread posts above this one.")


async def test_M_in_a_category_marks_only_what_the_list_shows_above(tmp_path: Path):
    app = new_app(make_folder(tmp_path), tmp_path)
    async with app.run_test(size=WIDE, notifications=True) as pilot:
        await wait_loaded(pilot, app)
        await go_to(pilot, app, "buitenland")
        await pilot.press("G", "M")
        await eventually(pilot, lambda: counted(app, "buitenland", "1/3"))
        assert sidebar_count(app, "All") == "4/6"
        assert marked_unread(app, "Buiten drie")


async def test_the_palette_stars_and_marks_above(tmp_path: Path):
    app = new_app(make_folder(tmp_path), tmp_path)
    async with app.run_test(size=WIDE, notifications=True) as pilot:
        await wait_loaded(pilot, app)
        await pilot.press("j")
        await open_palette(pilot, app)
        await pilot.press(*"star / unstar", "enter")
        await until_shown(pilot, app, "Starred: Buiten een")
        await open_palette(pilot, app)
        await pilot.press(*"mark above read", "enter")
        await until_shown(pilot, app, "Marked 1 post above this one as read (u undoes).")


async def test_help_names_s_and_M(tmp_path: Path):
    app = new_app(make_folder(tmp_path), tmp_path)
    async with app.run_test(size=WIDE) as pilot:
        await wait_loaded(pilot, app)
        await pilot.press("question_mark")
        text = await until_shown(pilot, app, "Star the article")
        assert "Mark every article above the cursor read" in text
