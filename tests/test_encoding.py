"""Decoding post files, and repairing mojibake for display."""

from __future__ import annotations

import codecs

import ftfy.bad_codecs  # noqa: F401 (registers the sloppy-windows-1252 codec)
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

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
        b"\x00\x01\x02",  # one NUL, but among other controls
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


@pytest.mark.parametrize(
    ("mixed", "repaired"),
    [
        ("SyriÃ« en de irmã — Café", "Syrië en de irmã — Café"),
        ("minha irmã ¿SyriÃ«?", "minha irmã ¿Syrië?"),
        ("SyriÃ« Â São Paulo", "Syrië Â São Paulo"),
        ("CafÃ© «IRMÃ» “IRMÃ”", "Café «IRMÃ» “IRMÃ”"),
        ("SyriÃ« À€ ok", "Syrië À€ ok"),  # ftfy, given the whole line, made `À€` a NUL
    ],
)
def test_only_the_broken_words_of_a_mixed_line_are_repaired(mixed: str, repaired: str) -> None:
    assert repair_mojibake(mixed) == repaired


@pytest.mark.parametrize("text", ["Syrië", "plain ascii", "naïef café", "Ã alone", "€ 5,–", "新闻 📰"])
def test_good_text_is_left_alone(text: str) -> None:
    assert repair_mojibake(text) == text


# Words that are already right, in the languages of the posts krant is read with.
WORDS = (
    "één België Syrië café ideeën geïnteresseerd reünie coöperatie naïef zeeën Curaçao privé enquête "
    "patiënt Noël São João coração irmã mãe não ação pão você está português Brasília três à às é avô "
    "avó órgão saúde lição Amazônia ônibus câmara lâmpada été élève déjà où garçon français naïve façade "
    "hôtel forêt bientôt cœur œuvre Ça À Île Ève Éric maïs aïeul château âge L’été aujourd’hui qu’il"
).split()
PUNCTUATION = ["", "«", "»", "“", "”", "‘", "’", "(", ")", ",", ".", "…", "!", "?", "¿", "¡", ":", ";"]
LOOSE = ["—", "–", "€", "£", "°", "·", "•", "©", "®", "™", "±", "½", "²", "µ", "§", "¶", "«", "»", "¿"]
SPACES = [" ", "  ", "\n", "\t", " \xa0", "\r\n"]

word = st.builds(
    lambda before, text, upper, after: before + (text.upper() if upper else text) + after,
    st.sampled_from(PUNCTUATION),
    st.sampled_from(WORDS),
    st.booleans(),
    st.sampled_from(PUNCTUATION),
)
piece = st.one_of(word, word, word, st.sampled_from(LOOSE))
right_text = st.lists(st.tuples(piece, st.sampled_from(SPACES)), min_size=1, max_size=12).map(
    lambda pairs: "".join(text + space for text, space in pairs)
)


def mojibake(text: str) -> str:
    """Text as it looks when its UTF-8 was read as Windows-1252 (bytes it lacks as the C1 controls)."""
    return text.encode("utf-8").decode("sloppy-windows-1252")


@settings(max_examples=400, deadline=None)
@given(right_text)
def test_text_that_is_already_right_passes_unchanged(text: str) -> None:
    assert repair_mojibake(text) == text


@settings(max_examples=300, deadline=None)
@given(
    right_text,
    st.sampled_from(["Syrië", "café", "coração", "déjà", "“quoted”", "Noël", "Curaçao"]),
    right_text,
)
def test_a_broken_word_among_right_text_is_repaired_alone(before: str, broken: str, after: str) -> None:
    line = f"{before} {mojibake(broken)} {after}"
    assert repair_mojibake(line) == f"{before} {broken} {after}"
