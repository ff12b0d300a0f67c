"""A line of text asked for in a small modal box (the command `|` sends the article to, a search's name)."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Input, Static

RUN_KEYS = "Enter: run    Esc: cancel"


class PromptScreen(ModalScreen[str | None]):
    """Asks for one line; dismisses with what was typed (Enter), or None (Esc).

    The question is plain text, never markup, and so is what is typed.
    """

    DEFAULT_CSS = """
    PromptScreen {
        align: center middle;
        & > Vertical {
            width: 70;
            max-width: 90%;
            height: auto;
            border: round $primary;
            background: $panel;
            padding: 1 2;
        }
        & #prompt-keys { color: $text-muted; margin: 1 0 0 0; }
    }
    """

    BINDINGS = [Binding("escape", "cancel", "Cancel", id="prompt.cancel")]

    def __init__(
        self,
        question: str,
        placeholder: str = "",
        *,
        value: str = "",
        keys: str = "Enter: run    Esc: cancel",
    ) -> None:
        super().__init__()
        self.question = question
        self.placeholder = placeholder
        self.value = value
        """What the box holds at first (a name to change)."""
        self.keys = keys

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(Content(self.question), id="prompt-question")
            yield Input(self.value, placeholder=self.placeholder, id="prompt-input")
            yield Static(Content(self.keys), id="prompt-keys")

    def on_mount(self) -> None:
        self.query_one(Input).focus()

    @on(Input.Submitted)
    def _submitted(self, message: Input.Submitted) -> None:
        message.stop()
        self.dismiss(message.value)

    def action_cancel(self) -> None:
        self.dismiss(None)
