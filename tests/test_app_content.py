"""What the screen says about unusual folders and untrusted text, and what links may do."""

from __future__ import annotations

import shutil
import threading
from pathlib import Path

import pytest
from textual.pilot import Pilot
from ui_helpers import (
    NEWER_TITLE,
    OLDER_TITLE,
    amsterdam,  # noqa: F401 (a fixture, used through pytestmark)
    copy_seed,
    footer_keys,
    new_app,
    record_notices,
    screen_strips,
    screen_text,
    until,
    until_gone,
    until_shown,
    wait_article,
    wait_loaded,
    write_post,
)

from tui.core.body_text import ReadableText, readable_text
from tui.ui.app import KrantApp
from tui.ui.screens.main import WIDE_COLUMNS
from tui.ui.screens.reader import ReaderScreen
from tui.ui.widgets.article_body import ArticleBody

pytestmark = [pytest.mark.asyncio, pytest.mark.usefixtures("amsterdam")]

WIDE = (160, 48)
SAMPLER = Path(__file__).parent / "markdown_sampler.md"
"""A post with every kind of Markdown block the reader draws."""


def sampler_app(tmp_path: Path) -> KrantApp:
    folder = tmp_path / "posts"
    folder.mkdir()
    shutil.copy(SAMPLER, folder / "2019-05-15-sampler.md")
    return new_app(folder, tmp_path)


async def open_first(pilot: Pilot[None], app: KrantApp) -> None:
    """Wait for the folder, open the first post and wait for its article."""
    await wait_loaded(pilot, app)
    await pilot.press("enter")
    await wait_article(pilot, app)
NARROW = (80, 24)
MARKUP_TITLES = ("[bold red]x[/]", "half [/ open", "[VIDEO] Beelden van de dag")


async def test_an_empty_folder_says_krant_is_waiting(tmp_path: Path):
    folder = tmp_path / "empty"
    folder.mkdir()
    app = new_app(folder, tmp_path)
    async with app.run_test(size=NARROW) as pilot:
        await wait_loaded(pilot, app)
        text = screen_text(app)
        assert "No posts in empty yet" in text
        assert "krant is waiting for posts" in text
        assert "0 posts" in text
        await pilot.press("enter", "j", "n", "o", "y")  # nothing to act on: nothing breaks
        assert not isinstance(app.screen, ReaderScreen)


async def test_a_category_whose_last_post_went_says_it_is_empty(tmp_path: Path):
    folder = copy_seed(tmp_path)
    app = new_app(folder, tmp_path)
    async with app.run_test(size=WIDE) as pilot:
        await wait_loaded(pilot, app)
        await pilot.press("]", "]")
        articles = app.main.article_list
        assert await until(pilot, lambda: [post.title for post in articles.posts] == [OLDER_TITLE])
        assert app.main.sidebar.selected.name == "nieuws"
        (older,) = app.main.article_list.posts
        app.update_library(removed=[older.path])
        await until_shown(pilot, app, "No posts in the category nieuws.", "1 post · 1 category")
        await pilot.press("[")  # moving away lets the empty category go
        await until_gone(pilot, app, "nieuws")


async def test_problems_are_listed_with_their_reasons(tmp_path: Path):
    folder = copy_seed(tmp_path)
    (folder / "kapot.md").write_text("---\ntitle: [unclosed\n---\nbody\n", encoding="utf-8")
    (folder / "[red]leeg.md").write_text("", encoding="utf-8")
    app = new_app(folder, tmp_path)
    async with app.run_test(size=WIDE) as pilot:
        await wait_loaded(pilot, app)
        text = screen_text(app)
        assert "Problems (2)" in text
        assert "2 posts · 2 categories · 2 problems" in text
        await pilot.press("shift+tab", "G", "enter")
        assert await until(pilot, lambda: app.focused is app.main.problem_list), app.focused
        text = await until_shown(
            pilot, app, "kapot.md: invalid YAML front matter", "[red]leeg.md: empty file"
        )
        assert NEWER_TITLE[:20] not in text
        await pilot.press("[")
        text = await until_shown(pilot, app, OLDER_TITLE[:20])  # nieuws: only the older post
        assert NEWER_TITLE[:20] not in text


async def test_markup_in_titles_categories_and_bodies_is_shown_literally(tmp_path: Path):
    folder = tmp_path / "posts"
    folder.mkdir()
    for number, title in enumerate(MARKUP_TITLES):
        write_post(
            folder,
            f"2020-01-0{number + 1}-post.html",
            title,
            f"2020-01-0{number + 1} 12:00:00 +0100",
            "[b]cat[/b]",
            body=f"<p>Body says {title} and [link](javascript:alert(1)).</p>",
        )
    app = new_app(folder, tmp_path)
    async with app.run_test(size=WIDE) as pilot:
        await wait_loaded(pilot, app)
        text = screen_text(app)
        for title in MARKUP_TITLES:
            assert title in text
        assert "[b]cat[/b]" in text
        for row, title in enumerate(reversed(MARKUP_TITLES)):
            await pilot.press("escape")
            app.main.article_list.move_cursor(row)
            await pilot.press("enter")
            await wait_article(pilot, app, title)
            text = screen_text(app)
            assert text.count(title) >= 2, title  # in the list and as the article's title
            assert f"Body says {title}" in text


async def test_o_opens_only_web_links(tmp_path: Path):
    folder = tmp_path / "posts"
    folder.mkdir()
    write_post(
        folder, "2020-01-02-a.html", "Web", "2020-01-02 12:00:00 +0100", "x", link="https://example.org/a"
    )
    write_post(
        folder, "2020-01-01-b.html", "Script", "2020-01-01 12:00:00 +0100", "x", link="javascript:alert(1)"
    )
    app = new_app(folder, tmp_path)
    opened = app.desktop.opened  # what the fake browser was asked to open
    async with app.run_test(size=WIDE, notifications=True) as pilot:
        await wait_loaded(pilot, app)
        notices = record_notices(app)
        await pilot.press("o")
        assert await until(pilot, lambda: opened == ["https://example.org/a"]), opened
        await pilot.press("j", "o")
        await until_shown(pilot, app, "only http and https links open")
        assert opened == ["https://example.org/a"]
        await pilot.press("enter")  # in the article too
        await wait_article(pilot, app, "Script")
        await pilot.press("o")
        refused = "Not opened: only http and https links open from krant (javascript:alert(1))."
        assert await until(pilot, lambda: notices.count(refused) == 2), notices
        assert opened == ["https://example.org/a"]


async def test_y_copies_the_link_and_says_so(tmp_path: Path):
    app = new_app(copy_seed(tmp_path), tmp_path)
    async with app.run_test(size=NARROW, notifications=True) as pilot:
        await wait_loaded(pilot, app)
        await pilot.press("j", "enter")
        await wait_article(pilot, app, OLDER_TITLE)
        notices = record_notices(app)
        await pilot.press("y")
        assert await until(pilot, lambda: bool(notices))
        assert notices == [
            "Copied https://nos.nl/l/2284764 to the clipboard (with xclip, and through the terminal)."
        ]
        await until_shown(pilot, app, "Copied https://nos.nl/l/2284764")
        assert app.clipboard == "https://nos.nl/l/2284764"  # through the terminal (OSC 52)
        assert app.desktop.copied == ["https://nos.nl/l/2284764"]  # and the clipboard tool


async def test_links_in_the_body_open_only_when_they_are_web_links(tmp_path: Path):
    app = new_app(copy_seed(tmp_path), tmp_path)
    opened = app.desktop.opened  # what the fake browser was asked to open
    async with app.run_test(size=WIDE, notifications=True) as pilot:
        await wait_loaded(pilot, app)
        await pilot.press("enter")
        await wait_article(pilot, app)
        body = app.main.article_view.query_one(ArticleBody)
        body.post_message(ArticleBody.LinkClicked(body, "file:///etc/passwd"))
        await until_shown(pilot, app, "only http and https links open")
        assert opened == []
        body.post_message(ArticleBody.LinkClicked(body, "https://nos.nl/"))
        assert await until(pilot, lambda: opened == ["https://nos.nl/"]), opened


async def test_the_reader_draws_lists_quotes_tables_and_code_and_rewraps_when_resized(tmp_path: Path):
    app = sampler_app(tmp_path)
    opened = app.desktop.opened  # what the fake browser was asked to open
    async with app.run_test(size=WIDE) as pilot:
        await wait_loaded(pilot, app)
        await pilot.press("enter")
        await wait_article(pilot, app)
        lines = [line.split("▏")[-1].strip() for line in screen_text(app).splitlines()]
        for shown in ("• apple", "  ◦ nested item", "▌ A quote that is long", "▌ • a quoted item", "1. one",
                      "Name  │ Score", "Alice │ 10", "Bob   │ 7", "    return 1", "[image: A picture]"):
            assert any(line.startswith(shown.strip()) or shown in line for line in lines), shown
        assert lines.index("• banana") + 1 == lines.index("◦ nested item")  # a tight list: no gaps

        body = app.main.article_view.query_one(ArticleBody)
        wide_height = body.size.height
        (y,) = [row for row, line in enumerate(screen_text(app).splitlines()) if "a link" in line]
        x = screen_text(app).splitlines()[y].index("a link")
        await pilot.click(offset=(x + 1, y))
        assert await until(pilot, lambda: opened == ["https://example.org/x"]), opened

        await pilot.resize_terminal(WIDE_COLUMNS, 48)
        # The same text on more, shorter lines.
        assert await until(pilot, lambda: body.size.height > wide_height)
        await until_shown(pilot, app, "▌ A quote that is long")


async def test_opening_an_article_moves_the_focus_without_rebuilding_the_footer(tmp_path: Path):
    """Textual rebuilds a footer whose keys change (tens of milliseconds): the list and article share keys."""
    app = new_app(copy_seed(tmp_path), tmp_path)
    async with app.run_test(size=WIDE) as pilot:
        await wait_loaded(pilot, app)
        keys_before = footer_keys(app)
        await pilot.press("enter")
        await wait_article(pilot, app)
        assert await until(pilot, lambda: app.focused is app.main.article_view)
        # A rebuild is what must not happen, so there is nothing to wait for: a footer that rebuilt would
        # do so after the screen's next refresh, which these turns of the message loop include.
        await pilot.pause()
        await pilot.pause()
        assert footer_keys(app) == keys_before
        assert "n Next unread" in screen_text(app).splitlines()[-1]


async def test_an_article_slow_to_read_shows_its_header_and_reading_first(tmp_path: Path, monkeypatch):
    release = threading.Event()

    def slow_render(body: str, *, is_html: bool, **site: object) -> ReadableText:
        release.wait(10)
        return readable_text(body, is_html=is_html, **site)  # type: ignore[arg-type]

    monkeypatch.setattr("tui.core.article.readable_text", slow_render)
    app = new_app(copy_seed(tmp_path), tmp_path)
    async with app.run_test(size=WIDE) as pilot:
        await wait_loaded(pilot, app)
        await pilot.press("enter")
        assert await until(pilot, lambda: "Reading…" in screen_text(app))
        assert NEWER_TITLE in screen_text(app)  # whole: the list shows it cut
        assert app.focused is app.main.article_view  # keys go to the article already
        release.set()
        await wait_article(pilot, app)
        assert await until(pilot, lambda: "Reading…" not in screen_text(app) and "Syrië" in screen_text(app))


async def test_a_long_article_shows_its_start_at_once_and_the_rest_once_laid_out(tmp_path: Path):
    folder = tmp_path / "posts"
    folder.mkdir()
    paragraphs = "".join(f"Paragraph number {number} of a long article.\n\n" for number in range(3_000))
    write_post(folder, "2019-05-15-long.md", "Long", "2019-05-15 10:00", "lang", body=paragraphs)
    app = new_app(folder, tmp_path)
    async with app.run_test(size=WIDE) as pilot:
        await wait_loaded(pilot, app)
        await pilot.press("enter")
        await wait_article(pilot, app)
        assert "Paragraph number 0 of" in screen_text(app)
        body = app.main.article_view.query_one(ArticleBody)
        assert await until(pilot, lambda: body.size.height >= 2 * 3_000 - 1)
        await pilot.press("end")
        assert await until(pilot, lambda: "Paragraph number 2999 of" in screen_text(app))


async def test_the_article_follows_a_change_of_theme(tmp_path: Path):
    app = sampler_app(tmp_path)
    app.theme = "textual-dark"
    async with app.run_test(size=WIDE) as pilot:
        await open_first(pilot, app)

        def link_colour() -> str:
            (strip,) = [strip for strip in screen_strips(app) if "a link" in strip.text]
            (segment,) = [segment for segment in strip if segment.text == "a link"]
            return str(segment.style.color)

        dark = link_colour()
        app.theme = "textual-light"
        assert await until(pilot, lambda: link_colour() != dark)


async def test_text_in_an_article_can_be_selected_with_the_mouse(tmp_path: Path):
    app = sampler_app(tmp_path)
    async with app.run_test(size=WIDE) as pilot:
        await open_first(pilot, app)
        lines = screen_text(app).splitlines()
        (y,) = [row for row, line in enumerate(lines) if "• apple" in line]
        x = lines[y].index("• apple")
        await pilot.mouse_down(offset=(x, y))
        await pilot.hover(offset=(x + 5, y + 2))
        await pilot.mouse_up(offset=(x + 5, y + 2))
        selected = "• apple\n• banana\n  ◦ ne"
        assert await until(pilot, lambda: app.screen.get_selected_text() == selected), (
            app.screen.get_selected_text()
        )


async def test_a_link_under_the_mouse_is_highlighted_whole(tmp_path: Path):
    app = sampler_app(tmp_path)
    async with app.run_test(size=WIDE) as pilot:
        await open_first(pilot, app)

        def link_style():
            (strip,) = [strip for strip in screen_strips(app) if "a link" in strip.text]
            (segment,) = [segment for segment in strip if segment.text == "a link"]
            return segment.style

        before = link_style()
        lines = screen_text(app).splitlines()
        (y,) = [row for row, line in enumerate(lines) if "a link" in line]
        await pilot.hover(offset=(lines[y].index("a link") + 2, y))
        assert await until(pilot, lambda: link_style().bgcolor != before.bgcolor)
        assert link_style().color == before.color  # still the link's colour
        await pilot.hover(offset=(0, 0))
        assert await until(pilot, lambda: link_style().bgcolor == before.bgcolor)


async def test_deeply_nested_quotes_leave_room_for_the_text(tmp_path: Path):
    """Nineteen quote bars are wider than a narrow reader: the outer ones give way to the words."""
    folder = tmp_path / "posts"
    folder.mkdir()
    nested = "> " * 19 + "word " * 400
    (folder / "2019-05-15-deep.md").write_text(f"---\ntitle: Deep\n---\n{nested}\n", encoding="utf-8")
    app = new_app(folder, tmp_path)
    async with app.run_test(size=(40, 24)) as pilot:
        await open_first(pilot, app)
        body = app.article_view.query_one(ArticleBody)
        assert await until(pilot, lambda: body.size.height > 0)
        assert body.size.height < 200  # ~2,000 characters, at least half a line of them per line
        assert "▌ word" in screen_text(app)


async def test_l_lists_the_articles_links_and_enter_opens_the_chosen_one(tmp_path: Path):
    app = sampler_app(tmp_path)
    opened = app.desktop.opened  # what the fake browser was asked to open
    async with app.run_test(size=WIDE, notifications=True) as pilot:
        await wait_loaded(pilot, app)
        await pilot.press("L")
        await until_shown(pilot, app, "Open an article first")
        await pilot.press("enter")
        await wait_article(pilot, app)
        await pilot.press("L")
        await until_shown(
            pilot,
            app,
            "Links in this article",
            "1  a link  https://example.org/x",
            "2  [image: A picture]  https://example.org/p.jpg",
        )
        await pilot.press("j", "enter")
        assert await until(pilot, lambda: opened == ["https://example.org/p.jpg"]), opened
        await until_gone(pilot, app, "Links in this article")
        view = app.main.article_view
        assert await until(pilot, lambda: app.focused is view), app.focused  # back to reading
        await pilot.press("L")
        await until_shown(pilot, app, "Links in this article")
        await pilot.press("escape")
        await until_gone(pilot, app, "Links in this article")
        assert await until(pilot, lambda: app.focused is app.main.article_view), app.focused
        assert opened == ["https://example.org/p.jpg"]


async def test_l_says_so_when_an_article_has_no_links(tmp_path: Path):
    folder = tmp_path / "posts"
    folder.mkdir()
    write_post(folder, "2019-05-15-kaal.html", "Kaal", "2019-05-15 10:00:00 +0200", "x")  # no link, no image
    app = new_app(folder, tmp_path)
    async with app.run_test(size=WIDE, notifications=True) as pilot:
        await open_first(pilot, app)
        await pilot.press("L")
        await until_shown(pilot, app, "This article has no links.")
