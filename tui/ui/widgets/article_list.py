"""The list of articles: one row per post (date, category, title), newest first, at any length."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from typing import ClassVar

from rich.cells import cell_len, set_cell_size
from rich.segment import Segment
from rich.style import Style

from tui.core.date_format import DateNames, list_date, sortable_date
from tui.core.post import Post
from tui.ui.widgets.cursor_list import CursorList

DRAFT_MARK = "draft · "
"""Before the title of a draft (shown with `--all` only)."""
NEW_MARKER = "✚"
"""Marks a post that arrived while krant runs, until it is seen (unread posts have "●")."""
SNIPPET_LEAST = 16
"""Cells a search match in context keeps at least (and a third of the row); its title gets the rest."""
TITLE_LEAST = 12
UNREAD_MARKER = "●"
STAR_MARKER = "★"
"""Marks a starred post (saved for later), beside its unread or new marker."""
MARKER_WIDTH = 3
"""Cells of the marker column: new or unread, the star, a space."""
CATEGORY_COLUMNS: tuple[tuple[int, int], ...] = ((90, 12), (60, 10), (40, 8), (0, 0))
"""(narrowest list width, category width): narrower lists give the title the room."""


def fit(text: str, cells: int) -> str:
    """Text cut (with an ellipsis) or padded to exactly `cells` terminal cells."""
    if cells <= 0:
        return ""
    if cell_len(text) > cells:
        return set_cell_size(text, cells - 1) + "…"
    return set_cell_size(text, cells)


class ArticleList(CursorList):
    """Rows of posts built from plain text segments; the cursor follows a post, not a row number.

    Any `Sequence[Post]` can be shown (a category's view, later search results), with an optional
    snippet per row.
    """

    COMPONENT_CLASSES: ClassVar[set[str]] = CursorList.COMPONENT_CLASSES | {
        "article-list--date",
        "article-list--category",
        "article-list--snippet",
        "article-list--match",
        "article-list--highlight",
    }

    DEFAULT_CSS = """
    ArticleList {
        & > .article-list--date { color: $text-muted; }
        & > .article-list--category { color: $text-secondary; }
        & > .article-list--snippet { color: $text-muted; }
        & > .article-list--match { color: $text-accent; text-style: bold; }
        & > .article-list--highlight { color: $text-accent; }
    }
    """

    def __init__(
        self,
        clock: Callable[[], datetime],
        *,
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self._clock = clock
        """What "today" is for the date column (`14:03` today, `Tue 14:03` this week)."""
        self._posts: Sequence[Post] = ()
        self._snippets: Sequence[str] | None = None
        self._title_column = 0
        self._highlights: Sequence[Sequence[tuple[int, int]]] | None = None
        self._by_date = True
        self.is_unread: Callable[[Post], bool] | None = None
        """Set by read state: unread rows get a marker and bold text. None: no marker column content."""
        self.is_new: Callable[[Post], bool] | None = None
        """Set by live updates: posts that arrived while krant runs get the new marker until seen."""
        self.columns: tuple[str, ...] = ("date", "category", "title")
        """The columns after the marker, in order (the settings' `columns`)."""
        self.date_style = "relative"
        """`relative` (`14:03`, `Tue 14:03`, `15 May`) or `iso` (`2019-05-15 22:01`)."""
        self.categories_of: Callable[[Post], tuple[str, ...]] | None = None
        """Set by the library: a row's categories are those of its story (`Library.categories_of`)."""
        self.is_starred: Callable[[Post], bool] | None = None
        """Set by read state: starred posts get the star marker."""
        self.is_highlighted: Callable[[Post], bool] | None = None
        """Set by highlight rules: the titles of the posts they find stand out in a colour of the theme."""

    @property
    def posts(self) -> Sequence[Post]:
        return self._posts

    @property
    def row_count(self) -> int:
        return len(self._posts)

    @property
    def selected_post(self) -> Post | None:
        return self._posts[self.cursor] if 0 <= self.cursor < len(self._posts) else None

    def refresh_post(self, post: Post) -> None:
        """Draw again the row showing `post` (its read mark changed): the cursor's as a rule, else all."""
        if self.selected_post == post:
            self.refresh_line(self.cursor)
        else:
            self.refresh()

    def set_posts(
        self,
        posts: Sequence[Post],
        *,
        snippets: Sequence[str] | None = None,
        highlights: Sequence[Sequence[tuple[int, int]]] | None = None,
        by_date: bool = True,
        keep_selection: bool = True,
        empty_message: str | None = None,
    ) -> None:
        """Show other posts (or the same, changed). With `keep_selection`, the selected post stays selected
        and on the same screen row, so rows added above or below do not make the view jump.

        Args:
            posts: The rows, in display order.
            snippets: An extra text per row (such as a search match), or None.
            highlights: Per row, (start, end) character offsets in its snippet to emphasise.
            by_date: The posts are in `Post.sort_key` order, so a post can be found by bisection.
            keep_selection: Follow the selected post; otherwise start again at the top.
            empty_message: What to say when there are no posts.
        """
        if empty_message is not None:
            self.empty_message = empty_message
        previous = self.selected_post
        screen_row = self.cursor - self.scroll_offset.y
        old, plain = self._posts, self._snippets is None and snippets is None
        self._posts, self._snippets, self._by_date = posts, snippets, by_date
        self._highlights = highlights
        # Snippets start in one column, after the longest title (a search shows a couple hundred rows).
        self._title_column = max((cell_len(post.title) for post in posts), default=0) if snippets else 0

        def same(row: int) -> bool:
            """The row shows the same post (the same object: a post read again is a new one) as before."""
            if row >= len(posts) or row >= len(old):
                return row >= len(posts) and row >= len(old)
            return posts[row] is old[row]

        if not keep_selection or previous is None:
            self.rows_changed(cursor=0, top=0 if not keep_selection else None, same=same if plain else None)
            return
        index = self.index_of(previous)
        if index is None:
            self.rows_changed(same=same if plain else None)
        else:
            self.rows_changed(cursor=index, top=index - screen_row, same=same if plain else None)

    def index_of(self, post: Post) -> int | None:
        """Where a post (by path) is in the list, or None."""
        posts = self._posts
        if self._by_date:
            low, high, wanted = 0, len(posts), post.sort_key
            while low < high:
                middle = (low + high) // 2
                if posts[middle].sort_key < wanted:
                    low = middle + 1
                else:
                    high = middle
            for index in range(low, min(low + 64, len(posts))):
                if posts[index].path == post.path:
                    return index
        return self._scan(post.path)

    def _scan(self, path: str) -> int | None:
        for index, candidate in enumerate(self._posts):
            if candidate.path == path:
                return index
        return None

    def _marker(self, post: Post, unread: bool) -> str:
        """The marker column, three cells wide: new (arrived while krant runs, not yet seen) or unread,
        then the star."""
        if self.is_new is not None and self.is_new(post):
            first = NEW_MARKER
        else:
            first = UNREAD_MARKER if unread else " "
        starred = self.is_starred is not None and self.is_starred(post)
        return first + (STAR_MARKER if starred else " ") + " "

    def render_row(self, index: int, width: int, style: Style) -> list[Segment]:
        post = self._posts[index]
        unread = self.is_unread is not None and self.is_unread(post)
        if unread:
            style += Style(bold=True)
        date_style = self.component_style("article-list--date", style)
        if index != self.cursor and self.is_highlighted is not None and self.is_highlighted(post):
            style = self.component_style("article-list--highlight", style)
        # On the cursor's row in the cursor's colour: `$text-secondary` is a blue, as the cursor often is.
        category_style = style
        if index != self.cursor:
            category_style = self.component_style("article-list--category", style)
        category_width = next(cells for least, cells in CATEGORY_COLUMNS if width >= least)
        if self.date_style == "iso":
            date_text = sortable_date(post.date)
        else:
            date_text = list_date(post.date, self._clock(), DateNames.from_locale())
        others = {"date": [Segment(date_text, date_style)]}
        if category_width:  # a list narrower than 40 columns gives the title the category's room
            names = self.categories_of(post) if self.categories_of is not None else post.categories
            categories = fit(", ".join(names), category_width)
            others["category"] = [Segment(categories, category_style)]
        shown = [column for column in self.columns if column == "title" or column in others]
        room = width - MARKER_WIDTH - 2 * (len(shown) - 1)
        room -= sum(segment.cell_length for column in shown for segment in others.get(column, ()))
        title = self._title_segments(post, index, room, style, date_style)
        if shown[-1] != "title":  # the columns after it stay aligned
            title.append(Segment(" " * max(0, room - sum(segment.cell_length for segment in title)), style))
        segments = [Segment(self._marker(post, unread), style)]
        for number, column in enumerate(shown):
            if number:
                segments.append(Segment("  ", style))
            segments += title if column == "title" else others[column]
        return segments

    def set_columns(self, columns: Sequence[str], date_style: str) -> None:
        """Show these columns in this order (of `date`, `category`, `title`), dates in this style."""
        self.columns = tuple(columns)
        self.date_style = date_style
        self.refresh()

    def _title_segments(
        self, post: Post, index: int, room: int, style: Style, date_style: Style
    ) -> list[Segment]:
        """The title column in `room` cells: a draft's mark, the title, and a search hit's snippet."""
        segments = []
        if post.draft:
            segments.append(Segment(DRAFT_MARK, date_style))
            room -= len(DRAFT_MARK)
        snippet = self._snippets[index] if self._snippets is not None and index < len(self._snippets) else ""
        if snippet:
            # The title gets what the match in context leaves: the snippet keeps a third of the row at least.
            snippet_room = max(SNIPPET_LEAST, room // 3)
            title_room = min(self._title_column, max(TITLE_LEAST, room - snippet_room - 2))
            segments.append(Segment(fit(post.title, title_room), style))
            spans = self._highlights[index] if self._highlights is not None else ()
            segments.append(Segment("  ", style))
            segments += self._snippet_segments(snippet, spans, room - title_room - 2, style)
            return segments
        title = post.title if cell_len(post.title) <= room else fit(post.title, room)
        segments.append(Segment(title, style))
        return segments

    def _snippet_segments(
        self, snippet: str, spans: Sequence[tuple[int, int]], room: int, style: Style
    ) -> list[Segment]:
        """The snippet for `room` cells, matches emphasised; cut at the front if the first would not show."""
        if room <= 0:
            return []
        start = 0
        # The first match shows whole, with room for the `…` after it when the text goes on.
        word_end = snippet.find(" ", spans[0][1]) if spans else -1
        if spans and cell_len(snippet[: word_end if word_end >= 0 else len(snippet)]) > room - 1:
            start = max(0, spans[0][0] - room // 4)
            space = snippet.find(" ", start, spans[0][0])  # begin with a whole word
            start = space + 1 if space >= 0 else start
        plain = self.component_style("article-list--snippet", style)
        match = self.component_style("article-list--match", style)
        segments = [Segment("…", plain)] if start else []
        position = start
        for begin, end in spans:
            if end <= position:
                continue
            begin = max(begin, position)
            segments += [Segment(snippet[position:begin], plain), Segment(snippet[begin:end], match)]
            position = end
        segments.append(Segment(snippet[position:], plain))
        return _cut_at_word(segments, room)


def _cut_at_word(segments: list[Segment], room: int) -> list[Segment]:
    """The segments within `room` cells, ending at a whole word and `…` when the text goes on."""
    if sum(segment.cell_length for segment in segments) <= room:
        return segments
    text = "".join(segment.text for segment in segments)
    cut = set_cell_size(text, room - 1)
    space = cut.rfind(" ")
    if space > len(cut) // 2:  # a word cut in its middle goes; a very long one is cut where it must be
        cut = cut[:space]
    kept, left = [], len(cut)
    for segment in segments:
        if left <= 0:
            break
        kept.append(Segment(segment.text[:left], segment.style))
        left -= len(segment.text)
    kept.append(Segment("…", segments[0].style))
    return kept
