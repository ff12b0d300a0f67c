"""Times the filter language at scale: `query_probe.py [--posts N] [--folder DIR]` prints a table.

Generates N posts (default 100,000, with tags: `generate.py --tags`) unless given a folder, indexes them
as the app does (load_batches with the index), marks half of them read and one in a hundred starred, and
times ten queries that mix fields and words, as `/` runs them (newest first, snippets included) and as a
saved search's count. Each figure is the median of five runs; the target is < 100 ms for every query.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))

from generate import generate  # noqa: E402

from tui.core.index import PostIndex  # noqa: E402
from tui.core.library import Library  # noqa: E402
from tui.core.loader import load_batches  # noqa: E402
from tui.core.locations import Locations  # noqa: E402
from tui.core.query import MarkSnapshot, parse  # noqa: E402

QUERIES = (
    "cat:sport minister",
    "is:unread cat:politiek",
    "tag:analyse -cat:sport",
    "after:2018-01-01 before:2018-07-01 kabinet",
    "newer:1y is:unread",
    "title:minister OR title:regering",
    '"de minister" -is:read',
    "(cat:tech OR cat:economie) energie -klimaat",
    "syrie is:starred",
    "older:10y tag:interview markt",
)
NOW = datetime(2019, 5, 16, tzinfo=UTC).timestamp()
"""A day after the newest generated post, so `newer:` and `older:` find the same posts every run."""
REPEAT = 5
TARGET_MS = 100.0


def median_ms(action, repeat: int = REPEAT) -> tuple[float, object]:
    timings, result = [], None
    for _ in range(repeat):
        begin = time.perf_counter()
        result = action()
        timings.append((time.perf_counter() - begin) * 1000)
    return statistics.median(timings), result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--posts", type=int, default=100_000, help="how many posts to generate")
    parser.add_argument("--folder", type=Path, help="time this folder instead of generating one")
    arguments = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="krant-query-") as base:
        folder = arguments.folder
        if folder is None:
            folder = Path(base) / "posts"
            begin = time.perf_counter()
            generate(arguments.posts, folder, tags=True)
            print(f"generated {arguments.posts:,} posts in {time.perf_counter() - begin:.1f} s", flush=True)
        folder = folder.resolve()
        home = Path(base) / "home"
        index = PostIndex.open(folder, Locations(home / "state", home / "cache", home / "config"))
        library = Library(folder)
        begin = time.perf_counter()
        for batch in load_batches(folder, index=index):
            library.apply(batch.results)
        print(f"indexed {len(library):,} posts in {time.perf_counter() - begin:.1f} s", flush=True)
        rng = random.Random(2019)
        keys = [post.key for post in library.posts]
        marks = MarkSnapshot(
            read=frozenset(key for key in keys if rng.random() < 0.5),
            starred=frozenset(key for key in keys if rng.random() < 0.01),
        )
        rows = []
        for text in QUERIES:
            query = parse(text, prefix_last=False)
            search_ms, hits = median_ms(lambda query=query: index.search(query, marks=marks, now=NOW))
            count_ms, counts = median_ms(lambda query=query: index.count(query, marks=marks, now=NOW))
            rows.append((text, search_ms, len(hits), count_ms, counts))
        index.close()
    width = max(len(text) for text in QUERIES) + 2
    marked = f"{len(marks.read):,} read, {len(marks.starred):,} starred"
    print(f"\n{len(library):,} posts, {marked}; each figure the median of {REPEAT} runs")
    print(f"| {'query':<{width}} | search (/) | hits | count     | found / unread  |")
    print(f"|{'-' * (width + 2)}|------------|------|-----------|-----------------|")
    for text, search_ms, hits, count_ms, (total, unread) in rows:
        print(
            f"| {'`' + text + '`':<{width}} | {search_ms:7.1f} ms | {hits:4} | {count_ms:6.1f} ms |"
            f" {total:>7,} / {unread:<6,}|"
        )
    searches = [row[1] for row in rows]
    counts_ms = [row[3] for row in rows]
    print(f"\nsearch: median {statistics.median(searches):.1f} ms, slowest {max(searches):.1f} ms")
    print(f"count: median {statistics.median(counts_ms):.1f} ms, slowest {max(counts_ms):.1f} ms")
    verdict = "under" if max(searches) < TARGET_MS else "OVER"
    print(f"every search {verdict} the {TARGET_MS:.0f} ms target")


if __name__ == "__main__":
    main()
