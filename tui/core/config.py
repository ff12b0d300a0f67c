"""The user's `config.toml`: every setting optional, each checked, a mistake reported by its line.

The file is read with `tomllib`; a key with a wrong type or value, an unknown key or a broken entry is a
problem (`config.toml line 7: mark_read must be one of on_open, on_cursor, never, not "always"`) and that
setting keeps its default, while the rest of the file is used. A file that is not TOML at all gives one
problem and every default. Nothing here raises on a bad file; krant shows the problems at start and
`krant config` prints them.
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

import platformdirs

from tui.core.locations import APP_NAME
from tui.core.sanitize import clean_line

CONFIG_FILE = "config.toml"
DATE_STYLES = ("relative", "iso")
"""`relative`: as short as it can be (`14:03`, `Tue 14:03`, `15 May`); `iso`: `2019-05-15 22:01`."""
COLUMNS = ("date", "category", "title")
"""The article list's columns (the read marker always comes first)."""
MARK_READ = ("on_open", "on_cursor", "never")
COMMAND_FIELDS = ("link", "path", "title", "categories", "date")
"""What a command line may hold in braces: `{link}`, `{path}`, …; each becomes part of one argument."""
WRAP_WIDTH_RANGE = (20, 1000)

MarkRead = Literal["on_open", "on_cursor", "never"]


def default_path() -> Path:
    """Where the config file is looked for: `~/.config/krant/config.toml` on Linux (XDG_CONFIG_HOME)."""
    return Path(platformdirs.user_config_dir(APP_NAME)) / CONFIG_FILE


@dataclass(frozen=True, slots=True)
class CommandSpec:
    """One of the user's own commands: a key that runs a program with the post's fields as arguments."""

    name: str
    key: str
    argv: tuple[str, ...]
    """The command line split once (shlex) into arguments; fields are filled into each, never a shell."""
    terminal: bool = False
    """Whether the program uses the terminal: krant suspends itself while it runs."""
    when: str | None = None
    """Only for posts this query (the filter language of `/`, `tui.core.query`) finds, when set."""
    run: str = ""
    """The command line as written, to show (control characters taken out)."""
    entry: int = field(default=0, compare=False)
    """Which `[[commands]]` entry of the file it is (from 0), for problems' line numbers."""

    @property
    def id(self) -> str:
        """Its binding id, by which `[keys]` could bind it and `krant config --keys` lists it."""
        # Letters of any script (`Видео` and `Статья` were both `command.`), digits, and `-` between them.
        return "command." + (re.sub(r"[\W_]+", "-", self.name.casefold()).strip("-") or str(self.entry + 1))

    def arguments(self, fields: Mapping[str, str]) -> list[str]:
        """The argument list for one post: each `{field}` replaced in place, `{{`/`}}` as braces."""
        return [fill(argument, fields) for argument in self.argv]


_FIELD = re.compile(r"\{\{|\}\}|\{(\w+)\}")


def fill(template: str, fields: Mapping[str, str]) -> str:
    """One argument with its `{field}`s replaced by the post's values, exactly (nothing is interpreted)."""

    def replaced(match: re.Match[str]) -> str:
        if match[1] is None:
            return match[0][0]
        return fields.get(match[1], match[0])

    return _FIELD.sub(replaced, template)


def fields_used(template: str) -> set[str]:
    return {match[1] for match in _FIELD.finditer(template) if match[1] is not None}


@dataclass(frozen=True, slots=True)
class Config:
    """krant's settings: the defaults, with what the user's file sets."""

    folder: Path | None = None
    """The folder `krant` alone opens (else `./posts`)."""
    folders: dict[str, Path] = field(default_factory=dict)
    """Named folders: `krant NAME` opens one."""
    theme: str | None = None
    """The start theme, unless one was chosen in the command palette (remembered in settings.json)."""
    date_style: str = "relative"
    columns: tuple[str, ...] = COLUMNS
    sidebar: bool = True
    """Whether the sidebar shows at start (`b` shows or hides it)."""
    wrap_width: int | None = None
    """The widest an article's lines get, in cells; None: the pane's width."""
    mark_read: MarkRead = "on_open"
    keys: dict[str, list[str]] = field(default_factory=dict)
    """Binding id → the keys that replace its own."""
    commands: tuple[CommandSpec, ...] = ()
    browser: tuple[str, ...] | None = None
    """The command `o` runs (`{link}` filled in, else the link added at the end); None: the system's."""
    sync_folder: Path | None = None
    """Where the sync journals of every machine are kept (a folder a sync tool shares)."""


@dataclass(frozen=True, slots=True)
class LoadedConfig:
    """The settings in effect, the problems met reading them, and where they came from."""

    config: Config
    problems: list[str]
    path: Path
    text: str = ""
    """The file's text (empty when there is none): to find the line of a key the app checks later."""

    def problem(
        self, message: str, key: str | None = None, section: str | None = None, entry: int = 0
    ) -> str:
        """A problem worded as the rest: `config.toml line N: message` (without a line if none is found)."""
        line = line_of(self.text, section, key, entry)
        where = f" line {line}" if line else ""
        return f"{self.path.name}{where}: {message}"


def line_of(text: str, section: str | None, key: str | None, entry: int = 0) -> int | None:
    """The line (from 1) where `key` is set in `section` (its `entry`th occurrence for `[[section]]`).

    Simple and right for the common cases: a key on its own line below its header; dotted keys and
    inline tables are not followed (then the section's header, or None, is given).
    """
    current: str | None = None
    seen = -1
    header_line: int | None = None
    pattern = None
    if key is not None:
        quoted = re.escape(key)
        pattern = re.compile(rf"""^\s*(?:{quoted}|"{quoted}"|'{quoted}')\s*=""")
    for number, line in enumerate(text.splitlines(), 1):
        stripped = line.strip()
        header = re.match(r"^\[\[?\s*([^\]]+?)\s*\]\]?", stripped)
        if header:
            current = header[1].strip("\"'")
            if current == section:
                seen += 1
                if seen == entry:
                    header_line = number
            continue
        in_place = current == section and (section is None or seen == entry)
        if in_place and pattern is not None and pattern.match(line):
            return number
    return header_line


def _type_name(value: object) -> str:
    return {
        bool: "true/false",
        int: "a number",
        float: "a number",
        str: "text",
        list: "a list",
        dict: "a table",
    }.get(type(value), type(value).__name__)


class _Reader:
    """Checks one file's values, noting a problem for each mistake."""

    def __init__(self, loaded: LoadedConfig) -> None:
        self.loaded = loaded
        self.problems = loaded.problems

    def note(self, message: str, key: str | None = None, section: str | None = None, entry: int = 0) -> None:
        self.problems.append(self.loaded.problem(message, key, section, entry))

    def text(
        self, data: Mapping[str, object], key: str, section: str | None = None, entry: int = 0
    ) -> str | None:
        value = data.get(key)
        if value is None:
            return None
        if not isinstance(value, str):
            where = f"{section}.{key}" if section and section != "commands" else key
            self.note(f"{where} must be text, not {_type_name(value)}", key, section, entry)
            return None
        return value

    def choice(self, data: Mapping[str, object], key: str, allowed: tuple[str, ...]) -> str | None:
        value = self.text(data, key)
        if value is not None and value not in allowed:
            self.note(f"{key} must be one of {', '.join(allowed)}, not {value!r}", key)
            return None
        return value

    def path(self, data: Mapping[str, object], key: str, section: str | None = None) -> Path | None:
        value = self.text(data, key, section)
        if value is None:
            return None
        if not value.strip():
            self.note(f"{key} must be a folder, not empty text", key, section)
            return None
        try:
            return Path(value).expanduser()
        except RuntimeError:  # `~someone` for a user this machine does not know
            self.note(f"{key}: no home folder is known for {value.split('/', 1)[0]!r}", key, section)
            return None


def load_config(path: Path | None = None) -> LoadedConfig:
    """The settings in `path` (default: the platform's config folder); defaults for what is missing or
    wrong, with a problem for each mistake. A missing file is no problem; an unreadable one is."""
    path = path or default_path()
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return LoadedConfig(Config(), [], path)
    except OSError as error:
        return LoadedConfig(
            Config(), [f"{path.name}: cannot be read ({error.strerror or error}); using the defaults"], path
        )
    return parse_config(raw, path)


def parse_config(raw: bytes, path: Path) -> LoadedConfig:
    """The settings in a config file's bytes (see `load_config`)."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        return LoadedConfig(Config(), [f"{path.name} line {line}: not UTF-8 text; using the defaults"], path)
    import tomllib  # only with a file to read: ~7 ms of every start otherwise

    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        return LoadedConfig(Config(), [_decode_problem(path, error)], path, text)
    except RecursionError:  # arrays in arrays a thousand deep: tomllib's parser recurses
        return LoadedConfig(Config(), [f"{path.name}: nested too deeply to read; using the defaults"], path)
    loaded = LoadedConfig(Config(), [], path, text)
    return LoadedConfig(_read(data, _Reader(loaded)), loaded.problems, path, text)


def _decode_problem(path: Path, error: ValueError) -> str:
    """`config.toml line 3: …` from tomllib's message, which ends `(at line 3, column 7)` before 3.14."""
    message = str(error)
    line = getattr(error, "lineno", None)
    found = re.search(r"\s*\(at line (\d+), column (\d+)\)$", message)
    if found:
        message = f"{message[: found.start()]} (column {found[2]})"
        line = line or int(found[1])
    elif "(at end of document)" in message:
        message = message.replace(" (at end of document)", " (at the end of the file)")
    where = f" line {line}" if line else ""
    return f"{path.name}{where}: not valid TOML: {message}; using the defaults"


_TOP_LEVEL = (
    "folder",
    "folders",
    "theme",
    "date_style",
    "columns",
    "sidebar",
    "wrap_width",
    "mark_read",
    "keys",
    "commands",
    "browser",
    "sync_folder",
)


def _read(data: dict[str, object], reader: _Reader) -> Config:
    settings: dict[str, object] = {}
    for key in data:
        if key not in _TOP_LEVEL:
            reader.note(f"unknown setting {key!r} (known: {', '.join(_TOP_LEVEL)})", key)
    if (folder := reader.path(data, "folder")) is not None:
        settings["folder"] = folder
    if (sync_folder := reader.path(data, "sync_folder")) is not None:
        settings["sync_folder"] = sync_folder
    if (theme := reader.text(data, "theme")) is not None:
        settings["theme"] = theme
    if (date_style := reader.choice(data, "date_style", DATE_STYLES)) is not None:
        settings["date_style"] = date_style
    if (mark_read := reader.choice(data, "mark_read", MARK_READ)) is not None:
        settings["mark_read"] = mark_read
    if "sidebar" in data:
        if isinstance(data["sidebar"], bool):
            settings["sidebar"] = data["sidebar"]
        else:
            reader.note(f"sidebar must be true or false, not {_type_name(data['sidebar'])}", "sidebar")
    if "wrap_width" in data:
        settings["wrap_width"] = _wrap_width(data["wrap_width"], reader)
    if "columns" in data:
        columns = _columns(data["columns"], reader)
        if columns is not None:
            settings["columns"] = columns
    if "folders" in data:
        settings["folders"] = _folders(data["folders"], reader)
    if "keys" in data:
        settings["keys"] = _keys(data["keys"], reader)
    if "commands" in data:
        settings["commands"] = _commands(data["commands"], reader)
    if (browser := reader.text(data, "browser")) is not None:
        argv = _command_line(browser, reader, "browser", None, 0, "browser")
        if argv is not None:
            settings["browser"] = argv if "{link}" in browser else (*argv, "{link}")
    return Config(**settings)  # type: ignore[arg-type]


def _wrap_width(value: object, reader: _Reader) -> int | None:
    low, high = WRAP_WIDTH_RANGE
    if isinstance(value, bool) or not isinstance(value, int):
        reader.note(f"wrap_width must be a whole number of columns, not {_type_name(value)}", "wrap_width")
    elif not low <= value <= high:
        reader.note(f"wrap_width must be between {low} and {high}, not {value}", "wrap_width")
    else:
        return value
    return None


def _columns(value: object, reader: _Reader) -> tuple[str, ...] | None:
    if not isinstance(value, list) or not all(isinstance(each, str) for each in value):
        reader.note(f"columns must be a list of {', '.join(COLUMNS)}", "columns")
        return None
    unknown = [each for each in value if each not in COLUMNS]
    if unknown:
        reader.note(f"columns: unknown column {unknown[0]!r} (known: {', '.join(COLUMNS)})", "columns")
    elif len(set(value)) != len(value):
        reader.note("columns: a column is named twice", "columns")
    elif "title" not in value:
        reader.note("columns must include title", "columns")
    else:
        return tuple(value)
    return None


def _folders(value: object, reader: _Reader) -> dict[str, Path]:
    if not isinstance(value, dict):
        reader.note(f"folders must be a table ([folders]), not {_type_name(value)}", "folders")
        return {}
    folders = {}
    for name in value:
        folder = reader.path(value, name, "folders")
        if folder is not None:
            folders[name] = folder
    return folders


def _keys(value: object, reader: _Reader) -> dict[str, list[str]]:
    if not isinstance(value, dict):
        reader.note(f"keys must be a table ([keys]), not {_type_name(value)}", "keys")
        return {}
    keys = {}
    for action, bound in value.items():
        given = [bound] if isinstance(bound, str) else bound
        if (
            not isinstance(given, list)
            or not given
            or not all(isinstance(k, str) and k.strip() for k in given)
        ):
            reader.note(
                f'keys.{action} must be a key or a list of keys, like "j" or ["j", "down"]', action, "keys"
            )
            continue
        if any("," in k for k in given if k != ","):
            reader.note(
                f"keys.{action}: give several keys as a list, not one text with commas", action, "keys"
            )
            continue
        keys[action] = [k.strip() if k.strip() else k for k in given]
    return keys


def _command_line(
    text: str, reader: _Reader, key: str, section: str | None, entry: int, what: str
) -> tuple[str, ...] | None:
    try:
        argv = tuple(shlex.split(text))
    except ValueError as error:
        reader.note(f"{what}: cannot split the command line ({error})", key, section, entry)
        return None
    if not argv:
        reader.note(f"{what}: the command line is empty", key, section, entry)
        return None
    unknown = sorted(set().union(*(fields_used(each) for each in argv)) - set(COMMAND_FIELDS))
    if unknown:
        known = ", ".join("{" + name + "}" for name in COMMAND_FIELDS)
        reader.note(f"{what}: unknown field {{{unknown[0]}}} (known: {known})", key, section, entry)
        return None
    return argv


_COMMAND_KEYS = ("name", "key", "run", "terminal", "when")


def _commands(value: object, reader: _Reader) -> tuple[CommandSpec, ...]:
    if not isinstance(value, list) or not all(isinstance(each, dict) for each in value):
        reader.note("commands must be [[commands]] entries, each with a name, a key and run", "commands")
        return ()
    commands: list[CommandSpec] = []
    for entry, item in enumerate(value):
        spec = _command(item, entry, reader)
        if spec is None:
            continue
        if any(other.id == spec.id for other in commands):
            reader.note(f"commands: the name {spec.name!r} is used twice", "name", "commands", entry)
            continue
        commands.append(spec)
    return tuple(commands)


def _command(item: dict[str, object], entry: int, reader: _Reader) -> CommandSpec | None:
    label = f"commands[{entry + 1}]"

    def note(message: str, key: str | None) -> None:
        reader.note(message, key, "commands", entry)

    unknown = [key for key in item if key not in _COMMAND_KEYS]
    if unknown:  # a misspelt `when` or `terminal` would change what the command does: left out
        note(
            f"{label}: unknown setting {unknown[0]!r} (known: {', '.join(_COMMAND_KEYS)}); left out",
            unknown[0],
        )
        return None
    name = reader.text(item, "name", "commands", entry)
    key = reader.text(item, "key", "commands", entry)
    run = reader.text(item, "run", "commands", entry)
    when = reader.text(item, "when", "commands", entry)
    missing = [what for what, given in (("name", name), ("key", key), ("run", run)) if not given]
    if missing:
        note(f"{label} needs {' and '.join(missing)}; left out", None)
        return None
    assert name is not None and key is not None and run is not None
    terminal = item.get("terminal", False)
    if not isinstance(terminal, bool):
        note(f"{label}: terminal must be true or false, not {_type_name(terminal)}", "terminal")
        return None
    argv = _command_line(run, reader, "run", "commands", entry, label)
    if argv is None:
        return None
    if when is not None and (bad := _bad_when(when)) is not None:
        note(f"{label}: when: {bad}", "when")
        return None
    # The name and line are shown (notices, help): without controls. The arguments stay exact.
    return CommandSpec(
        clean_line(name.strip()), key.strip() or key, argv, terminal, when, clean_line(run), entry
    )


def _bad_when(when: str) -> str | None:
    """What is wrong with a command's `when` (a query of the filter language), or None."""
    from tui.core.query import QueryError, parse  # only a config with commands pays for it

    try:
        query = parse(when, prefix_last=False)
    except QueryError as error:
        return f"{error.message} (at character {error.start + 1} of {when!r})"
    return "it is empty" if query.empty else None


@dataclass(frozen=True, slots=True)
class Action:
    """A binding the user may give other keys: its namespace (where it is looked up) and its own keys."""

    id: str
    namespace: str
    keys: tuple[str, ...]
    description: str
    command: int | None = None
    """For one of the user's commands: which `[[commands]]` entry it is (its key is the user's)."""


@dataclass(frozen=True, slots=True)
class CheckedKeys:
    """What of `[keys]` and the commands' keys can be used."""

    keymap: dict[str, list[str]]
    """Binding id → its keys, for the entries that can be used."""
    dropped_commands: frozenset[str]
    """The ids of commands left out: their key is another action's."""
    problems: list[str]


def check_keys(
    loaded: LoadedConfig, actions: Mapping[str, Action], normalize: Callable[[str], str | None]
) -> CheckedKeys:
    """The `[keys]` entries and commands that can be used, and a problem for each that cannot: an
    unknown action, or a key that two actions of one namespace would share (the user's entry or command
    is then left out, so the other keeps its key).

    Args:
        actions: every action by id, the user's commands too (the UI collects them from the bindings).
        normalize: a key's canonical name (`?` → `question_mark`), as the UI's toolkit knows them; None
            for a name it does not know (`ctrll+q`), which would be a key that never arrives.
    """
    problems: list[str] = []
    keymap: dict[str, list[str]] = {}
    for action, keys in loaded.config.keys.items():
        if action not in actions:
            message = f"keys: unknown action {action!r} (krant config --keys lists them)"
            problems.append(loaded.problem(message, action, "keys"))
            continue
        known = [key for key in keys if normalize(key) is not None]
        for key in keys:
            if normalize(key) is None:
                message = f"keys: {action}: {key!r} is no key name (such as j, ?, ctrl+q, pagedown, f1)"
                problems.append(loaded.problem(message, action, "keys"))
        if known:
            keymap[action] = known
    dropped: set[str] = set()
    for action in actions.values():
        if action.command is not None and any(normalize(key) is None for key in action.keys):
            dropped.add(action.id)
            key = action.keys[0]
            message = f"commands: {key!r} is no key name (such as V, ctrl+v, f5); the command is left out"
            problems.append(loaded.problem(message, "key", "commands", action.command))
    while True:
        owners: dict[tuple[str, str], list[Action]] = {}
        for action in actions.values():
            if action.id not in dropped:
                for key in keymap.get(action.id, action.keys):
                    owners.setdefault((action.namespace, normalize(key) or key), []).append(action)
        clash = next(
            (
                (key, sharing)
                for (_namespace, key), sharing in owners.items()
                if len({each.id for each in sharing}) > 1
                and any(each.id in keymap or each.command is not None for each in sharing)
            ),
            None,
        )
        if clash is None:
            return CheckedKeys(keymap, frozenset(dropped), problems)
        key, sharing = clash
        culprit = next(each for each in reversed(sharing) if each.id in keymap or each.command is not None)
        others = ", ".join(sorted({each.id for each in sharing} - {culprit.id}))
        if culprit.id in keymap:
            del keymap[culprit.id]
            message = (
                f"keys: {key!r} is bound twice, to {culprit.id} and {others}; {culprit.id} keeps its own keys"
            )
            problems.append(loaded.problem(message, culprit.id, "keys"))
        else:
            dropped.add(culprit.id)
            message = (
                f"commands: {key!r} is bound twice, to {culprit.id} and {others}; the command is left out"
            )
            problems.append(loaded.problem(message, "key", "commands", culprit.command or 0))


def default_file() -> str:
    """A commented file of every setting at its default, to start from (`krant config --defaults`)."""
    return DEFAULT_FILE


DEFAULT_FILE = """\
# krant's settings (~/.config/krant/config.toml). Every setting is optional: remove the `#` to set one.
# `krant config` shows the settings in effect and any mistake in this file.

# The folder `krant` alone opens (default: ./posts), and named folders: `krant news`.
# folder = "~/news/_posts"

# The theme krant starts in. One chosen in the command palette (Ctrl+P → Theme) is remembered and wins.
# theme = "textual-dark"

# Dates in the list: "relative" (14:03 today, Tue 14:03, 15 May, 15 May 2019) or "iso" (2019-05-15 22:01).
# date_style = "relative"

# The article list's columns, in order: any of "date", "category", "title" (title is needed).
# columns = ["date", "category", "title"]

# Whether the sidebar shows at start (b shows or hides it).
# sidebar = true

# The widest an article's lines get, in columns (20 to 1000); without it, the pane's width.
# wrap_width = 80

# When a post counts as read: "on_open" (opening it), "on_cursor" (the list's cursor on it), "never" (m only).
# mark_read = "on_open"

# What `o` runs for a post's link, as a command line ({link} is the link; without it the link comes last).
# Default: xdg-open (open on macOS) in a graphical session.
# browser = "firefox --new-tab {link}"

# A folder shared between machines (Syncthing, Dropbox, …) for read marks: each machine writes its own file.
# sync_folder = "~/Sync/krant"

# [folders]
# news = "~/news/_posts"
# blog = "~/src/blog"

# Keys: an action's id = a key or a list of keys, replacing its own (`krant config --keys` lists them all).
# [keys]
# "app.quit" = ["q", "ctrl+q"]
# "list.down" = ["j", "down", "ctrl+n"]

# Your own commands: a key that runs a program with the post's fields as its arguments, never through a
# shell ({link}, {path}, {title}, {categories}, {date}). `terminal = true` for a program that uses the
# terminal (krant steps aside while it runs); otherwise it runs in the background and krant says how it
# ended. `when` limits it to the posts a query of the search box finds ("cat:video OR tag:talk").
# [[commands]]
# name = "Watch"
# key = "V"
# run = "mpv {link}"
# terminal = true
# when = "category:video"
#
# [[commands]]
# name = "To PDF"
# key = "P"
# run = "pandoc {path} -o /tmp/krant.pdf"
"""
