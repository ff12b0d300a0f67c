"""The library: every post of a folder in newest-first order, its categories and its problems.

Posts with the same story link (`tui.core.story`) are one story: the library lists it once, as its newest
copy (its row), under every category any copy has; `copies` gives all of them. Files stay files: `get`,
`paths`, `all_posts` and every `Change` are about each post, copies included."""

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
from tui.core.story import story_link

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


@dataclass(frozen=True, slots=True)
class Story:
    """The posts of a story that has several (its newest first: the one listed), and its categories."""

    posts: tuple[Post, ...]
    categories: tuple[str, ...]
    """Every category of its posts, once each, the newest post's first."""


_Token = str | tuple[str]
"""A story in one change: its story link, or a post that is a story of its own by `(path,)`."""
_Before = tuple[Post | None, tuple[str, ...]]
"""A story's row and categories as they were before a change (no row: it had no posts)."""
_NOTHING: _Before = (None, ())


@dataclass
class Library:
    """Posts and problems of one folder, kept sorted; updated one file at a time as the folder changes.

    Unpublished posts (`published: false`) and drafts are kept out unless `include_unpublished` is set.
    """

    root: Path
    include_unpublished: bool = False
    _by_path: dict[str, Post] = field(default_factory=dict)
    """Every post, copies of a story too; keyed by `Post.path` (text); `get` and `remove` also take Paths."""
    _posts: list[Post] = field(default_factory=list)
    """Every story's row (its newest post), by `sort_key` ascending (newest first). Keys are not kept: they
    cost 8 MB at 100,000 posts, and a bisection makes only ~17 of them."""
    _stories: dict[str, Post | list[Post]] = field(default_factory=dict)
    """Posts by story link: the post, or the posts newest first when a story has several."""
    _copies: dict[str, Story] = field(default_factory=dict)
    """The story of each post that shares it with others, by path (a post alone is not here)."""
    _problems: dict[str, Problem] = field(default_factory=dict)
    _category_counts: Counter[str] = field(default_factory=Counter)
    """Stories per category."""
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
        """Every story's row (its newest post), newest first."""
        return self.view(ALL)

    @property
    def problems(self) -> list[Problem]:
        """Files that could not be read, by path."""
        return sorted(self._problems.values(), key=lambda problem: problem.relpath)

    def __len__(self) -> int:
        """The number of stories (each listed once, however many posts it has)."""
        return len(self._posts)

    def paths(self) -> Iterable[str]:
        """The path of every file the library holds: its posts (muted ones too) and its problems."""
        return chain(self._by_path, self._problems, self._muted_posts)

    def all_posts(self) -> Iterable[Post]:
        """Every post, each copy of a story too, in no particular order."""
        return self._by_path.values()

    def get(self, path: str | os.PathLike[str]) -> Post | None:
        return self._by_path.get(os.fspath(path))

    @property
    def muted_count(self) -> int:
        """How many posts hide rules keep out (without sorting them, for the sidebar's every redraw)."""
        return len(self._muted_posts)

    def muted_posts(self) -> list[Post]:
        """The posts a hide rule keeps out (see `mute`), newest first."""
        return sorted(self._muted_posts.values(), key=_sort_key)

    def mute(self, paths: Iterable[str]) -> Change:
        """Keep these posts out of every view, story and count (a hide rule found them); muted ones not
        among them come back. Posts that arrive later under a muted path stay out too."""
        muted = set(paths)
        if muted == self._muted:
            return Change()
        returning = [post for path, post in self._muted_posts.items() if path not in muted]
        self._muted = muted
        touched: dict[_Token, _Before] = {}
        removed = []
        for path in muted:
            post = self._drop(path, touched) if path in self._by_path else None
            if post is not None:
                self._muted_posts[path] = post
                removed.append(post)
        for post in returning:
            del self._muted_posts[post.path]
            self._file(post, touched)
        self._settle(touched)
        return self._changed(Change(added=tuple(returning), removed=tuple(removed)))

    def copies(self, post: Post) -> tuple[Post, ...]:
        """Every post of the story `post` is in, newest (its row) first; just `post` when it is alone."""
        story = self._copies.get(post.path)
        return story.posts if story is not None else (post,)

    def categories_of(self, post: Post) -> tuple[str, ...]:
        """Every category of the story `post` is in, once each: those of its newest post first."""
        story = self._copies.get(post.path)
        return story.categories if story is not None else post.categories

    def row_of(self, path: str | os.PathLike[str]) -> Post | None:
        """The post listed for the story of the file at `path` (its newest copy), or None."""
        post = self._by_path.get(os.fspath(path))
        if post is None:
            return None
        story = self._copies.get(post.path)
        return story.posts[0] if story is not None else post

    def categories(self) -> list[tuple[str, int]]:
        """Every category with its number of stories, by name (case-insensitive)."""
        return sorted(self._category_counts.items(), key=lambda item: item[0].casefold())

    def view(self, category: str = ALL) -> Sequence[Post]:
        """The stories of a category (or of All) by their rows, newest first. Cached until the library
        changes."""
        cached = self._views.get(category)
        if cached is None:
            if category == ALL:
                cached = self._posts.copy()
            else:
                # Rows of stories that have the category only through another copy, found apart: a
                # story's categories looked up for every row made this three times slower.
                also = {
                    path
                    for path, story in self._copies.items()
                    if path == story.posts[0].path
                    and category in story.categories
                    and category not in story.posts[0].categories
                }
                cached = [post for post in self._posts if category in post.categories]
                for path in also:
                    bisect.insort_right(cached, self._by_path[path], key=_sort_key)
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
        # The rows are put right once at the end, for every story the batch touched (one sort for a big
        # batch); a path seen twice in one batch replaces what it held earlier in the batch.
        touched: dict[_Token, _Before] = {}
        for result in results:
            path = result.path
            old = self._drop(path, touched)
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
            self._file(result, touched)
            (updated if old is not None else added).append(result)
        self._settle(touched)
        return self._changed(Change(tuple(added), tuple(updated), tuple(removed), problems_changed))

    def remove(self, paths: Iterable[str | os.PathLike[str]]) -> Change:
        """Forget files that are gone from the folder (or a whole folder that is gone)."""
        removed: list[Post] = []
        problems_changed = False
        touched: dict[_Token, _Before] = {}
        for path in (os.fspath(path) for path in paths):
            for known in self._paths_at_or_below(path, self._by_path):
                post = self._drop(known, touched)
                if post is not None:
                    removed.append(post)
            for known in self._paths_at_or_below(path, self._problems):
                del self._problems[known]
                problems_changed = True
            for known in self._paths_at_or_below(path, self._muted_posts) if self._muted_posts else ():
                del self._muted_posts[known]
        self._settle(touched)
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

    # Stories ------------------------------------------------------------------------------
    # A change first files and drops posts (`_file`, `_drop`), noting for each story it touches the row
    # and categories it had before (`_before`, once per change); `_settle` then puts the rows and the
    # category counts right. A cold start files 100,000 posts this way: each step is kept to a few lookups.

    def _before(self, known: Post | list[Post] | None) -> _Before:
        """A story's row and categories, from its posts as `_stories` holds them."""
        if known is None:
            return _NOTHING
        if known.__class__ is Post:
            return known, known.categories  # type: ignore[union-attr]
        row = known[0]  # type: ignore[index]
        return row, self._copies[row.path].categories

    def _file(self, post: Post, touched: dict[_Token, _Before]) -> None:
        """Put a post (whose path holds none now) in the library and in its story."""
        path = post.path
        self._by_path[path] = post
        link = story_link(post.link)
        if link is None:
            token = (path,)
            if token not in touched:
                touched[token] = _NOTHING
            return
        stories = self._stories
        known = stories.get(link)
        if link not in touched:
            touched[link] = self._before(known)
        if known is None:
            stories[link] = post
        elif known.__class__ is Post:
            stories[link] = sorted((known, post), key=_sort_key)  # type: ignore[list-item]
        else:
            bisect.insort_right(known, post, key=_sort_key)  # type: ignore[arg-type]

    def _drop(self, path: str, touched: dict[_Token, _Before]) -> Post | None:
        """Take the post at `path` out of the library and out of its story; the post, if there was one."""
        post = self._by_path.pop(path, None)
        if post is None:
            return None
        link = story_link(post.link)
        if link is None:
            token = (path,)
            if token not in touched:
                touched[token] = (post, post.categories)
            return post
        known = self._stories[link]
        if link not in touched:
            touched[link] = self._before(known)
        self._copies.pop(path, None)
        if known.__class__ is Post:
            del self._stories[link]
        else:
            known.remove(post)  # type: ignore[union-attr]
            if len(known) == 1:  # type: ignore[arg-type]
                self._stories[link] = known[0]  # type: ignore[index]
        return post

    def _settle(self, touched: dict[_Token, _Before]) -> None:
        """Put right the rows and category counts of the stories a change touched."""
        if not touched:
            return
        going: list[Post] = []
        coming: list[Post] = []
        uncounted: list[str] = []
        counted: list[str] = []
        by_path, stories, copies = self._by_path, self._stories, self._copies
        for token, (row, categories) in touched.items():
            now: Post | None
            if token.__class__ is tuple:  # a post of its own: what its path holds now, if that has no story
                now = by_path.get(token[0])
                if now is not None and story_link(now.link) is not None:
                    now = None
            else:
                known = stories.get(token)  # type: ignore[arg-type]
                if known is None or known.__class__ is Post:
                    now = known  # type: ignore[assignment]
                    if copies and now is not None:
                        copies.pop(now.path, None)  # a story left with one post: alone again
                else:
                    now = self._settle_story(known)  # type: ignore[arg-type]
            if now is None:
                now_categories: tuple[str, ...] = ()
            else:
                story = copies.get(now.path) if copies else None
                now_categories = now.categories if story is None else story.categories
            if now is not row:
                if row is not None:
                    going.append(row)
                if now is not None:
                    coming.append(now)
            if categories != now_categories:
                uncounted.extend(categories)
                counted.extend(now_categories)
        self._unplace(going)
        self._place(coming)
        self._category_counts.update(counted)
        if uncounted:
            counts = self._category_counts
            counts.subtract(uncounted)
            for category in set(uncounted):
                if counts[category] <= 0:
                    del counts[category]

    def _settle_story(self, posts: list[Post]) -> Post:
        """Keep `_copies` for each post of a story with several; its row."""
        categories = tuple(dict.fromkeys(chain.from_iterable(each.categories for each in posts)))
        story = Story(tuple(posts), categories)
        for each in posts:
            self._copies[each.path] = story
        return posts[0]

    def _place(self, posts: list[Post]) -> None:
        """Put rows in newest-first order."""
        if not posts:
            return
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

    def _unplace(self, posts: list[Post]) -> None:
        """Take rows out of the newest-first order (each found by bisection; many at once by one pass)."""
        if len(posts) >= BULK_FROM:
            going = {id(post) for post in posts}
            self._posts = [post for post in self._posts if id(post) not in going]
            return
        for post in posts:
            index = bisect.bisect_left(self._posts, post.sort_key, key=_sort_key)
            while index < len(self._posts) and self._posts[index] is not post:
                index += 1
            if index < len(self._posts):
                del self._posts[index]


_sort_key = attrgetter("sort_key")
