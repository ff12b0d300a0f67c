"""The article pane: title, a line of facts (date, age, categories, link, image), then the body."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.message import Message
from textual.widgets import Markdown, Static

from tui.messages import Article
from tui.posts import Post
from tui.render import is_safe_link

MAX_MARKDOWN_CHARS = 60_000
"""Textual's Markdown widget builds widgets on the UI thread; longer bodies are cut here to stay quick."""

DATE_FORMAT = "%a %d %b %Y %H:%M"


def describe_age(moment: datetime, now: datetime) -> str:
    """How long ago a moment was, in words: `3 hours ago`, `2 years ago`."""
    seconds = (now - moment).total_seconds()
    if seconds < -60:
        return "in the future"
    for size, unit in ((365 * 86400, "year"), (30 * 86400, "month"), (86400, "day"), (3600, "hour")):
        if seconds >= size:
            count = int(seconds // size)
            return f"{count} {unit}{'s' if count != 1 else ''} ago"
    if seconds >= 60:
        count = int(seconds // 60)
        return f"{count} minute{'s' if count != 1 else ''} ago"
    return "just now"


MAX_MARKDOWN_BLOCKS = 250
"""Each paragraph, list item, table row and cell becomes widgets (milliseconds each, worse than linear
for lists): 60,000 characters of `* x` lines or table cells froze the UI for half a minute. Cut after this
many."""


def bounded_markdown(
    text: str, limit: int = MAX_MARKDOWN_CHARS, blocks: int = MAX_MARKDOWN_BLOCKS
) -> tuple[str, bool]:
    """The text cut at a paragraph break before `limit` characters or at the line of the block that
    goes past `blocks` (as the Markdown widget's parser sees them), and whether it was cut."""
    cut = len(text) > limit
    if cut:
        end = text.rfind("\n\n", 0, limit)
        text = text[: end if end > limit // 2 else limit]
    from markdown_it import MarkdownIt  # imported when the first post opens, not at every start

    opened = 0
    for token in MarkdownIt("gfm-like").parse(text):
        if token.nesting == 1:
            opened += 1
            if opened > blocks and token.map:
                return "".join(text.splitlines(keepends=True)[: token.map[0]]).rstrip(), True
    return text, cut


class ArticleView(VerticalScroll):
    """Shows one article. It never reads files: it is given an `Article` that was read in a thread."""

    DEFAULT_CSS = """
    ArticleView {
        padding: 0 1;
        & > #article-title { text-style: bold; color: $text-primary; margin: 1 0 0 0; }
        & > #article-facts { color: $text-muted; margin: 0 0 1 0; }
        & > #article-notes { color: $text-warning; }
        & > #article-placeholder { color: $text-muted; text-style: italic; margin: 1 0; }
        & > Markdown { padding: 0; margin: 0; }
    }
    """

    BINDINGS = [
        Binding("j", "scroll_down", "Scroll down", show=False, id="article.down"),
        Binding("k", "scroll_up", "Scroll up", show=False, id="article.up"),
        Binding("space", "page_down", "Page down", show=False, id="article.page-down"),
        Binding("n", "app.next_article", "Next unread", id="article.next"),
        Binding("p", "app.previous_article", "Previous unread", id="article.previous"),
    ]

    class EndReached(Message):
        """Space was pressed with the end of the article already in view: time for the next one."""

    def __init__(
        self,
        clock: Callable[[], datetime],
        *,
        placeholder: str = "Choose an article and press Enter to read it.",
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(id=id, classes=classes)
        self._clock = clock
        self._placeholder = placeholder
        self.post: Post | None = None
        """The post shown (or being read), if any."""
        self._notes: list[str] = []
        self.loaded = False
        """Whether the post's body is shown (not still being read)."""

    def compose(self) -> ComposeResult:
        yield Static(Text(self._placeholder), id="article-placeholder")
        yield Static(id="article-title")
        yield Static(id="article-facts")
        yield Static(id="article-notes")
        yield Markdown(id="article-body", open_links=False)

    def on_mount(self) -> None:
        self._show_parts(False)

    def _show_parts(self, visible: bool) -> None:
        self.query_one("#article-placeholder").display = not visible
        for selector in ("#article-title", "#article-facts", "#article-notes", "#article-body"):
            self.query_one(selector).display = visible

    def clear(self) -> None:
        """Back to the placeholder (no article)."""
        self.post = None
        self.loaded = False
        self._show_parts(False)

    def show_reading(self, post: Post) -> None:
        """Show the post's header at once while its body is read in a thread."""
        self.post = post
        self.loaded = False
        self._show_header(post)
        self._notes = ["Reading…"]
        self.query_one("#article-notes", Static).update(Text("Reading…"))
        self.query_one("#article-body", Markdown).update("")
        self.scroll_home(animate=False, immediate=True)
        self._show_parts(True)

    def show_article(self, article: Article, *, keep_scroll: bool = False) -> None:
        """Show a read article: header, any notes about what was left out, and the body.

        With `keep_scroll` (the open article's file changed), the reader stays where they were.
        """
        self.post = article.post
        self.loaded = True
        self._show_header(article.post)
        notes: list[str] = []
        body = ""
        if article.error is not None:
            notes.append(f"This article could not be read: {article.error}")
        if article.rendered is not None:
            notes.extend(article.rendered.notes)
            body, cut = bounded_markdown(article.rendered.text)
            if cut:
                notes.append(f"The article is long; showing the first {len(body):,} characters.")
            if not body.strip() and article.error is None:
                notes.append("This article has no text.")
        self._notes = notes
        notes_widget = self.query_one("#article-notes", Static)
        notes_widget.update(Text("\n".join(notes)))
        notes_widget.display = bool(notes)
        updated = self.query_one("#article-body", Markdown).update(body)
        if not keep_scroll:
            self.scroll_home(animate=False, immediate=True)
            return
        where = self.scroll_y

        async def restore() -> None:
            await updated
            self.call_after_refresh(self.scroll_to, y=where, animate=False, immediate=True)

        self.call_later(restore)

    def add_note(self, note: str) -> None:
        """Add a line to the notes above the body (the file was removed, say), keeping the article."""
        self._notes = [*self._notes, note]
        notes_widget = self.query_one("#article-notes", Static)
        notes_widget.update(Text("\n".join(self._notes)))
        notes_widget.display = True

    def _show_header(self, post: Post) -> None:
        self.query_one("#article-title", Static).update(Text(post.title))
        local = post.date.astimezone()
        facts = Text(f"{local.strftime(DATE_FORMAT)} ({describe_age(post.date, self._clock())})")
        facts.append("\n" + ("Categories: " if len(post.categories) > 1 else "Category: "))
        facts.append(", ".join(post.categories))
        if post.link:
            facts.append("\nLink: " + post.link)
        if post.image:
            facts.append("\nImage: " + post.image)
        self.query_one("#article-facts", Static).update(facts)

    def action_page_down(self) -> None:
        if self.is_vertical_scroll_end:
            if self.loaded:
                self.post_message(self.EndReached())
            return
        self.scroll_page_down(animate=False)

    @on(Markdown.LinkClicked)
    def _open_link(self, event: Markdown.LinkClicked) -> None:
        event.stop()
        if is_safe_link(event.href):
            self.app.open_url(event.href)
        else:
            self.app.notify(
                "Not opened: only http and https links open from krant.", severity="warning", markup=False
            )
