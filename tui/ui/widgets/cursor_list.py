"""A keyboard list with a cursor, drawn line by line (Line API) so it stays instant at any length."""

from __future__ import annotations

from collections.abc import Callable
from typing import ClassVar

from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.binding import Binding, BindingType
from textual.geometry import Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip

from tui.ui.textual_internals import QuietListInternals


class CursorList(QuietListInternals, ScrollView, can_focus=True):
    """Rows with one highlighted; only the rows on screen are ever drawn.

    Subclasses say how many rows there are (`row_count`) and draw one (`render_row`) from plain text
    segments; they never use markup, so untrusted text is shown as it is.
    """

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "cursor-list--cursor",
        "cursor-list--cursor-blurred",
        "cursor-list--empty",
    }

    # A class for the cursor with and one without the focus, rather than a `:focus` rule: see
    # QuietListInternals.
    DEFAULT_CSS = """
    CursorList {
        background: $surface;
        overflow-x: hidden;
        overflow-y: auto;
        & > .cursor-list--cursor {
            color: $block-cursor-foreground;
            background: $block-cursor-background;
            text-style: $block-cursor-text-style;
        }
        & > .cursor-list--cursor-blurred {
            color: $block-cursor-blurred-foreground;
            background: $block-cursor-blurred-background;
            text-style: $block-cursor-blurred-text-style;
        }
        & > .cursor-list--empty {
            color: $text-muted;
            text-style: italic;
        }
    }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("down,j", "cursor_down", "Down", show=False, id="list.down"),
        Binding("up,k", "cursor_up", "Up", show=False, id="list.up"),
        Binding("home,g", "first", "First", show=False, id="list.first"),
        Binding("end,G", "last", "Last", show=False, id="list.last"),
        Binding("pagedown", "page_down", "Page down", show=False, id="list.page-down"),
        Binding("pageup", "page_up", "Page up", show=False, id="list.page-up"),
        # Not in the footer: it would differ between the list and the article, and Textual rebuilds the
        # footer (tens of milliseconds) each time what it shows changes. The help screen lists it.
        Binding("enter,l", "select", "Open", show=False, id="list.select"),
    ]

    class _RowMessage(Message):
        """Something happened to one row of a list; `control` lets handlers filter by the list's id."""

        def __init__(self, cursor_list: CursorList, index: int) -> None:
            super().__init__()
            self.cursor_list = cursor_list
            self.index = index

        @property
        def control(self) -> CursorList:
            return self.cursor_list

    class Highlighted(_RowMessage):
        """The cursor moved to another row."""

    class Selected(_RowMessage):
        """The user chose the row under the cursor (Enter, `l`, or a click on it)."""

    empty_message: str = ""
    """Shown (dimmed) when there are no rows."""

    def __init__(self, *, name: str | None = None, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self.cursor = -1
        """The highlighted row, or -1 when there are no rows."""

    # For subclasses -------------------------------------------------------------------------

    @property
    def row_count(self) -> int:
        raise NotImplementedError

    def render_row(self, index: int, width: int, style: Style) -> list[Segment]:
        """The segments of one row, in the given base style (cursor styling is added by the caller)."""
        raise NotImplementedError

    # Drawing ---------------------------------------------------------------------------------

    @property
    def page_height(self) -> int:
        return max(1, self.scrollable_content_region.height)

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        base = self.base_style
        index = self.scroll_offset.y + y
        if self.row_count == 0:
            if y == 0 and self.empty_message:
                style = self.component_style("cursor-list--empty", base)
                return Strip([Segment(" " + self.empty_message, style)]).crop_extend(0, width, base)
            return Strip.blank(width, base)
        if index >= self.row_count:
            return Strip.blank(width, base)
        style = base
        if index == self.cursor:
            cursor = "cursor-list--cursor" if self.has_focus else "cursor-list--cursor-blurred"
            style = self.component_style(cursor, base)
        return Strip(self.render_row(index, width, style)).crop_extend(0, width, style)

    def rows_changed(
        self, cursor: int | None = None, top: int | None = None, *, same: Callable[[int], bool] | None = None
    ) -> None:
        """Call after the rows changed: resize, put the cursor (and optionally the top row) and redraw.

        `same(index)` may tell which rows are drawn as before: while cursor and scroll position stay, only
        the other rows on screen are redrawn (a load adds rows below the screen and changes sidebar counts
        about once a second; redrawing every row and blank line each time cost the loaders CPU).
        """
        old_cursor, old_top = self.cursor, self.scroll_offset.y
        count = self.row_count
        if self.virtual_size != (size := Size(0, count)):
            # Not through the reactive, which would also redraw every row: the layout updates the scrollbar.
            self.set_reactive(CursorList.virtual_size, size)
            self.refresh(repaint=False, layout=True)
        if count == 0:
            self.cursor = -1
        else:
            wanted = self.cursor if cursor is None else cursor
            self.cursor = min(max(wanted, 0), count - 1)
        if top is not None:
            self.scroll_to(y=max(0, min(top, self.max_scroll_y)), animate=False, immediate=True)
        self._scroll_to_cursor()
        if same is None or count == 0 or self.cursor != old_cursor or self.scroll_offset.y != old_top:
            self.refresh()
            return
        for index in range(old_top, old_top + self.page_height):
            if not same(index):
                self.refresh_line(index)

    def redraw_focus_change(self) -> None:
        if self.cursor >= 0:
            self.refresh_line(self.cursor)

    # Moving ----------------------------------------------------------------------------------

    def move_cursor(self, index: int) -> None:
        """Put the cursor on a row (clamped), scroll it into view, and say so with `Highlighted`."""
        count = self.row_count
        if count == 0:
            return
        index = min(max(index, 0), count - 1)
        if index == self.cursor:
            return
        old = self.cursor
        self.cursor = index
        self.refresh_line(old)
        self.refresh_line(index)
        self._scroll_to_cursor()
        self.post_message(self.Highlighted(self, index))

    def _scroll_to_cursor(self) -> None:
        if self.cursor < 0:
            return
        top = self.scroll_offset.y
        height = self.page_height
        if self.cursor < top:
            self.scroll_to(y=self.cursor, animate=False, immediate=True)
        elif self.cursor >= top + height:
            self.scroll_to(y=self.cursor - height + 1, animate=False, immediate=True)

    def action_cursor_down(self) -> None:
        self.move_cursor(self.cursor + 1)

    def action_cursor_up(self) -> None:
        self.move_cursor(self.cursor - 1)

    def action_first(self) -> None:
        self.move_cursor(0)

    def action_last(self) -> None:
        self.move_cursor(self.row_count - 1)

    def action_page_down(self) -> None:
        height = self.page_height
        self.scroll_to(y=min(self.scroll_offset.y + height, self.max_scroll_y), animate=False, immediate=True)
        self.move_cursor(self.cursor + height)

    def action_page_up(self) -> None:
        height = self.page_height
        self.scroll_to(y=max(self.scroll_offset.y - height, 0), animate=False, immediate=True)
        self.move_cursor(self.cursor - height)

    def action_select(self) -> None:
        if self.cursor >= 0:
            self.post_message(self.Selected(self, self.cursor))

    def on_click(self, event: events.Click) -> None:
        offset = event.get_content_offset(self)
        if offset is None:
            return
        index = self.scroll_offset.y + offset.y
        if 0 <= index < self.row_count:
            if index == self.cursor or event.chain >= 2:
                self.action_select()
            else:
                self.move_cursor(index)
