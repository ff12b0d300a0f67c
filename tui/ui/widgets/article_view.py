"""The article pane: title, a line of facts (date, age, categories, files of a story, link, image), then the
body."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from itertools import chain

from rich.console import Group
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.message import Message
from textual.widget import Widget
from textual.widgets import Static

from tui.core.article import Article
from tui.core.date_format import full_date
from tui.core.document import Document
from tui.core.post import Post
from tui.core.sanitize import clean_line
from tui.ui.widgets.article_body import ArticleBody


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


class ArticleView(VerticalScroll):
    """Shows one article. It never reads files: it is given an `Article` that was read in a thread."""

    DEFAULT_CSS = """
    ArticleView {
        padding: 0 1;
        & > #article-title { text-style: bold; color: $text-primary; margin: 1 0 0 0; }
        & > #article-facts { color: $text-muted; margin: 0 0 1 0; }
        & > #article-description { text-style: italic; margin: 0 0 1 0; }
        & > #article-notes { color: $text-warning; }
        & > #article-placeholder { color: $text-muted; text-style: italic; margin: 1 0; }
    }
    """

    BINDINGS = [
        Binding("j", "scroll_down", "Scroll down", show=False, id="article.down"),
        Binding("k", "scroll_up", "Scroll up", show=False, id="article.up"),
        Binding("space", "page_down", "Page down", show=False, id="article.page-down"),
        Binding("g", "scroll_home", "Top", show=False, id="article.top"),
        Binding("G", "scroll_end", "End", show=False, id="article.end"),
    ]

    class EndReached(Message):
        """Space was pressed with the end of the article already in view: time for the next one."""

    def __init__(
        self,
        clock: Callable[[], datetime],
        *,
        placeholder: str = "Choose an article and press Enter to read it.",
        copies_of: Callable[[Post], Sequence[Post]] | None = None,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(id=id, classes=classes)
        self.add_class("-empty")
        self._clock = clock
        self._placeholder = placeholder
        self._copies_of = copies_of
        """Every post of a post's story (`Library.copies`): the header lists their categories and files."""
        self.post: Post | None = None
        """The post shown (or being read), if any."""
        self._notes: list[str] = []
        self.loaded = False
        """Whether the post's body is shown (not still being read)."""
        self._focus_from: Widget | None = self
        """The widget that had the focus when an article was opened to take it; `self` when none was."""
        self._wanted_line: int | None = None
        """A line to scroll to once the article is laid out that far (`scroll_to_line`)."""

    def compose(self) -> ComposeResult:
        yield Static(Text(self._placeholder), id="article-placeholder")
        yield Static(id="article-title")
        yield Static(id="article-facts")
        yield Static(id="article-description")
        yield Static(id="article-notes")
        yield ArticleBody(id="article-body")

    def on_mount(self) -> None:
        self._show_parts(False)

    def _show_parts(self, visible: bool) -> None:
        self.query_one("#article-placeholder").display = not visible
        for selector in ("#article-title", "#article-facts", "#article-notes", "#article-body"):
            self.query_one(selector).display = visible
        description = self.query_one("#article-description", Static)
        description.display = visible and self.post is not None and bool(self.post.description)

    def clear(self) -> None:
        """Back to the placeholder (no article)."""
        self._focus_from = self
        self.post = None
        self.loaded = False
        self._wanted_line = None
        self._show_parts(False)
        self.add_class("-empty")

    def show_reading(self, post: Post, *, focus: bool = False) -> None:
        """Note the post being read; nothing is drawn until its article (or `show_reading_notice`).

        A typical body arrives from its thread within a few tens of milliseconds: drawing the header first
        (or moving the focus, which restyles the screen) would draw the screen twice, and the article later.
        With `focus`, the article takes the focus when it is shown, unless the user has moved it meanwhile.
        """
        self.post = post
        self.loaded = False
        self._wanted_line = None
        self._focus_from = self.app.focused if focus else self
        self.remove_class("-empty")

    def _take_focus(self) -> None:
        if self._focus_from is not self and self.app.focused is self._focus_from:
            self.focus()
        self._focus_from = self

    def show_reading_notice(self) -> None:
        """The body is slow to come: show the header and "Reading…" meanwhile."""
        post = self.post
        if post is None or self.loaded:
            return
        self._take_focus()
        self._show_header(post)
        self._notes = ["Reading…"]
        self.query_one("#article-notes", Static).update(Text("Reading…"))
        self.query_one("#article-body", ArticleBody).update(Document())
        self.scroll_home(animate=False, immediate=True)
        self._show_parts(True)

    @property
    def document(self) -> Document:
        """The body shown (empty while none is)."""
        return self.query_one("#article-body", ArticleBody).document

    def show_article(self, article: Article, *, keep_scroll: bool = False) -> None:
        """Show a read article: header, any notes about what was left out, and the body.

        With `keep_scroll` (the open article's file changed), the reader stays where they were.
        """
        self._take_focus()
        self.post = article.post
        self.loaded = True
        self._show_parts(True)
        self._show_header(article.post)
        notes: list[str] = []
        document = article.document
        if article.error is not None:
            notes.append(f"This article could not be read: {article.error}")
        if article.readable is not None:
            notes.extend(article.readable.notes)
            if document.cut:
                notes.append(f"The article is long; showing the first {len(document.source):,} characters.")
            if not document.source.strip() and article.error is None:
                notes.append("This article has no text.")
        self._notes = notes
        notes_widget = self.query_one("#article-notes", Static)
        notes_widget.update(Text("\n".join(notes)))
        notes_widget.display = bool(notes)
        self.query_one("#article-body", ArticleBody).update(document)
        if keep_scroll:
            where = self.scroll_y
            self.call_after_refresh(self.scroll_to, y=where, animate=False, immediate=True)
        else:
            self.scroll_home(animate=False, immediate=True)

    def scroll_to_line(self, line: int) -> None:
        """Scroll the article shown to a line, now or once it is laid out that far (the rest of a long
        article is laid out in a thread): where the reader left it."""
        self._wanted_line = line
        self.call_after_refresh(self._scroll_to_wanted)

    def watch_virtual_size(self) -> None:
        self._scroll_to_wanted()

    def _scroll_to_wanted(self) -> None:
        wanted = self._wanted_line
        if wanted is None or self.max_scroll_y < wanted:
            return
        self.scroll_to(y=wanted, animate=False, immediate=True)
        if self.scroll_y >= wanted:  # else its scrollbar is yet to come: tried again when it does
            self._wanted_line = None

    def add_note(self, note: str) -> None:
        """Add a line to the notes above the body (the file was removed, say), keeping the article."""
        self._notes = [*self._notes, note]
        notes_widget = self.query_one("#article-notes", Static)
        notes_widget.update(Text("\n".join(self._notes)))
        notes_widget.display = True

    def _show_header(self, post: Post) -> None:
        self.query_one("#article-title", Static).update(Text(post.title))
        facts = Text(f"{full_date(post.date)} ({describe_age(post.date, self._clock())})")
        if post.draft:
            facts.append(" · draft")
        if post.authors:
            facts.append("\nBy " + ", ".join(post.authors))
        copies = self._copies_of(post) if self._copies_of is not None else (post,)
        categories = tuple(dict.fromkeys(chain.from_iterable(each.categories for each in copies)))
        facts.append("\n" + ("Categories: " if len(categories) > 1 else "Category: "))
        facts.append(", ".join(categories))
        if len(copies) > 1:  # one story in several files: where each copy is
            facts.append("\nFiles: " + ", ".join(clean_line(each.relpath) for each in copies))
        if post.tags and post.tags != post.categories:
            facts.append("\n" + ("Tags: " if len(post.tags) > 1 else "Tag: ") + ", ".join(post.tags))
        # An address is never wrapped (a lone `6` on a line of its own): a long one ends in `…` at the
        # pane's width, at every width; `o`, `y` and `L` use the whole address.
        addresses = [
            Text(f"{label}: {address}", no_wrap=True, overflow="ellipsis")
            for label, address in (("Link", post.link), ("Image", post.image))
            if address
        ]
        self.query_one("#article-facts", Static).update(Group(facts, *addresses))
        description = self.query_one("#article-description", Static)
        description.update(Text(post.description or ""))
        description.display = bool(post.description)

    def action_page_down(self) -> None:
        if self.is_vertical_scroll_end:
            if self.loaded:
                self.post_message(self.EndReached())
            return
        self.scroll_page_down(animate=False)
