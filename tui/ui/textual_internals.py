"""Every place krant leans on how Textual works inside rather than on its public API, and why.

Each is here so an upgrade of Textual has one module to check, and `tests/test_textual_internals.py` fails
when a release changes what one of them relies on. All of them are for speed: Textual redraws, repaints or
rebuilds more than krant's screens need when the focus moves, the header's text changes or the footer's
keys are looked at again, and at 100,000 posts those costs were most of what opening a post took.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable
from typing import Any, Self

from rich.style import Style
from textual import events
from textual.app import ComposeResult
from textual.binding import Binding
from textual.color import Color
from textual.dom import DOMNode, NoScreen
from textual.geometry import Region
from textual.reactive import Reactive
from textual.screen import Screen
from textual.strip import Strip
from textual.visual import VisualType
from textual.widget import Widget
from textual.widgets import Footer, Header

# Reactives without a repaint ---------------------------------------------------------------------


def focused_without_repaint() -> Reactive[Widget | None]:
    """`Screen.focused` as Textual declares it, but without its repaint of the whole screen.

    Moving the focus (opening a post moves it to the article) repainted every widget; the widgets that
    gain and lose it, and containers whose look depends on it, redraw themselves. Declare it in a Screen
    subclass's body: `focused = focused_without_repaint()`.
    """
    return Reactive(None, repaint=False)


def sub_title_without_repaint() -> Reactive[str]:
    """`App.sub_title` without its repaint of the whole screen: the headers watch it and redraw their title.

    The header shows the load's progress about once a second; each new text repainted the screen.
    """
    return Reactive("", compute=False, repaint=False)


# Lists: focus, styles and drawing ---------------------------------------------------------------


class QuietListInternals(Widget):
    """For a Line API list (`CursorList`): what Textual does on focus, styling and drawing, done with less.

    - Gaining or losing the focus changes only the cursor's row. Textual's `Widget._on_focus`/`_on_blur`
      redraw the whole widget, restyling a widget with component classes when `has_focus` changes
      redraws it again, and `Widget.focus()` starts with a redraw: a tenth of the work of opening and
      closing an article. These handlers replace Textual's (`prevent_default`) and post the same
      `DescendantFocus`/`DescendantBlur` messages its handlers post.
    - `rich_style` walks up the widget's ancestors each time it is asked (half a row's cost): it is
      worked out once per drawing (`render_lines`).
    - `get_component_rich_style(partial=True)` drops what a Rich style cannot hold: the alpha of a colour
      and `auto`. `$text-muted` (`auto 60%`) then came out as full white, and a blurred cursor
      (`$primary 30%`) as bright as a focused one: `component_style` blends them as Textual does.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._drawing_style: Style | None = None
        self._blended_styles: dict[tuple[str, Style], Style] = {}

    def redraw_focus_change(self) -> None:
        """Draw again what gaining or losing the focus changes (the cursor's row, in a list)."""
        raise NotImplementedError

    def on_focus(self, event: events.Focus) -> None:
        event.prevent_default()  # Textual's handler: `has_focus`, a whole redraw, and the message below
        self.has_focus = True
        if self.parent is not None:
            self.parent.post_message(events.DescendantFocus(self))

    def on_blur(self, event: events.Blur) -> None:
        event.prevent_default()
        self.has_focus = False
        if self.parent is not None:
            self.parent.post_message(events.DescendantBlur(self))

    def watch_has_focus(self, _has_focus: bool) -> None:
        self.redraw_focus_change()

    def focus(self, scroll_visible: bool = True) -> Self:
        """As Textual's `focus`, without the whole redraw it starts with."""

        def set_focus(widget: Widget) -> None:
            try:
                widget.screen.set_focus(self, scroll_visible=scroll_visible)
            except NoScreen:  # no longer on a screen by the time the call comes
                pass

        self.app.call_later(set_focus, self)
        return self

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._blended_styles.clear()
        self.refresh()

    def render_lines(self, crop: Region) -> list[Strip]:
        self._drawing_style = self.rich_style
        try:
            return super().render_lines(crop)
        finally:
            self._drawing_style = None

    @property
    def base_style(self) -> Style:
        """The widget's `rich_style`, worked out once per drawing."""
        return self._drawing_style if self._drawing_style is not None else self.rich_style

    def component_style(self, name: str, under: Style) -> Style:
        """`under` (a row's style) with a component class drawn over it, as Textual draws colours."""
        key = (name, under)
        style = self._blended_styles.get(key)
        if style is None:
            styles = self.get_component_styles(name)
            background = Color.from_rich_color(under.bgcolor) if under.bgcolor else Color(0, 0, 0, 0)
            if styles.has_rule("background"):
                background += styles.background
            color = Color.from_rich_color(under.color) if under.color else Color(255, 255, 255, 0)
            if styles.has_rule("color"):
                color = styles.color
            if styles.has_rule("auto_color") and styles.auto_color:
                color = background.get_contrast_text(color.a)
            style = under + styles.text_style
            style += Style.from_color(
                (background + color).rich_color, background.rich_color if background.a else None
            )
            self._blended_styles[key] = style
        return style


# The header ---------------------------------------------------------------------------------------

try:  # a private class of Textual's: should a release move it, krant keeps Textual's own header
    from textual.widgets._header import HeaderTitle

    class _OneLineTitle(HeaderTitle):
        """One line across the header whatever it says, so another text never needs a layout of the screen."""

        def update(self, content: VisualType = "", *, layout: bool = False) -> None:
            super().update(content, layout=layout)

except ImportError:  # pragma: no cover - depends on the Textual release
    HeaderTitle = _OneLineTitle = None  # type: ignore[assignment,misc]


class QuietHeader(Header):
    """Textual's header, but a new title or subtitle (load progress, about once a second) only redraws it."""

    def compose(self) -> ComposeResult:
        for widget in super().compose():
            yield _OneLineTitle() if _OneLineTitle is not None and type(widget) is HeaderTitle else widget


# The footer ---------------------------------------------------------------------------------------

_Shown = tuple[tuple[str, str, str, bool, str], ...]
COMMAND_PALETTE_KEY_CLASS = "-command-palette"
"""The class Textual's Footer gives the key that opens the command palette (docked at its right)."""


class KeyFooter(Footer):
    """A Footer that skips rebuilding when the bindings it shows are the same, and never shows half a key.

    Textual's Footer remounts every key on each bindings refresh (`bindings_changed`, about 20 ms), and
    moving the focus or opening an article refreshes them several times, mostly without a visible change.
    Keys that do not fit whole in a narrow terminal are hidden instead of cut off mid-word ("o Brows");
    `?` lists every key.
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
            if child.has_class(COMMAND_PALETTE_KEY_CLASS):
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


# Keys and bindings -------------------------------------------------------------------------------


def normalized_key(key: str) -> str | None:
    """A key as Textual names it in bindings (`?` → `question_mark`, `,` → `comma`), so a keymap's keys
    compare with the bindings' own (Textual's `App.set_keymap` does this privately with the same call);
    None for a name Textual has no key for (`ctrll+q`, `pgdn`): such a binding would never fire."""
    from textual.keys import _character_to_key

    if len(key) == 1:
        return _character_to_key(key)
    *modifiers, base = key.split("+")
    if not set(modifiers) <= _MODIFIERS or not (len(base) == 1 or base in _key_names()):
        return None
    return key


_MODIFIERS = frozenset({"ctrl", "shift", "alt", "meta", "super", "hyper"})


@functools.cache
def _key_names() -> frozenset[str]:
    """The names Textual gives keys that are no single character (`pagedown`, `f5`, `question_mark`)."""
    from textual.keys import Keys, _character_to_key

    names = {key.value.rsplit("+", 1)[-1] for key in Keys}
    return frozenset(names | {_character_to_key(chr(code)) for code in range(32, 127)})


def add_bindings(node: DOMNode, bindings: Iterable[Binding]) -> None:
    """Give one app or widget bindings made at run time (the user's commands), with their ids.

    `BINDINGS` is read per class; `DOMNode.bind` adds to the node's own map but takes no id, so a
    keymap could not find them: the bindings are added to the node's map the way `bind` does it.
    """
    for binding in bindings:
        node._bindings.key_to_bindings.setdefault(binding.key, []).append(binding)
