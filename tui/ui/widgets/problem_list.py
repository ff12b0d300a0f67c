"""The list of files krant could not read, each with its reason, shown in the list pane."""

from __future__ import annotations

from collections.abc import Sequence

from rich.segment import Segment
from rich.style import Style

from tui.core.post import Problem
from tui.ui.widgets.cursor_list import CursorList


class ProblemList(CursorList):
    """One row per unreadable file: its name and why, as plain text."""

    COMPONENT_CLASSES = CursorList.COMPONENT_CLASSES | {"problem-list--reason"}

    DEFAULT_CSS = """
    ProblemList > .problem-list--reason { color: $text-warning; }
    """

    empty_message = "No problems: every file could be read."

    def __init__(self, *, name: str | None = None, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self._problems: Sequence[Problem] = ()

    @property
    def problems(self) -> Sequence[Problem]:
        return self._problems

    @property
    def row_count(self) -> int:
        return len(self._problems)

    def set_problems(self, problems: Sequence[Problem]) -> None:
        self._problems = problems
        self.rows_changed()

    def render_row(self, index: int, width: int, style: Style) -> list[Segment]:
        problem = self._problems[index]
        reason_style = self.component_style("problem-list--reason", style)
        return [Segment(" " + problem.relpath, style), Segment(": " + problem.reason, reason_style)]
