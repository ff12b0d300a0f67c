"""Read one post file into a Post (its fields from the front matter), or a Problem that says why not."""

from __future__ import annotations

import os
import re
from pathlib import Path

from tui.core.body_text import looks_like_html
from tui.core.dates import date_from_filename, date_from_timestamp, parse_date
from tui.core.encoding import NotText, decode_bytes, repair_mojibake
from tui.core.file_bytes import read_file_bytes
from tui.core.folder import relative_name, shown_name
from tui.core.front_matter import split_front_matter
from tui.core.post import UNCATEGORISED, Post, PostText, Problem, Unreadable, identity_key
from tui.core.sanitize import clean_line

MAX_TITLE_CHARS = 300
MAX_CATEGORY_CHARS = 60
MAX_CATEGORIES = 20

_SLUG_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}-")
_HEADING = re.compile(
    r"^\s{0,3}#{1,6}\s+(.+?)\s*#*\s*$|<h1\b[^>]*>(.*?)</h1>|<title>(.*?)</title>",
    re.IGNORECASE | re.MULTILINE | re.DOTALL,
)
_TAG = re.compile(r"<[^<>]*>")


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
    except Unreadable as reason:
        return Problem(path, relpath, clean_line(str(reason), 300))
    except RecursionError:
        return Problem(path, relpath, "front matter is nested too deeply")
    except MemoryError:
        return Problem(path, relpath, "too large to read")
    except Exception as error:  # the loader's promise: no exception from one file escapes
        return Problem(path, relpath, f"could not be read: {type(error).__name__}: {error}"[:300])


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


def _read(path: str, relpath: str) -> PostText:
    data, info = read_file_bytes(path)
    file_name = os.path.basename(path)
    if not data.strip():
        raise Unreadable("empty file")
    try:
        decoded = decode_bytes(data)
    except NotText as error:
        raise Unreadable(str(error)) from error
    warnings = [decoded.warning] if decoded.warning else []
    metadata, body = split_front_matter(decoded.text)
    if metadata is None:
        if not body.strip():
            raise Unreadable("no front matter and no content")
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
