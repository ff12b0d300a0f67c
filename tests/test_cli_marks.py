"""`krant marks export FILE` and `krant marks import FILE`: marks and stars moved by hand, as JSON lines."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from test_cli_state import state_home  # noqa: F401 (a fixture)

from tui.cli import main
from tui.core.locations import Locations
from tui.core.read_marks import ReadMarks, store_path
from tui.core.sync_journal import SyncJournal

pytestmark = pytest.mark.usefixtures("state_home")


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    posts = tmp_path / "posts"
    posts.mkdir()
    return posts


def run(capsys: pytest.CaptureFixture[str], *arguments: str) -> tuple[int, str, str]:
    status = main(["marks", *arguments])
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def test_export_writes_every_read_mark_as_a_json_line(
    folder: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with ReadMarks.open(folder, Locations.default().state_dir) as marks:
        marks.mark(["link:https://example.com/b", "post:1234"])
        marks.mark(["link:https://example.com/\u202eevil"])
    status, out, err = run(capsys, "export", "-", "--folder", str(folder))
    assert status == 0 and "exported 3 read and 0 starred posts" in err
    assert "\u202e" not in out  # nothing a terminal would act on
    assert [json.loads(line) for line in out.splitlines()] == [
        {"key": "link:https://example.com/b", "read": True, "starred": False},
        {"key": "link:https://example.com/\u202eevil", "read": True, "starred": False},
        {"key": "post:1234", "read": True, "starred": False},
    ]
    status, _, _ = run(capsys, "export", str(tmp_path / "marks.jsonl"), "--folder", str(folder))
    assert status == 0 and (tmp_path / "marks.jsonl").read_text() == out


def test_export_of_a_folder_never_marked_is_empty_and_makes_no_store(
    folder: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    status, out, _ = run(capsys, "export", "-", "--folder", str(folder))
    assert status == 0 and out == ""
    assert not store_path(folder, Locations.default().state_dir).exists()


def test_import_sets_the_marks_it_names_and_leaves_the_rest(
    folder: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    state_dir = Locations.default().state_dir
    with ReadMarks.open(folder, state_dir) as marks:
        marks.mark(["link:kept", "link:made-unread"])
    file = tmp_path / "in.jsonl"
    file.write_text(
        '{"key": "link:new", "read": true, "starred": false}\n'
        '{"key": "link:made-unread", "read": false}\n'
        "\n"
        "not json\n"
        '{"key": "link:x", "read": "yes"}\n'
    )
    status, _, err = run(capsys, "import", str(file), "--folder", str(folder))
    assert status == 1
    assert f"{file} line 4: not JSON" in err and f"{file} line 5:" in err
    assert "imported 2 read marks and 1 stars (2 lines skipped)" in err
    with ReadMarks.open(folder, state_dir) as marks:
        assert marks.read_keys() == {"link:kept", "link:new"}


def test_export_then_import_moves_marks_to_another_folder_and_into_the_journal(
    folder: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch
) -> None:
    state_dir = Locations.default().state_dir
    with ReadMarks.open(folder, state_dir) as marks:
        marks.mark(["link:a", "link:b"])
    _, exported, _ = run(capsys, "export", "-", "--folder", str(folder))
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    sync = tmp_path / "sync"
    sync.mkdir()
    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(exported.encode())))
    status, _, err = run(capsys, "import", "-", "--folder", str(elsewhere), "--sync-folder", str(sync))
    assert status == 0, err
    with ReadMarks.open(elsewhere, state_dir) as marks:
        assert marks.read_keys() == {"link:a", "link:b"}
    [journal] = sync.iterdir()
    assert {json.loads(line)["key"] for line in journal.read_text().splitlines()} == {"link:a", "link:b"}
    # Another machine takes them from the journal.
    other = tmp_path / "other-machine"
    with ReadMarks.open(folder, other) as marks:
        SyncJournal(sync, other, marks).sync_now()
        assert marks.read_keys() == {"link:a", "link:b"}


def test_a_file_that_cannot_be_read_is_one_line_and_status_2(
    folder: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    status, _, err = run(capsys, "import", str(tmp_path / "missing.jsonl"), "--folder", str(folder))
    assert status == 2 and err.startswith("krant: cannot read") and len(err.splitlines()) == 1
