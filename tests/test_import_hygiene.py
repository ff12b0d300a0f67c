"""The house rules of `tui/`: the core never imports Textual, no module imports another in a loop, and
only the app's factory and the entry point know the App class.

The core is named by package, not found by looking for the word "textual": every module under
`tui/core/` is imported alone in a fresh interpreter, which must not have loaded Textual, directly or
through anything it imported. Each rule is also tried on a small package that breaks it, so none of
these checks can pass by seeing nothing.
"""

from __future__ import annotations

import ast
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "tui"
CORE = "tui.core"
APP_CLASS = ("tui.ui.app", "KrantApp")
MAY_IMPORT_APP = {"tui.ui.app", "tui.cli"}
"""The app's own module (its factory `make_app`), and the entry point (`krant`), which starts it."""


def modules(package: Path) -> dict[str, Path]:
    """Every module below a package folder, by dotted name."""
    found = {}
    for path in sorted(package.rglob("*.py")):
        parts = path.relative_to(package.parent).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        found[name] = path
    return found


def _type_checking_only(node: ast.AST) -> bool:
    return isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test)


def imports_of(name: str, path: Path, known: set[str]) -> set[str]:
    """The package's own modules this one imports at run time (imports under TYPE_CHECKING aside)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    skipped = {id(inner) for node in ast.walk(tree) if _type_checking_only(node) for inner in ast.walk(node)}
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(tree):
        if id(node) in skipped:
            continue
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                base = ".".join(package.split(".")[: len(package.split(".")) - node.level + 1] + [base])
                base = base.rstrip(".")
            targets = [f"{base}.{alias.name}" for alias in node.names] + [base]
        else:
            continue
        found.update(target for target in targets if target in known and target != name)
    return found


def import_graph(package: Path) -> dict[str, set[str]]:
    known = modules(package)
    return {name: imports_of(name, path, set(known)) for name, path in known.items()}


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Every import loop, each once, as the modules in it (found by a depth-first search)."""
    found: list[list[str]] = []
    seen: set[frozenset[str]] = set()
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> None:
        state[node] = 1
        stack.append(node)
        for target in sorted(graph.get(node, ())):
            if state.get(target) == 1:
                loop = stack[stack.index(target) :]
                if frozenset(loop) not in seen:
                    seen.add(frozenset(loop))
                    found.append([*loop, target])
            elif target not in state:
                visit(target)
        stack.pop()
        state[node] = 2

    for node in sorted(graph):
        if node not in state:
            visit(node)
    return found


def textual_loaded_by(module: str, path: Path) -> list[str]:
    """The Textual modules a fresh interpreter has loaded after importing `module` alone."""
    code = f"import sys, {module}; print(sorted(m for m in sys.modules if m.split('.')[0] == 'textual'))"
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=False, cwd=path
    )
    assert result.returncode == 0, result.stderr
    return ast.literal_eval(result.stdout.strip())


def importers_of(graph: dict[str, set[str]], target: str) -> set[str]:
    return {name for name, imported in graph.items() if target in imported}


# The rules, on krant ---------------------------------------------------------------------------------

CORE_MODULES = sorted(name for name in modules(PACKAGE) if name == CORE or name.startswith(CORE + "."))


def test_the_core_holds_what_the_house_says_it_does() -> None:
    """The parts that must never know the screen are in the core: a move out of it fails here."""
    wanted = {
        "post", "folder", "file_bytes", "front_matter", "reading", "dates", "encoding", "sanitize",
        "body_text", "document", "article", "library", "read_marks", "unread", "index", "search",
        "date_format", "watcher", "updates", "arrivals", "loader", "locations", "settings", "store_files",
        "story",
        "wording",
        "resume",
        "sync_journal",
    }  # fmt: skip
    assert {f"{CORE}.{name}" for name in wanted} <= set(CORE_MODULES)


@pytest.mark.parametrize("module", CORE_MODULES)
def test_a_core_module_does_not_import_textual(module: str) -> None:
    assert textual_loaded_by(module, ROOT) == [], f"importing {module} loads Textual"


def test_no_module_imports_textual_by_name_in_the_core() -> None:
    """Also imports that run late (inside a function), which importing the module alone would not show."""
    offenders = []
    for name in CORE_MODULES:
        tree = ast.parse(modules(PACKAGE)[name].read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names = (
                [alias.name for alias in node.names]
                if isinstance(node, ast.Import)
                else [node.module or ""]
                if isinstance(node, ast.ImportFrom)
                else []
            )
            offenders += [f"{name}: {each}" for each in names if each.split(".")[0] == "textual"]
            offenders += [f"{name}: {each}" for each in names if each.startswith("tui.ui")]
    assert offenders == []


def test_there_are_no_import_loops() -> None:
    assert cycles(import_graph(PACKAGE)) == []


def test_only_the_factory_and_the_entry_point_import_the_app_class() -> None:
    module, _class = APP_CLASS
    graph = import_graph(PACKAGE)
    assert importers_of(graph, module) <= MAY_IMPORT_APP
    assert set(graph) >= MAY_IMPORT_APP  # the names above still lead to modules


# The same checks catch a package that breaks the rules -------------------------------------------


@pytest.fixture
def broken(tmp_path: Path) -> Path:
    """A package whose core reaches Textual through a helper, and whose two modules import each other."""
    files = {
        "pkg/__init__.py": "",
        "pkg/core/__init__.py": "",
        "pkg/core/clean.py": "from pkg.core import helper\n",
        "pkg/core/helper.py": "def late():\n    import textual.widget\n\nimport textual.widget\n",
        "pkg/ui/__init__.py": "",
        "pkg/ui/a.py": "from pkg.ui import b\n",
        "pkg/ui/b.py": (
            "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from pkg.ui import c\nfrom . import a\n"
        ),
        "pkg/ui/c.py": "from pkg.ui.b import x\n",
    }
    for name, text in files.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), encoding="utf-8")
    return tmp_path


def test_the_textual_check_sees_textual_reached_through_another_module(broken: Path) -> None:
    assert "textual.widget" in textual_loaded_by("pkg.core.clean", broken)


def test_the_loop_check_finds_a_loop_and_leaves_type_checking_imports_out(broken: Path) -> None:
    graph = import_graph(broken / "pkg")
    assert cycles(graph) == [["pkg.ui.a", "pkg.ui.b", "pkg.ui.a"]]
    assert "pkg.ui.c" not in graph["pkg.ui.b"]
    assert importers_of(graph, "pkg.ui.b") == {"pkg.ui.a", "pkg.ui.c"}
