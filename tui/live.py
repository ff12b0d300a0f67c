"""Live updates: krant follows its folder while it runs.

The `FolderWatcher` calls back from its own thread. There the changed files are read and the results are
posted to the app as `FolderChanged` messages; nothing in that thread touches a widget. On the UI thread,
`LiveUpdates.received` holds the messages until the first full read of the folder is done (a load batch
that read a file before it changed must not come after the watcher's news of it), then applies them in
order: the library changes, the screen redraws keeping the selection (following a renamed post), the open
article is read again or marked removed, and posts that arrived are marked new and announced in one
coalesced notice.
"""

from __future__ import annotations

import os
import threading
from collections import Counter
from collections.abc import Iterable, Iterator
from contextlib import closing
from pathlib import Path
from typing import TYPE_CHECKING

from textual.timer import Timer

from tui.index import PostIndex, search_text
from tui.library import Change
from tui.loader import load_batches
from tui.messages import FolderChanged
from tui.posts import Post, PostText, Problem, read_post, read_post_text

if TYPE_CHECKING:
    from tui.app import KrantApp
    from tui.watch import FolderChanges, FolderWatcher

CHUNK = 500
"""Files read per message: a burst of thousands shows up in steps and never holds the UI for long."""
SETTLE = 0.03
"""Seconds of quiet before the watcher reports a batch. Files are reported when closed, so a short wait
still turns a burst into few batches (the watcher reports at most every `tui.watch.MAX_DELAY` seconds while
events keep coming) and a single new post shows sooner than with the watcher's default."""
NOTICE_DELAY = 1.5
"""Seconds over which arrivals are gathered into one notice ("3 new posts in buitenland")."""


def arrival_notice(counts: Counter[str]) -> str:
    """One line for posts that arrived, by category: `3 new posts in buitenland`."""
    total = sum(counts.values())
    noun = "new post" if total == 1 else "new posts"
    if len(counts) == 1:
        (category,) = counts
        return f"{total} {noun} in {category}"
    if len(counts) <= 3:
        parts = ", ".join(
            f"{count} in {category}"
            for category, count in sorted(counts.items(), key=lambda item: (-item[1], item[0].casefold()))
        )
        return f"{total} {noun}: {parts}"
    return f"{total} {noun} in {len(counts)} categories"


def renamed(change: Change) -> dict[str, Post]:
    """Posts that left one path and arrived at another in the same change (a rename or move), by old path.

    Read state and the new mark are keyed by `Post.key`, which a rename keeps; the path is all that moves.
    """
    arrived = {post.key: post for post in change.added if post.key}
    return {old.path: arrived[old.key] for old in change.removed if old.key in arrived}


class LiveUpdates:
    """Runs the folder watcher for the app and applies what it reports; see the module docstring.

    "New" means: a post whose identity (`Post.key`) krant had not seen in this folder since it started.
    A post stops being new when it is opened or the cursor moves onto it (`seen`).
    """

    def __init__(self, app: KrantApp, *, poll: bool, index: PostIndex | None = None) -> None:
        """Set up, without starting.

        Args:
            app: the app whose library and screen are kept up to date.
            poll: poll the folder instead of watching it natively.
            index: the search index, if the app keeps one: live changes are written to it as well, in the
                watcher's thread (the same way the loader writes what it reads).
        """
        self._app = app
        self._root = app.folder
        self._poll = poll
        self._index = index
        self.notice_delay = NOTICE_DELAY
        """Seconds over which arrivals are gathered into one notice."""
        self.folder_gone = False
        """The folder is gone; krant shows an empty library and waits for it to come back."""
        self._lock = threading.Lock()
        self._watcher: FolderWatcher | None = None
        self._stopped = False
        self._held: list[FolderChanged] | None = []
        self._known: set[str] = set()
        self._new: set[str] = set()
        self._arrivals: Counter[str] = Counter()
        self._notice_timer: Timer | None = None

    # The watcher's side (threads) ----------------------------------------------------------

    @property
    def mode(self) -> str | None:
        """How the folder is watched ("native" or "polling"), or None before the watcher started."""
        return self._watcher.mode if self._watcher is not None else None

    def start(self) -> None:
        """Start the watcher; call before the first read of the folder (from its thread) so nothing is missed.

        A notice from the watcher (it had to fall back to polling) reaches the user as a message.
        """
        with self._lock:
            if self._stopped or self._watcher is not None:
                return
            from tui.watch import FolderWatcher  # watchdog loads here, in the loader's thread, not at start

            self._watcher = FolderWatcher(self._root, self._on_changes, poll=self._poll, settle=SETTLE)
            notice = self._watcher.start()
        if notice:
            self._app.post_message(FolderChanged(notice=notice))

    def stop(self) -> None:
        """Stop the watcher and wait for its threads; nothing is posted after this returns."""
        with self._lock:
            self._stopped = True
            watcher = self._watcher
        if watcher is not None:
            watcher.stop()

    def _on_changes(self, changes: FolderChanges) -> None:
        """In the watcher's thread: read what changed and post it to the app, a chunk at a time."""
        if changes.rescan:
            self._read_everything(changes.notice)
            return
        removed = frozenset(map(os.fspath, changes.removed))  # as `Post.path` holds them
        if self._index is not None and removed:
            self._index.remove(removed)
        paths = sorted(changes.changed)
        chunks = [paths[start : start + CHUNK] for start in range(0, len(paths), CHUNK)] or [[]]
        for number, chunk in enumerate(chunks):
            if self._stopped:
                return
            first = number == 0
            self._app.post_message(
                FolderChanged(
                    self._read(chunk),
                    removed if first else frozenset(),
                    root_missing=changes.root_missing and first,
                    notice=changes.notice if first else None,
                )
            )

    def _read(self, paths: Iterable[Path]) -> tuple[Post | Problem, ...]:
        """Read files (stopping early when krant quits); store them in the search index when there is one."""
        if self._index is None:
            return tuple(read_post(path, self._root) for path in paths if not self._stopped)
        entries: list[tuple[Post | Problem, str | None]] = []
        for path in paths:
            if self._stopped:
                break
            result = read_post_text(path, self._root)
            if isinstance(result, PostText):
                entries.append((result.post, search_text(result.post, result.body)))
            else:
                entries.append((result, None))
        self._index.update_texts(entries)
        return tuple(result for result, _text in entries)

    def _read_everything(self, notice: str | None) -> None:
        """The folder came back, or events were lost: read all of it again, as the first load does."""
        present: set[str] = set()
        batches: Iterator = load_batches(self._root, index=self._index)
        with closing(batches):
            for batch in batches:
                if self._stopped:
                    return
                present.update(result.path for result in batch.results)
                present.difference_update(batch.removed)
                self._app.post_message(FolderChanged(batch.results, frozenset(batch.removed)))
        self._app.post_message(FolderChanged(present=frozenset(present), notice=notice))

    # The UI's side -------------------------------------------------------------------------

    def received(self, message: FolderChanged) -> None:
        """A batch from the watcher: held while the first read runs, else applied now."""
        if self._held is not None:
            self._held.append(message)
        else:
            self._apply(message)

    def load_finished(self) -> None:
        """The first read of the folder is done: everything shown so far is known, and held batches apply."""
        if self._held is None:
            return
        self._known.update(post.key for post in self._app.library.posts)
        held, self._held = self._held, None
        for message in held:
            self._apply(message)

    def is_new(self, post: Post) -> bool:
        """Whether a post arrived while krant runs and has not been seen yet (the list marks it)."""
        return bool(self._new) and post.key in self._new

    def seen(self, post: Post) -> None:
        """The post was opened, or the cursor moved onto it: it is no longer new."""
        if post.key not in self._new:
            return
        self._new.discard(post.key)
        articles = self._app.main.article_list
        index = articles.index_of(post)
        if index is not None:
            articles.refresh_line(index)

    def _apply(self, message: FolderChanged) -> None:
        app = self._app
        library = app.library
        if message.notice:
            app.notify(message.notice, severity="warning", markup=False, timeout=10)
        articles = app.main.article_list
        selected = articles.selected_post
        screen_row = articles.cursor - articles.scroll_offset.y
        gone = set(message.removed)
        if message.present is not None:
            gone.update(post.path for post in library.posts if post.path not in message.present)
            gone.update(problem.path for problem in library.problems if problem.path not in message.present)
        was_gone = self.folder_gone
        if message.root_missing:
            self.folder_gone = True
        elif message.results or message.present is not None:
            self.folder_gone = False
        change = _merged(library.remove(gone), library.apply(message.results))
        if change.empty and was_gone == self.folder_gone:
            return
        app.main.folder_missing = self.folder_gone
        app.library_changed(change)
        if self.folder_gone and not was_gone:
            app.notify(
                f"The folder {self._root} is gone; krant is waiting for it to come back.",
                severity="warning",
                markup=False,
                timeout=10,
            )
        moves = renamed(change)
        follow = self._moved(selected, change, moves) if selected is not None else None
        if follow is not None:
            index = articles.index_of(follow)
            if index is not None:
                articles.rows_changed(cursor=index, top=index - screen_row)
        self._update_article(change, moves)
        self._note_arrivals(change)

    def _update_article(self, change: Change, moves: dict[str, Post]) -> None:
        """Read the open article again when its file changed or moved; say so when it is gone."""
        app = self._app
        view = app.article_view
        post = view.post
        if post is None:
            return
        moved = self._moved(post, change, moves)
        if moved is not None:
            app.reread_article(moved)
            return
        now = app.library.get(post.path)
        if now is not None:
            if any(changed.path == post.path for changed in (*change.updated, *change.added)):
                app.reread_article(now)
            return
        if any(removed.path == post.path for removed in change.removed):
            problem = any(problem.path == post.path for problem in app.library.problems)
            view.add_note(
                "This article's file can no longer be read (see Problems); this is how it was."
                if problem
                else "This article was removed from the folder; this is how it was."
            )

    def _moved(self, post: Post, change: Change, moves: dict[str, Post]) -> Post | None:
        """Where a post went if its path is gone but a post with its identity is there.

        Usually both halves of a rename come in one change; a move into a folder the watcher had yet to
        see can report the new path a batch before the old one goes, so the library is asked too.
        """
        library = self._app.library
        if post.path in moves:
            return moves[post.path]
        if not post.key or not any(removed.path == post.path for removed in change.removed):
            return None
        if library.get(post.path) is not None:
            return None
        return next((other for other in library.posts if other.key == post.key), None)

    def _note_arrivals(self, change: Change) -> None:
        """Mark posts never seen before as new, and gather them for the notice."""
        for post in change.updated:
            self._known.add(post.key)
        for post in change.added:
            if post.key in self._known:
                continue
            self._known.add(post.key)
            self._new.add(post.key)
            self._arrivals[post.categories[0] if post.categories else ""] += 1
        if self._arrivals and self._notice_timer is None:
            self._notice_timer = self._app.set_timer(self.notice_delay, self._announce)

    def _announce(self) -> None:
        self._notice_timer = None
        counts, self._arrivals = self._arrivals, Counter()
        if counts:
            self._app.notify(arrival_notice(counts), markup=False)


def _merged(removal: Change, application: Change) -> Change:
    """One change out of a removal followed by an application, so renames can be matched across them."""
    return Change(
        added=application.added,
        updated=application.updated,
        removed=removal.removed + application.removed,
        problems_changed=removal.problems_changed or application.problems_changed,
    )
