"""Untrusted text made safe for a terminal: no escape sequences, controls or bidi tricks survive."""

from __future__ import annotations

import pytest
from hostile_corpus import unsafe_characters

from tui.sanitize import clean_line, clean_text

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
