"""Untrusted text made safe for a terminal: no escape sequences, controls or bidi tricks survive."""

from __future__ import annotations

import pytest
from hostile_corpus import unsafe_characters
from hypothesis import given, settings
from hypothesis import strategies as st

from tui.core import sanitize
from tui.core.sanitize import clean_line, clean_text

ESC = "\x1b"


@pytest.mark.parametrize(
    ("text", "clean"),
    [
        (f"{ESC}[2J{ESC}[HCleared", "Cleared"),
        (f"{ESC}[1;31mred{ESC}[0m", "red"),
        (f"a{ESC}]52;c;cm0gLXJmIH4=\x07b", "ab"),
        (f"a{ESC}]52;c;cm0gLXJmIH4={ESC}\\b", "ab"),
        (f"{ESC}]8;;http://evil.example/{ESC}\\click{ESC}]8;;{ESC}\\", "click"),
        (f"{ESC}P+q544e{ESC}\\dcs", "dcs"),
        (f"{ESC}cReset", "Reset"),
        (f"{ESC}(0charset", "charset"),
        ("\x9b31m8-bit CSI", "8-bit CSI"),
        ("\x9d0;title\x9c8-bit OSC", "8-bit OSC"),
        (f"trailing {ESC}", "trailing"),
        ("[bold red]x[/] [@click=app.quit]", "[bold red]x[/] [@click=app.quit]"),
    ],
)
def test_escape_sequences_go_whole(text: str, clean: str) -> None:
    assert clean_line(text) == clean
    assert clean_text(text).strip() == clean


@pytest.mark.parametrize(
    "text",
    [
        "a\x00b",
        "a\x07b",
        "a\x08b",
        "a\x7fb",
        "a\x85b",
        "a\u202eb",
        "a\u2066b\u2069",
        "a\u200bb",
        "a\u200fb",
        "a\u2028b",
        "a\ufeffb",
        "a\udce9b",
    ],
)
def test_controls_bidi_and_invisible_characters_are_removed(text: str) -> None:
    for cleaned in (clean_line(text), clean_text(text)):
        assert unsafe_characters(cleaned, block=True) == []
        assert cleaned.replace(" ", "") == "ab"
        cleaned.encode("utf-8")


def test_a_line_has_no_line_breaks_tabs_or_runs_of_spaces() -> None:
    assert clean_line("  one\ntwo\r\nthree\tfour    five\u00a0\u00a0six  ") == "one two three four five six"


def test_a_line_can_be_limited_with_an_ellipsis() -> None:
    assert clean_line("abcdefghij", 5) == "abcd…"
    assert clean_line("abcde", 5) == "abcde"
    assert len(clean_line("x " * 1000, 300)) == 300


def test_a_block_keeps_newlines_and_tabs_and_normalises_carriage_returns() -> None:
    assert clean_text("one\r\ntwo\rthree\n\tfour") == "one\ntwo\nthree\n\tfour"


def test_wide_characters_and_emoji_stay() -> None:
    assert clean_line("新闻 📰 Ｗｉｄｅ 🇳🇱") == "新闻 📰 Ｗｉｄｅ 🇳🇱"


def test_every_invisible_character_fails_isprintable() -> None:
    """clean_text and clean_line skip their regexes when `str.isprintable` finds nothing to remove."""
    invisible = [chr(code) for code in range(0x110000) if sanitize._CONTROLS_BLOCK.match(chr(code))]
    assert len(invisible) > 2_000
    assert not any(character.isprintable() for character in invisible)
    assert all(sanitize.has_invisible(f"ok {character} ok") for character in invisible)


def _clean_text_the_slow_way(text: str) -> str:
    text = sanitize._ESCAPE_SEQUENCE.sub("", text)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return sanitize._CONTROLS_BLOCK.sub("", text)


def _clean_line_the_slow_way(text: str) -> str:
    text = sanitize._ESCAPE_SEQUENCE.sub("", text)
    text = sanitize._CONTROLS_LINE.sub(" ", text)
    return sanitize._SPACES.sub(" ", text).strip()


_TRICKY = st.lists(
    st.one_of(
        st.sampled_from(["\x1b", "[", "2J", "]52;", "\x07", "\x9b", "\x90", " ", "  ", "\u00a0", "\t"]),
        st.sampled_from(["\r\n", "\r", "\n", "\u200b", "\u202e", "\ufeff"]),
        st.characters(),
    ),
    max_size=40,
).map("".join)


@settings(max_examples=500, deadline=None)
@given(_TRICKY)
def test_the_fast_paths_clean_exactly_as_the_regexes_do(text: str) -> None:
    assert clean_text(text) == _clean_text_the_slow_way(text)
    assert clean_line(text) == _clean_line_the_slow_way(text)
