"""What a new user met on screen: dates, keys that say what they did, screens at every size."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from ui_helpers import (
    NEWER_TITLE,
    OLDER_TITLE,
    FakeDesktop,
    amsterdam,  # noqa: F401 (a fixture, used through pytestmark)
    copy_seed,
    new_app,
    open_palette,
    record_notices,
    screen_strips,
    screen_text,
    until,
    until_shown,
    wait_article,
    wait_loaded,
    write_post,
)

from tui.ui.screens.links import LinksScreen

pytestmark = [pytest.mark.asyncio, pytest.mark.usefixtures("amsterdam")]

AGES = [
    ("today.html", "Vandaag gebeurd", "2019-05-16 08:05:00 +0200", "08:05"),
    ("week.html", "Maandag gebeurd", "2019-05-13 14:03:00 +0200", "Mon 14:03"),
    ("year.html", "Februari gebeurd", "2019-02-03 12:00:00 +0100", " 3 Feb"),
    ("old.html", "Oud nieuws", "2015-05-19 20:01:00 +0200", "19 May 2015"),
]


def dated_folder(tmp_path: Path) -> Path:
    folder = tmp_path / "posts"
    folder.mkdir()
    for name, title, when, _shown in AGES:
        write_post(folder, name, title, when, "nieuws")
    return folder


@pytest.mark.parametrize("size", [(160, 48), (120, 40), (100, 30), (80, 24)])
async def test_the_date_column_is_the_same_unambiguous_one_at_every_width(
    tmp_path: Path, size: tuple[int, int]
):
    app = new_app(dated_folder(tmp_path), tmp_path)
    async with app.run_test(size=size) as pilot:
        await wait_loaded(pilot, app)
        rows = [line for line in screen_text(app).splitlines() if "gebeurd" in line or "Oud nieuws" in line]
        assert len(rows) == len(AGES)
        columns = set()
        for row, (_name, title, _when, shown) in zip(rows, AGES, strict=True):
            assert f"{shown:<11}  nieuws" in row and title in row, row
            columns.add((row.index(f"{shown:<11}  nieuws"), row.index(title)))
        assert len(columns) == 1  # dates, categories and titles aligned
        assert not re.search(r"\b\d\d-\d\d\b", screen_text(app))  # no 19-05-15, no 05-15


async def test_the_article_header_gives_the_whole_date(tmp_path: Path):
    app = new_app(dated_folder(tmp_path), tmp_path)
    async with app.run_test(size=(160, 48)) as pilot:
        await wait_loaded(pilot, app)
        await pilot.press("G", "enter")
        await wait_article(pilot, app, "Oud nieuws")
        await until_shown(pilot, app, "Tue 19 May 2015 20:01 (3 years ago)")


# Keys and honest feedback ------------------------------------------------------------------------

SAMPLER = Path(__file__).resolve().parent / "markdown_sampler.md"


async def test_g_and_G_go_to_the_top_and_end_of_an_article(tmp_path: Path):
    folder = tmp_path / "posts"
    folder.mkdir()
    (folder / "2019-05-15-sampler.md").write_text(SAMPLER.read_text(encoding="utf-8"), encoding="utf-8")
    app = new_app(folder, tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_loaded(pilot, app)
        await pilot.press("enter")
        await wait_article(pilot, app)
        view = app.article_view
        top = screen_text(app)
        await pilot.press("G")
        assert await until(pilot, lambda: view.is_vertical_scroll_end and view.scroll_y > 0)
        assert screen_text(app) != top
        await pilot.press("g")
        assert await until(pilot, lambda: view.scroll_y == 0)
        await until_shown(pilot, app, view.post.title)


async def test_o_says_when_no_browser_could_be_started_and_suggests_y(tmp_path: Path):
    app = new_app(copy_seed(tmp_path), tmp_path, desktop=FakeDesktop(browser=False))
    async with app.run_test(size=(160, 48), notifications=True) as pilot:
        await wait_loaded(pilot, app)
        notices = record_notices(app)
        await pilot.press("j", "o")
        await until_shown(pilot, app, "Could not open https://nos.nl/l/2284764 in a browser")
        assert notices == [
            "Could not open https://nos.nl/l/2284764 in a browser: no graphical session was found. "
            "Press y to copy the link instead."
        ]
        assert not any(notice.startswith("Opening") for notice in notices)


async def test_o_says_which_program_opened_the_link(tmp_path: Path):
    app = new_app(copy_seed(tmp_path), tmp_path)
    async with app.run_test(size=(160, 48), notifications=True) as pilot:
        await wait_loaded(pilot, app)
        notices = record_notices(app)
        await pilot.press("j", "o")
        assert await until(pilot, lambda: bool(notices))
        assert notices == ["Opened https://nos.nl/l/2284764 in the browser (with xdg-open)."]
        await until_shown(pilot, app, "Opened https://nos.nl/l/2284764")
        assert app.desktop.opened == ["https://nos.nl/l/2284764"]


async def test_y_says_truthfully_that_only_the_terminal_was_asked_to_copy(tmp_path: Path):
    app = new_app(copy_seed(tmp_path), tmp_path, desktop=FakeDesktop(clipboard=False))
    async with app.run_test(size=(160, 48), notifications=True) as pilot:
        await wait_loaded(pilot, app)
        notices = record_notices(app)
        await pilot.press("j", "y")
        assert await until(pilot, lambda: bool(notices))
        assert notices == [
            "Sent https://nos.nl/l/2284764 to the terminal's clipboard (OSC 52), which tmux and some "
            "terminals ignore; no clipboard tool (wl-copy, xclip, xsel, pbcopy) was found."
        ]
        assert app.clipboard == "https://nos.nl/l/2284764"


async def test_l_lists_the_link_and_image_of_the_header_too(tmp_path: Path):
    app = new_app(copy_seed(tmp_path), tmp_path)
    async with app.run_test(size=(160, 48)) as pilot:
        await wait_loaded(pilot, app)
        await pilot.press("j", "enter")
        await wait_article(pilot, app, OLDER_TITLE)
        await pilot.press("L")
        text = await until_shown(pilot, app, "Links in this article")
        assert isinstance(app.screen, LinksScreen)
        assert "The article's link  https://nos.nl/l/2284764" in text
        assert "The article's image  https://nos.nl/data/image/2019/05/15/550098/1008x567.jpg" in text
        await pilot.press("enter")
        assert await until(pilot, lambda: app.desktop.opened == ["https://nos.nl/l/2284764"])


def edge_of(app, row_text: str, column: int):
    """The character and style drawn at `column` of the first screen line holding `row_text`."""
    for strip in screen_strips(app):
        line = "".join(segment.text for segment in strip)
        if row_text in line:
            x = 0
            for segment in strip:
                if x + len(segment.text) > column:
                    return line[column], segment.style
                x += len(segment.text)
    raise AssertionError(f"{row_text!r} is not on screen")


async def test_the_focused_pane_is_marked(tmp_path: Path):
    app = new_app(copy_seed(tmp_path), tmp_path)
    async with app.run_test(size=(160, 48)) as pilot:
        await wait_loaded(pilot, app)
        column = app.main.article_view.region.x
        unfocused = edge_of(app, "Choose an article", column)
        await pilot.press("enter")
        await wait_article(pilot, app, NEWER_TITLE)
        assert await until(pilot, lambda: app.focused is app.main.article_view)
        assert await until(pilot, lambda: edge_of(app, "Category: buitenland", column) != unfocused)
        await pilot.press("escape")
        assert await until(pilot, lambda: edge_of(app, "Category: buitenland", column) == unfocused)


async def test_wrapping_round_says_so_in_a_sentence(tmp_path: Path):
    app = new_app(copy_seed(tmp_path), tmp_path)
    async with app.run_test(size=(160, 48), notifications=True) as pilot:
        await wait_loaded(pilot, app)
        await pilot.press("j")
        notices = record_notices(app)
        await pilot.press("n")
        assert await until(pilot, lambda: bool(notices))
        assert notices == ["No unread posts below this one in the list; went on from the top."]


# Screens -----------------------------------------------------------------------------------------


async def test_a_long_link_in_the_header_is_shortened_never_broken(tmp_path: Path):
    app = new_app(copy_seed(tmp_path), tmp_path)
    async with app.run_test(size=(160, 48)) as pilot:
        await wait_loaded(pilot, app)
        await pilot.press("enter")
        await wait_article(pilot, app, NEWER_TITLE)
        lines = [line.split("▏")[-1].strip() for line in screen_text(app).splitlines()]
        (link,) = [line for line in lines if line.startswith("Link: ")]
        assert link.startswith("Link: http://feeds.nos.nl/~r/") and link.endswith("…"), link
        assert "6" not in lines and "…/MgZNuWpkq7Y/228482" not in lines
        await pilot.press("y")  # the whole address is what is copied
        assert await until(pilot, lambda: app.desktop.copied == [app.article_view.post.link])


async def test_help_scrolls_says_how_to_close_and_starts_with_the_keys_people_need(tmp_path: Path):
    app = new_app(copy_seed(tmp_path), tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_loaded(pilot, app)
        await pilot.press("question_mark")
        text = await until_shown(pilot, app, "krant keys", "Esc closes")
        for key in ("Enter / l", "Esc / h", "n / p", "?", "q"):
            assert f"│ {key} " in text, key  # above the fold
        scroll = app.screen.query_one("VerticalScroll")
        assert scroll.max_scroll_y > 0  # more keys than fit 80×24
        await pilot.press("j")
        assert await until(pilot, lambda: scroll.scroll_y == 1)
        await pilot.press("G")
        assert await until(pilot, lambda: scroll.scroll_y == scroll.max_scroll_y)
        await until_shown(pilot, app, "Ctrl+P")
        await pilot.press("k")
        assert await until(pilot, lambda: scroll.scroll_y == scroll.max_scroll_y - 1)
        await pilot.press("escape")
        assert await until(pilot, lambda: app.screen is app.main)


async def test_the_command_palette_keeps_only_what_works_here(tmp_path: Path):
    app = new_app(copy_seed(tmp_path), tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_loaded(pilot, app)
        await open_palette(pilot, app)
        text = await until_shown(pilot, app, "Theme", "Help", "Search", "Quit")
        for gone in ("Keys", "Maximize", "Minimize", "Screenshot"):
            assert gone not in text, gone
        await pilot.press(*"help", "enter")
        await until_shown(pilot, app, "krant keys")
        await pilot.press("escape")  # every panel the palette opens closes with Esc
        assert await until(pilot, lambda: app.screen is app.main)


async def test_search_snippets_end_at_a_whole_word(tmp_path: Path):
    app = new_app(copy_seed(tmp_path), tmp_path)
    async with app.run_test(size=(160, 48)) as pilot:
        await wait_loaded(pilot, app)
        await pilot.press("slash", *"syrie")
        await until_shown(pilot, app, "2 results for 'syrie'")
        rows = [line for line in screen_text(app).splitlines() if "Syrië" in line]
        assert len(rows) == 2, screen_text(app)
        for row in rows:
            snippet = row.split("▕")[1].split("▏")[0].rstrip()
            assert snippet.endswith("…") and snippet[-2].isalpha(), snippet
            assert snippet.endswith(("Ghika is vice-commandant…", "mobiliseerde voor een…")), snippet



async def test_at_40_by_10_the_sidebar_folds_away_titles_get_the_room_and_b_brings_it_back(tmp_path: Path):
    app = new_app(copy_seed(tmp_path), tmp_path)
    async with app.run_test(size=(40, 10)) as pilot:
        await wait_loaded(pilot, app)
        screen = await until_shown(pilot, app, NEWER_TITLE[:12])
        assert "buitenland" not in screen  # neither the sidebar nor a category column takes the room
        await pilot.press("b")
        await until_shown(pilot, app, "buitenland", "nieuws")
        await pilot.press("b")
        assert await until(pilot, lambda: "buitenland" not in screen_text(app)), screen_text(app)
        await until_shown(pilot, app, NEWER_TITLE[:12])


@pytest.mark.parametrize(
    "sizes", [((80, 24), (160, 48)), ((160, 48), (80, 24))], ids=["widening", "narrowing"]
)
async def test_resizing_keeps_the_open_article_open_laid_out_for_the_new_width(tmp_path: Path, sizes):
    (first, then) = sizes
    app = new_app(copy_seed(tmp_path), tmp_path)
    async with app.run_test(size=first) as pilot:
        await wait_loaded(pilot, app)
        await pilot.press("enter")
        await wait_article(pilot, app)
        assert (app.reader is not None) == (first[0] < 120)
        await pilot.resize_terminal(*then)
        wide = then[0] >= 120
        assert await until(pilot, lambda: (app.reader is None) == wide and app.article_view.post is not None)
        assert await until(pilot, lambda: app.focused is app.article_view)
        screen = await until_shown(pilot, app, NEWER_TITLE[:30])
        if wide:  # beside the list again, not a full-screen reader
            assert "All" in screen and "buitenland" in screen


async def test_search_results_take_the_empty_article_pane_s_room_and_the_footer_shows_their_keys(
    tmp_path: Path,
):
    folder = copy_seed(tmp_path)
    long_title = "Een lange titel over Syrië, vroeger na vijftien tekens afgekapt"
    write_post(folder, "lang.html", long_title, "2019-05-14 10:00:00", "nieuws", body="<p>Syrië, kort.</p>")
    app = new_app(folder, tmp_path)
    async with app.run_test(size=(160, 48)) as pilot:
        await wait_loaded(pilot, app)
        assert app.main.article_view.display  # the empty pane beside the list, before searching
        await pilot.press("slash", *"syrie")
        screen = await until_shown(pilot, app, "3 results for 'syrie'", long_title)
        assert not app.main.article_view.display  # no article to show: the results have the room
        footer = screen.splitlines()[-1]
        assert "Results" in footer and "Back" in footer and "Best/newest first" in footer, footer
        lines = screen.splitlines()
        titles = [post.title for post in app.main.article_list.posts]
        rows = [next(line for line in lines if title in line) for title in titles]
        # Each match in context starts in one column, after the longest title (shown whole).
        starts = set()
        for title, row in zip(titles, rows, strict=True):
            after = row.index(title) + len(title)
            starts.add(after + len(row[after:]) - len(row[after:].lstrip()))
        assert starts == {rows[titles.index(long_title)].index(long_title) + len(long_title) + 2}, rows
        await pilot.press("enter", "enter")  # to the results, and open the first
        await wait_article(pilot, app)
        assert app.main.article_view.display  # an article open from the results shows beside them
        await pilot.press("escape")  # back to the results with the article still beside them
        await pilot.press("escape")  # and out of search: the footer's keys are the list's again
        assert await until(pilot, lambda: not app.main.content.searching)
        footer = (await until_shown(pilot, app, "Quit")).splitlines()[-1]
        assert "Best/newest first" not in footer and "Results" not in footer, footer
