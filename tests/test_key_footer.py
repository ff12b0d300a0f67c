"""KeyFooter: rebuilt when the keys it shows change, kept as it is when they do not."""

from __future__ import annotations

import pytest
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets._footer import FooterKey
from ui_helpers import until

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


def told(monkeypatch: pytest.MonkeyPatch) -> list[object]:
    """Every time a footer is told the bindings may have changed (from footers mounted after this)."""
    calls: list[object] = []
    bindings_changed = KeyFooter.bindings_changed

    def recording(self: KeyFooter, screen: Screen) -> None:
        calls.append(screen)
        bindings_changed(self, screen)

    monkeypatch.setattr(KeyFooter, "bindings_changed", recording)
    return calls


async def test_the_footer_is_kept_when_the_focus_moves_between_panes_with_the_same_keys(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    calls = told(monkeypatch)
    app = Panes()
    async with app.run_test() as pilot:
        app.set_focus(app.query_one("#one"))
        assert await until(pilot, lambda: "Quit" in shown(app)), shown(app)
        keys = list(app.query(FooterKey))
        heard = len(calls)
        app.set_focus(app.query_one("#two"))  # only a hidden key more
        assert await until(pilot, lambda: len(calls) > heard)  # the footer has heard of the new focus
        # A rebuild is what must not happen, so there is nothing to wait for: the footer would rebuild
        # after the next refresh, which this time (several turns of the message loop) includes.
        await pilot.pause(0.1)
        assert list(app.query(FooterKey)) == keys


async def test_the_footer_is_rebuilt_when_the_keys_it_shows_change() -> None:
    app = Panes()
    async with app.run_test() as pilot:
        app.set_focus(app.query_one("#one"))
        assert await until(pilot, lambda: "Quit" in shown(app)), shown(app)
        assert "Zap" not in shown(app)
        app.set_focus(app.query_one("#three"))
        assert await until(pilot, lambda: "Zap" in shown(app)), shown(app)
        app.set_focus(app.query_one("#one"))
        assert await until(pilot, lambda: "Zap" not in shown(app)), shown(app)
