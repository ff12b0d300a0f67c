"""`krant list --starred` and the `starred` field of `krant list --json`, from the read-state store."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from test_cli_state import TITLES, folder, post_titled, run_list, state_home  # noqa: F401 (fixtures)

from tui.core.locations import Locations
from tui.core.read_marks import ReadMarks


def test_starred_lists_only_starred_posts_and_json_says_which(
    folder: Path,  # noqa: F811 (a fixture)
    state_home: Path,  # noqa: F811 (a fixture)
    capsys: pytest.CaptureFixture[str],
) -> None:
    with ReadMarks.open(folder, Locations.default().state_dir) as state:
        state.star(
            [post_titled(folder, title).key for title in ("Storm over the coast", "A new bridge opens")]
        )
        state.mark([post_titled(folder, "A new bridge opens").key])
    status, out, err = run_list(capsys, str(folder), "--starred")
    assert status == 0 and err == ""
    assert [line.split("  ")[-1] for line in out.splitlines()] == [
        "A new bridge opens",
        "Storm over the coast",
    ]
    status, out, _ = run_list(capsys, str(folder), "--starred", "--unread")
    assert [line.split("  ")[-1] for line in out.splitlines()] == ["Storm over the coast"]
    records = json.loads(run_list(capsys, str(folder), "--json")[1])
    assert {record["title"]: record["starred"] for record in records} == {
        title: title in ("Storm over the coast", "A new bridge opens") for title in TITLES
    }
    assert {record["title"]: record["read"] for record in records}["A new bridge opens"] is True


def test_starred_without_a_store_lists_nothing_and_creates_nothing(
    folder: Path,  # noqa: F811
    state_home: Path,  # noqa: F811
    capsys: pytest.CaptureFixture[str],
) -> None:
    status, out, err = run_list(capsys, str(folder), "--starred")
    assert (status, out, err) == (0, "", "")
    assert not state_home.exists()
