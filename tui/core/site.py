"""The site a folder of posts belongs to: its name, its address, and how it turns a post into a URL.

A posts folder is often part of a static site (Jekyll, Hugo, Zola) whose config file, a few folders up,
says what the site is called, where it is published, and the pattern that makes a post's address from
its file name and front matter. krant uses that to show the site's name in the header, to link a post to
its published page, and to make the relative links in a post absolute.

Configs are untrusted files: they are read only up to `MAX_CONFIG_BYTES`, never executed, and a broken
one gives a `Site` with what could be read (or `None`), never an exception.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import posixpath
import re
import tomllib
import unicodedata
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from types import MappingProxyType
from typing import Literal
from urllib.parse import quote, urljoin, urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import yaml

SiteKind = Literal["jekyll", "hugo", "zola", "unknown"]

MAX_CONFIG_BYTES = 1024 * 1024
"""A config file larger than this is not parsed: no real site needs one, and YAML is slow on it."""
PARENT_LEVELS = 3
"""How many folders above the posts folder are searched for a config (`_posts` is one below the root)."""
MAX_CONFIG_NESTING = 100
"""A config nested deeper than this is not parsed: libyaml and tomllib recurse on nesting."""

_JEKYLL_STYLES: Mapping[str, str] = MappingProxyType(
    {
        "date": "/:categories/:year/:month/:day/:title:output_ext",
        "pretty": "/:categories/:year/:month/:day/:title/",
        "ordinal": "/:categories/:year/:y_day/:title:output_ext",
        "weekdate": "/:categories/:year/W:week/:short_day/:title:output_ext",
        "none": "/:categories/:title:output_ext",
    }
)
"""Jekyll's named permalink styles; "date" is what a site gets when it sets none."""

_EMPTY: Mapping[str, object] = MappingProxyType({})
_MARKDOWN_SUFFIXES = (".md", ".markdown", ".mdown", ".mkd", ".mkdn", ".mdwn", ".mdtxt", ".mdtext", ".text")
_ELEVENTY_CONFIGS = (".eleventy.js", "eleventy.config.js", "eleventy.config.mjs", "eleventy.config.cjs")
_JEKYLL_POST_NAME = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})-(.+)")
_DATE_TEXT = re.compile(
    r"\s*(\d{4})-(\d{1,2})-(\d{1,2})"
    r"(?:[ T]+(\d{1,2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?\s*(Z|[+-]\d{2}:?\d{2})?)?",
    re.IGNORECASE,
)
_ZOLA_DATE_PREFIX = re.compile(r"\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2})?)?[_-]")
_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:")
_SITE_ADDRESS = re.compile(r"https?://[^\s/?#]+(?:/[^\s]*)?", re.IGNORECASE)
# Ruby's [[:alnum:]] has no underscore, Python's \w does: Jekyll turns "_" into "-" in both modes.
_SLUG_DEFAULT = re.compile(r"(?:[^\w]|_)+")
_SLUG_PRETTY = re.compile(r"(?:[^\w.~!$&'()+,;=@]|_)+")
_URL_SAFE = "/:@!$&'()*+,;=-._~%"
_JEKYLL_PLACEHOLDER = re.compile(
    r":(slugified_categories|short_month|long_month|short_year|output_ext|categories|collection|"
    r"short_day|long_day|i_month|minute|second|i_day|y_day|title|month|slug|year|hour|week|name|path|day)"
)
_HUGO_TOKENS = frozenset(
    ("contentbasename", "filename", "sections", "section", "slug", "title", "year", "month", "day")
)
"""The tokens of Hugo's `[permalinks]` krant fills in; a pattern with another is left unresolved."""
_HUGO_TOKEN = re.compile(r":(" + "|".join(sorted(_HUGO_TOKENS, key=len, reverse=True)) + ")")
_BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f")
_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September",
           "October", "November", "December")  # fmt: skip
_DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


@dataclass(frozen=True)
class Site:
    """A static site found around a posts folder, as far as its config tells.

    `params` and `config` are read-only views of what the config file holds (YAML/TOML values: text,
    numbers, dates, lists, mappings); they are left out of hashing because mappings cannot be hashed.
    """

    kind: SiteKind
    """Which generator the config belongs to; "unknown" is a site krant cannot read the config of."""
    root: Path
    """The folder holding the config: what a post's `relpath` is relative to."""
    title: str | None = None
    """The site's name from its config (Jekyll `title`, else `name`; Hugo and Zola `title`)."""
    url: str | None = None
    """Where the site is published, no trailing slash: Jekyll `url` + `baseurl`, Hugo `baseURL`,
    Zola `base_url`. None when the config gives no http(s) address."""
    baseurl: str = ""
    """Jekyll's `baseurl` (the path the site is served under, e.g. "/blog"); "" otherwise."""
    permalink: str | None = None
    """Jekyll's permalink setting for posts, as written (a pattern or a style name such as "pretty"):
    `collections.posts.permalink`, else `permalink`. None means Jekyll's default, "date"."""
    params: Mapping[str, object] = field(default_factory=lambda: _EMPTY, hash=False)
    """What a template may ask the site for: Jekyll's whole config (`site.*`), Hugo `params`, Zola `extra`."""
    config: Mapping[str, object] = field(default_factory=lambda: _EMPTY, hash=False)
    """The whole config file, for the settings that decide URLs (Hugo `permalinks`, Jekyll `collections`)."""
    timezone: str | None = None
    """Jekyll's `timezone`: a post's date is taken in it, which can change the day in its URL."""

    def name_for(self, folder: Path) -> str:
        """The name the header shows for a posts folder of this site: its title, else the folder's name."""
        return self.title or folder_name(folder)

    def post_path(self, relpath: str, fields: Mapping[str, object]) -> str | None:
        """A post's address on the site, from the site's root ("/blog/2021/09/27/x.html"); None when unsure.

        `relpath` is the post's file relative to `root` (`_posts/2021-09-27-x.md`, `content/blog/x.md`);
        a file name alone does for a Jekyll post. `fields` is its front matter (`permalink`, `date`,
        `slug`, `categories`, `path`, `url`), which wins over what the file name says.
        """
        route = self._route(relpath, fields)
        return None if route is None else self._prefix() + route

    def post_url(self, relpath: str, fields: Mapping[str, object]) -> str | None:
        """A post's public address ("https://jekyllrb.com/news/2021/09/27/x/"); None unless the site's
        address is known and the post's path can be worked out (see `post_path`)."""
        if self.url is None:
            return None
        route = self._route(relpath, fields)
        return None if route is None else self.url + route

    def resolve_link(self, href: str, post_relpath: str, fields: Mapping[str, object] | None = None) -> str:
        """A link found in a post, made absolute against the site's address; unchanged when it already
        is absolute, is an anchor, or the site cannot tell where it points.

        A link to another Markdown file (`x.md`, Zola's `@/blog/x.md`) becomes that post's address,
        as the site's generator would make it; anything else is resolved from the post's own address,
        the way a browser on the published page would (`fields` are the post's front matter).
        """
        link = href.strip()
        if not link or link.startswith(("#", "//")) or _SCHEME.match(link) or self.url is None:
            return href
        if link.startswith("@/"):
            path, suffix = _split_suffix(link[2:])
            target = self.post_url(f"content/{path}", {})
            return href if target is None else target + suffix
        if link.startswith("/"):
            parts = urlsplit(self.url)
            return f"{parts.scheme}://{parts.netloc}{link}"
        path, suffix = _split_suffix(link)
        if path.lower().endswith(_MARKDOWN_SUFFIXES):
            joined = posixpath.normpath(posixpath.join(posixpath.dirname(post_relpath), path))
            if not joined.startswith(".."):
                target = self.post_url(joined, {})
                if target is not None:
                    return target + suffix
        base = self.post_url(post_relpath, fields or {})
        return href if base is None else urljoin(base, link)

    def _prefix(self) -> str:
        """The path the site is served under, which starts every site-relative address."""
        if self.kind == "jekyll" or self.url is None:
            return self.baseurl
        return urlsplit(self.url).path.rstrip("/")

    def _route(self, relpath: str, fields: Mapping[str, object]) -> str | None:
        parts = _parts(relpath)
        if not parts:
            return None
        if self.kind == "jekyll":
            return self._jekyll_route(parts, fields)
        if self.kind == "hugo":
            return self._hugo_route(parts, fields)
        if self.kind == "zola":
            return _zola_route(parts, fields, self.config)
        return None

    def _jekyll_route(self, parts: tuple[str, ...], fields: Mapping[str, object]) -> str | None:
        collections = self.config.get("collections")
        collections = collections if isinstance(collections, Mapping) else _EMPTY
        first = parts[0]
        if len(parts) > 1 and first.startswith("_") and first != "_posts" and first[1:] in collections:
            return self._jekyll_document_route(parts, fields, first[1:], collections[first[1:]])
        stem = _stem(parts[-1])
        named = _JEKYLL_POST_NAME.fullmatch(stem)
        slug = _text(fields.get("slug")) or (named[4] if named else stem)
        date = _post_date(fields.get("date"), self.timezone)
        if date is None and named is not None:
            try:
                date = dt.datetime(int(named[1]), int(named[2]), int(named[3]))
            except ValueError:
                return None
        # Folders above `_posts` are categories; a path without `_posts` is relative to `_posts`.
        categories = _jekyll_categories(parts[: parts.index("_posts")] if "_posts" in parts else (), fields)
        values: dict[str, str | None] = {
            "title": _jekyll_slugify(slug, pretty=True),
            "slug": _jekyll_slugify(slug, pretty=False).lower(),
            "name": _jekyll_slugify(stem, pretty=False).lower(),
            "categories": "/".join(categories),
            "slugified_categories": "/".join(_jekyll_slugify(c, pretty=False).lower() for c in categories),
            "collection": "posts",
            "path": "/".join(parts[:-1] + (stem,)),
            "output_ext": ".html",
            **_date_values(date),
        }
        pattern = self._jekyll_post_pattern(parts, fields)
        return _jekyll_expand(_JEKYLL_STYLES.get(pattern, pattern), values)

    def _jekyll_post_pattern(self, parts: tuple[str, ...], fields: Mapping[str, object]) -> str:
        """The permalink a post is published under: its own, else the config's `defaults`, else the
        posts collection's, else the site's, else Jekyll's default."""
        own = _text(fields.get("permalink"))
        if own:
            return own
        scoped = _jekyll_default_permalink(self.config.get("defaults"), "/".join(parts), "posts")
        return scoped or self.permalink or "date"

    def _jekyll_document_route(
        self, parts: tuple[str, ...], fields: Mapping[str, object], collection: str, settings: object
    ) -> str | None:
        """A page of another Jekyll collection (`_docs/history.md` → "/docs/history/")."""
        if isinstance(settings, Mapping) and settings.get("output") is False:
            return None
        inner = parts[1:]
        stem = _stem(inner[-1])
        pattern = _text(fields.get("permalink")) or _jekyll_default_permalink(
            self.config.get("defaults"), "/".join(parts), collection
        )
        if not pattern and isinstance(settings, Mapping):
            pattern = _text(settings.get("permalink"))
        slug = _text(fields.get("slug")) or stem
        values: dict[str, str | None] = {
            "collection": collection,
            "path": "/".join(inner[:-1] + (stem,)),
            "name": _jekyll_slugify(stem, pretty=False).lower(),
            "title": _jekyll_slugify(slug, pretty=True),
            "slug": _jekyll_slugify(slug, pretty=False).lower(),
            "output_ext": ".html",
            **_date_values(_post_date(fields.get("date"), self.timezone)),
        }
        pattern = pattern or "/:collection/:path:output_ext"
        return _jekyll_expand(_JEKYLL_STYLES.get(pattern, pattern), values)

    def _hugo_route(self, parts: tuple[str, ...], fields: Mapping[str, object]) -> str | None:
        settings = {k.lower(): v for k, v in self.config.items() if isinstance(k, str)}
        content = _text(settings.get("contentdir")) or "content"
        if parts[0] == content and len(parts) > 1:
            parts = parts[1:]
        own = _text(fields.get("url"))
        if own:
            return _clean_path("/" + own.lstrip("/"))
        folders, stem = list(parts[:-1]), _stem(parts[-1])
        if stem == "_index":
            return _clean_path("/" + "/".join(folders) + "/", lower=not settings.get("disablepathtolower"))
        if stem == "index" and folders:
            stem = folders.pop()
        slug = _text(fields.get("slug")) or stem
        permalinks = settings.get("permalinks")
        section = folders[0] if folders else ""
        pattern = _hugo_permalink(permalinks, section) if section else None
        if pattern is not None and (
            "[" in pattern or not set(re.findall(r":(\w+)", pattern)) <= _HUGO_TOKENS
        ):
            return None  # a token krant does not know (`:sections[1:]`): unsure
        if pattern is not None:
            values = {
                "year": None,
                "month": None,
                "day": None,
                "slug": slug,
                "title": _hugo_urlize(_text(fields.get("title")) or slug),
                "filename": stem,
                "contentbasename": stem,
                "section": section,
                "sections": "/".join(folders),
                **{k: v for k, v in _date_values(_post_date(fields.get("date"), None)).items() if v},
            }
            route = _expand_tokens(_HUGO_TOKEN, pattern, values)
        elif settings.get("uglyurls") is True:
            route = "/" + "/".join([*folders, slug]) + ".html"
        else:
            route = "/" + "/".join([*folders, slug]) + "/"
        if route is None:
            return None
        return _clean_path(route, lower=not settings.get("disablepathtolower"))


def find_site(folder: Path) -> Site | None:
    """The site a posts folder belongs to: the first site config in it or up to `PARENT_LEVELS` above.

    Looks for Jekyll (`_config.yml`), Hugo (`hugo.toml`, or a `config.toml` with `baseURL`), Zola
    (`config.toml` with `base_url`) and Eleventy (whose JavaScript config is never run: kind "unknown").
    None when there is none; never raises.
    """
    try:
        start = Path(os.path.abspath(folder))
    except (OSError, ValueError):
        return None
    for directory in (start, *start.parents[:PARENT_LEVELS]):
        site = _site_in(directory)
        if site is not None:
            return site
    return None


def folder_name(folder: Path) -> str:
    """The name to show for a posts folder without a site title: the folder holding `_posts` when the
    folder is (inside) one, because "_posts" names no site; else the folder's own name."""
    try:
        path = Path(os.path.abspath(folder))
    except (OSError, ValueError):
        path = Path(folder)
    for place in (path, *path.parents):
        if place.name == "_posts":
            return place.parent.name or str(place.parent)
    return path.name or str(path)


def post_key(relpath: str) -> str:
    """The name a post is known by in links between posts: its file name without the extension (for a
    page bundle's `index.md`, its folder's).

    `{% post_url 2021-09-27-x %}`, `{% link _posts/2021-09-27-x.md %}` and `{{< ref "posts/x.md" >}}`
    all name a post by it, so krant can find the post in its folder that a link points to.
    """
    parts = _parts(relpath.split("#", 1)[0])
    if not parts:
        return ""
    stem = _stem(parts[-1])
    if stem in ("index", "_index") and len(parts) > 1:
        return parts[-2]
    return stem


def _site_in(directory: Path) -> Site | None:
    """The site whose config is in this very folder, if any."""
    for name in ("_config.yml", "_config.yaml", "_config.toml"):
        config = _load_config(directory / name)
        if config is not None:
            return _jekyll_site(directory, config)
    for name in ("hugo.toml", "hugo.yaml", "hugo.yml", "hugo.json"):
        config = _load_config(directory / name)
        if config is not None:
            return _hugo_site(directory, config)
    for name in ("config.toml", "config.yaml", "config.yml", "config.json"):
        config = _load_config(directory / name)
        if config is None:
            continue
        # Zola spells it `base_url`; Hugo `baseURL` (its keys ignore case). Without either, the file is
        # some other tool's config, not a site's.
        if name == "config.toml" and "base_url" in config:
            return _zola_site(directory, config)
        if any(isinstance(key, str) and key.lower() == "baseurl" for key in config):
            return _hugo_site(directory, config)
    for name in _ELEVENTY_CONFIGS:
        if _is_file(directory / name):
            return Site(kind="unknown", root=directory)
    return None


def _jekyll_site(root: Path, config: dict[str, object]) -> Site:
    baseurl = _text(config.get("baseurl")) or ""
    baseurl = "/" + baseurl.strip("/") if baseurl.strip("/") else ""
    address = _address(config.get("url"))
    collections = config.get("collections")
    posts = collections.get("posts") if isinstance(collections, Mapping) else None
    permalink = _text(posts.get("permalink")) if isinstance(posts, Mapping) else None
    return Site(
        kind="jekyll",
        root=root,
        title=_title(config.get("title")) or _title(config.get("name")),
        url=address + baseurl if address else None,
        baseurl=baseurl,
        permalink=permalink or _text(config.get("permalink")),
        params=MappingProxyType(config),
        config=MappingProxyType(config),
        timezone=_text(config.get("timezone")),
    )


def _hugo_site(root: Path, config: dict[str, object]) -> Site:
    settings = {k.lower(): v for k, v in config.items() if isinstance(k, str)}
    params = settings.get("params")
    return Site(
        kind="hugo",
        root=root,
        title=_title(settings.get("title")),
        url=_address(settings.get("baseurl")),
        params=MappingProxyType(params) if isinstance(params, dict) else _EMPTY,
        config=MappingProxyType(config),
    )


def _zola_site(root: Path, config: dict[str, object]) -> Site:
    extra = config.get("extra")
    return Site(
        kind="zola",
        root=root,
        title=_title(config.get("title")),
        url=_address(config.get("base_url")),
        params=MappingProxyType(extra) if isinstance(extra, dict) else _EMPTY,
        config=MappingProxyType(config),
    )


def _is_file(path: Path) -> bool:
    # A FIFO or a device named like a config would block or never end: only regular files are read.
    try:
        return path.is_file()
    except (OSError, ValueError):
        return False


def _load_config(path: Path) -> dict[str, object] | None:
    """A config file's top-level mapping; {} when it is there but unreadable, too large or broken;
    None when there is no such (regular) file."""
    if not _is_file(path):
        return None
    try:
        with path.open("rb") as handle:
            raw = handle.read(MAX_CONFIG_BYTES + 1)
    except OSError:
        return {}
    if len(raw) > MAX_CONFIG_BYTES:
        return {}
    text = raw.decode("utf-8", errors="replace").removeprefix("\ufeff")
    if _nesting(text) > MAX_CONFIG_NESTING:
        return {}
    loaders: dict[str, Callable[[str], object]] = {".toml": tomllib.loads, ".json": json.loads}
    load = loaders.get(path.suffix, _load_yaml)
    try:
        data = load(text)
    except (yaml.YAMLError, ValueError, RecursionError):
        return {}
    return data if isinstance(data, dict) else {}


def _load_yaml(text: str) -> object:
    return yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))


def _nesting(text: str) -> int:
    """How deep a config nests, at most: brackets (quotes ignored, so never less than a parser sees)
    or YAML indentation, two columns a level."""
    deepest = depth = 0
    for char in re.finditer(r"[\[\]{}]", text):
        depth = depth + 1 if char[0] in "[{" else max(depth - 1, 0)
        deepest = max(deepest, depth)
    indents = (len(m[0]) // 2 for m in re.finditer(r"^ +", text, re.MULTILINE))
    return max(deepest, max(indents, default=0))


def _text(value: object) -> str | None:
    """A config or front matter value as text, when it is a single value (not a list or mapping)."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, str | int | float):
        text = str(value).strip()
        return text or None
    return None


def _title(value: object) -> str | None:
    """A title fit for one line of a header: whitespace collapsed, control characters gone."""
    text = _text(value)
    if text is None:
        return None
    text = "".join(ch for ch in text if ch not in _BIDI_CONTROLS and unicodedata.category(ch) != "Cc")
    return " ".join(text.split())[:500] or None


def _address(value: object) -> str | None:
    """A site's http(s) address without its trailing slash; None for anything else (a path, "")."""
    text = _text(value)
    if text is None or not _SITE_ADDRESS.fullmatch(text):
        return None
    return text.rstrip("/")


def _parts(relpath: str) -> tuple[str, ...]:
    """A relative path's folders and file name, with `.` and `..` worked out; () when it leaves its root."""
    parts: list[str] = []
    for part in relpath.replace("\\", "/").split("/"):
        if part in ("", "."):
            continue
        if part == "..":
            if not parts:
                return ()
            parts.pop()
        else:
            parts.append(part)
    return tuple(parts)


def _stem(name: str) -> str:
    """A post file's name without its extension; a name without one (`{% post_url 2017-03-02-v3.4.1 %}`)
    is kept whole, dots and all."""
    path = PurePosixPath(name)
    return path.stem if path.suffix.lower() in _MARKDOWN_SUFFIXES + (".html", ".htm") else name


def _split_suffix(link: str) -> tuple[str, str]:
    """A link's path, and its query and fragment (kept as written)."""
    cut = min((i for i in (link.find("?"), link.find("#")) if i >= 0), default=len(link))
    return link[:cut], link[cut:]


def _post_date(value: object, timezone: str | None) -> dt.datetime | None:
    """A front matter date as a datetime, in the site's time zone when the date has an offset (Jekyll
    files a post under the day it is in the site's zone)."""
    if isinstance(value, dt.datetime):
        moment = value
    elif isinstance(value, dt.date):
        return dt.datetime(value.year, value.month, value.day)
    elif isinstance(value, str):
        found = _DATE_TEXT.match(value)
        if found is None:
            return None
        year, month, day, hour, minute, second, offset = found.groups()
        try:
            zone = None
            if offset and offset.upper() == "Z":
                zone = dt.UTC
            elif offset:
                sign = -1 if offset[0] == "-" else 1
                digits = offset[1:].replace(":", "")
                zone = dt.timezone(sign * dt.timedelta(hours=int(digits[:2]), minutes=int(digits[2:])))
            moment = dt.datetime(
                int(year),
                int(month),
                int(day),
                int(hour or 0),
                int(minute or 0),
                int(second or 0),
                tzinfo=zone,
            )
        except ValueError:
            return None
    else:
        return None
    if moment.tzinfo is not None and timezone:
        try:
            return moment.astimezone(ZoneInfo(timezone))
        except (ZoneInfoNotFoundError, ValueError, OverflowError):
            return moment
    return moment


def _date_values(date: dt.datetime | None) -> dict[str, str | None]:
    """Jekyll's date placeholders for a post's date (all None when it has none)."""
    names = ("year", "month", "day", "i_month", "i_day", "short_year", "hour", "minute", "second")
    names += ("y_day", "short_month", "long_month", "short_day", "long_day", "week")
    if date is None:
        return dict.fromkeys(names)
    return {
        "year": f"{date.year:04d}",
        "month": f"{date.month:02d}",
        "day": f"{date.day:02d}",
        "i_month": str(date.month),
        "i_day": str(date.day),
        "short_year": f"{date.year % 100:02d}",
        "hour": f"{date.hour:02d}",
        "minute": f"{date.minute:02d}",
        "second": f"{date.second:02d}",
        "y_day": f"{date.timetuple().tm_yday:03d}",
        # English names whatever the machine's locale, as Jekyll's Ruby gives.
        "short_month": _MONTHS[date.month - 1][:3],
        "long_month": _MONTHS[date.month - 1],
        "short_day": _DAYS[date.weekday()][:3],
        "long_day": _DAYS[date.weekday()],
        "week": f"{date.isocalendar()[1]:02d}",
    }


def _jekyll_slugify(text: str, *, pretty: bool) -> str:
    """Jekyll's `slugify` in "pretty" or "default" mode, case kept (callers lower it where Jekyll does)."""
    return (_SLUG_PRETTY if pretty else _SLUG_DEFAULT).sub("-", text).strip("-")


def _jekyll_categories(folders: tuple[str, ...], fields: Mapping[str, object]) -> list[str]:
    """A post's categories as Jekyll puts them in its URL: folders above `_posts`, then `category`
    and `categories` from the front matter; lower case, each once."""
    found: list[str] = list(folders)
    for key in ("category", "categories"):
        value = fields.get(key)
        if isinstance(value, str):
            found.extend(value.split() if key == "categories" else [value])
        elif isinstance(value, list | tuple):
            found.extend(str(v) for v in value if _text(v))
    unique: dict[str, None] = {}
    for category in found:
        if category.strip():
            unique.setdefault(category.strip().lower(), None)
    return list(unique)


def _jekyll_default_permalink(defaults: object, path: str, collection: str) -> str | None:
    """The `permalink` Jekyll's front matter `defaults` give a file: the most specific matching scope
    wins (the longest path), and the later of two equal ones."""
    if not isinstance(defaults, list):
        return None
    best: tuple[int, str] | None = None
    for entry in defaults:
        if not isinstance(entry, Mapping):
            continue
        scope, values = entry.get("scope"), entry.get("values")
        if not isinstance(scope, Mapping) or not isinstance(values, Mapping):
            continue
        permalink = _text(values.get("permalink"))
        scope_path = (_text(scope.get("path")) or "").strip("/")
        scope_type = _text(scope.get("type"))
        if permalink is None or (scope_type and scope_type != collection):
            continue
        if scope_path and not (path == scope_path or path.startswith(scope_path + "/")):
            continue
        if best is None or len(scope_path) >= best[0]:
            best = (len(scope_path), permalink)
    return None if best is None else best[1]


def _jekyll_expand(pattern: str, values: Mapping[str, str | None]) -> str | None:
    expanded = _expand_tokens(_JEKYLL_PLACEHOLDER, pattern, values)
    return None if expanded is None else _clean_path(expanded)


def _expand_tokens(tokens: re.Pattern[str], pattern: str, values: Mapping[str, str | None]) -> str | None:
    """A URL pattern with its placeholders filled in; None when one it uses has no value (no date)."""
    missing = False

    def fill(found: re.Match[str]) -> str:
        nonlocal missing
        value = values.get(found[1])
        if value is None:
            missing = True
            return ""
        return value

    expanded = tokens.sub(fill, pattern)
    return None if missing else expanded


def _clean_path(path: str, *, lower: bool = False) -> str:
    """A URL path as generators write it: one leading slash, no doubled slashes, unsafe characters
    percent-encoded."""
    path = re.sub(r"/{2,}", "/", "/" + path)
    return quote(path.lower() if lower else path, safe=_URL_SAFE)


def _hugo_permalink(permalinks: object, section: str) -> str | None:
    """Hugo's `[permalinks]` pattern for a section (`posts = "/:year/:slug/"`, or under `page`)."""
    if not isinstance(permalinks, Mapping):
        return None
    tables = [permalinks]
    page = {k.lower(): v for k, v in permalinks.items() if isinstance(k, str)}.get("page")
    if isinstance(page, Mapping):
        tables.insert(0, page)
    for table in tables:
        for key, value in table.items():
            if isinstance(key, str) and key.lower() == section.lower() and isinstance(value, str):
                return value
    return None


def _hugo_urlize(text: str) -> str:
    """Hugo's `urlize` for a title in a URL: spaces to dashes, punctuation other than `-._` dropped."""
    return re.sub(r"[^\w\-./]", "", re.sub(r"\s+", "-", text.strip()))


def _zola_slugify(text: str) -> str:
    """Zola's default slugs ("on"): ASCII, lower case, anything else a single dash."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")


def _zola_route(parts: tuple[str, ...], fields: Mapping[str, object], config: Mapping[str, object]) -> str:
    """A Zola page's path: its `path` field, else its sections and slug (the file or folder name
    without a date prefix, or its `slug` field), slugified unless the site turns that off."""
    own = _text(fields.get("path"))
    if own:
        return _clean_path("/" + own.strip("/") + "/")
    if parts[0] == "content" and len(parts) > 1:
        parts = parts[1:]
    slugify_settings = config.get("slugify")
    mode = slugify_settings.get("paths") if isinstance(slugify_settings, Mapping) else None
    slugify = _zola_slugify if mode in (None, "on") else (lambda text: text)
    folders, stem = list(parts[:-1]), _stem(parts[-1])
    if stem == "_index":
        return _clean_path("/" + "/".join(slugify(f) for f in folders) + "/")
    if stem == "index" and folders:
        stem = folders.pop()
    dated = _ZOLA_DATE_PREFIX.match(stem)
    slug = _text(fields.get("slug")) or (stem[dated.end() :] if dated else stem)
    return _clean_path("/" + "/".join([*(slugify(f) for f in folders), slugify(slug)]) + "/")
