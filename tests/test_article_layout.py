"""The reader's layout of any Markdown: every line as wide as the pane, nothing unsafe, no word lost."""

from __future__ import annotations

from hostile_corpus import unsafe_characters
from hypothesis import given, settings
from hypothesis import strategies as st
from rich.console import Console
from rich.style import Style

from tui.core.document import parse_document
from tui.ui.widgets.article_body import ArticleBody, ArticleLayout

PIECES = [
    *("- ", "1. ", "> ", "\n", "\n\n", "*", "**", "`", "```\n", "[a](https://x.org)", "![b](c)", "| x |"),
    *("|---|", "---", "&#27;", "\x1b[2J", "\t", "  ", "# ", "<b>", "word ", "Syrië ", "漢字 ", "🙂 "),
    "x" * 50,
]
PROSE = ["word", "Syrië", "nieuws", "\n\n", "- ", "> ", " "]


def layout(width: int) -> ArticleLayout:
    components = {name: Style(color="red") for name in ArticleBody.COMPONENT_CLASSES}
    return ArticleLayout(width, Console(width=200, color_system="truecolor"), Style(), components)


def letters(text: str) -> str:
    return "".join(character for character in text if character.isalpha())


@settings(max_examples=150, deadline=None)
@given(st.lists(st.sampled_from(PIECES), max_size=60).map("".join), st.integers(min_value=1, max_value=120))
def test_every_line_fills_the_width_exactly_and_shows_nothing_unsafe(markdown: str, width: int) -> None:
    lines = layout(width).lines(parse_document(markdown).blocks)
    for line in lines:
        assert line.cell_length == width
        assert sum(segment.cell_length for segment in line) == width
        assert not unsafe_characters(line.text), line.text


@settings(max_examples=100, deadline=None)
@given(st.lists(st.sampled_from(PROSE), max_size=80).map("".join), st.integers(min_value=20, max_value=120))
def test_the_words_of_paragraphs_lists_and_quotes_all_appear_in_order(markdown: str, width: int) -> None:
    """Every letter, in order: words wrap whole, and only a word longer than a line is folded."""
    document = parse_document(markdown)
    shown = "".join(line.text for line in layout(width).lines(document.blocks))
    assert letters(shown) == "".join(letters(run.text) for block in document.blocks for run in block.runs)
