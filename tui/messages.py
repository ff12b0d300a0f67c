"""Messages that carry work done in threads back to the UI thread (the only way threads talk to it)."""

from __future__ import annotations

from dataclasses import dataclass

from textual.message import Message

from tui.loader import LoadBatch
from tui.posts import Post
from tui.render import RenderedBody


class PostsLoaded(Message):
    """A batch of freshly read files from the folder loader, to be applied to the library."""

    def __init__(self, batch: LoadBatch) -> None:
        super().__init__()
        self.batch = batch


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


class ArticleLoaded(Message):
    """An article was read and converted in a thread. `request` tells stale results from current ones."""

    def __init__(self, request: int, article: Article) -> None:
        super().__init__()
        self.request = request
        self.article = article
