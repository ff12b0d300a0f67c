"""Markdown parsed into the blocks the reader lays out: structure, nesting, gaps, links and bounds."""

from __future__ import annotations

from hostile_corpus import unsafe_characters
from hypothesis import given
from hypothesis import strategies as st

from tui.core.document import BULLETS, QUOTE_BAR, Block, Link, document_links, parse_document

PIECES = ["- ", "1. ", "> ", "\n", "\n\n", "*", "**", "`", "```\n", "[a](", ")", "![b](", "|", "---", "&#27;",
          "&#x9b;", "\x1b[2J", "\t", "  ", "# ", "<b>", "x", "é"]


def plain(runs) -> str:
    return "".join(run.text for run in runs)


def texts(markdown: str) -> list[tuple[str, str, bool]]:
    """Each block as (first prefix + text, kind, blank line before)."""
    blocks = parse_document(markdown).blocks
    return [(plain(b.first_prefix) + plain(b.runs), b.kind, b.gap_before) for b in blocks]


def test_paragraphs_and_headings_are_separated_by_a_blank_line() -> None:
    assert texts("# Top\n\nFirst line\nsame paragraph.\n\n## Part\n\nSecond.") == [
        ("Top", "heading", False),
        ("First line same paragraph.", "text", True),
        ("Part", "heading", True),
        ("Second.", "text", True),
    ]
    levels = [block.level for block in parse_document("# a\n\n### b").blocks]
    assert levels == [1, 3]


def test_a_tight_list_has_no_gaps_and_nested_items_are_indented_with_another_bullet() -> None:
    blocks = parse_document("Intro\n\n- a\n- b\n  - c\n- d\n\n1. one\n2. two\n\nOutro").blocks
    shown = [(plain(b.first_prefix) + plain(b.runs), b.gap_before) for b in blocks]
    assert shown == [
        ("Intro", False),
        (f"{BULLETS[0]} a", True),
        (f"{BULLETS[0]} b", False),
        (f"  {BULLETS[1]} c", False),
        (f"{BULLETS[0]} d", False),
        ("1. one", True),
        ("2. two", False),
        ("Outro", True),
    ]
    assert plain(blocks[1].prefix) == "  "  # wrapped lines of an item line up under its text


def test_an_ordered_list_counts_from_its_start() -> None:
    assert [text for text, _, _ in texts("7. seven\n8. eight")] == ["7. seven", "8. eight"]


def test_quotes_put_a_bar_before_every_line_even_the_blank_ones_inside() -> None:
    (first, second) = parse_document("> one\n>\n> two").blocks
    assert plain(first.first_prefix) == plain(first.prefix) == QUOTE_BAR
    assert second.gap_before and plain(second.gap_prefix) == QUOTE_BAR
    assert first.gap_prefix == ()  # the line before a quote is not part of it


def test_emphasis_code_and_links_are_marked_on_their_runs() -> None:
    (block,) = parse_document("a *b* **c** ~~d~~ `e` [f](https://x.org/f) ![g](https://x.org/g.jpg)").blocks
    marks = {run.text: (set(run.marks), run.href) for run in block.runs}
    assert marks["b"] == ({"em"}, None)
    assert marks["c"] == ({"strong"}, None)
    assert marks["d"] == ({"strike"}, None)
    assert marks["e"] == ({"code"}, None)
    assert marks["f"] == ({"link"}, "https://x.org/f")
    assert marks["[image: g]"] == ({"image"}, "https://x.org/g.jpg")


def test_unsafe_link_schemes_are_not_links_at_all() -> None:
    (block,) = parse_document("[x](javascript:alert(1)) [y](https://ok.org)").blocks
    assert [run.href for run in block.runs if run.href] == ["https://ok.org"]


def test_code_blocks_keep_their_lines_and_tables_their_cells() -> None:
    code, table = parse_document("```\ndef f():\n\treturn 1\n```\n\n| A | B |\n|---|---|\n| 1 | 2 |").blocks
    assert code.kind == "code" and plain(code.runs) == "def f():\n    return 1"
    assert table.kind == "table" and table.header_rows == 1
    assert [[plain(cell) for cell in row] for row in table.rows] == [["A", "B"], ["1", "2"]]


def test_thousands_of_list_items_are_all_kept() -> None:
    document = parse_document("".join(f"* item {number}\n" for number in range(5_000)))
    assert not document.cut
    assert len(document.blocks) == 5_000 and plain(document.blocks[-1].runs) == "item 4999"


def test_a_long_text_is_cut_at_a_paragraph_break_and_says_so() -> None:
    text = "A paragraph of some length.\n\n" * 100
    document = parse_document(text, limit=1_000)
    assert document.cut and len(document.source) <= 1_000
    assert document.source.endswith("length.")
    assert plain(document.blocks[-1].runs) == "A paragraph of some length."
    assert parse_document(text).cut is False


def test_entities_that_decode_to_controls_are_cleaned_after_parsing() -> None:
    (block,) = parse_document("clear &#27;[2J screen &#x202e;reversed `&#7;`").blocks
    assert not unsafe_characters(plain(block.runs), block=True)
    assert "[2J screen reversed" in plain(block.runs)


@given(st.text(max_size=300) | st.lists(st.sampled_from(PIECES)).map("".join))
def test_any_text_parses_into_blocks_holding_nothing_unsafe(text: str) -> None:
    for block in parse_document(text).blocks:
        assert isinstance(block, Block)
        runs = [*block.first_prefix, *block.prefix, *block.gap_prefix, *block.text_runs]
        for run in runs:
            assert not unsafe_characters(run.text, block=True), run
            assert run.href is None or not unsafe_characters(run.href), run


def test_an_articles_links_are_listed_once_each_in_reading_order_with_their_text() -> None:
    document = parse_document(
        "See [the **big** news](https://a.org) and ![pic](https://p.org/i.jpg).\n\n"
        "Again [here](https://a.org) and [mail](mailto:x@y.z).\n\n| [cell](https://t.org) |\n|---|\n| x |"
    )
    assert document_links(document) == [
        Link("the big news", "https://a.org"),
        Link("[image: pic]", "https://p.org/i.jpg"),
        Link("mail", "mailto:x@y.z"),
        Link("cell", "https://t.org"),
    ]
    assert document_links(parse_document("No links here.")) == []


def test_html_in_markdown_is_converted_where_it_stands_and_the_markdown_around_it_kept() -> None:
    markdown = (
        "# Kop\n\n- een\n- twee\n\n"
        '<div class="x">\n<ul><li>drie</li><li>vier &amp; vijf</li></ul>\n</div>\n\n'
        "```rust\ntrait ImportantTrait<A> {}\n```\n\nNa <https://example.org> & meer.\n"
    )
    assert texts(markdown) == [
        ("Kop", "heading", False),
        ("• een", "text", True),
        ("• twee", "text", False),
        ("• drie", "text", True),
        ("• vier & vijf", "text", False),
        ("trait ImportantTrait<A> {}", "code", True),
        ("Na https://example.org & meer.", "text", True),
    ]


def test_inline_tags_become_marks_and_unknown_ones_leave_their_text() -> None:
    text = "Druk <kbd>Ctrl</kbd>, x<sup>2</sup>, <em>nadruk</em> en <span>gewoon</span>."
    blocks = parse_document(text).blocks
    marks = {run.text: run.marks for run in blocks[0].runs}
    assert plain(blocks[0].runs) == "Druk Ctrl, x2, nadruk en gewoon."
    assert marks["Ctrl"] == {"kbd"} and marks["2"] == {"sup"} and marks["nadruk"] == {"em"}
    assert marks["gewoon"] == frozenset()


def test_footnotes_are_numbered_where_they_are_cited_and_listed_at_the_end() -> None:
    assert texts("Eerst[^b], dan[^a].\n\n[^a]: Noot a.\n[^b]: Noot b.\n") == [
        ("Eerst[1], dan[2].", "text", False),
        ("", "rule", True),
        ("1. Noot b.", "text", True),
        ("2. Noot a.", "text", False),
    ]


def test_code_is_cut_into_pieces_by_kind_that_join_up_to_exactly_the_code() -> None:
    code = 'fn main() { let x = "s"; } // uitleg'
    block = parse_document(f"```rust\n{code}\n```\n").blocks[0]
    assert block.kind == "code" and block.language == "rust"
    assert plain(block.runs).rstrip("\n") == code
    kinds = {run.text.strip(): run.marks for run in block.runs if run.marks}
    assert kinds["fn"] == {"syntax:keyword"} and kinds['"s"'] == {"syntax:string"}
    assert kinds["// uitleg"] == {"syntax:comment"}  # a comment on the last line, without its newline
    unknown = parse_document("```nosuchlanguage\nlet x = 1\n```\n").blocks[0]
    assert [run.marks for run in unknown.runs] == [frozenset()]
