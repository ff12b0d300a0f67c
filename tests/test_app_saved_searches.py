"""Saved searches in the app: ctrl+s names a query, the sidebar lists it with counts that follow marks and
live arrivals, choosing it lists its posts, the palette renames and removes it, and the file stays usable."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest
from textual.pilot import Pilot
from ui_helpers import (
    amsterdam,  # noqa: F401 (a fixture, used through pytestmark)
    fixed_clock,
    new_app,
    open_palette,
    record_notices,
    screen_text,
    until,
    until_shown,
    wait_loaded,
    write_post,
)

from tui.core.locations import Locations
from tui.core.saved_searches import SEARCHES_FILE
from tui.ui.app import KrantApp, make_app
from tui.ui.screens.prompt import PromptScreen
from tui.ui.widgets.sidebar import EntryKind

pytestmark = [pytest.mark.asyncio, pytest.mark.usefixtures("amsterdam")]

WIDE = (160, 40)
POSTS = [
    ("2024-01-05-vijf.md", "Vijf over rust", "2024-01-05 10:00:00", "releases"),
    ("2024-01-04-vier.md", "Vier", "2024-01-04 10:00:00", "sport"),
    ("2024-01-03-drie.md", "Drie over rust", "2024-01-03 10:00:00", "releases"),
    ("2024-01-02-twee.md", "Twee over rust", "2024-01-02 10:00:00", "opinie"),
]


def seed(tmp_path: Path) -> Path:
    folder = tmp_path / "posts"
    folder.mkdir()
    for name, title, when, category in POSTS:
        write_post(folder, name, title, when, category, body=f"<p>De tekst van {title}.</p>")
    return folder


def saved_file(tmp_path: Path, text: str | None = None) -> Path:
    """The app's searches.toml under `tmp_path` (written first, when given `text`)."""
    path = Locations.under(tmp_path).config_dir / SEARCHES_FILE
    if text is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return path


def sidebar_line(app: KrantApp, name: str) -> str:
    """The sidebar's line for an entry (the sidebar ends at the list's edge, `▕`)."""
    column = (line.split("▕")[0] + " " for line in screen_text(app).splitlines())
    return next((line for line in column if line.startswith(f" {name} ")), "")


def entry(app: KrantApp, name: str):
    return next((each for each in app.main.sidebar.entries if each.name == name), None)


async def save_as(pilot: Pilot[None], app: KrantApp, query: str, name: str) -> None:
    await pilot.press("slash", *query)
    assert await until(pilot, lambda: f"for '{query}'" in app.sub_title), app.sub_title
    await pilot.press("ctrl+s")
    assert await until(pilot, lambda: isinstance(app.screen, PromptScreen))
    await pilot.press(*name, "enter")
    assert await until(pilot, lambda: not isinstance(app.screen, PromptScreen))


async def test_ctrl_s_saves_the_query_and_the_sidebar_lists_it_with_counts(tmp_path: Path) -> None:
    app = new_app(seed(tmp_path), tmp_path)
    async with app.run_test(size=WIDE) as pilot:
        await wait_loaded(pilot, app)
        await save_as(pilot, app, "cat:releases rust", "Rust releases")
        await until_shown(pilot, app, "Saved searches", "Rust releases")
        assert await until(pilot, lambda: "2/2" in sidebar_line(app, "Rust releases")), screen_text(app)
        saved = tomllib.loads(saved_file(tmp_path).read_text(encoding="utf-8"))
        assert saved["search"] == [{"name": "Rust releases", "query": "cat:releases rust"}]
        # Choosing it lists its posts, newest first.
        await pilot.press("escape")
        app.main.sidebar.focus()
        index = app.main.sidebar.index_of((EntryKind.SAVED, "Rust releases"))
        assert index is not None
        app.main.sidebar.move_cursor(index)
        assert await until(
            pilot,
            lambda: (
                [post.title for post in app.main.article_list.posts] == ["Vijf over rust", "Drie over rust"]
            ),
        )
        # Its unread count follows a mark.
        app.main.article_list.focus()
        await pilot.press("m")
        assert await until(pilot, lambda: "1/2" in sidebar_line(app, "Rust releases")), screen_text(app)
    again = new_app(tmp_path / "posts", tmp_path)  # and it is there next time
    async with again.run_test(size=WIDE) as pilot:
        await wait_loaded(pilot, again)
        assert await until(pilot, lambda: "1/2" in sidebar_line(again, "Rust releases")), screen_text(again)


async def test_the_cursor_passes_over_the_heading(tmp_path: Path) -> None:
    folder = seed(tmp_path)
    saved_file(tmp_path, '[[search]]\nname = "Rust"\nquery = "rust"\n')
    app = new_app(folder, tmp_path)
    async with app.run_test(size=WIDE) as pilot:
        await wait_loaded(pilot, app)
        await until_shown(pilot, app, "Saved searches")
        sidebar = app.main.sidebar
        sidebar.focus()
        heading = sidebar.index_of((EntryKind.HEADING, "Saved searches"))
        assert heading is not None
        sidebar.move_cursor(heading - 1)
        await pilot.press("j")
        assert sidebar.selected is not None and sidebar.selected.name == "Rust"
        await pilot.press("k")
        assert sidebar.selected is not None and sidebar.selected.kind is EntryKind.CATEGORY


async def test_saved_counts_follow_a_live_arrival(tmp_path: Path) -> None:
    folder = seed(tmp_path)
    saved_file(tmp_path, '[[search]]\nname = "Rust"\nquery = "rust"\n')
    app = make_app(folder, locations=Locations.under(tmp_path), clock=fixed_clock, watch=True)
    async with app.run_test(size=WIDE) as pilot:
        await wait_loaded(pilot, app)
        assert await until(pilot, lambda: "3/3" in sidebar_line(app, "Rust")), screen_text(app)
        write_post(folder, "2024-01-06-zes.md", "Zes over rust", "2024-01-06 10:00:00", "releases")
        assert await until(pilot, lambda: "4/4" in sidebar_line(app, "Rust")), screen_text(app)
        write_post(folder, "2024-01-07-zeven.md", "Zeven", "2024-01-07 10:00:00", "releases")
        assert await until(pilot, lambda: len(app.library) == 6)
        assert "4/4" in sidebar_line(app, "Rust")


async def test_the_palette_renames_and_removes_the_saved_search_shown(tmp_path: Path) -> None:
    folder = seed(tmp_path)
    saved_file(tmp_path, '[[search]]\nname = "Rust"\nquery = "rust"\n')
    app = new_app(folder, tmp_path)
    async with app.run_test(size=WIDE) as pilot:
        await wait_loaded(pilot, app)
        await until_shown(pilot, app, "Saved searches")
        sidebar = app.main.sidebar
        sidebar.move_cursor(sidebar.index_of((EntryKind.SAVED, "Rust")))
        await open_palette(pilot, app)
        await pilot.press(*"Rename saved", "enter")
        assert await until(pilot, lambda: isinstance(app.screen, PromptScreen))
        await pilot.press(*["backspace"] * 4, *"Roest", "enter")
        await until_shown(pilot, app, "Roest")
        assert entry(app, "Rust") is None and entry(app, "Roest") is not None
        assert 'name = "Roest"' in saved_file(tmp_path).read_text(encoding="utf-8")
        await open_palette(pilot, app)
        await pilot.press(*"Remove saved", "enter")
        assert await until(pilot, lambda: entry(app, "Roest") is None)
        assert "Saved searches" not in screen_text(app)
        assert "\n[[search]]" not in saved_file(tmp_path).read_text(encoding="utf-8")


async def test_a_damaged_file_is_kept_aside_with_a_notice_and_a_mistaken_query_shows_why(
    tmp_path: Path,
) -> None:
    folder = seed(tmp_path)
    saved_file(tmp_path, "[[search]\nname = ")
    app = new_app(folder, tmp_path)
    notices = record_notices(app)
    async with app.run_test(size=WIDE) as pilot:
        await wait_loaded(pilot, app)
        assert await until(pilot, lambda: any("was not valid TOML" in notice for notice in notices)), notices
        assert "Saved searches" not in screen_text(app)
    assert not saved_file(tmp_path).exists()
    assert list(saved_file(tmp_path).parent.glob(f"{SEARCHES_FILE}.corrupt-*"))
    saved_file(tmp_path).write_text('[[search]]\nname = "Kapot"\nquery = "catgory:x"\n', encoding="utf-8")
    app = new_app(folder, tmp_path)
    notices = record_notices(app)
    async with app.run_test(size=WIDE) as pilot:
        await wait_loaded(pilot, app)
        await until_shown(pilot, app, "Kapot")
        assert sidebar_line(app, "Kapot").rstrip().endswith(" !")
        app.main.sidebar.move_cursor(app.main.sidebar.index_of((EntryKind.SAVED, "Kapot")))
        await until_shown(pilot, app, "did you mean category:?")
        assert any("did you mean category:?" in notice for notice in notices)


async def test_a_query_with_a_mistake_is_not_saved(tmp_path: Path) -> None:
    app = new_app(seed(tmp_path), tmp_path)
    notices = record_notices(app)
    async with app.run_test(size=WIDE) as pilot:
        await wait_loaded(pilot, app)
        await pilot.press("slash", *"rust (")
        await until_shown(pilot, app, "'(' without ')'")
        await pilot.press("ctrl+s")
        assert await until(pilot, lambda: any("cannot be saved" in notice for notice in notices)), notices
        assert not isinstance(app.screen, PromptScreen) and not saved_file(tmp_path).exists()


RULES = """\
[[search]]
name = "Alles"
query = "-cat:nergens"

[[rule]]
query = "cat:sport"
action = "hide"

[[rule]]
query = "cat:releases"
action = "read"

[[rule]]
query = "title:twee"
action = "highlight"
"""


async def test_rules_hide_mark_read_and_highlight_what_their_queries_find(tmp_path: Path) -> None:
    folder = seed(tmp_path)
    saved_file(tmp_path, RULES)
    app = make_app(folder, locations=Locations.under(tmp_path), clock=fixed_clock, watch=True)
    async with app.run_test(size=WIDE) as pilot:
        await wait_loaded(pilot, app)
        # hide: the sport post is in no list, count or search, only under Muted.
        assert await until(pilot, lambda: entry(app, "Muted") is not None), screen_text(app)
        assert await until(pilot, lambda: "3/3" in sidebar_line(app, "Alles")), screen_text(app)
        assert [post.title for post in app.main.article_list.posts] == [
            "Vijf over rust",
            "Drie over rust",
            "Twee over rust",
        ]
        assert entry(app, "sport") is None and "3/3" in sidebar_line(app, "All")
        assert "1" in sidebar_line(app, "Muted")
        await pilot.press("slash", *"vier")
        assert await until(pilot, lambda: "for 'vier'" in app.sub_title)
        assert app.main.article_list.row_count == 0
        await pilot.press("escape")
        app.main.sidebar.move_cursor(app.main.sidebar.index_of((EntryKind.MUTED, "Muted")))
        assert await until(pilot, lambda: [post.title for post in app.main.article_list.posts] == ["Vier"])
        app.main.sidebar.move_cursor(0)
        # highlight: the title stands out in the theme's accent.
        articles = app.main.article_list
        assert await until(pilot, lambda: len(articles.posts) == 3)
        twee = next(index for index, post in enumerate(articles.posts) if post.title == "Twee over rust")
        drie = next(index for index, post in enumerate(articles.posts) if post.title == "Drie over rust")
        articles.move_cursor(0)
        accent = articles.get_component_rich_style("article-list--highlight").color

        def title_colour(index: int, title: str):
            return next(
                seg.style.color
                for seg in articles.render_row(index, 100, articles.rich_style)
                if seg.text == title
            )

        assert await until(pilot, lambda: title_colour(twee, "Twee over rust") == accent)
        assert title_colour(drie, "Drie over rust") != accent
        # read: what arrives and a read rule finds arrives read; hide mutes an arrival too.
        write_post(folder, "2024-01-06-zes.md", "Zes over rust", "2024-01-06 10:00:00", "releases")
        write_post(folder, "2024-01-07-zeven.md", "Zeven", "2024-01-07 10:00:00", "sport")
        assert await until(pilot, lambda: "2 " in sidebar_line(app, "Muted")), screen_text(app)
        assert await until(pilot, lambda: "2/3" in sidebar_line(app, "releases")), screen_text(app)
        assert await until(pilot, lambda: "3/4" in sidebar_line(app, "Alles")), screen_text(app)
        zes = next(post for post in app.library.posts if post.title == "Zes over rust")
        assert not app.unread.is_unread(zes)
        assert "Zeven" not in [post.title for post in app.main.article_list.posts]


async def test_marking_a_saved_search_read_marks_its_posts_only(tmp_path: Path) -> None:
    folder = seed(tmp_path)
    saved_file(tmp_path, '[[search]]\nname = "Rust"\nquery = "rust"\n')
    app = new_app(folder, tmp_path)
    async with app.run_test(size=WIDE) as pilot:
        await wait_loaded(pilot, app)
        sidebar = app.main.sidebar
        assert await until(pilot, lambda: sidebar.index_of((EntryKind.SAVED, "Rust")) is not None)
        sidebar.move_cursor(sidebar.index_of((EntryKind.SAVED, "Rust")))
        assert await until(pilot, lambda: len(app.main.article_list.posts) == 3)
        app.main.article_list.focus()
        await pilot.press("A")
        await until_shown(pilot, app, "Mark 3 posts in Rust as read?")
        await pilot.press("y")
        assert await until(pilot, lambda: "0/3" in sidebar_line(app, "Rust")), screen_text(app)
        assert [post.title for post in app.library.posts if app.unread.is_unread(post)] == ["Vier"]


async def test_a_story_is_listed_once_whichever_of_its_posts_a_saved_search_finds(tmp_path: Path) -> None:
    folder = tmp_path / "posts"
    folder.mkdir()
    link = "https://example.org/verhaal"
    write_post(folder, "2024-01-02-nieuw.md", "Het verhaal", "2024-01-02 10:00:00", "nieuw", link=link)
    write_post(folder, "2024-01-01-oud.md", "Het verhaal (eerder)", "2024-01-01 10:00:00", "oud", link=link)
    write_post(folder, "2024-01-03-ander.md", "Iets anders", "2024-01-03 10:00:00", "oud")
    saved_file(tmp_path, '[[search]]\nname = "Oud"\nquery = "cat:oud"\n')
    app = new_app(folder, tmp_path)
    async with app.run_test(size=WIDE) as pilot:
        await wait_loaded(pilot, app)
        sidebar = app.main.sidebar
        assert await until(pilot, lambda: sidebar.index_of((EntryKind.SAVED, "Oud")) is not None)
        sidebar.move_cursor(sidebar.index_of((EntryKind.SAVED, "Oud")))
        assert await until(
            pilot,
            lambda: [post.title for post in app.main.article_list.posts] == ["Iets anders", "Het verhaal"],
        ), [post.title for post in app.main.article_list.posts]
