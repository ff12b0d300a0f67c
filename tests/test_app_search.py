"""Search in the app (`/`): results as a list with the match in context, opening one, going back to where
the user was, queries that match nothing or hold FTS5 syntax, posts not indexed yet, and live arrivals."""

from __future__ import annotations

import json
import threading
from pathlib import Path

import pytest
from rich.segment import Segment
from textual import events
from textual.pilot import Pilot
from ui_helpers import (
    OLDER_TITLE,
    FakeDesktop,
    amsterdam,  # noqa: F401 (a fixture, used through pytestmark)
    copy_seed,
    eventually,
    fixed_clock,
    new_app,
    open_palette,
    record_notices,
    screen_text,
    settled,
    until,
    until_shown,
    wait_article,
    wait_loaded,
    write_post,
)

from tui.core.locations import Locations
from tui.core.post import Post, identity_key
from tui.ui import search_mode as searching
from tui.ui.app import KrantApp, make_app
from tui.ui.widgets.search_bar import SearchBar
from tui.ui.widgets.sidebar import EntryKind

pytestmark = [pytest.mark.asyncio, pytest.mark.usefixtures("amsterdam")]

WIDE = (160, 48)
NARROW = (100, 30)
SYRIE_TITLE = "Scepsis bij bondgenoten VS over dreiging in Irak"
"""The seed post whose body mentions Syrië (the other only mentions Irak and Syrië in its last lines)."""


async def search_for(pilot: Pilot[None], app: KrantApp, query: str) -> None:
    """Press `/`, type the query, and wait until the header says what it found for it."""
    await pilot.press("slash")
    await pilot.pause()
    app.main.search_bar.value = ""
    assert await until(pilot, lambda: app.sub_title.startswith("Search"))  # no results shown yet
    await pilot.press(*query)
    assert await until(pilot, lambda: f"for '{query}'" in app.sub_title), app.sub_title


async def to_results(pilot: Pilot[None], app: KrantApp) -> None:
    """Enter in the search box, and wait until the results have the focus (keys before go to the box)."""
    await pilot.press("enter")
    assert await until(pilot, lambda: app.focused is app.main.article_list), app.focused


def list_rows(app: KrantApp) -> list[list[Segment]]:
    articles = app.main.article_list
    return [articles.render_row(index, 120, articles.rich_style) for index in range(articles.row_count)]


def seeded_with_categories(tmp_path: Path) -> Path:
    """The seed posts plus three of our own in a category of their own, "weer"."""
    folder = copy_seed(tmp_path)
    for day, title in ((14, "Weer in Damascus"), (13, "Regen"), (12, "Wind")):
        write_post(folder, f"2019-05-{day}-{day}.html", title, f"2019-05-{day} 10:00:00", "weer")
    return folder


async def test_typing_a_query_lists_the_posts_with_the_match_in_context(tmp_path: Path) -> None:
    app = new_app(copy_seed(tmp_path), tmp_path)
    async with app.run_test(size=WIDE) as pilot:
        await wait_loaded(pilot, app)
        await search_for(pilot, app, "syrie")
        assert app.sub_title == "2 results for 'syrie', newest first"
        assert isinstance(app.focused, SearchBar)
        # The snippet: the body's words around the match, accents as written.
        await until_shown(pilot, app, "2 results for 'syrie', newest first", "Syrië")
        titles = [post.title for post in app.main.article_list.posts]
        assert titles == [SYRIE_TITLE, OLDER_TITLE]  # newest first
        for row in list_rows(app):
            matched = [segment.text for segment in row if segment.style and segment.style.bold]
            assert "Syrië" in matched  # the matched word is emphasised, not just present


async def test_enter_goes_to_the_results_and_opens_one(tmp_path: Path) -> None:
    app = new_app(copy_seed(tmp_path), tmp_path)
    async with app.run_test(size=WIDE) as pilot:
        await wait_loaded(pilot, app)
        await search_for(pilot, app, "syrie")
        await to_results(pilot, app)
        await pilot.press("j")
        assert app.main.article_list.selected_post.title == OLDER_TITLE
        await pilot.press("k", "enter")
        await wait_article(pilot, app, SYRIE_TITLE)
        assert app.article_view.post is not None and app.article_view.post.title == SYRIE_TITLE
        assert "Ghika" in screen_text(app)  # the article's text is on screen


async def test_enter_opens_a_result_on_its_own_screen_when_narrow(tmp_path: Path) -> None:
    app = new_app(copy_seed(tmp_path), tmp_path)
    async with app.run_test(size=NARROW) as pilot:
        await wait_loaded(pilot, app)
        await search_for(pilot, app, "syrie")
        await to_results(pilot, app)
        await pilot.press("j", "enter")
        await wait_article(pilot, app, OLDER_TITLE)
        assert app.reader is not None and app.article_view.post.title == OLDER_TITLE
        await pilot.press("escape")
        assert await until(pilot, lambda: app.reader is None), app.screen
        assert app.main.search.active  # back in the results first
        assert app.sub_title == "2 results for 'syrie', newest first"


async def test_escape_returns_to_the_category_and_the_cursor(tmp_path: Path) -> None:
    app = new_app(seeded_with_categories(tmp_path), tmp_path)
    async with app.run_test(size=WIDE) as pilot:
        await wait_loaded(pilot, app)
        app.go_to_category("weer")
        weer = ["Weer in Damascus", "Regen", "Wind"]
        assert await until(pilot, lambda: [post.title for post in app.main.article_list.posts] == weer)
        await pilot.press("j")
        assert app.main.article_list.selected_post.title == "Regen"
        await search_for(pilot, app, "syrie")
        assert [post.title for post in app.main.article_list.posts][0] == SYRIE_TITLE
        await pilot.press("escape")

        def back() -> None:
            assert not app.main.search.active and not app.main.search_bar.display
            assert app.main.sidebar.selected.name == "weer"
            assert [post.title for post in app.main.article_list.posts] == weer
            assert app.main.article_list.selected_post.title == "Regen"
            assert app.focused is app.main.article_list
            assert "Regen" in screen_text(app) and "2 results" not in app.sub_title

        await eventually(pilot, back)


async def test_escape_from_the_results_leaves_search_too(tmp_path: Path) -> None:
    app = new_app(seeded_with_categories(tmp_path), tmp_path)
    async with app.run_test(size=WIDE) as pilot:
        await wait_loaded(pilot, app)
        await pilot.press("j", "j")
        selected = app.main.article_list.selected_post
        await search_for(pilot, app, "syrie")
        await to_results(pilot, app)
        await pilot.press("enter")  # open the first
        await wait_article(pilot, app, SYRIE_TITLE)
        await pilot.press("escape")  # from the article back to the results
        assert await until(pilot, lambda: app.focused is app.main.article_list), app.focused
        assert app.main.search.active
        await pilot.press("escape")  # out of search
        assert await until(pilot, lambda: not app.main.search.active)
        assert await until(pilot, lambda: app.main.article_list.selected_post == selected)
        assert app.main.sidebar.selected.kind is EntryKind.ALL


async def test_a_query_without_matches_says_so(tmp_path: Path) -> None:
    app = new_app(copy_seed(tmp_path), tmp_path)
    async with app.run_test(size=WIDE) as pilot:
        await wait_loaded(pilot, app)
        await search_for(pilot, app, "xyzzy")
        assert app.sub_title == "0 results for 'xyzzy', newest first"
        await until_shown(pilot, app, "Nothing found for 'xyzzy'.")
        assert app.main.article_list.row_count == 0


@pytest.mark.parametrize(
    ("query", "count"),
    [
        ("-syrie", 0),  # every seed post mentions Syrië
        ("-(syrie)", 0),
        ('"syrie', 2),
        ("syrie*", 2),
        ("AND", None),
        ("title:syrie", None),
        ("[b]x[/b]", None),
        ("cat:buitenland", 1),
        ("cat:buitenland -irak", 0),
        ("is:unread", 2),
        ("is:read", 0),
    ],
)
async def test_fts_syntax_in_a_query_is_searched_for_and_never_raises(
    tmp_path: Path, query: str, count: int | None
) -> None:
    app = new_app(copy_seed(tmp_path), tmp_path)
    async with app.run_test(size=WIDE) as pilot:
        await wait_loaded(pilot, app)
        await search_for(pilot, app, query)
        assert app.is_running
        await until_shown(pilot, app, f"for '{query}'")  # shown literally in the header, markup and all
        if count is not None:
            assert app.main.article_list.row_count == count  # the words count; the syntax is not obeyed


@pytest.mark.parametrize("query", ['"', "*", "-", '""'])
async def test_a_query_of_punctuation_asks_for_nothing(tmp_path: Path, query: str) -> None:
    app = new_app(copy_seed(tmp_path), tmp_path)
    async with app.run_test(size=WIDE) as pilot:
        await wait_loaded(pilot, app)
        await pilot.press("slash", *query)
        await until_shown(pilot, app, searching.HINT[:40])
        assert app.main.article_list.row_count == 0 and app.main.search.problem is None


@pytest.mark.parametrize(
    ("typed", "problem", "where"),
    [
        (" (", "'(' without ')'", "("),
        (' AND (irak OR "', "'(' without ')'", "("),
        (" NEAR(x", "'(' without ')'", "("),
        (" OR", "OR needs a term after it", "OR"),
        (" catgory:x", "unknown field 'catgory:' — did you mean category:?", "catgory:"),
        (" is:[b]x", "is: takes unread, read, starred or new", "is:[b]x"),
        (" newer:7q", "newer: needs an age like 7d (h, d, w, m or y)", "newer:7q"),
    ],
)
async def test_a_mistake_is_pointed_at_under_the_box_and_the_last_results_stay(
    tmp_path: Path, typed: str, problem: str, where: str
) -> None:
    app = new_app(copy_seed(tmp_path), tmp_path)
    notices = record_notices(app)
    async with app.run_test(size=WIDE) as pilot:
        await wait_loaded(pilot, app)
        await search_for(pilot, app, "syrie")
        assert app.main.article_list.row_count == 2
        notices.clear()
        await pilot.press(*typed)
        screen = await until_shown(pilot, app, problem)
        assert app.is_running and notices == []  # under the box, never a dialog or a notice
        assert app.main.article_list.row_count == 2 and "for 'syrie'" in app.sub_title  # the last results
        lines = screen.splitlines()
        box = next(line for line in lines if "syrie" + typed in line)
        under = lines[lines.index(box) + 2]  # the box's lower border is between them
        assert problem in under
        column = box.index("syrie" + typed) + len("syrie") + typed.rindex(where)
        assert under[column : column + len(where)] == "^" * len(where), (box, under)
        await pilot.press(*["backspace"] * len(typed))  # mended: the line goes, the results stay
        assert await until(pilot, lambda: problem not in screen_text(app))
        assert app.main.search.problem is None and app.main.article_list.row_count == 2


async def test_stale_results_are_dropped_for_the_latest_query(tmp_path: Path) -> None:
    app = new_app(copy_seed(tmp_path), tmp_path)
    async with app.run_test(size=WIDE) as pilot:
        await wait_loaded(pilot, app)
        app.main.search_bar.debounce = 0.001  # every key searches: old searches end after newer ones start
        await pilot.press("slash", *"xyzzy", *["backspace"] * 5, *"ghika")
        assert await until(pilot, lambda: app.sub_title == "1 result for 'ghika', newest first")
        await settled(pilot, app)  # every older search has ended too, and what it posted is handled
        assert app.sub_title == "1 result for 'ghika', newest first"
        assert [post.title for post in app.main.article_list.posts] == [SYRIE_TITLE]


async def test_n_goes_to_the_next_unread_result_only(tmp_path: Path) -> None:
    app = new_app(copy_seed(tmp_path), tmp_path)
    async with app.run_test(size=WIDE, notifications=True) as pilot:
        await wait_loaded(pilot, app)
        messages = record_notices(app)
        await search_for(pilot, app, "syrie")
        await to_results(pilot, app)
        await pilot.press("enter")  # open the first: read now
        await wait_article(pilot, app, SYRIE_TITLE)
        await pilot.press("n")
        await wait_article(pilot, app, OLDER_TITLE)
        assert app.article_view.post.title == OLDER_TITLE
        assert app.main.search.active and app.main.sidebar.selected.kind is EntryKind.ALL
        await pilot.press("n")
        assert await until(pilot, lambda: "No unread posts among the results." in messages), messages
        assert app.main.search.active  # n did not wander off to another category


async def test_choosing_a_category_leaves_search(tmp_path: Path) -> None:
    app = new_app(seeded_with_categories(tmp_path), tmp_path)
    async with app.run_test(size=WIDE) as pilot:
        await wait_loaded(pilot, app)
        await search_for(pilot, app, "syrie")
        await to_results(pilot, app)
        await pilot.press("right_square_bracket")
        assert await until(pilot, lambda: not app.main.search.active and not app.main.search_bar.display)
        assert app.main.sidebar.selected.kind is EntryKind.CATEGORY


async def test_the_command_palette_starts_a_search(tmp_path: Path) -> None:
    app = new_app(copy_seed(tmp_path), tmp_path)
    async with app.run_test(size=WIDE) as pilot:
        await wait_loaded(pilot, app)
        await open_palette(pilot, app)
        await pilot.press(*"Search")
        assert await until(pilot, lambda: "Search the titles" in screen_text(app))
        await pilot.press("enter")
        assert await until(pilot, lambda: isinstance(app.focused, SearchBar))
        assert app.main.search.active


async def test_posts_not_indexed_yet_are_found_by_title_while_loading(tmp_path: Path) -> None:
    folder = copy_seed(tmp_path)
    app = new_app(folder, tmp_path)
    async with app.run_test(size=WIDE) as pilot:
        await wait_loaded(pilot, app)
        # A post the loader has yet to index: in the library, not in the index, while loading goes on.
        when, title = fixed_clock(), "Kwakzalver uit Syrië"
        post = Post(folder / "2019-05-16-x.html", "2019-05-16-x.html", title, when, ("x",),
                    key=identity_key(None, title, when))  # fmt: skip
        app.update_library([post])
        app.main.set_loading(True)
        await search_for(pilot, app, "syrie")
        assert app.sub_title == "3 results for 'syrie', newest first · still indexing"
        assert [each.title for each in app.main.article_list.posts][0] == title
        await search_for(pilot, app, "kwakz")
        assert [each.title for each in app.main.article_list.posts] == [title]
        await until_shown(pilot, app, "Kwakzalver")
        app.main.set_loading(False)
        await search_for(pilot, app, "kwakz")
        assert app.sub_title == "0 results for 'kwakz', newest first"  # once loaded, the index alone answers


async def test_results_while_loading_are_the_newest_of_index_and_titles_together(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(searching, "SEARCH_LIMIT", 3)
    folder = copy_seed(tmp_path)  # two posts whose text mentions Syrië, both in the index once loaded
    app = new_app(folder, tmp_path)
    async with app.run_test(size=WIDE) as pilot:
        await wait_loaded(pilot, app)
        unindexed = []
        for day in (10, 11, 16, 17):  # two older than the seed posts, two newer
            when, title = fixed_clock().replace(day=day), f"Syrië op de {day}e"
            unindexed.append(Post(folder / f"2019-05-{day}-x.html", f"2019-05-{day}-x.html", title, when,
                                  ("x",), key=identity_key(None, title, when)))  # fmt: skip
        app.update_library(unindexed)
        app.main.set_loading(True)
        await search_for(pilot, app, "syrie")
        assert app.sub_title == "the first 3 results for 'syrie', newest first · still indexing"
        assert [post.title for post in app.main.article_list.posts] == [
            "Syrië op de 17e",
            "Syrië op de 16e",
            SYRIE_TITLE,
        ]


async def test_a_post_written_while_krant_runs_is_found(tmp_path: Path) -> None:
    folder = copy_seed(tmp_path)
    app = make_app(folder, locations=Locations.under(tmp_path), clock=fixed_clock, watch=True)
    async with app.run_test(size=WIDE) as pilot:
        await wait_loaded(pilot, app)
        watching = lambda: any(thread.name.startswith("krant-watch") for thread in threading.enumerate())  # noqa: E731
        assert await until(pilot, watching)
        await search_for(pilot, app, "kwartel")
        assert app.sub_title == "0 results for 'kwartel', newest first"
        write_post(folder, "2019-05-16-kwartel.html", "Vogels", "2019-05-16 08:00:00", "natuur",
                   body="<p>Een kwartel in de tuin.</p>")  # fmt: skip
        searched_again = "1 result for 'kwartel', newest first"
        assert await until(pilot, lambda: app.sub_title == searched_again)
        await until_shown(pilot, app, "kwartel", "Vogels")


async def test_keys_typed_straight_after_slash_go_to_the_search_box(tmp_path: Path) -> None:
    """A fast typist or a paste: `/syrie` in one go searches, and `y` never reaches the list."""
    app = new_app(copy_seed(tmp_path), tmp_path)
    copied: list[str] = []
    app.copy_to_clipboard = copied.append  # type: ignore[method-assign]
    async with app.run_test(size=WIDE) as pilot:
        await wait_loaded(pilot, app)
        app.main.article_list.focus()
        assert await until(pilot, lambda: app.focused is app.main.article_list)
        # All keys queued at once, as a terminal delivers a paste, with no pause between them.
        for key, character in (("slash", "/"), *((letter, letter) for letter in "syrie")):
            app.post_message(events.Key(key, character))
        assert await until(pilot, lambda: "for 'syrie'" in app.sub_title), app.sub_title
        assert app.main.search_bar.value == "syrie"
        assert copied == []


async def test_a_slash_typed_in_the_search_box_is_part_of_the_query(tmp_path: Path) -> None:
    app = new_app(copy_seed(tmp_path), tmp_path)
    async with app.run_test(size=WIDE) as pilot:
        await wait_loaded(pilot, app)
        await pilot.press("slash", "a", "slash", "b")
        assert app.main.search_bar.value == "a/b"
        # Pasted: every key queued at once, the slashes among them keep their place.
        app.main.search_bar.value = ""
        for character in "tcp/ip/udp":
            app.post_message(events.Key("slash" if character == "/" else character, character))
        typed = app.main.search_bar
        assert await until(pilot, lambda: typed.value == "tcp/ip/udp"), typed.value


async def test_ctrl_o_switches_between_best_first_and_newest_first(tmp_path: Path) -> None:
    folder = tmp_path / "posts"
    folder.mkdir()
    write_post(folder, "2019-05-10-oud.html", "Kraan in de haven", "2019-05-10 08:00:00", "haven",
               body="<p>Een kraan, nog een kraan en de grootste kraan van de haven.</p>")  # fmt: skip
    write_post(folder, "2019-05-14-nieuw.html", "Weerbericht", "2019-05-14 08:00:00", "weer",
               body="<p>Regen. Bij de haven stond een kraan.</p>")  # fmt: skip
    app = new_app(folder, tmp_path)
    async with app.run_test(size=(120, 30)) as pilot:
        await wait_loaded(pilot, app)
        await search_for(pilot, app, "kraan")
        await until_shown(pilot, app, "2 results for 'kraan', newest first")
        assert [post.title for post in app.main.article_list.posts] == ["Weerbericht", "Kraan in de haven"]
        await pilot.press("ctrl+o")  # in the search box
        await until_shown(pilot, app, "2 results for 'kraan', best first")
        best = [post.title for post in app.main.article_list.posts]
        assert best == ["Kraan in de haven", "Weerbericht"]  # in the title, and more often
        await to_results(pilot, app)
        await pilot.press("ctrl+o")  # and in the results
        await until_shown(pilot, app, "2 results for 'kraan', newest first")
        assert [post.title for post in app.main.article_list.posts] == ["Weerbericht", "Kraan in de haven"]


async def test_krant_list_query_finds_what_slash_finds_on_the_same_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from test_query import write_posts

    from tui.cli import main
    from tui.core.read_marks import ReadMarks
    from tui.core.reading import read_post

    folder = tmp_path / "posts"
    folder.mkdir()
    write_posts(folder)
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "xdg"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    locations = Locations(tmp_path / "xdg" / "krant", tmp_path / "cache", tmp_path / "config" / "krant")
    rules = locations.config_dir / "searches.toml"  # a hide rule counts on both sides too
    rules.parent.mkdir(parents=True)
    rules.write_text('[[rule]]\nquery = "tag:sponsored"\naction = "hide"\n', encoding="utf-8")
    with ReadMarks.open(folder, locations.state_dir) as marks:
        sport = read_post(next(folder.glob("*-sport.md")), folder)
        assert isinstance(sport, Post)
        marks.mark([sport.key])
    queries = [
        "rust",
        "cat:releases",
        "-cat:releases is:unread",
        "tag:koffie OR voetbal",
        "before:2019-06-01 -rust",
        'title:"rust and"',
        "is:read",
        "(cat:sport OR cat:ads) -tag:sponsored",
    ]
    listed = {}
    for query in queries:
        assert main(["list", str(folder), "--query", query, "--json"]) == 0
        listed[query] = [record["title"] for record in json.loads(capsys.readouterr().out)]
    assert listed["is:read"] == ["Sport nieuws"]  # the mark counts on both sides
    assert listed["rust"] == ["Rust and Go", "Rust 1.0 released"]  # not the sponsored post
    app = make_app(folder, locations=locations, clock=fixed_clock, watch=False, desktop=FakeDesktop())
    async with app.run_test(size=WIDE) as pilot:
        await wait_loaded(pilot, app)
        for query in queries:
            await search_for(pilot, app, query)
            assert [post.title for post in app.main.article_list.posts] == listed[query], query
            await pilot.press("escape")


async def test_is_starred_finds_the_posts_starred_with_s(tmp_path: Path) -> None:
    app = new_app(copy_seed(tmp_path), tmp_path)
    async with app.run_test(size=WIDE) as pilot:
        await wait_loaded(pilot, app)
        app.main.article_list.focus()
        starred = app.main.article_list.posts[1]
        app.main.article_list.move_cursor(1)
        await pilot.press("s")
        assert await until(pilot, lambda: app.unread.is_starred(starred))
        await search_for(pilot, app, "is:starred")
        assert [post.path for post in app.main.article_list.posts] == [starred.path]
        await pilot.press("escape")
        await search_for(pilot, app, "-is:starred")
        assert starred.path not in [post.path for post in app.main.article_list.posts]
        assert app.main.article_list.row_count == 1
