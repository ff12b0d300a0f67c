"""Bodies turned into readable Markdown-structured text, safely and within bounds."""

from __future__ import annotations

import signal
from pathlib import Path

import pytest

from tui.core.body_text import (
    MAX_BODY_CHARS,
    MAX_SEARCH_CHARS,
    is_safe_link,
    looks_like_html,
    plain_text,
    prepare_html,
    readable_text,
)
from tui.core.post import PostText
from tui.core.reading import read_post_text

SEED = "2019-05-15-nederlandse-trainingsmissie-in-irak-stilgelegd.html"


def html(body: str) -> str:
    return readable_text(body, is_html=True).text


def test_the_seed_reads_as_paragraphs_and_headings_without_mojibake_or_pixel(seed_folder: Path) -> None:
    result = read_post_text(seed_folder / SEED, seed_folder)
    assert isinstance(result, PostText)
    rendered = readable_text(result.body, is_html=result.post.is_html)
    assert "\n## Militairen zijn veilig\n" in rendered.text
    assert "Syrië" in rendered.text and "Ã" not in rendered.text
    assert "feedburner" not in rendered.text and "<" not in rendered.text
    assert rendered.text.startswith("De Nederlandse trainingsmissie in Irak is tot nader order opgeschort")
    assert "niet zeggen.\n\nCirca vijftig" in rendered.text
    assert not rendered.truncated and rendered.notes == ()


def test_html_structure_becomes_markdown() -> None:
    text = html(
        "<h1>Top</h1><h3>Sub</h3><p>One <em>two</em> <strong>three</strong></p>"
        '<p><a href="https://example.org/a">a link</a></p><ul><li>first</li><li>second</li></ul>'
        "<ol><li>uno</li><li>dos</li></ol><blockquote><p>quoted</p></blockquote><br><pre>code</pre>"
    )
    for part in ["# Top", "### Sub", "One _two_ **three**", "[a link](https://example.org/a)"]:
        assert part in text
    for part in ["* first\n  * second", "1. uno\n  2. dos", "> quoted", "code"]:
        assert part in text


def test_entities_are_decoded() -> None:
    assert html("<p>Tom &amp; Jerry &eacute; &#8364; &lt;tag&gt;</p>") == "Tom & Jerry é € <tag>"


def test_markdown_stays_markdown() -> None:
    body = "## Heading\n\n* item with <angle> and [bold]markup[/bold]\n\n> quote\n"
    assert readable_text(body, is_html=False).text == body.strip()


def test_tracking_pixels_and_one_pixel_images_vanish_but_real_images_stay() -> None:
    text = html(
        '<p>x</p><img src="http://feeds.feedburner.com/~r/nos/~4/abc" height="1" width="1" alt=""/>'
        '<img src="https://example.org/a.gif" width="1"><img src="https://example.org/b.gif" height=0>'
        '<img src="https://example.org/photo.jpg" width="600" alt="a photo">'
    )
    assert "feedburner" not in text and "a.gif" not in text and "b.gif" not in text
    assert "![a photo](https://example.org/photo.jpg)" in text


def test_scripts_styles_and_comments_never_show() -> None:
    text = html(
        "<script>alert(1)</script><STYLE>p {}</STYLE><!-- secret --><p>shown</p>"
        "<template>tpl</template><script>unclosed"
    )
    assert text == "shown"


@pytest.mark.parametrize(
    "target",
    [
        "javascript:alert(1)",
        "JavaScript:alert(1)",
        "java&#115;cript:alert(1)",
        "data:text/html,x",
        "file:///etc/passwd",
    ],
)
def test_unsafe_link_targets_are_dropped(target: str) -> None:
    text = html(f'<p><a href="{target}">click</a></p>')
    assert text == "click"


def test_safe_link_targets_stay() -> None:
    prepared = prepare_html(
        '<a href="https://a.example/">a</a><a href="/relative">b</a><a href="mailto:x@y">c</a>'
    )
    assert (
        'href="https://a.example/"' in prepared
        and 'href="/relative"' in prepared
        and "mailto:x@y" in prepared
    )


@pytest.mark.parametrize(
    ("url", "safe"),
    [
        ("https://nos.nl/l/2284764", True),
        ("HTTP://example.org", True),
        ("  https://example.org", True),
        ("javascript:alert(1)", False),
        ("file:///etc/passwd", False),
        ("data:text/html,x", False),
        ("mailto:x@example.org", False),
        ("/relative", False),
        ("", False),
    ],
)
def test_only_web_addresses_are_safe_to_open(url: str, safe: bool) -> None:
    assert is_safe_link(url) is safe


def test_escapes_in_a_body_are_removed_and_mojibake_repaired() -> None:
    text = html("<p>a\x1b[2Jb\x1b]52;c;eA==\x07c \u202ed SyriÃ«</p>")
    assert text == "abc d Syrië"


def test_crlf_and_blank_runs_are_tidied() -> None:
    assert readable_text("one\r\n\r\n\r\n\r\n\r\ntwo\r\n", is_html=False).text == "one\n\ntwo"


def test_a_long_body_is_cut_and_says_so() -> None:
    rendered = readable_text("x" * (MAX_BODY_CHARS + 10), is_html=False)
    assert rendered.truncated
    assert len(rendered.text) == MAX_BODY_CHARS
    assert rendered.notes and "longer than" in rendered.notes[0]


def test_conversion_stops_at_its_deadline_and_says_so() -> None:
    rendered = readable_text("<p>paragraph</p>" * 10_000, is_html=True, max_seconds=0)
    assert rendered.truncated
    assert any("too long" in note for note in rendered.notes)
    assert rendered.text.startswith("paragraph")


def test_markup_that_never_ends_is_dropped_and_said() -> None:
    rendered = readable_text("<p>before</p>" + '<a x="' * 5_000, is_html=True)
    assert rendered.text == "before"
    assert rendered.truncated and any("malformed" in note for note in rendered.notes)


def test_html2text_failing_falls_back_to_the_text(monkeypatch) -> None:
    import tui.core.body_text

    def fail(body: str, deadline: float):
        raise AssertionError("html2text broke")

    monkeypatch.setattr(tui.core.body_text, "_html_to_text", fail)
    rendered = readable_text("<p>still <b>readable</b></p>", is_html=True)
    assert rendered.text == "still  readable"
    assert "could not be converted" in rendered.notes[0]


def test_looks_like_html() -> None:
    assert looks_like_html("plain", ".html")
    # A Markdown file stays Markdown whatever HTML it holds: its HTML is converted where it stands.
    assert not looks_like_html("<p>para</p>", ".md")
    assert not looks_like_html("# Markdown with <angle brackets>", ".md")
    assert not looks_like_html("```rust\ntrait ImportantTrait<A> {}\n```\n<div>x</div>", ".markdown")
    # A file of another kind is HTML when it is an HTML document: opens with a block, ends with a tag.
    assert looks_like_html("<!-- scraped -->\n<p>para</p>\n<p>more</p>", ".txt")
    assert not looks_like_html("a < b > c", ".txt")
    assert not looks_like_html("<p>para</p>\n\nand then *Markdown*", ".txt")


def test_plain_text_is_tag_free_for_searching() -> None:
    assert plain_text("<p>Syri&euml; <script>x()</script>SyriÃ«</p>", is_html=True).split() == [
        "Syrië",
        "Syrië",
    ]


@pytest.mark.parametrize(
    "body",
    ['<a x="' * 200_000, "<" * 1_000_000, "<img " * 200_000, "<script " * 200_000],
    ids=["unclosed-attributes", "bare-less-than", "unclosed-img", "unclosed-script"],
)
def test_search_text_of_unclosed_tags_is_made_in_linear_time(body: str) -> None:
    """Tag patterns that scan to the end from every `<` took hours on these; the index hung on them."""

    def hung(_signal: int, _frame: object) -> None:
        raise TimeoutError("plain_text did not finish within 20 s")

    previous = signal.signal(signal.SIGALRM, hung)
    signal.alarm(20)
    try:
        text = plain_text(body, is_html=True)
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)
    assert len(text) <= MAX_SEARCH_CHARS  # only the start of a huge body is indexed
