"""KeyFooter: rebuilt when the keys it shows change, kept as it is when they do not."""

from __future__ import annotations

import pytest
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widget import Widget
from ui_helpers import footer_keys, until

from tui.ui.textual_internals import KeyFooter

pytestmark = pytest.mark.asyncio


class Pane(Widget, can_focus=True):
    """A pane with no keys of its own."""


class HiddenKeyPane(Pane):
    BINDINGS = [Binding("x", "bell", "Hidden", show=False)]


class ZapPane(Pane):
    BINDINGS = [Binding("z", "bell", "Zap")]


class Panes(App[None]):
    BINDINGS = [Binding("q", "quit", "Quit")]

    def compose(self) -> ComposeResult:
        yield Pane(id="one")
        yield HiddenKeyPane(id="two")
        yield ZapPane(id="three")
        yield KeyFooter()


def shown(app: Panes) -> str:
    return " ".join(str(key.render()) for key in footer_keys(app))


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
        keys = footer_keys(app)
        heard = len(calls)
        app.set_focus(app.query_one("#two"))  # only a hidden key more
        assert await until(pilot, lambda: len(calls) > heard)  # the footer has heard of the new focus
        # A rebuild is what must not happen, so there is nothing to wait for: the footer would rebuild
        # after the next refresh, which this time (several turns of the message loop) includes.
        await pilot.pause(0.1)
        assert footer_keys(app) == keys


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
