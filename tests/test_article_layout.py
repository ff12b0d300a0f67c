"""The reader's layout of any Markdown: every line as wide as the pane, nothing unsafe, no word lost."""

from __future__ import annotations

from hostile_corpus import unsafe_characters
from hypothesis import given, settings
from hypothesis import strategies as st
from rich.console import Console
from rich.style import Style

from tui.core.document import parse_document
from tui.ui.article_layout import COMPONENTS, ArticleLayout

PIECES = [
    *("- ", "1. ", "> ", "\n", "\n\n", "*", "**", "`", "```\n", "[a](https://x.org)", "![b](c)", "| x |"),
    *("|---|", "---", "&#27;", "\x1b[2J", "\t", "  ", "# ", "<b>", "word ", "Syrië ", "漢字 ", "🙂 "),
    "x" * 50,
]
PROSE = ["word", "Syrië", "nieuws", "\n\n", "- ", "> ", " "]


def layout(width: int) -> ArticleLayout:
    components = {name: Style(color="red") for name in COMPONENTS}
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


def test_a_table_wider_than_the_pane_stays_a_table_its_cells_wrapping_in_their_columns() -> None:
    from tui.ui.article_layout import plain_lines

    row = "| " + " | ".join(f"cel{n} met een lange tekst die niet past" for n in range(3)) + " |"
    markdown = "| Naam | Twee | Drie |\n|---|---|---|\n" + row + "\n| kort | b | c |\n"
    lines = plain_lines(parse_document(markdown), 40)
    assert all(len(line) <= 40 for line in lines)
    bars = {line.index("│") for line in lines if "│" in line}
    assert len(bars) == 1, lines  # the first column's divider is in the same place on every line
    assert any(line.startswith("kort") for line in lines)  # the short row is a row of its own
    column = " ".join(line.split("│")[0].strip() for line in lines[2:-1])
    assert " ".join(column.split()) == "cel0 met een lange tekst die niet past"


def test_a_long_first_paragraph_shows_its_first_screen_at_once() -> None:
    """An 8,100-character first block once showed nothing until laid out in a thread, and flickered."""
    blocks = parse_document("woord " * 1_350 + "\n\nEinde.").blocks
    lines, whole = layout(80).head(blocks, 8_000, 40)
    assert not whole and len(lines) > 40
    assert "woord woord" in "".join(segment.text for segment in lines[0])
