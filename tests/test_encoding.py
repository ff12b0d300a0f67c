"""Decoding post files, and repairing mojibake for display."""

from __future__ import annotations

import codecs

import pytest

from tui.core.encoding import NotText, decode_bytes, repair_mojibake

TEXT = "---\ntitle: Syrië — “quoted”\n---\n<p>Café</p>\n"


@pytest.mark.parametrize(
    "data",
    [
        TEXT.encode("utf-8"),
        codecs.BOM_UTF8 + TEXT.encode("utf-8"),
        TEXT.encode("utf-16"),
        codecs.BOM_UTF16_LE + TEXT.encode("utf-16-le"),
        codecs.BOM_UTF16_BE + TEXT.encode("utf-16-be"),
        TEXT.encode("utf-32"),
    ],
)
def test_unicode_with_or_without_a_bom_is_read_without_warning(data: bytes) -> None:
    decoded = decode_bytes(data)
    assert decoded.text == TEXT
    assert decoded.warning is None


def test_other_bytes_are_cp1252_with_a_warning() -> None:
    decoded = decode_bytes(TEXT.encode("cp1252"))
    assert decoded.text == TEXT
    assert decoded.warning is not None and "cp1252" in decoded.warning


def test_bytes_cp1252_lacks_are_replaced_not_fatal() -> None:
    decoded = decode_bytes(b"abc \x81\x8d\x90 def \xe9")
    assert decoded.text == "abc \ufffd\ufffd\ufffd def é"


@pytest.mark.parametrize(
    "data",
    [
        b"two\x00NULs\x00",
        b"\x00" * 3 + b"text" * 50,
        "UTF-16 without a byte-order mark".encode("utf-16-le"),
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR",
        bytes(range(1, 32)) * 10,
        codecs.BOM_UTF16_LE + b"\x00\xd8",  # a lone surrogate: not UTF-16 after all
    ],
)
def test_binary_data_is_not_text(data: bytes) -> None:
    with pytest.raises(NotText):
        decode_bytes(data)


@pytest.mark.parametrize(
    "data",
    [
        b"text\x00with a NUL",
        b"t\x00" + b"text " * 200 + b"\x00t",
        codecs.BOM_UTF16_LE + "a\x00b".encode("utf-16-le"),
    ],
)
def test_a_stray_nul_is_left_out_with_a_warning(data: bytes) -> None:
    decoded = decode_bytes(data)
    assert "\x00" not in decoded.text and decoded.text.replace(" ", "").startswith(
        ("textwith", "ttext", "ab")
    )
    assert decoded.warning is not None and "NUL" in decoded.warning


def test_a_nul_in_cp1252_text_gives_both_warnings() -> None:
    decoded = decode_bytes("caf\x00é".encode("cp1252"))
    assert decoded.text == "café"
    assert decoded.warning is not None and "cp1252" in decoded.warning and "1 NUL byte" in decoded.warning


def test_a_few_controls_in_text_are_fine() -> None:
    assert decode_bytes(b"text with an \x1b[1mescape\x1b[0m and a \x0cform feed").warning is None


@pytest.mark.parametrize(
    ("broken", "repaired"),
    [
        ("SyriÃ«", "Syrië"),
        ("in Irak en SyriÃ« mobiliseerde", "in Irak en Syrië mobiliseerde"),
        ("CafÃ© â€“ â€œquotedâ€\x9d", "Café – “quoted”"),
        ("BuitenlÃ¢nd", "Buitenlând"),
    ],
)
def test_mojibake_is_repaired(broken: str, repaired: str) -> None:
    assert repair_mojibake(broken) == repaired


@pytest.mark.parametrize("text", ["Syrië", "plain ascii", "naïef café", "Ã alone", "€ 5,–", "新闻 📰"])
def test_good_text_is_left_alone(text: str) -> None:
    assert repair_mojibake(text) == text
