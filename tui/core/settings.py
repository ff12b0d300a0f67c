"""Remembered settings (such as the theme): one JSON file in krant's config folder, written atomically."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import asdict, dataclass, replace
from datetime import datetime
from pathlib import Path

from tui.core.store_files import keep_aside, write_atomically

SETTINGS_FILE = "settings.json"


@dataclass(frozen=True, slots=True)
class Settings:
    """What krant remembers between runs."""

    theme: str | None = None
    """The name of the Textual theme last chosen; None means the default."""

    def with_theme(self, theme: str) -> Settings:
        return replace(self, theme=theme)


@dataclass(frozen=True, slots=True)
class Loaded:
    """Settings as read, and a one-line notice for the user when the file could not be used."""

    settings: Settings
    notice: str | None = None


class SettingsStore:
    """Reads and writes `settings.json`; never raises on a bad file, so a broken file cannot stop krant."""

    def __init__(self, config_dir: Path, clock: Callable[[], datetime] | None = None) -> None:
        self.path = config_dir / SETTINGS_FILE
        self._clock = clock or datetime.now

    def read(self) -> Loaded:
        """The saved settings; defaults when there is no file, or when it is corrupt (then moved aside)."""
        try:
            raw = self.path.read_bytes()
        except FileNotFoundError:
            return Loaded(Settings())
        except OSError as error:
            return Loaded(
                Settings(), f"Could not read {self.path}: {error.strerror or error}; using defaults."
            )
        try:
            data = json.loads(raw.decode("utf-8"))
            if not isinstance(data, dict):
                raise ValueError("not a JSON object")
        except (UnicodeDecodeError, ValueError, RecursionError):
            return Loaded(Settings(), self._move_aside())
        theme = data.get("theme")
        return Loaded(Settings(theme=theme if isinstance(theme, str) and theme else None))

    def save(self, settings: Settings) -> None:
        """Write the settings via a temporary file and `os.replace`, so a crash never leaves half a file.

        Raises:
            OSError: the config folder cannot be written.
        """
        write_atomically(self.path, json.dumps(asdict(settings), indent=2, sort_keys=True) + "\n")

    def _move_aside(self) -> str:
        try:
            aside = keep_aside(self.path, when=self._clock())
        except OSError as error:
            return f"{self.path} is corrupt and could not be moved aside ({error.strerror}); using defaults."
        return f"The settings file was corrupt: moved it aside to {aside} and using the defaults."
