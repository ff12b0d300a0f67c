"""Remembered settings: the core file format, corrupt files, and the theme surviving a restart."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
from textual.theme import BUILTIN_THEMES
from ui_helpers import copy_seed, new_app, screen_text, until, until_shown, wait_loaded

from tui.core.locations import Locations
from tui.core.settings import SETTINGS_FILE, Settings, SettingsStore

STAMP = datetime(2024, 3, 1, 12, 0, 0, tzinfo=UTC)


def test_no_file_means_defaults(tmp_path: Path):
    loaded = SettingsStore(tmp_path / "config").read()
    assert loaded.settings == Settings() and loaded.notice is None


def test_saved_settings_are_read_back_and_no_temporary_file_is_left(tmp_path: Path):
    store = SettingsStore(tmp_path / "config")
    store.save(Settings(theme="nord"))
    assert store.read().settings.theme == "nord"
    assert json.loads((tmp_path / "config" / SETTINGS_FILE).read_text()) == {"theme": "nord"}
    assert [path.name for path in (tmp_path / "config").iterdir()] == [SETTINGS_FILE]


@pytest.mark.parametrize("content", [b"{not json", b"[1, 2]", b"\xff\xfe", b'{"theme": 3}'])
def test_a_corrupt_file_is_moved_aside_and_defaults_used(tmp_path: Path, content: bytes):
    config = tmp_path / "config"
    config.mkdir()
    (config / SETTINGS_FILE).write_bytes(content)
    loaded = SettingsStore(config, clock=lambda: STAMP).read()
    assert loaded.settings == Settings()
    if content == b'{"theme": 3}':  # valid JSON with a useless value: ignored, not moved
        assert loaded.notice is None
        return
    assert loaded.notice is not None and "settings.json.corrupt-20240301-120000" in loaded.notice
    assert (config / "settings.json.corrupt-20240301-120000").read_bytes() == content
    assert not (config / SETTINGS_FILE).exists()


@pytest.mark.asyncio
async def test_the_theme_is_remembered_between_runs(tmp_path: Path):
    folder = copy_seed(tmp_path)
    first = new_app(folder, tmp_path)
    async with first.run_test(size=(80, 24)) as pilot:
        await wait_loaded(pilot, first)
        assert first.theme != "nord"
        first.theme = "nord"
        store = SettingsStore(Locations.under(tmp_path).config_dir)
        assert await until(pilot, lambda: store.read().settings.theme == "nord")  # saved to its file
    second = new_app(folder, tmp_path)
    async with second.run_test(size=(80, 24)) as pilot:
        await wait_loaded(pilot, second)
        assert second.theme == "nord"


@pytest.mark.asyncio
async def test_a_corrupt_settings_file_is_reported_and_krant_still_starts(tmp_path: Path):
    config = Locations.under(tmp_path).config_dir
    config.mkdir(parents=True)
    (config / SETTINGS_FILE).write_text("{oops", encoding="utf-8")
    app = new_app(copy_seed(tmp_path), tmp_path)
    async with app.run_test(size=(100, 24), notifications=True) as pilot:
        await wait_loaded(pilot, app)
        await until_shown(pilot, app, "settings file was corrupt", "Scepsis bij bondgenoten")
        assert len(list(config.glob("settings.json.corrupt-*"))) == 1


@pytest.mark.asyncio
@pytest.mark.parametrize("theme", sorted(BUILTIN_THEMES))
async def test_every_theme_draws_the_main_screen(tmp_path: Path, theme: str):
    app = new_app(copy_seed(tmp_path), tmp_path)
    async with app.run_test(size=(160, 48)) as pilot:
        await wait_loaded(pilot, app)
        app.theme = theme
        await pilot.press("enter")
        await pilot.pause()
        assert "Scepsis bij bondgenoten" in screen_text(app)
