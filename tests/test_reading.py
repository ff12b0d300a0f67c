"""Finding post files and reading each into a Post or a Problem."""

from __future__ import annotations

import math
import os
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

import tui.core.file_bytes
import tui.core.front_matter
import tui.core.reading
from tui.core.body_text import readable_text
from tui.core.folder import find_post_files
from tui.core.library import Library
from tui.core.post import UNCATEGORISED, Post, PostText, Problem
from tui.core.reading import read_post, read_post_text, title_from_name

FRONT = "---\ntitle: {title}\ndate: 2019-05-15 10:00:00 +02:00\n{extra}---\n<p>Body.</p>\n"
MTIME = 1_500_000_000


def front(title: str = "A title", extra: str = "") -> str:
    return FRONT.format(title=title, extra=extra)


def found(folder: Path) -> list[str]:
    return sorted(path.relative_to(folder).as_posix() for path in find_post_files(folder))


def read(path: Path) -> Post:
    result = read_post(path, path.parent)
    assert isinstance(result, Post), result
    return result


def problem(path: Path) -> Problem:
    result = read_post(path, path.parent)
    assert isinstance(result, Problem), result
    return result


# Finding files ---------------------------------------------------------------------------------


def test_every_post_suffix_anywhere_below_the_folder_is_found(posts_folder: Path, write_post) -> None:
    names = ["a.md", "b.markdown", "c.html", "d.htm", "e.txt", "f.MD", "news/_posts/2019-05-15-g.md"]
    for name in names:
        write_post(name, front())
    write_post("notes.pdf", "x")
    write_post("image.png", "x")
    write_post("README", "x")
    assert found(posts_folder) == sorted(names)


def test_hidden_files_folders_and_editor_leftovers_are_skipped(posts_folder: Path, write_post) -> None:
    write_post("kept.md", front())
    for name in [".hidden.md", ".git/x.md", "sub/.cache/y.md", ".x.md.swp", "x.md~", ".#x.md", "#x.md#"]:
        write_post(name, front())
    assert found(posts_folder) == ["kept.md"]


def test_skipped_files_are_never_opened(posts_folder: Path, write_post, monkeypatch) -> None:
    write_post("kept.md", front())
    write_post(".hidden.md", front())
    write_post("x.md~", front())
    os.mkfifo(posts_folder / "pipe.md")
    opened: list[str] = []
    real_open = os.open

    def spy(path, *args, **kwargs):
        opened.append(os.path.basename(path))
        return real_open(path, *args, **kwargs)

    monkeypatch.setattr(tui.core.file_bytes.os, "open", spy)
    library = Library.read_folder(posts_folder)
    assert opened == ["kept.md"]
    assert [post.relpath for post in library.posts] == ["kept.md"]
    assert library.problems == []


def test_pipes_sockets_and_devices_are_not_yielded(posts_folder: Path, write_post) -> None:
    write_post("kept.md", front())
    os.mkfifo(posts_folder / "pipe.md")
    (posts_folder / "zero.md").symlink_to("/dev/zero")
    (posts_folder / "dangling.md").symlink_to("nowhere.md")
    assert found(posts_folder) == ["kept.md"]


def test_symlink_loops_terminate_and_each_file_is_found_once(posts_folder: Path, write_post) -> None:
    write_post("sub/post.md", front())
    (posts_folder / "sub" / "self").symlink_to(".", target_is_directory=True)
    (posts_folder / "sub" / "root").symlink_to(posts_folder, target_is_directory=True)
    (posts_folder / "loop.md").symlink_to("loop.md")
    assert found(posts_folder) == ["sub/post.md"]


def test_a_symlinked_post_is_read(posts_folder: Path, write_post) -> None:
    write_post("real.md", front("Real"))
    (posts_folder / "link.md").symlink_to("real.md")
    assert found(posts_folder) == ["link.md", "real.md"]
    assert read(posts_folder / "link.md").title == "Real"


# Front matter ----------------------------------------------------------------------------------


def test_the_seed_post_is_read_with_every_field(seed_folder: Path) -> None:
    path = seed_folder / "2019-05-15-nederlandse-trainingsmissie-in-irak-stilgelegd.html"
    post = read(path)
    assert post.title == "Nederlandse trainingsmissie in Irak stilgelegd vanwege dreiging"
    assert post.date == datetime(2019, 5, 15, 14, 57, 28, tzinfo=timezone(timedelta(hours=2)))
    assert post.categories == ("nieuws",)
    assert post.link == "https://nos.nl/l/2284764"
    assert post.image == "https://nos.nl/data/image/2019/05/15/550098/1008x567.jpg"
    assert post.layout == "post"
    assert post.published and post.is_html
    assert post.warnings == ()
    assert post.relpath == path.name


def test_a_post_is_ordered_by_its_dates_timestamp_however_it_was_made(seed_folder: Path) -> None:
    """The timestamp is worked out once (ordering 100,000 posts asks for it often); it must be the date's."""
    post = read(seed_folder / "2019-05-15-nederlandse-trainingsmissie-in-irak-stilgelegd.html")
    assert post.timestamp == post.date.timestamp()
    made = Post(Path("x.md"), "x.md", "X", datetime(2001, 2, 3, 4, 5, tzinfo=UTC), ("a",))
    assert made.timestamp == datetime(2001, 2, 3, 4, 5, tzinfo=UTC).timestamp()
    assert made.sort_key == (-made.timestamp, "x.md")
    assert post.sort_key < made.sort_key  # newer first


def test_category_and_categories_combine(write_post) -> None:
    path = write_post("a.md", front(extra="category: nieuws\ncategories: [buitenland, Nieuws, politiek]\n"))
    assert read(path).categories == ("nieuws", "buitenland", "politiek")


def test_categories_may_be_a_space_separated_string(write_post) -> None:
    path = write_post("a.md", front(extra="categories: binnenland  politiek\n"))
    assert read(path).categories == ("binnenland", "politiek")


def test_missing_category_is_uncategorised(write_post) -> None:
    assert read(write_post("a.md", front())).categories == (UNCATEGORISED,)


def test_jekyll_folders_give_categories_when_the_front_matter_has_none(write_post) -> None:
    path = write_post("news/world/_posts/2019-05-15-x.md", front())
    assert read_post(path, path.parents[3]).categories == ("news", "world")


@pytest.mark.parametrize(
    ("extra", "link"),
    [
        ("externe_link: https://a.example/\nlink: https://b.example/\n", "https://a.example/"),
        ("link: https://b.example/\nurl: https://c.example/\n", "https://b.example/"),
        ("url: https://c.example/\n", "https://c.example/"),
        ("", None),
    ],
)
def test_the_link_comes_from_externe_link_then_link_then_url(
    write_post, extra: str, link: str | None
) -> None:
    assert read(write_post("a.md", front(extra=extra))).link == link


def test_the_image_comes_from_feature_image_or_image(write_post) -> None:
    both = write_post(
        "a.md", front(extra="feature_image: https://a.example/f.jpg\nimage: https://a.example/i.jpg\n")
    )
    assert read(both).image == "https://a.example/f.jpg"
    assert (
        read(write_post("b.md", front(extra="image: https://a.example/i.jpg\n"))).image
        == "https://a.example/i.jpg"
    )


def test_unpublished_posts_are_hidden_unless_asked_for(posts_folder: Path, write_post) -> None:
    write_post("draft.md", front("Draft", "published: false\n"))
    write_post("public.md", front("Public", "published: true\n"))
    assert read(posts_folder / "draft.md").published is False
    assert [post.title for post in Library.read_folder(posts_folder).posts] == ["Public"]
    shown = Library.read_folder(posts_folder, include_unpublished=True).posts
    assert sorted(post.title for post in shown) == ["Draft", "Public"]


def test_a_missing_title_is_the_file_name_made_readable(write_post) -> None:
    path = write_post("2019-05-15-hello-big_world.md", "---\ndate: 2019-05-15\n---\nBody.\n")
    post = read(path)
    assert post.title == "Hello big world"
    assert any("title" in warning for warning in post.warnings)


def test_title_from_name() -> None:
    assert title_from_name("2019-05-15-scepsis-bij-bondgenoten.html") == "Scepsis bij bondgenoten"
    assert title_from_name("notes.md") == "Notes"
    assert title_from_name(os.fsdecode(b"caf\xe9.md")) == "Caf\ufffd"


def test_without_front_matter_a_markdown_heading_is_the_title(write_post) -> None:
    post = read(write_post("a.md", "# The heading\n\nText.\n"))
    assert post.title == "The heading"
    # Nothing to fix but the date, which only the file's modification time gives.
    assert post.warnings == ("no date; using the file's modification time",)


def test_toml_and_json_front_matter(write_post) -> None:
    toml = read(write_post("t.md", '+++\ntitle = "Hugo"\ncategories = ["a"]\n+++\nBody\n'))
    assert (toml.title, toml.categories) == ("Hugo", ("a",))
    data = read(write_post("j.md", '{"title": "Json", "category": "b"}\nBody\n'))
    assert (data.title, data.categories) == ("Json", ("b",))


def test_crlf_front_matter(write_post) -> None:
    post = read(write_post("a.md", front("Windows").replace("\n", "\r\n")))
    assert post.title == "Windows"
    assert post.date == datetime(2019, 5, 15, 8, tzinfo=UTC)


def test_cr_only_line_ends_are_read_like_lf(write_post) -> None:
    """Old Mac files end their lines in a lone CR: the front matter is found, not the file name used."""
    post = read(write_post("old-mac.md", front("Classic Mac", "category: archief\n").replace("\n", "\r")))
    assert (post.title, post.categories) == ("Classic Mac", ("archief",))
    assert post.date == datetime(2019, 5, 15, 8, tzinfo=UTC)
    assert post.warnings == ()
    heading = read(write_post("heading.md", "Intro\r# The heading\r\rText.\r"))
    assert heading.title == "The heading"


# Dates -----------------------------------------------------------------------------------------


def test_a_missing_date_is_the_jekyll_file_names_without_a_warning(write_post, local_zone) -> None:
    """Jekyll dates a post by its file name: that is the convention, not something to fix."""
    post = read(write_post("2019-05-15-x.md", "---\ntitle: x\n---\nBody\n", mtime=MTIME))
    assert post.date == datetime(2019, 5, 15).astimezone()
    assert post.date.tzinfo is not None
    assert post.warnings == ()


def test_an_unreadable_date_falls_back_to_the_file_name_with_a_warning(write_post, local_zone) -> None:
    post = read(write_post("2019-05-15-x.md", "---\ntitle: x\ndate: never\n---\nBody\n", mtime=MTIME))
    assert post.date == datetime(2019, 5, 15).astimezone()
    assert post.warnings == ("unreadable date; using the date in the file name",)


def test_an_unreadable_date_falls_back_to_the_modification_time_with_a_warning(write_post) -> None:
    post = read(write_post("x.md", "---\ntitle: x\ndate: 2019-02-30\n---\nBody\n", mtime=MTIME))
    assert post.date == datetime.fromtimestamp(MTIME, UTC)
    assert any("unreadable date" in warning and "modification time" in warning for warning in post.warnings)


# Encodings -------------------------------------------------------------------------------------


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "utf-16", "utf-16-le", "utf-16-be"])
def test_utf8_and_utf16_with_bom(write_post, encoding: str) -> None:
    data = front("Syrië").encode(encoding)
    if encoding in ("utf-16-le", "utf-16-be"):
        data = "\ufeff".encode(encoding) + data
    post = read(write_post("a.md", data))
    assert post.title == "Syrië"
    assert post.warnings == ()


def test_other_bytes_are_read_as_cp1252_with_a_warning(write_post) -> None:
    post = read(write_post("a.md", front("Café “quoted”").encode("cp1252")))
    assert post.title == "Café “quoted”"
    assert any("cp1252" in warning for warning in post.warnings)


def test_mojibake_is_repaired_in_title_and_category_but_the_raw_body_stays(write_post) -> None:
    path = write_post("a.md", front("SyriÃ« en Irak", "category: BuitenlÃ¢nd\n") + "<p>SyriÃ«</p>\n")
    result = read_post_text(path, path.parent)
    assert isinstance(result, PostText)
    assert result.post.title == "Syrië en Irak"
    assert result.post.categories == ("Buitenlând",)
    assert "SyriÃ«" in result.body


def test_a_stray_nul_in_the_body_leaves_a_post_and_is_not_shown(write_post) -> None:
    path = write_post(
        "nul.md", front("Een NUL", "category: nieuws\n").replace("<p>Body.</p>", "<p>Bo\x00dy.</p>")
    )
    result = read_post_text(path, path.parent)
    assert isinstance(result, PostText), result
    assert (result.post.title, result.post.categories) == ("Een NUL", ("nieuws",))
    assert result.post.warnings == ("left out 1 NUL byte (a text file holds none)",)
    assert readable_text(result.body, is_html=True).text.strip() == "Body."


# Problems --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b"", "empty"),
        (b"  \n\n\t", "empty"),
        (b"---\ntitle: [x\n---\nBody\n", "invalid YAML"),
        (b"---\ntitle: x\nBody without an end\n", "never ends"),
        (b"---\n- a list\n---\nBody\n", "not a set of fields"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary"),
        (b"---\ntitle: x\n---\n" + b"\x00" * 100, "binary data (NUL bytes)"),
        (bytes(range(32)) * 20, "binary"),
        (b"---\nx: " + b"[" * 1000 + b"]" * 1000 + b"\n---\n", "nested"),
    ],
)
def test_files_that_are_not_readable_posts_are_problems(write_post, content: bytes, reason: str) -> None:
    found_problem = problem(write_post("bad.md", content))
    assert reason in found_problem.reason
    assert "\n" not in found_problem.reason


def test_a_folder_is_a_problem_when_read_directly(posts_folder: Path) -> None:
    (posts_folder / "x.md").mkdir()
    assert "folder" in problem(posts_folder / "x.md").reason


def test_a_pipe_read_directly_is_refused_without_opening_it(posts_folder: Path) -> None:
    os.mkfifo(posts_folder / "pipe.md")
    assert "not a regular file" in problem(posts_folder / "pipe.md").reason


def test_a_file_that_vanished_is_a_problem(posts_folder: Path) -> None:
    assert "vanished" in problem(posts_folder / "gone.md").reason


def test_a_file_that_vanishes_between_stat_and_open_is_a_problem(write_post, monkeypatch) -> None:
    path = write_post("a.md", front())

    def vanish(*args, **kwargs):
        raise FileNotFoundError(2, "No such file or directory")

    monkeypatch.setattr(tui.core.file_bytes.os, "open", vanish)
    assert "vanished" in problem(path).reason


def test_an_unreadable_file_is_a_problem(write_post, monkeypatch) -> None:
    path = write_post("a.md", front())

    def refuse(*args, **kwargs):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(tui.core.file_bytes.os, "open", refuse)
    assert problem(path).reason == "cannot be read: Permission denied"


def test_a_file_too_large_is_a_problem_and_is_not_read(write_post, monkeypatch) -> None:
    monkeypatch.setattr(tui.core.file_bytes, "MAX_FILE_BYTES", 100)
    assert "too large" in problem(write_post("a.md", front() + "x" * 200)).reason


def test_no_exception_from_one_file_escapes(write_post, monkeypatch) -> None:
    def explode(data: bytes):
        raise RuntimeError("surprise")

    monkeypatch.setattr(tui.core.reading, "decode_bytes", explode)
    assert problem(write_post("a.md", front())).reason == "could not be read: RuntimeError: surprise"


def many_tags(count: int, extra: str = "") -> str:
    tags = "".join(f"  - tag{number}\n" for number in range(count))
    return front("Many tags", f"category: nieuws\n{extra}tags:\n{tags}")


def test_a_post_with_150000_tags_is_read_keeping_a_bounded_number(write_post, monkeypatch) -> None:
    # Its size is the point; the time bound is tested below, and a busy machine must not fail this.
    monkeypatch.setattr(tui.core.front_matter, "MAX_FRONT_MATTER_SECONDS", math.inf)
    text = many_tags(150_000)
    assert len(text) > 1_300_000
    post = read(write_post("tags.md", text))
    assert (post.title, post.categories) == ("Many tags", ("nieuws",))
    assert post.tags == tuple(f"tag{number}" for number in range(tui.core.reading.MAX_CATEGORIES))


@pytest.mark.parametrize("extra", ["", "flow: [a, b]\n"])  # with brackets, nesting is counted line by line
def test_front_matter_that_takes_too_long_to_read_is_a_problem(write_post, monkeypatch, extra: str) -> None:
    monkeypatch.setattr(tui.core.front_matter, "MAX_FRONT_MATTER_SECONDS", 0.0)
    found_problem = problem(write_post("slow.md", many_tags(20_000, extra)))
    assert found_problem.reason == "front matter takes too long to read (more than 0 s)"


def test_front_matter_beyond_the_size_bound_is_not_parsed(write_post, monkeypatch) -> None:
    monkeypatch.setattr(tui.core.front_matter, "MAX_FRONT_MATTER_CHARS", 100_000)
    monkeypatch.setattr(tui.core.front_matter, "_load_yaml", None)  # never reached
    found_problem = problem(write_post("huge.md", front("Huge", "filler: " + "lorem ipsum " * 10_000 + "\n")))
    assert found_problem.reason.startswith("front matter is too large (120,")
    assert "the limit is 100,000" in found_problem.reason


def test_the_identity_key_survives_a_move_but_not_a_new_title(posts_folder: Path, write_post) -> None:
    first = read(write_post("a.md", front("Same")))
    moved = read(write_post("sub/b.md", front("Same")))
    other = read(write_post("c.md", front("Other")))
    assert first.key == moved.key != other.key
    linked = read(write_post("d.md", front("Same", "externe_link: https://a.example/1\n")))
    assert linked.key == "link:https://a.example/1"


# Nesting: krant's own bound, before any YAML library --------------------------------------------


def _nested(depth: int, leaf: object = "x") -> object:
    value = leaf
    for level in range(depth):
        value = [value, level] if level % 2 else {"k": value}
    return value


@pytest.mark.parametrize(
    "content",
    [
        "deep: " + "[" * 60 + "]" * 60,
        "deep:\n  " + "- " * 60 + "bottom",
        "deep: " + "{a: " * 60 + "1" + "}" * 60,
    ],
)
def test_front_matter_nested_too_deep_is_refused_in_krants_words(write_post, content: str) -> None:
    """Whatever the YAML library would say (PyYAML 6.0.4 has its own wording), the reason is krant's."""
    reason = problem(write_post("deep.md", f"---\ntitle: x\n{content}\n---\nBody\n")).reason
    assert reason == f"front matter is nested more than {tui.core.front_matter.MAX_NESTING} levels deep"


def test_front_matter_nested_within_the_limit_is_read(write_post) -> None:
    data = yaml.safe_dump({"title": "Diep", "deep": _nested(tui.core.front_matter.MAX_NESTING // 2)})
    assert read(write_post("ok.md", f"---\n{data}---\nBody\n")).title == "Diep"


@settings(max_examples=200, deadline=None)
@given(depth=st.integers(0, 40), flow=st.booleans(), width=st.integers(20, 200))
def test_the_nesting_bound_is_never_below_what_yaml_builds(depth: int, flow: bool, width: int) -> None:
    value = {"deep": _nested(depth, "it's [not] {a} #level")}
    text = yaml.safe_dump(value, default_flow_style=flow, width=width)
    assert tui.core.front_matter.nesting_depth(text) >= depth + 1
