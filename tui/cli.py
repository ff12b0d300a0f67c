"""The `krant` command: open the reader, or list, show and check posts from scripts."""

from __future__ import annotations

import argparse
import base64
import json
import os
import re
import shlex
import shutil
import sys
from collections.abc import Callable, Sequence
from operator import attrgetter
from pathlib import Path

import tui
from tui.core.config import Config, LoadedConfig, default_file, load_config
from tui.core.date_format import cells, sortable_date, use_locale_names
from tui.core.library import ALL, Library
from tui.core.locations import Locations
from tui.core.post import Post, Problem
from tui.core.query import MarkSnapshot, Query, QueryError, parse
from tui.core.read_marks import ReadMarks, store_path, stored_marks
from tui.core.reading import read_post_text
from tui.core.sanitize import clean_line
from tui.core.saved_searches import SearchesStore
from tui.core.wording import how_many

DEFAULT_FOLDER = Path("posts")
SUBCOMMANDS = ("list", "show", "check", "config", "marks")
POST_SUFFIXES = (".md", ".markdown", ".html", ".htm", ".txt")
"""What a post file is named like: given where a folder is expected, `krant show` is suggested."""
CATEGORY_COLUMN_CAP = 30
"""`krant list` pads the categories to the widest up to this many cells; wider ones push their title on."""


class UsageError(Exception):
    """A mistake in how krant was called; reported on one line with exit status 2."""


def folder_argument(text: str | None, config: Config | None = None) -> Path:
    """The posts folder to open, checked to exist and be readable (a one-line reason if not).

    Without one given, the config's `folder` (else `./posts`). A name of the config's `[folders]` that is
    not also a path here opens that folder: a folder you can see wins over a name, so scripts keep
    meaning what they meant (write the path as `./news` anyway, to be sure).
    """
    config = config or Config()
    if not text:
        folder = config.folder or DEFAULT_FOLDER
    elif text in config.folders and os.sep not in text and not os.path.lexists(text):
        folder = config.folders[text]
    else:
        folder = Path(text)
    if not folder.exists():
        raise UsageError(f"no such folder: {folder}")
    if not folder.is_dir():
        post_like = folder.suffix.lower() in POST_SUFFIXES
        hint = f" (to read a post, try: krant show {shlex.quote(str(folder))})" if post_like else ""
        raise UsageError(f"not a folder: {folder}{hint}")
    if not os.access(folder, os.R_OK | os.X_OK):
        raise UsageError(f"cannot read folder {folder}: permission denied")
    return folder.resolve()


def shown(text: str) -> str:
    """Text fit for one line of a terminal: a name's odd bytes as `\\xe9`, no escapes or controls."""
    try:
        text = os.fsencode(text).decode("utf-8", "backslashreplace")
    except UnicodeEncodeError:  # not from a file name; clean_line drops what cannot be printed
        pass
    return clean_line(text)


def post_record(
    post: Post, folder: Path, read: bool = False, copies: Sequence[Post] = (), starred: bool = False
) -> dict[str, object]:
    """Every field of a post, whether it has been read and whether it is starred, for `--json`.

    `path` and `file` are the file's exact name, for scripts to hand back to `krant show`: as `os` gives
    it (a byte of a name that is not UTF-8 as a lone surrogate, `\udce9`), and then also its bytes in
    base64 as `path_base64`, for tools whose JSON reader replaces lone surrogates. A story in several
    files is one record: its newest post's, with the categories of all and the other files in `copies`.
    """
    prefix = os.path.join(folder, "")
    exact = os.fsencode(post.path)
    try:
        exact.decode("utf-8")
    except UnicodeDecodeError:
        path_base64: str | None = base64.b64encode(exact).decode("ascii")
    else:
        path_base64 = None
    return {
        "title": post.title,
        "date": post.date.isoformat(),
        "categories": list(dict.fromkeys(c for each in (post, *copies) for c in each.categories)),
        "link": post.link,
        "image": post.image,
        "layout": post.layout,
        "published": post.published,
        "path": post.path,
        "path_base64": path_base64,
        "file": post.path[len(prefix) :] if post.path.startswith(prefix) else post.relpath,
        "format": "html" if post.is_html else "markdown",
        "warnings": list(post.warnings),
        "key": post.key,
        "read": read,
        "copies": [each.path for each in copies],
        "starred": starred,
    }


def command_list(arguments: argparse.Namespace) -> int:
    folder = folder_argument(arguments.path, configured(arguments).config)
    query = _query_argument(arguments.query)
    # Only reads the store: listing never creates state files, and with no store every post is unread.
    read_keys, starred, notice = stored_marks(folder, Locations.default().state_dir)
    if notice:
        print(f"krant: warning: {notice}", file=sys.stderr)
    # Hide rules leave their posts out here too (the file is only read: a damaged one is left as it is).
    rules = SearchesStore(Locations.default().config_dir).read(repair=False)
    for problem in rules.notices:
        print(f"krant: warning: {problem}", file=sys.stderr)
    if query is not None and query.empty:
        query = None
    if rules.searches.rule_tree("hide") is not None:
        query = rules.searches.visible(query or Query("", None))
    if query is None:
        library = Library.read_folder(folder, arguments.all)
        posts = library.view(arguments.category or ALL)
    else:
        marks = MarkSnapshot(read_keys, starred)
        library, posts = _posts_found(folder, query, arguments.all, marks, arguments.category)

    def is_read(post: Post) -> bool:  # a story is read when any of its posts is
        return any(each.key in read_keys for each in library.copies(post))

    def is_starred(post: Post) -> bool:  # and starred when any of its posts is
        return any(each.key in starred for each in library.copies(post))

    if arguments.unread:
        posts = [post for post in posts if not is_read(post)]
    if arguments.starred:
        posts = [post for post in posts if is_starred(post)]
    if arguments.json:
        records = [
            post_record(post, folder, is_read(post), library.copies(post)[1:], is_starred(post))
            for post in posts
        ]
        sys.stdout.write(json_text(records) + "\n")
        return 0
    for line in list_lines(posts, library.categories_of):
        print(line)
    return 0


def _query_argument(text: str | None) -> Query | None:
    """`--query` parsed (as `/` reads it), or a usage error that points at the mistake."""
    if text is None:
        return None
    try:
        return parse(text)
    except QueryError as error:
        raise UsageError(
            f"--query: {error.message} (at character {error.start + 1}: {text[error.start : error.end]!r})"
        ) from None


def _posts_found(
    folder: Path, query: Query, include_unpublished: bool, marks: MarkSnapshot, category: str | None
) -> tuple[Library, list[Post]]:
    """The folder's library and the posts `query` finds, newest first, searched as `/` does.

    The folder is read into an index in memory: listing neither writes the cache nor trusts an index
    that may be older than the folder.
    """
    from tui.core.folder import find_post_entries  # the index and search: only `--query` needs them
    from tui.core.index import PostIndex, read_entry

    index = PostIndex(folder, None)
    try:
        unreadable: list[tuple[str, str]] = []
        entries = [read_entry(entry.path, folder) for entry in find_post_entries(folder, unreadable)]
        index.update_texts(entries)
        library = Library(folder, include_unpublished)
        library.apply(result for result, _text in entries)
        rows = (library.row_of(path) for path in index.matching(query, marks=marks))
        found = {post.path for post in rows if post is not None}  # a story by its row, whichever copy matched
    finally:
        index.close()
    return library, [post for post in library.view(category or ALL) if post.path in found]


def list_lines(
    posts: Sequence[Post], categories_of: Callable[[Post], tuple[str, ...]] = attrgetter("categories")
) -> list[str]:
    """One line a post (a story: its newest post, with the categories of all), in columns as `ls -l`
    aligns them: date, categories, then the title (last, so it may hold anything)."""
    categories = [", ".join(categories_of(post)) for post in posts]
    width = min(max((cells(text) for text in categories), default=0), CATEGORY_COLUMN_CAP)
    return [
        f"{sortable_date(post.date)}  {text}{' ' * (width - cells(text))}  {post.title}"
        for post, text in zip(posts, categories, strict=True)
    ]


_NOT_ASCII = re.compile(r"[^\x20-\x7e\n]")


def json_text(value: object) -> str:
    """JSON that is valid UTF-8 and safe on a terminal: what cannot be printed is written as `\\uXXXX`.

    Only inside strings can such a character be, where an escape stands for exactly it: a lone surrogate
    of a file name survives (UTF-8 cannot carry it), and no control or bidi override reaches the screen.
    """
    return _NOT_ASCII.sub(_escaped, json.dumps(value, ensure_ascii=False, indent=2))


def _escaped(match: re.Match[str]) -> str:
    character = match[0]
    if character.isprintable():
        return character
    return json.dumps(character)[1:-1]  # `\u202e`, or a surrogate pair for a character beyond the BMP


def command_show(arguments: argparse.Namespace) -> int:
    width = arguments.width or shutil.get_terminal_size().columns
    if width < 1:
        raise UsageError(f"--width must be at least 1, not {width}")
    from tui.ui.article_text import article_text

    failed = False
    for number, file in enumerate(arguments.files):
        path = Path(file)
        if not path.exists():
            raise UsageError(f"no such file: {path}")
        if path.is_dir():
            raise UsageError(f"is a folder, not a post: {path}")
        result = read_post_text(path.resolve(), path.resolve().parent)
        if isinstance(result, Problem):
            print(f"{shown(str(path))}: {result.reason}", file=sys.stderr)
            failed = True
            continue
        if number:
            print("\f" if arguments.markdown else "\n" + "─" * min(width, 80) + "\n")
        print(article_text(result, width=None if arguments.markdown else width))
    return 1 if failed else 0


def command_check(arguments: argparse.Namespace) -> int:
    folder = folder_argument(arguments.path, configured(arguments).config)
    library = Library.read_folder(folder, include_unpublished=True)
    for problem in library.problems:
        print(f"{problem.relpath}: {problem.reason}")
    every_post = sorted(library.all_posts(), key=lambda post: post.relpath)  # each copy of a story too
    for post in every_post:
        for warning in post.warnings:
            print(f"{post.relpath}: warning: {warning}")
    posts, problems = len(every_post), len(library.problems)
    print(f"{how_many(posts, 'post')}, {how_many(problems, 'problem')}", file=sys.stderr)
    return 1 if problems else 0


def command_open(arguments: argparse.Namespace) -> int:
    loaded = configured(arguments)
    folder = folder_argument(arguments.path, loaded.config)
    from tui.ui.app import run_app

    return run_app(
        folder,
        poll=arguments.poll,
        include_unpublished=arguments.all,
        config=loaded,
        sync_folder=arguments.sync_folder or loaded.config.sync_folder,
    )


def configured(arguments: argparse.Namespace) -> LoadedConfig:
    """The settings of `--config FILE`, else of the user's config file (defaults when there is none)."""
    if arguments.config is not None and not Path(arguments.config).is_file():
        raise UsageError(f"no such config file: {arguments.config}")
    return load_config(Path(arguments.config) if arguments.config else None)


def command_config(arguments: argparse.Namespace) -> int:
    """`krant config`: the file, the settings in effect and any mistakes; or the defaults, or the keys."""
    if arguments.defaults:
        sys.stdout.write(default_file())
        return 0
    loaded = configured(arguments)
    from tui.ui.app import config_problems, key_lines

    for line in key_lines(loaded) if arguments.keys else config_lines(loaded):
        print(_NOT_ASCII.sub(_escaped, line))
    problems = config_problems(loaded)
    for problem in problems:
        print(f"krant: {shown(problem)}", file=sys.stderr)
    return 1 if problems else 0


def config_lines(loaded: LoadedConfig) -> list[str]:
    """The file's path (and whether it exists), then each setting in effect, as TOML would write it."""
    config = loaded.config
    exists = "" if loaded.path.is_file() else "  (no such file: every setting is its default)"
    lines = [f"# {loaded.path}{exists}"]

    def value(item: object) -> str:
        if isinstance(item, bool):
            return "true" if item else "false"
        if isinstance(item, int):
            return str(item)
        if isinstance(item, tuple | list):
            return "[" + ", ".join(json.dumps(str(each), ensure_ascii=False) for each in item) + "]"
        return json.dumps(str(item), ensure_ascii=False)

    settings = {
        name: getattr(config, name)
        for name in ("folder", "theme", "date_style", "columns", "sidebar", "wrap_width", "mark_read")
    }
    settings["browser"] = shlex.join(config.browser) if config.browser else None
    settings["sync_folder"] = config.sync_folder
    for name, item in settings.items():
        lines.append(f"# {name}: not set" if item is None else f"{name} = {value(item)}")
    lines += [
        "",
        "[folders]",
        *(f"{json.dumps(name)} = {value(path)}" for name, path in config.folders.items()),
    ]
    lines += [
        "",
        "[keys]",
        *(f"{json.dumps(action)} = {value(keys)}" for action, keys in config.keys.items()),
    ]
    for command in config.commands:
        lines += ["", "[[commands]]", f"name = {value(command.name)}", f"key = {value(command.key)}"]
        lines += [f"run = {value(command.run)}", f"terminal = {value(command.terminal)}"]
        if command.when is not None:
            lines.append(f"when = {value(command.when)}")
    return lines


def command_marks(arguments: argparse.Namespace) -> int:
    config = configured(arguments).config
    folder = folder_argument(arguments.folder, config)
    state_dir = Locations.default().state_dir
    if arguments.action == "export":
        return export_marks(folder, state_dir, arguments.file)
    return import_marks(folder, state_dir, arguments.file, arguments.sync_folder or config.sync_folder)


def export_marks(folder: Path, state_dir: Path, file: str) -> int:
    """Write every post the store has read or starred as a JSON line: key, read, starred (by key)."""
    if store_path(folder, state_dir).is_file():
        with ReadMarks.open(folder, state_dir) as marks:
            notice, read, starred = marks.notice, marks.read_keys(), marks.starred_keys()
    else:  # nothing marked yet: no store is made for it
        notice, read, starred = None, frozenset(), frozenset()
    if notice:
        print(f"krant: warning: {notice}", file=sys.stderr)
    text = "".join(
        json.dumps({"key": key, "read": key in read, "starred": key in starred}) + "\n"
        for key in sorted(read | starred)
    )
    if file == "-":
        sys.stdout.write(text)
    else:
        try:
            Path(file).write_text(text, encoding="ascii")
        except OSError as error:
            raise UsageError(f"cannot write {file}: {error.strerror or error}") from error
    print(f"krant: exported {len(read):,} read and {len(starred):,} starred posts", file=sys.stderr)
    return 0


def import_marks(folder: Path, state_dir: Path, file: str, sync_folder: Path | None) -> int:
    """Set the marks and stars a file of JSON lines gives (as `export` writes them) in the store, and in
    the sync journal when there is one; posts the file does not name keep theirs."""
    from tui.core.sync_journal import SyncJournal

    try:
        data = sys.stdin.buffer.read() if file == "-" else Path(file).read_bytes()
    except OSError as error:
        raise UsageError(f"cannot read {file}: {error.strerror or error}") from error
    changes: dict[str, dict[str, bool]] = {"read": {}, "starred": {}}
    skipped = 0
    for number, line in enumerate(data.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            key, values = marks_record(line)
        except ValueError as error:
            print(f"{shown(file)} line {number}: {error}", file=sys.stderr)
            skipped += 1
            continue
        for kind, value in values.items():
            changes[kind][key] = value
    with ReadMarks.open(folder, state_dir) as marks:
        opened_with = marks.notice
        if opened_with:
            print(f"krant: warning: {opened_with}", file=sys.stderr)
        journal = SyncJournal(sync_folder, state_dir, marks) if sync_folder is not None else None
        if journal is not None:
            journal.attach()
        for value in (True, False):
            marks.mark([key for key, read in changes["read"].items() if read == value], value)
            marks.star([key for key, star in changes["starred"].items() if star == value], value)
        if not marks.flush() and marks.notice not in (None, opened_with):  # written by the store's thread
            print(f"krant: warning: {marks.notice}", file=sys.stderr)
        if journal is not None:
            for notice in journal.sync_now().notices:
                print(f"krant: warning: {notice}", file=sys.stderr)
            journal.stop()
    print(
        f"krant: imported {len(changes['read']):,} read marks and {len(changes['starred']):,} stars"
        + (f" ({skipped:,} lines skipped)" if skipped else ""),
        file=sys.stderr,
    )
    return 1 if skipped else 0


def marks_record(line: bytes) -> tuple[str, dict[str, bool]]:
    """The key and the marks (`read`, `starred`) of one line of a marks file.

    Raises:
        ValueError: the line is not such a record (says why).
    """
    try:
        record = json.loads(line)
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError) as error:
        raise ValueError("not JSON") from error
    if not isinstance(record, dict) or not isinstance(record.get("key"), str) or not record["key"]:
        raise ValueError('not an object with a "key"')
    values = {kind: record[kind] for kind in ("read", "starred") if kind in record}
    if not values or not all(isinstance(value, bool) for value in values.values()):
        raise ValueError('no "read" or "starred" of true or false')
    return record["key"], values


class _Version(argparse.Action):
    """`--version`, which reads the version only when asked (importlib.metadata slows every start)."""

    def __call__(self, parser: argparse.ArgumentParser, *_arguments: object) -> None:
        parser.exit(message=f"krant {tui.__version__}\n")


DESCRIPTIONS = {
    None: "A terminal news reader for a folder of Jekyll-style posts.",
    "list": (
        "List the posts of a folder, newest first, one line each, in three aligned columns: the local "
        "date and time (2019-05-15 22:01, so lines sort as text), the categories, and the title (last, "
        "so it may hold anything). `krant list --unread | wc -l` counts the unread posts."
    ),
    "show": "Print each post as the reader lays it out: title, date, categories, link, then the text.",
    "check": "Print every problem and warning of a folder's posts as `file: reason`; exit 1 if any problems.",
    "config": (
        "Print where the config file is and the settings in effect, as TOML (mistakes in the file on "
        "stderr, exit 1 if any)."
    ),
    "marks": (
        'Move read marks and stars by hand, as JSON lines ({"key": …, "read": …, "starred": …}): '
        "`export` writes every post the folder's store has read or starred, `import` sets the marks a file "
        "gives (posts it does not name keep theirs). FILE may be - for stdout or stdin."
    ),
}
EPILOGS = {
    None: (
        "Scripting: krant list [PATH], krant show FILE…, krant check [PATH], krant marks export|import FILE; "
        "settings: krant config. Each has its own --help. PATH may be a name from the config's [folders]."
    ),
    "list": (
        "A story filed in several files (the same link) is one line. --json gives every field of each post "
        "(its exact path, read or not, starred or not, the story's other files as copies) instead of the "
        "columns."
    ),
}


def _parser_for(command: str | None) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="krant" if command is None else f"krant {command}",
        description=DESCRIPTIONS[command],
        epilog=EPILOGS.get(command),
    )
    parser.add_argument("--version", action=_Version, nargs=0, help="show the version and exit")
    parser.add_argument(
        "--config", metavar="FILE", help="read the settings from FILE (default: ~/.config/krant/config.toml)"
    )
    if command == "config":
        parser.add_argument("--defaults", action="store_true", help="print a commented file of the defaults")
        parser.add_argument("--keys", action="store_true", help="list every action's id and its keys")
        return parser
    if command == "show":
        parser.add_argument("files", nargs="+", metavar="FILE", help="post files")
        parser.add_argument(
            "--width", type=int, help="lay the article out at this many columns (default: the terminal's)"
        )
        parser.add_argument(
            "--markdown", action="store_true", help="print the Markdown the reader draws the article from"
        )
        return parser
    sync_folder = {"type": lambda text: Path(text).expanduser(), "help": argparse.SUPPRESS}
    if command == "marks":
        parser.add_argument(
            "action",
            choices=("export", "import"),
            help="export writes the marks to FILE; import reads them from it",
        )
        parser.add_argument("file", metavar="FILE", help="the JSON lines file; - for stdout or stdin")
        parser.add_argument("--folder", help="the posts folder whose marks these are (default: ./posts)")
        parser.add_argument("--sync-folder", **sync_folder)
        return parser
    parser.add_argument(
        "path", nargs="?", help="the posts folder, or a name from the config's [folders] (default: ./posts)"
    )
    parser.add_argument("--all", action="store_true", help="include posts with `published: false`")
    if command == "list":
        parser.add_argument("--category", "-c", metavar="C", help="only posts in the category C")
        parser.add_argument("--json", action="store_true", help="every field of each post, as JSON")
        parser.add_argument(
            "--unread", action="store_true", help="only posts not yet read (opened or marked) in krant"
        )
        parser.add_argument("--starred", action="store_true", help="only posts starred in krant (s)")
        parser.add_argument(
            "--query",
            "-q",
            metavar="QUERY",
            help="only posts QUERY finds, written as in the reader's / (e.g. 'is:unread cat:sport rust')",
        )
    elif command is None:
        parser.add_argument("--poll", action="store_true", help="watch the folder by polling")
        parser.add_argument("--sync-folder", **sync_folder)
    return parser


def _query_values_attached(arguments: list[str]) -> list[str]:
    """`--query -cat:sport` as `--query=-cat:sport`: argparse takes a value starting with `-` for a flag."""
    joined: list[str] = []
    pending = iter(arguments)
    for argument in pending:
        if argument in ("--query", "-q"):
            value = next(pending, None)
            joined.append(argument if value is None else f"--query={value}")
        else:
            joined.append(argument)
    return joined


def main(argv: Sequence[str] | None = None) -> int:
    use_locale_names()
    arguments_list = list(sys.argv[1:] if argv is None else argv)
    command = arguments_list[0] if arguments_list and arguments_list[0] in SUBCOMMANDS else None
    parser = _parser_for(command)
    if command == "list":
        arguments_list = _query_values_attached(arguments_list)
    arguments = parser.parse_args(arguments_list[1:] if command else arguments_list)
    run = {
        "list": command_list,
        "show": command_show,
        "check": command_check,
        "config": command_config,
        "marks": command_marks,
    }.get(command or "", command_open)
    try:
        return run(arguments)
    except UsageError as error:
        print(f"krant: {shown(str(error))}", file=sys.stderr)
        return 2
    except BrokenPipeError:
        # The reader of our output (e.g. `head`) went away; that is not an error.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except KeyboardInterrupt:
        return 130
