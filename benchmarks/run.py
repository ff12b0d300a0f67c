"""krant's benchmark (`make bench`): generated folders of 1,000 to 100,000 posts, timed two ways.

- app: the installed `krant DIR` in a real terminal (tmux), polled with `capture-pane` until the newest
  post's title is on screen (first screen). Then until the app has written the frame that shows no
  progress any more (everything), and after a key press (cursor move, opening a post) until it has
  written the frame that changed the screen: its output is watched through `pipe-pane` (a file, polled
  with `stat`), and `capture-pane` runs only after output, to confirm the change.
  Polling the screen itself every 2 ms started a tmux client each time, which took the CPU the app was
  timed on (a cursor move measured 14 ms that way, 7 ms this way).
- core: `benchmarks/probe.py` in a fresh interpreter, loading as the app does without drawing anything.

Corpora, caches and index files go to a temporary folder that is removed afterwards. Prints figures and
ratios, never pass/fail. Timings are wall-clock on a possibly busy machine: compare runs, not digits.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from generate import generate  # noqa: E402

PYTHON = sys.executable
KRANT = shutil.which("krant", path=str(Path(PYTHON).parent)) or shutil.which("krant")
TMUX = shutil.which("tmux")
# The app's progress ("Reading 1,200 of 100,000"); not `n/m`, which the sidebar's unread counts also show.
PROGRESS = re.compile(r"\d+\s*%|[Ll]oading|[Ii]ndexing|[Rr]eading|Checking")


def import_textual_seconds() -> float:
    """The floor: what starting Python and importing Textual costs before krant does anything."""
    timings = []
    for _ in range(3):
        begin = time.perf_counter()
        subprocess.run([PYTHON, "-c", "import textual.app, textual.widgets"], check=True)
        timings.append(time.perf_counter() - begin)
    return statistics.median(timings)


def tmux_echo_ms() -> float | None:
    """The floor of every key latency: `cat` in tmux echoing a typed key, timed the same way."""
    if TMUX is None:
        return None
    socket = f"krant-bench-echo-{os.getpid()}"
    subprocess.run([TMUX, "-L", socket, "new", "-d", "-x", "120", "-y", "40", "cat"], check=True)
    try:
        with tempfile.TemporaryDirectory() as folder:
            output = PaneOutput(socket, Path(folder) / "output")
            timings = [output.key_ms("x" if number % 2 else "y") for number in range(7)]
        return statistics.median(value for value in timings if value is not None)
    finally:
        subprocess.run([TMUX, "-L", socket, "kill-server"], check=False)


class PaneOutput:
    """What a tmux pane's program writes, copied to a file by `pipe-pane`: a key's frame is timed by its
    bytes arriving, polled with a cheap `stat` instead of a tmux client per poll."""

    BURST_GAP = 0.015
    """Output with no pause this long is one frame (Textual writes a frame at once)."""

    def __init__(self, socket: str, path: Path) -> None:
        self.socket = socket
        self.path = path
        path.touch()
        subprocess.run([TMUX, "-L", socket, "pipe-pane", "-o", f"cat >> {path}"], check=True)
        time.sleep(0.2)  # the pipe is open before the first key

    def _size(self) -> int:
        return self.path.stat().st_size

    def key_ms(self, key: str, *, settle: float | None = None, timeout: float = 5.0) -> float | None:
        """Milliseconds from sending `key` until the end of the first output that changed the screen;
        with `settle`, until the end of the last output before `settle` seconds of quiet."""
        before = _capture(self.socket)
        size = self._size()
        started = time.perf_counter()
        subprocess.run([TMUX, "-L", self.socket, "send-keys", key], check=True)
        last = None
        while time.perf_counter() - started < timeout:
            now, moment = self._size(), time.perf_counter()
            if now != size:
                size, last = now, moment
            elif last is not None and moment - last > (settle or self.BURST_GAP):
                if _capture(self.socket) != before:
                    return (last - started) * 1000
                if settle:
                    return None
                last = None  # output that changed nothing on screen: wait for the next
            time.sleep(0.0002)
        return None

    def until(self, condition: Callable[[str], bool], timeout: float) -> float | None:
        """The moment (`time.perf_counter`) the app finished writing the frame after which
        `condition(screen text)` holds, or None on timeout; now, if it holds already.

        The screen is captured only after the app has written something and paused, so the wait takes
        next to no CPU from the app however long it is.
        """
        size = self._size()
        if condition(_capture(self.socket, styled=False)):
            return time.perf_counter()
        deadline = time.perf_counter() + timeout
        last = None
        while time.perf_counter() < deadline:
            now, moment = self._size(), time.perf_counter()
            if now != size:
                size, last = now, moment
            elif last is not None and moment - last > self.BURST_GAP:
                if condition(_capture(self.socket, styled=False)):
                    return last
                last = None
            time.sleep(0.002)
        return None


def _capture(socket: str, *, styled: bool = True) -> str:
    return subprocess.run(
        [TMUX, "-L", socket, "capture-pane", "-p", *(["-e"] if styled else [])],
        capture_output=True,
        text=True,
        check=False,
    ).stdout


def core_probe(folder: Path, home: Path) -> dict[str, float]:
    """One start of the core (cold if home holds no index yet, else warm)."""
    output = subprocess.run(
        [PYTHON, str(HERE / "probe.py"), str(folder), str(home)], check=True, capture_output=True, text=True
    ).stdout
    return json.loads(output.strip().splitlines()[-1])


class Terminal:
    """krant running in a detached tmux session, read with capture-pane."""

    _runs = itertools.count()

    def __init__(self, folder: Path, home: Path) -> None:
        environment = {
            "XDG_CACHE_HOME": str(home / "cache"),
            "XDG_STATE_HOME": str(home / "state"),
            "XDG_CONFIG_HOME": str(home / "config"),
            "XDG_DATA_HOME": str(home / "data"),
            "TERM": "xterm-256color",
        }
        settings = [f"{key}={value}" for key, value in environment.items()]
        # A server per run: the previous one may still be exiting, and a new session on it then fails.
        self.socket = f"krant-bench-{os.getpid()}-{next(Terminal._runs)}"
        self.started = time.perf_counter()
        subprocess.run(
            [TMUX, "-L", self.socket, "new", "-d", "-x", "120", "-y", "40"]
            + ["env", *settings, str(KRANT), str(folder)],
            check=True,
        )
        self.pid = int(self._tmux("list-panes", "-F", "#{pane_pid}").strip())
        self._home = home
        self._output: PaneOutput | None = None

    @property
    def output(self) -> PaneOutput:
        """The pane's output, watched from the first key timed on (not during the start)."""
        if self._output is None:
            self._home.mkdir(parents=True, exist_ok=True)
            self._output = PaneOutput(self.socket, self._home / f"pane-output-{self.socket}")
        return self._output

    def _tmux(self, *arguments: str) -> str:
        return subprocess.run(
            [TMUX, "-L", self.socket, *arguments], capture_output=True, text=True, check=False
        ).stdout

    def screen(self, styled: bool = False) -> str:
        """The visible text; `styled` keeps colours, since moving the cursor only changes a highlight."""
        return self._tmux("capture-pane", "-p", *(["-e"] if styled else []))

    def wait_for(
        self, condition, timeout: float = 120.0, styled: bool = False, interval: float = 0.002
    ) -> float | None:
        """Seconds since start until condition(screen) holds, or None on timeout.

        Each poll starts tmux (a few ms of CPU): long waits poll less often, so that polling does not
        take the CPU the app is being timed on.
        """
        deadline = time.perf_counter() + timeout
        while time.perf_counter() < deadline:
            if condition(self.screen(styled)):
                return time.perf_counter() - self.started
            time.sleep(interval)
        return None

    def wait_for_output(self, condition: Callable[[str], bool], timeout: float = 120.0) -> float | None:
        """Seconds since start until the app wrote the frame after which condition(screen) holds."""
        moment = self.output.until(condition, timeout)
        return None if moment is None else moment - self.started

    def key_latency_ms(self, key: str) -> float | None:
        """Time from a key press until the app has written the frame that changed the screen."""
        return self.output.key_ms(key)

    def key_settled_ms(self, key: str, quiet: float = 0.25) -> float | None:
        """Time from a key press until the app's last output before `quiet` s of none: all of it drawn."""
        return self.output.key_ms(key, settle=quiet)

    def peak_rss_mb(self) -> float | None:
        try:
            status = Path(f"/proc/{self.pid}/status").read_text()
        except OSError:
            return None
        match = re.search(r"VmHWM:\s+(\d+) kB", status)
        return int(match[1]) / 1024 if match else None

    def close(self) -> None:
        self._tmux("send-keys", "q")
        time.sleep(0.3)
        self._tmux("kill-server")


def app_run(folder: Path, home: Path, title: str, *, keys: bool) -> dict[str, float | None]:
    """One start of the real app: time to the newest title, to no progress shown, and key latencies."""
    terminal = Terminal(folder, home)
    shown = title[:15]  # the list cuts titles to its column's width
    try:
        result: dict[str, float | None] = {
            "first_screen": terminal.wait_for(lambda s: shown in s, interval=0.01)
        }
        if result["first_screen"] is None:
            result["everything"] = None
            return result
        # Timed by the pane's output, with a capture only after the app wrote something: polling the screen
        # starts a tmux client each time (twenty a second took ~0.5 s from a 10 s cold start on two cores).
        result["everything"] = terminal.wait_for_output(lambda s: not PROGRESS.search(s), timeout=300)
        if keys:
            time.sleep(0.5)
            result["cursor_ms"] = statistics.median(
                [terminal.key_latency_ms("Down") or float("nan") for _ in range(5)]
            )
            opened = []
            for _ in range(5):  # five posts, each opened from the list
                opened.append(terminal.key_latency_ms("Enter") or float("nan"))
                time.sleep(0.5)
                terminal.key_latency_ms("Escape")
                time.sleep(0.5)
                terminal.key_latency_ms("Down")
                time.sleep(0.5)
            result["open_ms"] = statistics.median(opened)
            result["open_settled_ms"] = terminal.key_settled_ms("Enter")
        result["peak_rss_mb"] = terminal.peak_rss_mb()
        return result
    finally:
        terminal.close()


def newest_title(folder: Path) -> str:
    """The title of the newest post: the latest date among the files of the latest day."""
    from tui.core.post import Post
    from tui.core.reading import read_post

    names = sorted(path.name for path in folder.iterdir())
    day = names[-1][:10]
    posts = [read_post(folder / name, folder) for name in names if name.startswith(day)]
    newest = max((post for post in posts if isinstance(post, Post)), key=lambda post: post.date)
    return newest.title


def seconds(value: float | None) -> str:
    return "—" if value is None else f"{value:.2f} s"


def millis(value: float | None) -> str:
    return "—" if value is None or value != value else f"{value:.0f} ms"


def megabytes(value: float | None) -> str:
    return "—" if value is None else f"{value:.0f} MB"


def main() -> None:
    parser = argparse.ArgumentParser(description="Time krant on generated folders.")
    parser.add_argument("--sizes", default="1000,10000,100000", help="comma-separated post counts")
    parser.add_argument("--no-app", action="store_true", help="core timings only (no tmux)")
    parser.add_argument("--folder", type=Path, help="time this folder (e.g. from generate.py) instead")
    arguments = parser.parse_args()
    sizes = [int(size) for size in arguments.sizes.split(",")] if arguments.folder is None else [0]
    use_app = not arguments.no_app and TMUX is not None and KRANT is not None

    floor = import_textual_seconds()
    echo = tmux_echo_ms() if use_app else None
    rows: list[tuple[str, list[str]]] = []
    columns: list[str] = []
    with tempfile.TemporaryDirectory(prefix="krant-bench-") as temporary:
        base = Path(temporary)
        for size in sizes:
            if arguments.folder is not None:
                folder = arguments.folder.resolve()
                size = sum(1 for _path in folder.iterdir())
            else:
                folder = base / f"posts-{size}"
                print(f"generating {size:,} posts…", file=sys.stderr)
                generate(size, folder)
            megabytes_on_disk = sum(path.stat().st_size for path in folder.iterdir()) / 1e6
            title = newest_title(folder)
            print(f"timing {size:,} posts…", file=sys.stderr)
            cold = core_probe(folder, base / f"core-{size}")
            warm = core_probe(folder, base / f"core-{size}")
            app_cold = app_warm = {}
            if use_app:
                app_cold = app_run(folder, base / f"app-{size}", title, keys=False)
                app_warm = app_run(folder, base / f"app-{size}", title, keys=True)
            columns.append(f"{size:,} posts ({megabytes_on_disk:.0f} MB)")
            rows.append(
                (
                    str(size),
                    [
                        seconds(app_cold.get("first_screen")),
                        seconds(app_cold.get("everything")),
                        seconds(app_warm.get("first_screen")),
                        millis(app_warm.get("cursor_ms")),
                        millis(app_warm.get("open_ms")),
                        millis(app_warm.get("open_settled_ms")),
                        megabytes(app_warm.get("peak_rss_mb")),
                        seconds(cold["first_screen"]),
                        seconds(cold["everything"]),
                        seconds(warm["first_screen"]),
                        seconds(warm["everything"]),
                        millis(warm["open_ms"]),
                        millis(warm["search_ms"]),
                        millis(warm["search_worst_ms"]),
                        millis(warm["ranked_ms"]),
                        millis(warm["ranked_worst_ms"]),
                        "—" if warm.get("index_mb") is None else f"{warm['index_mb']:.1f} MB",
                        megabytes(max(cold["peak_rss_mb"], warm["peak_rss_mb"])),
                    ],
                )
            )
            if arguments.folder is None:
                shutil.rmtree(folder)
    labels = [
        "app: cold start, newest post on screen",
        "app: cold start, no progress shown",
        "app: warm start, newest post on screen",
        "app: cursor move (Down), median of 5",
        "app: open a post (Enter), median of 5",
        "app: open another post, last change drawn",
        "app: peak RSS (VmHWM)",
        "core: cold, first batch in Library",
        "core: cold, everything read + indexed",
        "core: warm, first batch in Library",
        "core: warm, folder checked",
        "core: open a post (read + render)",
        "core: search, median of 7 queries",
        "core: search, slowest query",
        "core: ranked search, median of 7 queries",
        "core: ranked search, slowest query",
        "core: index file on disk",
        "core: peak RSS (main process)",
    ]
    print(f"\nfloor: python -c 'import textual.app' = {floor:.2f} s (every app figure includes it)")
    if echo is not None:
        print(f"floor: `cat` in tmux echoes a key after {echo:.0f} ms (every key figure includes it)")
    if not use_app:
        print("app figures skipped (--no-app, or tmux/krant not found)")
    width = max(map(len, labels))
    print("| " + "measure".ljust(width) + " | " + " | ".join(columns) + " |")
    print("|" + "-" * (width + 2) + "|" + "|".join("-" * (len(c) + 2) for c in columns) + "|")
    for number, label in enumerate(labels):
        cells = [row[1][number].rjust(len(columns[i])) for i, row in enumerate(rows)]
        print("| " + label.ljust(width) + " | " + " | ".join(cells) + " |")
    if len(rows) > 1:
        print("\nwarm first screen / import textual:", end="")
        for row in rows:
            value = row[1][2] if use_app else row[1][9]
            print(f"  {row[0]}: {value}", end="")
        print()


if __name__ == "__main__":
    main()
