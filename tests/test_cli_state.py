"""`krant list --unread` and the `read` field of `krant list --json`, driven by the read-state store."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from disks import read_only

from tui.cli import main
from tui.core.locations import Locations
from tui.core.post import Post
from tui.core.read_marks import ReadMarks, store_path
from tui.core.reading import read_post

TITLES = ["Storm over the coast", "Elections postponed", "A new bridge opens", "Harvest comes early"]


@pytest.fixture
def state_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    home = tmp_path / "xdg-state"
    monkeypatch.setenv("XDG_STATE_HOME", str(home))
    return home


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    posts = tmp_path / "posts"
    posts.mkdir()
    for day, title in enumerate(TITLES, start=1):
        link = f"link: https://example.com/{day}\n" if day % 2 else ""
        (posts / f"2024-03-0{day}-post.html").write_text(
            f"---\ntitle: {title}\ndate: 2024-03-0{day} 10:00\n{link}categories: [news]\n---\n<p>Body</p>\n"
        )
    return posts


def post_titled(folder: Path, title: str) -> Post:
    for path in folder.iterdir():
        post = read_post(path, folder)
        if isinstance(post, Post) and post.title == title:
            return post
    raise LookupError(title)


def mark_read(folder: Path, *titles: str) -> None:
    with ReadMarks.open(folder, Locations.default().state_dir) as state:
        assert state.notice is None
        state.mark([post_titled(folder, title).key for title in titles])


def run_list(capsys: pytest.CaptureFixture[str], *arguments: str) -> tuple[int, str, str]:
    status = main(["list", *arguments])
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def test_without_a_store_every_post_is_unread_and_nothing_is_created(
    folder: Path, state_home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    status, out, err = run_list(capsys, str(folder), "--json")
    assert status == 0 and err == ""
    records = json.loads(out)
    assert [record["read"] for record in records] == [False] * len(TITLES)
    status, out, _ = run_list(capsys, str(folder), "--unread")
    assert len(out.splitlines()) == len(TITLES)
    assert not state_home.exists()


def test_unread_lists_only_unread_posts_one_per_line(
    folder: Path, state_home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    mark_read(folder, "Storm over the coast", "A new bridge opens")
    status, out, err = run_list(capsys, str(folder), "--unread")
    assert status == 0 and err == ""
    lines = out.splitlines()
    assert len(lines) == 2
    assert lines[0].endswith("Harvest comes early") and lines[1].endswith("Elections postponed")
    _, everything, _ = run_list(capsys, str(folder))
    assert len(everything.splitlines()) == len(TITLES)


def test_json_says_which_posts_are_read(
    folder: Path, state_home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    mark_read(folder, "Elections postponed")
    _, out, _ = run_list(capsys, str(folder), "--json")
    read = {record["title"]: record["read"] for record in json.loads(out)}
    assert read == {title: title == "Elections postponed" for title in TITLES}
    _, out, _ = run_list(capsys, str(folder), "--json", "--unread")
    records = json.loads(out)
    assert sorted(record["title"] for record in records) == sorted(set(TITLES) - {"Elections postponed"})
    assert all(record["read"] is False for record in records)


def test_a_renamed_post_is_still_read_in_the_list(
    folder: Path, state_home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    mark_read(folder, "Storm over the coast", "Elections postponed")
    (folder / "moved").mkdir()
    for path in sorted(folder.glob("2024-03-0[12]-post.html")):
        path.rename(folder / "moved" / f"renamed-{path.name}")
    _, out, _ = run_list(capsys, str(folder), "--unread")
    assert [line.rsplit("  ", 1)[-1] for line in out.splitlines()] == [
        "Harvest comes early",
        "A new bridge opens",
    ]


def test_a_damaged_store_is_reported_on_stderr_and_left_alone(
    folder: Path, state_home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = store_path(folder.resolve(), Locations.default().state_dir)
    path.parent.mkdir(parents=True)
    path.write_bytes(b"\x00garbage" * 512)
    status, out, err = run_list(capsys, str(folder), "--unread")
    assert status == 0
    assert len(out.splitlines()) == len(TITLES)
    assert err.startswith("krant: warning:") and "could not be read" in err
    assert path.read_bytes() == b"\x00garbage" * 512
    assert sorted(path.parent.iterdir()) == [path]


def test_installed_command_counts_unread_posts(folder: Path, state_home: Path) -> None:
    krant = shutil.which("krant", path=str(Path(sys.executable).parent))
    assert krant is not None
    mark_read(folder, "Harvest comes early")
    result = subprocess.run(
        [krant, "list", "--unread", str(folder)],
        capture_output=True,
        text=True,
        env={**os.environ, "XDG_STATE_HOME": str(state_home)},
        check=True,
    )
    assert len(result.stdout.splitlines()) == len(TITLES) - 1
    assert "Harvest comes early" not in result.stdout


def test_unread_in_a_read_only_state_folder_leaves_out_the_read_posts(
    folder: Path, state_home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    mark_read(folder, "Storm over the coast", "A new bridge opens")
    with read_only(Locations.default().state_dir):
        status, out, err = run_list(capsys, str(folder), "--unread")
    assert status == 0 and err == ""
    assert [line.rsplit("  ", 1)[-1] for line in out.splitlines()] == [
        "Harvest comes early",
        "Elections postponed",
    ]


def test_a_store_cut_short_still_counts_the_marks_it_holds(
    folder: Path, state_home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    mark_read(folder, *TITLES)
    with ReadMarks.open(folder, Locations.default().state_dir) as state:
        state.mark([f"link:https://example.com/filler/{number}/" + "x" * 200 for number in range(2000)])
    path = store_path(folder.resolve(), Locations.default().state_dir)
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    status, out, err = run_list(capsys, str(folder), "--unread")
    assert status == 0
    assert out == ""  # the four posts were marked first: their rows are in the half that is left
    assert "could not be read" in err and "marks were read from its intact part" in err
    assert path.read_bytes() == data[: len(data) // 2]
