"""Read state in the reader: what is marked unread, how marks change, and where n, p and Space go."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from textual.pilot import Pilot
from ui_helpers import amsterdam, new_app, screen_text, wait_article, wait_loaded, write_post  # noqa: F401

import tui.app
from tui.app import KrantApp
from tui.locations import Locations
from tui.screens.confirm import ConfirmScreen
from tui.screens.reader import ReaderScreen
from tui.state import ReadState, store_path

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
    return "● " in row(app, title)


def open_title(app: KrantApp) -> str | None:
    post = app.article_view.post
    return post.title if post is not None else None


async def go_to(pilot: Pilot[None], app: KrantApp, category: str) -> None:
    """Select a category in the sidebar with `]`, as a user would."""
    for _ in range(10):
        if app.main.sidebar.selected.name == category:
            return
        await pilot.press("]")
        await pilot.pause()
    raise AssertionError(f"no category {category}")


async def test_every_post_starts_unread_and_opening_marks_it_read(tmp_path: Path):
    app = new_app(make_folder(tmp_path), tmp_path)
    async with app.run_test(size=WIDE, notifications=True) as pilot:
        await wait_loaded(pilot, app)
        assert sidebar_count(app, "All") == "6/6"
        assert sidebar_count(app, "binnenland") == "2/2"
        assert all(marked_unread(app, title) for _file, title, _when, _category in POSTS)
        assert "6 unread" in screen_text(app)
        await pilot.press("enter")
        await wait_article(pilot, app)
        assert open_title(app) == "Binnen een"
        assert not marked_unread(app, "Binnen een")
        assert marked_unread(app, "Buiten een")
        assert sidebar_count(app, "All") == "5/6"
        assert sidebar_count(app, "binnenland") == "1/2"
        assert sidebar_count(app, "buitenland") == "3/3"
        assert "5 unread" in screen_text(app)


async def test_marks_survive_a_restart_and_a_renamed_file(tmp_path: Path):
    folder = make_folder(tmp_path)
    app = new_app(folder, tmp_path)
    async with app.run_test(size=WIDE, notifications=True) as pilot:
        await wait_loaded(pilot, app)
        await pilot.press("enter")
        await wait_article(pilot, app)
        assert sidebar_count(app, "binnenland") == "1/2"
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
        await pilot.pause()
        assert not marked_unread(app, "Buiten een")
        assert sidebar_count(app, "buitenland") == "2/3"
        await pilot.press("m")
        await pilot.pause()
        assert marked_unread(app, "Buiten een")
        assert sidebar_count(app, "buitenland") == "3/3"
    narrow = new_app(make_folder(tmp_path / "narrow"), tmp_path / "narrow")
    async with narrow.run_test(size=NARROW, notifications=True) as pilot:
        await wait_loaded(pilot, narrow)
        await pilot.press("enter")
        await wait_article(pilot, narrow)
        assert narrow.unread.in_category("binnenland") == 1
        await pilot.press("m")  # in the article: unread again
        await pilot.pause()
        assert isinstance(narrow.screen, ReaderScreen)
        assert "Marked unread: Binnen een" in screen_text(narrow)
        await pilot.press("escape")
        await pilot.pause()
        assert marked_unread(narrow, "Binnen een")
        assert sidebar_count(narrow, "binnenland") == "2/2"


async def test_A_asks_marks_the_category_and_u_restores_exactly(tmp_path: Path):
    app = new_app(make_folder(tmp_path), tmp_path)
    async with app.run_test(size=WIDE, notifications=True) as pilot:
        await wait_loaded(pilot, app)
        await go_to(pilot, app, "buitenland")
        await pilot.press("j", "m")  # Buiten twee was read before
        await pilot.pause()
        assert sidebar_count(app, "buitenland") == "2/3"
        await pilot.press("A")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)
        assert "Mark 2 posts in buitenland as read?" in screen_text(app)
        await pilot.press("escape")  # no
        await pilot.pause()
        assert not isinstance(app.screen, ConfirmScreen)
        assert sidebar_count(app, "buitenland") == "2/3"
        await pilot.press("A")
        await pilot.pause()
        await pilot.press("y")
        await pilot.pause()
        assert sidebar_count(app, "buitenland") == "0/3"
        assert sidebar_count(app, "All") == "3/6"
        assert not any(marked_unread(app, title) for title in ("Buiten een", "Buiten twee", "Buiten drie"))
        assert "Marked 2 posts in buitenland as read (u undoes)." in screen_text(app)
        await pilot.press("u")
        await pilot.pause()
        assert sidebar_count(app, "buitenland") == "2/3"
        assert marked_unread(app, "Buiten een")
        assert not marked_unread(app, "Buiten twee")  # read before A: still read
        assert marked_unread(app, "Buiten drie")
        await pilot.press("u")
        await pilot.pause()
        assert "Nothing to undo." in screen_text(app)
        assert sidebar_count(app, "buitenland") == "2/3"


async def test_A_on_All_asks_about_every_unread_post_and_enter_says_yes(tmp_path: Path):
    app = new_app(make_folder(tmp_path), tmp_path)
    async with app.run_test(size=WIDE, notifications=True) as pilot:
        await wait_loaded(pilot, app)
        await pilot.press("A")
        await pilot.pause()
        assert "Mark all 6 posts as read?" in screen_text(app)
        await pilot.press("enter")
        await pilot.pause()
        assert sidebar_count(app, "All") == "0/6"
        await pilot.press("A")
        await pilot.pause()
        assert not isinstance(app.screen, ConfirmScreen)
        assert "No unread posts." in screen_text(app)


async def test_n_goes_to_the_next_unread_across_categories_and_says_when_none_are_left(tmp_path: Path):
    app = new_app(make_folder(tmp_path), tmp_path)
    async with app.run_test(size=WIDE, notifications=True) as pilot:
        await wait_loaded(pilot, app)
        await go_to(pilot, app, "buitenland")
        await pilot.press("j", "m", "k")  # Buiten twee is read: n skips it
        await pilot.press("enter")
        await wait_article(pilot, app)
        assert open_title(app) == "Buiten een"
        await pilot.press("n")
        await wait_article(pilot, app)
        assert open_title(app) == "Buiten drie"
        await pilot.press("n")  # buitenland is done: on to sport, the next category with unread posts
        await wait_article(pilot, app)
        assert app.main.sidebar.selected.name == "sport"
        assert open_title(app) == "Sport een"
        assert app.main.article_list.selected_post.title == "Sport een"
        assert "No unread posts left in buitenland; went to sport." in screen_text(app)
        await pilot.press("n")  # wraps around to binnenland
        await wait_article(pilot, app)
        assert app.main.sidebar.selected.name == "binnenland"
        assert open_title(app) == "Binnen een"
        await pilot.press("n")
        await wait_article(pilot, app)
        assert open_title(app) == "Binnen twee"
        assert app.unread.total == 0
        await pilot.press("n")
        await wait_article(pilot, app)
        assert "No unread posts anywhere." in screen_text(app)
        assert open_title(app) == "Binnen twee"
        assert app.main.sidebar.selected.name == "binnenland"


async def test_n_and_p_in_the_list_move_between_unread_posts_without_opening_them(tmp_path: Path):
    app = new_app(make_folder(tmp_path), tmp_path)
    async with app.run_test(size=WIDE, notifications=True) as pilot:
        await wait_loaded(pilot, app)
        articles = app.main.article_list
        await pilot.press("j", "m", "k")  # All: Binnen een, Buiten een (read), Sport een, ...
        await pilot.press("n")
        await pilot.pause()
        assert articles.selected_post.title == "Sport een"
        await pilot.press("p")
        await pilot.pause()
        assert articles.selected_post.title == "Binnen een"
        assert app.article_view.post is None
        assert app.unread.total == 5


async def test_p_goes_back_to_the_previous_category_with_unread_posts(tmp_path: Path):
    app = new_app(make_folder(tmp_path), tmp_path)
    async with app.run_test(size=WIDE, notifications=True) as pilot:
        await wait_loaded(pilot, app)
        await go_to(pilot, app, "sport")
        await pilot.press("enter")
        await wait_article(pilot, app)
        await pilot.press("p")
        await wait_article(pilot, app)
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
        await wait_article(pilot, app)
        view = app.article_view
        assert isinstance(app.screen, ReaderScreen)
        await pilot.press("space")
        await pilot.pause()
        assert view.scroll_y > 0
        assert open_title(app) == "Binnen een"  # a page down, not yet the next one
        for _ in range(30):
            if open_title(app) != "Binnen een":
                break
            await pilot.press("space")
            await wait_article(pilot, app)
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
        await pilot.pause()
        assert "only unread shown" in screen_text(app)
        assert not rows(app, "Buiten twee")
        assert marked_unread(app, "Buiten een") and marked_unread(app, "Buiten drie")
        await pilot.press("enter")  # read Buiten een: it stays where it is
        await wait_article(pilot, app)
        assert not marked_unread(app, "Buiten een")
        assert app.main.article_list.selected_post.title == "Buiten een"
        await pilot.press("]", "[")  # away and back: now it is gone
        await pilot.pause()
        assert not rows(app, "Buiten een")
        assert marked_unread(app, "Buiten drie")
        await pilot.press("A", "y")
        await pilot.pause()
        await pilot.press("]", "[")
        await pilot.pause()
        assert "No unread posts in buitenland (U shows all posts)." in screen_text(app)
        await pilot.press("U")
        await pilot.pause()
        text = screen_text(app)
        assert "only unread shown" not in text
        assert all(title in text for title in ("Buiten een", "Buiten twee", "Buiten drie"))


async def test_a_corrupt_store_is_reported_and_krant_still_works(tmp_path: Path):
    folder = make_folder(tmp_path)
    store = store_path(folder, Locations.under(tmp_path).state_dir)
    store.parent.mkdir(parents=True)
    store.write_bytes(b"\x00garbage, not SQLite\xff" * 100)
    app = new_app(folder, tmp_path)
    async with app.run_test(size=WIDE, notifications=True) as pilot:
        await wait_loaded(pilot, app)
        text = " ".join(screen_text(app).split())
        assert "The read-state store was damaged" in text
        await pilot.press("enter")
        await wait_article(pilot, app)
        assert sidebar_count(app, "All") == "5/6"
    assert list(store.parent.glob("*.corrupt-*"))
    again = new_app(folder, tmp_path)
    async with again.run_test(size=WIDE, notifications=True) as pilot:
        await wait_loaded(pilot, again)
        assert sidebar_count(again, "All") == "5/6"  # the new store kept the mark
        assert "damaged" not in screen_text(again)


async def test_marks_from_another_window_appear(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setattr(tui.app, "MARKS_REFRESH_SECONDS", 0.05)
    folder = make_folder(tmp_path)
    app = new_app(folder, tmp_path)
    async with app.run_test(size=WIDE, notifications=True) as pilot:
        await wait_loaded(pilot, app)
        other = ReadState.open(folder, Locations.under(tmp_path).state_dir)
        other.mark([post.key for post in app.library.view("sport")], True)
        other.close()
        for _ in range(200):
            await pilot.pause(0.05)
            if "5/6" in screen_text(app):
                break
        assert sidebar_count(app, "All") == "5/6"
        assert sidebar_count(app, "sport") == "0/1"
        assert not marked_unread(app, "Sport een")


async def test_the_store_is_closed_on_quit(tmp_path: Path):
    folder = make_folder(tmp_path)
    state = ReadState.open(folder, Locations.under(tmp_path).state_dir)
    app = new_app(folder, tmp_path, read_state=state)
    async with app.run_test(size=WIDE, notifications=True) as pilot:
        await wait_loaded(pilot, app)
        assert state.persistent
        await pilot.press("q")
        await pilot.pause()
    assert not state.persistent


class TroubledState(ReadState):
    """An in-memory store whose notice the test sets, as a store that stops saving would."""

    trouble: str | None = None

    @property
    def notice(self) -> str | None:
        return self.trouble


async def test_a_new_store_notice_is_shown_once_when_it_appears(tmp_path: Path):
    folder = make_folder(tmp_path)
    state = TroubledState.in_memory(folder)
    app = new_app(folder, tmp_path, read_state=state)
    async with app.run_test(size=WIDE, notifications=True) as pilot:
        await wait_loaded(pilot, app)
        assert not app._notifications
        state.trouble = "Could not save read marks [b]disk full[/b]; krant will keep trying."
        await pilot.press("m")
        await pilot.press("m")
        await pilot.pause()
        warnings = [each for each in app._notifications if each.severity == "warning"]
        assert [each.message for each in warnings] == [state.trouble]
        assert "[b]disk full[/b]" in " ".join(screen_text(app).split())
