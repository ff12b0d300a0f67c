"""The library: every post of a folder in newest-first order, its categories and its problems."""

from __future__ import annotations

import bisect
import os
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from itertools import chain
from operator import attrgetter
from pathlib import Path

from tui.core.folder import find_post_entries, unreadable_folder
from tui.core.post import Post, Problem
from tui.core.reading import read_post

ALL = "All"
"""The name of the view that holds every post."""
BULK_FROM = 64
"""From this many new posts in one `apply`, they are appended and everything sorted once, not inserted."""


@dataclass(frozen=True, slots=True)
class Change:
    """What one batch of updates did to the library, for telling the user and the screen."""

    added: tuple[Post, ...] = ()
    updated: tuple[Post, ...] = ()
    removed: tuple[Post, ...] = ()
    problems_changed: bool = False

    @property
    def empty(self) -> bool:
        return not (self.added or self.updated or self.removed or self.problems_changed)

    @classmethod
    def joined(cls, changes: Sequence[Change]) -> Change:
        """Changes made one after another, as one (a rename split over two shows as both halves)."""
        if len(changes) == 1:
            return changes[0]
        return cls(
            added=tuple(chain.from_iterable(change.added for change in changes)),
            updated=tuple(chain.from_iterable(change.updated for change in changes)),
            removed=tuple(chain.from_iterable(change.removed for change in changes)),
            problems_changed=any(change.problems_changed for change in changes),
        )


@dataclass
class Library:
    """Posts and problems of one folder, kept sorted; updated one file at a time as the folder changes.

    Unpublished posts (`published: false`) and drafts are kept out unless `include_unpublished` is set.
    """

    root: Path
    include_unpublished: bool = False
    _by_path: dict[str, Post] = field(default_factory=dict)
    """Keyed by `Post.path` (text); `get` and `remove` also take Paths."""
    _posts: list[Post] = field(default_factory=list)
    """Every shown post, by `sort_key` ascending (newest first). Keys are not kept: they cost 8 MB at
    100,000 posts, and a bisection makes only ~17 of them."""
    _problems: dict[str, Problem] = field(default_factory=dict)
    _category_counts: Counter[str] = field(default_factory=Counter)
    _views: dict[str, list[Post]] = field(default_factory=dict)
    _muted: set[str] = field(default_factory=set)
    """Paths a hide rule keeps out of every view and count (see `mute`)."""
    _muted_posts: dict[str, Post] = field(default_factory=dict)
    """The muted paths' posts, as they would be shown."""
    _folders: set[str] | None = None
    """The folders that hold known files, worked out when a removal first needs them (see
    `_paths_at_or_below`); kept up as files arrive, and worked out again when one no longer holds any."""

    @classmethod
    def read_folder(cls, root: Path, include_unpublished: bool = False) -> Library:
        """Read every post below root, in this thread (for the command line; the app loads in batches)."""
        library = cls(root, include_unpublished)
        unreadable: list[tuple[str, str]] = []
        library.apply(read_post(Path(entry.path), root) for entry in find_post_entries(root, unreadable))
        library.apply(unreadable_folder(folder, reason, root) for folder, reason in unreadable)
        return library

    # Reading ------------------------------------------------------------------------------

    @property
    def posts(self) -> Sequence[Post]:
        """Every shown post, newest first."""
        return self.view(ALL)

    @property
    def problems(self) -> list[Problem]:
        """Files that could not be read, by path."""
        return sorted(self._problems.values(), key=lambda problem: problem.relpath)

    def __len__(self) -> int:
        return len(self._posts)

    def paths(self) -> Iterable[str]:
        """The path of every file the library holds: its posts (muted ones too) and its problems."""
        return chain(self._by_path, self._problems, self._muted_posts)

    def get(self, path: str | os.PathLike[str]) -> Post | None:
        return self._by_path.get(os.fspath(path))

    def muted_posts(self) -> list[Post]:
        """The posts a hide rule keeps out (see `mute`), newest first."""
        return sorted(self._muted_posts.values(), key=_sort_key)

    def mute(self, paths: Iterable[str]) -> Change:
        """Keep these posts out of every view and count (a hide rule found them); muted ones not among
        them come back. Posts that arrive later under a muted path stay out too."""
        muted = set(paths)
        if muted == self._muted:
            return Change()
        leaving = [path for path in muted if path in self._by_path]
        returning = [post for path, post in self._muted_posts.items() if path not in muted]
        self._muted = muted
        removed = []
        for path in leaving:
            post = self._drop(path)
            if post is not None:
                self._muted_posts[path] = post
                removed.append(post)
        for post in returning:
            del self._muted_posts[post.path]
            self._by_path[post.path] = post
        self._place(returning)
        return self._changed(Change(added=tuple(returning), removed=tuple(removed)))

    def categories(self) -> list[tuple[str, int]]:
        """Every category with its number of posts, by name (case-insensitive)."""
        return sorted(self._category_counts.items(), key=lambda item: item[0].casefold())

    def view(self, category: str = ALL) -> Sequence[Post]:
        """The posts of a category (or of All), newest first. Cached until the library changes."""
        cached = self._views.get(category)
        if cached is None:
            if category == ALL:
                cached = self._posts.copy()
            else:
                cached = [post for post in self._posts if category in post.categories]
            self._views[category] = cached
        return cached

    # Changing -----------------------------------------------------------------------------

    def update(
        self, results: Iterable[Post | Problem] = (), removed: Iterable[str | os.PathLike[str]] = ()
    ) -> Change:
        """Forget what is gone, then put in what was read: one change, so a rename shows as both halves."""
        return Change.joined([self.remove(removed), self.apply(results)])

    def apply(self, results: Iterable[Post | Problem]) -> Change:
        """Put freshly read files in the library, replacing what their paths held before."""
        added: list[Post] = []
        updated: list[Post] = []
        removed: list[Post] = []
        problems_changed = False
        # New posts are placed in order once at the end (one sort for a big batch); a path seen twice
        # in one batch replaces its pending post.
        pending: dict[str, Post] = {}
        for result in results:
            path = result.path
            old = pending.pop(path, None)
            if old is not None:
                del self._by_path[path]
            else:
                old = self._drop(path)
            hidden = not isinstance(result, Problem) and (result.draft or not result.published)
            if self._folders is not None:
                self._folders.add(path.rpartition(os.sep)[0])
            if isinstance(result, Problem) or (hidden and not self.include_unpublished):
                if self._muted_posts:
                    self._muted_posts.pop(path, None)
                if old is not None:
                    removed.append(old)
                if isinstance(result, Problem):
                    problems_changed |= self._problems.get(path) != result
                    self._problems[path] = result
                    continue
                problems_changed |= self._problems.pop(path, None) is not None
                continue
            if self._problems:
                problems_changed |= self._problems.pop(path, None) is not None
            if path in self._muted:
                self._muted_posts[path] = result
                if old is not None:
                    removed.append(old)
                continue
            self._by_path[path] = result
            pending[path] = result
            (updated if old is not None else added).append(result)
        self._place(list(pending.values()))
        return self._changed(Change(tuple(added), tuple(updated), tuple(removed), problems_changed))

    def remove(self, paths: Iterable[str | os.PathLike[str]]) -> Change:
        """Forget files that are gone from the folder (or a whole folder that is gone)."""
        removed: list[Post] = []
        problems_changed = False
        for path in (os.fspath(path) for path in paths):
            for known in self._paths_at_or_below(path, self._by_path):
                post = self._drop(known)
                if post is not None:
                    removed.append(post)
            for known in self._paths_at_or_below(path, self._problems):
                del self._problems[known]
                problems_changed = True
            for known in self._paths_at_or_below(path, self._muted_posts) if self._muted_posts else ():
                del self._muted_posts[known]
        return self._changed(Change(removed=tuple(removed), problems_changed=problems_changed))

    def _paths_at_or_below(self, path: str, known: Mapping[str, object]) -> list[str]:
        """The known paths that are `path` itself or inside it, as a folder.

        A removed file is found by one lookup. A path that is no known file is looked for among the
        folders that hold files (a few hundred at most) before the files themselves (100,000 of them):
        the watcher also reports files the library never held (deleted before they were read), and a
        scan of every post for each of those froze the screen for seconds at the end of a big load.
        """
        if path in known:
            return [path]
        prefix = os.path.join(path, "")
        if self._folders is None:
            known_paths = chain(self._by_path, self._problems, self._muted_posts)
            self._folders = {each.rpartition(os.sep)[0] for each in known_paths}
        if not any(folder == path or folder.startswith(prefix) for folder in self._folders):
            return []
        found = [candidate for candidate in known if candidate.startswith(prefix)]
        if not found and known is self._problems:
            self._folders = None  # a folder that emptied: find the folders again next time
        return found

    def _changed(self, change: Change) -> Change:
        if not change.empty:
            self._views.clear()
        return change

    def _place(self, posts: list[Post]) -> None:
        """Put posts (already in `_by_path`) in newest-first order and count their categories."""
        if not posts:
            return
        self._category_counts.update(chain.from_iterable(post.categories for post in posts))
        if len(posts) < BULK_FROM:
            for post in posts:
                index = bisect.bisect_right(self._posts, post.sort_key, key=_sort_key)
                self._posts.insert(index, post)
            return
        new = sorted(posts, key=_sort_key)
        # Only what sorts after the first new post can move: a cold read (newest files first) adds
        # batches at or near the end, so the merge touches a short tail, not the whole list.
        start = bisect.bisect_right(self._posts, new[0].sort_key, key=_sort_key)
        # A stable sort keeps a new post after an old one with an equal key, as insertion would.
        tail = self._posts[start:]
        tail.extend(new)
        tail.sort(key=_sort_key)
        self._posts[start:] = tail

    def _drop(self, path: str) -> Post | None:
        post = self._by_path.pop(path, None)
        if post is None:
            return None
        index = bisect.bisect_left(self._posts, post.sort_key, key=_sort_key)
        while index < len(self._posts) and self._posts[index].path != path:
            index += 1
        if index < len(self._posts):
            del self._posts[index]
        self._category_counts.subtract(post.categories)
        for category in post.categories:
            if self._category_counts[category] <= 0:
                del self._category_counts[category]
        return post


_sort_key = attrgetter("sort_key")
