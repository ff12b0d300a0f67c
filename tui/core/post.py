"""What reading a file gives: a Post (a readable post's metadata), or a Problem that says why not."""

from __future__ import annotations

import hashlib
import math
import os
from dataclasses import dataclass, field
from datetime import datetime

UNCATEGORISED = "uncategorised"
"""The category of a post that names none and is in no Jekyll category folder."""


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
    tags: tuple[str, ...] = ()
    """`tags` (a list or a space-separated string; Zola's `[taxonomies]`), as written."""
    authors: tuple[str, ...] = ()
    """`author` or `authors`."""
    description: str | None = None
    """`description`, `excerpt` or `summary`: a line about the post, shown above its text."""
    draft: bool = False
    """`draft: true`, or a file in Jekyll's `_drafts/`: shown only with `--all`, and marked as a draft."""

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


class Unreadable(Exception):
    """Raised while a file is read, with the one-line reason it becomes a Problem."""


@dataclass(frozen=True, slots=True)
class PostText:
    """A post's metadata together with its raw body, as read from disk."""

    post: Post
    body: str


def identity_key(link: str | None, title: str, when: datetime) -> str:
    """A read-state key that stays the same when a file is renamed or moved."""
    if link:
        return "link:" + link
    digest = hashlib.blake2b(f"{title}\x00{when.isoformat()}".encode(), digest_size=12)
    return "post:" + digest.hexdigest()
