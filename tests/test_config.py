"""config.toml: each setting's default and effect on `Config`, and the problem a bad value gives (by line)."""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tui.core.config import (
    COLUMNS,
    Action,
    CommandSpec,
    Config,
    LoadedConfig,
    check_keys,
    default_file,
    fill,
    line_of,
    load_config,
    parse_config,
)
from tui.core.post import Post
from tui.core.user_commands import (
    editor_command,
    fields_of,
    missing_fields,
    pipe_command,
    run_in_background,
)


def loaded(text: str, tmp_path: Path) -> LoadedConfig:
    path = tmp_path / "config.toml"
    path.write_text(text, encoding="utf-8")
    return load_config(path)


def test_no_file_is_every_default_and_no_problem(tmp_path: Path):
    result = load_config(tmp_path / "config.toml")
    assert result.config == Config() and result.problems == []
    assert Config().date_style == "relative" and Config().mark_read == "on_open" and Config().sidebar
    assert Config().columns == COLUMNS and Config().wrap_width is None and Config().browser is None


def test_every_setting_is_read(tmp_path: Path):
    home = str(Path.home())
    result = loaded(
        """
folder = "~/news/_posts"
theme = "nord"
date_style = "iso"
columns = ["title", "date"]
sidebar = false
wrap_width = 72
mark_read = "on_cursor"
browser = "firefox --new-tab {link}"
sync_folder = "~/Sync/krant"

[folders]
blog = "~/src/blog"

[keys]
"app.quit" = ["q", "ctrl+q"]
"app.help" = "f1"

[[commands]]
name = "Watch"
key = "V"
run = "mpv --fs {link}"
terminal = true
when = "category:video"
""",
        tmp_path,
    )
    assert result.problems == []
    config = result.config
    assert config.folder == Path(home, "news/_posts") and config.folders == {"blog": Path(home, "src/blog")}
    assert config.sync_folder == Path(home, "Sync/krant")
    assert (config.theme, config.date_style, config.columns) == ("nord", "iso", ("title", "date"))
    assert (config.sidebar, config.wrap_width, config.mark_read) == (False, 72, "on_cursor")
    assert config.browser == ("firefox", "--new-tab", "{link}")
    assert config.keys == {"app.quit": ["q", "ctrl+q"], "app.help": ["f1"]}
    (watch,) = config.commands
    assert (watch.name, watch.key, watch.argv, watch.terminal, watch.when) == (
        "Watch",
        "V",
        ("mpv", "--fs", "{link}"),
        True,
        "category:video",
    )
    assert watch.id == "command.watch"


def test_a_browser_without_link_gets_it_last(tmp_path: Path):
    assert loaded('browser = "firefox"', tmp_path).config.browser == ("firefox", "{link}")


BAD_VALUES = [
    ("theme = 3", "line 2: theme must be text, not a number"),
    ('date_style = "american"', "line 2: date_style must be one of relative, iso, not 'american'"),
    ('mark_read = "always"', "line 2: mark_read must be one of on_open, on_cursor, never, not 'always'"),
    ('sidebar = "no"', "line 2: sidebar must be true or false, not text"),
    ("wrap_width = 10", "line 2: wrap_width must be between 20 and 1000, not 10"),
    ("wrap_width = 72.5", "line 2: wrap_width must be a whole number of columns, not a number"),
    ("wrap_width = true", "line 2: wrap_width must be a whole number of columns, not true/false"),
    ('columns = "date"', "line 2: columns must be a list of date, category, title"),
    ('columns = ["date", "author", "title"]', "line 2: columns: unknown column 'author'"),
    ('columns = ["date", "date", "title"]', "line 2: columns: a column is named twice"),
    ('columns = ["date"]', "line 2: columns must include title"),
    ('folder = ""', "line 2: folder must be a folder, not empty text"),
    ("folder = 1", "line 2: folder must be text, not a number"),
    ('folders = "x"', "line 2: folders must be a table ([folders]), not text"),
    ('browser = "firefox \'"', "line 2: browser: cannot split the command line (No closing quotation)"),
    ('browser = "open {url}"', "line 2: browser: unknown field {url}"),
    ("colour = 1", "line 2: unknown setting 'colour'"),
    ("[folders]\nnews = 3", "line 3: folders.news must be text, not a number"),
    ('[keys]\n"app.quit" = 1', 'line 3: keys.app.quit must be a key or a list of keys, like "j"'),
    ('[keys]\n"app.quit" = "q,x"', "line 3: keys.app.quit: give several keys as a list"),
    ('[keys]\n"app.quit" = []', "line 3: keys.app.quit must be a key or a list of keys"),
    ("commands = 1", "line 2: commands must be [[commands]] entries"),
    ('[[commands]]\nname = "A"\nkey = "V"', "line 2: commands[1] needs run; left out"),
    (
        '[[commands]]\nname = "A"\nkey = "V"\nrun = "x"\nterminal = "yes"',
        "line 6: commands[1]: terminal must be",
    ),
    ('[[commands]]\nname = "A"\nkey = "V"\nrun = "x {titel}"', "line 5: commands[1]: unknown field {titel}"),
    (
        '[[commands]]\nname = "A"\nkey = "V"\nrun = "x"\nshell = true',
        "line 6: commands[1]: unknown setting 'shell'",
    ),
    ('[[commands]]\nname = "A"\nkey = "V"\nrun = ""', "line 2: commands[1] needs run"),
    (
        '[[commands]]\nname = "A"\nkey = "V"\nrun = "x"\nwhen = "catgory:video"',
        "line 6: commands[1]: when: unknown field 'catgory:' — did you mean category:? (at character 1 of",
    ),
]


@pytest.mark.parametrize(("text", "problem"), BAD_VALUES)
def test_a_bad_value_is_a_problem_with_its_line_and_keeps_the_default(
    tmp_path: Path, text: str, problem: str
):
    kept = "sidebar = false" if text.startswith("theme") else 'theme = "nord"'
    result = loaded(f"{kept}\n{text}\n", tmp_path)
    assert len(result.problems) == 1, result.problems
    assert result.problems[0].startswith("config.toml " + problem), result.problems
    config = result.config
    if text.startswith("theme"):
        assert config.theme is None and not config.sidebar  # the rest of the file is used
    else:
        assert config.theme == "nord" and config.sidebar
    assert config.date_style == "relative" and config.columns == COLUMNS and config.mark_read == "on_open"
    assert config.wrap_width is None and config.folder is None and config.browser is None
    assert config.folders == {} and config.keys == {} and config.commands == ()


def test_the_bad_entry_of_a_section_goes_and_the_others_stay(tmp_path: Path):
    result = loaded(
        """[[commands]]
name = "Good"
key = "G"
run = "echo {title}"

[[commands]]
name = "Bad"
key = "B"
run = "echo {nope}"

[[commands]]
name = "Also good"
key = "X"
run = "echo"
""",
        tmp_path,
    )
    assert [command.name for command in result.config.commands] == ["Good", "Also good"]
    assert result.problems == [
        "config.toml line 9: commands[2]: unknown field {nope} (known: {link}, {path}, "
        "{title}, {categories}, {date})"
    ]


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ('theme = "nord"\nmark_read = \n', "config.toml line 2: not valid TOML: Invalid value (column 13)"),
        ("[keys\n", "config.toml line 1: not valid TOML"),
        ("a = 1\na = 2\n", "config.toml line 2: not valid TOML"),
        ('a = "unclosed\n', "config.toml line 1: not valid TOML"),
    ],
)
def test_a_file_that_is_not_toml_is_one_problem_and_every_default(tmp_path: Path, text: str, problem: str):
    result = loaded(text, tmp_path)
    assert result.config == Config()
    (only,) = result.problems
    assert only.startswith(problem) and only.endswith("; using the defaults"), only


def test_a_file_that_is_not_utf8_or_cannot_be_read_is_a_problem(tmp_path: Path):
    path = tmp_path / "config.toml"
    path.write_bytes(b'theme = "nord"\nfolder = "\xff"\n')
    assert load_config(path).problems == ["config.toml line 2: not UTF-8 text; using the defaults"]
    path.unlink()
    path.mkdir()
    (problem,) = load_config(path).problems
    assert problem.startswith("config.toml: cannot be read (") and problem.endswith("using the defaults")


@given(st.text(max_size=200))
def test_no_text_makes_loading_raise(text: str):
    result = parse_config(text.encode("utf-8", "surrogatepass"), Path("config.toml"))
    assert isinstance(result.config, Config)
    assert all(problem.startswith("config.toml") for problem in result.problems)


def test_the_default_file_is_every_setting_commented_out(tmp_path: Path):
    text = default_file()
    assert loaded(text, tmp_path).config == Config() and loaded(text, tmp_path).problems == []
    # Uncommented, the example lines are a valid file that sets every setting.
    uncommented = "\n".join(line[2:] for line in text.splitlines() if re.match(r'# (\w+ = |\[|")', line))
    result = loaded(uncommented, tmp_path)
    assert result.problems == []
    settings = set(Config.__dataclass_fields__)
    set_here = {name for name in settings if getattr(result.config, name) != getattr(Config(), name)}
    assert set_here == settings - {
        "date_style",
        "columns",
        "sidebar",
        "mark_read",
    }  # those show their defaults


def test_line_of_finds_a_key_in_its_section_and_entry():
    text = 'theme = "x"\n[keys]\n"app.quit" = 1\n[[commands]]\nname = "a"\n[[commands]]\nname = "b"\n'
    assert line_of(text, None, "theme") == 1
    assert line_of(text, "keys", "app.quit") == 3
    assert line_of(text, "commands", "name", 1) == 7
    assert line_of(text, "commands", "missing", 1) == 6  # the entry's header
    assert line_of(text, None, "name") is None  # not at the top level


# Keys ------------------------------------------------------------------------------------------

ACTIONS = {
    "app.quit": Action("app.quit", "app", ("q",), "Quit"),
    "app.next": Action("app.next", "app", ("n",), "Next"),
    "list.down": Action("list.down", "list", ("down", "j"), "Down"),
    "article.down": Action("article.down", "article", ("j",), "Down"),
}


def checked(text: str, tmp_path: Path, actions: dict[str, Action] = ACTIONS):
    result = loaded(text, tmp_path)
    return check_keys(result, actions, lambda key: {"?": "question_mark"}.get(key, key))


def test_keys_rebind_actions_and_a_key_in_another_namespace_is_no_clash(tmp_path: Path):
    keys = checked(
        '[keys]\n"app.quit" = ["Q", "ctrl+q"]\n"list.down" = ["j"]\n"article.down" = "J"', tmp_path
    )
    assert keys.problems == []
    assert keys.keymap == {"app.quit": ["Q", "ctrl+q"], "list.down": ["j"], "article.down": ["J"]}


def test_a_key_bound_twice_in_one_namespace_is_a_problem_and_the_action_keeps_its_keys(tmp_path: Path):
    keys = checked('[keys]\n"list.down" = "x"\n"app.quit" = "n"\n', tmp_path)
    assert keys.keymap == {"list.down": ["x"]}
    assert keys.problems == [
        "config.toml line 3: keys: 'n' is bound twice, to app.quit and app.next; app.quit keeps its own keys"
    ]
    # Moving the other action away too makes room.
    assert checked('[keys]\n"app.quit" = "n"\n"app.next" = "N"\n', tmp_path).problems == []


def test_an_unknown_action_is_a_problem(tmp_path: Path):
    keys = checked('\n[keys]\n"app.qiut" = "x"\n', tmp_path)
    assert keys.keymap == {}
    assert keys.problems == [
        "config.toml line 3: keys: unknown action 'app.qiut' (krant config --keys lists them)"
    ]


def test_a_key_name_textual_does_not_know_is_a_problem_and_the_others_are_used(tmp_path: Path):
    from tui.ui.textual_internals import normalized_key

    text = (
        '[keys]\n"app.quit" = ["ctrll+q", "Q", "ctrl+shift+f5"]\n"app.next" = "pgdn"\n'
        '"list.down" = ["?", "space"]\n'
    )
    keys = check_keys(loaded(text, tmp_path), ACTIONS, normalized_key)
    assert keys.keymap == {"app.quit": ["Q", "ctrl+shift+f5"], "list.down": ["?", "space"]}
    assert keys.problems == [
        "config.toml line 2: keys: app.quit: 'ctrll+q' is no key name (such as j, ?, ctrl+q, pagedown, f1)",
        "config.toml line 3: keys: app.next: 'pgdn' is no key name (such as j, ?, ctrl+q, pagedown, f1)",
    ]
    result = loaded('[[commands]]\nname = "A"\nkey = "ctl+v"\nrun = "x"\n', tmp_path)
    actions = dict(ACTIONS)
    for command in result.config.commands:
        actions[command.id] = Action(command.id, "app", (command.key,), command.name, command.entry)
    keys = check_keys(result, actions, normalized_key)
    assert keys.dropped_commands == {"command.a"}
    assert keys.problems == [
        "config.toml line 3: commands: 'ctl+v' is no key name (such as V, ctrl+v, f5); the command is left"
        " out"
    ]


def test_a_command_on_a_key_taken_is_left_out(tmp_path: Path):
    text = (
        '[[commands]]\nname = "A"\nkey = "V"\nrun = "x"\n\n[[commands]]\nname = "B"\nkey = "n"\nrun = "x"\n'
    )
    result = loaded(text, tmp_path)
    actions = dict(ACTIONS)
    for command in result.config.commands:
        actions[command.id] = Action(command.id, "app", (command.key,), command.name, command.entry)
    keys = check_keys(result, actions, str)
    assert keys.dropped_commands == {"command.b"}
    assert keys.problems == [
        "config.toml line 8: commands: 'n' is bound twice, to command.b and app.next; the command is left out"
    ]


# Commands --------------------------------------------------------------------------------------

HOSTILE = "; rm -rf ~ $(touch /tmp/owned) `id` 'quote\" \n\x1b[31mred {link} {{"


def post(**fields: object) -> Post:
    from datetime import UTC, datetime

    values: dict[str, object] = {
        "path": "/posts/a b.md",
        "relpath": "a b.md",
        "title": HOSTILE,
        "date": datetime(2024, 5, 1, 12, 0, tzinfo=UTC),
        "categories": ("video", "tech"),
        "link": "https://example.com/x?a=1&b=$(id)",
        "tags": ("Talk",),
    }
    values.update(fields)
    return Post(**values)  # type: ignore[arg-type]


def test_fields_fill_each_argument_exactly_never_interpreted():
    spec = CommandSpec("A", "V", ("echo", "--title={title}", "{link}", "{path}", "{{literal}}", "{unknown}"))
    assert spec.arguments(fields_of(post())) == [
        "echo",
        f"--title={HOSTILE}",
        "https://example.com/x?a=1&b=$(id)",
        "/posts/a b.md",
        "{literal}",
        "{unknown}",
    ]
    assert fill("{title}", {"title": "{link}"}) == "{link}"  # a value is never filled again


def test_a_missing_link_is_named():
    video = CommandSpec("A", "V", ("mpv", "{link}"), when="category:Video tag:podcast")
    assert missing_fields(video.argv, post(link=None)) == ["link"]
    assert missing_fields(video.argv, post()) == []


def test_the_editor_is_visual_then_editor_then_vi_read_only_where_it_can_be():
    assert editor_command("/p/a.md", {"VISUAL": "nvim", "EDITOR": "nano"}) == ["nvim", "-R", "/p/a.md"]
    assert editor_command("/p/a.md", {"EDITOR": "nano"}) == ["nano", "-v", "/p/a.md"]
    assert editor_command("/p/a.md", {}) == ["vi", "-R", "/p/a.md"]
    assert editor_command("/p/a.md", {"VISUAL": "code --wait"}) == ["code", "--wait", "/p/a.md"]
    assert editor_command("/p/a.md", {"EDITOR": "/usr/bin/vim -R"}) == ["/usr/bin/vim", "-R", "/p/a.md"]


def test_a_pipe_command_is_split_like_a_shell_would_but_is_no_shell():
    assert pipe_command("grep -c 'de Irak' ") == ["grep", "-c", "de Irak"]
    assert pipe_command("less; rm -rf ~") == ["less;", "rm", "-rf", "~"]  # one program: less
    for bad in ("", "   ", "echo 'open"):
        with pytest.raises(ValueError):
            pipe_command(bad)


def test_the_readme_shows_the_default_file_as_krant_prints_it():
    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
    assert f"```toml\n{default_file()}```" in readme


def test_a_program_that_cannot_start_or_fails_says_so(tmp_path: Path):
    missing = run_in_background([str(tmp_path / "no-such-program"), "x"])
    assert not missing.done and missing.program == "no-such-program"
    assert missing.reason.startswith("it could not be started (")
    failed = run_in_background([sys.executable, "-c", "import sys; sys.exit(4)"])
    assert (failed.done, failed.reason) == (False, "it exited with status 4")
    assert run_in_background([sys.executable, "-c", "pass"]).done


def test_a_commands_name_and_line_are_shown_without_controls_but_run_exactly(tmp_path: Path):
    result = loaded(
        '[[commands]]\nname = "Evil\\u001b[2J"\nkey = "E"\nrun = "echo \\u001b]52;x {title}"\n', tmp_path
    )
    (spec,) = result.config.commands
    assert "\x1b" not in spec.name and "\x1b" not in spec.run and spec.name.startswith("Evil")
    assert spec.argv == ("echo", "\x1b]52;x", "{title}")


def test_a_home_folder_of_an_unknown_user_and_deep_nesting_are_problems_not_crashes(tmp_path: Path):
    result = loaded('folder = "~nosuchuser-krant/news"\nsidebar = false\n', tmp_path)
    assert result.problems == ["config.toml line 1: folder: no home folder is known for '~nosuchuser-krant'"]
    assert result.config.folder is None and result.config.sidebar is False
    deep = loaded("x = " + "[" * 5_000 + "]" * 5_000 + "\n", tmp_path)
    assert deep.problems == ["config.toml: nested too deeply to read; using the defaults"]
    assert deep.config == Config()


def test_commands_named_in_other_scripts_each_have_their_own_id(tmp_path: Path):
    text = '[[commands]]\nname = "Видео"\nkey = "V"\nrun = "mpv {link}"\n\n'
    text += '[[commands]]\nname = "Статья"\nkey = "S"\nrun = "x {path}"\n'
    result = loaded(text, tmp_path)
    assert result.problems == []
    assert [command.id for command in result.config.commands] == ["command.видео", "command.статья"]
