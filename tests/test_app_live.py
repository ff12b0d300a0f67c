"""Live updates through the real app and watcher: files written, rewritten, renamed and deleted while krant
runs, and what the user then sees (rows, counts, selection, the open article, markers and notices)."""

from __future__ import annotations

import os
import shutil
import threading
import time
from pathlib import Path

import pytest
from textual.pilot import Pilot
from ui_helpers import (
    amsterdam,  # noqa: F401 (a fixture, used through pytestmark)
    fixed_clock,
    record_notices,
    screen_text,
    until,
    until_gone,
    until_shown,
    wait_article,
    wait_loaded,
    write_post,
)

from tui.core.index import PostIndex
from tui.core.locations import Locations
from tui.core.post import Post
from tui.ui.app import KrantApp, make_app
from tui.ui.messages import FolderChanged
from tui.ui.widgets.article_list import NEW_MARKER
from tui.ui.widgets.sidebar import EntryKind

pytestmark = [pytest.mark.asyncio, pytest.mark.usefixtures("amsterdam")]

WIDE = (160, 40)

SEED = [
    ("2024-01-05-vijf.md", "Vijf", "2024-01-05 10:00:00", "buitenland"),
    ("2024-01-04-vier.md", "Vier", "2024-01-04 10:00:00", "sport"),
    ("2024-01-03-drie.md", "Drie", "2024-01-03 10:00:00", "buitenland"),
    ("2024-01-02-twee.md", "Twee", "2024-01-02 10:00:00", "binnenland"),
    ("2024-01-01-een.md", "Een", "2024-01-01 10:00:00", "sport"),
]


def seed(tmp_path: Path) -> Path:
    folder = tmp_path / "posts"
    folder.mkdir()
    for name, title, when, category in SEED:
        write_post(folder, name, title, when, category, body=f"<p>De tekst van {title}.</p>")
    return folder


def live_app(folder: Path, base: Path, **options: object) -> KrantApp:
    app = make_app(folder, locations=Locations.under(base), clock=fixed_clock, watch=True, **options)
    app.recorded_notices = record_notices(app)  # type: ignore[attr-defined]
    return app


def watcher_threads(kind: str = "") -> list[threading.Thread]:
    """The folder watcher's threads (its own and watchdog's), or only those of one kind of emitter."""
    return [
        thread
        for thread in threading.enumerate()
        if thread.is_alive() and (thread.name.startswith("krant-watch") or "Emitter" in type(thread).__name__)
        and kind in type(thread).__name__ + thread.name
    ]


async def started(pilot: Pilot[None], app: KrantApp) -> None:
    await wait_loaded(pilot, app)
    assert await until(pilot, lambda: watcher_threads("krant-watch") != [])


def titles(app: KrantApp) -> list[str]:
    return [post.title for post in app.main.article_list.posts]


def counts(app: KrantApp) -> dict[str, int]:
    return {
        entry.name: entry.total for entry in app.main.sidebar.entries if entry.kind is not EntryKind.PROBLEMS
    }


def rows(app: KrantApp, title: str) -> list[str]:
    """The screen lines that show a post's row in the list (sidebar and article pane beside it included)."""
    return [line for line in screen_text(app).splitlines() if f"  {title}" in line]


def row(app: KrantApp, title: str) -> str:
    """The screen line of a post's row in the list (sidebar and article pane beside it included)."""
    lines = rows(app, title)
    assert lines, f"no row for {title!r} on screen"
    return lines[0]


def marked_new(app: KrantApp, title: str) -> bool | None:
    """Whether the post's row on screen has the `new` marker; None when no row shows the post."""
    lines = rows(app, title)
    return NEW_MARKER in lines[0] if lines else None


def notices(app: KrantApp) -> list[str]:
    """Every notification the app raised (kept after their toasts time out)."""
    return app.recorded_notices  # type: ignore[attr-defined]


def showing(app: KrantApp, path: Path) -> bool:
    """Whether the article pane shows the post at `path`, read whole."""
    view = app.article_view
    return view.loaded and view.post is not None and view.post.path == str(path)


async def select(pilot: Pilot[None], app: KrantApp, title: str) -> None:
    articles = app.main.article_list
    articles.focus()
    assert await until(pilot, lambda: app.focused is articles), app.focused
    for _ in range(len(articles.posts)):
        if articles.selected_post is None or articles.selected_post.title == title:
            break
        await pilot.press("j")
    assert articles.selected_post is not None and articles.selected_post.title == title


async def test_new_post_appears_marked_counted_and_announced_once(tmp_path: Path):
    folder = seed(tmp_path)
    app = live_app(folder, tmp_path)
    changes: list[FolderChanged] = []
    hook = lambda message: changes.append(message) if isinstance(message, FolderChanged) else None  # noqa: E731
    async with app.run_test(size=WIDE, message_hook=hook) as pilot:
        await started(pilot, app)
        assert NEW_MARKER not in screen_text(app)
        write_post(folder, "2024-01-06-zes.md", "Zes nieuw", "2024-01-06 10:00:00", "buitenland")
        write_post(folder, "2024-01-06-zeven.md", "Zeven nieuw", "2024-01-06 09:00:00", "buitenland")
        write_post(folder, "2024-01-06-acht.md", "Acht nieuw", "2024-01-06 08:00:00", "sport")
        arrived = ("Zes nieuw", "Zeven nieuw", "Acht nieuw")
        assert await until(pilot, lambda: all(title in titles(app) for title in arrived)), titles(app)
        assert counts(app) == {"All": 8, "binnenland": 1, "buitenland": 4, "sport": 3}
        await until_shown(pilot, app, *(f"  {title}" for title in arrived))
        for title in arrived:
            assert NEW_MARKER in row(app, title)
        for title in ("Vijf", "Drie"):
            assert NEW_MARKER not in row(app, title)
        assert await until(pilot, lambda: any("new post" in text for text in notices(app)))
        # That no second notice follows has no event to wait for: wait out the time a second would take.
        await pilot.pause(app.arrivals_notice_delay + 0.3)
        announced = [text for text in notices(app) if "new post" in text]
        assert announced == ["3 new posts: 2 in buitenland, 1 in sport"]
        assert changes, "the changes reached the app as messages"


async def test_cursor_passing_over_a_new_post_marks_it_seen(tmp_path: Path):
    folder = seed(tmp_path)
    app = live_app(folder, tmp_path)
    async with app.run_test(size=WIDE) as pilot:
        await started(pilot, app)
        await select(pilot, app, "Vier")
        write_post(folder, "2024-01-06-zes.md", "Zes nieuw", "2024-01-06 10:00:00", "buitenland")
        assert await until(pilot, lambda: "Zes nieuw" in titles(app))
        assert await until(pilot, lambda: marked_new(app, "Zes nieuw")), screen_text(app)
        await pilot.press("g")
        assert await until(pilot, lambda: app.main.article_list.selected_post.title == "Zes nieuw")
        assert await until(pilot, lambda: marked_new(app, "Zes nieuw") is False), screen_text(app)


async def test_post_arriving_above_keeps_the_cursor_on_its_post_and_screen_row(tmp_path: Path):
    folder = tmp_path / "posts"
    folder.mkdir()
    for number in range(80):
        write_post(
            folder,
            f"2023-{number:03d}.md",
            f"Bericht {number:03d}",
            f"2023-06-01 10:{number % 60:02d}:00" if number < 60 else f"2023-05-31 10:{number - 60:02d}:00",
            "sport",
        )
    app = live_app(folder, tmp_path)
    async with app.run_test(size=(160, 24)) as pilot:
        await started(pilot, app)
        articles = app.main.article_list
        await select(pilot, app, "Bericht 020")
        for _ in range(8):
            await pilot.press("j")
        before = articles.selected_post
        screen_row = articles.cursor - articles.scroll_offset.y
        assert articles.scroll_offset.y > 0, "the list is scrolled, so a jump would show"
        line_before = row(app, before.title)
        for number in range(3):
            write_post(
                folder, f"2024-new-{number}.md", f"Nieuw {number}", f"2024-01-0{number + 1} 10:00:00", "sport"
            )
        assert await until(pilot, lambda: len(app.library) == 83)
        await until_shown(pilot, app, "83 posts")  # the screen shows them
        assert articles.selected_post.path == before.path
        assert articles.cursor - articles.scroll_offset.y == screen_row
        assert row(app, before.title) == line_before


async def test_rewritten_post_updates_its_row_and_the_open_article(tmp_path: Path):
    folder = seed(tmp_path)
    app = live_app(folder, tmp_path)
    async with app.run_test(size=WIDE) as pilot:
        await started(pilot, app)
        await select(pilot, app, "Drie")
        await pilot.press("enter")
        await wait_article(pilot, app, "Drie")
        assert "De tekst van Drie." in screen_text(app)
        write_post(
            folder,
            "2024-01-03-drie.md",
            "Drie herschreven",
            "2024-01-03 10:00:00",
            "buitenland",
            body="<p>Een geheel nieuwe tekst.</p>",
        )
        assert await until(pilot, lambda: "Een geheel nieuwe tekst." in screen_text(app))
        await until_shown(pilot, app, "  Drie herschreven")
        assert "Drie herschreven" in titles(app)
        assert "Drie" not in titles(app)
        assert app.main.article_list.selected_post.title == "Drie herschreven"
        assert NEW_MARKER not in row(app, "Drie herschreven")
        assert app.article_view.post.title == "Drie herschreven"


async def test_renamed_and_moved_post_keeps_its_selection_and_open_article(tmp_path: Path):
    folder = seed(tmp_path)
    app = live_app(folder, tmp_path)
    async with app.run_test(size=WIDE) as pilot:
        await started(pilot, app)
        await select(pilot, app, "Drie")
        await pilot.press("enter")
        await wait_article(pilot, app, "Drie")
        articles = app.main.article_list
        key = articles.selected_post.key
        renamed = folder / "2024-01-03-drie-hernoemd.md"
        os.rename(folder / "2024-01-03-drie.md", renamed)
        assert await until(
            pilot,
            lambda: (
                app.library.get(renamed) is not None
                and app.library.get(folder / "2024-01-03-drie.md") is None
            ),
        )
        assert articles.selected_post.path == str(renamed)
        assert articles.selected_post.key == key
        # The open article is read again from its new path.
        assert await until(pilot, lambda: showing(app, renamed))
        await pilot.pause()
        assert NEW_MARKER not in row(app, "Drie")

        (folder / "archief").mkdir()
        moved = folder / "archief" / renamed.name
        os.rename(renamed, moved)
        # A move into a brand-new folder can arrive in two batches (the new folder's scan, then the old
        # path's removal): the post has moved once both have been applied.
        assert await until(
            pilot, lambda: app.library.get(moved) is not None and app.library.get(renamed) is None
        )
        assert articles.selected_post.path == str(moved)
        assert await until(pilot, lambda: showing(app, moved))
        assert titles(app) == ["Vijf", "Vier", "Drie", "Twee", "Een"]
        await pilot.pause()
        assert NEW_MARKER not in screen_text(app)
        # No notice of new posts must come; there is nothing to wait for but the time one would take.
        await pilot.pause(app.arrivals_notice_delay + 0.3)
        assert not [text for text in notices(app) if "new post" in text]


async def test_deleting_the_open_post_says_removed_and_keeps_the_article(tmp_path: Path):
    folder = seed(tmp_path)
    app = live_app(folder, tmp_path)
    async with app.run_test(size=WIDE) as pilot:
        await started(pilot, app)
        await select(pilot, app, "Drie")
        await pilot.press("enter")
        await wait_article(pilot, app, "Drie")
        (folder / "2024-01-03-drie.md").unlink()
        assert await until(pilot, lambda: "Drie" not in titles(app))
        assert await until(pilot, lambda: "was removed from the folder" in screen_text(app))
        text = screen_text(app)
        assert "De tekst van Drie." in text
        assert app.article_view.post.title == "Drie"
        assert counts(app) == {"All": 4, "binnenland": 1, "buitenland": 1, "sport": 2}


async def test_folder_deleted_and_created_again(tmp_path: Path):
    folder = seed(tmp_path)
    saved = tmp_path / "saved"
    shutil.copytree(folder, saved)
    app = live_app(folder, tmp_path)
    async with app.run_test(size=WIDE) as pilot:
        await started(pilot, app)
        shutil.rmtree(folder)
        assert await until(pilot, lambda: "is gone; krant is waiting for it" in screen_text(app))
        assert len(app.library) == 0
        assert titles(app) == []
        shutil.copytree(saved, folder)
        assert await until(pilot, lambda: titles(app) == ["Vijf", "Vier", "Drie", "Twee", "Een"])
        await until_gone(pilot, app, "is gone")  # the header and the list say so once they are redrawn
        await until_shown(pilot, app, "5 posts")
        assert NEW_MARKER not in screen_text(app), "the same posts are not new"
        write_post(folder, "2024-01-06-zes.md", "Zes nieuw", "2024-01-06 10:00:00", "buitenland")
        assert await until(pilot, lambda: "Zes nieuw" in titles(app))


async def test_half_written_file_ends_as_a_post_not_a_problem(tmp_path: Path):
    folder = seed(tmp_path)
    app = live_app(folder, tmp_path)
    path = folder / "2024-01-07-traag.md"
    async with app.run_test(size=WIDE) as pilot:
        await started(pilot, app)
        with open(path, "w", encoding="utf-8") as file:
            file.write('---\ntitle: "Traag geschreven"\ndate: 2024-01-07 10:00:00\n')
            file.flush()
            # Left open and quiet: the watcher reads it as it is, a broken post.
            assert await until(pilot, lambda: any(p.path == str(path) for p in app.library.problems))
            file.write("category: sport\n---\n<p>Eindelijk klaar.</p>\n")
        assert await until(pilot, lambda: isinstance(app.library.get(path), Post))
        assert app.library.problems == []
        assert "Traag geschreven" in titles(app)
        assert "Problems" not in counts(app)


async def test_polling_follows_the_folder_too(tmp_path: Path):
    folder = seed(tmp_path)
    app = live_app(folder, tmp_path, poll=True)
    async with app.run_test(size=WIDE) as pilot:
        await started(pilot, app)
        assert watcher_threads("PollingEmitter") and not watcher_threads("Inotify")
        write_post(folder, "2024-01-06-zes.md", "Zes nieuw", "2024-01-06 10:00:00", "buitenland")
        (folder / "2024-01-01-een.md").unlink()
        assert await until(pilot, lambda: titles(app) == ["Zes nieuw", "Vijf", "Vier", "Drie", "Twee"])
        assert await until(pilot, lambda: marked_new(app, "Zes nieuw")), screen_text(app)


async def test_a_burst_of_files_is_coalesced_and_the_ui_keeps_answering(tmp_path: Path):
    folder = seed(tmp_path)
    app = live_app(folder, tmp_path)
    changes: list[FolderChanged] = []
    hook = lambda message: changes.append(message) if isinstance(message, FolderChanged) else None  # noqa: E731
    async with app.run_test(size=WIDE, message_hook=hook) as pilot:
        await started(pilot, app)
        for number in range(400):
            write_post(folder, f"burst-{number:03d}.md", f"Golf {number:03d}", "2023-01-01 10:00:00", "sport")
        assert await until(pilot, lambda: len(app.library) == 405, timeout=30)
        assert len(changes) < 40, f"{len(changes)} messages for 400 files"
        await pilot.press("G")
        assert await until(pilot, lambda: app.main.article_list.cursor == 404), app.main.article_list.cursor
        assert await until(pilot, lambda: any("new post" in text for text in notices(app)))
        # That no second notice follows has no event to wait for: wait out the time a second would take.
        await pilot.pause(app.arrivals_notice_delay + 0.3)
        assert [text for text in notices(app) if "new post" in text] == ["400 new posts in sport"]


async def test_live_changes_are_written_to_the_search_index(tmp_path: Path):
    folder = seed(tmp_path)
    index = PostIndex(folder, None)  # kept in memory, so the test can look into it
    app = live_app(folder, tmp_path, index=index)
    async with app.run_test(size=WIDE) as pilot:
        await started(pilot, app)
        path = write_post(
            folder, "2024-01-06-zes.md", "Zes", "2024-01-06 10:00:00", "sport", body="<p>zeldzaamwoord</p>"
        )
        assert await until(pilot, lambda: "Zes" in titles(app))
        assert [hit.path for hit in index.search("zeldzaamwoord")] == [str(path)]
        path.unlink()
        assert await until(pilot, lambda: "Zes" not in titles(app))
        assert index.search("zeldzaamwoord") == []
    index.close()


async def test_quitting_stops_the_watcher_and_its_threads(tmp_path: Path):
    folder = seed(tmp_path)
    before = set(threading.enumerate())
    app = live_app(folder, tmp_path)
    async with app.run_test(size=WIDE) as pilot:
        await started(pilot, app)
        assert any(thread.name.startswith("krant-watch") for thread in threading.enumerate())

    def watching() -> list[str]:
        """The watcher's threads started during the test that still run."""
        return [
            thread.name
            for thread in threading.enumerate()
            if thread not in before
            and thread.is_alive()
            and (
                "krant-watch" in thread.name
                or "Observer" in type(thread).__name__
                or "Emitter" in type(thread).__name__
            )
        ]

    deadline = time.monotonic() + 15  # threads that were told to stop may take a moment to end
    while watching() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert watching() == []


async def test_no_watcher_when_watch_is_off(tmp_path: Path):
    folder = seed(tmp_path)
    app = make_app(folder, locations=Locations.under(tmp_path), clock=fixed_clock, watch=False)
    async with app.run_test(size=WIDE) as pilot:
        await wait_loaded(pilot, app)
        assert not any(thread.name.startswith("krant-watch") for thread in threading.enumerate())


async def test_open_article_rewritten_keeps_the_reader_s_place(tmp_path: Path):
    folder = seed(tmp_path)
    long = "".join(f"<p>Alinea {number}.</p>" for number in range(200))
    write_post(folder, "2024-01-03-drie.md", "Drie", "2024-01-03 10:00:00", "buitenland", body=long)
    app = live_app(folder, tmp_path)
    async with app.run_test(size=WIDE) as pilot:
        await started(pilot, app)
        await select(pilot, app, "Drie")
        await pilot.press("enter")
        await wait_article(pilot, app, "Drie")
        for _ in range(3):
            await pilot.press("space")
        await pilot.pause()
        place = app.article_view.scroll_y
        assert place > 0
        write_post(
            folder,
            "2024-01-03-drie.md",
            "Drie",
            "2024-01-03 10:00:00",
            "buitenland",
            body=long + "<p>Slot.</p>",
        )
        assert await until(pilot, lambda: "Slot." in str(app.article_view.query_one("#article-body").source))
        # The place is put back after the next refresh, which two turns of the message loop include. That
        # the view does not jump later has no event to wait for: a fixed pause gives a wrong jump its time.
        await pilot.pause()
        await pilot.pause()
        await pilot.pause(0.2)
        assert app.article_view.scroll_y == place
