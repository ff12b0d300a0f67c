"""The post index in the app: a warm start shows the index's posts before the folder is checked, a damaged
index is reported and rebuilt while the posts still show, and the index is closed when krant quits."""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Callable, Iterable
from contextlib import closing
from pathlib import Path

import pytest
from textual.message import Message
from textual.pilot import Pilot
from ui_helpers import (
    NEWER_TITLE,
    OLDER_TITLE,
    amsterdam,  # noqa: F401 (a fixture, used through pytestmark)
    copy_seed,
    fixed_clock,
    new_app,
    notifications,
    record_notices,
    screen_text,
    settled,
    until,
    until_shown,
    wait_loaded,
    write_post,
)

from tui.core.index import PostIndex, index_path
from tui.core.locations import Locations
from tui.ui.app import KrantApp, make_app
from tui.ui.messages import PostsLoaded

pytestmark = [pytest.mark.asyncio, pytest.mark.usefixtures("amsterdam")]

WIDE = (160, 48)
TIMEOUT = 15.0


class GatedIndex(PostIndex):
    """An index whose folder check waits for the test: what shows before it comes from the index alone."""

    def __init__(self, root: Path, database: Path) -> None:
        super().__init__(root, database)
        self.gate = threading.Event()

    def file_stamps(self) -> dict[str, tuple[int, float]]:
        assert self.gate.wait(TIMEOUT)
        return super().file_stamps()


async def first_run(folder: Path, base: Path) -> None:
    """Run krant once on the folder, so its index is filled, and quit."""
    app = new_app(folder, base)
    async with app.run_test(size=WIDE) as pilot:
        await wait_loaded(pilot, app)
        assert len(app.library) == len(list(folder.glob("*.html")))


async def test_a_warm_start_shows_the_indexed_posts_then_checks_the_folder(tmp_path: Path) -> None:
    folder = copy_seed(tmp_path)
    write_post(folder, "2019-05-14-weg.html", "Verdwenen bericht", "2019-05-14 10:00:00", "weer")
    await first_run(folder, tmp_path)
    (folder / "2019-05-14-weg.html").unlink()  # gone between runs: only the index still knows it

    locations = Locations.under(tmp_path)
    index = GatedIndex(folder, index_path(folder, locations))
    messages: list[PostsLoaded] = []

    def record(message: Message) -> None:
        if isinstance(message, PostsLoaded):
            messages.append(message)

    app = make_app(folder, locations=locations, clock=fixed_clock, watch=False, index=index)
    async with app.run_test(size=WIDE, message_hook=record) as pilot:
        assert await until(pilot, lambda: "Verdwenen bericht" in screen_text(app))
        # Everything on screen came from the index: the file behind this row no longer exists.
        assert app.loading and app.sub_title == "Checking 0 of 3"
        assert NEWER_TITLE[:30] in screen_text(app) and OLDER_TITLE[:30] in screen_text(app)
        assert messages[0].checking and messages[0].batch.done == 0
        index.gate.set()
        await wait_loaded(pilot, app)
        assert "Verdwenen bericht" not in screen_text(app)  # the check found it gone and removed it
        assert [post.title for post in app.library.posts] == [NEWER_TITLE, OLDER_TITLE]
        assert any(str(folder / "2019-05-14-weg.html") in message.batch.removed for message in messages)
        assert app.sub_title.startswith("2 posts")
    assert set(PostIndex(folder, index.database).file_stamps()) == {
        path.name for path in folder.glob("*.html")
    }  # and the index forgot it too


async def test_a_warm_start_reads_only_new_and_changed_files(tmp_path: Path) -> None:
    folder = copy_seed(tmp_path)
    await first_run(folder, tmp_path)
    write_post(folder, "2019-05-16-nieuw.html", "Nieuw bericht", "2019-05-16 08:00:00", "weer")
    messages: list[PostsLoaded] = []

    def record(message: Message) -> None:
        if isinstance(message, PostsLoaded):
            messages.append(message)

    app = new_app(folder, tmp_path)
    async with app.run_test(size=WIDE, message_hook=record) as pilot:
        await wait_loaded(pilot, app)
        read = [Path(result.path).name for message in messages[1:] for result in message.batch.results]
        assert read == ["2019-05-16-nieuw.html"]  # the seed posts came from the index, not from their files
        assert "Nieuw bericht" in screen_text(app)


async def test_a_damaged_index_is_reported_and_the_posts_still_show(tmp_path: Path) -> None:
    folder = copy_seed(tmp_path)
    locations = Locations.under(tmp_path)
    damaged = index_path(folder, locations)
    damaged.parent.mkdir(parents=True)
    damaged.write_bytes(b"this is not a database\x00\xff" * 200)
    app = new_app(folder, tmp_path)
    async with app.run_test(size=WIDE, notifications=True) as pilot:
        await wait_loaded(pilot, app)
        assert NEWER_TITLE[:30] in screen_text(app) and OLDER_TITLE[:30] in screen_text(app)
        notices = [(note.title, note.message, note.severity) for note in notifications(app)]
        assert len([notice for notice in notices if notice[0] == "Post index"]) == 1
        title, message, severity = next(notice for notice in notices if notice[0] == "Post index")
        assert "rebuilt" in message and severity == "warning"
        await until_shown(pilot, app, "rebuilt")  # shown as a toast
    assert list(damaged.parent.glob(damaged.name + ".corrupt-*"))  # kept aside, not lost
    assert len(PostIndex(folder, damaged)) == 2  # and a new index was built


async def test_a_notice_with_markup_is_shown_as_text(tmp_path: Path) -> None:
    folder = copy_seed(tmp_path)
    index = PostIndex(folder, None)
    index.notice = "The post index [b]failed[/b] ([@click=app.quit])"
    app = new_app(folder, tmp_path, index=index)
    async with app.run_test(size=WIDE, notifications=True) as pilot:
        await wait_loaded(pilot, app)
        await until_shown(pilot, app, "[b]failed[/b] ([@click=app.quit])")


async def test_the_index_is_closed_when_krant_quits(tmp_path: Path) -> None:
    folder = copy_seed(tmp_path)
    index = PostIndex(folder, index_path(folder, Locations.under(tmp_path)))
    closed = threading.Event()
    original = index.close

    def close() -> None:
        assert app._loader_idle.is_set(), "closed while the loader still writes"
        closed.set()
        original()

    index.close = close  # type: ignore[method-assign]
    app = new_app(folder, tmp_path, index=index)
    async with app.run_test(size=WIDE) as pilot:
        await wait_loaded(pilot, app)
    assert closed.is_set()


class RefillGate(PostIndex):
    """An index whose refill after damage waits for the test: what search finds meanwhile is by title."""

    def __init__(self, root: Path, database: Path) -> None:
        super().__init__(root, database)
        self.gate = threading.Event()

    def refill(self, paths: Iterable[str], cancelled: Callable[[], bool] = lambda: False) -> int:
        assert self.gate.wait(TIMEOUT)
        return super().refill(paths, cancelled)


async def search_for(pilot: Pilot[None], app: KrantApp, query: str) -> None:
    await pilot.press("slash")
    app.main.search_bar.value = ""
    await pilot.press(*query)
    assert await until(pilot, lambda: f"for '{query}'" in app.sub_title), app.sub_title


async def test_an_index_damaged_mid_session_is_said_at_once_and_search_goes_on(tmp_path: Path) -> None:
    folder = copy_seed(tmp_path)
    for number in range(30):
        write_post(
            folder, f"2019-05-{number % 9 + 10}-kraan-{number}.html", f"Kraanbericht {number}",
            f"2019-05-{number % 9 + 10} 10:{number:02d}:00", "haven", body="<p>Een havenkraan.</p>",
        )  # fmt: skip
    database = index_path(folder, Locations.under(tmp_path))
    index = RefillGate(folder, database)
    app = new_app(folder, tmp_path, index=index)
    async with app.run_test(size=WIDE, notifications=True) as pilot:
        notices = record_notices(app)
        await wait_loaded(pilot, app)
        await search_for(pilot, app, "havenkraan")
        assert app.sub_title.startswith("30 results")
        with closing(sqlite3.connect(database)) as db, db:  # a bad sector in the search data
            db.execute("UPDATE search_data SET block = randomblob(length(block)) WHERE id > 10")

        await search_for(pilot, app, "havenkrane")  # a search meets the damage
        assert await until(pilot, lambda: any("being rebuilt" in notice for notice in notices)), notices
        await until_shown(pilot, app, "being rebuilt")
        await search_for(pilot, app, "kraanbericht")  # titles are searched meanwhile
        assert await until(pilot, lambda: app.sub_title.startswith("30 results")), app.sub_title
        await search_for(pilot, app, "havenkraan")
        assert app.sub_title.startswith("0 results")  # the bodies are not indexed again yet

        index.gate.set()
        assert await until(pilot, lambda: app.sub_title.startswith("30 results")), app.sub_title
        await settled(pilot, app)
        assert len([notice for notice in notices if "post index" in notice]) == 1
    [kept] = [path for path in database.parent.glob(database.name + ".corrupt-*") if "-wal" not in path.name]
    with closing(PostIndex(folder, database)) as again:
        assert len(again.search("havenkraan")) == 30
