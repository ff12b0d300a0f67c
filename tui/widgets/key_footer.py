"""Textual's Footer, rebuilt only when the keys it shows change, and never showing half a key."""

from __future__ import annotations

from textual import events
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Footer

_Shown = tuple[tuple[str, str, str, bool, str], ...]


class KeyFooter(Footer):
    """A Footer that skips rebuilding when the bindings it shows are the same as before.

    Textual's Footer remounts every key on each bindings refresh (about 20 ms), and moving the focus or
    opening an article refreshes them several times, mostly without a visible change.

    Keys that do not fit whole in a narrow terminal are hidden instead of cut off mid-word
    ("o Brows"); `?` lists every key.
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

    async def recompose(self) -> None:
        await super().recompose()
        self.call_after_refresh(self._hide_keys_cut_off)

    def on_resize(self, _event: events.Resize) -> None:
        self.call_after_refresh(self._hide_keys_cut_off)

    def _hide_keys_cut_off(self) -> None:
        """Hide the keys that would end past the footer's right edge or under the command palette's key.

        Widths are worked out rather than read from the screen: a hidden key has no place on it.
        """
        right = self.size.width
        shown: list[Widget] = []
        for child in self.children:
            if child.has_class("-command-palette"):
                if child.display:
                    right -= self._width_of(child)
            else:
                shown.append(child)
        x = 0
        for child in shown:
            x += self._width_of(child)
            child.visible = x <= right

    def _width_of(self, child: Widget) -> int:
        styles = child.styles
        content = child.get_content_width(self.size, self.app.size)
        return content + styles.gutter.width + styles.margin.width
