"""Where errors inside krant's own threads are written in detail: `krant.log` in its state folder.

While the reader runs, Textual owns the terminal, so a traceback printed there would garble the screen or
vanish. The user is told in a notice (once) and the detail goes here, where README says to look.
"""

from __future__ import annotations

import logging
import logging.handlers
from pathlib import Path

LOG_NAME = "krant.log"
MAX_LOG_BYTES = 1_000_000
"""A log larger than this is started afresh (the old one kept as `krant.log.1`): errors repeat."""

_FORMAT = "%(asctime)s %(levelname)s %(name)s (%(threadName)s): %(message)s"


def log_path(state_dir: Path) -> Path:
    return state_dir / LOG_NAME


def log_errors_to(state_dir: Path) -> Path:
    """Send warnings and errors of krant's modules (`tui.*`) to the log file from now on; its path.

    The file is created only when there is something to write, and a state folder that cannot be
    written to leaves errors unlogged rather than stopping krant.
    """
    path = log_path(state_dir)
    logger = logging.getLogger("tui")
    for handler in list(logger.handlers):
        if getattr(handler, "krant_log", False):
            logger.removeHandler(handler)
            handler.close()
    handler = _QuietRotatingFileHandler(path, maxBytes=MAX_LOG_BYTES, backupCount=1, delay=True)
    handler.krant_log = True  # type: ignore[attr-defined]
    handler.setLevel(logging.WARNING)
    handler.setFormatter(logging.Formatter(_FORMAT))
    logger.addHandler(handler)
    return path


class _QuietRotatingFileHandler(logging.handlers.RotatingFileHandler):
    """Never prints logging's own "--- Logging error ---" to the terminal (the screen is Textual's)."""

    def emit(self, record: logging.LogRecord) -> None:
        try:
            Path(self.baseFilename).parent.mkdir(parents=True, exist_ok=True)
            super().emit(record)
        except Exception:  # a full or read-only state folder: the notice still tells the user
            pass

    def handleError(self, record: logging.LogRecord) -> None:  # noqa: N802 (logging's name)
        pass
