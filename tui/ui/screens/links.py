"""The links of the open article (`L`), to choose one to open with the keyboard."""

from __future__ import annotations

from collections.abc import Sequence

from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Static

from tui.core.document import Link
from tui.ui.widgets.cursor_list import CursorList


class LinkList(CursorList):
    """One row per link: its number, its text, and where it points (dimmed)."""

    COMPONENT_CLASSES = CursorList.COMPONENT_CLASSES | {"link-list--address"}

    DEFAULT_CSS = """
    LinkList { height: auto; max-height: 20; }
    LinkList > .link-list--address { color: $text-muted; }
    """

    def __init__(self, links: Sequence[Link], *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.links = links

    @property
    def row_count(self) -> int:
        return len(self.links)

    def on_mount(self) -> None:
        self.rows_changed(cursor=0)

    def render_row(self, index: int, width: int, style: Style) -> list[Segment]:
        link = self.links[index]
        address = self.component_style("link-list--address", style)
        return [Segment(f" {index + 1:>2}  {link.text}", style), Segment(f"  {link.href}", address)]


class LinksScreen(ModalScreen[str | None]):
    """Lists the article's links; Enter gives back the chosen address, Esc nothing."""

    DEFAULT_CSS = """
    LinksScreen {
        align: center middle;
        & > Vertical {
            width: 90%;
            max-width: 110;
            height: auto;
            border: round $primary;
            background: $panel;
            padding: 0 1;
        }
        & #links-hint { color: $text-muted; }
    }
    """

    BINDINGS = [Binding("escape,q,L,h", "close", "Close", id="links.close")]

    def __init__(self, links: Sequence[Link]) -> None:
        super().__init__()
        self.links = links

    def compose(self) -> ComposeResult:
        with Vertical() as box:
            box.border_title = "Links in this article"
            yield LinkList(self.links, id="links")
            yield Static(Text("Enter opens the link in the browser (http and https only); Esc closes."),
                         id="links-hint")

    def on_mount(self) -> None:
        self.query_one(LinkList).focus()

    @on(CursorList.Selected, "#links")
    def _chosen(self, message: CursorList.Selected) -> None:
        self.dismiss(self.links[message.index].href)

    def action_close(self) -> None:
        self.dismiss(None)
