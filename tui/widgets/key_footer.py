"""Textual's Footer, rebuilt only when the keys it shows change."""

from __future__ import annotations

from textual.screen import Screen
from textual.widgets import Footer

_Shown = tuple[tuple[str, str, str, bool, str], ...]


class KeyFooter(Footer):
    """A Footer that skips rebuilding when the bindings it shows are the same as before.

    Textual's Footer remounts every key on each bindings refresh (about 20 ms), and moving the focus or
    opening an article refreshes them several times, mostly without a visible change.
    """

    def __init__(self) -> None:
        super().__init__()
        self._shown: _Shown | None = None

    def bindings_changed(self, screen: Screen) -> None:
        shown = tuple(
            (binding.key, binding.description, binding.action, enabled, tooltip)
            for _node, binding, enabled, tooltip in screen.active_bindings.values()
            if binding.show
        )
        if shown == self._shown and self.children:
            return
        if screen.app.app_focus and self.is_attached and screen is self.screen:
            self._shown = shown  # the Footer rebuilds now (it waits while the terminal is not focused)
        super().bindings_changed(screen)
