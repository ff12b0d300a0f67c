"""What krant imports is declared, what is declared is locked, and what is installed is what the lock says."""

from __future__ import annotations

import ast
import re
import sys
import tomllib
from importlib.metadata import PackageNotFoundError, packages_distributions, version
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

REPO = Path(__file__).resolve().parent.parent
PACKAGE = REPO / "tui"
LOCK = REPO / "requirements.lock"
_PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==([^\s;\\]+)", re.MULTILINE)


def imported_modules(package: Path) -> set[str]:
    """The top-level names of the modules the package imports, but its own and the standard library's."""
    found: set[str] = set()
    for path in package.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                found.update(alias.name.split(".")[0] for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                found.add(node.module.split(".")[0])
    return {name for name in found if name != package.name and name not in sys.stdlib_module_names}


def declared(pyproject: str, extra: str | None = None) -> set[str]:
    """The distributions pyproject.toml asks for (with `extra`, that extra's too), by canonical name."""
    project = tomllib.loads(pyproject)["project"]
    wanted = list(project["dependencies"])
    if extra is not None:
        wanted += project["optional-dependencies"][extra]
    return {canonicalize_name(Requirement(text).name) for text in wanted}


def undeclared(package: Path, pyproject: str) -> list[str]:
    """Imported modules whose distribution pyproject.toml does not name, as `module (distribution)`."""
    distributions = packages_distributions()
    names = declared(pyproject)
    missing = []
    for module in sorted(imported_modules(package)):
        owners = {canonicalize_name(owner) for owner in distributions.get(module, [module])}
        if not owners & names:
            missing.append(f"{module} ({', '.join(sorted(owners))})")
    return missing


def locked() -> dict[str, str]:
    pins = _PIN.findall(LOCK.read_text(encoding="utf-8"))
    return {canonicalize_name(name): pinned for name, pinned in pins}


def test_every_package_krant_imports_is_declared() -> None:
    assert undeclared(PACKAGE, (REPO / "pyproject.toml").read_text(encoding="utf-8")) == []


def test_a_package_missing_from_pyproject_is_found(tmp_path: Path) -> None:
    """The check above can fail: take PyYAML out of the dependencies and it names it."""
    pyproject = (REPO / "pyproject.toml").read_text(encoding="utf-8")
    without_yaml = re.sub(r'^\s*"PyYAML[^"]*",\n', "", pyproject, flags=re.MULTILINE | re.IGNORECASE)
    assert without_yaml != pyproject
    assert undeclared(PACKAGE, without_yaml) == ["yaml (pyyaml)"]


def test_the_lock_pins_every_declared_package_within_its_range_with_hashes() -> None:
    pins = locked()
    project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    for text in [*project["dependencies"], *project["optional-dependencies"]["test"]]:
        requirement = Requirement(text)
        name = canonicalize_name(requirement.name)
        assert name in pins, f"{requirement.name} is not in {LOCK.name}: run `make upgrade`"
        assert requirement.specifier.contains(pins[name]), f"{name}=={pins[name]} is outside {requirement}"
    entries = LOCK.read_text(encoding="utf-8").split("\n    # via")
    assert all("--hash=sha256:" in entry for entry in entries[:-1]), "every pin carries its hashes"


def test_what_is_installed_is_what_the_lock_says() -> None:
    """`make test` installs from the lock; a drift here means the environment was set up some other way."""
    wrong = []
    for name, pinned in locked().items():
        try:
            installed = version(name)
        except PackageNotFoundError:
            installed = "missing"
        if installed != pinned:
            wrong.append(f"{name}: locked {pinned}, installed {installed}")
    assert not wrong, "\n".join(wrong)
