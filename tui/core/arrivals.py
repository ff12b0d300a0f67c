"""What a live change means to a reader: which posts are new to them, and where a renamed post went.

"New" means: a post whose identity (`Post.key`) krant had not seen in this folder since it started, until
it is opened or the cursor moves onto it. A rename or move keeps the identity; only the path changes. When
krant knows when it last looked at the folder (`NewPosts.since`), the posts whose files were written after
that are new too when the folder is first read: they came while krant was not running.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

from tui.core.library import Change, Library
from tui.core.post import Post
from tui.core.wording import how_many


def arrival_notice(counts: Counter[str]) -> str:
    """One line for posts that arrived, by category: `3 new posts in buitenland`."""
    total = sum(counts.values())
    arrived = how_many(total, "new post")
    if len(counts) == 1:
        (category,) = counts
        return f"{arrived} in {category}"
    if len(counts) <= 3:
        parts = ", ".join(
            f"{count} in {category}"
            for category, count in sorted(counts.items(), key=lambda item: (-item[1], item[0].casefold()))
        )
        return f"{arrived}: {parts}"
    return f"{arrived} in {len(counts)} categories"


def renamed(change: Change) -> dict[str, Post]:
    """Posts that left one path and arrived at another in the same change (a rename or move), by old path."""
    arrived = {post.key: post for post in change.added if post.key}
    return {old.path: arrived[old.key] for old in change.removed if old.key in arrived}


def moved_to(post: Post, change: Change, library: Library) -> Post | None:
    """Where a post went if this change took its path away and a post with its identity is in the library.

    Usually both halves of a rename come in one change (`renamed`); a move into a folder the watcher had
    yet to see can bring the new path a batch before the old one goes, so the library is asked too.
    """
    moves = renamed(change)
    if post.path in moves:
        return moves[post.path]
    if not post.key or not any(removed.path == post.path for removed in change.removed):
        return None
    if library.get(post.path) is not None:
        return None
    return next((other for other in library.posts if other.key == post.key), None)


class NewPosts:
    """Posts that arrived while krant runs and have not been seen yet."""

    def __init__(self) -> None:
        self._known: set[str] = set()
        self._new: set[str] = set()
        self._since: float | None = None

    def since(self, last_seen: float | None) -> None:
        """krant last looked at the folder then (seconds since the epoch): files written later are new."""
        self._since = last_seen

    def known(self, posts: Iterable[Post]) -> None:
        """These posts were there when the folder was first read: none of them is new, but for those
        written since krant last looked (`since`)."""
        since = self._since
        if since is None:
            self._known.update(post.key for post in posts)
            return
        self._since = None  # once: the folder's first read
        posts = list(posts)
        self._known.update(post.key for post in posts)
        self._new.update(post.key for post in posts if post.mtime > since)

    def note(self, change: Change) -> Counter[str]:
        """Mark the posts of a change that were never seen before as new; how many, by first category."""
        arrivals: Counter[str] = Counter()
        for post in change.updated:
            self._known.add(post.key)
        for post in change.added:
            if post.key in self._known:
                continue
            self._known.add(post.key)
            self._new.add(post.key)
            arrivals[post.categories[0] if post.categories else ""] += 1
        return arrivals

    def is_new(self, post: Post) -> bool:
        """Whether a post arrived while krant runs and has not been seen yet (the list marks it)."""
        return bool(self._new) and post.key in self._new

    def keys(self) -> frozenset[str]:
        """The keys of the posts that are new now (for `is:new`)."""
        return frozenset(self._new)

    def seen(self, post: Post) -> bool:
        """The post was opened, or the cursor moved onto it: it is no longer new. Whether it was."""
        if post.key not in self._new:
            return False
        self._new.discard(post.key)
        return True
