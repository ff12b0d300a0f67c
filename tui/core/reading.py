"""Read one post file into a Post (its fields from the front matter), or a Problem that says why not."""

from __future__ import annotations

import os
import re
from datetime import datetime
from functools import lru_cache
from pathlib import Path

from tui.core.body_text import looks_like_html
from tui.core.dates import date_from_path, date_from_timestamp, parse_date
from tui.core.encoding import NotText, decode_bytes, repair_mojibake
from tui.core.file_bytes import read_file_bytes
from tui.core.folder import is_draft, relative_name, shown_name
from tui.core.front_matter import split_front_matter
from tui.core.post import UNCATEGORISED, Post, PostText, Problem, Unreadable, identity_key
from tui.core.sanitize import clean_line
from tui.core.site import Site, find_site

MAX_TITLE_CHARS = 300
MAX_CATEGORY_CHARS = 60
MAX_CATEGORIES = 20
MAX_DESCRIPTION_CHARS = 500
_DATE_FIELDS = ("date", "publishDate", "pubDate", "published_at", "created")
"""Fields that date a post, most usual first (Hugo's `publishDate`, feeds' `pubDate`)."""
_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:")

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
        return _read(path, relpath, root)
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


def _labels(values: object, what: str, warnings: list[str], *, split: bool = True) -> list[str]:
    """Names from a field that holds one, a list, or (with `split`) a space-separated string of several."""
    found: list[object]
    if isinstance(values, list | tuple):
        found = list(values)
    elif isinstance(values, str) and split:
        found = values.split()
    elif values is None:
        found = []
    else:
        found = [values]
    names: list[str] = []
    folded: set[str] = set()
    for value in found[: MAX_CATEGORIES * 4]:
        if isinstance(value, bool) or not isinstance(value, str | int | float):
            warnings.append(f"ignored a {what} that is not text ({type(value).__name__})")
            continue
        name = clean_line(repair_mojibake(str(value)), MAX_CATEGORY_CHARS)
        if name and name.casefold() not in folded:
            folded.add(name.casefold())
            names.append(name)
    return names[:MAX_CATEGORIES]


def _taxonomy(metadata: dict[str, object], name: str) -> object:
    """A field, or Zola's `[taxonomies]` entry of that name."""
    taxonomies = metadata.get("taxonomies")
    if name in metadata or not isinstance(taxonomies, dict):
        return metadata.get(name)
    return taxonomies.get(name)


def _categories(
    metadata: dict[str, object], relpath: str, tags: list[str], path: str, warnings: list[str]
) -> tuple[str, ...]:
    """The post's categories: `category` and `categories`; else the folders above `_posts/` (Jekyll);
    else the section it is in (Hugo and Zola, a folder with an `_index.md`); else its tags."""
    names = _labels(metadata.get("category"), "category", warnings, split=False)
    for name in _labels(_taxonomy(metadata, "categories"), "category", warnings):
        if name.casefold() not in {known.casefold() for known in names}:
            names.append(name)
    if not names:
        names = _folder_categories(relpath)
    if not names:
        section = section_title(os.path.dirname(path))
        names = [section] if section else []
    return tuple((names or tags)[:MAX_CATEGORIES]) or (UNCATEGORISED,)


@lru_cache(maxsize=512)
def section_title(folder: str) -> str | None:
    """The title of the Hugo or Zola section a folder is (its `_index.md`), or None; asked once a folder.

    A post in a page bundle (`post/index.md`) is in the section above its bundle.
    """
    for place in (folder, os.path.dirname(folder)):
        for name in ("_index.md", "_index.markdown"):
            index = os.path.join(place, name)
            if not os.path.isfile(index):
                continue
            try:
                data, _info = read_file_bytes(index)
                fields, _body = split_front_matter(decode_bytes(data).text)
            except (Unreadable, NotText):
                return None
            return _text_field(fields or {}, "title")
    return None


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


def _date(metadata: dict[str, object], path: str, mtime: float, warnings: list[str]) -> datetime:
    """The post's date: a date field; else the date its path holds (Zola's `path`, a Jekyll or Zola file
    or bundle name, which is how those sites date a post, so no warning); else the file's mtime."""
    field = next((name for name in _DATE_FIELDS if metadata.get(name) is not None), None)
    when = parse_date(metadata.get(field)) if field is not None else None
    if when is not None:
        return when
    names = (_text_field(metadata, "path"), os.path.basename(path), os.path.basename(os.path.dirname(path)))
    for name in names:
        found = date_from_path(name) if name else None
        if found is not None:
            if field is not None:
                warnings.append(f"unreadable {field}; using the date in the file name")
            return found
    warnings.append(
        ("no date" if field is None else f"unreadable {field}") + "; using the file's modification time"
    )
    return date_from_timestamp(mtime)


def _read(path: str, relpath: str, root: Path) -> PostText:
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

    title = _text_field(metadata, "title")
    if title is None and metadata and not body.strip():
        raise Unreadable("no title and no text (a page that the site's templates fill in)")
    if title is None:
        title = _title_from_content(body) if not metadata else None
        if title is None:
            title = title_from_name(file_name)
            if metadata:
                warnings.append("no usable title; using the file name")
    title = clean_line(title, MAX_TITLE_CHARS)

    when = _date(metadata, path, info.st_mtime, warnings)
    tags = _labels(_taxonomy(metadata, "tags"), "tag", warnings)
    categories = _categories(metadata, relpath, tags, path, warnings)
    written_link = _text_field(metadata, "externe_link", "link", "url")
    site = site_of(root)
    link = _public_link(written_link, site, root, path, metadata)
    published = metadata.get("published", True) is not False
    description = _text_field(metadata, "description", "excerpt", "summary")
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
        # From the link as written only: a link worked out from the site's config may change with it,
        # and read marks are keyed by this.
        key=identity_key(written_link, title, when),
        tags=tuple(tags),
        authors=tuple(_labels(_authors(metadata), "author", warnings, split=False)),
        description=clean_line(description, MAX_DESCRIPTION_CHARS) if description else None,
        draft=metadata.get("draft") is True or is_draft(relpath),
    )
    return PostText(post, body)


def _authors(metadata: dict[str, object]) -> object:
    return metadata.get("authors") if metadata.get("authors") is not None else metadata.get("author")


def _public_link(
    written: str | None, site: Site | None, root: Path, path: str, metadata: dict[str, object]
) -> str | None:
    """The post's address: as written (made absolute against the site's address when it is a path, as
    Hugo's `url` is), else its page on the site when the site's address and permalinks are known."""
    if site is None:
        return written
    below = os.path.relpath(path, site.root).replace(os.sep, "/")
    if written:
        return written if _SCHEME.match(written) else site.resolve_link(written, below, metadata)
    try:
        return site.post_url(below, metadata)
    except (ValueError, OverflowError):
        return None


_SITES: dict[str, Site | None] = {}


def site_of(root: Path) -> Site | None:
    """The site a posts folder belongs to (`find_site`), looked for once per folder in each process."""
    key = os.fspath(root)
    if key not in _SITES:
        _SITES[key] = find_site(root)
    return _SITES[key]
