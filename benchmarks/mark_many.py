"""Marking many posts at once (`A`, `M`, `u`), measured on the core: `mark_many.py [--posts N] [--runs R]`.

A real read-marks store (SQLite, in a temporary folder) and the unread counts over a Library of N posts
built in memory (as `stories.py` builds them, 1% copies of a story). Timed, median of R runs, each on a
new store:

- on the calling thread (the UI's): `ReadMarks.mark` of every key, `restore` of them, `toggle` of one;
- the write that follows each (until `flush` returns: the store holds it), done by the store's writer
  thread since marks are written in the background (an older build writes on the calling thread, and its
  write figure is 0);
- `UnreadCounts.mark` and `restore` of every post (what `A` then `u` cost before the redraw), and the
  recount alone (`UnreadCounts.refresh` after the store changed under it);
- `close` right after marking every post (quitting right after `A`: it waits for the write).

Prints the figures; asserts nothing. Run it on an older checkout too to compare.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from stories import ROOT, make_posts

from tui.core.library import Library
from tui.core.post import Post
from tui.core.read_marks import ReadMarks
from tui.core.unread import UnreadCounts


def timed(action: Callable[[], object]) -> float:
    """Milliseconds `action` took."""
    begin = time.perf_counter()
    action()
    return (time.perf_counter() - begin) * 1000


def written(marks: ReadMarks) -> float:
    """Milliseconds until the store holds every change made so far."""
    return timed(getattr(marks, "flush", lambda: None))


def one_run(posts: list[Post], library: Library) -> dict[str, float]:
    keys = [post.key for post in posts]
    figures: dict[str, float] = {}
    with tempfile.TemporaryDirectory(prefix="krant-bench-") as state_dir:
        with ReadMarks.open(ROOT, Path(state_dir)) as marks:
            previous: dict[str, bool] = {}
            figures["ReadMarks.mark, every key"] = timed(lambda: previous.update(marks.mark(keys, True)))
            figures["  its write, until stored (writer thread)"] = written(marks)
            figures["ReadMarks.restore, every key"] = timed(lambda: marks.restore(previous))
            figures["  restore's write (writer thread)"] = written(marks)
            figures["ReadMarks.toggle, one key"] = timed(lambda: marks.toggle(keys[len(keys) // 2]))
            figures["  toggle's write (writer thread)"] = written(marks)

            counts = UnreadCounts(marks)
            for start in range(0, len(posts), 4_000):
                counts.library_changed(library, library.apply(posts[start : start + 4_000]))
            written(marks)
            undo: dict[str, bool] = {}
            figures["UnreadCounts.mark, every post"] = timed(lambda: undo.update(counts.mark(keys, True)))
            written(marks)
            figures["UnreadCounts.restore, every post"] = timed(lambda: counts.restore(undo))
            written(marks)
            marks.mark(keys, True)
            figures["UnreadCounts recount, every post read"] = timed(counts.refresh)
            marks.restore(undo)
            figures["UnreadCounts recount, every post unread"] = timed(counts.refresh)
            marks.toggle(keys[0])
            figures["UnreadCounts recount, one post"] = timed(counts.refresh)
            marks.flush()
            marks.mark(keys, True)
            figures["close right after marking every key"] = timed(marks.close)
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--posts", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=3)
    arguments = parser.parse_args()
    posts = make_posts(arguments.posts, 0.01)
    library = Library(ROOT)
    library.apply(posts)
    runs = [one_run(posts, Library(ROOT)) for _ in range(arguments.runs)]
    print(f"{arguments.posts:,} posts ({len(library):,} stories), median of {arguments.runs} (ms):")
    for name in runs[0]:
        print(f"  {name:<42} {statistics.median(run[name] for run in runs):>9,.1f}")


if __name__ == "__main__":
    main()
