"""Write a hostile posts folder, and say what krant should make of every file in it.

Used by the core tests (tests/test_hostile_core.py) and meant for UI tests too::

    from hostile_corpus import build_corpus

    expectations = build_corpus(tmp_path / "hostile")
    for name, expected in expectations.items():
        path = tmp_path / "hostile" / name  # names are relative, with `/`, in os.fsdecode form
        ...

Every outcome is one of three:

- ``post``: a readable post; the fields that are set (title, categories, date, ...) must match.
- ``problem``: listed as a problem whose reason contains ``reason``.
- ``skipped``: never read at all (hidden, an editor's leftover, a folder, a pipe, a device, a link loop).

Nothing is checked in: the folder is generated, including pipes, sockets, symlinks and a sparse
file larger than krant reads. Run ``python tests/hostile_corpus.py DIR`` to build one by hand.
"""

from __future__ import annotations

import os
import re
import socket
import sys
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path
from typing import Literal

Outcome = Literal["post", "problem", "skipped"]

FIXED_MTIME = 1_500_000_000
"""The modification time of files whose date must come from it (2017-07-14 02:40:00 UTC)."""

MARKER = "PWNED"
"""A file that a YAML tag running code would create in the corpus folder; it must never appear."""

ESC = "\x1b"
CLEAR_SCREEN = f"{ESC}[2J{ESC}[H"
OSC52_CLIPBOARD = f"{ESC}]52;c;cm0gLXJmIH4=\x07"
OSC8_LINK = f"{ESC}]8;;http://evil.example/{ESC}\\click here{ESC}]8;;{ESC}\\"
RLO = "\u202e"


@dataclass(frozen=True, slots=True)
class Expectation:
    """What krant should make of one file of the corpus. Unset fields are not checked."""

    outcome: Outcome
    about: str
    """What the file tries to break, for failure messages."""
    title: str | None = None
    """The exact title shown."""
    title_has: tuple[str, ...] = ()
    """Text the title must contain (where the exact cleaning is not the point)."""
    categories: tuple[str, ...] | None = None
    """The exact categories, in order."""
    date: datetime | None = None
    """The exact moment of the post."""
    day: date | None = None
    """The post's calendar day in local time (for dates that are local by nature)."""
    warning: str | None = None
    """Text one of the post's warnings must contain."""
    reason: str | None = None
    """Text the problem's reason must contain."""
    body_has: tuple[str, ...] = ()
    """Text the rendered body must contain."""
    body_lacks: tuple[str, ...] = ()
    """Text the rendered body must not contain."""


def _post(about: str, **fields: object) -> Expectation:
    return Expectation("post", about, **fields)  # type: ignore[arg-type]


def _problem(about: str, reason: str) -> Expectation:
    return Expectation("problem", about, reason=reason)


def _skipped(about: str) -> Expectation:
    return Expectation("skipped", about)


def yaml_quoted(text: str) -> str:
    """A YAML double-quoted scalar that stands for exactly `text`, controls and all."""
    out = []
    for character in text:
        code = ord(character)
        if character in '"\\':
            out.append("\\" + character)
        elif code < 0x20 or 0x7F <= code < 0xA0 or 0xD800 <= code < 0xE000 or code in (0xFFFE, 0xFFFF):
            out.append(f"\\u{code:04x}")
        else:
            out.append(character)
    return '"' + "".join(out) + '"'


def front_matter(
    title: str | None = None,
    *,
    category: str | None = "hostile",
    when: str | None = "2020-01-02 03:04:05 +00:00",
    extra: str = "",
) -> str:
    """A YAML front matter block; `title` and `category` are quoted so they arrive exactly."""
    lines = ["---"]
    if title is not None:
        lines.append(f"title: {yaml_quoted(title)}")
    if category is not None:
        lines.append(f"category: {yaml_quoted(category)}")
    if when is not None:
        lines.append(f"date: {when}")
    if extra:
        lines.append(extra.rstrip("\n"))
    lines.append("---")
    return "\n".join(lines) + "\n"


DEFAULT_DATE = datetime(2020, 1, 2, 3, 4, 5, tzinfo=UTC)


UNSAFE_IN_LINE = re.compile("[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\ud800-\udfff]")
"""What must never reach a terminal in one-line text: ESC and other C0/C1 controls, bidi controls."""

UNSAFE_IN_BLOCK = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\ud800-\udfff]"
)
"""The same for multi-line text such as a body, where newline and tab are allowed."""


def unsafe_characters(text: str, *, block: bool = False) -> list[str]:
    """The characters of `text` that must not reach a terminal, as escapes (empty when it is safe)."""
    pattern = UNSAFE_IN_BLOCK if block else UNSAFE_IN_LINE
    return sorted({f"U+{ord(found):04X}" for found in pattern.findall(text)})


class _Writer:
    """Writes files below the corpus folder and records what is expected of each."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.expectations: dict[str, Expectation] = {}

    def path(self, name: str) -> Path:
        path = self.root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        return path

    def file(
        self, name: str, data: str | bytes, expected: Expectation, *, mtime: float | None = None
    ) -> None:
        path = self.path(name)
        path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
        if mtime is not None:
            os.utime(path, (mtime, mtime))
        self.expectations[name] = expected

    def post(self, name: str, title: str, body: str = "<p>Body text.</p>\n", /, **expected: object) -> None:
        """A well-formed post whose title (and perhaps category or body) is the hostile part."""
        category = expected.pop("category", "hostile")
        extra = str(expected.pop("extra", ""))
        expected.setdefault("date", DEFAULT_DATE)
        self.file(
            name,
            front_matter(title, category=category, extra=extra) + body,  # type: ignore[arg-type]
            _post(**expected),  # type: ignore[arg-type]
        )

    def special(self, name: str, expected: Expectation) -> Path:
        """Record an entry made by the caller (links, pipes, folders)."""
        self.expectations[name] = expected
        return self.path(name)


def build_corpus(folder: Path) -> dict[str, Expectation]:
    """Write the hostile corpus into `folder` (created if needed) and return what each file should become.

    Keys are paths relative to `folder`, with `/` between parts, as `os.fsdecode` gives them (a file
    name that is not UTF-8 holds surrogate escapes), so `folder / key` is always the file. Files that
    cannot be made here (a Unix socket on a long path) are left out of the corpus and the result.
    """
    folder.mkdir(parents=True, exist_ok=True)
    writer = _Writer(folder.resolve())
    _markup_and_escapes(writer)
    _file_names(writer)
    _front_matter(writer)
    _field_types(writer)
    _dates(writer)
    _encodings(writer)
    _bodies(writer)
    _files(writer, folder)
    return writer.expectations


def _markup_and_escapes(w: _Writer) -> None:
    for name, markup, about in [
        ("closing-tag", "[/]", "a closing tag with nothing open"),
        ("click", "[@click=app.quit]Quit[/]", "an action that quits the app"),
        ("file-link", "[link=file:///etc/passwd]x[/link]", "a link to a local file"),
        ("bold-red", "[bold red]x[/]", "style markup"),
        ("unbalanced", "[b]open [i]never closed", "unbalanced markup"),
    ]:
        w.post(
            f"markup/{name}.md",
            markup,
            f"<p>Body {markup} text.</p>\n",
            about=f"markup in title, category and body: {about}",
            title=markup,
            category=markup,
            categories=(markup,),
            body_has=(markup,),
        )
    w.post(
        "markup/category-list.md",
        "Categories full of markup",
        category=None,
        extra='categories: ["[@click=app.quit]", "[/]", "[link=file:///etc/passwd]x[/link]"]',
        about="several categories, all markup",
        title="Categories full of markup",
        categories=("[@click=app.quit]", "[/]", "[link=file:///etc/passwd]x[/link]"),
    )
    w.post(
        "escapes/clear-screen.md",
        f"{CLEAR_SCREEN}Cleared",
        f"<p>before{CLEAR_SCREEN}after</p>\n",
        category=f"{CLEAR_SCREEN}news",
        about="ESC [2J clears the terminal",
        title="Cleared",
        categories=("news",),
        body_has=("beforeafter",),
        body_lacks=("[2J",),
    )
    w.post(
        "escapes/osc52.md",
        f"{OSC52_CLIPBOARD}Clipboard",
        f"<p>copy{OSC52_CLIPBOARD}this</p>\n",
        about="OSC 52 writes the clipboard",
        title="Clipboard",
        body_has=("copythis",),
        body_lacks=("52;c", "cm0gLXJmIH4"),
    )
    w.post(
        "escapes/mojibake-and-osc52.md",
        f"SyriÃ« {OSC52_CLIPBOARD}clipboard",
        f"<p>SyriÃ« {OSC52_CLIPBOARD}clipboard</p>\n",
        about="mojibake repair must not leave half an escape sequence behind",
        title="Syrië clipboard",
        body_has=("Syrië clipboard",),
        body_lacks=("52;c", "cm0gLXJmIH4"),
    )
    w.post(
        "escapes/osc8.md",
        OSC8_LINK,
        f"<p>{OSC8_LINK}</p>\n",
        about="OSC 8 hyperlinks hide where they go",
        title="click here",
        body_has=("click here",),
        body_lacks=("evil.example",),
    )
    w.post(
        "escapes/c0-c1.md",
        "bell\x07 back\x08space \x85next \x9b31mred \x90dcs\x9c",
        "<p>bell\x07 back\x08space \x85next \x9b31mred \x7fdel</p>\n",
        about="C0 and C1 controls, 8-bit CSI and DCS",
        title_has=("bell", "red"),
        body_has=("bell", "red"),
    )
    w.post(
        "escapes/nul.md",
        "nul\x00here",
        about="a NUL character in the title (escaped in YAML, so the file is text)",
        title_has=("nul", "here"),
    )
    w.post(
        "escapes/bidi.md",
        f"{RLO}evil\u202c txt.exe \u2066isolate\u2069",
        f"<p>{RLO}gnp.exe</p>\n",
        category=f"{RLO}ws",
        about="bidi overrides reverse what is shown",
        title_has=("evil", "txt.exe"),
        categories=("ws",),
        body_has=("gnp.exe",),
    )
    w.post(
        "escapes/zero-width.md",
        "zero\u200b\u200c\u2060width\ufeff",
        "<p>in\u200bvisible</p>\n",
        about="zero-width characters",
        title_has=("zero", "width"),
    )
    w.file(
        "escapes/raw-in-yaml.md",
        f"---\ntitle: Raw {ESC}[31mred{ESC}[0m \x9b1mbold\x01\ncategory: hostile\n"
        "date: 2020-01-02 03:04:05 +00:00\n---\n<p>Body.</p>\n",
        _post(
            "raw ESC and C1 bytes in YAML, which YAML refuses: dropped, the post stays",
            title="Raw red bold",
            date=DEFAULT_DATE,
        ),
    )
    wide = "新闻 📰 Ｗｉｄｅ 🇳🇱 "
    w.post(
        "wide/cjk-emoji.md",
        wide * 10,
        f"<p>{wide * 100}</p>\n",
        category="国际新闻🌍",
        about="double-width CJK, fullwidth letters and emoji",
        title=(wide * 10).strip(),
        categories=("国际新闻🌍",),
        body_has=("新闻 📰",),
    )
    w.post(
        "wide/long-title.md",
        "Long title " + "x" * 10_000,
        about="a 10,000-character title",
        title_has=("Long title xxx", "…"),
    )
    w.post(
        "wide/long-category.md",
        "Long category",
        category="c" * 5_000,
        about="a 5,000-character category",
        title="Long category",
    )


def _file_names(w: _Writer) -> None:
    for name, title_has in [
        ("[@click=app.quit].md", ("[@click=app.quit]",)),
        ("[bold red]x[-].md", ("[bold red]x[",)),
        ("[link=file:﹕etc﹕passwd]x[-link].md", ("[link=file",)),
        (f"{ESC}[2Jescape.md", ("escape",)),
        (f"{ESC}]52;c;eA==\x07osc.md", ("osc",)),
        (f"report{RLO}fdp.md", ("Report",)),
        ("line\nbreak.md", ("Line break",)),
        ("tab\there.md", ("Tab here",)),
    ]:
        w.file(
            f"names/{name}",
            "Plain text without front matter or heading.\n",
            _post("markup and controls in a file name, which becomes the title", title_has=title_has),
        )
    w.file(
        os.fsdecode(b"names/caf\xe9-latin1.md"),
        "Plain text in a file whose name is not UTF-8.\n",
        _post("a file name that is not UTF-8", title_has=("Caf", "latin1")),
    )
    w.file(
        os.fsdecode(b"names/\xff\xfe-bytes/inside.md"),
        front_matter("Inside a folder named with bad bytes") + "<p>x</p>\n",
        _post("a folder name that is not UTF-8", title="Inside a folder named with bad bytes"),
    )


def _front_matter(w: _Writer) -> None:
    w.file(
        "frontmatter/absent-markdown.md",
        "# A heading from Markdown\n\nSome text, no front matter.\n",
        _post(
            "no front matter: the title comes from the first heading",
            title="A heading from Markdown",
            categories=("uncategorised",),
            warning="no date",
        ),
    )
    w.file(
        "frontmatter/absent-plain.txt",
        "Just some words.\n",
        _post(
            "no front matter and no heading: the title comes from the file name",
            title="Absent plain",
            categories=("uncategorised",),
            warning="no date",
        ),
    )
    w.file(
        "frontmatter/unterminated.md",
        "---\ntitle: Never closed\ncategory: x\n\n<p>The body.</p>\n",
        _problem("front matter that never ends", "never ends"),
    )
    w.file(
        "frontmatter/invalid-yaml.md",
        "---\ntitle: [unclosed\ncategory: x\n---\n<p>Body.</p>\n",
        _problem("invalid YAML", "invalid YAML"),
    )
    w.file(
        "frontmatter/yaml-list.md",
        "---\n- just\n- a list\n---\n<p>Body.</p>\n",
        _problem("front matter that is a list, not fields", "not a set of fields"),
    )
    marker = w.root / MARKER
    for name, tag in [
        ("python-apply", f"!!python/object/apply:os.system ['touch {marker}']"),
        ("python-new", f"!!python/object/new:subprocess.Popen [['touch', '{marker}']]"),
        ("python-name", "!!python/name:os.system"),
        ("python-module", "!!python/module:os"),
    ]:
        w.file(
            f"frontmatter/{name}.md",
            f"---\ntitle: {tag}\n---\n<p>Body.</p>\n",
            _problem(f"a YAML tag that would run code: {tag}", "could not determine a constructor"),
        )
    w.file(
        "frontmatter/binary-tag.md",
        "---\ntitle: !!binary aGVsbG8=\ncategories: !!set {a, b}\nimage: !!binary aGVsbG8=\n"
        "date: 2020-01-02 03:04:05 +00:00\n---\n<p>Body.</p>\n",
        _post(
            "YAML tags that build bytes and sets: ignored, not shown",
            title="Binary tag",
            categories=("uncategorised",),
            warning="no usable title",
            date=DEFAULT_DATE,
        ),
    )
    laughs = ["a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    for previous, name in zip("abcdefgh", "bcdefghi", strict=True):
        laughs.append(f"{name}: &{name} [{', '.join(['*' + previous] * 9)}]")
    w.file(
        "frontmatter/alias-bomb.md",
        "---\n" + "\n".join(laughs) + "\ntitle: *i\ncategories: *i\nlayout: *i\n"
        "date: 2020-01-02 03:04:05 +00:00\n---\n<p>Billion laughs.</p>\n",
        _post(
            "billion laughs: aliases that expand to 9^9 items",
            title="Alias bomb",
            categories=("uncategorised",),
            date=DEFAULT_DATE,
        ),
    )
    w.file(
        "frontmatter/deep-flow.md",
        "---\ntitle: x\ndeep: " + "[" * 10_000 + "]" * 10_000 + "\n---\n<p>Body.</p>\n",
        _problem("flow collections nested 10,000 deep (libyaml recurses in C)", "nested"),
    )
    w.file(
        "frontmatter/deep-block.md",
        "---\ntitle: x\ndeep:\n  " + "- " * 10_000 + "bottom\n---\n<p>Body.</p>\n",
        _problem("block sequences nested 10,000 deep", "nested"),
    )
    w.file(
        "frontmatter/deep-mapping.md",
        "---\ntitle: x\ndeep: " + "{a: " * 5_000 + "1" + "}" * 5_000 + "\n---\n<p>Body.</p>\n",
        _problem("mappings nested 5,000 deep", "nested"),
    )
    w.file(
        "frontmatter/megabytes.md",
        "---\ntitle: Huge\nfiller: " + "lorem ipsum " * 300_000 + "\n---\n<p>Body.</p>\n",
        _post("3.6 megabytes of front matter, which YAML reads in a blink", title="Huge"),
    )
    w.file(
        "frontmatter/toml.md",
        '+++\ntitle = "TOML front matter"\ncategories = ["toml", "hugo"]\n'
        "date = 2019-05-15T14:57:28+02:00\n+++\n\nMarkdown *body*.\n",
        _post(
            "TOML (`+++`) front matter as Hugo writes it",
            title="TOML front matter",
            categories=("toml", "hugo"),
            date=datetime(2019, 5, 15, 14, 57, 28, tzinfo=timezone(timedelta(hours=2))),
            body_has=("Markdown *body*.",),
        ),
    )
    w.file(
        "frontmatter/invalid-toml.md",
        "+++\ntitle = \n+++\nBody.\n",
        _problem("invalid TOML", "TOML"),
    )
    w.file(
        "frontmatter/json.md",
        '{"title": "JSON front matter", "category": "json", "date": "2019-05-15T14:57:28+02:00"}\n\n'
        "Body after JSON.\n",
        _post(
            "JSON front matter",
            title="JSON front matter",
            categories=("json",),
            date=datetime(2019, 5, 15, 14, 57, 28, tzinfo=timezone(timedelta(hours=2))),
            body_has=("Body after JSON.",),
        ),
    )


def _field_types(w: _Writer) -> None:
    for name, value, title in [
        ("title-list", "[a, b]", "Title list"),
        ("title-map", "{a: b}", "Title map"),
        ("title-null", "null", "Title null"),
        ("title-empty", '""', "Title empty"),
        ("title-bool", "yes", "Title bool"),
        ("title-number", "42", "42"),
        ("title-float", "3.14", "3.14"),
    ]:
        w.file(
            f"types/{name}.md",
            f"---\ntitle: {value}\ncategory: types\ndate: 2020-01-02 03:04:05 +00:00\n---\n<p>Body.</p>\n",
            _post(f"title: {value}", title=title, categories=("types",), date=DEFAULT_DATE),
        )
    for name, value, categories in [
        ("category-list", "[one, two, one]", ("one", "two")),
        ("category-map", "{a: 1}", ("uncategorised",)),
        ("category-null", "null", ("uncategorised",)),
        ("category-bool", "true", ("uncategorised",)),
        ("category-number", "2019", ("2019",)),
        ("category-nested-list", "[[a, b], c]", ("c",)),
    ]:
        w.file(
            f"types/{name}.md",
            f"---\ntitle: T\ncategory: {value}\ndate: 2020-01-02 03:04:05 +00:00\n---\n<p>Body.</p>\n",
            _post(f"category: {value}", title="T", categories=categories, date=DEFAULT_DATE),
        )
    w.file(
        "types/categories-string.md",
        "---\ntitle: T\ncategories: binnenland  politiek\n---\n<p>Body.</p>\n",
        _post("categories as a space-separated string", categories=("binnenland", "politiek")),
    )
    w.file(
        "types/many-categories.md",
        "---\ntitle: T\ncategories: [" + ", ".join(f"c{i}" for i in range(1000)) + "]\n---\n<p>x</p>\n",
        _post("a thousand categories", title="T"),
    )


def _dates(w: _Writer) -> None:
    def dated(name: str, value: str, expected: Expectation) -> None:
        w.file(
            f"dates/{name}",
            f"---\ntitle: Date {value}\ncategory: dates\ndate: {value}\n---\n<p>Body.</p>\n",
            expected,
            mtime=FIXED_MTIME,
        )

    plus_two = timezone(timedelta(hours=2))
    dated(
        "rfc2822.md",
        "Wed, 15 May 2019 14:57:28 +0200",
        _post("RFC 2822 as in the seeds", date=datetime(2019, 5, 15, 14, 57, 28, tzinfo=plus_two)),
    )
    dated(
        "iso-zone.md",
        '"2019-05-15T14:57:28+02:00"',
        _post("ISO 8601 with a zone", date=datetime(2019, 5, 15, 14, 57, 28, tzinfo=plus_two)),
    )
    dated(
        "iso-z.md",
        '"2019-05-15T12:57:28Z"',
        _post("ISO 8601 in UTC", date=datetime(2019, 5, 15, 12, 57, 28, tzinfo=UTC)),
    )
    dated("iso-naive.md", '"2019-05-15T14:57:28"', _post("ISO 8601 without zone", day=date(2019, 5, 15)))
    dated("date-only.md", "2019-05-15", _post("a YAML date without time", day=date(2019, 5, 15)))
    dated(
        "yaml-timestamp.md",
        "2019-05-15 12:57:28.5 +00:00",
        _post("a YAML timestamp", date=datetime(2019, 5, 15, 12, 57, 28, 500_000, tzinfo=UTC)),
    )
    dated(
        "year-9999.md",
        "9999-06-01 12:00:00 +00:00",
        _post("the year 9999", date=datetime(9999, 6, 1, 12, tzinfo=UTC)),
    )
    dated(
        "year-0001.md",
        "0001-06-01 12:00:00 +00:00",
        _post("the year 1", date=datetime(1, 6, 1, 12, tzinfo=UTC)),
    )
    for name, value in [
        ("2019-02-01-feb-30.md", "2019-02-30"),
        ("2019-03-01-hour-25.md", "2019-05-15 25:00:00"),
        ("2019-04-01-year-0.md", "0000-01-01"),
        ("2019-05-01-garbage.md", "not a date at all"),
        ("2019-06-01-timestamp-tag.md", "!!timestamp garbage"),
    ]:
        year, month, day = (int(part) for part in name.split("-")[:3])
        dated(
            name,
            value,
            _post(
                f"an impossible date ({value}) in a Jekyll-named file",
                day=date(year, month, day),
                warning="using the date in the file name",
            ),
        )
    mtime = datetime.fromtimestamp(FIXED_MTIME, UTC)
    dated(
        "rfc-feb-30.md",
        "Sat, 30 Feb 2019 10:00:00 +0000",
        _post("an impossible RFC 2822 date, no date in the name", date=mtime, warning="modification time"),
    )
    dated(
        "too-long.md",
        "2019" * 100,
        _post("a date of 400 digits", date=mtime, warning="modification time"),
    )
    w.file(
        "dates/2019-13-45-bad-name.md",
        "---\ntitle: No date, bad name\n---\n<p>x</p>\n",
        _post("no date and a Jekyll name with no such day", date=mtime, warning="modification time"),
        mtime=FIXED_MTIME,
    )


def _encodings(w: _Writer) -> None:
    text = front_matter("Syrië en Café", category="encoding") + "<p>Syrië, café, naïef.</p>\n"
    expected = {"title": "Syrië en Café", "categories": ("encoding",), "body_has": ("Syrië, café, naïef.",)}
    w.file("encoding/bom.md", b"\xef\xbb\xbf" + text.encode(), _post("a UTF-8 BOM before ---", **expected))
    w.file(
        "encoding/crlf.md",
        text.replace("\n", "\r\n").encode(),
        _post("CRLF line ends", **expected, body_lacks=("\r",)),
    )
    w.file(
        "encoding/cr-only.md",
        text.replace("\n", "\r").encode(),
        _post("CR-only line ends (old Mac files)", **expected, body_lacks=("\r",)),
    )
    w.file("encoding/utf16.md", text.encode("utf-16"), _post("UTF-16 with a BOM", **expected))
    w.file(
        "encoding/cp1252.md",
        text.encode("cp1252"),
        _post("Windows-1252 bytes", **expected, warning="cp1252"),
    )
    w.file(
        "encoding/mojibake.md",
        front_matter("SyriÃ« en CafÃ©", category="BuitenlÃ¢nd") + "<p>Irak en SyriÃ« mobiliseerde.</p>\n",
        _post(
            "UTF-8 once read as Latin-1",
            title="Syrië en Café",
            categories=("Buitenlând",),
            body_has=("Syrië",),
            body_lacks=("Ã",),
        ),
    )


def _bodies(w: _Writer) -> None:
    fm = front_matter("Body", category="bodies")
    date_ok = {"date": DEFAULT_DATE}
    w.file("bodies/empty.md", fm, _post("front matter and no body", title="Body", **date_ok))
    w.file(
        "bodies/markdown.md",
        fm + "## A heading\n\n* an item\n* [a link](https://example.org/)\n\n> quoted\n",
        _post(
            "a Markdown body stays Markdown",
            body_has=("## A heading", "* an item", "[a link](https://example.org/)", "> quoted"),
        ),
    )
    w.file(
        "bodies/markup.md",
        fm + "[bold red]x[/] [@click=app.quit]quit[/] [link=file:///etc/passwd]x[/link] [/]\n",
        _post(
            "markup in a body is text",
            body_has=("[bold red]x[/]", "[@click=app.quit]quit[/]", "[link=file:///etc/passwd]x[/link]"),
        ),
    )
    w.file(
        "bodies/deep-divs.html",
        fm + "<div>" * 10_000 + "deep text" + "</div>" * 10_000 + "\n",
        _post("HTML nested 10,000 levels", body_has=("deep text",)),
    )
    w.file(
        "bodies/deep-lists.html",
        fm + "<ul><li>" * 10_000 + "deep item" + "</li></ul>" * 10_000 + "\n",
        _post("lists nested 10,000 levels (html2text's output explodes)"),
    )
    w.file(
        "bodies/deep-quotes.html",
        fm + "<blockquote>" * 10_000 + "deep quote" + "</blockquote>" * 10_000 + "\n",
        _post("quotes nested 10,000 levels"),
    )
    w.file(
        "bodies/script-style.html",
        fm + "<script>alert('script ran')</script><style>body { display: none }</style>"
        "<noscript>noscript text</noscript><p>visible text</p><script>unclosed('x')\n",
        _post(
            "scripts and styles never show",
            body_has=("visible text",),
            body_lacks=("alert", "display: none", "noscript text", "unclosed"),
        ),
    )
    w.file(
        "bodies/unsafe-links.html",
        fm + '<p><a href="javascript:alert(1)">js</a> <a href="JaVaScRiPt&#58;alert(2)">js2</a> '
        '<a href="data:text/html,&lt;script&gt;">data</a> <a href="file:///etc/passwd">file</a> '
        '<a href="vbscript:x">vb</a> <img src="file:///etc/shadow" alt="local image"> '
        '<a href="https://example.org/safe">safe</a></p>\n',
        _post(
            "javascript:, data:, file: and vbscript: links are dropped; https stays",
            body_has=("https://example.org/safe", "safe"),
            body_lacks=(
                "javascript",
                "JaVaScRiPt",
                "data:",
                "file:",
                "vbscript",
                "/etc/passwd",
                "/etc/shadow",
            ),
        ),
    )
    w.file(
        "bodies/tracking.html",
        fm + '<p>Article.</p><img src="http://feeds.feedburner.com/~r/x/~4/abc" height="1" width="1" alt=""/>'
        '<img src="https://example.org/pixel.gif" width="1" height="1">'
        "<img src=https://t.example/x width=0>\n",
        _post(
            "tracking pixels and 1x1 images vanish",
            body_has=("Article.",),
            body_lacks=("feedburner", "pixel.gif", "t.example"),
        ),
    )
    row = "<tr>" + "".join(f"<td>cell {i}</td>" for i in range(20)) + "</tr>"
    w.file(
        "bodies/huge-table.html",
        fm + "<table>" + row * 5_000 + "</table>\n",
        _post("a table of 5,000 rows by 20 columns", body_has=("cell 0",)),
    )
    for name, junk in [
        ("unfinished-attribute", '<a x="' * 30_000),
        ("unfinished-tag", "<a" * 90_000),
        ("unfinished-comment", "<!--" * 50_000),
        ("unfinished-pi", "<?" * 90_000),
        ("unfinished-cdata", "<![CDATA[" * 30_000),
        ("lone-brackets", "<" * 200_000),
        ("lone-ampersands", "&#" * 100_000),
    ]:
        w.file(
            f"bodies/{name}.html",
            fm + "<p>Before the junk.</p>\n" + junk,
            _post(f"malformed HTML that is slow in html2text: {name}", body_has=("Before the junk.",)),
        )
    w.file(
        "bodies/megabytes.html",
        fm + "<p>A paragraph of the long article.</p>\n" * 100_000,
        _post("a body of 4 megabytes", body_has=("A paragraph of the long article.",)),
    )
    w.file(
        "bodies/megabytes.md",
        fm + "A line of a long Markdown article.\n" * 100_000,
        _post("a Markdown body of 3.5 megabytes", body_has=("A line of a long Markdown article.",)),
    )
    w.file(
        "bodies/one-long-line.html",
        fm + "<p>" + "word " * 400_000 + "</p>",
        _post("a single 2 MB line"),
    )


def _files(w: _Writer, root: Path) -> None:
    junk = bytes(range(256)) * 4
    w.file("files/binary.md", junk, _problem("binary data named .md", "binary"))
    w.file(
        "files/png.md",
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + junk,
        _problem("a PNG image named .md", "binary"),
    )
    w.file(
        "files/stray-nul.md",
        front_matter("A stray NUL", category="files") + "<p>before\x00after</p>\n",
        _post(
            "one stray NUL byte in a text post's body",
            title="A stray NUL",
            categories=("files",),
            warning="NUL byte",
            body_has=("beforeafter",),
        ),
    )
    w.file("files/empty.md", b"", _problem("a file of 0 bytes", "empty"))
    w.file("files/whitespace.md", " \n\t\r\n", _problem("only whitespace", "empty"))
    w.file(
        "files/only-dashes.md", "---\n---\n", _post("front matter with nothing in it", title="Only dashes")
    )

    # Read them and they become problems; they must not be read.
    for name in [
        ".hidden.md",
        ".hidden/post.md",
        "files/x.md~",
        "files/.x.md.swp",
        "files/.#x.md",
        "files/#x.md#",
    ]:
        w.file(name, junk, _skipped("hidden files and editor leftovers are never read"))
    w.file("files/ignored.pdf", junk, _skipped("not a post suffix"))

    w.special("files/folder.md", _skipped("a folder named like a post")).mkdir()
    w.file(
        "files/folder.md/inside.md",
        front_matter("Inside a folder named x.md") + "<p>x</p>\n",
        _post("a post inside a folder named like a post", title="Inside a folder named x.md"),
    )
    loop = w.special("files/loop/self", _skipped("a link to its own folder"))
    loop.symlink_to(".", target_is_directory=True)
    w.file(
        "files/loop/post.md",
        front_matter("Inside a link loop") + "<p>x</p>\n",
        _post("found once, not again through the loop", title="Inside a link loop"),
    )
    w.special("files/loop/up", _skipped("a link to the corpus folder")).symlink_to(
        root, target_is_directory=True
    )
    w.special("files/self-loop.md", _skipped("a link to itself")).symlink_to("self-loop.md")
    w.special("files/ping.md", _skipped("two links to each other")).symlink_to("pong.md")
    w.special("files/pong.md", _skipped("two links to each other")).symlink_to("ping.md")
    w.special("files/dangling.md", _skipped("a link to nothing")).symlink_to("does-not-exist.md")
    for device in ("zero", "urandom", "null", "tty"):
        if Path(f"/dev/{device}").exists():
            w.special(f"files/dev-{device}.md", _skipped(f"a link to /dev/{device}")).symlink_to(
                f"/dev/{device}"
            )
    os.mkfifo(w.special("files/pipe.md", _skipped("a named pipe (opening it would hang)")))
    os.mkfifo(w.special("files/pipe-with-writer.html", _skipped("another named pipe")))
    _unix_socket(w)
    w.file(
        "files/link-to-post.md",
        front_matter("Target of a link") + "<p>x</p>\n",
        _post("a post that a symlink also points to", title="Target of a link"),
    )
    w.special(
        "files/symlink-to-post.md", _post("a link to a post is read", title="Target of a link")
    ).symlink_to("link-to-post.md")

    unreadable = w.path("files/unreadable.md")
    unreadable.write_text(front_matter("Readable after all") + "<p>x</p>\n")
    unreadable.chmod(0)
    if _can_read(unreadable):  # root reads anything: chmod 000 keeps nobody out
        w.expectations["files/unreadable.md"] = _post(
            "chmod 000, but we run as root", title="Readable after all"
        )
    else:
        w.expectations["files/unreadable.md"] = _problem("chmod 000", "cannot be read")

    too_large = w.path("files/too-large.md")
    with too_large.open("wb") as handle:  # sparse: no disk space, and never read
        handle.write(b"---\ntitle: Too large\n---\n")
        handle.truncate(21 * 1024 * 1024)
    w.expectations["files/too-large.md"] = _problem("larger than krant reads (a sparse file)", "too large")


def _unix_socket(w: _Writer) -> None:
    path = w.path("files/socket.md")
    server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        server.bind(os.fsencode(path))
    except OSError:  # the path is too long for a socket address; leave the socket out
        return
    finally:
        server.close()
    w.expectations["files/socket.md"] = _skipped("a Unix socket")


def _can_read(path: Path) -> bool:
    try:
        with path.open("rb") as handle:
            handle.read(1)
    except OSError:
        return False
    return True


def main(argv: list[str]) -> int:
    """Build the corpus in the folder given and print what each file should become."""
    if len(argv) != 1:
        print("usage: python tests/hostile_corpus.py DIR", file=sys.stderr)
        return 2
    folder = Path(argv[0])
    if folder.exists() and any(folder.iterdir()):
        print(f"{folder} is not empty; give a new folder", file=sys.stderr)
        return 2
    expectations = build_corpus(folder)
    for name, expected in sorted(expectations.items()):
        shown = os.fsencode(name).decode("utf-8", "backslashreplace").encode("unicode_escape").decode()
        print(f"{expected.outcome:8} {shown}: {expected.about}")
    print(f"{len(expectations)} files in {folder}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
