"""The layout rules a newcomer relies on, checked on the source: which package may import what,
no import cycles, no SQL outside the store, no private Textual/Rich names, small modules."""

from __future__ import annotations

import ast
import subprocess
import sys
from functools import cache
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SRC = ROOT / "src"
PACKAGE = SRC / "tuiguide"
MAX_LINES = 400
UI_LIBRARIES = ("textual", "rich", "click")


def modules() -> dict[str, Path]:
    """Every module of the package by dotted name."""
    out = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = list(path.relative_to(SRC).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        out[".".join(parts)] = path
    return out


@cache
def tree(path: Path) -> ast.Module:
    return ast.parse(path.read_text(encoding="utf-8"), str(path))


def runtime_nodes(module: ast.Module) -> list[ast.AST]:
    """Every node but those under ``if TYPE_CHECKING:`` (imports for annotations only)."""
    skip: set[int] = set()
    for node in ast.walk(module):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            skip.update(id(n) for stmt in node.body for n in ast.walk(stmt))
    return [n for n in ast.walk(module) if id(n) not in skip]


def imported(name: str, module: ast.Module) -> list[str]:
    """Absolute names of what ``module`` (called ``name``) imports at run time."""
    out = []
    package = name if modules()[name].name == "__init__.py" else name.rpartition(".")[0]
    for node in runtime_nodes(module):
        if isinstance(node, ast.Import):
            out += [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            subs = [f"{target}.{a.name}" for a in node.names if f"{target}.{a.name}" in modules()]
            # ``from package import module`` depends on the module, not on what the package
            # itself holds (Python runs the package's __init__ first either way).
            out += subs if len(subs) == len(node.names) else [target, *subs]
    return out


def test_core_imports_no_textual_rich_or_click() -> None:
    offenders = [
        f"{name}: {dep}"
        for name, path in modules().items()
        if name.startswith("tuiguide.core")
        for dep in imported(name, tree(path))
        if dep.split(".")[0] in UI_LIBRARIES or dep.startswith(("tuiguide.tui", "tuiguide.cli"))
    ]
    assert offenders == []


def test_importing_the_core_loads_no_ui_library() -> None:
    core = [m for m in modules() if m.startswith("tuiguide.core")]
    code = (
        "import importlib, sys\n"
        f"for m in {core!r}: importlib.import_module(m)\n"
        f"print(','.join(sorted(m for m in sys.modules if m.split('.')[0] in {UI_LIBRARIES!r})))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True, timeout=120)
    assert out.stdout.strip() == ""


def test_no_import_cycles() -> None:
    graph = {
        name: {dep for dep in imported(name, tree(path)) if dep in modules() and dep != name}
        for name, path in modules().items()
    }
    # A package's __init__ importing its own modules is not a cycle through them.
    cycles: list[list[str]] = []
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> None:
        state[node] = 1
        stack.append(node)
        for dep in sorted(graph[node]):
            if state.get(dep) == 1:
                cycles.append(stack[stack.index(dep):] + [dep])
            elif dep not in state:
                visit(dep)
        stack.pop()
        state[node] = 2

    for name in sorted(graph):
        if name not in state:
            visit(name)
    assert cycles == []


def test_modules_are_small() -> None:
    big = {
        str(path.relative_to(SRC)): n
        for path in modules().values()
        if (n := len(path.read_text(encoding="utf-8").splitlines())) > MAX_LINES
    }
    assert big == {}


def is_store(name: str) -> bool:
    parts = name.split(".")
    return name.startswith("tuiguide.core.store") or (
        name.startswith("tuiguide.core.") and parts[-1] == "store"
    )


def test_only_the_store_runs_sql() -> None:
    offenders = []
    for name, path in modules().items():
        if is_store(name):
            continue
        for node in ast.walk(tree(path)):
            if isinstance(node, ast.Attribute) and node.attr in (
                "execute", "executemany", "executescript", "conn"
            ):
                offenders.append(f"{name}:{node.lineno}: .{node.attr}")
    assert offenders == []


def test_no_module_imports_a_migration_at_run_time() -> None:
    offenders = [
        f"{name}: {dep}"
        for name, path in modules().items()
        if ".migrations" not in name
        for dep in imported(name, tree(path))
        if ".migrations.m" in dep
    ]
    assert offenders == []


def test_no_import_for_its_side_effect() -> None:
    offenders = []
    for name, path in modules().items():
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if "import " in line and "noqa" in line and "F401" in line:
                offenders.append(f"{name}:{number}")
    assert offenders == []


def test_background_work_is_textual_workers_only() -> None:
    offenders = []
    for name, path in modules().items():
        if not name.startswith("tuiguide.tui"):
            continue
        for node in ast.walk(tree(path)):
            if isinstance(node, ast.Attribute) and node.attr in ("Thread", "call_from_thread"):
                offenders.append(f"{name}:{node.lineno}: {node.attr}")
    assert offenders == []


@cache
def library_private_names() -> frozenset[str]:
    """Private names (one leading underscore) that Textual and Rich define."""
    import rich
    import textual

    found: set[str] = set()
    for lib in (textual, rich):
        for path in Path(lib.__file__).parent.rglob("*.py"):
            found |= defined_names(ast.parse(path.read_text(encoding="utf-8")))
    return frozenset(n for n in found if n.startswith("_") and not n.startswith("__"))


def defined_names(module: ast.Module) -> set[str]:
    """Names a module defines: functions, classes, and assignment targets (``self.x = ...``)."""
    out: set[str] = set()
    for node in ast.walk(module):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            out.add(node.name)
        elif isinstance(node, (ast.Assign, ast.AnnAssign, ast.AugAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for target in targets:
                for sub in ast.walk(target):
                    if isinstance(sub, ast.Attribute):
                        out.add(sub.attr)
                    elif isinstance(sub, ast.Name):
                        out.add(sub.id)
    return out


def test_no_private_textual_or_rich_name() -> None:
    """No import from textual._x / rich._x, no private name of theirs read, called or
    overridden (the project's own private names are fine when it defines them itself)."""
    own: set[str] = set()
    for path in modules().values():
        own |= defined_names(tree(path))
    private = library_private_names()
    offenders = []
    for name, path in modules().items():
        for node in ast.walk(tree(path)):
            if isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] in (
                "textual", "rich"
            ):
                module = node.module or ""
                if any(p.startswith("_") for p in module.split(".")):
                    offenders.append(f"{name}:{node.lineno}: from {module}")
                offenders += [
                    f"{name}:{node.lineno}: import {a.name}"
                    for a in node.names if a.name.startswith("_") and not a.name.startswith("__")
                ]
            elif isinstance(node, ast.ClassDef) and node.bases:
                offenders += [
                    f"{name}:{item.lineno}: overrides {item.name}"
                    for item in node.body
                    if isinstance(item, (ast.FunctionDef, ast.AsyncFunctionDef))
                    and item.name in private
                ]
            elif (
                isinstance(node, ast.Attribute)
                and node.attr in private
                and node.attr not in own
            ):
                offenders.append(f"{name}:{node.lineno}: .{node.attr}")
    assert offenders == []


@pytest.mark.parametrize("tool", ["ruff", "mypy"])
def test_checkers_are_clean(tool: str) -> None:
    root = ROOT
    cmd = [sys.executable, "-m", "ruff", "check", "src", "tests", "bench"] if tool == "ruff" \
        else [sys.executable, "-m", "mypy"]
    out = subprocess.run(cmd, cwd=root, capture_output=True, text=True, timeout=600)
    assert out.returncode == 0, out.stdout[-4000:] + out.stderr[-2000:]


def test_every_package_is_installed() -> None:
    """pyproject lists packages by name: a new package left out would vanish from a real
    (non-editable) install while every editable test run still passes."""
    import tomllib

    listed = set(tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"][
        "packages"])
    found = {
        ".".join(p.parent.relative_to(SRC).parts) for p in PACKAGE.rglob("__init__.py")
    }
    assert found - listed == set()
