"""Shared pieces for the UI tests: a fixed clock and zone, seed posts in tmp, and reading the screen."""

from __future__ import annotations

import asyncio
import os
import shutil
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from textual.app import App
from textual.command import CommandPalette
from textual.notifications import Notification
from textual.pilot import Pilot
from textual.strip import Strip
from textual.widget import Widget
from textual.widgets import Input
from textual.widgets._footer import FooterKey  # private: the only one tests use, and only here

from tui.core.desktop import Outcome
from tui.core.locations import Locations
from tui.core.post import Post, identity_key
from tui.ui.app import KrantApp, make_app

SEED_POSTS = Path(__file__).resolve().parent.parent / "posts"
NEWER_TITLE = "Scepsis bij bondgenoten VS over dreiging in Irak"
OLDER_TITLE = "Nederlandse trainingsmissie in Irak stilgelegd vanwege dreiging"
ZONE = "Europe/Amsterdam"
NOW = datetime(2019, 5, 16, 9, 30, tzinfo=timezone(timedelta(hours=2)))
"""The fixed "now" of every UI test: the morning after the seed posts."""


def fixed_clock() -> datetime:
    return NOW


@pytest.fixture
def amsterdam() -> Iterator[None]:
    """Show local times in one fixed zone, whatever the machine's zone is."""
    before = os.environ.get("TZ")
    os.environ["TZ"] = ZONE
    time.tzset()
    yield
    if before is None:
        del os.environ["TZ"]
    else:
        os.environ["TZ"] = before
    time.tzset()


def copy_seed(tmp_path: Path) -> Path:
    """A copy of the seed posts, so no test ever writes into posts/."""
    folder = tmp_path / "posts"
    shutil.copytree(SEED_POSTS, folder)
    return folder


class FakeDesktop:
    """A browser and a clipboard tool that only note what they were given (no test starts a browser)."""

    def __init__(self, *, browser: bool = True, clipboard: bool = True) -> None:
        self.browser, self.clipboard = browser, clipboard
        self.opened: list[str] = []
        self.copied: list[str] = []

    def open_url(self, url: str) -> Outcome:
        if not self.browser:
            return Outcome(False, None, "no graphical session was found")
        self.opened.append(url)
        return Outcome(True, "xdg-open")

    def copy(self, text: str) -> Outcome:
        if not self.clipboard:
            return Outcome(False, None, "no clipboard tool (wl-copy, xclip, xsel, pbcopy) was found")
        self.copied.append(text)
        return Outcome(True, "xclip")


def new_app(folder: Path, base: Path, **options: Any) -> KrantApp:
    """The app on a folder, with its own files under `base`, a fixed clock, the watcher off, and a
    `FakeDesktop` (unless given `desktop`)."""
    options.setdefault("desktop", FakeDesktop())
    return make_app(folder, locations=Locations.under(base), clock=fixed_clock, watch=False, **options)


async def until(pilot: Pilot[None], condition: Callable[[], bool], timeout: float = 15.0) -> bool:
    """Let the app run until a condition holds, or a generous timeout passes; whether it held."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        await pilot.pause(0.05)
    return condition()


async def eventually(pilot: Pilot[None], check: Callable[[], object], timeout: float = 15.0) -> None:
    """Run `check` (a function of assertions) until it passes, letting the app run between tries; past a
    generous timeout its last failure fails the test."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            check()
            return
        except AssertionError:
            if time.monotonic() >= deadline:
                raise
        await pilot.pause(0.05)


async def until_shown(pilot: Pilot[None], app: KrantApp, *texts: str, timeout: float = 15.0) -> str:
    """Wait until every text is on screen; the screen then. Fails with the screen if one never shows."""
    if not await until(pilot, lambda: all(text in screen_text(app) for text in texts), timeout):
        raise AssertionError(f"never saw {texts!r} on the screen:\n{screen_text(app)}")
    return screen_text(app)


async def until_gone(pilot: Pilot[None], app: KrantApp, *texts: str, timeout: float = 15.0) -> str:
    """Wait until none of the texts is on screen; the screen then. Fails with the screen if one stays."""
    if not await until(pilot, lambda: not any(text in screen_text(app) for text in texts), timeout):
        raise AssertionError(f"{texts!r} stayed on the screen:\n{screen_text(app)}")
    return screen_text(app)


def record_notices(app: KrantApp) -> list[str]:
    """The message of every notification the app raises from now on, in order, kept for the test: the
    app's own list drops a notification once its toast times out."""
    messages: list[str] = []
    notify = app.notify

    def recording(message: str, *arguments: Any, **options: Any) -> None:
        messages.append(str(message))
        notify(message, *arguments, **options)

    app.notify = recording  # type: ignore[method-assign]
    return messages


async def settled(pilot: Pilot[None], app: KrantApp, timeout: float = 30.0) -> None:
    """Wait until every worker started so far (loading, reading, searching) has finished, and what they
    posted is handled; fails if they run past a generous timeout."""
    try:
        await asyncio.wait_for(app.workers.wait_for_complete(), timeout)
    except TimeoutError:
        running = [worker.name for worker in app.workers if not worker.is_finished]
        raise AssertionError(f"workers still running after {timeout} s: {running}") from None
    await pilot.pause()


async def wait_loaded(pilot: Pilot[None], app: KrantApp, timeout: float = 30.0) -> None:
    """Wait until the folder has been read and every message about it handled."""
    if not await until(pilot, lambda: not app.loading, timeout):
        raise AssertionError(f"the folder was still being read after {timeout} s:\n{screen_text(app)}")
    await settled(pilot, app, timeout)


ARTICLE_WORKERS = ("article", "article-layout")
"""The worker groups that read an article and lay it out."""


async def wait_article(
    pilot: Pilot[None], app: KrantApp, title: str | None = None, timeout: float = 30.0
) -> None:
    """Wait until the article being read (titled `title`, when given) is shown with its body or error,
    and no article is still being read or laid out; fails with the screen if that never happens."""
    await pilot.pause()  # the key that opened it is handled: an open it started is under way

    def shown() -> bool:
        view = app.article_view
        return (
            view.post is not None
            and view.loaded
            and (title is None or view.post.title == title)
            and not any(worker.group in ARTICLE_WORKERS and not worker.is_finished for worker in app.workers)
        )

    if not await until(pilot, shown, timeout):
        post = app.article_view.post
        raise AssertionError(
            f"the article {title or ''!r} was never shown (showing {post.title if post else None!r}, "
            f"loaded: {app.article_view.loaded}):\n{screen_text(app)}"
        )
    await pilot.pause()


async def open_palette(pilot: Pilot[None], app: KrantApp) -> None:
    """Ctrl+P, and wait until the command palette's box has the focus (keys before it would go elsewhere)."""
    await pilot.press("ctrl+p")
    assert await until(
        pilot, lambda: isinstance(app.screen, CommandPalette) and isinstance(app.focused, Input)
    ), f"no command palette:\n{screen_text(app)}"


async def page_until(pilot: Pilot[None], app: KrantApp, text: str, pages: int = 20) -> bool:
    """Press Space (page down) until `text` is on screen; whether it appeared.

    After each press the screen is waited for to change (the page turned), so no press is made before
    the one before it shows.
    """
    for _ in range(pages):
        if text in screen_text(app):
            return True
        before = screen_text(app)
        await pilot.press("space")
        if not await until(pilot, lambda before=before: screen_text(app) != before):
            break  # Space no longer changes the screen: `text` is not coming
    return text in screen_text(app)


def footer_keys(app: App[None]) -> list[Widget]:
    """The keys the screen's footer shows now (Textual's own key widgets)."""
    return list(app.screen.query(FooterKey))


def screen_strips(app: App[None]) -> list[Strip]:
    """What the terminal shows now, a strip of segments a line (Textual's compositor: private, only here)."""
    return app.screen._compositor.render_strips()


def screen_text(app: App[None]) -> str:
    """What the terminal shows now, as plain text lines."""
    return "\n".join("".join(segment.text for segment in strip).rstrip() for strip in screen_strips(app))


def notifications(app: App[None]) -> list[Notification]:
    """The notifications the app shows now (Textual keeps them privately; only here)."""
    return list(app._notifications)


def quoted(text: str) -> str:
    """A YAML double-quoted string holding exactly `text`."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def write_post(
    folder: Path, name: str, title: str, when: str, category: str, link: str = "", body: str = ""
) -> Path:
    """A post file in YAML front matter + HTML, with the title quoted so anything can be in it."""
    lines = ["---", f"title: {quoted(title)}", f"date: {when}", f"category: {quoted(category)}"]
    if link:
        lines.append(f'externe_link: "{link}"')
    path = folder / name
    path.write_text("\n".join([*lines, "---", "", body or "<p>Tekst.</p>", ""]), encoding="utf-8")
    return path


def many_posts(root: Path, count: int, start: datetime | None = None) -> list[Post]:
    """`count` posts in memory (no files), newest first, one minute apart, in three categories."""
    start = start or datetime(2020, 1, 1, tzinfo=UTC)
    posts = []
    for number in range(count):
        when = start - timedelta(minutes=number)
        title = f"Bericht {number:06d}"
        path = root / f"{number:06d}.md"
        posts.append(
            Post(
                path=path,
                relpath=path.name,
                title=title,
                date=when,
                categories=(("binnenland", "buitenland", "sport")[number % 3],),
                key=identity_key(None, title, when),
            )
        )
    return posts
