"""Which files below a posts folder may be posts, found without opening any, and how their names are shown.

A plain folder of posts is read whole. A Jekyll site's root (a `_config.yml` beside a `_posts/` folder)
is read for its posts only: the files in `_posts/` folders (`news/_posts/` too) and its drafts in
`_drafts/`; its pages, layouts and the built `_site/` are not posts. Anywhere, folders that only a site's
build uses (`_site/`, `_layouts/`, `node_modules/`, …) are never entered, and Hugo's and Zola's section
pages (`_index.md`) are not posts.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from functools import lru_cache
from pathlib import Path

from tui.core.post import Problem
from tui.core.sanitize import clean_line

POST_SUFFIXES = frozenset({".md", ".markdown", ".html", ".htm", ".txt"})
NEVER_POSTS = frozenset(
    {"_site", "_layouts", "_includes", "_data", "_sass", "node_modules", "vendor"}
)
"""Folders that hold a site's templates, data, dependencies or built output, never its posts."""
POST_FOLDERS = frozenset({"_posts", "_drafts"})
"""In a Jekyll site's root, only files below one of these are posts."""
DRAFTS = "_drafts"
REPOSITORY_FILES = frozenset(
    {"readme", "license", "licence", "changelog", "changes", "contributing", "code_of_conduct", "security"}
)
"""Files a repository of posts keeps beside them (`README.md`, `LICENSE.md`), which are not posts."""


@lru_cache(maxsize=64)
def is_jekyll_root(root: str) -> bool:
    """Whether a folder is a Jekyll site's root: its config beside its `_posts/` (asked once per folder)."""
    return os.path.isdir(os.path.join(root, "_posts")) and any(
        os.path.isfile(os.path.join(root, name)) for name in ("_config.yml", "_config.yaml", "_config.toml")
    )


def is_draft(relpath: str) -> bool:
    """Whether a post's file (below the folder) is a Jekyll draft, in a `_drafts/` folder."""
    return DRAFTS in relpath.replace(os.sep, "/").split("/")[:-1]


def is_candidate_name(name: str) -> bool:
    """Whether a file name may be a post: a post suffix, not hidden, not an editor's leftover or a section
    page (`_index.md`)."""
    if name.startswith((".", "#", "_index.")) or name.endswith(("~", ".swp", ".swx", ".tmp", ".part")):
        return False
    # As os.path.splitext(name)[1] (a leading dot starts no suffix; hidden names are out already), at a
    # quarter of the cost: a folder of 100,000 posts asks this 100,000 times before anything is shown.
    dot = name.rfind(".")
    return dot > 0 and name[dot:].lower() in POST_SUFFIXES and name[:dot].lower() not in REPOSITORY_FILES


def is_candidate_path(path: Path, root: Path) -> bool:
    """Whether a path below root may be a post: a candidate name, no hidden or build folder on the way,
    and in a Jekyll site's root, inside `_posts/` or `_drafts/`."""
    try:
        parts = path.relative_to(root).parts
    except ValueError:
        return False
    folders = parts[:-1]
    return (
        bool(parts)
        and not any(part.startswith(".") or part in NEVER_POSTS for part in folders)
        and is_candidate_name(parts[-1])
        and (not is_jekyll_root(os.fspath(root)) or not POST_FOLDERS.isdisjoint(folders))
    )


def is_post_folder(path: Path, root: Path) -> bool:
    """Whether a folder below root may hold posts: no hidden or build folder on the way (the watcher
    looks into such folders when they appear)."""
    try:
        parts = path.relative_to(root).parts
    except ValueError:
        return False
    return bool(parts) and not any(part.startswith(".") or part in NEVER_POSTS for part in parts)


def find_post_files(root: Path) -> Iterator[Path]:
    """Every candidate post file below root, following symlinks once and never into a loop.

    Only regular files are yielded; pipes, sockets and devices are never opened.
    """
    for entry in find_post_entries(root):
        yield Path(entry.path)


def find_post_entries(
    root: Path, unreadable: list[tuple[str, str]] | None = None
) -> Iterator[os.DirEntry[str]]:
    """`find_post_files` as directory entries: no Path is built, and `entry.stat()` is one call.

    `unreadable` collects each folder below root that is there but may not be listed (no permission, an
    I/O error), with the reason: its posts cannot be shown, and the user must be told (`unreadable_folder`).
    """
    seen_dirs: set[tuple[int, int]] = set()
    jekyll = is_jekyll_root(os.fspath(root))
    # Each folder to look in, and whether its files may be posts (in a Jekyll root: below `_posts/`).
    stack = [(os.fspath(root), not jekyll)]
    while stack:
        folder, posts_here = stack.pop()
        try:
            info = os.stat(folder)
        except OSError:
            continue
        if (info.st_dev, info.st_ino) in seen_dirs:
            continue
        seen_dirs.add((info.st_dev, info.st_ino))
        try:
            scan = os.scandir(folder)
        except OSError as error:
            if unreadable is not None and not isinstance(error, (FileNotFoundError, NotADirectoryError)):
                unreadable.append((folder, error.strerror or type(error).__name__))
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
                        if posts_here and is_candidate_name(name):
                            yield entry
                    elif entry.is_dir() and name not in NEVER_POSTS:
                        stack.append((entry.path, posts_here or name in POST_FOLDERS))
                except OSError:
                    continue


def unreadable_folder(folder: str, reason: str, root: Path) -> Problem:
    """The problem of a folder that may not be listed, shown where its posts would be."""
    reason = f"a folder krant may not read ({reason}); the posts in it are not shown"
    return Problem(folder, relative_name(folder, root) or ".", reason)


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
