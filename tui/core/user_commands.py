"""Programs the user runs on a post: their own `[[commands]]`, the editor (`e`) and a pipe (`|`).

Every one is an argument list, never a shell command line: the post's fields go into arguments exactly as
they are, so a title such as `$(rm -rf ~); echo` is only ever text handed to the program.
"""

from __future__ import annotations

import os
import shlex
import subprocess
from collections.abc import Mapping, Sequence
from typing import Any

from tui.core.desktop import Outcome, program_name
from tui.core.post import Post

READ_ONLY_EDITORS = {"vi": "-R", "vim": "-R", "nvim": "-R", "nano": "-v"}
"""Editors that can open a file to look at only, and the option that does it (`e` must not change posts)."""


def fields_of(post: Post) -> dict[str, str]:
    """What a command line may name in braces, for one post."""
    return {
        "link": post.link or "",
        "path": post.path,
        "title": post.title,
        "categories": ", ".join(post.categories),
        "date": post.date.isoformat(),
    }


def missing_fields(spec: Sequence[str], post: Post) -> list[str]:
    """The fields an argument list names that this post lacks (a `{link}` for a post without one)."""
    fields = fields_of(post)
    return [
        name
        for name in ("link",)
        if any("{" + name + "}" in argument for argument in spec) and not fields[name]
    ]


def run_in_background(argv: Sequence[str]) -> Outcome:
    """Run a program that does not use the terminal (its output is thrown away) until it ends."""
    return _run(
        argv,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,  # a Ctrl+C in krant's terminal is not the program's
    )


def run_in_terminal(argv: Sequence[str], text: str | None = None) -> Outcome:
    """Run a program on krant's terminal (krant has stepped aside), `text` on its standard input."""
    return _run(argv, input=text.encode("utf-8", "surrogateescape") if text is not None else None)


def _run(argv: Sequence[str], **options: Any) -> Outcome:
    """Run a program until it ends; how it ended, in words that end a sentence."""
    try:
        status = subprocess.run(list(argv), check=False, **options).returncode
    except (OSError, ValueError) as error:
        return Outcome.not_started(argv, error)
    return Outcome(status == 0, program_name(argv), f"it exited with status {status}")


def editor_command(path: str, environment: Mapping[str, str] | None = None) -> list[str]:
    """The editor for `e`: `$VISUAL`, else `$EDITOR`, else vi; read-only where the editor allows it."""
    environment = os.environ if environment is None else environment
    chosen = environment.get("VISUAL") or environment.get("EDITOR") or "vi"
    try:
        argv = shlex.split(chosen) or ["vi"]
    except ValueError:
        argv = [chosen]
    option = READ_ONLY_EDITORS.get(os.path.basename(argv[0]))
    if option and option not in argv:
        argv.append(option)
    return [*argv, path]


def pipe_command(text: str) -> list[str]:
    """The command typed at `|`, split as a shell would split it (but never run through one).

    Raises:
        ValueError: its quotes are not closed, or it is empty.
    """
    argv = shlex.split(text)
    if not argv:
        raise ValueError("no command given")
    return argv

