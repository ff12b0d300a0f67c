"""Property tests: whatever bytes or text arrive, the readers never raise and never let controls through."""

from __future__ import annotations

import itertools
import os
from datetime import datetime
from pathlib import Path

import pytest
from hostile_corpus import unsafe_characters
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tui.core.body_text import readable_text
from tui.core.dates import parse_date
from tui.core.encoding import NotText, decode_bytes
from tui.core.folder import POST_SUFFIXES, is_candidate_name, shown_name
from tui.core.post import Post, PostText, Problem
from tui.core.reading import read_post, read_post_text
from tui.core.sanitize import clean_line, clean_text

SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# Pieces that break readers more often than random text does.
NASTY = [
    "\x1b[2J",
    "\x1b]52;c;eA==\x07",
    "\x1b]8;;http://x\x1b\\",
    "\x1b",
    "\x07",
    "\x00",
    "\x85",
    "\x9b31m",
    "\u202e",
    "\u2066",
    "\u200b",
    "\ufeff",
    "\r\n",
    "\r",
    "\n",
    "\t",
    " ",
    "Ã«",
    "â€œ",
    "新闻",
    "📰",
    "[bold]",
    "[/]",
    "[@click=app.quit]",
    ":",
    ": ",
    "- ",
    "? ",
    "[",
    "]",
    "{",
    "}",
    "&a ",
    "*a",
    "!!binary ",
    "!!python/object/apply:os.system ",
    "|",
    ">",
    "'",
    '"',
    "#",
    "%",
    "@",
    "`",
    ",",
    "---",
    "...",
    "+++",
    "<p>",
    "</p>",
    '<a href="',
    "javascript:",
    "data:",
    "<!--",
    "-->",
    "<script>",
    "<img width=1 src=",
    "<",
    ">",
    "&amp;",
    "&#",
    "&#x1b;",
    "<![CDATA[",
    "<?",
    "</",
    "<ul><li>",
    "<blockquote>",
    "<table><tr><td>",
    "2019-02-30",
    "25:00",
    "+0200",
    "Wed, 15 May 2019 14:57:28",
    "9999",
    "0000",
    "T",
    "Z",
    "title",
    "date",
    "category",
    "categories",
    "published",
    "false",
    "null",
    "yes",
    "~",
]
nasty_text = st.lists(st.one_of(st.sampled_from(NASTY), st.text(max_size=5)), max_size=40).map("".join)
any_text = st.one_of(st.text(max_size=300), nasty_text)


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("properties")


_names = itertools.count()


def write(folder: Path, data: bytes, suffix: str = ".md") -> Path:
    path = folder / f"post-{next(_names)}{suffix}"
    path.write_bytes(data)
    return path


def assert_safe_post(result: Post | Problem) -> None:
    if isinstance(result, Problem):
        assert result.reason and unsafe_characters(result.reason) == []
        return
    assert result.title and result.categories
    for text in (result.title, result.relpath, *result.categories, *result.warnings):
        assert unsafe_characters(text) == [], text
    assert result.date.tzinfo is not None
    result.date.astimezone()
    result.date.timestamp()


@SETTINGS
@given(data=st.binary(max_size=3000), suffix=st.sampled_from([".md", ".html", ".txt"]))
def test_any_bytes_read_as_a_post_or_a_problem(folder: Path, data: bytes, suffix: str) -> None:
    result = read_post(write(folder, data, suffix), folder)
    assert isinstance(result, Post | Problem)
    assert_safe_post(result)


@SETTINGS
@given(
    front=any_text,
    body=any_text,
    delimiter=st.sampled_from(["---", "+++"]),
    encoding=st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "cp1252"]),
)
def test_any_front_matter_reads_as_a_post_or_a_problem(
    folder: Path, front: str, body: str, delimiter: str, encoding: str
) -> None:
    data = f"{delimiter}\n{front}\n{delimiter}\n{body}".encode(encoding, errors="replace")
    result = read_post_text(write(folder, data), folder)
    assert isinstance(result, PostText | Problem)
    assert_safe_post(result.post if isinstance(result, PostText) else result)


@SETTINGS
@given(
    lines=st.lists(
        st.tuples(
            st.sampled_from(["title", "date", "category", "categories", "link", "published", "x"]), any_text
        ),
        max_size=6,
    )
)
def test_any_field_values_read_as_a_post_or_a_problem(folder: Path, lines: list[tuple[str, str]]) -> None:
    front = "\n".join(f"{key}: {value}" for key, value in lines)
    result = read_post(write(folder, f"---\n{front}\n---\nBody\n".encode(errors="replace")), folder)
    assert_safe_post(result)


@SETTINGS
@given(data=st.binary(max_size=2000))
def test_decoding_gives_text_or_says_it_is_not(data: bytes) -> None:
    try:
        decoded = decode_bytes(data)
    except NotText as error:
        assert str(error)
    else:
        assert isinstance(decoded.text, str)


@SETTINGS
@given(value=st.one_of(any_text, st.datetimes(), st.dates(), st.integers(), st.none(), st.booleans()))
def test_parse_date_gives_an_aware_showable_date_or_none(value: object) -> None:
    moment = parse_date(value)
    assert moment is None or isinstance(moment, datetime)
    if moment is not None:
        assert moment.tzinfo is not None and moment.utcoffset() is not None
        moment.astimezone()


@SETTINGS
@given(body=any_text, is_html=st.booleans())
def test_render_body_never_raises_and_shows_no_controls(body: str, is_html: bool) -> None:
    rendered = readable_text(body, is_html=is_html)
    assert unsafe_characters(rendered.text, block=True) == []
    assert all(unsafe_characters(note) == [] for note in rendered.notes)


@SETTINGS
@given(text=any_text, limit=st.one_of(st.none(), st.integers(min_value=1, max_value=50)))
def test_clean_line_is_one_safe_line(text: str, limit: int | None) -> None:
    line = clean_line(text, limit)
    assert unsafe_characters(line) == []
    assert "\n" not in line and "\t" not in line and line == line.strip()
    assert limit is None or len(line) <= limit


@SETTINGS
@given(text=any_text)
def test_clean_text_keeps_only_newlines_and_tabs(text: str) -> None:
    block = clean_text(text)
    assert unsafe_characters(block, block=True) == []
    assert "\r" not in block
    block.encode("utf-8")


@given(
    st.text(st.characters(codec="utf-8"), max_size=60)
    | st.binary(max_size=40).map(lambda raw: os.fsdecode(raw.replace(b"\0", b"")))
)
def test_a_file_name_is_shown_the_same_with_or_without_the_fast_path(name: str) -> None:
    """Names as `os` gives them (odd bytes as surrogates): the quick check never changes the result."""
    assert shown_name(name) == clean_line(os.fsencode(name).decode("utf-8", "backslashreplace"))
    assert not unsafe_characters(shown_name(name))


@given(
    st.lists(st.sampled_from([".", "md", "MD", "html", "Txt", "markdown", "~", "#", "swp", "part", "a"]))
    .map("".join)
    | st.text(max_size=20)
)
def test_a_post_name_is_told_by_its_suffix_as_splitext_gives_it(name: str) -> None:
    """The listing's quick suffix check agrees with `os.path.splitext` on every name."""
    leftover = name.startswith((".", "#")) or name.endswith(("~", ".swp", ".swx", ".tmp", ".part"))
    expected = not leftover and os.path.splitext(name)[1].lower() in POST_SUFFIXES
    assert is_candidate_name(name) == expected
