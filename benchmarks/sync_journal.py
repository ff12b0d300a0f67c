"""The sync journal at size, measured on the core (real SQLite stores, real files): prints, asserts nothing.

Two journals in a sync folder hold `--marks` changes each (another machine's and an old one of this
machine's), as a long-used sync folder would. Timed:

1. First look: a new machine (empty store) reads both, merges and applies every winner to its store.
2. A look when nothing changed (what each poll costs), and one after a single line arrived.
3. Start on a machine whose store already agrees (every later start).
4. A mark made on one machine until the other holds it, both threads running at the usual poll interval.
5. The memory a new machine's journal and store hold after the first look (Python's allocations).

    .venv/bin/python benchmarks/sync_journal.py [--marks 100000] [--rounds 20]
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import threading
import time
import tracemalloc
from pathlib import Path

from tui.core.read_marks import ReadMarks
from tui.core.sync_journal import JOURNAL_SUFFIX, Entry, SyncJournal


def write_journal(path: Path, machine: str, count: int, start: float) -> None:
    with path.open("wb") as journal:
        journal.writelines(
            Entry(
                f"link:https://example.com/{number}", "read", number % 7 != 0, start + number, machine
            ).line()
            for number in range(count)
        )


def timed(action) -> float:  # noqa: ANN001
    began = time.perf_counter()
    action()
    return (time.perf_counter() - began) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--marks", type=int, default=100_000)
    parser.add_argument("--rounds", type=int, default=20)
    arguments = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="krant-sync-bench-") as temporary:
        base = Path(temporary)
        sync = base / "sync"
        sync.mkdir()
        write_journal(sync / f"{'a' * 32}{JOURNAL_SUFFIX}", "a" * 32, arguments.marks, 1_700_000_000.0)
        write_journal(sync / f"{'b' * 32}{JOURNAL_SUFFIX}", "b" * 32, arguments.marks, 1_700_000_000.5)
        size = sum(path.stat().st_size for path in sync.iterdir())
        print(f"journals: 2 × {arguments.marks:,} lines, {size / 1e6:.1f} MB")

        marks = ReadMarks.open(base / "posts", base / "new")
        journal = SyncJournal(sync, base / "new", marks)
        journal.attach()
        first = timed(journal.sync_now)
        print(f"first look on a new machine: {first:,.0f} ms ({len(marks.read_keys()):,} read marks applied)")
        idle = [timed(journal.sync_now) for _ in range(arguments.rounds)]
        print(
            f"a look when nothing changed: median {statistics.median(idle):.2f} ms, worst {max(idle):.2f} ms"
        )
        other = sync / f"{'b' * 32}{JOURNAL_SUFFIX}"
        grown = []
        for number in range(arguments.rounds):
            with other.open("ab") as more:
                more.write(
                    Entry(f"link:new/{number}", "read", True, 1_800_000_000.0 + number, "b" * 32).line()
                )
            grown.append(timed(journal.sync_now))
        median, worst = statistics.median(grown), max(grown)
        print(f"a look after one line arrived: median {median:.2f} ms, worst {worst:.2f} ms")
        journal.stop()
        marks.close()

        marks = ReadMarks.open(base / "posts", base / "new")
        journal = SyncJournal(sync, base / "new", marks)
        again = timed(journal.sync_now)
        print(f"a later start (store agrees): {again:,.0f} ms")

        arrived = threading.Event()
        there = SyncJournal(sync, base / "there", ReadMarks.open(base / "posts", base / "there"))
        there.sync_now()  # the first look is timed above
        there._news = lambda news: arrived.set() if news.read else None
        there.start()
        journal.attach()
        journal.start()
        delays = []
        for number in range(min(arguments.rounds, 10)):
            arrived.clear()
            began = time.perf_counter()
            marks.mark([f"link:live/{number}"])
            arrived.wait(30)
            delays.append((time.perf_counter() - began) * 1000)
        print(
            f"a mark until the other machine holds it (poll {journal._poll_seconds:.0f} s): "
            f"median {statistics.median(delays):,.0f} ms, worst {max(delays):,.0f} ms"
        )
        journal.stop()
        there.stop()
        marks.close()

        tracemalloc.start()
        marks = ReadMarks.open(base / "posts", base / "measured")
        journal = SyncJournal(sync, base / "measured", marks)
        journal.sync_now()
        held = tracemalloc.get_traced_memory()[0]
        tracemalloc.stop()
        print(f"held after a first look (journal and store): {held / 1e6:.1f} MB")
        journal.stop()
        marks.close()


if __name__ == "__main__":
    main()
