"""Where krant keeps its own files: platform directories, one set of files per posts folder."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path

import platformdirs

APP_NAME = "krant"


@dataclass(frozen=True, slots=True)
class Locations:
    """krant's own folders. Tests and the app factory pass their own; nothing goes in the posts folder."""

    state_dir: Path
    """Read state (kept: losing it loses the user's marks)."""
    cache_dir: Path
    """The post index (can be rebuilt from the posts at any time)."""
    config_dir: Path
    """Settings such as the theme."""

    @classmethod
    def default(cls) -> Locations:
        """The platform's directories (XDG on Linux, so `XDG_STATE_HOME` and friends are honoured)."""
        return cls(
            state_dir=Path(platformdirs.user_state_dir(APP_NAME)),
            cache_dir=Path(platformdirs.user_cache_dir(APP_NAME)),
            config_dir=Path(platformdirs.user_config_dir(APP_NAME)),
        )

    @classmethod
    def under(cls, base: Path) -> Locations:
        """All three folders below one base folder (for tests and throwaway sessions)."""
        return cls(base / "state", base / "cache", base / "config")


def folder_slug(folder: Path) -> str:
    """A file-name-safe, unique name for a posts folder: its name plus a hash of its full path."""
    resolved = str(folder.resolve())
    digest = hashlib.blake2b(resolved.encode("utf-8", "surrogateescape"), digest_size=8).hexdigest()
    name = re.sub(r"[^A-Za-z0-9_.-]+", "_", folder.resolve().name)[:40] or "root"
    return f"{name}-{digest}"
