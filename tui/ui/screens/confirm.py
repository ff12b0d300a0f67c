"""A yes/no question in a small modal box, answered with y/Enter or n/Esc."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Static


class ConfirmScreen(ModalScreen[bool]):
    """Asks one question; dismisses with True for yes and False for no.

    The question is shown as plain text: it may quote a category name, which is never markup.
    """

    DEFAULT_CSS = """
    ConfirmScreen {
        align: center middle;
        & > Vertical {
            width: auto;
            min-width: 30;
            max-width: 90%;
            height: auto;
            border: round $primary;
            background: $panel;
            padding: 1 2;
        }
        & #confirm-question { width: auto; max-width: 100%; }
        & #confirm-keys { width: auto; color: $text-muted; margin: 1 0 0 0; }
    }
    """

    BINDINGS = [
        Binding("y,enter", "answer(True)", "Yes", id="confirm.yes"),
        Binding("n,escape", "answer(False)", "No", id="confirm.no"),
    ]

    def __init__(self, question: str) -> None:
        super().__init__()
        self.question = question

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(Content(self.question), id="confirm-question")
            yield Static(Content("y / Enter: yes    n / Esc: no"), id="confirm-keys")

    def action_answer(self, yes: bool) -> None:
        self.dismiss(yes)
