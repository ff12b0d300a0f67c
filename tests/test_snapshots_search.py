"""Snapshot of search results at 160×48, as deterministic as those in test_snapshots."""

from __future__ import annotations

from pathlib import Path

import pytest
from test_snapshots import fixed_app
from textual.pilot import Pilot
from ui_helpers import (
    amsterdam,  # noqa: F401 (a fixture, used through pytestmark)
    copy_seed,
    until,
    wait_loaded,
)

from tui.ui.app import KrantApp

pytestmark = pytest.mark.usefixtures("amsterdam")


async def search_syrie(pilot: Pilot[None]) -> None:
    """Search for 'syrie', wait for the results, and go to them (the box's cursor would blink)."""
    app = pilot.app
    assert isinstance(app, KrantApp)
    await wait_loaded(pilot, app)
    await pilot.press("slash", *"syrie")
    assert await until(pilot, lambda: "results for 'syrie'" in app.sub_title), app.sub_title
    assert app.sub_title == "2 results for 'syrie', newest first"
    await pilot.press("enter")
    assert await until(pilot, lambda: app.focused is app.main.article_list), app.focused
    await pilot.pause()  # and drawn


def test_search_results(snap_compare, tmp_path: Path) -> None:
    app = fixed_app(copy_seed(tmp_path), tmp_path)
    assert snap_compare(app, terminal_size=(160, 48), run_before=search_syrie)
