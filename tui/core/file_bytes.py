"""Read a post file's bytes without ever opening what is not a regular file, and within a size limit."""

from __future__ import annotations

import os
import stat

from tui.core.post import Unreadable

MAX_FILE_BYTES = 20 * 1024 * 1024
"""Files larger than this are listed as problems instead of being read."""


def read_file_bytes(path: str) -> tuple[bytes, os.stat_result]:
    """The bytes of a regular file and its `fstat`; raises Unreadable with the reason it cannot be."""
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0)
    try:
        info = os.stat(path)
    except FileNotFoundError as error:
        raise Unreadable("vanished before it could be read") from error
    except OSError as error:
        raise Unreadable(f"cannot be read: {error.strerror or error}") from error
    if stat.S_ISDIR(info.st_mode):
        raise Unreadable("is a folder, not a file")
    if not stat.S_ISREG(info.st_mode):
        raise Unreadable("is not a regular file (a pipe, socket or device); not opened")
    if info.st_size > MAX_FILE_BYTES:
        raise Unreadable(
            f"too large ({info.st_size / 1e6:.1f} MB; the limit is {MAX_FILE_BYTES / 1e6:.0f} MB)"
        )
    try:
        descriptor = os.open(path, flags)
    except FileNotFoundError as error:
        raise Unreadable("vanished before it could be read") from error
    except OSError as error:
        raise Unreadable(f"cannot be read: {error.strerror or error}") from error
    try:
        opened = os.fstat(descriptor)
        if not stat.S_ISREG(opened.st_mode):
            raise Unreadable("is not a regular file (a pipe, socket or device); not opened")
        data = _read_descriptor(descriptor, opened.st_size)
    except OSError as error:
        raise Unreadable(f"cannot be read: {error.strerror or error}") from error
    finally:
        os.close(descriptor)
    if len(data) > MAX_FILE_BYTES:
        raise Unreadable("too large (it grew while being read)")
    return data, opened


def _read_descriptor(descriptor: int, expected: int) -> bytes:
    """Everything an open file holds, up to one byte past the limit; `expected` is its size in fstat.

    os.read without a buffered file object: a post is read in one call. A regular file reads short only at
    its end, so a short read needs no second call to find it.
    """
    chunks: list[bytes] = []
    size = 0
    while size <= MAX_FILE_BYTES:
        wanted = min(max(expected + 1 - size, 65_536), MAX_FILE_BYTES + 1 - size)
        chunk = os.read(descriptor, wanted)
        chunks.append(chunk)
        size += len(chunk)
        if len(chunk) < wanted:
            break
    return chunks[0] if len(chunks) == 1 else b"".join(chunks)
