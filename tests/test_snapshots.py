"""Snapshots of the main screens at 80×24 and 160×48: fixed clock, zone, theme, posts and locations."""

from __future__ import annotations

import shutil
from collections.abc import Awaitable, Callable
from pathlib import Path

import pytest
from textual.pilot import Pilot
from ui_helpers import (
    amsterdam,  # noqa: F401 (a fixture, used through pytestmark)
    copy_seed,
    new_app,
    page_until,
    settled,
    until_shown,
    wait_article,
    wait_loaded,
)

from tui.ui.app import KrantApp

pytestmark = pytest.mark.usefixtures("amsterdam")

SAMPLER = Path(__file__).resolve().parent / "markdown_sampler.md"
SIZES = [pytest.param((80, 24), id="80x24"), pytest.param((160, 48), id="160x48")]


def fixed_app(folder: Path, tmp_path: Path) -> KrantApp:
    app = new_app(folder, tmp_path)
    app.theme = "textual-dark"
    return app


def after_loading(
    *keys: str, until: str | None = None, shown: str | None = None
) -> Callable[[Pilot[None]], Awaitable[None]]:
    """Wait for the folder to be read, press keys, wait for the article Enter opens, for `shown` to be on
    screen, and for every worker to end; then page to `until`."""

    async def run(pilot: Pilot[None]) -> None:
        app = pilot.app
        assert isinstance(app, KrantApp)
        await wait_loaded(pilot, app)
        await pilot.press(*keys)
        if "enter" in keys:
            await wait_article(pilot, app)
        if shown is not None:
            await until_shown(pilot, app, shown)
        await settled(pilot, app)
        if until is not None:
            assert await page_until(pilot, app, until)

    return run


@pytest.mark.parametrize("size", SIZES)
def test_main_screen(snap_compare, tmp_path: Path, size: tuple[int, int]):
    assert snap_compare(
        fixed_app(copy_seed(tmp_path), tmp_path), terminal_size=size, run_before=after_loading()
    )


@pytest.mark.parametrize("size", SIZES)
def test_open_article(snap_compare, tmp_path: Path, size: tuple[int, int]):
    app = fixed_app(copy_seed(tmp_path), tmp_path)
    assert snap_compare(app, terminal_size=size, run_before=after_loading("enter", until="Syrië"))


@pytest.mark.parametrize("size", SIZES)
def test_help(snap_compare, tmp_path: Path, size: tuple[int, int]):
    app = fixed_app(copy_seed(tmp_path), tmp_path)
    assert snap_compare(
        app, terminal_size=size, run_before=after_loading("question_mark", shown="krant keys")
    )


@pytest.mark.parametrize("size", SIZES)
def test_empty_folder(snap_compare, tmp_path: Path, size: tuple[int, int]):
    folder = tmp_path / "empty"
    folder.mkdir()
    assert snap_compare(fixed_app(folder, tmp_path), terminal_size=size, run_before=after_loading())


@pytest.mark.parametrize("size", SIZES)
def test_problems_list(snap_compare, tmp_path: Path, size: tuple[int, int]):
    folder = copy_seed(tmp_path)
    (folder / "kapot.md").write_text("---\ntitle: [unclosed\n---\nbody\n", encoding="utf-8")
    (folder / "leeg.html").write_text("", encoding="utf-8")
    app = fixed_app(folder, tmp_path)
    assert snap_compare(
        app, terminal_size=size, run_before=after_loading("shift+tab", "G", shown="invalid YAML front matter")
    )


@pytest.mark.parametrize("size", SIZES)
def test_article_with_every_kind_of_block(snap_compare, tmp_path: Path, size: tuple[int, int]):
    folder = tmp_path / "posts"
    folder.mkdir()
    shutil.copy(SAMPLER, folder / "2019-05-15-sampler.md")
    assert snap_compare(fixed_app(folder, tmp_path), terminal_size=size, run_before=after_loading("enter"))
