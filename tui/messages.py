"""Messages that carry work done in threads back to the UI thread (the only way threads talk to it)."""

from __future__ import annotations

from dataclasses import dataclass, field

from textual.message import Message

from tui.document import Document, parse_document
from tui.loader import LoadBatch
from tui.posts import Post, Problem
from tui.render import RenderedBody
from tui.search import SearchHit


class PostsLoaded(Message):
    """A batch of freshly read files from the folder loader, to be applied to the library."""

    def __init__(self, batch: LoadBatch, *, checking: bool = False) -> None:
        super().__init__()
        self.batch = batch
        self.checking = checking
        """The batch comes from a warm start: the index's posts are shown while the folder is checked."""


class LoadFailed(Message):
    """Reading the folder stopped with an error; the reason is shown to the user."""

    def __init__(self, reason: str) -> None:
        super().__init__()
        self.reason = reason


@dataclass(frozen=True, slots=True)
class Article:
    """An opened post: its metadata as read now, and its body as readable text (or why it can't be)."""

    post: Post
    rendered: RenderedBody | None
    error: str | None = None
    document: Document = field(init=False)
    """The body parsed for the reader, when the Article is made: in the thread that read it."""

    def __post_init__(self) -> None:
        text = self.rendered.text if self.rendered is not None else ""
        object.__setattr__(self, "document", parse_document(text))


class ArticleLoaded(Message):
    """An article was read and converted in a thread. `request` tells stale results from current ones."""

    def __init__(self, request: int, article: Article, *, keep_scroll: bool = False) -> None:
        super().__init__()
        self.request = request
        self.article = article
        self.keep_scroll = keep_scroll
        """The open article was read again (its file changed): keep the reader's place."""


class FolderChanged(Message):
    """Files below the folder changed while krant runs, read in the watcher's thread; applied in order."""

    def __init__(
        self,
        results: tuple[Post | Problem, ...] = (),
        removed: frozenset[str] = frozenset(),
        *,
        root_missing: bool = False,
        present: frozenset[str] | None = None,
        notice: str | None = None,
    ) -> None:
        super().__init__()
        self.results = results
        """Files read again (new, changed, renamed or moved in), as posts or problems."""
        self.removed = removed
        """Files or folders that are gone; a folder stands for everything below it."""
        self.root_missing = root_missing
        """The folder itself is gone: everything goes, and krant waits for it to come back."""
        self.present = present
        """After the whole folder was read again: every file it holds; anything else in the library goes."""
        self.notice = notice
        """A one-line message for the user (plain text), such as the watcher falling back to polling."""


class SearchFinished(Message):
    """A search ran in a thread; `request` tells the latest search from stale ones."""

    def __init__(self, request: int, query: str, hits: tuple[SearchHit, ...]) -> None:
        super().__init__()
        self.request = request
        self.query = query
        self.hits = hits
        """Matching files, newest first by the index, then title-only matches of posts not indexed yet."""
