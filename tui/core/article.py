"""An opened post: read from its file, its body made readable and parsed for the reader, off the screen."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from tui.core.body_text import ReadableText, readable_text
from tui.core.document import Document, parse_document
from tui.core.post import Post, PostText, Problem
from tui.core.reading import read_post_text, site_of


@dataclass(frozen=True, slots=True)
class Article:
    """An opened post: its metadata as read now, and its body as readable text (or why it can't be)."""

    post: Post
    readable: ReadableText | None
    error: str | None = None
    document: Document = field(init=False)
    """The body parsed for the reader, when the Article is made: in the thread that read it."""

    def __post_init__(self) -> None:
        text = self.readable.text if self.readable is not None else ""
        object.__setattr__(self, "document", parse_document(text))


def read_article(post: Post, root: Path) -> Article:
    """Read a post's file again and make its article; a file that cannot be read gives the reason."""
    result = read_post_text(post.path, root)
    if isinstance(result, Problem):
        return Article(post, None, result.reason)
    return Article(result.post, readable_post(result))


def readable_post(result: PostText) -> ReadableText:
    """A post's body as readable text, its site's templates resolved (`{{ site.url }}`, `{{ page.title }}`,
    links to other posts) against the site its file belongs to, when there is one."""
    post = result.post
    page = {
        "title": post.title,
        "date": post.date,
        "categories": list(post.categories),
        "tags": list(post.tags),
        "author": ", ".join(post.authors),
        "authors": list(post.authors),
        "description": post.description or "",
        "url": post.link or "",
        "image": post.image or "",
    }
    site = site_of(Path(post.path).parent)
    return readable_text(result.body, is_html=post.is_html, site=site, fields=page)
