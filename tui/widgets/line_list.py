"""A keyboard list with a cursor, drawn line by line (Line API) so it stays instant at any length."""

from __future__ import annotations

from collections.abc import Callable
from typing import ClassVar, Self

from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.binding import Binding, BindingType
from textual.color import Color
from textual.dom import NoScreen
from textual.geometry import Region, Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip
from textual.widget import Widget


class CursorList(ScrollView, can_focus=True):
    """Rows with one highlighted; only the rows on screen are ever drawn.

    Subclasses say how many rows there are (`row_count`) and draw one (`render_row`) from plain text
    segments; they never use markup, so untrusted text is shown as it is.
    """

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "cursor-list--cursor",
        "cursor-list--cursor-blurred",
        "cursor-list--empty",
    }

    # A class for the cursor with and one without the focus, rather than a `:focus` rule: see on_focus.
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
        self._drawing_style: Style | None = None
        """`rich_style` while `render_lines` draws, else None."""
        self._blended_styles: dict[tuple[str, Style], Style] = {}

    # For subclasses -------------------------------------------------------------------------

    @property
    def row_count(self) -> int:
        raise NotImplementedError

    def render_row(self, index: int, width: int, style: Style) -> list[Segment]:
        """The segments of one row, in the given base style (cursor styling is added by the caller)."""
        raise NotImplementedError

    # Drawing ---------------------------------------------------------------------------------

    def component_style(self, name: str, under: Style) -> Style:
        """`under` (a row's style) with a component class drawn over it, as Textual draws colours.

        `get_component_rich_style(partial=True)` drops what a Rich style cannot hold: the alpha of a
        colour and `auto`. `$text-muted` (`auto 60%`) then came out as full white, and a blurred cursor
        (`$primary 30%`) as bright as a focused one. Here they are blended with the row's background.
        """
        key = (name, under)
        style = self._blended_styles.get(key)
        if style is None:
            styles = self.get_component_styles(name)
            background = Color.from_rich_color(under.bgcolor) if under.bgcolor else Color(0, 0, 0, 0)
            if styles.has_rule("background"):
                background += styles.background
            color = Color.from_rich_color(under.color) if under.color else Color(255, 255, 255, 0)
            if styles.has_rule("color"):
                color = styles.color
            if styles.has_rule("auto_color") and styles.auto_color:
                color = background.get_contrast_text(color.a)
            style = under + styles.text_style
            style += Style.from_color(
                (background + color).rich_color, background.rich_color if background.a else None
            )
            self._blended_styles[key] = style
        return style

    @property
    def page_height(self) -> int:
        return max(1, self.scrollable_content_region.height)

    def render_lines(self, crop: Region) -> list[Strip]:
        # `rich_style` walks up the widget's ancestors each time (half a row's cost): once per drawing.
        self._drawing_style = self.rich_style
        try:
            return super().render_lines(crop)
        finally:
            self._drawing_style = None

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        base = self._drawing_style if self._drawing_style is not None else self.rich_style
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

    # Gaining or losing the focus changes only the cursor's row. Textual's defaults redraw the whole list
    # (from on_focus/on_blur, and from restyling the widget when `has_focus` changes, which redraws any
    # widget with component classes): a tenth of the work of opening and closing an article.

    def on_focus(self, event: events.Focus) -> None:
        event.prevent_default()  # Textual's handler: `has_focus`, a whole redraw, and the message below
        self.has_focus = True
        if self.parent is not None:
            self.parent.post_message(events.DescendantFocus(self))

    def on_blur(self, event: events.Blur) -> None:
        event.prevent_default()
        self.has_focus = False
        if self.parent is not None:
            self.parent.post_message(events.DescendantBlur(self))

    def watch_has_focus(self, _has_focus: bool) -> None:
        if self.cursor >= 0:
            self.refresh_line(self.cursor)

    def focus(self, scroll_visible: bool = True) -> Self:
        """As Textual's `focus`, without the whole redraw it starts with."""

        def set_focus(widget: Widget) -> None:
            try:
                widget.screen.set_focus(self, scroll_visible=scroll_visible)
            except NoScreen:  # no longer on a screen by the time the call comes
                pass

        self.app.call_later(set_focus, self)
        return self

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._blended_styles.clear()
        self.refresh()

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

    def _on_click(self, event: events.Click) -> None:
        offset = event.get_content_offset(self)
        if offset is None:
            return
        index = self.scroll_offset.y + offset.y
        if 0 <= index < self.row_count:
            if index == self.cursor or event.chain >= 2:
                self.action_select()
            else:
                self.move_cursor(index)
