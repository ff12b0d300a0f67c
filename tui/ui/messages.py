"""Messages that carry work done in threads back to the UI thread (the only way threads talk to it)."""

from __future__ import annotations

from dataclasses import dataclass

from textual.message import Message

from tui.core.article import Article
from tui.core.desktop import Outcome
from tui.core.loader import LoadBatch
from tui.core.post import Post
from tui.core.search import Order, SearchHit
from tui.core.sync_journal import SyncNews
from tui.core.updates import FolderUpdate


@dataclass
class PostsLoaded(Message):
    """A batch of freshly read files from the folder loader, to be applied to the library."""

    batch: LoadBatch
    checking: bool = False
    """The batch comes from a warm start: the index's posts are shown while the folder is checked."""


@dataclass
class IndexChanged(Message):
    """The post index met trouble mid-session (its notice changed), or was filled again after damage."""

    refilled: bool = False


@dataclass
class LoadFailed(Message):
    """Reading the folder stopped with an error; the reason is shown to the user."""

    reason: str


@dataclass
class ArticleLoaded(Message):
    """An article was read and converted in a thread. `request` tells stale results from current ones."""

    request: int
    article: Article
    keep_scroll: bool = False
    """The open article was read again (its file changed): keep the reader's place."""


@dataclass
class FolderChanged(Message):
    """Files below the folder changed while krant runs, read in the watcher's thread; applied in order."""

    update: FolderUpdate


@dataclass
class SearchFinished(Message):
    """A search ran in a thread; `request` tells the latest search from stale ones."""

    request: int
    query: str
    hits: tuple[SearchHit, ...]
    """Matching files in `order` by the index, then title-only matches of posts not indexed yet."""
    order: Order = Order.NEWEST
    snippets: bool = True
    """Whether the hits have snippets (a query with words) or are just posts (fields only)."""


@dataclass
class BrowserDone(Message):
    """The browser was asked (in a thread) to open a web address; whether it did."""

    url: str
    outcome: Outcome


@dataclass
class ClipboardDone(Message):
    """The system's clipboard tool was asked (in a thread) to copy a text; whether it did."""

    text: str
    outcome: Outcome


@dataclass
class CommandChecked(Message):
    """Whether a command's `when` query finds the post it was asked for (checked in a thread)."""

    number: int
    post: Post
    applies: bool


@dataclass
class CommandDone(Message):
    """One of the user's commands ran in the background (in a thread) and ended; how."""

    name: str
    outcome: Outcome


@dataclass
class PipeReady(Message):
    """The article's text was made (in a thread) for the command `|` sends it to."""

    argv: list[str]
    text: str | None
    """None: the post could not be read (`reason` says why)."""
    reason: str = ""


@dataclass
class ResumeNotSaved(Message):
    """Where the reader left off could not be written (said once, until it can be again)."""

    notice: str


@dataclass
class MarksSynced(Message):
    """The sync journal's thread applied other machines' marks or stars to the store, or has a notice."""

    news: SyncNews
