"""What `tui/ui/textual_internals.py` relies on in Textual, pinned: a Textual release that changes any of it
fails here, naming the piece of krant to look at again.

Where krant replaces one of Textual's handlers, the test holds the handler's code as krant knows it, so a
release that makes the handler do something more (which krant's replacement would then leave out) is seen.
"""

from __future__ import annotations

import ast
import inspect
import textwrap
from datetime import datetime

import pytest
from rich.style import Style
from textual.app import App, ComposeResult
from textual.color import Color
from textual.reactive import Reactive
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Footer, Header, Static

from tui.ui import textual_internals
from tui.ui.app import KrantApp
from tui.ui.screens.main import MainScreen
from tui.ui.widgets.article_list import ArticleList

pytestmark = pytest.mark.asyncio


def body_of(function: object) -> list[str]:
    """A function's statements, each as normalised source, without docstrings (its own or nested ones)."""
    tree = ast.parse(textwrap.dedent(inspect.getsource(function)))
    for node in ast.walk(tree):
        body = getattr(node, "body", None)
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef) and body:
            first = body[0]
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant) and len(body) > 1:
                node.body = body[1:]
    definition = tree.body[0]
    assert isinstance(definition, ast.FunctionDef | ast.AsyncFunctionDef)
    return [ast.unparse(statement) for statement in definition.body]


async def test_the_focus_handlers_krant_replaces_still_do_what_it_does_and_a_redraw() -> None:
    """`QuietListInternals.on_focus`/`on_blur` stand in for these (`prevent_default`), less the refresh."""
    assert body_of(Widget._on_focus) == [
        "self.has_focus = True",
        "self.refresh()",
        "if self.parent is not None:\n    self.parent.post_message(events.DescendantFocus(self))",
    ]
    assert body_of(Widget._on_blur) == [
        "self.has_focus = False",
        "self.refresh()",
        "if self.parent is not None:\n    self.parent.post_message(events.DescendantBlur(self))",
    ]
    ours = body_of(textual_internals.QuietListInternals.on_focus)
    assert ours[1:] == [line for line in body_of(Widget._on_focus) if line != "self.refresh()"]


async def test_widget_focus_is_a_redraw_and_a_later_set_focus() -> None:
    """`QuietListInternals.focus` is Textual's `focus` without its first line, the redraw."""
    textuals = body_of(Widget.focus)
    assert textuals[1] == "self.refresh()"
    assert body_of(textual_internals.QuietListInternals.focus) == [textuals[0], *textuals[2:]]


async def test_the_reactives_krant_declares_again_are_textuals_with_the_same_default() -> None:
    """`focused` and `sub_title` keep their names and defaults; only the repaint is left out."""
    assert isinstance(Screen.__dict__["focused"], Reactive)
    assert isinstance(App.__dict__["sub_title"], Reactive)
    for ours, textuals in ((MainScreen.focused, Screen.focused), (KrantApp.sub_title, App.sub_title)):
        assert isinstance(ours, Reactive) and ours._default == textuals._default
        assert textuals._repaint and not ours._repaint


async def test_the_header_still_has_the_title_widget_krant_replaces() -> None:
    from textual.widgets._header import HeaderTitle

    assert textual_internals.HeaderTitle is HeaderTitle

    class OneHeader(App[None]):
        def compose(self) -> ComposeResult:
            yield textual_internals.QuietHeader()

    app = OneHeader()
    async with app.run_test():
        titles = list(app.query(HeaderTitle))
        assert [type(title).__name__ for title in titles] == ["_OneLineTitle"]
        assert isinstance(titles[0].parent, Header)


async def test_the_footer_still_rebuilds_in_bindings_changed_and_marks_the_palette_key() -> None:
    assert "bindings_changed" in Footer.__dict__
    assert textual_internals.COMMAND_PALETTE_KEY_CLASS in inspect.getsource(Footer.compose)

    class Footed(App[None]):
        def compose(self) -> ComposeResult:
            yield textual_internals.KeyFooter()

    app = Footed()
    async with app.run_test() as pilot:
        await pilot.pause()
        footer = app.query_one(textual_internals.KeyFooter)
        assert footer.query(f".{textual_internals.COMMAND_PALETTE_KEY_CLASS}")
        assert footer._shown is not None  # krant's bindings_changed ran: Textual still calls it


async def test_blended_component_colours_are_what_textual_draws_for_the_same_rule() -> None:
    """The list draws a muted date as Textual would draw `color: $text-muted` on the list's background."""

    class Muted(App[None]):
        CSS = "Static { background: $surface; color: $text-muted; } ArticleList { background: $surface; }"

        def compose(self) -> ComposeResult:
            yield Static("muted", id="muted")
            yield ArticleList(datetime.now, id="list")

    app = Muted()
    async with app.run_test() as pilot:
        await pilot.pause()
        static = app.query_one("#muted", Static)
        drawn = next(segment.style for segment in static.render_line(0) if segment.text.strip())
        articles = app.query_one(ArticleList)
        blended = articles.component_style("article-list--date", articles.rich_style)
        assert isinstance(drawn, Style) and drawn.color is not None and blended.color is not None
        assert Color.from_rich_color(blended.color) == Color.from_rich_color(drawn.color)
