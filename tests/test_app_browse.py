"""Browsing by keyboard: moving, opening, going back, next/previous, categories, both layouts."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from rich.style import Style
from ui_helpers import (
    NEWER_TITLE,
    OLDER_TITLE,
    amsterdam,  # noqa: F401 (a fixture, used through pytestmark)
    copy_seed,
    new_app,
    open_palette,
    page_until,
    screen_strips,
    screen_text,
    until,
    until_gone,
    until_shown,
    wait_article,
    wait_loaded,
)

from tui.core.article import Article
from tui.core.body_text import ReadableText
from tui.ui.messages import ArticleLoaded, PostsLoaded
from tui.ui.screens.help import HelpScreen
from tui.ui.screens.reader import ReaderScreen
from tui.ui.widgets.article_list import ArticleList

pytestmark = [pytest.mark.asyncio, pytest.mark.usefixtures("amsterdam")]

WIDE = (160, 48)
NARROW = (80, 24)


async def test_main_screen_lists_posts_newest_first_with_categories(tmp_path: Path):
    app = new_app(copy_seed(tmp_path), tmp_path)
    seen: list[PostsLoaded] = []
    async with app.run_test(
        size=WIDE, message_hook=lambda m: seen.append(m) if isinstance(m, PostsLoaded) else None
    ) as pilot:
        await wait_loaded(pilot, app)
        text = screen_text(app)
        assert text.index(NEWER_TITLE[:20]) < text.index(OLDER_TITLE[:20])
        assert "Wed 22:01" in text  # 22:01 +02:00 shown in local (Amsterdam) time, the day before NOW
        for name in ("All", "buitenland", "nieuws"):
            assert name in text
        assert "2 posts · 2 categories" in text
        assert seen and seen[-1].batch.finished and seen[-1].batch.total == 2


async def test_moving_the_cursor(tmp_path: Path):
    app = new_app(copy_seed(tmp_path), tmp_path)
    async with app.run_test(size=WIDE) as pilot:
        await wait_loaded(pilot, app)
        articles = app.main.article_list
        assert app.focused is articles
        assert articles.selected_post.title == NEWER_TITLE
        await pilot.press("j")
        assert articles.selected_post.title == OLDER_TITLE
        await pilot.press("k")
        assert articles.selected_post.title == NEWER_TITLE
        await pilot.press("down", "down")  # past the end stays on the last row
        assert articles.selected_post.title == OLDER_TITLE
        await pilot.press("g")
        assert articles.cursor == 0
        await pilot.press("G")
        assert articles.cursor == 1
        await pilot.press("home")
        assert articles.cursor == 0
        await pilot.press("end")
        assert articles.cursor == 1


async def test_open_and_back_in_a_wide_terminal(tmp_path: Path):
    app = new_app(copy_seed(tmp_path), tmp_path)
    async with app.run_test(size=WIDE) as pilot:
        await wait_loaded(pilot, app)
        assert app.main.article_view.display
        assert "Choose an article" in screen_text(app)
        await pilot.press("enter")
        await wait_article(pilot, app, NEWER_TITLE)
        text = screen_text(app)
        assert "Syrië" in text
        assert "Wed 15 May 2019 22:01 (11 hours ago)" in text
        assert NEWER_TITLE in text and OLDER_TITLE[:20] in text  # list and article side by side
        assert app.focused is app.main.article_view
        await pilot.press("escape")
        assert app.focused is app.main.article_list
        await pilot.press("j", "l")
        await wait_article(pilot, app, OLDER_TITLE)
        assert app.main.article_view.post.title == OLDER_TITLE
        await pilot.press("h")
        assert app.focused is app.main.article_list


def style_at(app, text: str) -> Style:
    """The style drawn under the first character of `text` on screen."""
    for strip in screen_strips(app):
        line = "".join(segment.text for segment in strip)
        if text in line:
            column, x = line.index(text), 0
            for segment in strip:
                if x + len(segment.text) > column:
                    return segment.style
                x += len(segment.text)
    raise AssertionError(f"{text!r} is not on screen")


def background_of_row(app, text: str) -> object:
    return style_at(app, text).bgcolor


async def test_the_cursor_shows_which_list_has_the_focus(tmp_path: Path):
    app = new_app(copy_seed(tmp_path), tmp_path)
    async with app.run_test(size=WIDE) as pilot:
        await wait_loaded(pilot, app)
        assert app.focused is app.main.article_list
        focused = background_of_row(app, NEWER_TITLE[:20])
        await pilot.press("enter")  # the article takes the focus: the list's cursor is drawn dimmed
        await wait_article(pilot, app, NEWER_TITLE)
        view = app.main.article_view
        cursor_row = NEWER_TITLE[:20]
        assert await until(
            pilot, lambda: app.focused is view and background_of_row(app, cursor_row) != focused
        )
        blurred = background_of_row(app, NEWER_TITLE[:20])
        assert blurred != focused
        assert background_of_row(app, OLDER_TITLE[:20]) != blurred  # a row without the cursor
        # Dates are muted (`$text-muted` is `auto 60%`, a colour Rich styles cannot hold as it is).
        older = app.main.article_list.posts[1]
        assert older.title == OLDER_TITLE
        date = "Wed 14:57"  # the day before the tests' NOW
        assert style_at(app, date).color != style_at(app, OLDER_TITLE[:20]).color
        await pilot.press("escape")
        assert await until(pilot, lambda: background_of_row(app, NEWER_TITLE[:20]) == focused)
        await pilot.press("shift+tab")  # to the sidebar, whose cursor (on All) takes the bright colour
        sidebar = app.query_one("#sidebar")
        assert await until(
            pilot,
            lambda: app.focused is sidebar and background_of_row(app, " All ") == focused,
        )
        assert background_of_row(app, NEWER_TITLE[:20]) == blurred
        assert background_of_row(app, " All ") == focused


async def test_opening_and_closing_an_article_redraws_one_row_of_the_list(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    """Only the cursor's row changes (its focus colour and read mark): the other rows are not drawn again."""
    drawn: list[int] = []
    render_line = ArticleList.render_line
    monkeypatch.setattr(ArticleList, "render_line", lambda self, y: drawn.append(y) or render_line(self, y))
    app = new_app(copy_seed(tmp_path), tmp_path)
    async with app.run_test(size=WIDE) as pilot:
        await wait_loaded(pilot, app)
        await pilot.pause()
        for key, focus in (("enter", app.main.article_view), ("escape", app.main.article_list)):
            drawn.clear()
            await pilot.press(key)
            await wait_article(pilot, app, NEWER_TITLE)
            assert await until(pilot, lambda focus=focus: app.focused is focus and bool(drawn)), key
            await pilot.pause()  # and a turn more, for anything else the key would draw
            assert drawn == [0], key  # the cursor's row (the list is 40 rows high)


async def test_open_and_back_in_a_narrow_terminal(tmp_path: Path):
    app = new_app(copy_seed(tmp_path), tmp_path)
    async with app.run_test(size=NARROW) as pilot:
        await wait_loaded(pilot, app)
        assert not app.main.article_view.display
        await pilot.press("enter")
        await wait_article(pilot, app, NEWER_TITLE)
        assert isinstance(app.screen, ReaderScreen)
        text = screen_text(app)
        assert OLDER_TITLE[:20] not in text  # the article has the whole screen
        assert "Link: http://feeds.nos.nl/~r/nosnieuwsbuitenland/~3/MgZNuWpkq7Y/2284826" in text
        assert "Image: https://nos.nl/data/image/2019/05/15/550241/1008x567.jpg" in text
        assert await page_until(pilot, app, "Syrië")
        await pilot.press("escape")
        assert not isinstance(app.screen, ReaderScreen)
        await until_shown(pilot, app, OLDER_TITLE[:20])
        assert await until(pilot, lambda: app.focused is app.main.article_list), app.focused


async def test_article_scrolls_by_keyboard(tmp_path: Path):
    app = new_app(copy_seed(tmp_path), tmp_path)
    async with app.run_test(size=NARROW) as pilot:
        await wait_loaded(pilot, app)
        await pilot.press("enter")
        await wait_article(pilot, app)
        view = app.screen.query_one("#reader-article")
        assert view.scroll_y == 0
        await pilot.press("j")
        assert view.scroll_y == 1
        await pilot.press("k")
        assert view.scroll_y == 0
        await pilot.press("space")
        assert view.scroll_y > 5


async def test_next_and_previous_without_leaving_the_article(tmp_path: Path):
    app = new_app(copy_seed(tmp_path), tmp_path)
    async with app.run_test(size=NARROW, notifications=True) as pilot:
        await wait_loaded(pilot, app)
        await pilot.press("enter")
        await wait_article(pilot, app, NEWER_TITLE)
        await pilot.press("n")
        await wait_article(pilot, app, OLDER_TITLE)
        assert isinstance(app.screen, ReaderScreen)
        assert OLDER_TITLE in screen_text(app)
        assert app.main.article_list.selected_post.title == OLDER_TITLE
        await pilot.press("n")  # both are read now: it says so and stays
        await until_shown(pilot, app, "No unread posts anywhere.")
        assert OLDER_TITLE in screen_text(app)
        assert app.article_view.post.title == OLDER_TITLE
        assert isinstance(app.screen, ReaderScreen)


async def test_brackets_switch_categories(tmp_path: Path):
    app = new_app(copy_seed(tmp_path), tmp_path)
    async with app.run_test(size=WIDE) as pilot:
        await wait_loaded(pilot, app)
        articles = app.query_one(ArticleList)

        def listed() -> list[str]:
            return [post.title for post in articles.posts]

        await pilot.press("]")
        assert await until(pilot, lambda: listed() == [NEWER_TITLE]), listed()
        assert app.main.sidebar.selected.name == "buitenland"
        await pilot.press("]")
        assert await until(pilot, lambda: listed() == [OLDER_TITLE]), listed()
        assert app.main.sidebar.selected.name == "nieuws"
        await until_gone(pilot, app, NEWER_TITLE[:20])
        await pilot.press("[", "[")
        assert await until(pilot, lambda: len(articles.posts) == 2), listed()
        assert app.main.sidebar.selected.name == "All"


async def test_choosing_a_category_in_the_sidebar(tmp_path: Path):
    app = new_app(copy_seed(tmp_path), tmp_path)
    async with app.run_test(size=WIDE) as pilot:
        await wait_loaded(pilot, app)
        await pilot.press("shift+tab")
        assert app.focused is app.main.sidebar
        await pilot.press("G")
        await pilot.pause()
        assert app.main.sidebar.selected.name == "nieuws"
        await pilot.press("enter")
        assert await until(pilot, lambda: app.focused is app.main.article_list), app.focused
        articles = app.main.article_list
        assert await until(pilot, lambda: [post.title for post in articles.posts] == [OLDER_TITLE])
        await pilot.press("tab")
        assert app.focused is app.main.article_view


async def test_command_palette_goes_to_a_category(tmp_path: Path):
    app = new_app(copy_seed(tmp_path), tmp_path)
    async with app.run_test(size=WIDE) as pilot:
        await wait_loaded(pilot, app)
        await open_palette(pilot, app)
        await pilot.press(*"category: nieuws")
        await until_shown(pilot, app, "Go to category: nieuws")  # the palette searches in the background
        await pilot.press("enter")
        assert await until(
            pilot,
            lambda: (
                app.main.sidebar.selected.name == "nieuws"
                and [post.title for post in app.main.article_list.posts] == [OLDER_TITLE]
            ),
        ), (app.main.sidebar.selected.name, [post.title for post in app.main.article_list.posts])


async def test_help_lists_every_key(tmp_path: Path):
    app = new_app(copy_seed(tmp_path), tmp_path)
    async with app.run_test(size=NARROW) as pilot:
        await wait_loaded(pilot, app)
        await pilot.press("question_mark")
        assert await until(pilot, lambda: isinstance(app.screen, HelpScreen)), app.screen
        await until_shown(pilot, app, "j / k", "Previous / next category", "Copy the article's link", "Quit")
        await pilot.press("escape")
        assert not isinstance(app.screen, HelpScreen)


async def test_layout_follows_the_terminal_width(tmp_path: Path):
    app = new_app(copy_seed(tmp_path), tmp_path)
    async with app.run_test(size=NARROW) as pilot:
        await wait_loaded(pilot, app)
        assert not app.main.wide and not app.main.article_view.display
        await pilot.resize_terminal(*WIDE)
        assert await until(pilot, lambda: app.main.wide and app.main.article_view.display)
        await until_shown(pilot, app, "Choose an article")


def footer_keys(app) -> list[str]:
    """The keys the footer line shows (left of the command palette's key), as `key description`."""
    line = screen_text(app).splitlines()[-1]
    keys = line.partition("\u258f")[0].strip()  # the palette key's left border
    return re.split(r"\s{2,}", keys) if keys else []


def described(app) -> set[str]:
    return {binding.description for _node, binding, _on, _tip in app.screen.active_bindings.values()}


async def test_the_footer_shows_whole_keys_only_and_more_of_them_when_wider(tmp_path: Path):
    app = new_app(copy_seed(tmp_path), tmp_path)
    async with app.run_test(size=(70, 24)) as pilot:
        await wait_loaded(pilot, app)

        def whole(keys: list[str]) -> bool:
            return all(key.partition(" ")[2] in described(app) for key in keys)

        # The footer hides the keys it cannot show whole once it has been drawn at its width.
        first = ["q Quit", "? Help"]
        assert await until(pilot, lambda: footer_keys(app)[:2] == first and whole(footer_keys(app)))
        narrow = footer_keys(app)
        assert narrow[:2] == ["q Quit", "? Help"]
        assert whole(narrow), narrow  # none cut off
        await pilot.resize_terminal(*WIDE)
        assert await until(pilot, lambda: len(footer_keys(app)) > len(narrow) and whole(footer_keys(app)))
        wide = footer_keys(app)
        assert wide[: len(narrow)] == narrow and len(wide) > len(narrow)
        assert whole(wide), wide
        await pilot.resize_terminal(70, 24)
        assert await until(pilot, lambda: footer_keys(app) == narrow), footer_keys(app)


async def test_an_older_open_that_finishes_late_is_ignored(tmp_path: Path):
    app = new_app(copy_seed(tmp_path), tmp_path)
    async with app.run_test(size=WIDE) as pilot:
        await wait_loaded(pilot, app)
        older, newer = app.main.article_list.posts[1], app.main.article_list.posts[0]
        await pilot.press("enter")
        await wait_article(pilot, app)
        stale = Article(older, ReadableText("Stale text from an earlier open"))
        app.post_message(ArticleLoaded(0, stale))
        # What must not happen has no event to wait for: the message is handled (and anything it
        # changed drawn) within this turn of the message loop.
        await pilot.pause()
        assert app.main.article_view.post == newer
        assert "Stale text" not in screen_text(app)
