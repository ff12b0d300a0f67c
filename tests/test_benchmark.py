"""The benchmark runs from a fresh clone (it broke once when a function it used was removed)."""

from __future__ import annotations

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


def test_the_benchmark_prints_its_table_for_a_small_folder() -> None:
    done = subprocess.run(
        [sys.executable, str(BENCHMARKS / "run.py"), "--sizes", "300", "--no-app"],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "| core: cold, everything read + indexed" in done.stdout
    row = next(line for line in done.stdout.splitlines() if "core: search, median" in line)
    assert row.rstrip(" |").endswith("ms"), row  # a figure, not "—"


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
    silent = ["sh", "-c", "stty -echo; sleep 30"]
    socket += "-silent"  # a server of its own: the last one may still be exiting
    subprocess.run(["tmux", "-L", socket, "new", "-d", "-x", "40", "-y", "5", *silent], check=True)
    try:
        output = run.PaneOutput(socket, tmp_path / "silent")
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
