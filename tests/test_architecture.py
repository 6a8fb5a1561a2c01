"""The core never imports Textual: the CLI and scripts stay fast and UI-free."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import tuiguide

PACKAGE = Path(tuiguide.__file__).parent


def core_modules() -> list[Path]:
    return sorted((PACKAGE / "core").rglob("*.py"))


def test_core_source_has_no_textual_imports() -> None:
    offenders = []
    for path in core_modules():
        tree = ast.parse(path.read_text())
        for node in ast.walk(tree):
            names = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                names = [node.module]
            elif isinstance(node, ast.ImportFrom) and node.level > 0 and node.module:
                names = [f".{node.module}"]
            for name in names:
                if name.split(".")[0] == "textual" or name.startswith((".tui", "..tui")):
                    offenders.append(f"{path.relative_to(PACKAGE)}: {name}")
    assert offenders == []
    assert len(core_modules()) >= 8


def test_importing_the_core_loads_no_textual() -> None:
    core = sorted(
        "tuiguide." + ".".join(p.relative_to(PACKAGE).with_suffix("").parts)
        for p in core_modules()
        # __main__ runs the command when imported, so it is not imported here.
        if p.name not in ("__init__.py", "__main__.py") and "migrations" not in p.parts
    )
    code = (
        "import sys, importlib\n"
        f"for m in {core!r}: importlib.import_module(m)\n"
        "bad = [m for m in sys.modules if m == 'textual' or m.startswith('textual.')]\n"
        "print(','.join(bad))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    assert out.stdout.strip() == ""
    assert "tuiguide.core.store.catalogue" in core
