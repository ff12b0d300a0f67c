"""The help screen (`?`): every key krant knows, in one table, the ones a newcomer needs first."""

from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

KEYS: tuple[tuple[str, str], ...] = (
    ("j / k, ↓ / ↑", "Move down / up (in an article: scroll)"),
    ("Enter / l", "Open the article (in the sidebar: go to the list)"),
    ("Esc / h", "Back (close the article)"),
    ("n / p", "Next / previous unread (in other categories too)"),
    ("/", "Search titles and text (Esc: back)"),
    ("?", "Help: every key (Esc closes it)"),
    ("q", "Quit"),
    ("Space", "In an article: a page down, then the next unread"),
    ("g / G, Home / End", "First / last (in an article: its top / end)"),
    ("PgUp / PgDn", "A page up / down"),
    ("Tab / Shift+Tab", "Next / previous pane"),
    ("m", "Mark the article read / unread"),
    ("A", "Mark the whole category read (asks first)"),
    ("u", "Undo the last A or M"),
    ("U", "Show only unread articles, or all again"),
    ("[ / ]", "Previous / next category"),
    ("o", "Open the article's link in the browser (says so when no browser can be started)"),
    ("y", "Copy the article's link (through the terminal, and wl-copy, xclip, xsel or pbcopy when there)"),
    ("L", "The article's links (its own address and image first), to open one in the browser"),
    ("s", "Star the article to read later (Starred, in the sidebar), or unstar it"),
    ("M", "Mark every article above the cursor read (u undoes it)"),
    ("Ctrl+P", "Command palette: go to category, open, copy, theme"),
)
"""The keys, as shown here and in the README."""


class HelpScreen(ModalScreen[None]):
    """Lists the keys and scrolls like an article; any of Esc, q or ? closes it (its border says so)."""

    DEFAULT_CSS = """
    HelpScreen {
        align: center middle;
        & > VerticalScroll {
            width: 76;
            max-width: 100%;
            height: auto;
            max-height: 90%;
            border: round $primary;
            background: $panel;
            padding: 0 1;
        }
    }
    """

    BINDINGS = [
        Binding("escape,q,question_mark,h", "dismiss", "Close", id="help.close"),
        Binding("j,down", "scroll('scroll_down')", "Scroll down", show=False, id="help.down"),
        Binding("k,up", "scroll('scroll_up')", "Scroll up", show=False, id="help.up"),
        Binding("space,pagedown", "scroll('scroll_page_down')", "Page down", show=False, id="help.page-down"),
        Binding("pageup", "scroll('scroll_page_up')", "Page up", show=False, id="help.page-up"),
        Binding("g,home", "scroll('scroll_home')", "Top", show=False, id="help.top"),
        Binding("G,end", "scroll('scroll_end')", "End", show=False, id="help.end"),
    ]

    def compose(self) -> ComposeResult:
        table = Table(box=None, show_header=False, padding=(0, 2, 0, 0))
        table.add_column(style="bold", no_wrap=True)
        table.add_column()
        for keys, meaning in KEYS:
            table.add_row(Text(keys), Text(meaning))
        with VerticalScroll() as scroll:
            scroll.border_title = "krant keys"
            scroll.border_subtitle = "j/k scroll · Esc closes"
            yield Static(table)

    def action_scroll(self, how: str) -> None:
        """Scroll the list of keys as an article scrolls (j/k, Space, g/G)."""
        getattr(self.query_one(VerticalScroll), how)(animate=False)

    async def action_dismiss(self, result: None = None) -> None:
        self.dismiss(result)
