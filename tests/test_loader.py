"""The loader: cold and warm starts give the library `Library.load` gives, and follow the folder."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tui.core import loader
from tui.core.index import PostIndex
from tui.core.library import Library
from tui.core.loader import LoadBatch, load_batches
from tui.core.locations import Locations
from tui.core.post import Post

POST = """---
title: "Bericht {number}"
date: 2019-05-{day:02d} {hour:02d}:{minute:02d}:00 +0200
category: {category}
---

<p>Tekst van bericht {number} over Syrië.</p>
"""


def make_folder(folder: Path, count: int) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for number in range(count):
        day, hour, minute = 1 + number % 28, number % 24, number % 60
        text = POST.format(number=number, day=day, hour=hour, minute=minute, category=f"c{number % 3}")
        (folder / f"2019-05-{day:02d}-bericht-{number}.html").write_text(text, encoding="utf-8")
    (folder / "2019-06-01-kapot.html").write_bytes(b"\x00binary")
    return folder


def library_from(batches: list[LoadBatch], root: Path) -> Library:
    library = Library(root)
    for batch in batches:
        library.apply(batch.results)
        library.remove(batch.removed)
    return library


def same_library(left: Library, right: Library) -> bool:
    return list(left.posts) == list(right.posts) and left.problems == right.problems


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    return make_folder(tmp_path / "posts", 40)


@pytest.fixture
def index(folder: Path, tmp_path: Path) -> PostIndex:
    return PostIndex.open(folder, Locations.under(tmp_path / "home"))


def test_without_an_index_the_loader_gives_what_library_load_gives(folder: Path) -> None:
    batches = list(load_batches(folder, batch_size=7, first_batch=5))

    assert same_library(library_from(batches, folder), Library.read_folder(folder))
    assert len(batches[0].results) == 5
    assert batches[-1].finished and batches[-1].done == batches[-1].total == 41
    assert [batch.done for batch in batches] == sorted(batch.done for batch in batches)


def test_the_first_batch_of_a_cold_start_holds_the_newest_files(folder: Path) -> None:
    first = next(load_batches(folder, first_batch=3))

    names = sorted((path.name for path in folder.iterdir()), reverse=True)[:3]
    assert [Path(result.path).name for result in first.results] == names
    assert not first.finished


def test_cold_then_warm_start_give_the_same_library(folder: Path, index: PostIndex) -> None:
    cold = list(load_batches(folder, batch_size=10, first_batch=4, index=index))
    warm = list(load_batches(folder, index=index))

    expected = Library.read_folder(folder)
    assert same_library(library_from(cold, folder), expected)
    assert same_library(library_from(warm, folder), expected)
    # Warm: everything comes from the index in the first batch, then the check finds nothing new.
    assert len(warm[0].results) == 41 and not warm[0].finished
    assert warm[-1].finished and all(batch.results == () for batch in warm[1:])


def test_a_warm_start_rereads_changed_files_and_reports_vanished_ones(folder: Path, index: PostIndex) -> None:
    list(load_batches(folder, index=index))
    changed = folder / "2019-05-01-bericht-0.html"
    changed.write_text(changed.read_text(encoding="utf-8").replace("Bericht 0", "Nieuwe titel"), "utf-8")
    touched = folder / "2019-05-02-bericht-1.html"
    info = touched.stat()
    os.utime(touched, (info.st_atime, info.st_mtime + 5))  # same size, other mtime
    gone = folder / "2019-05-03-bericht-2.html"
    gone.unlink()
    new = make_folder(folder / "sub", 1) / "2019-05-01-bericht-0.html"

    warm = list(load_batches(folder, index=index))

    reread = {result.path for batch in warm[1:] for result in batch.results}
    assert {str(changed), str(touched), str(new)} <= reread and len(reread) == 4  # and sub/'s broken file
    assert [path for batch in warm for path in batch.removed] == [str(gone)]
    assert same_library(library_from(warm, folder), Library.read_folder(folder))
    titles = {post.title for post in index.stored_posts() if isinstance(post, Post)}
    assert "Nieuwe titel" in titles and "Bericht 2" not in titles


def test_what_the_loader_reads_becomes_searchable(folder: Path, index: PostIndex) -> None:
    list(load_batches(folder, index=index))

    assert len(index.search("syrie bericht")) == 40


def test_worker_processes_read_the_same_library(
    folder: Path, index: PostIndex, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(loader, "PARALLEL_FROM", 10)
    used: list[int] = []
    real_pool = loader._pool
    monkeypatch.setattr(loader, "_pool", lambda workers: used.append(workers) or real_pool(workers))

    batches = list(load_batches(folder, batch_size=8, first_batch=5, index=index, workers=2))

    assert used == [2]
    assert same_library(library_from(batches, folder), Library.read_folder(folder))
    assert len(index) == 41
    assert len(index.search("syrie bericht")) == 40  # the workers wrote the search rows themselves


def test_a_worker_that_cannot_write_to_the_index_hands_its_files_back(folder: Path, tmp_path: Path) -> None:
    not_a_database = tmp_path / "index.sqlite3"
    not_a_database.write_text("not a database", encoding="utf-8")
    paths = sorted(folder.glob("*.html"))[:3]

    results, unstored = loader._read_chunk(folder, [path.name for path in paths], True, str(not_a_database))

    assert [result.path for result in results] == [str(path) for path in paths]
    assert [result for result, _text in unstored] == results
    assert all(text and "Syrië" in text for _result, text in unstored if isinstance(_result, Post))


def test_a_broken_worker_pool_falls_back_to_reading_here(
    folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(loader, "PARALLEL_FROM", 10)

    class BrokenPool:
        def submit(self, *args: object) -> object:
            from concurrent.futures import Future
            from concurrent.futures.process import BrokenProcessPool

            future: Future[object] = Future()
            future.set_exception(BrokenProcessPool("a worker died"))
            return future

        def shutdown(self, **kwargs: object) -> None:
            pass

    monkeypatch.setattr(loader, "_pool", lambda workers: BrokenPool())

    batches = list(load_batches(folder, batch_size=8, first_batch=5))

    assert same_library(library_from(batches, folder), Library.read_folder(folder))


def test_an_empty_folder_gives_one_finished_batch(tmp_path: Path) -> None:
    assert list(load_batches(tmp_path)) == [LoadBatch((), 0, 0)]


def test_a_warm_start_gives_the_newest_posts_first_then_the_rest(
    folder: Path, index: PostIndex, monkeypatch: pytest.MonkeyPatch
) -> None:
    list(load_batches(folder, index=index))
    monkeypatch.setattr(loader, "WARM_FIRST", 5)
    warm = list(load_batches(folder, index=index))
    expected = Library.read_folder(folder)
    assert [result.path for result in warm[0].results] == [post.path for post in expected.posts[:5]]
    assert len(warm[0].results) + len(warm[1].results) == 41 and warm[0].total == 41
    assert same_library(library_from(warm, folder), expected)
    assert warm[-1].finished


def test_a_file_the_watcher_stored_meanwhile_is_handed_back_not_lost(folder: Path, index: PostIndex) -> None:
    """A cold start's workers insert without looking for rows to replace; a file stored in between (by
    the live watcher) makes their insert fail, and the batch comes back to be stored the careful way."""
    names = sorted(path.name for path in folder.glob("*.html"))[:4]
    assert index.database is not None
    index.update_texts([(read, None) for read in loader._read_chunk(folder, names[:1], False, None)[0]])

    results, unstored = loader._read_chunk(folder, names, True, str(index.database), new_files=True)

    assert [result for result, _text in unstored] == results  # nothing half-stored
    index.update_texts(unstored)
    assert len(index) == 4
    assert len(index.search("syrie")) == 4
