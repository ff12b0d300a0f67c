"""Find post files in a folder and read each into a Post, or a Problem that says why it can't be."""

from __future__ import annotations

import hashlib
import json
import math
import os
import re
import stat
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import frontmatter
import yaml

from tui.dates import date_from_filename, date_from_timestamp, parse_date
from tui.encoding import NotText, decode_bytes, repair_mojibake
from tui.flat_yaml import load_flat
from tui.render import looks_like_html
from tui.sanitize import clean_line, clean_text

POST_SUFFIXES = frozenset({".md", ".markdown", ".html", ".htm", ".txt"})
MAX_FILE_BYTES = 20 * 1024 * 1024
"""Files larger than this are listed as problems instead of being read."""
MAX_FRONT_MATTER_CHARS = 256 * 1024
"""Front matter beyond this is not parsed: no real post needs it, and YAML is slow on it."""
MAX_TITLE_CHARS = 300
MAX_CATEGORY_CHARS = 60
MAX_CATEGORIES = 20
UNCATEGORISED = "uncategorised"

_FRONT_MATTER = re.compile(r"\A(?:---|\+\+\+)[ \t]*\r?\n")
_FM_CLOSE = {
    "---": re.compile(r"^(?:---|\.\.\.)[ \t]*\r?$", re.MULTILINE),
    "+++": re.compile(r"^\+\+\+[ \t]*\r?$", re.MULTILINE),
}
_SLUG_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}-")
MAX_NESTING = 50
"""Front matter nested deeper than this is refused: libyaml's C code recurses and would crash."""
# Characters YAML refuses anywhere in a document; a stray one should not hide a whole post.
_NOT_YAML = re.compile("[^\t\n\r\x20-\x7e\x85\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
_HEADING = re.compile(
    r"^\s{0,3}#{1,6}\s+(.+?)\s*#*\s*$|<h1\b[^>]*>(.*?)</h1>|<title>(.*?)</title>",
    re.IGNORECASE | re.MULTILINE | re.DOTALL,
)
_TAG = re.compile(r"<[^<>]*>")


@dataclass(frozen=True, slots=True)
class Post:
    """A readable post's metadata. The body stays on disk and is read when the post is opened."""

    path: str
    """The file, as text: the folder joined with the name below it (`os.path.join(root, name)`). Text and
    not a `Path`: building and hashing 100,000 Paths cost a cold start ~1 s of the UI's process."""
    relpath: str
    title: str
    date: datetime
    categories: tuple[str, ...]
    link: str | None = None
    image: str | None = None
    layout: str | None = None
    published: bool = True
    is_html: bool = True
    size: int = 0
    mtime: float = 0.0
    warnings: tuple[str, ...] = ()
    key: str = field(default="", compare=False)
    """Identity that survives renames and moves: the link where there is one, else a content hash."""
    timestamp: float = field(default=math.nan, compare=False, repr=False)
    """`date` as seconds since the epoch, worked out once: posts are ordered by it, 100,000 of them many
    times over while a folder loads (`datetime.timestamp` costs ~1.3 µs a call). Left out, it is computed."""

    def __post_init__(self) -> None:
        if type(self.path) is not str:  # a Path given: kept as text, so posts compare and hash alike
            object.__setattr__(self, "path", os.fspath(self.path))
        if self.timestamp != self.timestamp:  # NaN: not given
            object.__setattr__(self, "timestamp", self.date.timestamp())

    @property
    def sort_key(self) -> tuple[float, str]:
        """Newest first, then by path so posts with the same date keep a stable order."""
        return (-self.timestamp, self.relpath)


@dataclass(frozen=True, slots=True)
class Problem:
    """A file that is not a readable post, and a one-line reason."""

    path: str
    """As `Post.path`."""
    relpath: str
    reason: str

    def __post_init__(self) -> None:
        if type(self.path) is not str:
            object.__setattr__(self, "path", os.fspath(self.path))


@dataclass(frozen=True, slots=True)
class PostText:
    """A post's metadata together with its raw body, as read from disk."""

    post: Post
    body: str


class _Unreadable(Exception):
    """Raised inside the reader with the reason a file becomes a Problem."""


def is_candidate_name(name: str) -> bool:
    """Whether a file name may be a post: a post suffix, not hidden, not an editor's leftover."""
    if name.startswith((".", "#")) or name.endswith(("~", ".swp", ".swx", ".tmp", ".part")):
        return False
    # As os.path.splitext(name)[1] (a leading dot starts no suffix; hidden names are out already), at a
    # quarter of the cost: a folder of 100,000 posts asks this 100,000 times before anything is shown.
    dot = name.rfind(".")
    return dot > 0 and name[dot:].lower() in POST_SUFFIXES


def is_candidate_path(path: Path, root: Path) -> bool:
    """Whether a path below root may be a post: a candidate name and no hidden folder on the way."""
    try:
        parts = path.relative_to(root).parts
    except ValueError:
        return False
    return (
        bool(parts)
        and not any(part.startswith(".") for part in parts[:-1])
        and (is_candidate_name(parts[-1]))
    )


def find_post_files(root: Path) -> Iterator[Path]:
    """Every candidate post file below root, following symlinks once and never into a loop.

    Only regular files are yielded; pipes, sockets and devices are never opened.
    """
    for entry in find_post_entries(root):
        yield Path(entry.path)


def find_post_entries(root: Path) -> Iterator[os.DirEntry[str]]:
    """`find_post_files` as directory entries: no Path is built, and `entry.stat()` is one call."""
    seen_dirs: set[tuple[int, int]] = set()
    stack = [os.fspath(root)]
    while stack:
        folder = stack.pop()
        try:
            info = os.stat(folder)
        except OSError:
            continue
        if (info.st_dev, info.st_ino) in seen_dirs:
            continue
        seen_dirs.add((info.st_dev, info.st_ino))
        try:
            scan = os.scandir(folder)
        except OSError:
            continue
        # Streamed in the folder's own order (callers sort what they need): a list of 100,000 entries
        # would hold ~25 MB while a big folder is listed.
        with scan:
            while True:
                try:
                    entry = next(scan, None)
                except OSError:
                    break
                if entry is None:
                    break
                name = entry.name
                if name.startswith("."):
                    continue
                try:
                    # Files first: nearly every entry is one, and for a plain file both answers come
                    # from the listing itself (no system call).
                    if entry.is_file():
                        if is_candidate_name(name):
                            yield entry
                    elif entry.is_dir():
                        stack.append(entry.path)
                except OSError:
                    continue


def relative_name(path: str | os.PathLike[str], root: Path) -> str:
    """The path as shown to users: relative to the folder, with unprintable bytes made visible."""
    text, prefix = os.fspath(path), os.path.join(root, "")
    # As path.relative_to(root), without building Paths (costly for 100,000 files).
    return shown_name(text[len(prefix) :] if text.startswith(prefix) else text)


def shown_name(name: str) -> str:
    """A file name (as `os` gives it) as shown to users: odd bytes of a name that is not UTF-8 as `\\xe9`."""
    if name.isprintable() and "  " not in name and name == name.strip():
        return name  # the usual name: printable (so no escaped bytes), nothing to collapse
    return clean_line(os.fsencode(name).decode("utf-8", "backslashreplace"))


def read_post(path: str | os.PathLike[str], root: Path) -> Post | Problem:
    """Read one file into a Post (metadata only), or a Problem with the reason. Never raises."""
    result = read_post_text(path, root)
    return result.post if isinstance(result, PostText) else result


def read_post_text(path: str | os.PathLike[str], root: Path, name: str | None = None) -> PostText | Problem:
    """Read one file into its Post and raw body, or a Problem with the reason. Never raises.

    `name` is the path below `root` as `os` gives it, when the caller has it (it saves working it out).
    """
    path = os.fspath(path)
    relpath = relative_name(path, root) if name is None else shown_name(name)
    try:
        return _read(path, relpath)
    except _Unreadable as reason:
        return Problem(path, relpath, clean_line(str(reason), 300))
    except RecursionError:
        return Problem(path, relpath, "front matter is nested too deeply")
    except MemoryError:
        return Problem(path, relpath, "too large to read")
    except Exception as error:  # the loader's promise: no exception from one file escapes
        return Problem(path, relpath, f"could not be read: {type(error).__name__}: {error}"[:300])


def _open_bytes(path: str) -> tuple[bytes, os.stat_result]:
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0)
    try:
        info = os.stat(path)
    except FileNotFoundError as error:
        raise _Unreadable("vanished before it could be read") from error
    except OSError as error:
        raise _Unreadable(f"cannot be read: {error.strerror or error}") from error
    if stat.S_ISDIR(info.st_mode):
        raise _Unreadable("is a folder, not a file")
    if not stat.S_ISREG(info.st_mode):
        raise _Unreadable("is not a regular file (a pipe, socket or device); not opened")
    if info.st_size > MAX_FILE_BYTES:
        raise _Unreadable(
            f"too large ({info.st_size / 1e6:.1f} MB; the limit is {MAX_FILE_BYTES / 1e6:.0f} MB)"
        )
    try:
        descriptor = os.open(path, flags)
    except FileNotFoundError as error:
        raise _Unreadable("vanished before it could be read") from error
    except OSError as error:
        raise _Unreadable(f"cannot be read: {error.strerror or error}") from error
    try:
        opened = os.fstat(descriptor)
        if not stat.S_ISREG(opened.st_mode):
            raise _Unreadable("is not a regular file (a pipe, socket or device); not opened")
        data = _read_descriptor(descriptor, opened.st_size)
    except OSError as error:
        raise _Unreadable(f"cannot be read: {error.strerror or error}") from error
    finally:
        os.close(descriptor)
    if len(data) > MAX_FILE_BYTES:
        raise _Unreadable("too large (it grew while being read)")
    return data, opened


def _read_descriptor(descriptor: int, expected: int) -> bytes:
    """Everything an open file holds, up to one byte past the limit; `expected` is its size in fstat.

    os.read without a buffered file object: a post is read in one call. A regular file reads short only at
    its end, so a short read needs no second call to find it.
    """
    chunks: list[bytes] = []
    size = 0
    while size <= MAX_FILE_BYTES:
        wanted = min(max(expected + 1 - size, 65_536), MAX_FILE_BYTES + 1 - size)
        chunk = os.read(descriptor, wanted)
        chunks.append(chunk)
        size += len(chunk)
        if len(chunk) < wanted:
            break
    return chunks[0] if len(chunks) == 1 else b"".join(chunks)


def _split_front_matter(text: str) -> tuple[dict[str, object] | None, str]:
    """Split and parse front matter: YAML between `---`, TOML between `+++`, or a JSON object."""
    opening = _FRONT_MATTER.match(text)
    if opening is None:
        if text.startswith("{"):
            return _json_front_matter(text)
        return None, text
    delimiter = opening[0].strip()
    closing = _FM_CLOSE[delimiter].search(text, opening.end())
    if closing is None:
        raise _Unreadable(f"front matter starts with '{delimiter}' but never ends")
    raw, body = text[opening.end() : closing.start()], text[closing.end() :]
    if len(raw) > MAX_FRONT_MATTER_CHARS:
        raise _Unreadable(f"front matter is too large ({len(raw):,} characters)")
    try:
        data = _load_yaml(raw) if delimiter == "---" else _toml_handler().load(raw)
    except yaml.YAMLError as error:
        where = getattr(error, "problem_mark", None)
        line = f" at line {where.line + 2}" if where is not None else ""
        problem = getattr(error, "problem", None) or type(error).__name__
        raise _Unreadable(f"invalid YAML front matter{line}: {problem}") from error
    except ValueError as error:
        raise _Unreadable(f"invalid front matter: {error}"[:200]) from error
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise _Unreadable(f"front matter is a {type(data).__name__}, not a set of fields")
    return data, body.lstrip("\r\n")


class _FrontMatterLoader(frontmatter.default_handlers.SafeLoader):
    """The safe YAML loader, but an impossible timestamp (Feb 30, hour 25, year 0) stays text.

    The date then falls back to the file name with a warning, instead of the post being lost.
    """


def _timestamp_or_text(loader: _FrontMatterLoader, node: yaml.ScalarNode) -> object:
    try:
        return loader.construct_yaml_timestamp(node)
    except (ValueError, OverflowError, AttributeError):  # AttributeError: `!!timestamp` on any text
        return loader.construct_scalar(node)


_FrontMatterLoader.add_constructor("tag:yaml.org,2002:timestamp", _timestamp_or_text)


def _load_yaml(raw: str) -> object:
    """Parse YAML front matter safely: controls YAML refuses are dropped, deep nesting is refused."""
    if _NOT_YAML.search(raw):
        # Whole escape sequences go, so a stray `ESC [2J` leaves no `[2J` behind.
        raw = _NOT_YAML.sub("", clean_text(raw))
    flat = load_flat(raw)
    if flat is not None:  # the common case, several times faster than PyYAML
        return flat
    # krant's own reason, before any YAML library sees the text: libyaml's C code recurses (and would
    # crash), and releases refuse deep nesting each with their own wording (PyYAML 6.0.4: "exceeded
    # maximum nesting depth") or not at all.
    if nesting_depth(raw) > MAX_NESTING:
        raise _Unreadable(f"front matter is nested more than {MAX_NESTING} levels deep")
    return frontmatter.YAMLHandler().load(raw, Loader=_FrontMatterLoader)


_FLOW_OR_QUOTE = re.compile(r"""[\[\]{}"'#\\]""")
_BLOCK_INDICATORS = re.compile(r"(?:[-?:](?:[ \t]+|$))+")
_TOKEN_START = frozenset(" \t:[{,-?")
"""A quote opens a quoted scalar only after one of these (or at the line's start): `don't` is text."""


def nesting_depth(raw: str) -> int:
    """How deeply YAML text nests its collections, at most: a bound found without parsing it.

    Block levels are counted by indentation (two a step) and by indicators that open a level on one
    line (`- - x`); flow levels by brackets outside quotes and comments. Never less than what a YAML
    parser would see, so a text within the limit is always within it for the parser too.
    """
    deepest = flow = block = 0
    indents: list[int] = []
    quote: str | None = None
    for line in raw.split("\n"):
        stripped = line.lstrip(" ")
        if flow == 0 and quote is None:
            if not stripped.strip() or stripped.startswith("#"):
                continue
            indent = len(line) - len(stripped)
            while indents and indents[-1] >= indent:
                indents.pop()
            indents.append(indent)
            leading = _BLOCK_INDICATORS.match(stripped)
            # Each indentation may hold a mapping and a sequence written at the mapping's own indent
            # (`key:` then `- item`); each indicator on the line opens one more, and so may a key after it.
            dashes = leading[0].count("-") + leading[0].count("?") if leading else 0
            block = 2 * len(indents) + dashes + 1
        deepest = max(deepest, block + flow)
        escaped = -1
        for match in _FLOW_OR_QUOTE.finditer(stripped):
            char, at = match[0], match.start()
            before = stripped[at - 1] if at else " "
            if quote is not None:
                if char == "\\" and quote == '"' and at != escaped:
                    escaped = at + 1  # the next character is escaped
                elif char == quote and at != escaped:
                    quote = None
            elif char in "\"'":
                if before in _TOKEN_START:
                    quote = char
            elif char == "#":
                if before in " \t":
                    break  # a comment to the end of the line
            elif char in "[{":
                flow += 1
                deepest = max(deepest, block + flow)
            elif char in "]}" and flow:
                flow -= 1
    return deepest


def _toml_handler() -> frontmatter.default_handlers.BaseHandler:
    import tomllib

    class _TomlHandler(frontmatter.YAMLHandler):
        def load(self, fm: str, **kwargs: object) -> object:
            try:
                return tomllib.loads(fm)
            except tomllib.TOMLDecodeError as error:
                raise ValueError(f"TOML: {error}") from error

    return _TomlHandler()


def _json_front_matter(text: str) -> tuple[dict[str, object] | None, str]:
    decoder = json.JSONDecoder()
    try:
        data, end = decoder.raw_decode(text[:MAX_FRONT_MATTER_CHARS])
    except (ValueError, RecursionError):
        return None, text
    if not isinstance(data, dict):
        return None, text
    return data, text[end:].lstrip("\r\n")


def _text_field(metadata: dict[str, object], *names: str) -> str | None:
    """The first of the fields that holds a string (numbers are accepted as their text)."""
    for name in names:
        value = metadata.get(name)
        if isinstance(value, bool) or value is None:
            continue
        if isinstance(value, int | float | str):
            text = clean_line(repair_mojibake(str(value)))
            if text:
                return text
    return None


def _categories(metadata: dict[str, object], relpath: str) -> tuple[tuple[str, ...], list[str]]:
    """Categories from `category` (one) and `categories` (a list or a space-separated string)."""
    found: list[object] = []
    warnings: list[str] = []
    single = metadata.get("category")
    if isinstance(single, list):
        found.extend(single)
    elif single is not None:
        found.append(single)
    several = metadata.get("categories")
    if isinstance(several, str):
        found.extend(several.split())
    elif isinstance(several, list):
        found.extend(several)
    elif several is not None:
        found.append(several)
    names: list[str] = []
    for value in found[: MAX_CATEGORIES * 4]:
        if isinstance(value, bool) or not isinstance(value, str | int | float):
            warnings.append(f"ignored a category that is not text ({type(value).__name__})")
            continue
        name = clean_line(repair_mojibake(str(value)), MAX_CATEGORY_CHARS)
        if name and name.casefold() not in {known.casefold() for known in names}:
            names.append(name)
    if not names:
        names = _folder_categories(relpath)
    return tuple(names[:MAX_CATEGORIES]) or (UNCATEGORISED,), warnings


def _folder_categories(relpath: str) -> list[str]:
    """Jekyll's `news/world/_posts/x.md` is in the categories news and world."""
    parts = relpath.split("/")[:-1]
    if "_posts" not in parts:
        return []
    return [clean_line(part, MAX_CATEGORY_CHARS) for part in parts[: parts.index("_posts")] if part]


def title_from_name(name: str) -> str:
    """A readable title from a file name: `2019-05-15-hello-big-world.md` → `Hello big world`."""
    stem = os.path.splitext(os.fsencode(name).decode("utf-8", "replace"))[0]
    stem = _SLUG_DATE.sub("", stem)
    words = re.sub(r"[-_]+", " ", stem).strip()
    return clean_line(words[:1].upper() + words[1:], MAX_TITLE_CHARS) or clean_line(name)


def _title_from_content(body: str) -> str | None:
    match = _HEADING.search(body[:20_000])
    if match is None:
        return None
    text = next(group for group in match.groups() if group is not None)
    return clean_line(repair_mojibake(_TAG.sub("", text)), MAX_TITLE_CHARS) or None


def identity_key(link: str | None, title: str, when: datetime) -> str:
    """A read-state key that stays the same when a file is renamed or moved."""
    if link:
        return "link:" + link
    digest = hashlib.blake2b(f"{title}\x00{when.isoformat()}".encode(), digest_size=12)
    return "post:" + digest.hexdigest()


def _read(path: str, relpath: str) -> PostText:
    data, info = _open_bytes(path)
    file_name = os.path.basename(path)
    if not data.strip():
        raise _Unreadable("empty file")
    try:
        decoded = decode_bytes(data)
    except NotText as error:
        raise _Unreadable(str(error)) from error
    warnings = [decoded.warning] if decoded.warning else []
    metadata, body = _split_front_matter(decoded.text)
    if metadata is None:
        if not body.strip():
            raise _Unreadable("no front matter and no content")
        metadata = {}
        warnings.append("no front matter; title and date come from the file")

    title = _text_field(metadata, "title")
    if title is None:
        title = _title_from_content(body) if not metadata else None
        if title is None:
            title = title_from_name(file_name)
            if metadata:
                warnings.append("no usable title; using the file name")
    title = clean_line(title, MAX_TITLE_CHARS)

    when = parse_date(metadata.get("date"))
    if when is None:
        reason = "no date" if metadata.get("date") is None else "unreadable date"
        when = date_from_filename(file_name)
        if when is not None:
            warnings.append(f"{reason}; using the date in the file name")
        else:
            when = date_from_timestamp(info.st_mtime)
            warnings.append(f"{reason}; using the file's modification time")

    categories, category_warnings = _categories(metadata, relpath)
    warnings.extend(category_warnings)
    link = _text_field(metadata, "externe_link", "link", "url")
    published = metadata.get("published", True) is not False
    post = Post(
        path=path,
        relpath=relpath,
        title=title,
        date=when,
        categories=categories,
        link=link,
        image=_text_field(metadata, "feature_image", "image"),
        layout=_text_field(metadata, "layout"),
        published=published,
        is_html=looks_like_html(body, os.path.splitext(file_name)[1]),
        size=info.st_size,
        mtime=info.st_mtime,
        warnings=tuple(warnings),
        key=identity_key(link, title, when),
    )
    return PostText(post, body)
