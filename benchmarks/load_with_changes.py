"""Keys while a big folder loads and changes under it: the real app in tmux; prints figures, asserts nothing.

A folder of N posts (default 100,000, made by generate.py) is opened cold; while krant reads it, another
thread writes 1,000 new posts and deletes 500 (a thousandth of them per step, spread over the load), and a
key is sent every 0.5 s (Down and Up in turn), from when the first rows show until the header has shown no
progress for a few seconds.
Each key is timed from sending it to the end of the first frame that changed the screen, the way run.py
times keys (the pane's output through pipe-pane). Prints the median, 99th percentile and worst key.

    .venv/bin/python benchmarks/load_with_changes.py [--posts 100000] [--writes 1000] [--deletes 500]
"""

from __future__ import annotations

import argparse
import random
import re
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from generate import generate  # noqa: E402
from run import PROGRESS, TMUX, Terminal  # noqa: E402

KEY_EVERY = 0.5
FIRST_ROWS = re.compile(r"Reading [\d,]+ of|\d posts ·")
QUIET_AFTER = 3.0
"""Seconds without progress in the header after which the load (and its changes) count as done."""


def change_folder(folder: Path, paths: list[Path], writes: int, deletes: int, over: float) -> None:
    """Write `writes` new posts and delete `deletes` existing ones, spread evenly over `over` seconds."""
    rng = random.Random(7)
    doomed = rng.sample(paths, min(deletes, len(paths)))
    steps: list[tuple[str, object]] = [("write", number) for number in range(writes)]
    steps += [("delete", path) for path in doomed]
    rng.shuffle(steps)
    pause = over / max(1, len(steps))
    for kind, what in steps:
        if kind == "write":
            front = f'title: "Live {what:05d}"\ndate: 2030-01-01 10:00:00\ncategory: live'
            (folder / f"2030-01-01-live-{what:05d}.md").write_text(f"---\n{front}\n---\n<p>Tekst.</p>\n")
        else:
            assert isinstance(what, Path)
            what.unlink(missing_ok=True)
        time.sleep(pause)


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--posts", type=int, default=100_000)
    parser.add_argument("--writes", type=int, default=1_000)
    parser.add_argument("--deletes", type=int, default=500)
    parser.add_argument("--change-seconds", type=float, default=8.0, help="how long the changes take")
    parser.add_argument(
        "--warm", action="store_true", help="open the folder once first, so the timed start is a warm one"
    )
    options = parser.parse_args()
    if TMUX is None:
        sys.exit("needs tmux")
    with tempfile.TemporaryDirectory(prefix="krant-load-changes-") as temporary:
        base = Path(temporary)
        folder = base / "posts"
        print(f"generating {options.posts:,} posts…", file=sys.stderr)
        paths = generate(options.posts, folder)
        if options.warm:
            print("a first start, to fill the index…", file=sys.stderr)
            first = Terminal(folder, base / "home")
            everything = f"{options.posts:,} posts ·"
            done = first.wait_for(
                lambda screen: everything in screen and not PROGRESS.search(screen), timeout=600, interval=0.2
            )
            first.close()
            if done is None:
                sys.exit("the first start never finished reading the folder")
        terminal = Terminal(folder, base / "home")
        writer = threading.Thread(
            target=change_folder,
            args=(folder, paths, options.writes, options.deletes, options.change_seconds),
        )
        timings: list[float] = []
        moments: list[tuple[float, float, str, bool]] = []
        """Each key: its time, when it was sent (s after the start), the header after it, changes going on."""
        missed = 0
        begun = time.monotonic()
        try:
            # Keys from the first rows on: before them the list is empty, so a key changes nothing on the
            # screen and would be timed until the first rows come (the reading, not the key).
            shown = terminal.wait_for(lambda screen: FIRST_ROWS.search(screen) is not None, interval=0.01)
            if shown is None:
                sys.exit("krant never showed its first rows")
            writer.start()
            keys = ("Down", "Up")
            quiet_since: float | None = None
            deadline = time.monotonic() + 600
            while time.monotonic() < deadline:
                started = time.monotonic()
                took = terminal.output.key_ms(keys[(len(timings) + missed) % 2], timeout=15.0)
                screen = terminal.screen()
                loading = bool(PROGRESS.search(screen)) or writer.is_alive()
                if took is None:
                    missed += 1
                else:
                    timings.append(took)
                    header = screen.splitlines()[0].strip() if screen else ""
                    moments.append((took, time.monotonic() - begun, header, writer.is_alive()))
                if loading:
                    quiet_since = None
                elif quiet_since is None:
                    quiet_since = time.monotonic()
                elif time.monotonic() - quiet_since > QUIET_AFTER:
                    break
                time.sleep(max(0.0, KEY_EVERY - (time.monotonic() - started)))
        finally:
            writer.join()
            terminal.close()
    if not timings:
        sys.exit("no key was seen to change the screen")
    print(
        f"{options.posts:,} posts loading {'warm' if options.warm else 'cold'},"
        f" {options.writes:,} written and {options.deletes:,} deleted"
        f" meanwhile; a key every {KEY_EVERY} s:"
    )
    print(
        f"  keys {len(timings)}   median {statistics.median(timings):.0f} ms"
        f"   p99 {percentile(timings, 0.99):.0f} ms   worst {max(timings):.0f} ms   (goal: worst < 250 ms)"
        + (f"   ({missed} keys changed nothing within 15 s)" if missed else "")
    )
    for took, at, header, changing in sorted(moments, reverse=True)[:3]:
        going = ' (changes going on)' if changing else ''
        print(f"  slowest: {took:.0f} ms at {at:.1f} s{going}: {header[:90]}")


if __name__ == "__main__":
    main()
