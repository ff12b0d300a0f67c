"""Read state in the reader: what is marked unread, how marks change, and where n, p and Space go."""

from __future__ import annotations

import re
import sqlite3
from pathlib import Path

import pytest
from textual.pilot import Pilot
from ui_helpers import (  # noqa: F401 (amsterdam: a fixture)
    amsterdam,
    eventually,
    many_posts,
    new_app,
    notifications,
    record_notices,
    screen_text,
    until,
    until_shown,
    wait_article,
    wait_loaded,
    write_post,
)

import tui.ui.app
from tui.core import read_marks
from tui.core.loader import LoadBatch
from tui.core.locations import Locations
from tui.core.read_marks import ReadMarks, store_path, stored_marks
from tui.ui.app import KrantApp
from tui.ui.messages import PostsLoaded
from tui.ui.screens.confirm import ConfirmScreen
from tui.ui.screens.reader import ReaderScreen

pytestmark = [pytest.mark.asyncio, pytest.mark.usefixtures("amsterdam")]

WIDE = (160, 48)
NARROW = (80, 24)
LONG_BODY = "".join(f"<p>Alinea {number} met wat tekst om de pagina te vullen.</p>" for number in range(60))

POSTS = (
    # (file, title, date, category), newest first within each category
    ("b1.md", "Binnen een", "2019-05-15 12:00:00 +0200", "binnenland"),
    ("b2.md", "Binnen twee", "2019-05-14 12:00:00 +0200", "binnenland"),
    ("u1.md", "Buiten een", "2019-05-15 11:00:00 +0200", "buitenland"),
    ("u2.md", "Buiten twee", "2019-05-14 11:00:00 +0200", "buitenland"),
    ("u3.md", "Buiten drie", "2019-05-13 11:00:00 +0200", "buitenland"),
    ("s1.md", "Sport een", "2019-05-15 10:00:00 +0200", "sport"),
)


def make_folder(tmp_path: Path) -> Path:
    folder = tmp_path / "posts"
    folder.mkdir(parents=True)
    for name, title, when, category in POSTS:
        write_post(folder, name, title, when, category)
    return folder


def sidebar_count(app: KrantApp, name: str) -> str:
    """The `unread/total` the sidebar shows next to a name."""
    match = re.search(rf"^ {re.escape(name)} +(\d+/\d+) ", screen_text(app), re.MULTILINE)
    assert match is not None, f"{name} is not in the sidebar:\n{screen_text(app)}"
    return match.group(1)


def rows(app: KrantApp, title: str) -> list[str]:
    """The screen lines that show a post in the list (its title after the date and category)."""
    return [
        line for line in screen_text(app).splitlines() if re.search(rf"\S {{2,}}{re.escape(title)}\b", line)
    ]


def row(app: KrantApp, title: str) -> str:
    found = rows(app, title)
    assert found, f"{title} is not in the list:\n{screen_text(app)}"
    return found[0]


def marked_unread(app: KrantApp, title: str) -> bool:
    return "●" in row(app, title)  # then the star column: "● " or "●★ "


def counted(app: KrantApp, name: str, count: str) -> None:
    """The sidebar shows `count` (`unread/total`) next to a name."""
    assert sidebar_count(app, name) == count


def read(app: KrantApp, title: str) -> None:
    """A post's row shows it read."""
    assert not marked_unread(app, title)


def open_title(app: KrantApp) -> str | None:
    post = app.article_view.post
    return post.title if post is not None else None


async def go_to(pilot: Pilot[None], app: KrantApp, category: str) -> None:
    """Select a category in the sidebar with `]`, as a user would, and wait for the list to show it."""
    sidebar = app.main.sidebar
    for _ in range(10):
        if sidebar.selected.name == category:
            break
        cursor = sidebar.cursor
        await pilot.press("]")
        assert await until(pilot, lambda cursor=cursor: sidebar.cursor != cursor), (
            f"] did not move from {cursor}"
        )
    else:
        raise AssertionError(f"no category {category}")

    def listed() -> bool:
        posts = app.main.article_list.posts
        return bool(posts) and all(category in post.categories for post in posts)

    assert await until(pilot, listed), f"the list does not show {category}:\n{screen_text(app)}"


async def test_every_post_starts_unread_and_opening_marks_it_read(tmp_path: Path):
    app = new_app(make_folder(tmp_path), tmp_path)
    async with app.run_test(size=WIDE, notifications=True) as pilot:
        await wait_loaded(pilot, app)
        assert sidebar_count(app, "All") == "6/6"
        assert sidebar_count(app, "binnenland") == "2/2"
        assert all(marked_unread(app, title) for _file, title, _when, _category in POSTS)
        assert "6 unread" in screen_text(app)
        await pilot.press("enter")
        await wait_article(pilot, app, "Binnen een")
        assert open_title(app) == "Binnen een"

        def opened() -> None:
            assert not marked_unread(app, "Binnen een")
            assert marked_unread(app, "Buiten een")
            assert sidebar_count(app, "All") == "5/6"
            assert sidebar_count(app, "binnenland") == "1/2"
            assert sidebar_count(app, "buitenland") == "3/3"
            assert "5 unread" in screen_text(app)

        await eventually(pilot, opened)


async def test_marks_survive_a_restart_and_a_renamed_file(tmp_path: Path):
    folder = make_folder(tmp_path)
    app = new_app(folder, tmp_path)
    async with app.run_test(size=WIDE, notifications=True) as pilot:
        await wait_loaded(pilot, app)
        await pilot.press("enter")
        await wait_article(pilot, app, "Binnen een")
        await eventually(pilot, lambda: counted(app, "binnenland", "1/2"))
    (folder / "b1.md").rename(folder / "elders.md")
    again = new_app(folder, tmp_path)
    async with again.run_test(size=WIDE, notifications=True) as pilot:
        await wait_loaded(pilot, again)
        assert not marked_unread(again, "Binnen een")
        assert marked_unread(again, "Binnen twee")
        assert sidebar_count(again, "binnenland") == "1/2"
        assert sidebar_count(again, "All") == "5/6"


async def test_m_toggles_the_selected_post_and_the_open_article(tmp_path: Path):
    app = new_app(make_folder(tmp_path), tmp_path)
    async with app.run_test(size=WIDE, notifications=True) as pilot:
        await wait_loaded(pilot, app)
        await pilot.press("j", "m")  # the second row: Buiten een

        def read() -> None:
            assert not marked_unread(app, "Buiten een")
            assert sidebar_count(app, "buitenland") == "2/3"

        await eventually(pilot, read)
        await pilot.press("m")

        def unread() -> None:
            assert marked_unread(app, "Buiten een")
            assert sidebar_count(app, "buitenland") == "3/3"

        await eventually(pilot, unread)
    narrow = new_app(make_folder(tmp_path / "narrow"), tmp_path / "narrow")
    async with narrow.run_test(size=NARROW, notifications=True) as pilot:
        await wait_loaded(pilot, narrow)
        await pilot.press("enter")
        await wait_article(pilot, narrow, "Binnen een")
        assert narrow.unread.in_category("binnenland") == 1
        await pilot.press("m")  # in the article: unread again
        await until_shown(pilot, narrow, "Marked unread: Binnen een")
        assert isinstance(narrow.screen, ReaderScreen)
        await pilot.press("escape")

        def in_the_list() -> None:
            assert marked_unread(narrow, "Binnen een")
            assert sidebar_count(narrow, "binnenland") == "2/2"

        await eventually(pilot, in_the_list)


async def confirming(pilot: Pilot[None], app: KrantApp, question: str) -> None:
    """Wait until the question to confirm is on screen (keys pressed before would go elsewhere)."""
    assert await until(pilot, lambda: isinstance(app.screen, ConfirmScreen)), app.screen
    await until_shown(pilot, app, question)


async def test_A_asks_marks_the_category_and_u_restores_exactly(tmp_path: Path):
    app = new_app(make_folder(tmp_path), tmp_path)
    async with app.run_test(size=WIDE, notifications=True) as pilot:
        await wait_loaded(pilot, app)
        await go_to(pilot, app, "buitenland")
        await pilot.press("j", "m")  # Buiten twee was read before
        await eventually(pilot, lambda: counted(app, "buitenland", "2/3"))
        await pilot.press("A")
        await confirming(pilot, app, "Mark 2 posts in buitenland as read?")
        await pilot.press("escape")  # no
        assert await until(pilot, lambda: not isinstance(app.screen, ConfirmScreen)), app.screen
        await pilot.pause()  # the answer is handled: that it marks nothing has no event to wait for
        assert sidebar_count(app, "buitenland") == "2/3"
        await pilot.press("A")
        await confirming(pilot, app, "Mark 2 posts in buitenland as read?")
        await pilot.press("y")

        def marked() -> None:
            assert sidebar_count(app, "buitenland") == "0/3"
            assert sidebar_count(app, "All") == "3/6"
            assert not any(
                marked_unread(app, title) for title in ("Buiten een", "Buiten twee", "Buiten drie")
            )
            assert "Marked 2 posts in buitenland as read (u undoes)." in screen_text(app)

        await eventually(pilot, marked)
        await pilot.press("u")

        def restored() -> None:
            assert sidebar_count(app, "buitenland") == "2/3"
            assert marked_unread(app, "Buiten een")
            assert not marked_unread(app, "Buiten twee")  # read before A: still read
            assert marked_unread(app, "Buiten drie")

        await eventually(pilot, restored)
        await pilot.press("u")
        await until_shown(pilot, app, "Nothing to undo.")
        assert sidebar_count(app, "buitenland") == "2/3"


async def test_A_on_All_asks_about_every_unread_post_and_enter_says_yes(tmp_path: Path):
    app = new_app(make_folder(tmp_path), tmp_path)
    async with app.run_test(size=WIDE, notifications=True) as pilot:
        await wait_loaded(pilot, app)
        await pilot.press("A")
        await confirming(pilot, app, "Mark all 6 posts as read?")
        await pilot.press("enter")
        await eventually(pilot, lambda: counted(app, "All", "0/6"))
        await pilot.press("A")
        await until_shown(pilot, app, "No unread posts.")
        assert not isinstance(app.screen, ConfirmScreen)


async def test_n_goes_to_the_next_unread_across_categories_and_says_when_none_are_left(tmp_path: Path):
    app = new_app(make_folder(tmp_path), tmp_path)
    async with app.run_test(size=WIDE, notifications=True) as pilot:
        await wait_loaded(pilot, app)
        await go_to(pilot, app, "buitenland")
        await pilot.press("j", "m", "k")  # Buiten twee is read: n skips it
        await pilot.press("enter")
        await wait_article(pilot, app, "Buiten een")
        assert open_title(app) == "Buiten een"
        await pilot.press("n")
        await wait_article(pilot, app, "Buiten drie")
        assert open_title(app) == "Buiten drie"
        await pilot.press("n")  # buitenland is done: on to sport, the next category with unread posts
        await wait_article(pilot, app, "Sport een")
        assert app.main.sidebar.selected.name == "sport"
        assert open_title(app) == "Sport een"
        assert app.main.article_list.selected_post.title == "Sport een"
        await until_shown(pilot, app, "No unread posts left in buitenland; went to sport.")
        await pilot.press("n")  # wraps around to binnenland
        await wait_article(pilot, app, "Binnen een")
        assert app.main.sidebar.selected.name == "binnenland"
        assert open_title(app) == "Binnen een"
        await pilot.press("n")
        await wait_article(pilot, app, "Binnen twee")
        assert open_title(app) == "Binnen twee"
        assert app.unread.total == 0
        await pilot.press("n")
        await until_shown(pilot, app, "No unread posts anywhere.")
        assert open_title(app) == "Binnen twee"
        assert app.main.sidebar.selected.name == "binnenland"


async def test_n_and_p_in_the_list_move_between_unread_posts_without_opening_them(tmp_path: Path):
    app = new_app(make_folder(tmp_path), tmp_path)
    async with app.run_test(size=WIDE, notifications=True) as pilot:
        await wait_loaded(pilot, app)
        articles = app.main.article_list
        await pilot.press("j", "m", "k")  # All: Binnen een, Buiten een (read), Sport een, ...
        await pilot.press("n")
        assert await until(pilot, lambda: articles.selected_post.title == "Sport een"), articles.selected_post
        await pilot.press("p")
        assert await until(pilot, lambda: articles.selected_post.title == "Binnen een"), (
            articles.selected_post
        )
        assert app.article_view.post is None
        assert app.unread.total == 5


async def test_p_goes_back_to_the_previous_category_with_unread_posts(tmp_path: Path):
    app = new_app(make_folder(tmp_path), tmp_path)
    async with app.run_test(size=WIDE, notifications=True) as pilot:
        await wait_loaded(pilot, app)
        await go_to(pilot, app, "sport")
        await pilot.press("enter")
        await wait_article(pilot, app, "Sport een")
        await pilot.press("p")
        await wait_article(pilot, app, "Buiten drie")
        assert app.main.sidebar.selected.name == "buitenland"
        assert open_title(app) == "Buiten drie"  # going back: the last unread one


async def test_space_at_the_end_of_an_article_opens_the_next_unread(tmp_path: Path):
    folder = make_folder(tmp_path)
    write_post(folder, "b1.md", "Binnen een", "2019-05-15 12:00:00 +0200", "binnenland", body=LONG_BODY)
    app = new_app(folder, tmp_path)
    async with app.run_test(size=NARROW, notifications=True) as pilot:
        await wait_loaded(pilot, app)
        await go_to(pilot, app, "binnenland")
        await pilot.press("enter")
        await wait_article(pilot, app, "Binnen een")
        view = app.article_view
        assert isinstance(app.screen, ReaderScreen)
        await pilot.press("space")
        assert await until(pilot, lambda: view.scroll_y > 0)
        assert open_title(app) == "Binnen een"  # a page down, not yet the next one
        for _ in range(30):
            if open_title(app) != "Binnen een":
                break
            place = view.scroll_y
            await pilot.press("space")
            # The next Space only once this one shows: a page further on, or the next article open.
            assert await until(
                pilot, lambda place=place: view.scroll_y != place or open_title(app) != "Binnen een"
            )
        await wait_article(pilot, app, "Binnen twee")
        assert open_title(app) == "Binnen twee"
        assert "Binnen twee" in screen_text(app)
        assert view.scroll_y == 0
        assert app.unread.in_category("binnenland") == 0


async def test_U_shows_only_unread_posts_and_keeps_one_read_meanwhile(tmp_path: Path):
    app = new_app(make_folder(tmp_path), tmp_path)
    async with app.run_test(size=WIDE, notifications=True) as pilot:
        await wait_loaded(pilot, app)
        await go_to(pilot, app, "buitenland")
        await pilot.press("j", "m", "k")  # Buiten twee read
        await pilot.press("U")

        def only_unread() -> None:
            assert "only unread shown" in screen_text(app)
            assert not rows(app, "Buiten twee")
            assert marked_unread(app, "Buiten een") and marked_unread(app, "Buiten drie")

        await eventually(pilot, only_unread)
        await pilot.press("enter")  # read Buiten een: it stays where it is
        await wait_article(pilot, app, "Buiten een")
        await eventually(pilot, lambda: read(app, "Buiten een"))
        assert app.main.article_list.selected_post.title == "Buiten een"
        await pilot.press("]", "[")  # away and back: now it is gone

        def back_without_it() -> None:
            assert app.main.sidebar.selected.name == "buitenland"
            assert not rows(app, "Buiten een")
            assert marked_unread(app, "Buiten drie")

        await eventually(pilot, back_without_it)
        await pilot.press("A")
        await confirming(pilot, app, "Mark 1 post in buitenland as read?")
        await pilot.press("y")
        assert await until(pilot, lambda: app.unread.in_category("buitenland") == 0)
        await pilot.press("]", "[")
        await until_shown(pilot, app, "No unread posts in buitenland (U shows all posts).")
        assert app.main.sidebar.selected.name == "buitenland"
        await pilot.press("U")

        def all_shown() -> None:
            text = screen_text(app)
            assert "only unread shown" not in text
            assert all(title in text for title in ("Buiten een", "Buiten twee", "Buiten drie"))

        await eventually(pilot, all_shown)


async def test_a_corrupt_store_is_reported_and_krant_still_works(tmp_path: Path):
    folder = make_folder(tmp_path)
    store = store_path(folder, Locations.under(tmp_path).state_dir)
    store.parent.mkdir(parents=True)
    store.write_bytes(b"\x00garbage, not SQLite\xff" * 100)
    app = new_app(folder, tmp_path)
    async with app.run_test(size=WIDE, notifications=True) as pilot:
        await wait_loaded(pilot, app)
        assert await until(
            pilot, lambda: "The read-state store was damaged" in " ".join(screen_text(app).split())
        )
        await pilot.press("enter")
        await wait_article(pilot, app)
        await eventually(pilot, lambda: counted(app, "All", "5/6"))
    assert list(store.parent.glob("*.corrupt-*"))
    again = new_app(folder, tmp_path)
    async with again.run_test(size=WIDE, notifications=True) as pilot:
        await wait_loaded(pilot, again)
        assert sidebar_count(again, "All") == "5/6"  # the new store kept the mark
        assert "damaged" not in screen_text(again)


async def test_marks_from_another_window_appear(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setattr(tui.ui.app, "MARKS_REFRESH_SECONDS", 0.05)
    folder = make_folder(tmp_path)
    app = new_app(folder, tmp_path)
    async with app.run_test(size=WIDE, notifications=True) as pilot:
        await wait_loaded(pilot, app)
        other = ReadMarks.open(folder, Locations.under(tmp_path).state_dir)
        other.mark([post.key for post in app.library.view("sport")], True)
        other.close()

        def appeared() -> None:
            assert sidebar_count(app, "All") == "5/6"
            assert sidebar_count(app, "sport") == "0/1"
            assert not marked_unread(app, "Sport een")

        await eventually(pilot, appeared)


async def test_the_store_is_closed_on_quit(tmp_path: Path):
    folder = make_folder(tmp_path)
    state = ReadMarks.open(folder, Locations.under(tmp_path).state_dir)
    app = new_app(folder, tmp_path, read_marks=state)
    async with app.run_test(size=WIDE, notifications=True) as pilot:
        await wait_loaded(pilot, app)
        state.mark(["probe:before"], True)
        state.flush()
        assert "probe:before" in stored_marks(folder, Locations.under(tmp_path).state_dir).read
        await pilot.press("q")
        await pilot.pause()
    state.mark(["probe:after"], True)  # after quitting: in memory only
    assert "probe:after" not in stored_marks(folder, Locations.under(tmp_path).state_dir).read


class TroubledState(ReadMarks):
    """An in-memory store whose notice the test sets, as a store that stops saving would."""

    trouble: str | None = None

    @property
    def notice(self) -> str | None:
        return self.trouble


async def test_a_new_store_notice_is_shown_once_when_it_appears(tmp_path: Path):
    folder = make_folder(tmp_path)
    state = TroubledState.in_memory(folder)
    app = new_app(folder, tmp_path, read_marks=state)
    async with app.run_test(size=WIDE, notifications=True) as pilot:
        await wait_loaded(pilot, app)
        assert not notifications(app)
        notices = record_notices(app)
        state.trouble = "Could not save read marks [b]disk full[/b]; krant will keep trying."
        await pilot.press("m")
        await pilot.press("m")
        # Each `m` says what it marked after the store's notice had its chance: both have had theirs.
        assert await until(pilot, lambda: any(notice.startswith("Marked unread") for notice in notices)), (
            notices
        )
        warnings = [each for each in notifications(app) if each.severity == "warning"]
        assert [each.message for each in warnings] == [state.trouble]
        assert await until(pilot, lambda: "[b]disk full[/b]" in " ".join(screen_text(app).split()))


async def test_quitting_right_after_A_on_many_posts_keeps_every_mark(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    monkeypatch.setattr(read_marks, "BUSY_TIMEOUT_SECONDS", 0.05)
    monkeypatch.setattr(tui.ui.app, "MARKS_REFRESH_SECONDS", 3600)  # nothing tries the store again by itself
    folder = tmp_path / "posts"
    folder.mkdir()
    posts = many_posts(folder, 30_000)
    app = new_app(folder, tmp_path)
    store = store_path(folder, Locations.under(tmp_path).state_dir)
    async with app.run_test(size=WIDE, notifications=True) as pilot:
        await wait_loaded(pilot, app)
        app.post_message(PostsLoaded(LoadBatch(tuple(posts), len(posts), len(posts))))
        await until_shown(pilot, app, "30,000 posts")
        other = sqlite3.connect(store, isolation_level=None)
        other.execute("BEGIN IMMEDIATE")  # another window is writing
        await pilot.press("A")
        await confirming(pilot, app, "Mark all 30,000 posts as read?")
        await pilot.press("y")
        await until_shown(pilot, app, "Marked all 30,000 posts as read (u undoes).")
        assert re.search(r"^ All +0/30,000 ", screen_text(app), re.MULTILINE), screen_text(app)
        assert await until(pilot, lambda: app.read_marks.notice is not None)  # the write found it locked
        other.execute("ROLLBACK")
        other.close()
        assert stored_marks(folder, Locations.under(tmp_path).state_dir).read == frozenset()
        await pilot.press("q")  # with every mark still waiting to be written
    with ReadMarks.open(folder, Locations.under(tmp_path).state_dir) as state:
        assert state.read_keys() == {post.key for post in posts}
