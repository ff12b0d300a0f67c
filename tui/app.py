"""The krant Textual app (a minimal first version; the reader issue builds it out)."""

from __future__ import annotations

from pathlib import Path

from rich.text import Text
from textual.app import App, ComposeResult
from textual.widgets import Footer, Header, Static

from tui.library import Library


class KrantApp(App[None]):
    """Shows the posts of one folder."""

    BINDINGS = [("q", "quit", "Quit")]

    def __init__(self, folder: Path) -> None:
        super().__init__()
        self.folder = folder

    def compose(self) -> ComposeResult:
        yield Header()
        library = Library.load(self.folder)
        yield Static(Text("\n".join(post.title for post in library.posts)))
        yield Footer()


def run_app(folder: Path, *, poll: bool = False, include_unpublished: bool = False) -> int:
    KrantApp(folder).run()
    return 0
