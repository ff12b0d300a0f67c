"""The library: every post of a folder in newest-first order, its categories and its problems."""

from __future__ import annotations

import bisect
import os
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from tui.posts import Post, Problem, find_post_files, read_post

ALL = "All"
"""The name of the view that holds every post."""


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


@dataclass
class Library:
    """Posts and problems of one folder, kept sorted; updated one file at a time as the folder changes.

    Unpublished posts (`published: false`) are kept out unless `include_unpublished` is set.
    """

    root: Path
    include_unpublished: bool = False
    _by_path: dict[Path, Post] = field(default_factory=dict)
    _ordered: list[tuple[tuple[float, str], Post]] = field(default_factory=list)
    _problems: dict[Path, Problem] = field(default_factory=dict)
    _category_counts: Counter[str] = field(default_factory=Counter)
    _views: dict[str, list[Post]] = field(default_factory=dict)

    @classmethod
    def load(cls, root: Path, include_unpublished: bool = False) -> Library:
        """Read every post below root, in this thread."""
        library = cls(root, include_unpublished)
        library.apply(read_post(path, root) for path in find_post_files(root))
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
        return len(self._ordered)

    def get(self, path: Path) -> Post | None:
        return self._by_path.get(path)

    def categories(self) -> list[tuple[str, int]]:
        """Every category with its number of posts, by name (case-insensitive)."""
        return sorted(self._category_counts.items(), key=lambda item: item[0].casefold())

    def view(self, category: str = ALL) -> Sequence[Post]:
        """The posts of a category (or of All), newest first. Cached until the library changes."""
        cached = self._views.get(category)
        if cached is None:
            if category == ALL:
                cached = [post for _key, post in self._ordered]
            else:
                cached = [post for _key, post in self._ordered if category in post.categories]
            self._views[category] = cached
        return cached

    # Changing -----------------------------------------------------------------------------

    def apply(self, results: Iterable[Post | Problem]) -> Change:
        """Put freshly read files in the library, replacing what their paths held before."""
        added: list[Post] = []
        updated: list[Post] = []
        removed: list[Post] = []
        problems_changed = False
        for result in results:
            old = self._drop(result.path)
            if isinstance(result, Problem) or (not result.published and not self.include_unpublished):
                if old is not None:
                    removed.append(old)
                if isinstance(result, Problem):
                    problems_changed |= self._problems.get(result.path) != result
                    self._problems[result.path] = result
                    continue
                problems_changed |= self._problems.pop(result.path, None) is not None
                continue
            problems_changed |= self._problems.pop(result.path, None) is not None
            self._insert(result)
            (updated if old is not None else added).append(result)
        return self._changed(Change(tuple(added), tuple(updated), tuple(removed), problems_changed))

    def remove(self, paths: Iterable[Path]) -> Change:
        """Forget files that are gone from the folder (or a whole folder that is gone)."""
        removed: list[Post] = []
        problems_changed = False
        for path in paths:
            for known in self._paths_at_or_below(path, self._by_path):
                post = self._drop(known)
                if post is not None:
                    removed.append(post)
            for known in self._paths_at_or_below(path, self._problems):
                del self._problems[known]
                problems_changed = True
        return self._changed(Change(removed=tuple(removed), problems_changed=problems_changed))

    @staticmethod
    def _paths_at_or_below(path: Path, known: dict[Path, object]) -> list[Path]:
        """The known paths that are `path` itself or inside it, as a folder.

        A removed file is found by one lookup; only a path that is not a known file costs a scan, since
        the watcher reports most removals one file at a time and a scan of 100,000 posts is slow.
        """
        if path in known:
            return [path]
        prefix = os.path.join(path, "")
        return [candidate for candidate in known if str(candidate).startswith(prefix)]

    def _changed(self, change: Change) -> Change:
        if not change.empty:
            self._views.clear()
        return change

    def _insert(self, post: Post) -> None:
        self._by_path[post.path] = post
        bisect.insort(self._ordered, (post.sort_key, post), key=lambda item: item[0])
        self._category_counts.update(post.categories)

    def _drop(self, path: Path) -> Post | None:
        post = self._by_path.pop(path, None)
        if post is None:
            return None
        sort_key = post.sort_key
        index = bisect.bisect_left(self._ordered, sort_key, key=lambda item: item[0])
        while index < len(self._ordered) and self._ordered[index][1].path != path:
            index += 1
        if index < len(self._ordered):
            del self._ordered[index]
        self._category_counts.subtract(post.categories)
        for category in post.categories:
            if self._category_counts[category] <= 0:
                del self._category_counts[category]
        return post
