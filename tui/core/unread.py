"""Unread posts per category, kept up to date as posts and read marks change, and finding the next one.

`UnreadCounts` joins the library with the read state. Its counts change only by the posts and keys that
changed, so asking for them (every redraw of the sidebar) costs nothing at 100,000 posts. Every mark goes
through it, so the counts can never drift from the store; marks made by another window arrive through
`refresh`, and whatever a store call pulled in on the way is found by comparing the read keys before and
after (set operations in C, not a walk over the posts).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence

from tui.core.library import Change, Library
from tui.core.post import Post
from tui.core.read_marks import ReadMarks


class UnreadCounts:
    """How many posts are unread in each category and in all, and the marks behind them.

    Call `library_changed` with every change the library reports; mark posts only through `mark`,
    `toggle`, `restore` and `refresh`.
    """

    def __init__(self, state: ReadMarks) -> None:
        self.state = state
        """The read-state store; read it freely, but change marks through this object."""
        self._posts: dict[str, Post] = {}
        """The counted posts, as they were when counted."""
        self._paths_by_key: dict[str, str | list[str]] = {}
        """The counted posts' paths by key: one path, or a list when posts share a key (a link)."""
        self._unread: Counter[str] = Counter()
        self._unread_all = 0
        self._read_keys = state.read_keys()
        self._starred_keys = state.starred_keys()
        self._starred_posts: list[Post] | None = None
        """The starred posts of the library, newest first; None until asked for after a change."""
        self._starred_posts_of: frozenset[str] | None = None
        """The stars `_starred_posts` was found for."""

    # Reading ------------------------------------------------------------------------------

    @property
    def total(self) -> int:
        """Unread posts in the whole library."""
        return self._unread_all

    def in_category(self, category: str) -> int:
        """Unread posts in one category."""
        return self._unread[category]

    def is_unread(self, post: Post) -> bool:
        return not self.state.is_read(post.key)

    def is_starred(self, post: Post) -> bool:
        return self.state.is_starred(post.key)

    def post_with_key(self, key: str) -> Post | None:
        """A post of the library with this key (the first of those sharing it), or None."""
        paths = self._paths_of(key)
        return self._posts[paths[0]] if paths else None

    def starred_posts(self) -> list[Post]:
        """The library's starred posts, newest first (found by key: a walk over the stars, not the posts)."""
        # Not through `_sync`: what changed since the last `refresh` is still to be told by it.
        starred = self.state.starred_keys()
        if self._starred_posts is None or self._starred_posts_of is not starred:
            posts = [self._posts[path] for key in starred for path in self._paths_of(key)]
            posts.sort(key=lambda post: post.sort_key)
            self._starred_posts, self._starred_posts_of = posts, starred
        return self._starred_posts

    # Posts --------------------------------------------------------------------------------

    def library_changed(self, library: Library, change: Change) -> None:
        """Count the posts a library change touched, as the library holds them now."""
        if not change.removed and not change.updated:
            fresh = [post for post in change.added if post.path not in self._posts]
            if len(fresh) == len(change.added):
                self._add_new(fresh)
                return
        self._starred_posts = None
        paths = {post.path for post in (*change.removed, *change.added, *change.updated)}
        for path in paths:
            self._forget(path)
            post = library.get(path)
            if post is not None:
                self._add(post)

    def _add(self, post: Post) -> None:
        self._posts[post.path] = post
        self._remember_path(post.key, post.path)
        if post.key not in self._read_keys:
            self._count(post.categories, 1)

    def _remember_path(self, key: str, path: str) -> None:
        known = self._paths_by_key.get(key)
        if known is None:
            self._paths_by_key[key] = path
        elif isinstance(known, list):
            known.append(path)
        else:
            self._paths_by_key[key] = [known, path]

    def _paths_of(self, key: str) -> list[str]:
        known = self._paths_by_key.get(key)
        if known is None:
            return []
        return known if isinstance(known, list) else [known]

    def _add_new(self, posts: Iterable[Post]) -> None:
        """`_add` for posts not counted yet, counted together (a cold start adds 100,000 of them)."""
        self._starred_posts = None
        known, by_key, read = self._posts, self._paths_by_key, self._read_keys
        unread: list[str] = []
        for post in posts:
            path, key = post.path, post.key
            known[path] = post
            if key in by_key:
                self._remember_path(key, path)
            else:
                by_key[key] = path
            if key not in read:
                unread.extend(post.categories)
                self._unread_all += 1
        self._unread.update(unread)

    def _forget(self, path: str) -> None:
        known = self._posts.pop(path, None)
        if known is None:
            return
        key = known.key
        paths = self._paths_of(key)
        paths.remove(path)
        if len(paths) > 1:
            self._paths_by_key[key] = paths
        elif paths:
            self._paths_by_key[key] = paths[0]
        else:
            del self._paths_by_key[key]
        if key not in self._read_keys:
            self._count(known.categories, -1)

    def _count(self, categories: tuple[str, ...], step: int) -> None:
        self._unread_all += step
        for category in categories:
            self._unread[category] += step
            if not self._unread[category]:
                del self._unread[category]

    # Marks --------------------------------------------------------------------------------

    def mark(self, keys: Iterable[str], read: bool = True) -> dict[str, bool]:
        """Mark posts read or unread; returns their previous marks, for `restore`."""
        before = self.state.mark(keys, read)
        self._sync()
        return before

    def toggle(self, key: str) -> bool:
        """Flip one post between read and unread; returns whether it is read now."""
        read = self.state.toggle(key)
        self._sync()
        return read

    def restore(self, marks: Mapping[str, bool]) -> None:
        """Put back exactly the marks `mark` returned."""
        self.state.restore(marks)
        self._sync()

    def refresh(self) -> bool:
        """Pick up marks and stars made by another window; True when any count, mark or star here changed."""
        self.state.refresh()
        return self._sync()

    def _sync(self) -> bool:
        """Recount the posts whose keys changed mark since the last look; whether any key or star did."""
        starred = self.state.starred_keys()
        stars_changed = starred is not self._starred_keys
        if stars_changed:
            self._starred_keys = starred
        return self._sync_read() or stars_changed

    def _sync_read(self) -> bool:
        now = self.state.read_keys()
        if now is self._read_keys:
            return False
        changed = now ^ self._read_keys
        self._read_keys = now
        for key in changed:
            step = -1 if key in now else 1
            for path in self._paths_of(key):
                self._count(self._posts[path].categories, step)
        return bool(changed)


def find_unread(
    posts: Sequence[Post], start: int, step: int, is_unread: Callable[[Post], bool]
) -> int | None:
    """The index of the first unread post from `start` (included) going by `step`, or None."""
    index = start
    while 0 <= index < len(posts):
        if is_unread(posts[index]):
            return index
        index += step
    return None


def next_with_unread(
    names: Sequence[str], current: str, step: int, unread: Callable[[str], int]
) -> str | None:
    """The next name after `current` (by `step`, wrapping around) with unread posts, or None.

    `current` itself comes last, so a name that is the only one left is still found.
    """
    if not names:
        return None
    start = names.index(current) if current in names else (-1 if step > 0 else 0)
    for offset in range(1, len(names) + 1):
        name = names[(start + offset * step) % len(names)]
        if unread(name) > 0:
            return name
    return None
