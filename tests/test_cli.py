"""The scriptable commands: `krant list`, `krant show` and `krant check`, in-process and installed."""

from __future__ import annotations

import base64
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import REPO, TEST_ZONE
from hostile_corpus import build_corpus, unsafe_characters

import tui.cli
from tui.cli import main

SECOND = "2019-05-15-nederlandse-trainingsmissie-in-irak-stilgelegd.html"
FIRST_LINE = "2019-05-15 22:01  buitenland  Scepsis bij bondgenoten VS over dreiging in Irak"
SECOND_LINE = "2019-05-15 14:57  nieuws      Nederlandse trainingsmissie in Irak stilgelegd vanwege dreiging"
ESC = "\x1b"


@pytest.fixture(autouse=True)
def own_locations(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Never read or write the user's own krant state while testing."""
    for name in ("XDG_STATE_HOME", "XDG_CACHE_HOME", "XDG_CONFIG_HOME"):
        monkeypatch.setenv(name, str(tmp_path / name.lower()))


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


# krant list ------------------------------------------------------------------------------------


def test_list_shows_the_seeds_newest_first_in_local_time(capsys, seed_folder: Path, local_zone: str) -> None:
    code, out, err = run(capsys, "list", str(seed_folder))
    assert code == 0 and err == ""
    assert out.splitlines() == [FIRST_LINE, SECOND_LINE]


def test_list_uses_the_local_zone(capsys, seed_folder: Path, monkeypatch) -> None:
    import time

    monkeypatch.setenv("TZ", "UTC")
    time.tzset()
    try:
        _code, out, _err = run(capsys, "list", str(seed_folder))
    finally:
        monkeypatch.undo()
        time.tzset()
    assert out.splitlines()[0].startswith("2019-05-15 20:01  buitenland")


def test_list_defaults_to_the_posts_folder_here(capsys, monkeypatch, local_zone: str) -> None:
    monkeypatch.chdir(REPO)
    assert run(capsys, "list")[1].splitlines() == [FIRST_LINE, SECOND_LINE]


def test_list_by_category(capsys, seed_folder: Path, local_zone: str) -> None:
    only = run(capsys, "list", str(seed_folder), "--category", "nieuws")[1].splitlines()
    assert only == [SECOND_LINE.replace("nieuws      ", "nieuws  ")]  # as wide as the categories listed
    assert run(capsys, "list", str(seed_folder), "-c", "sport")[1] == ""


def test_list_json_has_every_field(capsys, seed_folder: Path) -> None:
    code, out, _err = run(capsys, "list", str(seed_folder), "--json")
    records = json.loads(out)
    assert code == 0 and len(records) == 2
    first = records[0]
    assert first["title"] == "Scepsis bij bondgenoten VS over dreiging in Irak"
    assert first["date"] == "2019-05-15T22:01:53+02:00"
    assert first["categories"] == ["buitenland"]
    assert first["link"] == "http://feeds.nos.nl/~r/nosnieuwsbuitenland/~3/MgZNuWpkq7Y/2284826"
    assert first["image"] == "https://nos.nl/data/image/2019/05/15/550241/1008x567.jpg"
    assert first["layout"] == "post" and first["published"] is True and first["format"] == "html"
    assert first["file"] == "2019-05-15-scepsis-bij-bondgenoten-vs-over-dreiging-in-irak.html"
    assert Path(first["path"]) == seed_folder / first["file"] and first["path_base64"] is None
    assert first["warnings"] == [] and first["key"].startswith("link:")


ODD_NAMES = [
    os.fsdecode(b"2019-09-21-regel\neinde.md"),
    os.fsdecode(b"2019-09-22-caf\xe9 latin-1.md"),
    os.fsdecode(b"2019-09-23-\x1b[2Jwis\x07.md"),
    os.fsdecode("2019-09-24-\u202eevil.md".encode()),
]


def odd_names_folder(folder: Path) -> list[str]:
    for number, name in enumerate(ODD_NAMES):
        (folder / name).write_text(f"---\ntitle: Post {number}\n---\n<p>Body {number}.</p>\n")
    return ODD_NAMES


def test_list_json_gives_each_odd_name_exactly_and_show_takes_it_back(capsys, posts_folder: Path) -> None:
    odd_names_folder(posts_folder)
    code, out, _err = run(capsys, "list", str(posts_folder), "--json")
    assert code == 0 and unsafe_characters(out.replace("\n", "")) == []
    records = sorted(json.loads(out), key=lambda record: record["title"])
    assert [record["file"] for record in records] == ODD_NAMES
    for number, record in enumerate(records):
        assert os.path.exists(record["path"]) and os.path.basename(record["path"]) == ODD_NAMES[number]
        exact = os.fsencode(record["path"])
        assert (record["path_base64"] is None) == (number != 1)
        if record["path_base64"] is not None:
            assert base64.b64decode(record["path_base64"]) == exact
        shown = run(capsys, "show", record["path"])
        assert shown[0] == 0 and f"Post {number}" in shown[1] and f"Body {number}." in shown[1], shown
    plain = run(capsys, "list", str(posts_folder))[1]
    assert unsafe_characters(plain.replace("\n", "")) == [] and len(plain.splitlines()) == 4


def test_list_all_includes_unpublished_posts(capsys, write_post, posts_folder: Path) -> None:
    write_post("draft.md", "---\ntitle: Draft\npublished: false\n---\nBody\n")
    write_post("public.md", "---\ntitle: Public\n---\nBody\n")
    assert [line.split("  ")[-1] for line in run(capsys, "list", str(posts_folder))[1].splitlines()] == [
        "Public"
    ]
    shown = run(capsys, "list", str(posts_folder), "--all")[1]
    assert "Draft" in shown and "Public" in shown


# krant show ------------------------------------------------------------------------------------


def test_show_markdown_prints_the_header_then_the_markdown(
    capsys, seed_folder: Path, local_zone: str
) -> None:
    code, out, err = run(capsys, "show", "--markdown", str(seed_folder / SECOND))
    assert code == 0 and err == ""
    lines = out.splitlines()
    assert lines[0] == "Nederlandse trainingsmissie in Irak stilgelegd vanwege dreiging"
    assert "Date:       Wed 15 May 2019 14:57 CEST" in lines  # as the reader's header says it
    assert "Categories: nieuws" in lines
    assert "Link:       https://nos.nl/l/2284764" in lines
    assert "## Militairen zijn veilig" in lines
    assert "Syrië" in out and "Ã" not in out
    assert "feedburner" not in out and "<p>" not in out
    assert lines.index("Categories: nieuws") < lines.index("## Militairen zijn veilig")


@pytest.mark.parametrize("width", [24, 60, 100])
def test_show_lays_the_article_out_as_the_reader_does_at_the_width_given(
    capsys, seed_folder: Path, local_zone: str, width: int
) -> None:
    from tui.core.article import readable_post
    from tui.core.document import parse_document
    from tui.core.reading import read_post_text
    from tui.ui.article_layout import plain_lines

    code, out, err = run(capsys, "show", "--width", str(width), str(seed_folder / SECOND))
    assert code == 0 and err == ""
    assert "\x1b" not in out and "## " not in out and "<p>" not in out
    body = out.split("\n\n", 2)[2].splitlines()  # after the header's title, date, link and image
    assert all(len(line) <= width for line in body)
    assert "Militairen zijn veilig" in body
    result = read_post_text(seed_folder / SECOND, seed_folder)
    assert body == plain_lines(parse_document(readable_post(result).text), width)


def test_show_of_several_files_shows_each_and_says_which_failed(
    capsys, seed_folder: Path, write_post
) -> None:
    broken = write_post("binary.md", b"\x00\x01\x02")
    files = [str(seed_folder / SECOND), str(broken), str(seed_folder / SECOND)]
    code, out, err = run(capsys, "show", "--width", "70", *files)
    assert code == 1
    assert out.count("Nederlandse trainingsmissie in Irak stilgelegd vanwege dreiging\n====") == 2
    assert err.startswith(f"{broken}: ")


def test_show_of_a_file_that_is_not_a_post_says_why(capsys, write_post) -> None:
    path = write_post("binary.md", b"\x00\x01\x02")
    code, out, err = run(capsys, "show", str(path))
    assert code == 1 and out == ""
    assert err == f"{path}: binary data (NUL bytes), not a text file\n"


# krant check -----------------------------------------------------------------------------------


def test_check_of_the_seeds_finds_nothing(capsys, seed_folder: Path) -> None:
    code, out, err = run(capsys, "check", str(seed_folder))
    assert (code, out, err) == (0, "", "2 posts, 0 problems\n")


def test_check_lists_problems_and_warnings_and_fails(capsys, write_post, posts_folder: Path) -> None:
    write_post("bad.md", "---\ntitle: [x\n---\n")
    write_post("2019-05-15-undated.md", "---\ntitle: Undated\n---\nBody\n")
    write_post("draft.md", "---\ntitle: Draft\ndate: 2019-02-30\npublished: false\n---\nBody\n")
    code, out, err = run(capsys, "check", str(posts_folder))
    assert code == 1
    lines = out.splitlines()
    assert lines[0].startswith("bad.md: invalid YAML front matter")
    assert not any(line.startswith("2019-05-15-undated.md") for line in lines)  # Jekyll's way: nothing to fix
    assert any(line.startswith("draft.md: warning: unreadable date") for line in lines)
    assert err == "2 posts, 1 problem\n"


def test_check_and_list_of_a_hostile_folder_stay_one_safe_line_each(capsys, tmp_path: Path) -> None:
    folder = tmp_path / "hostile"
    build_corpus(folder)
    code, out, _err = run(capsys, "check", str(folder))
    assert code == 1
    for line in out.splitlines():
        assert ": " in line and unsafe_characters(line) == [], line
    code, out, _err = run(capsys, "list", str(folder))
    assert code == 0 and unsafe_characters(out.replace("\n", "")) == []
    records = json.loads(run(capsys, "list", str(folder), "--json")[1])
    assert len(records) == len(out.splitlines()) > 60


# Usage errors ----------------------------------------------------------------------------------


def test_a_folder_that_does_not_exist(capsys, tmp_path: Path) -> None:
    for command in ("list", "check"):
        assert run(capsys, command, str(tmp_path / "nope")) == (
            2,
            "",
            f"krant: no such folder: {tmp_path / 'nope'}\n",
        )


def test_a_file_where_a_folder_is_expected(capsys, write_post) -> None:
    path = write_post("a.md", "---\ntitle: x\n---\n")
    assert run(capsys, "list", str(path)) == (
        2,
        "",
        f"krant: not a folder: {path} (to read a post, try: krant show {path})\n",
    )
    other = path.with_name("notes.pdf")
    other.write_bytes(b"%PDF")
    assert run(capsys, "list", str(other)) == (2, "", f"krant: not a folder: {other}\n")


def test_opening_a_post_file_suggests_krant_show(capsys, write_post) -> None:
    path = write_post("my post.md", "---\ntitle: x\n---\n")
    code, out, err = run(capsys, str(path))
    assert (code, out) == (2, "")
    assert err == f"krant: not a folder: {path} (to read a post, try: krant show '{path}')\n"


def test_list_help_explains_its_columns_and_options(capsys) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(["list", "--help"])
    out = capsys.readouterr().out
    assert exit_.value.code == 0
    assert "A terminal news reader" not in out  # not the main description again
    for said in ("three aligned", "columns", "local date and time", "categories", "title", "--unread",
                 "--category C", "--json", "--all"):
        assert said in out, said


def test_list_columns_are_aligned_titles_last(capsys, write_post, posts_folder: Path) -> None:
    write_post("a.md", "---\ntitle: Kort\ndate: 2020-01-02\ncategory: x\n---\nBody\n")
    write_post("b.md", "---\ntitle: Lang\ndate: 2020-01-01\ncategories: [binnenland, sport]\n---\nBody\n")
    write_post("c.md", "---\ntitle: Breed\ndate: 2019-12-31\ncategory: 新闻\n---\nBody\n")
    lines = run(capsys, "list", str(posts_folder))[1].splitlines()
    assert lines == [
        "2020-01-02 00:00  x                  Kort",
        "2020-01-01 00:00  binnenland, sport  Lang",
        "2019-12-31 00:00  新闻               Breed",
    ]


def test_a_folder_without_permission(capsys, posts_folder: Path, monkeypatch) -> None:
    posts_folder.chmod(0)
    try:
        if os.access(posts_folder, os.R_OK | os.X_OK):  # root reads anything; pretend it cannot
            monkeypatch.setattr(tui.cli.os, "access", lambda path, mode: False)
        result = run(capsys, "list", str(posts_folder))
    finally:
        posts_folder.chmod(0o755)
    assert result == (2, "", f"krant: cannot read folder {posts_folder}: permission denied\n")


def test_show_of_a_missing_file_or_a_folder(capsys, posts_folder: Path) -> None:
    assert run(capsys, "show", str(posts_folder / "gone.md"))[::2] == (
        2,
        f"krant: no such file: {posts_folder}/gone.md\n",
    )
    assert run(capsys, "show", str(posts_folder))[::2] == (
        2,
        f"krant: is a folder, not a post: {posts_folder}\n",
    )


def test_error_messages_never_carry_escapes_from_names(capsys, posts_folder: Path) -> None:
    name = f"{ESC}]52;c;eA==\x07{ESC}[2Jgone.md"
    code, _out, err = run(capsys, "show", str(posts_folder / name))
    assert code == 2 and ESC not in err and "\x07" not in err
    (posts_folder / f"{ESC}[2Jbad.md").write_bytes(b"\x00")
    code, _out, err = run(capsys, "show", str(posts_folder / f"{ESC}[2Jbad.md"))
    assert code == 1 and ESC not in err


# The installed command -------------------------------------------------------------------------


def installed(tmp_path: Path, *argv: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "TZ": TEST_ZONE, "PYTHONIOENCODING": "utf-8"}
    for name in ("XDG_STATE_HOME", "XDG_CACHE_HOME", "XDG_CONFIG_HOME"):
        env[name] = str(tmp_path / name.lower())
    return subprocess.run(argv, cwd=REPO, env=env, capture_output=True, text=True, timeout=120, check=False)


def test_the_installed_krant_command(tmp_path: Path) -> None:
    krant = str(Path(sys.executable).parent / "krant")
    listed = installed(tmp_path, krant, "list", "posts/")
    assert (listed.returncode, listed.stdout.splitlines(), listed.stderr) == (
        0,
        [FIRST_LINE, SECOND_LINE],
        "",
    )
    shown = installed(tmp_path, krant, "show", f"posts/{SECOND}")
    assert shown.returncode == 0 and "\nMilitairen zijn veilig\n" in shown.stdout and "Syrië" in shown.stdout
    missing = installed(tmp_path, krant, "list", "no-such-folder")
    assert (missing.returncode, missing.stdout, missing.stderr) == (
        2,
        "",
        "krant: no such folder: no-such-folder\n",
    )


def test_the_installed_krant_shows_what_its_json_names(tmp_path: Path) -> None:
    folder = tmp_path / "odd"
    folder.mkdir()
    odd_names_folder(folder)
    krant = str(Path(sys.executable).parent / "krant")
    listed = installed(tmp_path, krant, "list", str(folder), "--json")
    assert listed.returncode == 0, listed.stderr
    for record in json.loads(listed.stdout):
        # A script with the path as text (Python's subprocess encodes it as the name's own bytes) ...
        by_text = installed(tmp_path, krant, "show", record["path"])
        assert by_text.returncode == 0 and record["title"] in by_text.stdout, by_text.stderr
        # ... and a tool whose JSON reader lost the name's odd bytes, from `path_base64`.
        if record["path_base64"] is not None:
            exact = base64.b64decode(record["path_base64"])
            by_bytes = subprocess.run([os.fsencode(krant), b"show", exact], capture_output=True, check=False)
            assert by_bytes.returncode == 0 and record["title"].encode() in by_bytes.stdout


def test_python_m_tui(tmp_path: Path) -> None:
    listed = installed(tmp_path, sys.executable, "-m", "tui", "list", "posts/")
    assert (listed.returncode, listed.stdout.splitlines()) == (0, [FIRST_LINE, SECOND_LINE])
    checked = installed(tmp_path, sys.executable, "-m", "tui", "check", str(tmp_path / "nope"))
    assert (
        checked.returncode == 2
        and "Traceback" not in checked.stderr
        and len(checked.stderr.splitlines()) == 1
    )
