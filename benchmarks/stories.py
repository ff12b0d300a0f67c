"""What grouping posts into stories costs the UI's process: `stories.py [--posts N] [--copies F]`.

Builds N posts in memory (no files; links like the generated folders', `https://nos.nl/l/…`), a fraction F
of them a second copy of another post's story (its link with `?utm_source=rss` and a slash, in another
category), and times what the app does with them on the UI's thread: applying them to the Library and the
unread counts in the loader's slices of 4,000, a post rewritten one at a time (a live update), listing
a category, and asking every row whether it is unread (`n` through a list with nothing unread). Prints
the figures (median of 3 runs); run it on an older checkout too to compare.
"""

from __future__ import annotations

import argparse
import random
import statistics
import time
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

from tui.core.library import Library
from tui.core.post import Post
from tui.core.read_marks import ReadMarks
from tui.core.unread import UnreadCounts

ROOT = Path("/benchmark/posts")
CATEGORIES = ("nieuws", "buitenland", "binnenland", "politiek", "economie", "sport", "tech", "cultuur")
SLICE = 4_000
"""Posts applied in one turn of the UI's loop (the app's APPLY_PER_TURN)."""


def make_posts(count: int, copies: float, seed: int = 2019) -> list[Post]:
    """`count` posts newest first, a fraction `copies` of them another file of an older post's story."""
    rng = random.Random(seed)
    start = datetime(2019, 5, 15, 14, tzinfo=UTC)
    posts: list[Post] = []
    for number in range(count):
        when = start - timedelta(minutes=number)
        link = f"https://nos.nl/l/{2_000_000 + number}"
        if posts and rng.random() < copies:
            link = (
                f"https://nos.nl/l/{2_000_000 + rng.randrange(max(0, number - 50), number)}/?utm_source=rss"
            )
        path = f"{ROOT}/{number:06d}.html"
        posts.append(
            Post(
                path=path,
                relpath=path.rpartition("/")[2],
                title=f"Bericht {number}",
                date=when,
                categories=(rng.choice(CATEGORIES),),
                link=link,
                key="link:" + link,
            )
        )
    return posts


def timed(action) -> float:
    begin = time.perf_counter()
    action()
    return time.perf_counter() - begin


def one_run(posts: list[Post]) -> dict[str, float]:
    library = Library(ROOT)
    counts = UnreadCounts(ReadMarks.in_memory(ROOT))

    def load() -> None:
        for start in range(0, len(posts), SLICE):
            counts.library_changed(library, library.apply(posts[start : start + SLICE]))

    figures = {"apply every post (s)": timed(load)}
    rewritten = [
        replace(post, title=post.title + " (bijgewerkt)") for post in posts[:: max(1, len(posts) // 200)]
    ]

    def live() -> None:
        for post in rewritten:
            counts.library_changed(library, library.apply([post]))

    figures["a live rewrite (ms)"] = timed(live) / len(rewritten) * 1000
    figures["list a category (ms)"] = timed(lambda: library.view("politiek")) * 1000
    rows = library.posts
    counts.mark([post.key for post in rows], True)
    figures["is_unread over every row (ms)"] = timed(lambda: [counts.is_unread(post) for post in rows]) * 1000
    figures["rows"] = len(library)
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--posts", type=int, default=100_000)
    parser.add_argument("--copies", type=float, default=0.01, help="fraction of posts that copy a story")
    parser.add_argument("--runs", type=int, default=3)
    arguments = parser.parse_args()
    for copies in sorted({0.0, arguments.copies}):
        posts = make_posts(arguments.posts, copies)
        runs = [one_run(posts) for _ in range(arguments.runs)]
        print(f"{arguments.posts:,} posts, {copies:.0%} of them copies of a story:")
        for name in runs[0]:
            value = statistics.median(run[name] for run in runs)
            print(f"  {name:<32} {value:>10,.3f}" if name != "rows" else f"  {name:<32} {value:>10,.0f}")


if __name__ == "__main__":
    main()
