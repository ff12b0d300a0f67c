"""Turn a post file's bytes into text, and repair mojibake when text is shown."""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass
from functools import lru_cache


class NotText(ValueError):
    """The bytes are binary data, not a text file."""


@dataclass(frozen=True, slots=True)
class Decoded:
    """Text decoded from a file, with a warning when the encoding had to be guessed."""

    text: str
    warning: str | None = None


_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)

# Text files hold few controls besides tab, newline, CR and form feed; binary files hold many.
_BINARY_CONTROLS = re.compile("[\x00-\x08\x0e-\x1a\x1c-\x1f]")
_TEXT_BYTES = bytes(byte for byte in range(256) if not _BINARY_CONTROLS.match(chr(byte)))
"""Every byte but those controls: deleting these from a file's bytes leaves just its controls."""
_SAMPLE = 65_536


def decode_bytes(data: bytes) -> Decoded:
    """Decode a post file: UTF-8 (with or without BOM), UTF-16/32 with BOM, else cp1252 with a warning.

    A few stray NULs (a text editor's or a transfer's slip) are left out of the text, with a warning.

    Raises:
        NotText: the data holds many NUL bytes or control characters, so it is not text.
    """
    for bom, codec in _BOMS:
        if data.startswith(bom):
            try:
                return _checked(data.decode(codec))
            except UnicodeDecodeError as error:
                raise NotText(f"starts with a {codec} byte-order mark but is not {codec}") from error
    nuls = data.count(b"\x00") if b"\x00" in data else 0
    if nuls:
        sample = data[:_SAMPLE]
        others = len(sample.translate(None, _TEXT_BYTES)) - sample.count(b"\x00")
        if _is_many(nuls + others, len(data)):
            raise NotText("binary data (NUL bytes), not a text file")
        data = data.replace(b"\x00", b"")  # in UTF-8 and cp1252 a NUL is a byte of its own
    try:
        decoded = Decoded(data.decode("utf-8"), _nul_warning(nuls))
    except UnicodeDecodeError:
        warning = "; ".join(filter(None, ["not UTF-8; read as Windows-1252 (cp1252)", _nul_warning(nuls)]))
        decoded = Decoded(data.decode("cp1252", errors="replace"), warning)
    # In UTF-8 and cp1252 each of those controls is one byte of its own: counting bytes (in C) is
    # many times faster than scanning the text.
    sample = data[:_SAMPLE]
    if len(sample.translate(None, _TEXT_BYTES)) > max(8, len(sample) // 100):
        raise _too_many_controls()
    return decoded


def _too_many_controls() -> NotText:
    return NotText("binary data (many control characters), not a text file")


def _is_many(controls: int, size: int) -> bool:
    """Whether data holding NULs is binary: NULs and other controls, more than one and one in a hundred.

    Binary formats hold NULs by the hundred (a UTF-16 text without its byte-order mark, every other
    byte); a text file holds one where an editor or a transfer slipped, and a stray NUL should not hide
    a post whose front matter reads fine.
    """
    return controls > 1 and controls > size // 100


def _nul_warning(nuls: int) -> str | None:
    if not nuls:
        return None
    return f"left out {nuls} NUL {'byte' if nuls == 1 else 'bytes'} (a text file holds none)"


def _checked(text: str) -> Decoded:
    nuls = text.count("\x00") if "\x00" in text else 0
    if nuls:
        sample = text[:_SAMPLE]
        others = len(_BINARY_CONTROLS.findall(sample)) - sample.count("\x00")
        if _is_many(nuls + others, len(text)):
            raise NotText("binary data (NUL characters), not a text file")
        text = text.replace("\x00", "")
    sample = text[:_SAMPLE]
    if sample and len(_BINARY_CONTROLS.findall(sample)) > max(8, len(sample) // 100):
        raise _too_many_controls()
    return Decoded(text, _nul_warning(nuls))


# Characters that mojibake (UTF-8 read as Latin-1/cp1252) nearly always contains.
_MOJIBAKE_LEADS = "\u00c2\u00c3\u00c5\u00e2\u00ef\u00f0"
_MOJIBAKE_HINT = re.compile(f"[{_MOJIBAKE_LEADS}][\u0080-\u02ff\u2010-\u203a\u20ac\u2122]")


def _may_be_mojibake(text: str) -> bool:
    # Six substring searches (memchr in C) rule most text out far faster than the regex scan.
    if text.isascii() or not any(lead in text for lead in _MOJIBAKE_LEADS):
        return False
    return bool(_MOJIBAKE_HINT.search(text))


_WORD = re.compile(r"[^ \t\n\r]*")
_WORD_BREAKS = " \t\n\r"
_LONGEST_LOOK_BACK = 80
"""How far back from a sign of mojibake its word's start is looked for: linear on text without spaces."""


def repair_mojibake(text: str) -> str:
    """Repair words that were once decoded with the wrong codec (`SyriÃ«` → `Syrië`), and only those.

    Word by word, so the text around a repaired word is never changed: ftfy, given a whole line that
    mixes mojibake with text that is already right, would also "repair" the right part (`irmã —` into
    `irm㠗`). A word is replaced only when ftfy finds its repair less like mojibake than the word was.
    ftfy is only asked when the text shows a sign of mojibake, because it is costly on long text.
    Escape sequences and controls are left for `tui.core.sanitize` to remove whole: ftfy would drop just
    the ESC and BEL of an OSC 52 sequence and leave its payload standing in the text.
    """
    if not _may_be_mojibake(text):
        return text
    pieces: list[str] = []
    done = 0
    for hint in _MOJIBAKE_HINT.finditer(text):
        at = hint.start()
        if at < done:
            continue  # in the word just repaired
        start = max(done, at - _LONGEST_LOOK_BACK)
        before = text[start:at]
        start += max(before.rfind(space) for space in _WORD_BREAKS) + 1
        end = _WORD.match(text, at).end()
        word = text[start:end]
        # A word in capitals is left alone: capitals broken this way are `Ã` and a sign (`Ã”` for `Ô`),
        # just as a Portuguese word in capitals and quotes is (`“IRMÃ”`).
        pieces += (text[done:start], word if word.isupper() else _repaired_word(word))
        done = end
    pieces.append(text[done:])
    return "".join(pieces)


@lru_cache(maxsize=4_096)
def _repaired_word(word: str) -> str:
    """The word as ftfy repairs it, if that is clearly better; else the word as it is.

    Kept for the next time: the same broken words come back in post after post, and line after line.
    """
    import ftfy  # imported on first need: it costs ~40 ms of every start, and most text is clean
    from ftfy.badness import badness

    fixed = ftfy.fix_text(
        word,
        remove_terminal_escapes=False,
        remove_control_chars=False,
        unescape_html=False,
        fix_line_breaks=False,
        normalization=None,
        fix_character_width=False,
        uncurl_quotes=False,
    )
    if fixed == word or badness(fixed) >= badness(word) or _unprintable(fixed) > _unprintable(word):
        return word
    return fixed


def _unprintable(text: str) -> int:
    return 0 if text.isprintable() else sum(not character.isprintable() for character in text)
