"""The help screen (`?`): every key krant knows, in one table, the ones a newcomer needs first."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from tui.ui.keys import key_shown, keys_text

ROWS: tuple[tuple[tuple[str, ...] | str, str], ...] = (
    (("list.down", "list.up"), "Move down / up (in an article: scroll)"),
    (("list.select",), "Open the article (in the sidebar: go to the list)"),
    (("app.back",), "Back (close the article)"),
    (("app.next", "app.previous"), "Next / previous unread (in other categories too)"),
    (("app.search",), "Search titles and text (Esc: back)"),
    (("app.help",), "Help: every key (Esc closes it)"),
    (("app.quit",), "Quit"),
    (("article.page-down",), "In an article: a page down, then the next unread"),
    (("list.first", "list.last"), "First / last (in an article: its top / end)"),
    (("list.page-up", "list.page-down"), "A page up / down"),
    ("Tab / Shift+Tab", "Next / previous pane"),
    (("app.toggle-read",), "Mark the article read / unread"),
    (("app.mark-category-read",), "Mark the whole category read (asks first)"),
    (("app.undo-mark",), "Undo the last A or M"),
    (("app.only-unread",), "Show only unread articles, or all again"),
    (("app.previous-category", "app.next-category"), "Previous / next category"),
    (("app.open-link",), "Open the article's link in the browser (says so when no browser can be started)"),
    (
        ("app.copy-link",),
        "Copy the article's link (through the terminal, and wl-copy, xclip, xsel or pbcopy when there)",
    ),
    (
        ("app.article-links",),
        "The article's links (its own address and image first), to open one in the browser",
    ),
    (("app.toggle-star",), "Star the article to read later (Starred, in the sidebar), or unstar it"),
    (("app.mark-above-read",), "Mark every article above the cursor read (u undoes it)"),
    (("app.edit",), "Open the article's file in $VISUAL or $EDITOR (read-only where it can)"),
    (("app.pipe",), "Send the article's text to a command (asks for it; e.g. less, wc -w)"),
    (("app.search-order",), "While searching: results best first, or newest first again"),
    (("main.toggle-sidebar",), "Show or hide the sidebar"),
    ("Ctrl+P", "Command palette: go to category, open, copy, theme"),
)
"""The help's rows: the actions (by binding id) whose keys a row shows, or fixed keys, and what they do."""


def help_rows(
    keys_of: Mapping[str, Sequence[str]], commands: Sequence[tuple[str, str]] = ()
) -> list[tuple[str, str]]:
    """The help's (keys, meaning) rows, with the keys in effect (the user's `[keys]` included), then the
    user's own commands (key, what they run). An action with no keys left is not listed."""
    rows = []
    for ids, meaning in ROWS:
        if isinstance(ids, str):
            rows.append((ids, meaning))
        elif all(keys_of.get(each) for each in ids):
            rows.append((keys_text([keys_of[each] for each in ids]), meaning))
    rows += [(key_shown(key), meaning) for key, meaning in commands]
    return rows


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

    def __init__(self, rows: Sequence[tuple[str, str]]) -> None:
        super().__init__()
        self.rows = rows

    def compose(self) -> ComposeResult:
        table = Table(box=None, show_header=False, padding=(0, 2, 0, 0))
        table.add_column(style="bold", no_wrap=True)
        table.add_column()
        for keys, meaning in self.rows:
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
