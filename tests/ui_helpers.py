"""Shared pieces for the UI tests: a fixed clock and zone, seed posts in tmp, and reading the screen."""

from __future__ import annotations

import os
import shutil
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest
from textual.pilot import Pilot

from tui.app import KrantApp, make_app
from tui.locations import Locations
from tui.posts import Post, identity_key

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


def new_app(folder: Path, base: Path, **options: object) -> KrantApp:
    """The app on a folder, with its own files under `base`, a fixed clock and the watcher off."""
    return make_app(folder, locations=Locations.under(base), clock=fixed_clock, watch=False, **options)


async def until(pilot: Pilot[None], condition: Callable[[], bool], timeout: float = 15.0) -> bool:
    """Let the app run until a condition holds, or a generous timeout passes; whether it held."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        await pilot.pause(0.05)
    return condition()


async def wait_loaded(pilot: Pilot[None], app: KrantApp) -> None:
    """Wait until the folder has been read and every message about it handled."""
    for _ in range(200):
        await pilot.pause()
        if not app.loading:
            break
    await app.workers.wait_for_complete()
    await pilot.pause()


async def wait_article(pilot: Pilot[None], app: KrantApp) -> None:
    """Wait until the article being read is shown."""
    await pilot.pause()
    await app.workers.wait_for_complete()
    await pilot.pause()
    await pilot.pause()


async def page_until(pilot: Pilot[None], app: KrantApp, text: str, pages: int = 20) -> bool:
    """Press Space (page down) until `text` is on screen; whether it appeared."""
    for _ in range(pages):
        if text in screen_text(app):
            return True
        await pilot.press("space")
        await pilot.pause()
    return text in screen_text(app)


def screen_text(app: KrantApp) -> str:
    """What the terminal shows now, as plain text lines."""
    strips = app.screen._compositor.render_strips()
    return "\n".join("".join(segment.text for segment in strip).rstrip() for strip in strips)


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
