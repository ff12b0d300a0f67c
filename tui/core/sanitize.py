"""Make untrusted text safe to put on a terminal: no escape sequences, controls or bidi tricks."""

from __future__ import annotations

import re

# Whole escape sequences go, not just the ESC byte, so `\x1b[2J` leaves nothing behind.
_ESCAPE_SEQUENCE = re.compile(
    r"""
    \x1b\[[0-?]*[ -/]*[@-~]?            # CSI: cursor moves, colours, clear screen
    | \x1b[\]PX^_][^\x07\x1b\x9c]*(?:\x07|\x1b\\|\x9c)?   # OSC/DCS/SOS/PM/APC up to BEL or ST
    | \x9b[0-?]*[ -/]*[@-~]?            # 8-bit CSI
    | [\x90\x9d\x98\x9e\x9f][^\x07\x1b\x9c]*(?:\x07|\x1b\\|\x9c)?  # 8-bit OSC/DCS/...
    | \x1b[ -/]*[0-~]?                  # any other ESC sequence (charset switches, RIS, ...)
    """,
    re.VERBOSE,
)

# C0 and C1 controls, DEL, bidi embeddings/overrides/isolates, zero-width and other invisible
# format characters, line/paragraph separators, the BOM, and lone surrogates (which cannot be printed).
_INVISIBLE = (
    "\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u061c\u200b-\u200f\u2028-\u202e\u2060-\u206f"
    "\ud800-\udfff\ufeff\ufff9-\ufffb"
)
_CONTROLS_BLOCK = re.compile(f"[{_INVISIBLE}]")
_CONTROLS_LINE = re.compile(f"[{_INVISIBLE}\t\n\r]+")
_SPACES = re.compile(r"[ \u00a0]{2,}")
# Every escape sequence starts with one of these; text without any has none to remove.
_SEQUENCE_STARTS = ("\x1b", "\x9b", "\x90", "\x9d", "\x98", "\x9e", "\x9f")


def _has_sequence_start(text: str) -> bool:
    # Seven substring searches (memchr in C) are several times faster than one regex scan.
    return any(start in text for start in _SEQUENCE_STARTS)


def has_invisible(text: str) -> bool:
    """Whether text holds anything `clean_text` removes (besides turning CRs into newlines).

    `str.isprintable` is false for every invisible character (controls, format characters,
    separators, surrogates), and costs a fraction of a regex scan; a false alarm (a no-break space)
    only sends the text the slow, exact way.
    """
    return not text.replace("\n", "").replace("\t", "").replace("\r", "").isprintable()


def clean_text(text: str) -> str:
    """Strip escape sequences and invisible controls from multi-line text, keeping newlines and tabs.

    Carriage returns are normalised to newlines, so CRLF files and stray CRs cannot move the cursor.
    """
    if _has_sequence_start(text):
        text = _ESCAPE_SEQUENCE.sub("", text)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return _CONTROLS_BLOCK.sub("", text) if has_invisible(text) else text


def clean_line(text: str, limit: int | None = None) -> str:
    """Make text fit for a single line: no controls, whitespace runs collapsed, optionally shortened.

    Args:
        text: Untrusted text such as a title, a category or a file name.
        limit: Longest result in characters; longer text ends in an ellipsis.
    """
    if text.isprintable() and "  " not in text:  # the usual title: nothing to remove or collapse
        text = text.strip()
    else:
        if _has_sequence_start(text):
            text = _ESCAPE_SEQUENCE.sub("", text)
        text = _CONTROLS_LINE.sub(" ", text)
        text = _SPACES.sub(" ", text).strip()
    if limit is not None and len(text) > limit:
        text = text[: limit - 1].rstrip() + "…"
    return text
