"""Asks for a name in a small modal box (saving a search, renaming one): Enter keeps it, Esc cancels."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Input, Static

from tui.core.sanitize import clean_line

NAME_LIMIT = 80
"""Characters a name may have: it is a sidebar entry."""


class NamePrompt(ModalScreen[str | None]):
    """One question and a box for the answer; dismisses with the name (clean, stripped) or None."""

    DEFAULT_CSS = """
    NamePrompt {
        align: center middle;
        & > Vertical {
            width: 60;
            max-width: 90%;
            height: auto;
            border: round $primary;
            background: $panel;
            padding: 1 2;
        }
        & #name-question { width: auto; max-width: 100%; }
        & #name-keys { width: auto; color: $text-muted; margin: 1 0 0 0; }
    }
    """

    BINDINGS = [Binding("escape", "cancel", "Cancel", id="name.cancel")]

    def __init__(self, question: str, value: str = "") -> None:
        super().__init__()
        self.question = question
        self.value = value

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(Content(self.question), id="name-question")
            yield Input(self.value, max_length=NAME_LIMIT, id="name-input")
            yield Static(Content("Enter: save    Esc: cancel"), id="name-keys")

    def on_mount(self) -> None:
        self.query_one(Input).focus()

    @on(Input.Submitted)
    def _entered(self, event: Input.Submitted) -> None:
        event.stop()
        name = clean_line(event.value).strip()
        if name:
            self.dismiss(name)
        else:
            self.notify("A name needs at least one letter.", severity="warning", markup=False)

    def action_cancel(self) -> None:
        self.dismiss(None)
