"""Fixtures shared by the test modules: a fixed local zone, the seed posts, and a posts folder to fill."""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
SEED_FOLDER = REPO / "posts"
TEST_ZONE = "Europe/Amsterdam"
"""The seeds are Dutch news: in this zone their local times are the times in their front matter."""


@pytest.fixture(autouse=True)
def own_platform_folders(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Every test gets config, state and cache folders of its own: a test that runs krant (or its CLI)
    without giving it folders never reads the developer's config.toml, searches.toml or read marks, and
    never writes beside them."""
    base = tmp_path_factory.mktemp("platform")
    for name in ("CONFIG", "STATE", "CACHE", "DATA"):
        monkeypatch.setenv(f"XDG_{name}_HOME", str(base / name.lower()))
    return base


@pytest.fixture
def local_zone() -> Iterator[str]:
    """Make local time deterministic (TZ plus `time.tzset`), and put the old zone back afterwards."""
    old = os.environ.get("TZ")
    os.environ["TZ"] = TEST_ZONE
    time.tzset()
    try:
        yield TEST_ZONE
    finally:
        if old is None:
            os.environ.pop("TZ", None)
        else:
            os.environ["TZ"] = old
        time.tzset()


@pytest.fixture
def seed_folder() -> Path:
    """The posts folder that ships with krant (read-only: never write into it)."""
    return SEED_FOLDER


@pytest.fixture
def posts_folder(tmp_path: Path) -> Path:
    """An empty posts folder for one test."""
    folder = tmp_path / "posts"
    folder.mkdir()
    return folder


@pytest.fixture
def state_dir(tmp_path: Path) -> Path:
    """krant's state folder for one test (not made yet: krant makes it)."""
    return tmp_path / "state" / "krant"


WritePost = Callable[..., Path]


@pytest.fixture
def write_post(posts_folder: Path) -> WritePost:
    """Write a file below `posts_folder`: `write_post("a/b.md", text_or_bytes, mtime=None)` → its path."""

    def write(name: str, content: str | bytes, mtime: float | None = None) -> Path:
        path = posts_folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content.encode("utf-8") if isinstance(content, str) else content)
        if mtime is not None:
            os.utime(path, (mtime, mtime))
        return path

    return write
