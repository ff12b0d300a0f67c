"""A folder below the posts folder that krant may not list (no permission): a problem with its reason,
in `krant check`, on a cold and on a warm start; on a warm start its posts are not taken for deleted."""

from __future__ import annotations

import errno
import os
from pathlib import Path

import pytest

import tui.core.folder
from tui.core.index import PostIndex
from tui.core.library import Library
from tui.core.loader import load_batches
from tui.core.locations import Locations
from tui.core.post import Post, Problem

POST = "---\ntitle: {title}\ndate: 2024-01-0{day} 10:00:00\n---\nTekst.\n"
REASON = "a folder krant may not read (Permission denied); the posts in it are not shown"


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    root = tmp_path / "posts"
    (root / "dicht").mkdir(parents=True)
    (root / "2024-01-01-open.md").write_text(POST.format(title="Open", day=1))
    (root / "dicht" / "2024-01-02-binnen.md").write_text(POST.format(title="Binnen", day=2))
    return root


def refuse_to_list(monkeypatch: pytest.MonkeyPatch, refused: Path) -> None:
    """Listing `refused` fails as for a user without permission (root, who runs CI, may list any)."""
    real_scandir = os.scandir

    def scandir(path):  # type: ignore[no-untyped-def]
        if os.fspath(path) == os.fspath(refused):
            raise PermissionError(errno.EACCES, "Permission denied", os.fspath(path))
        return real_scandir(path)

    monkeypatch.setattr(tui.core.folder.os, "scandir", scandir)


def loaded(root: Path, index: PostIndex | None = None) -> tuple[list[Post], list[Problem], set[str]]:
    posts: list[Post] = []
    problems: list[Problem] = []
    removed: set[str] = set()
    for batch in load_batches(root, index=index, workers=1):
        posts += [result for result in batch.results if isinstance(result, Post)]
        problems += [result for result in batch.results if isinstance(result, Problem)]
        removed.update(batch.removed)
    return posts, problems, removed


def test_a_folder_that_may_not_be_listed_is_a_problem_in_krant_check(folder, monkeypatch) -> None:
    refuse_to_list(monkeypatch, folder / "dicht")
    library = Library.read_folder(folder)
    assert [post.title for post in library.posts] == ["Open"]
    assert [(problem.relpath, problem.reason) for problem in library.problems] == [("dicht", REASON)]


def test_a_cold_start_lists_the_folder_as_a_problem(folder, monkeypatch) -> None:
    refuse_to_list(monkeypatch, folder / "dicht")
    posts, problems, _ = loaded(folder)
    assert [post.title for post in posts] == ["Open"]
    assert [(problem.relpath, problem.reason) for problem in problems] == [("dicht", REASON)]


def test_a_warm_start_keeps_the_posts_of_a_folder_it_may_not_list(folder, monkeypatch, tmp_path) -> None:
    index = PostIndex.open(folder, Locations.under(tmp_path / "home"))
    try:
        first, _, _ = loaded(folder, index)
        assert sorted(post.title for post in first) == ["Binnen", "Open"]
        refuse_to_list(monkeypatch, folder / "dicht")
        posts, problems, removed = loaded(folder, index)
        assert sorted(post.title for post in posts) == ["Binnen", "Open"]  # as the index has it
        assert removed == set()  # not known to be gone
        assert [(problem.relpath, problem.reason) for problem in problems] == [("dicht", REASON)]
    finally:
        index.close()
