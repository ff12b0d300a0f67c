"""Live updates, measured on the real app (headless, through Textual's test driver): prints, asserts nothing.

1. Latency: from a post's file being closed to its row being drawn by the article list, over 100
   arrivals one at a time (median and worst). The watcher waits `tui.core.updates.SETTLE` seconds of quiet
   before it reports a batch (that is what turns bursts into few updates); it is printed alongside.
2. Memory: RSS and Python allocations (tracemalloc) of an app that received 10,000 posts while running,
   against one that found the same folder at start. Each runs in a fresh interpreter.

    .venv/bin/python benchmarks/live_latency.py [--arrivals 100] [--burst 10000] [--poll]
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import tracemalloc
from pathlib import Path

from tui.core.locations import Locations
from tui.core.updates import SETTLE
from tui.ui.app import KrantApp, make_app

SIZE = (160, 40)


def post_text(number: int, category: str = "live") -> str:
    day, minute = divmod(number, 60 * 24)
    hour, minute = divmod(minute, 60)
    return (
        f'---\ntitle: "Bericht {number:05d}"\ndate: 2030-01-{1 + day % 28:02d} {hour:02d}:{minute:02d}:00\n'
        f"category: {category}\n---\n<p>Tekst van bericht {number}.</p>\n"
    )


def rss_kib() -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def watching() -> bool:
    """Whether the folder watcher runs (it starts in the loader's thread, before the folder is read)."""
    return any(thread.name.startswith("krant-watch") for thread in threading.enumerate())


def new_app(folder: Path, base: Path, poll: bool) -> KrantApp:
    return make_app(folder, locations=Locations.under(base), watch=True, poll=poll)


async def settle(pilot, app: KrantApp, condition, timeout: float = 300.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise TimeoutError("the app did not catch up")
        await pilot.pause(0.01)


async def measure_latency(arrivals: int, poll: bool) -> list[float]:
    with tempfile.TemporaryDirectory() as tmp:
        base = Path(tmp)
        folder = base / "posts"
        folder.mkdir()
        for number in range(20):
            (folder / f"seed-{number}.md").write_text(post_text(number, "seed"), encoding="utf-8")
        # The newest post, where the cursor rests: every arrival lands just below it, in view.
        (folder / "top.md").write_text(
            '---\ntitle: "Bovenaan"\ndate: 2040-01-01 00:00:00\ncategory: seed\n---\n<p>Top.</p>\n',
            encoding="utf-8",
        )
        app = new_app(folder, base, poll)
        latencies: list[float] = []
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot, app, lambda: not app.loading and watching())
            articles = app.main.article_list
            drawn: list[tuple[str, float]] = []
            render_line = articles.render_line

            def recording_render_line(y: int):
                strip = render_line(y)
                index = articles.scroll_offset.y + y
                if index < len(articles.posts):
                    drawn.append((articles.posts[index].path, time.perf_counter()))
                return strip

            # Instance attribute: the list's own drawing, timed, for this benchmark only.
            articles.render_line = recording_render_line  # type: ignore[method-assign]
            for number in range(arrivals):
                path = folder / f"live-{number:05d}.md"
                with open(path, "w", encoding="utf-8") as file:
                    file.write(post_text(100_000 + number))
                closed = time.perf_counter()
                drawn.clear()
                wanted = str(path)  # as `Post.path` holds it: text, not a Path
                while not any(shown == wanted for shown, _at in drawn):
                    if time.perf_counter() - closed > 30:
                        raise TimeoutError(f"{path.name} was never drawn")
                    await asyncio.sleep(0.001)
                latencies.append(next(at for shown, at in drawn if shown == wanted) - closed)
                await asyncio.sleep(0.02)
        return latencies


async def memory_run(burst: int, mode: str, poll: bool) -> dict[str, float]:
    """One interpreter's figures: 'live' (posts arrive while running) or 'start' (there when it opens)."""
    tracemalloc.start()
    with tempfile.TemporaryDirectory() as tmp:
        base = Path(tmp)
        folder = base / "posts"
        folder.mkdir()
        if mode == "start":
            write_many(folder, burst)
        app = new_app(folder, base, poll)
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot, app, lambda: not app.loading and watching())
            gc.collect()
            before_rss, before_py = rss_kib(), tracemalloc.get_traced_memory()[0]
            started = time.perf_counter()
            if mode == "live":
                writer = threading.Thread(target=write_many, args=(folder, burst))
                writer.start()
                while writer.is_alive():
                    await pilot.pause(0.05)
            await settle(pilot, app, lambda: len(app.library) == burst)
            took = time.perf_counter() - started
            await pilot.pause(app.arrivals_notice_delay + 0.5)
            gc.collect()
            after_rss, after_py = rss_kib(), tracemalloc.get_traced_memory()
        return {
            "before_rss_kib": before_rss,
            "after_rss_kib": after_rss,
            "before_py_kib": before_py / 1024,
            "after_py_kib": after_py[0] / 1024,
            "peak_py_kib": after_py[1] / 1024,
            "seconds": took,
        }


def write_many(folder: Path, count: int) -> None:
    for number in range(count):
        (folder / f"burst-{number:05d}.md").write_text(post_text(number, f"c{number % 7}"), encoding="utf-8")


def in_fresh_interpreter(burst: int, mode: str, poll: bool) -> dict[str, float]:
    command = [sys.executable, __file__, "--memory-run", mode, "--burst", str(burst)]
    if poll:
        command.append("--poll")
    output = subprocess.run(command, check=True, capture_output=True, text=True).stdout
    return json.loads(output.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--arrivals", type=int, default=100)
    parser.add_argument("--burst", type=int, default=10_000)
    parser.add_argument("--poll", action="store_true", help="watch by polling instead of natively")
    parser.add_argument("--memory-run", choices=["live", "start"], help=argparse.SUPPRESS)
    options = parser.parse_args()
    if options.memory_run:
        print(json.dumps(asyncio.run(memory_run(options.burst, options.memory_run, options.poll))))
        return

    mode = "polling" if options.poll else "native"
    latencies = asyncio.run(measure_latency(options.arrivals, options.poll))
    median, worst = statistics.median(latencies), max(latencies)
    print(f"latency, file closed -> row drawn ({mode}, {len(latencies)} arrivals):")
    print(
        f"  median {median * 1000:7.1f} ms   worst {worst * 1000:7.1f} ms   (goal: median < 50 ms;"
        f" the watcher's settle alone is {SETTLE * 1000:.0f} ms)"
    )

    live = in_fresh_interpreter(options.burst, "live", options.poll)
    start = in_fresh_interpreter(options.burst, "start", options.poll)
    print(f"memory, {options.burst:,} posts ({mode}):")
    for name, figures in (("arrived while running", live), ("there at start", start)):
        print(
            f"  {name:22}  RSS {figures['before_rss_kib'] / 1024:7.1f}"
            f" -> {figures['after_rss_kib'] / 1024:7.1f} MiB"
            f"   Python {figures['before_py_kib'] / 1024:6.1f} -> {figures['after_py_kib'] / 1024:6.1f} MiB"
            f" (peak {figures['peak_py_kib'] / 1024:6.1f})   {figures['seconds']:5.1f} s"
        )
    print(
        f"  after arrivals / at start: RSS {live['after_rss_kib'] / start['after_rss_kib']:.2f}x,"
        f" Python {live['after_py_kib'] / start['after_py_kib']:.2f}x   (goal: within 1.10x)"
    )


if __name__ == "__main__":
    main()
