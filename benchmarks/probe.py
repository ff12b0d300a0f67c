"""One core-level start in a fresh interpreter, for run.py: `probe.py FOLDER CACHE_DIR` prints JSON.

It loads the folder the way the app does (load_batches with the index, each batch applied to a Library)
and reports, in seconds since the interpreter started: imports done, first batch in the library,
everything loaded and indexed; then search (newest first and ranked) and open-a-post timings, the index's
size on disk and the peak RSS.
"""

from __future__ import annotations

import json
import resource
import statistics
import sys
import time

STARTED = time.perf_counter()

from pathlib import Path  # noqa: E402

from tui.core.body_text import readable_text  # noqa: E402
from tui.core.index import PostIndex  # noqa: E402
from tui.core.library import Library  # noqa: E402
from tui.core.loader import load_batches  # noqa: E402
from tui.core.locations import Locations  # noqa: E402
from tui.core.post import PostText  # noqa: E402
from tui.core.reading import read_post_text  # noqa: E402
from tui.core.search import Order  # noqa: E402

QUERIES = (
    "syrie",
    "minister kabinet",
    "tsjechie",
    "bondgenoten irak",
    "coord",
    "rechter politie verkeer",
    '"de minister"',
)


def since_start() -> float:
    return time.perf_counter() - STARTED


def median_ms(action, repeat: int = 5) -> float:
    timings = []
    for _ in range(repeat):
        begin = time.perf_counter()
        action()
        timings.append((time.perf_counter() - begin) * 1000)
    return statistics.median(timings)


def open_post(post, folder: Path) -> None:
    """What the app does off the UI thread when a post is opened: read the file and convert its body."""
    read = read_post_text(post.path, folder)
    if isinstance(read, PostText):
        readable_text(read.body, is_html=read.post.is_html)


def main() -> None:
    folder, cache = Path(sys.argv[1]).resolve(), Path(sys.argv[2])
    report: dict[str, object] = {"imported": since_start()}
    index = PostIndex.open(folder, Locations(cache / "state", cache / "cache", cache / "config"))
    library = Library(folder)
    first = None
    for batch in load_batches(folder, index=index):
        library.apply(batch.results)
        library.remove(batch.removed)
        if first is None:
            first = since_start()
    report.update(first_screen=first, everything=since_start(), posts=len(library))
    posts = library.posts
    sample = [posts[i] for i in range(0, len(posts), max(1, len(posts) // 20))]
    report["open_ms"] = statistics.median(
        median_ms(lambda post=post: open_post(post, folder), 3) for post in sample
    )
    report["search_ms"] = statistics.median(median_ms(lambda q=q: index.search(q)) for q in QUERIES)
    report["search_worst_ms"] = max(median_ms(lambda q=q: index.search(q)) for q in QUERIES)
    ranked = [median_ms(lambda q=q: index.search(q, order=Order.RELEVANCE)) for q in QUERIES]
    report["ranked_ms"], report["ranked_worst_ms"] = statistics.median(ranked), max(ranked)
    database = index.database
    if database is not None:
        index.close()  # the write-ahead log is folded back into the file
        report["index_mb"] = database.stat().st_size / 1e6
    report["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    index.close()
    print(json.dumps(report))


if __name__ == "__main__":
    main()
