"""Real troubled disks for store tests: a tiny tmpfs that fills up, and a folder mounted read-only.

Both need mount rights (root in a container); without them the test using them is skipped, since a full
disk or a read-only mount simulated by patching would not show what SQLite really does on one.
"""

from __future__ import annotations

import errno
import os
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest


def _mount(*arguments: str) -> None:
    if os.geteuid() != 0:
        pytest.skip("mounting a test disk needs root")
    done = subprocess.run(["mount", *arguments], capture_output=True, text=True, check=False)
    if done.returncode != 0:
        pytest.skip(f"cannot mount a test disk: {done.stderr.strip()}")


@contextmanager
def small_disk(folder: Path, size: str = "200k") -> Iterator[Path]:
    """`folder` as a tmpfs of `size` (unmounted afterwards, with whatever was written on it)."""
    folder.mkdir(parents=True, exist_ok=True)
    _mount("-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(folder))
    try:
        yield folder
    finally:
        subprocess.run(["umount", "-l", str(folder)], check=True)


@contextmanager
def read_only(folder: Path) -> Iterator[Path]:
    """`folder` mounted read-only over itself (as it was), until the block ends."""
    _mount("--bind", str(folder), str(folder))
    try:
        subprocess.run(["mount", "-o", "remount,bind,ro", str(folder)], check=True)
        yield folder
    finally:
        subprocess.run(["umount", "-l", str(folder)], check=True)


def fill(folder: Path) -> Path:
    """Fill the disk of `folder` to the last byte with one file; delete it to give the room back."""
    ballast = folder / "ballast"
    with ballast.open("wb", buffering=0) as handle:
        try:
            while handle.write(b"\0" * 4096):
                continue
        except OSError as error:  # the disk is full: that was the point
            assert error.errno == errno.ENOSPC
    return ballast
