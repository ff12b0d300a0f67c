"""The post index: survives deletion and corruption, follows changed and deleted files, round-trips posts."""

from __future__ import annotations

import os
import sqlite3
from contextlib import closing
from pathlib import Path

import pytest
from disks import fill as fill_disk
from disks import small_disk

from tui.core import index as index_module
from tui.core.index import SCHEMA_VERSION, PostIndex, index_path, read_entry, search_text
from tui.core.library import Library
from tui.core.locations import Locations
from tui.core.post import Post, Problem
from tui.core.reading import read_post, read_post_text

POST = """---
layout: post
title: "{title}"
date: Wed, 15 May 2019 {hour:02d}:57:28 +0200
categories: [nieuws, buitenland]
externe_link: "https://nos.nl/l/{number}"
---

<p>{body}</p>
"""


def store(index: PostIndex, results: list, bodies: dict | None = None) -> None:
    """Put freshly read files in the index, with their raw bodies (by path) for the search."""
    texts = {str(path): body for path, body in (bodies or {}).items()}
    index.update_texts((result, search_text(result, texts.get(result.path))) for result in results)


def write_post(folder: Path, name: str, title: str, body: str, hour: int = 14, number: int = 1) -> Path:
    path = folder / name
    path.write_text(POST.format(title=title, body=body, hour=hour, number=number), encoding="utf-8")
    return path


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    posts = tmp_path / "posts"
    posts.mkdir()
    write_post(
        posts, "2019-05-15-irak.html", "Trainingsmissie in Irak stilgelegd", "Dreiging in Syrië.", 14, 1
    )
    write_post(posts, "2019-05-15-praag.html", "Nieuws uit Praag", "České Budějovice en Brno.", 22, 2)
    (posts / "2019-05-16-broken.html").write_bytes(b"---\ntitle: [unclosed\n---\nbody")
    return posts


@pytest.fixture
def locations(tmp_path: Path) -> Locations:
    return Locations.under(tmp_path / "home")


def fill(index: PostIndex, folder: Path) -> list[Post | Problem]:
    results = []
    bodies = {}
    for path in sorted(folder.iterdir()):
        read = read_post_text(path, folder)
        if isinstance(read, Problem):
            results.append(read)
        else:
            results.append(read.post)
            bodies[path] = read.body
    store(index, results, bodies)
    return results


def test_posts_and_problems_round_trip_through_the_index(folder: Path, locations: Locations) -> None:
    index = PostIndex.open(folder, locations)
    results = fill(index, folder)
    index.close()

    again = PostIndex.open(folder, locations)
    loaded = again.stored_posts()

    assert again.notice is None
    assert sorted(loaded, key=lambda r: r.relpath) == sorted(results, key=lambda r: r.relpath)
    posts = [r for r in loaded if isinstance(r, Post)]
    assert [p.title for p in posts] == ["Nieuws uit Praag", "Trainingsmissie in Irak stilgelegd"]
    assert all(p.key == r.key for p in posts for r in results if r.path == p.path)
    assert posts[0].date.utcoffset().total_seconds() == 7200
    assert any(isinstance(r, Problem) and "YAML" in r.reason for r in loaded)
    # A library built from the index equals one built by reading every file.
    from_index = Library(folder)
    from_index.apply(loaded)
    assert list(from_index.posts) == list(Library.read_folder(folder).posts)


def test_index_file_lives_in_the_cache_folder_never_in_the_posts(folder: Path, locations: Locations) -> None:
    index = PostIndex.open(folder, locations)
    fill(index, folder)
    index.close()

    assert index_path(folder, locations).exists()
    assert index_path(folder, locations).parent == locations.cache_dir
    assert sorted(p.name for p in folder.iterdir()) == [
        "2019-05-15-irak.html",
        "2019-05-15-praag.html",
        "2019-05-16-broken.html",
    ]


def test_a_deleted_index_is_rebuilt_empty(folder: Path, locations: Locations) -> None:
    index = PostIndex.open(folder, locations)
    fill(index, folder)
    index.close()
    index_path(folder, locations).unlink()

    again = PostIndex.open(folder, locations)

    assert again.stored_posts() == []
    fill(again, folder)
    assert len(again) == 3
    assert [Path(hit.path).name for hit in again.search("praag")] == ["2019-05-15-praag.html"]


def test_a_corrupt_index_is_moved_aside_and_rebuilt_with_a_notice(folder: Path, locations: Locations) -> None:
    database = index_path(folder, locations)
    database.parent.mkdir(parents=True)
    database.write_bytes(b"this is not SQLite \x00\xff" * 500)

    index = PostIndex.open(folder, locations)

    assert index.notice is not None and "rebuilt" in index.notice
    assert list(database.parent.glob(database.name + ".corrupt-*"))
    assert index.stored_posts() == []
    fill(index, folder)
    assert len(index) == 3


def test_an_index_of_another_version_is_rebuilt(folder: Path, locations: Locations) -> None:
    index = PostIndex.open(folder, locations)
    fill(index, folder)
    index.close()
    with sqlite3.connect(index_path(folder, locations)) as db:
        db.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")

    again = PostIndex.open(folder, locations)

    assert again.notice is not None and "another version" in again.notice
    assert again.stored_posts() == []


def test_an_unwritable_cache_keeps_an_index_in_memory(folder: Path, tmp_path: Path) -> None:
    blocker = tmp_path / "file-not-folder"
    blocker.write_text("")
    index = PostIndex.open(folder, Locations.under(blocker))

    assert index.notice is not None
    fill(index, folder)
    assert len(index) == 3
    assert [Path(hit.path).name for hit in index.search("brno")] == ["2019-05-15-praag.html"]


def test_stamps_report_size_and_mtime_so_changes_can_be_seen(folder: Path, locations: Locations) -> None:
    index = PostIndex.open(folder, locations)
    fill(index, folder)
    path = folder / "2019-05-15-irak.html"
    info = os.stat(path)

    assert index.file_stamps()["2019-05-15-irak.html"] == (info.st_size, info.st_mtime)


def test_update_replaces_a_files_entry_and_its_search_text(folder: Path, locations: Locations) -> None:
    index = PostIndex.open(folder, locations)
    fill(index, folder)
    path = write_post(folder, "2019-05-15-irak.html", "Missie hervat", "Vrede in Erbil.", 14, 1)
    read = read_post_text(path, folder)
    assert not isinstance(read, Problem)

    store(index, [read.post], {path: read.body})

    assert len(index) == 3
    assert index.search("syrie") == []
    assert [hit.path for hit in index.search("erbil")] == [str(path)]
    titles = {r.title for r in index.stored_posts() if isinstance(r, Post)}
    assert titles == {"Missie hervat", "Nieuws uit Praag"}


def test_a_post_that_becomes_a_problem_leaves_the_search(folder: Path, locations: Locations) -> None:
    index = PostIndex.open(folder, locations)
    fill(index, folder)
    path = folder / "2019-05-15-praag.html"
    path.write_bytes(b"\x00\x01binary")

    store(index, [read_post(path, folder)])

    assert index.search("praag") == []
    assert any(isinstance(r, Problem) and r.path == str(path) for r in index.stored_posts())


def test_removed_files_and_folders_leave_the_index(folder: Path, locations: Locations) -> None:
    sub = folder / "sub"
    sub.mkdir()
    write_post(sub, "2019-05-17-sub.html", "Onder een map", "Tekst in een map.", 9, 3)
    index = PostIndex.open(folder, locations)
    fill(index, folder)
    store(index, [read_post(sub / "2019-05-17-sub.html", folder)], {})

    index.remove([folder / "2019-05-15-irak.html", sub])

    names = sorted(os.path.basename(result.path) for result in index.stored_posts())
    assert names == ["2019-05-15-praag.html", "2019-05-16-broken.html"]
    assert index.search("irak") == []


def test_every_field_of_a_post_survives_the_index(tmp_path: Path, locations: Locations) -> None:
    """Schema 2 leaves derivable columns NULL and stores dates as numbers; nothing may change on the way."""
    from datetime import UTC, datetime, timedelta, timezone

    root = tmp_path / "posts"
    odd = root / os.fsdecode(b"caf\xe9.md")
    moments = [
        datetime(2019, 5, 15, 14, 57, 28, tzinfo=timezone(timedelta(hours=2))),
        datetime(2019, 5, 15, 14, 57, 28, 123456, tzinfo=UTC),
        datetime(2019, 5, 15, 14, 57, 28),  # naive
        datetime(1, 1, 1, 0, 0, tzinfo=timezone(timedelta(hours=5, minutes=30))),
        datetime(2019, 1, 1, tzinfo=timezone(timedelta(seconds=3601, microseconds=5))),
    ]
    posts = [
        Post(
            root / "news/_posts/a.md",
            "news/_posts/a.md",
            "A",
            moments[0],
            ("news",),
            "https://x/a",
            key="link:https://x/a",
        ),
        Post(
            root / "b.html",
            "b.html",
            "B",
            moments[1],
            ("x", "y"),
            None,
            "img.jpg",
            "post",
            False,
            False,
            12,
            3.5,
            ("a warning",),
            "post:abc",
        ),
        Post(odd, "caf\\xe9.md", "C", moments[2], ("z",), "https://x/c", key="something else"),
        Post(root / "d.md", "d.md", "D", moments[3], ("z",), "", key=""),
        Post(root / "e.md", "e.md", "E", moments[4], ("z",)),
        Post(
            root / "f.md",
            "f.md",
            "F",
            moments[4],
            ("z",),
            tags=("rust", "wasm"),
            authors=("Ann",),
            description="Over F.",
            draft=True,
        ),
    ]
    problem = Problem(root / "sub/broken.md", "sub/broken.md", "empty file")
    index = PostIndex.open(root, locations)
    store(index, [*posts, problem])
    loaded = index.stored_posts()
    for original in posts:
        again = next(result for result in loaded if result.path == original.path)
        assert isinstance(again, Post)
        for name in original.__slots__:
            assert getattr(again, name) == getattr(original, name), name
        assert again.date.utcoffset() == original.date.utcoffset()
        assert (again.date.tzinfo is None) == (original.date.tzinfo is None)
    assert problem in loaded
    assert index.stored_posts(limit=2) + index.stored_posts(skip=2) == loaded
    assert index.stored_posts(limit=1)[0].path == posts[1].path  # the newest
    assert [hit.path for hit in index.search("wasm")] == [str(root / "f.md")]  # tags are searched


def test_an_index_full_of_stale_search_words_is_rebuilt(
    folder: Path, locations: Locations, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The search table keeps the words of changed posts (it has no text to delete them by); too many
    of them and the index starts again, saying so."""
    monkeypatch.setattr(index_module, "STALE_LIMIT", 5)
    index = PostIndex.open(folder, locations)
    fill(index, folder)
    path = folder / "2019-05-15-irak.html"
    for round_ in range(6):
        write_post(folder, path.name, f"Versie {round_}", f"Tekst {round_}.", 14, 1)
        fill(index, folder)
    assert [hit.path for hit in index.search("versie")] == [str(path)]
    assert index.search("tekst 0") == []  # an old version's words find nothing
    index.close()

    again = PostIndex.open(folder, locations)

    assert again.notice is not None and "rebuilt" in again.notice
    assert len(again) == 0 and again.search("versie") == []


def many_posts(folder: Path, count: int, word: str, start: int = 0) -> list[Path]:
    """`count` posts whose bodies (not titles) hold `word`, with enough text to fill index pages."""
    filler = " ".join(f"woord{number}" for number in range(120))
    return [
        write_post(folder, f"2019-05-{number % 28 + 1:02d}-many-{number}.html", f"Bericht {number}",
                   f"{filler} {word} {number}", number % 24, number)
        for number in range(start, start + count)
    ]  # fmt: skip


def kept_aside(database: Path) -> list[Path]:
    return sorted(
        path for path in database.parent.glob(database.name + ".corrupt-*") if "-wal" not in path.name
    )


def test_a_full_cache_disk_keeps_the_index_in_memory_and_writes_it_again_when_there_is_room(
    folder: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(index_module, "DISK_RETRY_SECONDS", 0.0)  # tried on every batch
    with small_disk(tmp_path / "cache", "4m") as disk:
        database = disk / "index.sqlite3"
        index = PostIndex(folder, database)
        troubles: list[str | None] = []
        index.on_trouble = lambda: troubles.append(index.notice)
        for path in many_posts(folder, 40, "havenkraan"):
            index.update_texts([read_entry(str(path), folder)])
        ballast = fill_disk(disk)
        later = many_posts(folder, 200, "sluisdeur", start=40)
        for path in later:
            index.update_texts([read_entry(str(path), folder)])

        assert troubles == [index.notice]  # said once, when it happened
        assert index.notice is not None and "kept in memory until there is room" in index.notice
        assert kept_aside(database) == [] and database.exists()  # the good index stays where it is
        assert len(index.search("havenkraan")) == 40  # what the file held, copied to memory
        assert len(index.search("sluisdeur")) == 200  # and what came since, all of it

        index.update_texts([read_entry(str(later[0]), folder)])  # still full: stays in memory
        assert index.database is None and len(index.search("sluisdeur")) == 200
        ballast.unlink()
        index.update_texts([read_entry(str(later[1]), folder)])
        assert index.database == database
        index.close()

        again = PostIndex(folder, database)
        assert again.notice is None
        assert len(again.search("sluisdeur")) == 200 and len(again.search("havenkraan")) == 40
        again.close()


def test_an_index_that_cannot_even_be_made_on_a_full_disk_lives_in_memory(
    folder: Path, tmp_path: Path
) -> None:
    with small_disk(tmp_path / "cache", "100k") as disk:
        fill_disk(disk)
        database = disk / "krant" / "index.sqlite3"
        index = PostIndex(folder, database)
        assert index.notice is not None and "kept in memory" in index.notice
        fill(index, folder)
        assert [Path(hit.path).name for hit in index.search("brno")] == ["2019-05-15-praag.html"]
        assert kept_aside(database) == []
        index.close()


def test_an_index_locked_by_another_window_is_waited_for_never_moved_aside(
    folder: Path, locations: Locations, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(index_module, "BUSY_TIMEOUT_SECONDS", 0.05)
    monkeypatch.setattr(index_module, "LOCKED_WAIT_SECONDS", 0.1)
    index = PostIndex.open(folder, locations)
    fill(index, folder)
    other = sqlite3.connect(index.database, isolation_level=None)  # another krant window, writing
    other.execute("BEGIN IMMEDIATE")
    extra = write_post(folder, "2019-05-17-extra.html", "Extra", "Een havenkraan.", 9, 9)
    index.update_texts([read_entry(str(extra), folder)])  # skipped: the other window has it
    index.remove([str(folder / "2019-05-15-irak.html")])
    assert index.notice is None
    assert kept_aside(index.database) == []
    assert [Path(hit.path).name for hit in index.search("brno")] == ["2019-05-15-praag.html"]
    other.execute("ROLLBACK")
    other.close()
    index.update_texts([read_entry(str(extra), folder)])
    assert [Path(hit.path).name for hit in index.search("havenkraan")] == ["2019-05-17-extra.html"]
    assert len(index) == 4
    index.close()


def damage_search_data(database: Path) -> None:
    """Overwrite the index's search blocks (not its structure), as a bad disk sector would."""
    with closing(sqlite3.connect(database)) as db, db:
        db.execute("UPDATE search_data SET block = randomblob(length(block)) WHERE id > 10")


def test_search_data_damaged_mid_session_is_said_at_once_and_the_index_refilled(
    folder: Path, locations: Locations
) -> None:
    paths = many_posts(folder, 60, "havenkraan")
    index = PostIndex.open(folder, locations)
    index.update_texts(read_entry(str(path), folder) for path in paths)
    assert len(index.search("havenkraan")) == 60
    troubles: list[str | None] = []
    index.on_trouble = lambda: troubles.append(index.notice)
    damage_search_data(index.database)

    assert index.search("havenkraan") == []
    assert troubles == [index.notice] and "being rebuilt" in (index.notice or "")
    assert len(kept_aside(index.database)) == 1
    assert index.take_refill() and not index.take_refill()  # one owner refills it
    assert index.refill(str(path) for path in paths) == 60
    assert len(index.search("havenkraan")) == 60
    index.close()


def test_an_index_in_memory_never_meets_one_gone_before_it(tmp_path: Path) -> None:
    """Named by `id()`, a new index in memory could open the shared database of one freed before it whose
    connection lived on (a thread's), and fail with 'table files already exists' (seen once in CI)."""
    outliving = []
    for _ in range(300):
        index = PostIndex(tmp_path, None)
        outliving.append(index._keeper)  # a connection of the index that outlives it
        del index
    assert len(PostIndex(tmp_path, None)) == 0
