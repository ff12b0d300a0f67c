"""Which files below a posts folder may be posts, found without opening any, and how their names are shown."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

from tui.core.sanitize import clean_line

POST_SUFFIXES = frozenset({".md", ".markdown", ".html", ".htm", ".txt"})


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
