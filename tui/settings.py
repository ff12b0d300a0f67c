"""Remembered settings (such as the theme): one JSON file in krant's config folder, written atomically."""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Callable
from dataclasses import asdict, dataclass, replace
from datetime import UTC, datetime
from pathlib import Path

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
        self._clock = clock or (lambda: datetime.now(UTC))

    def load(self) -> Loaded:
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
        self.path.parent.mkdir(parents=True, exist_ok=True)
        text = json.dumps(asdict(settings), indent=2, sort_keys=True) + "\n"
        descriptor, temporary = tempfile.mkstemp(prefix=".settings-", suffix=".tmp", dir=self.path.parent)
        try:
            with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
                handle.write(text)
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(temporary, self.path)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise

    def _move_aside(self) -> str:
        stamp = self._clock().strftime("%Y%m%dT%H%M%S")
        aside = self.path.with_name(f"{SETTINGS_FILE}.corrupt-{stamp}")
        try:
            os.replace(self.path, aside)
        except OSError as error:
            return f"{self.path} is corrupt and could not be moved aside ({error.strerror}); using defaults."
        return f"The settings file was corrupt: moved it aside to {aside} and using the defaults."
