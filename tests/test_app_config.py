"""config.toml in the app: each setting's effect on what the user sees, problems shown at start, remapped
keys in the footer and the help, and the user's own commands run with a post's fields as arguments."""

from __future__ import annotations

import json
import shlex
import sys
from pathlib import Path

import pytest
from textual.widgets import Input
from ui_helpers import (
    NEWER_TITLE,
    OLDER_TITLE,
    amsterdam,  # noqa: F401 (a fixture, used through pytestmark)
    copy_seed,
    footer_keys,
    new_app,
    notifications,
    open_palette,
    record_notices,
    screen_text,
    until,
    until_shown,
    wait_article,
    wait_loaded,
    write_post,
)

from tui.core.config import load_config
from tui.core.desktop import Desktop
from tui.core.locations import Locations
from tui.core.settings import SettingsStore
from tui.ui.screens.help import HelpScreen
from tui.ui.widgets.article_body import ArticleBody
from tui.ui.widgets.sidebar import EntryKind

pytestmark = [pytest.mark.asyncio, pytest.mark.usefixtures("amsterdam")]

RECORD = """\
import json, sys
with open(sys.argv[1], "w", encoding="utf-8", errors="surrogateescape") as out:
    json.dump({"argv": sys.argv[2:], "stdin": sys.stdin.read() if not sys.stdin.isatty() else None}, out)
sys.exit(int(sys.argv[2]) if sys.argv[2:3] and sys.argv[2].isdigit() else 0)
"""
"""A real program that writes the arguments it was given (and its standard input) to a JSON file."""


def recorder(tmp_path: Path) -> tuple[str, Path]:
    """A command line that runs `RECORD`, writing to the file returned; arguments follow."""
    script = tmp_path / "record.py"
    script.write_text(RECORD, encoding="utf-8")
    out = tmp_path / "argv.json"
    return f"{shlex.quote(sys.executable)} {shlex.quote(str(script))} {shlex.quote(str(out))}", out


def configured_app(tmp_path: Path, text: str, folder: Path | None = None, **options):
    path = tmp_path / "config.toml"
    path.write_text(text, encoding="utf-8")
    return new_app(folder or copy_seed(tmp_path), tmp_path, config=load_config(path), **options)


async def test_mistakes_are_shown_at_start_and_the_rest_of_the_file_is_used(tmp_path: Path):
    app = configured_app(
        tmp_path,
        'date_style = "iso"\nmark_read = "always"\ncolour = "red"\n\n[keys]\n"app.quit" = "n"\n'
        'theme = "no-such-theme"\n',
    )
    async with app.run_test(size=(160, 48)) as pilot:
        await wait_loaded(pilot, app)
        await until_shown(pilot, app, "2019-05-15 22:01")  # date_style was used
        notice = "\n".join(notification.message for notification in notifications(app))
        assert (
            "config.toml line 2: mark_read must be one of on_open, on_cursor, never, not 'always'\n" in notice
        )
        assert "config.toml line 3: unknown setting 'colour'" in notice
        assert "config.toml line 6: keys: 'n' is bound twice, to app.quit and app.next" in notice
        assert "config.toml line 7: keys: unknown action 'theme'" in notice
        assert app.config.mark_read == "on_open"
        await pilot.press("n")  # still the next unread, not quit
        assert await until(pilot, lambda: app.main.article_list.selected_post.title == OLDER_TITLE)
        assert app.is_running


async def test_the_theme_is_the_configs_unless_one_was_chosen_in_the_palette(tmp_path: Path):
    app = configured_app(tmp_path, 'theme = "nord"\n')
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_loaded(pilot, app)
        assert app.theme == "nord"
        app.theme = "gruvbox"  # as the palette does
        store = SettingsStore(Locations.under(tmp_path).config_dir)
        assert await until(pilot, lambda: store.read().settings.theme == "gruvbox")
    assert (tmp_path / "config.toml").read_text() == 'theme = "nord"\n'  # never written
    again = configured_app(tmp_path, 'theme = "nord"\n', folder=tmp_path / "posts")
    async with again.run_test(size=(80, 24)) as pilot:
        await wait_loaded(pilot, again)
        assert again.theme == "gruvbox"


async def test_an_unknown_theme_is_a_problem_and_the_default_theme_is_used(tmp_path: Path):
    app = configured_app(tmp_path, '\ntheme = "solarised"\n')
    async with app.run_test(size=(160, 48)) as pilot:
        await wait_loaded(pilot, app)
        notice = "\n".join(notification.message for notification in notifications(app))
        assert "config.toml line 2: theme: no theme called 'solarised' (known: " in notice
        assert app.theme == "textual-dark"


async def test_date_style_and_columns_change_the_rows(tmp_path: Path):
    app = configured_app(tmp_path, 'date_style = "iso"\ncolumns = ["title", "date"]\n')
    async with app.run_test(size=(160, 48)) as pilot:
        await wait_loaded(pilot, app)
        text = await until_shown(pilot, app, "2019-05-15 22:01", "2019-05-15 14:57")
        (row,) = [line for line in text.splitlines() if NEWER_TITLE in line]
        assert row.index(NEWER_TITLE) < row.index("2019-05-15 22:01")  # title first
        assert "buitenland  Scepsis" not in row  # no category column
        (other,) = [line for line in text.splitlines() if "2019-05-15 14:57" in line]
        assert other.index("2019-05-15 14:57") == row.index("2019-05-15 22:01")  # dates aligned


async def test_the_sidebar_can_start_hidden_and_b_shows_it(tmp_path: Path):
    app = configured_app(tmp_path, "sidebar = false\n")
    async with app.run_test(size=(160, 48)) as pilot:
        await wait_loaded(pilot, app)
        await until_shown(pilot, app, NEWER_TITLE)
        assert "All             2/2" not in screen_text(app) and "1/1" not in screen_text(app)
        await pilot.press("b")
        await until_shown(pilot, app, "buitenland      1/1")


async def test_wrap_width_caps_the_article_lines(tmp_path: Path):
    app = configured_app(tmp_path, "wrap_width = 40\n")
    async with app.run_test(size=(200, 48)) as pilot:
        await wait_loaded(pilot, app)
        await pilot.press("enter")
        await wait_article(pilot, app, NEWER_TITLE)
        body = app.main.article_view.query_one(ArticleBody)
        assert body.size.width == 40
        pane = app.main.article_view.size.width
        assert pane > 60
        text = screen_text(app)
        words = [line for line in text.splitlines() if "Niet alle" in line]
        assert words and all(len(line.split("▏")[-1].rstrip()) <= 42 for line in words)


async def test_mark_read_never_leaves_an_opened_post_unread(tmp_path: Path):
    app = configured_app(tmp_path, 'mark_read = "never"\n')
    async with app.run_test(size=(160, 48)) as pilot:
        await wait_loaded(pilot, app)
        await pilot.press("enter")
        await wait_article(pilot, app, NEWER_TITLE)
        assert app.unread.total == 2
        await until_shown(pilot, app, "All             2/2")
        await pilot.press("m")  # marking by hand still works
        assert await until(pilot, lambda: app.unread.total == 1)


async def test_mark_read_on_cursor_marks_the_row_the_cursor_moves_to(tmp_path: Path):
    app = configured_app(tmp_path, 'mark_read = "on_cursor"\n')
    async with app.run_test(size=(160, 48)) as pilot:
        await wait_loaded(pilot, app)
        await pilot.press("j")
        assert await until(pilot, lambda: app.main.article_list.selected_post.title == OLDER_TITLE)
        assert await until(pilot, lambda: not app.unread.is_unread(app.main.article_list.selected_post))
        await until_shown(pilot, app, "nieuws          0/1")


async def test_a_remapped_key_works_and_the_footer_and_help_show_it(tmp_path: Path):
    app = configured_app(tmp_path, '[keys]\n"app.toggle-read" = ["x"]\n"list.down" = ["ctrl+n", "down"]\n')
    async with app.run_test(size=(160, 48)) as pilot:
        await wait_loaded(pilot, app)
        keys = {key.key: key.description for key in footer_keys(app)}
        assert keys.get("x") == "Read/unread" and "m" not in keys, keys
        await pilot.press("m")  # its old key does nothing now
        await pilot.press("x")
        assert await until(pilot, lambda: app.unread.total == 1)
        await pilot.press("ctrl+n")
        assert await until(pilot, lambda: app.main.article_list.selected_post.title == OLDER_TITLE)
        await pilot.press("question_mark")
        assert await until(pilot, lambda: isinstance(app.screen, HelpScreen))
        text = await until_shown(pilot, app, "krant keys")
        assert "│ x  " in text and "│ Ctrl+N / k, ↓ / ↑  " in text, text


async def test_a_command_gets_hostile_fields_as_exact_arguments_and_says_how_it_ended(tmp_path: Path):
    folder = tmp_path / "posts"
    folder.mkdir()
    title = "Oops; rm -rf ~ $(touch owned) `id` 'q\" | cat > x"
    name = "2024-05-01-a\nb; rm -rf $(id).md"
    write_post(folder, name, title, "2024-05-01 12:00:00 +0200", "video", link="https://e.com/?a=1&b=$(id)")
    command, out = recorder(tmp_path)
    app = configured_app(
        tmp_path,
        f"[[commands]]\nname = 'Record'\nkey = 'R'\n"
        f"run = {json.dumps(command + ' {{title}} --link={link} {path}')}\n",
        folder=folder,
    )
    notices = record_notices(app)
    async with app.run_test(size=(160, 48)) as pilot:
        await wait_loaded(pilot, app)
        await pilot.press("R")
        assert await until(pilot, lambda: any("Record: python" in notice for notice in notices)), notices
    recorded = json.loads(out.read_text(encoding="utf-8"))
    post = app.library.posts[0]
    assert recorded["argv"] == ["{title}", "--link=https://e.com/?a=1&b=$(id)", post.path]
    assert "\n" in post.path and post.title == title
    assert not (tmp_path / "owned").exists() and not Path("owned").exists()
    assert any(notice.endswith("exited with status 0.") for notice in notices), notices


async def test_a_commands_title_and_failure_and_its_when(tmp_path: Path):
    command, out = recorder(tmp_path)
    app = configured_app(
        tmp_path,
        f'[[commands]]\nname = "Title"\nkey = "T"\nrun = {json.dumps(command + " 3 {title}")}\n'
        f'[[commands]]\nname = "Video"\nkey = "V"\nrun = "true"\nwhen = "category:video"\n'
        f'[[commands]]\nname = "Here"\nkey = "W"\nrun = {json.dumps(command + " 0 {title}")}\n'
        'when = "(cat:Buitenland OR tag:video) -is:starred"\n',
    )
    notices = record_notices(app)
    async with app.run_test(size=(160, 48)) as pilot:
        await wait_loaded(pilot, app)
        await pilot.press("V")
        assert await until(pilot, lambda: "Video is only for posts matching category:video." in notices), (
            notices
        )
        await pilot.press("W")  # the newest post is in buitenland, and not starred: its `when` finds it
        assert await until(pilot, lambda: any("exited with status 0" in notice for notice in notices))
        assert json.loads(out.read_text())["argv"] == ["0", NEWER_TITLE]
        await pilot.press("s", "W")  # starred now: the query no longer finds it
        assert await until(pilot, lambda: any(notice.startswith("Here is only for") for notice in notices))
        await pilot.press("T")
        assert await until(pilot, lambda: any("exited with status 3" in notice for notice in notices)), (
            notices
        )
    assert json.loads(out.read_text())["argv"] == ["3", NEWER_TITLE]


async def test_the_configured_browser_is_what_o_runs(tmp_path: Path):
    command, out = recorder(tmp_path)
    path = tmp_path / "config.toml"
    path.write_text(f"browser = {json.dumps(command + ' --new-tab')}\n", encoding="utf-8")
    config = load_config(path)
    app = new_app(
        copy_seed(tmp_path), tmp_path, config=config, desktop=Desktop({}, browser=config.config.browser)
    )
    notices = record_notices(app)
    async with app.run_test(size=(160, 48)) as pilot:
        await wait_loaded(pilot, app)
        await pilot.press("o")
        assert await until(pilot, lambda: any("in the browser (with python" in notice for notice in notices))
        link = app.main.article_list.selected_post.link
    assert json.loads(out.read_text())["argv"] == ["--new-tab", link]


async def test_pipe_asks_for_a_command_and_says_when_it_cannot_step_aside(tmp_path: Path):
    """Headless there is no terminal to hand over: krant says so (tmux tests run it for real)."""
    app = configured_app(tmp_path, "")
    notices = record_notices(app)
    async with app.run_test(size=(160, 48)) as pilot:
        await wait_loaded(pilot, app)
        await pilot.press("vertical_line")
        assert await until(pilot, lambda: isinstance(app.focused, Input))
        await until_shown(pilot, app, f"Send {NEWER_TITLE[:30]}", "Enter: run")
        await pilot.press(*"wc 'unclosed", "enter")
        assert await until(pilot, lambda: any("No closing quotation" in notice for notice in notices)), (
            notices
        )
        await pilot.press("vertical_line")
        assert await until(pilot, lambda: isinstance(app.focused, Input))
        await pilot.press(*"wc -l", "enter")
        assert await until(pilot, lambda: any("cannot step aside" in notice for notice in notices)), notices
        await pilot.press("vertical_line")
        assert await until(pilot, lambda: isinstance(app.focused, Input))
        await pilot.press("escape")
        assert await until(pilot, lambda: app.screen is app.main)


async def test_names_with_markup_in_the_palette_show_as_written_and_never_crash_it(tmp_path: Path):
    """The palette reads its entries as markup: `[/]` in a command's or a saved search's name closed krant."""
    (tmp_path / "config").mkdir()
    (tmp_path / "config" / "searches.toml").write_text('[[search]]\nname = "[/]Irak[b]"\nquery = "irak"\n')
    app = configured_app(
        tmp_path, '[[commands]]\nname = "x[/]"\nkey = "V"\nrun = "notify-send [krant] {title}"\n'
    )
    async with app.run_test(size=(160, 48)) as pilot:
        await wait_loaded(pilot, app)
        await until_shown(pilot, app, "[/]Irak[b]")  # in the sidebar, as written
        await open_palette(pilot, app)
        await pilot.press(*"x[")
        await until_shown(pilot, app, "x[/]", "notify-send [krant] {title}")
        await pilot.press("escape")
        app.main.choose_entry((EntryKind.SAVED, "[/]Irak[b]"))
        await open_palette(pilot, app)
        await pilot.press(*"rename")
        await until_shown(pilot, app, "Give '[/]Irak[b]' another name")
    assert app.return_code is None
