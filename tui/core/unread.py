"""Unread stories per category, kept up to date as posts and read marks change, and finding the next one.

`UnreadCounts` joins the library with the read state. Its counts change only by the posts and keys that
changed, so asking for them (every redraw of the sidebar) costs nothing at 100,000 posts. Every mark goes
through it, so the counts can never drift from the store; marks made by another window arrive through
`refresh`, and whatever a store call pulled in on the way is found by comparing the read keys before and
after (set operations in C, not a walk over the posts).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from itertools import chain

from tui.core.library import Change, Library
from tui.core.post import Post
from tui.core.read_marks import ReadMarks

RECOUNT_SHARE = 0.2
"""When more than this share of the stories' keys changed mark at once, every story is counted afresh
(measured at 100,000 posts: a fresh count takes some 20 ms, counting story by story as long at ~20%)."""


class UnreadCounts:
    """How many stories are unread in each category and in all, and the marks behind them.

    A story (posts with the same story link, `Library.copies`) is counted once, in every category it
    has, and is read when any of its posts is: marks stay keyed by each post's own `Post.key`, so a mark
    made on one copy before copies were one story still counts. Marking a story marks every copy's key.

    Call `library_changed` with every change the library reports; mark posts only through `mark`,
    `toggle`, `restore` and `refresh`.
    """

    def __init__(self, state: ReadMarks) -> None:
        self.state = state
        """The read-state store; read it freely, but change marks through this object."""
        self._rows: dict[str, Post] = {}
        """The counted stories by their row's path: the row, as it was when counted."""
        self._stories: dict[str, _Counted] = {}
        """How a story with several posts was counted, by the path of each of its posts (a post alone is
        not here): one lookup tells a row drawn whether it is read."""
        self._rows_by_key: dict[str, str | list[str]] = {}
        """The rows whose read state a key decides: one path, or a list when stories share a key."""
        self._in_stories: Counter[str] = Counter()
        """The keys of stories with several posts (how many such stories each is in): the only keys that
        bring others along when marked."""
        self._unread: Counter[str] = Counter()
        self._unread_all = 0
        self._read_keys = state.read_keys()
        self._starred_keys = state.starred_keys()
        self._starred_posts: list[Post] | None = None
        """The starred stories of the library (by their rows), newest first; None until asked for after a
        change."""
        self._starred_posts_of: frozenset[str] | None = None
        """The stars `_starred_posts` was found for."""

    # Reading ------------------------------------------------------------------------------

    @property
    def total(self) -> int:
        """Unread stories in the whole library."""
        return self._unread_all

    def in_category(self, category: str) -> int:
        """Unread stories in one category."""
        return self._unread[category]

    def is_unread(self, post: Post) -> bool:
        """Whether no post of its story has been read (asked for every row drawn, and by `n` of each)."""
        is_read = self.state.is_read
        if self._stories:
            story = self._stories.get(post.path)
            if story is not None:
                return not any(is_read(key) for key in story.keys)
        return not is_read(post.key)

    def is_starred(self, post: Post) -> bool:
        """Whether any post of its story is starred."""
        is_starred = self.state.is_starred
        if self._stories:
            story = self._stories.get(post.path)
            if story is not None:
                return any(is_starred(key) for key in story.keys)
        return is_starred(post.key)

    def post_with_key(self, key: str) -> Post | None:
        """The row of a story with this key (the first of those sharing it), or None."""
        rows = self._rows_of(key)
        return self._rows[rows[0]] if rows else None

    def starred_posts(self) -> list[Post]:
        """The starred stories, newest first (found by key: a walk over the stars, not the posts)."""
        # Not through `_sync`: what changed since the last `refresh` is still to be told by it.
        starred = self.state.starred_keys()
        if self._starred_posts is None or self._starred_posts_of is not starred:
            paths = dict.fromkeys(path for key in starred for path in self._rows_of(key))
            posts = [self._rows[path] for path in paths]
            posts.sort(key=lambda post: post.sort_key)
            self._starred_posts, self._starred_posts_of = posts, starred
        return self._starred_posts

    # Posts --------------------------------------------------------------------------------

    def library_changed(self, library: Library, change: Change) -> None:
        """Count the stories a library change touched, as the library holds them now."""
        self._starred_posts = None
        changed: list[Post] = []
        if not change.removed and not change.updated:
            rows, copies = self._rows, library.copies
            fresh: list[Post] = []
            for post in change.added:
                alone = post.path not in rows and len(copies(post)) == 1
                (fresh if alone else changed).append(post)
            self._add_new(fresh)
        else:
            changed = [*change.removed, *change.added, *change.updated]
        if not changed:
            return
        again: set[str] = set()
        for path in {post.path for post in changed}:
            again.update(self._forget_story_of(path))
            row = library.row_of(path)
            if row is not None:
                for each in library.copies(row):
                    again.update(self._forget_story_of(each.path))
                again.add(row.path)
        for path in again:
            row = library.row_of(path)
            if row is not None and row.path not in self._rows:
                self._add(row, library)

    def _add(self, row: Post, library: Library) -> None:
        """Count a story by its row (none of its posts counted now)."""
        copies = library.copies(row)
        self._rows[row.path] = row
        if len(copies) == 1:
            keys, categories = (row.key,), row.categories
        else:
            keys = tuple(dict.fromkeys(each.key for each in copies))
            categories = library.categories_of(row)
            counted = _Counted(row.path, keys, categories, tuple(each.path for each in copies[1:]))
            for each in copies:
                self._stories[each.path] = counted
            self._in_stories.update(keys)
        for key in keys:
            self._remember_row(key, row.path)
        if self._read_keys.isdisjoint(keys):
            self._count(categories, 1)

    def _remember_row(self, key: str, path: str) -> None:
        known = self._rows_by_key.get(key)
        if known is None:
            self._rows_by_key[key] = path
        elif isinstance(known, list):
            known.append(path)
        else:
            self._rows_by_key[key] = [known, path]

    def _rows_of(self, key: str) -> list[str]:
        known = self._rows_by_key.get(key)
        if known is None:
            return []
        return known if isinstance(known, list) else [known]

    def _add_new(self, posts: Iterable[Post]) -> None:
        """`_add` for posts alone in their story and not counted yet, counted together (a cold start adds
        100,000 of them)."""
        self._starred_posts = None
        known, by_key, read = self._rows, self._rows_by_key, self._read_keys
        unread: list[str] = []
        for post in posts:
            path, key = post.path, post.key
            known[path] = post
            if key in by_key:
                self._remember_row(key, path)
            else:
                by_key[key] = path
            if key not in read:
                unread.extend(post.categories)
                self._unread_all += 1
        self._unread.update(unread)

    def _forget_story_of(self, path: str) -> tuple[str, ...]:
        """Uncount the story a post was counted in (as its row or a copy); the paths it was counted for."""
        story = self._stories.get(path)
        row_path = story.row if story is not None else path
        row = self._rows.pop(row_path, None)
        if row is None:
            return ()
        if story is None:
            keys, categories, paths = (row.key,), row.categories, (row_path,)
        else:
            keys, categories, paths = story.keys, story.categories, (row_path, *story.copies)
            for each in paths:
                del self._stories[each]
            self._in_stories.subtract(keys)
            for key in keys:
                if not self._in_stories[key]:
                    del self._in_stories[key]
        for key in keys:
            rows = self._rows_of(key)
            rows.remove(row_path)
            if len(rows) > 1:
                self._rows_by_key[key] = rows
            elif rows:
                self._rows_by_key[key] = rows[0]
            else:
                del self._rows_by_key[key]
        if self._read_keys.isdisjoint(keys):
            self._count(categories, -1)
        return paths

    def _count(self, categories: tuple[str, ...], step: int) -> None:
        self._unread_all += step
        for category in categories:
            self._unread[category] += step
            if not self._unread[category]:
                del self._unread[category]

    # Marks --------------------------------------------------------------------------------

    def mark(self, keys: Iterable[str], read: bool = True) -> dict[str, bool]:
        """Mark posts read or unread, each with every copy of its story; returns the previous marks, for
        `restore`."""
        before = self.state.mark(self._with_copies(keys), read)
        self._sync()
        return before

    def toggle(self, key: str) -> bool:
        """Flip one post's story between read and unread; returns whether it is read now."""
        keys = self._with_copies([key])
        if len(keys) == 1:
            read = self.state.toggle(key)
        else:
            read = not any(self.state.is_read(each) for each in keys)
            self.state.mark(keys, read)
        self._sync()
        return read

    def restore(self, marks: Mapping[str, bool]) -> None:
        """Put back exactly the marks `mark` returned."""
        self.state.restore(marks)
        self._sync()

    def toggle_star(self, key: str) -> bool:
        """Star or unstar one post's story (every copy's key); returns whether it is starred now."""
        keys = self._with_copies([key])
        starred = not any(self.state.is_starred(each) for each in keys)
        self.state.star(keys, starred)
        self._sync()
        return starred

    def refresh(self) -> bool:
        """Pick up marks and stars made by another window; True when any count, mark or star here changed."""
        self.state.refresh()
        return self._sync()

    def _with_copies(self, keys: Iterable[str]) -> list[str]:
        """The keys, and the keys of every other post in their stories."""
        every = dict.fromkeys(keys)
        copies: list[str] = []
        for key in every.keys() & self._in_stories.keys():  # a set operation, for `A` on 100,000 keys
            for row in self._rows_of(key):
                story = self._stories.get(row)
                if story is not None:
                    copies.extend(story.keys)
        every.update(dict.fromkeys(copies))
        return list(every)

    def _sync(self) -> bool:
        """Recount the stories whose keys changed mark since the last look; whether any key or star did."""
        starred = self.state.starred_keys()
        stars_changed = starred is not self._starred_keys
        if stars_changed:
            self._starred_keys = starred
        return self._sync_read() or stars_changed

    def _sync_read(self) -> bool:
        now = self.state.read_keys()
        if now is self._read_keys:
            return False
        before, self._read_keys = self._read_keys, now
        changed = now ^ before
        if len(changed) > len(self._rows) * RECOUNT_SHARE:
            self._recount()
        else:
            self._recount_rows(changed, before)
        return bool(changed)

    def _recount_rows(self, changed: Iterable[str], before: frozenset[str]) -> None:
        """Count again the stories whose keys changed mark (and whose read state did with them)."""
        now, stories, rows, rows_of = self._read_keys, self._stories, self._rows, self._rows_by_key.get
        paths: set[str] = set()
        for key in changed:
            known = rows_of(key)
            if known is None:
                continue
            if isinstance(known, list):
                paths.update(known)
            else:
                paths.add(known)
        read: list[tuple[str, ...]] = []
        unread: list[tuple[str, ...]] = []
        for path in paths:
            story = stories.get(path) if stories else None
            if story is None:
                row = rows[path]
                (read if row.key in now else unread).append(row.categories)
                continue
            is_read = not now.isdisjoint(story.keys)
            if is_read != (not before.isdisjoint(story.keys)):
                (read if is_read else unread).append(story.categories)
        self._unread_all += len(unread) - len(read)
        counts = self._unread
        counts.update(chain.from_iterable(unread))
        if read:
            counts.subtract(chain.from_iterable(read))
            for category in set(chain.from_iterable(read)):
                if counts[category] <= 0:
                    del counts[category]

    def _recount(self) -> None:
        """Count every story afresh: cheaper than story by story when most of them changed (`A` on All)."""
        read, stories = self._read_keys, self._stories
        unread: list[tuple[str, ...]] = []
        if not stories:
            unread = [row.categories for row in self._rows.values() if row.key not in read]
        else:
            for path, row in self._rows.items():
                story = stories.get(path)
                if story is None:
                    if row.key not in read:
                        unread.append(row.categories)
                elif read.isdisjoint(story.keys):
                    unread.append(story.categories)
        self._unread = Counter(chain.from_iterable(unread))
        self._unread_all = len(unread)


@dataclass(frozen=True, slots=True)
class _Counted:
    """How a story with several posts was counted: its row's path, the keys that decide it, its
    categories, its other posts' paths."""

    row: str
    keys: tuple[str, ...]
    categories: tuple[str, ...]
    copies: tuple[str, ...]


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
