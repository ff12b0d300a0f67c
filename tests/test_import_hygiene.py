"""The core never imports Textual: each core module, imported alone in a fresh interpreter, leaves it out."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "tui"
UI_MODULES = {"app.py", "__main__.py"}
KNOWN_CORE = {
    "tui.posts",
    "tui.dates",
    "tui.encoding",
    "tui.render",
    "tui.sanitize",
    "tui.library",
    "tui.loader",
    "tui.locations",
    "tui.cli",
}
_IMPORTS_TEXTUAL = re.compile(r"^\s*(?:import textual\b|from textual\b)", re.MULTILINE)


def core_modules() -> list[str]:
    """Every `tui/*.py` module but the app, `__main__` and modules that import Textual themselves.

    The packages `tui/widgets` and `tui/screens` are the UI and are not searched.
    """
    modules = []
    for path in sorted(PACKAGE.glob("*.py")):
        if path.name in UI_MODULES or _IMPORTS_TEXTUAL.search(path.read_text(encoding="utf-8")):
            continue
        modules.append("tui" if path.name == "__init__.py" else f"tui.{path.stem}")
    return modules


def test_the_known_core_modules_are_found() -> None:
    assert KNOWN_CORE <= set(core_modules())


@pytest.mark.parametrize("module", core_modules())
def test_a_core_module_does_not_import_textual(module: str) -> None:
    code = f"import sys, {module}; print(sorted(m for m in sys.modules if m.split('.')[0] == 'textual'))"
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=False
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]", f"importing {module} imported {result.stdout.strip()}"


def test_the_check_itself_sees_textual_when_it_is_imported() -> None:
    """A check that cannot fail is no check: importing the app must show up."""
    code = "import sys, tui.app; print('textual' in sys.modules)"
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=False
    )
    assert result.stdout.strip() == "True", result.stderr
