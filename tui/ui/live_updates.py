"""Live updates in the app: what `FolderUpdates` read while krant runs, applied to the library and the list.

Updates wait until the first read of the folder is done (a load batch that read a file before it changed
must not come after the watcher's news of it); then each goes through the app's one way of changing the
library, the list (drawn once for all the updates applied together) keeps its selection (following a
renamed post) on the same screen row, and what the updates mean for the rest of the screen comes back as
`Applied`: posts that arrived, the folder gone or
back, and the open article to read again or to mark removed.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from tui.core.arrivals import NewPosts, moved_to
from tui.core.library import Change, Library
from tui.core.post import Post, Problem
from tui.core.updates import FolderUpdate
from tui.ui.screens.main import MainScreen

ChangeLibrary = Callable[[Iterable[Post | Problem], Iterable[str]], Change]
"""The app's one way of changing the library: results to put in, paths to remove; the change made.
It counts the change (unread counts) but does not draw it."""
ShowChange = Callable[[Change], None]
"""Draw what a change (or several, joined) did to the library: sidebar, list, header."""


@dataclass(frozen=True, slots=True)
class Applied:
    """Updates applied: what changed, and what the rest of the screen should show of it."""

    change: Change
    notices: tuple[str, ...] = ()
    """Messages from the watcher for the user (plain text)."""
    folder_gone: bool | None = None
    """The folder just went (True) or came back (False); None when that did not change."""
    arrivals: Counter[str] = field(default_factory=Counter)
    """Posts never seen before, by first category, for the arrivals notice."""
    reread: Post | None = None
    """The open article's file changed or moved here: read it again from this post."""
    article_note: str | None = None
    """The open article's file is gone or unreadable: say so above it, keeping the text."""


class LiveUpdates:
    """Applies folder updates to the library (through `change_library`) and to the list of `pane`."""

    def __init__(
        self, library: Library, change_library: ChangeLibrary, show_change: ShowChange, pane: MainScreen
    ) -> None:
        self._library = library
        self._change_library = change_library
        self._show_change = show_change
        self._pane = pane
        self.new_posts = NewPosts()
        """Posts that arrived while krant runs and are not seen yet; the list marks them."""
        self._held: list[FolderUpdate] | None = []

    def received(self, update: FolderUpdate, open_post: Post | None) -> Applied | None:
        """An update from the watcher: held while the first read runs (nothing applied), else applied now."""
        if self._held is not None:
            self._held.append(update)
            return None
        return self._apply([update], open_post)

    def load_finished(self, open_post: Post | None) -> Applied | None:
        """The first read of the folder is done: what it found is not new, and held updates apply, all
        drawn once (a big folder changing while it loads holds dozens of them)."""
        if self._held is None:
            return None
        self.new_posts.known(self._library.all_posts())
        held, self._held = self._held, None
        return self._apply(held, open_post) if held else None

    def _apply(self, updates: list[FolderUpdate], open_post: Post | None) -> Applied:
        library, pane = self._library, self._pane
        selected, screen_row = pane.selection()
        was_gone = now_gone = pane.content.folder_gone
        changes: list[Change] = []
        arrivals: Counter[str] = Counter()
        for update in updates:
            gone = update.gone_from(library.paths()) if update.present is not None else set(update.removed)
            if update.root_missing:
                now_gone = True
            elif update.results or update.present is not None:
                now_gone = False
            change = self._change_library(update.results, gone)
            arrivals += self.new_posts.note(change)  # in order: a post that arrived, then changed, is new
            changes.append(change)
        change = Change.joined(changes)
        if now_gone != was_gone:
            pane.show_folder_gone(now_gone)
        self._show_change(change)
        if selected is not None:
            follow = moved_to(selected, change, library)
            row = library.row_of(selected.path)
            if follow is None and row is not None and row.path != selected.path:
                follow = row  # a newer copy of its story came: the story's row is where the cursor was
            if follow is not None:
                pane.select(follow, screen_row)
        reread, note = self._article_after(open_post, change)
        return Applied(
            change,
            notices=tuple(update.notice for update in updates if update.notice),
            folder_gone=now_gone if now_gone != was_gone else None,
            arrivals=arrivals,
            reread=reread,
            article_note=note,
        )

    def _article_after(self, post: Post | None, change: Change) -> tuple[Post | None, str | None]:
        """The open article after a change: the post to read it again from, or a note that it is gone."""
        if post is None:
            return None, None
        library = self._library
        moved = moved_to(post, change, library)
        if moved is not None:
            return moved, None
        now = library.get(post.path)
        if now is not None:
            changed = any(each.path == post.path for each in (*change.updated, *change.added))
            return (now if changed else None), None
        if not any(removed.path == post.path for removed in change.removed):
            return None, None
        if any(problem.path == post.path for problem in library.problems):
            return None, "This article's file can no longer be read (see Problems); this is how it was."
        return None, "This article was removed from the folder; this is how it was."
