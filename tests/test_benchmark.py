"""The benchmark runs from a fresh clone (it broke once when a function it used was removed)."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path
from types import ModuleType

import pytest

BENCHMARKS = Path(__file__).resolve().parent.parent / "benchmarks"


@pytest.fixture
def run() -> ModuleType:
    """benchmarks/run.py, imported as the benchmark runs it (from its own folder)."""
    sys.path.insert(0, str(BENCHMARKS))
    try:
        import run
    finally:
        sys.path.remove(str(BENCHMARKS))
    return run


def _script(name: str, *arguments: str, timeout: float = 600) -> str:
    """Run a benchmark script as a person would (from the repository), and give back what it printed.

    Without COLUMNS and LINES: pytest-xdist's workers export them, and an app started in tmux from here
    would take them for its size.
    """
    environment = {key: value for key, value in os.environ.items() if key not in ("COLUMNS", "LINES")}
    done = subprocess.run(
        [sys.executable, str(BENCHMARKS / name), *arguments],
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
        env=environment,
        cwd=BENCHMARKS.parent,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


COVERED = {
    "run.py", "probe.py", "generate.py", "live_latency.py", "load_with_changes.py", "stories.py",
    "sync_journal.py", "query_probe.py", "mark_many.py",
}
"""The scripts the tests below run at a tiny size."""


def test_every_benchmark_script_runs_in_a_test() -> None:
    """A new script in benchmarks/ needs a test here, or nothing notices when it stops running."""
    assert {path.name for path in BENCHMARKS.glob("*.py")} == COVERED


def test_the_benchmark_prints_its_table_for_a_small_folder() -> None:
    printed = _script("run.py", "--sizes", "300", "--no-app")
    assert "| core: cold, everything read + indexed" in printed
    for label in ("core: search, median", "core: ranked search, median"):
        row = next(line for line in printed.splitlines() if label in line)
        assert row.rstrip(" |").endswith("ms"), row  # a figure, not "—"
    row = next(line for line in printed.splitlines() if "core: index file on disk" in line)
    assert row.rstrip(" |").endswith("MB"), row


@pytest.mark.skipif(shutil.which("tmux") is None, reason="needs tmux")
def test_the_benchmark_times_the_app_in_tmux_for_a_small_folder() -> None:
    printed = _script("run.py", "--sizes", "200")
    for label in ("app: cold start, newest post on screen", "app: open a post (Enter), median of 5"):
        row = next(line for line in printed.splitlines() if label in line)
        assert row.rstrip(" |").endswith(("s", "ms")) and "—" not in row, row


def test_generate_and_probe_time_a_folder(tmp_path: Path) -> None:
    _script("generate.py", "50", str(tmp_path / "posts"))
    assert len(list((tmp_path / "posts").iterdir())) == 50
    printed = _script("probe.py", str(tmp_path / "posts"), str(tmp_path / "home"))
    figures = json.loads(printed.splitlines()[-1])
    assert figures["posts"] == 50
    assert {"first_screen", "everything", "open_ms", "search_ms", "peak_rss_mb"} <= set(figures)


def test_the_query_benchmark_times_ten_queries_mixing_fields_and_words() -> None:
    printed = _script("query_probe.py", "--posts", "300")
    rows = [line for line in printed.splitlines() if line.startswith("| `")]
    assert len(rows) == 10
    assert all(re.search(r"\| +\d+\.\d ms \| +\d+ \| +\d+\.\d ms \|", row) for row in rows), rows
    assert re.search(r"search: median \d+\.\d ms, slowest \d+\.\d ms", printed), printed
    assert "300 posts" in printed


def test_generate_can_give_posts_tags_without_changing_them_otherwise(tmp_path: Path) -> None:
    _script("generate.py", "30", str(tmp_path / "plain"))
    _script("generate.py", "30", str(tmp_path / "tagged"), "--tags")
    plain = sorted((tmp_path / "plain").iterdir())
    tagged = sorted((tmp_path / "tagged").iterdir())
    assert [path.name for path in plain] == [path.name for path in tagged]
    with_tags = [path for path in tagged if "\ntags: [" in path.read_text()]
    assert 0 < len(with_tags) < 30
    for before, after in zip(plain, tagged, strict=True):
        lines = [line for line in after.read_text().splitlines() if not line.startswith("tags: [")]
        assert lines == before.read_text().splitlines()


def test_the_live_latency_benchmark_prints_its_figures() -> None:
    printed = _script("live_latency.py", "--arrivals", "3", "--burst", "30")
    assert "latency, file closed -> row drawn (native, 3 arrivals)" in printed
    assert "after arrivals / at start: RSS" in printed


@pytest.mark.skipif(shutil.which("tmux") is None, reason="needs tmux")
def test_the_load_with_changes_benchmark_times_keys_while_a_folder_loads_and_changes() -> None:
    printed = _script(
        "load_with_changes.py", "--posts", "300", "--writes", "20", "--deletes", "10", "--change-seconds", "1"
    )
    assert "300 posts loading cold, 20 written and 10 deleted meanwhile" in printed
    figures = next(line for line in printed.splitlines() if "median" in line)
    assert re.search(r"keys \d+ +median \d+ ms +p99 \d+ ms +worst \d+ ms", figures), figures


@pytest.mark.skipif(shutil.which("tmux") is None, reason="needs tmux")
def test_key_timings_watch_the_panes_output_and_see_only_changes(run: ModuleType, tmp_path: Path) -> None:
    """Keys are timed by what the pane's program writes (`pipe-pane`), not by a tmux client per poll."""
    socket = f"krant-test-output-{tmp_path.name}"
    subprocess.run(["tmux", "-L", socket, "new", "-d", "-x", "40", "-y", "5", "cat"], check=True)
    try:
        output = run.PaneOutput(socket, tmp_path / "output")
        echoed = output.key_ms("x")
        assert echoed is not None and 0 < echoed < 1_000
        assert (tmp_path / "output").read_bytes().endswith(b"x")  # what cat wrote, through the pipe
    finally:
        subprocess.run(["tmux", "-L", socket, "kill-server"], check=False)
    # A key that changes nothing on screen is never counted: here nothing echoes it.
    silent = ["sh", "-c", "stty -echo; echo quiet; sleep 30"]
    socket += "-silent"  # a server of its own: the last one may still be exiting
    subprocess.run(["tmux", "-L", socket, "new", "-d", "-x", "40", "-y", "5", *silent], check=True)
    try:
        output = run.PaneOutput(socket, tmp_path / "silent")
        # Echo is off once the shell says so; a key sent before that would still be echoed.
        assert output.until(lambda screen: "quiet" in screen, timeout=30) is not None
        assert output.key_ms("x", timeout=0.5) is None
    finally:
        subprocess.run(["tmux", "-L", socket, "kill-server"], check=False)


@pytest.mark.skipif(shutil.which("tmux") is None, reason="needs tmux")
def test_a_long_wait_is_timed_by_the_output_that_changed_the_screen(run: ModuleType, tmp_path: Path) -> None:
    """The cold start's end is the moment the app wrote the frame without progress, not a later poll."""
    socket = f"krant-test-until-{tmp_path.name}"
    # Counts for a while, then says it is done, and when: a stand-in for the progress a cold start shows.
    script = "for n in 1 2 3 4 5; do echo Reading $n; sleep 0.15; done; echo done at $(date +%s.%N); sleep 9"
    command = ["tmux", "-L", socket, "new", "-d", "-x", "60", "-y", "12", "sh", "-c", script]
    subprocess.run(command, check=True)
    try:
        output = run.PaneOutput(socket, tmp_path / "output")  # waits 0.2 s: a few lines are out already
        assert output.until(lambda screen: "Reading" in screen, timeout=1) is not None  # holds at once
        moment = output.until(lambda screen: "done at" in screen, timeout=5)
        assert moment is not None
        written = float(output.path.read_text().split("done at ")[1].split()[0])
        seen = time.time() - (time.perf_counter() - moment)  # the same moment by the wall clock
        assert abs(seen - written) < 0.1  # the moment it was written, not a poll some time later
        assert output.until(lambda screen: "never" in screen, timeout=0.3) is None
    finally:
        subprocess.run(["tmux", "-L", socket, "kill-server"], check=False)


def test_the_stories_benchmark_prints_its_figures_for_a_few_posts() -> None:
    printed = _script("stories.py", "--posts", "300", "--copies", "0.1", "--runs", "1")
    assert "300 posts, 10% of them copies of a story:" in printed
    rows = next(
        line for line in printed.split("10% of them")[1].splitlines() if line.strip().startswith("rows")
    )
    assert 250 < int(rows.split()[-1]) < 300, printed  # some posts were copies: fewer rows than posts


def test_the_sync_journal_benchmark_prints_its_figures() -> None:
    out = _script("sync_journal.py", "--marks", "50", "--rounds", "3")
    for line in (
        "first look on a new machine:",
        "a look when nothing changed:",
        "a later start",
        "a mark until the other machine holds it",
    ):
        assert line in out, out


def test_the_mark_many_benchmark_prints_its_figures() -> None:
    out = _script("mark_many.py", "--posts", "300", "--runs", "1")
    assert "300 posts (" in out, out
    labels = ("ReadMarks.mark, every key", "its write, until stored", "UnreadCounts recount, every post read")
    for label in labels:
        row = next(line for line in out.splitlines() if label in line)
        float(row.split()[-1].replace(",", ""))  # a figure
