"""Read a whole folder in batches, newest files first, so a screen can fill while reading goes on."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from tui.posts import Post, Problem, find_post_files, read_post

BATCH_SIZE = 500


@dataclass(frozen=True, slots=True)
class LoadBatch:
    """Some freshly read files, and how far the whole load has come."""

    results: tuple[Post | Problem, ...]
    done: int
    total: int

    @property
    def finished(self) -> bool:
        return self.done >= self.total


def load_batches(root: Path, batch_size: int = BATCH_SIZE) -> Iterator[LoadBatch]:
    """Read every post below root, yielding batches; Jekyll names sort by date, so newest come first.

    Always yields at least one batch, so an empty folder is reported as finished.
    """
    paths = sorted(find_post_files(root), key=lambda path: path.name, reverse=True)
    total = len(paths)
    if not paths:
        yield LoadBatch((), 0, 0)
        return
    for start in range(0, total, batch_size):
        chunk = paths[start : start + batch_size]
        yield LoadBatch(tuple(read_post(path, root) for path in chunk), start + len(chunk), total)
