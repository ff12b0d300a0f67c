"""KeyFooter: rebuilt when the keys it shows change, kept as it is when they do not."""

from __future__ import annotations

import pytest
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.widget import Widget
from textual.widgets._footer import FooterKey

from tui.widgets.key_footer import KeyFooter

pytestmark = pytest.mark.asyncio


class Pane(Widget, can_focus=True):
    def __init__(self, bindings: list[Binding], id: str) -> None:
        super().__init__(id=id)
        self._bindings_shown = bindings

    def on_mount(self) -> None:
        for binding in self._bindings_shown:
            self._bindings.bind(binding.key, binding.action, binding.description, show=binding.show)


class Panes(App[None]):
    BINDINGS = [Binding("q", "quit", "Quit")]

    def compose(self) -> ComposeResult:
        yield Pane([], id="one")
        yield Pane([Binding("x", "bell", "Hidden", show=False)], id="two")
        yield Pane([Binding("z", "bell", "Zap")], id="three")
        yield KeyFooter()


def shown(app: Panes) -> str:
    return " ".join(str(key.render()) for key in app.query(FooterKey))


async def test_the_footer_is_kept_when_the_focus_moves_between_panes_with_the_same_keys() -> None:
    app = Panes()
    async with app.run_test() as pilot:
        app.set_focus(app.query_one("#one"))
        await pilot.pause(0.1)
        keys = list(app.query(FooterKey))
        assert "Quit" in shown(app)
        app.set_focus(app.query_one("#two"))  # only a hidden key more
        await pilot.pause(0.1)
        assert list(app.query(FooterKey)) == keys


async def test_the_footer_is_rebuilt_when_the_keys_it_shows_change() -> None:
    app = Panes()
    async with app.run_test() as pilot:
        app.set_focus(app.query_one("#one"))
        await pilot.pause(0.1)
        assert "Zap" not in shown(app)
        app.set_focus(app.query_one("#three"))
        await pilot.pause(0.1)
        assert "Zap" in shown(app)
        app.set_focus(app.query_one("#one"))
        await pilot.pause(0.1)
        assert "Zap" not in shown(app)
