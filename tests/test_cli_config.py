"""`krant config` (the file, the settings in effect, its mistakes; `--defaults`, `--keys`), `--config FILE`,
and the folders a config names: `krant` alone, `krant NAME`."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from tui.cli import main
from tui.core.config import default_file

NEWER = "Scepsis bij bondgenoten VS over dreiging in Irak"


@pytest.fixture(autouse=True)
def own_locations(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Never read the user's own config (or state) while testing: the config is XDG_CONFIG_HOME/krant."""
    for name in ("XDG_STATE_HOME", "XDG_CACHE_HOME", "XDG_CONFIG_HOME"):
        monkeypatch.setenv(name, str(tmp_path / name.lower()))
    folder = tmp_path / "xdg_config_home" / "krant"
    folder.mkdir(parents=True)
    return folder / "config.toml"


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_config_without_a_file_says_so_and_prints_the_defaults(capsys, own_locations: Path):
    code, out, err = run(capsys, "config")
    assert code == 0 and err == ""
    lines = out.splitlines()
    assert lines[0] == f"# {own_locations}  (no such file: every setting is its default)"
    assert (
        'date_style = "relative"' in lines and 'mark_read = "on_open"' in lines and "sidebar = true" in lines
    )
    assert "# folder: not set" in lines and 'columns = ["date", "category", "title"]' in lines


def test_config_prints_the_settings_in_effect_and_each_mistake_with_its_line(capsys, own_locations: Path):
    own_locations.write_text(
        'theme = "nord"\nwrap_width = 5\n\n[keys]\n"app.quit" = "Q"\n"app.toggle-read" = "n"\n'
        '\n[[commands]]\nname = "Watch"\nkey = "V"\nrun = "mpv {link}"\n',
        encoding="utf-8",
    )
    code, out, err = run(capsys, "config")
    assert code == 1
    assert out.splitlines()[0] == f"# {own_locations}"
    assert 'theme = "nord"' in out and "# wrap_width: not set" in out
    assert '"app.quit" = ["Q"]' in out and 'run = "mpv {link}"' in out
    assert err.splitlines() == [
        "krant: config.toml line 2: wrap_width must be between 20 and 1000, not 5",
        "krant: config.toml line 6: keys: 'n' is bound twice, to app.toggle-read and app.next; "
        "app.toggle-read keeps its own keys",
    ]


def test_a_theme_that_does_not_exist_is_a_mistake(capsys, own_locations: Path):
    own_locations.write_text('\n\ntheme = "nrod"\n', encoding="utf-8")
    code, _out, err = run(capsys, "config")
    assert code == 1 and err.startswith("krant: config.toml line 3: theme: no theme called 'nrod' (known: ")


def test_defaults_is_a_commented_file_that_loads_as_the_defaults(capsys, tmp_path: Path):
    code, out, err = run(capsys, "config", "--defaults")
    assert (code, out, err) == (0, default_file(), "")
    path = tmp_path / "mine.toml"
    path.write_text(out, encoding="utf-8")
    assert run(capsys, "config", "--config", str(path))[0] == 0


def test_keys_lists_every_action_with_its_keys_as_bound(capsys, own_locations: Path):
    own_locations.write_text(
        '[keys]\n"app.quit" = ["Q", "ctrl+q"]\n'
        '[[commands]]\nname = "To PDF"\nkey = "P"\nrun = "pandoc {path}"\n',
        encoding="utf-8",
    )
    code, out, err = run(capsys, "config", "--keys")
    assert code == 0 and err == ""
    rows = {line.split()[0]: line for line in out.splitlines()}
    assert rows["app.quit"].split()[1:] == ["Q", "Ctrl+Q", "Quit"]
    assert rows["app.toggle-read"].split()[1:] == ["m", "Read/unread"]
    assert rows["list.down"].split()[1:] == ["↓", "j", "Down"]
    assert rows["app.edit"].split()[1] == "e" and rows["app.pipe"].split()[1] == "|"
    assert rows["command.to-pdf"].split()[1:] == ["P", "To", "PDF"]
    assert len(out.splitlines()) > 40
    columns = {len(re.match(r"\S+\s+", line)[0]) for line in out.splitlines()}
    assert len(columns) == 1  # aligned


def test_a_config_file_named_with_config_is_used_and_a_missing_one_is_an_error(capsys, tmp_path: Path):
    path = tmp_path / "other.toml"
    path.write_text('mark_read = "never"\n', encoding="utf-8")
    code, out, _err = run(capsys, "config", "--config", str(path))
    assert code == 0 and 'mark_read = "never"' in out and out.startswith(f"# {path}\n")
    assert run(capsys, "config", "--config", str(tmp_path / "nope.toml")) == (
        2,
        "",
        f"krant: no such config file: {tmp_path / 'nope.toml'}\n",
    )


def test_krant_alone_and_krant_name_open_the_configured_folders(
    capsys, own_locations: Path, seed_folder: Path, tmp_path: Path, monkeypatch, local_zone: str
):
    other = tmp_path / "other"
    other.mkdir()
    (other / "2020-01-01-een.md").write_text("---\ntitle: Een ander\n---\nTekst.\n", encoding="utf-8")
    own_locations.write_text(
        f"folder = {json.dumps(str(seed_folder))}\n[folders]\nander = {json.dumps(str(other))}\n",
        encoding="utf-8",
    )
    monkeypatch.chdir(tmp_path)  # no ./posts here
    code, out, _err = run(capsys, "list")
    assert code == 0 and NEWER in out
    code, out, _err = run(capsys, "list", "ander")
    assert code == 0 and out.rstrip().endswith("Een ander")
    (tmp_path / "ander").mkdir()  # a folder you can see wins over a name
    code, out, _err = run(capsys, "list", "ander")
    assert code == 0 and out == ""
    assert run(capsys, "list", "nergens")[0] == 2


def test_a_broken_config_never_stops_a_command(
    capsys, own_locations: Path, seed_folder: Path, local_zone: str
):
    own_locations.write_bytes(b"folder = [\n\xff")
    code, out, err = run(capsys, "list", str(seed_folder))
    assert code == 0 and NEWER in out
    code, _out, err = run(capsys, "config")
    assert code == 1 and err.startswith("krant: config.toml line 2: not UTF-8 text")


def test_keys_of_the_main_screen_clash_with_the_apps_and_back_may_be_moved(capsys, own_locations: Path):
    own_locations.write_text(
        '[keys]\n"app.back" = ["escape", "backspace"]\n"app.edit" = "b"\n', encoding="utf-8"
    )
    code, _out, err = run(capsys, "config")
    assert code == 1
    assert err.splitlines() == [
        "krant: config.toml line 3: keys: 'b' is bound twice, to app.edit and main.toggle-sidebar; "
        "app.edit keeps its own keys"
    ]
