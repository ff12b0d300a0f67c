"""The world outside the terminal: the browser `o` opens and the clipboard tool `y` copies with.

Each is a program run with an argument list (never a shell), its output thrown away, and its exit status
taken as the answer, so krant can say truthfully what happened. Console browsers are never started: they
would draw over krant's screen. Calls block for up to a few seconds: run them off the UI's thread.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from tui.core.config import fill
from tui.core.sanitize import clean_line

WAIT_SECONDS = 5.0
"""How long a browser launcher or clipboard tool may take; one still running then is taken as working
(xdg-open can wait for the browser it starts)."""


@dataclass(frozen=True, slots=True)
class Outcome:
    """What a program outside krant did: whether it worked, which program it was, and why not."""

    done: bool
    program: str | None = None
    """The program that was run (`xdg-open`, `xclip`), or None when none could be."""
    reason: str = ""
    """Why it did not work, in words that end a sentence (`it exited with status 3`)."""

    @classmethod
    def not_started(cls, command: Sequence[str], error: OSError | ValueError) -> Outcome:
        """A program that could not be started (ValueError: a NUL in an argument, from config.toml)."""
        why = (error.strerror if isinstance(error, OSError) else None) or str(error)
        return cls(False, program_name(command), f"it could not be started ({why})")


def program_name(command: Sequence[str]) -> str:
    """The program a command runs, as a notice names it (control characters taken out)."""
    return clean_line(os.path.basename(command[0]))


def _run(command: list[str], text: str | None = None) -> Outcome:
    program = program_name(command)
    try:
        completed = subprocess.run(
            command,
            input=text.encode("utf-8") if text is not None else None,
            stdin=None if text is not None else subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            timeout=WAIT_SECONDS,
            start_new_session=True,  # a Ctrl+C in krant's terminal is not the program's
            check=False,
        )
    except subprocess.TimeoutExpired:
        return Outcome(True, program)
    except (OSError, ValueError) as error:
        return Outcome.not_started(command, error)
    if completed.returncode != 0:
        return Outcome(False, program, f"it exited with status {completed.returncode}")
    return Outcome(True, program)


def _start(command: list[str]) -> Outcome:
    """Start the user's own browser: its exit status if it ends within `WAIT_SECONDS`; still running then
    (a browser's first window), it is left running and taken as working."""
    program = program_name(command)
    try:
        process = subprocess.Popen(
            command,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
    except (OSError, ValueError) as error:
        return Outcome.not_started(command, error)
    try:
        status = process.wait(WAIT_SECONDS)
    except subprocess.TimeoutExpired:
        return Outcome(True, program)
    if status != 0:
        return Outcome(False, program, f"it exited with status {status}")
    return Outcome(True, program)


class Desktop:
    """Finds and runs the browser launcher and the clipboard tools of this system.

    Args:
        environment: The variables that say which session krant runs in (`DISPLAY`, `WAYLAND_DISPLAY`)
            and where programs are (`PATH`); the process's own by default.
        platform: `sys.platform` by default.
    """

    def __init__(
        self,
        environment: Mapping[str, str] | None = None,
        platform: str | None = None,
        browser: Sequence[str] | None = None,
    ) -> None:
        self._environment = os.environ if environment is None else environment
        self._platform = sys.platform if platform is None else platform
        self._browser = tuple(browser) if browser else None
        """The user's own browser command (config's `browser`), `{link}` in an argument; else the system's."""

    def _which(self, program: str) -> str | None:
        return shutil.which(program, path=self._environment.get("PATH", os.defpath))

    def _graphical(self) -> bool:
        return self._platform == "darwin" or any(
            self._environment.get(name) for name in ("DISPLAY", "WAYLAND_DISPLAY")
        )

    def browser_command(self, url: str) -> list[str] | None:
        """The command that opens `url` in a graphical browser, or None when there is none to start."""
        if self._browser is not None:
            return [fill(argument, {"link": url}) for argument in self._browser]
        if not self._graphical():
            return None
        for program in ("open",) if self._platform == "darwin" else ("xdg-open", "gio", "sensible-browser"):
            found = self._which(program)
            if found is not None:
                return [found, "open", url] if program == "gio" else [found, url]
        return None

    def open_url(self, url: str) -> Outcome:
        """Open a web address in the browser; what happened."""
        command = self.browser_command(url)
        if command is None:
            graphical = self._graphical()
            why = "no browser launcher was found" if graphical else "no graphical session was found"
            return Outcome(False, None, why)
        if self._browser is not None:
            return _start(command)
        return _run(command)

    def clipboard_commands(self) -> list[list[str]]:
        """The clipboard tools present for this session, best first (each reads the text on stdin)."""
        wanted: list[list[str]] = []
        if self._environment.get("WAYLAND_DISPLAY"):
            wanted.append(["wl-copy"])
        if self._environment.get("DISPLAY"):
            wanted += [["xclip", "-selection", "clipboard"], ["xsel", "--clipboard", "--input"]]
        wanted.append(["pbcopy"])  # macOS, and stand-ins for it elsewhere
        commands = []
        for program, *arguments in wanted:
            found = self._which(program)
            if found is not None:
                commands.append([found, *arguments])
        return commands

    def copy(self, text: str) -> Outcome:
        """Put text on the system clipboard with the first tool that works; what happened."""
        failed: Outcome | None = None
        for command in self.clipboard_commands():
            outcome = _run(command, text)
            if outcome.done:
                return outcome
            failed = failed or outcome
        return failed or Outcome(False, None, "no clipboard tool (wl-copy, xclip, xsel, pbcopy) was found")

