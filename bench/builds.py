"""The installations measured side by side: today's ("after") and optionally another one
("before"), each with its own interpreter, which imports its own ``tuiguide``.

Everything a build runs, it runs in a subprocess of its own interpreter (the app and CLI
commands, and bench/worker.py for in-process figures), so both builds are measured the same
way in one batch. Each build gets its own bytecode cache (``PYTHONPYCACHEPREFIX``) in the work
directory: the first (uncounted) run compiles, later runs load bytecode as an installed
package does, and no file is written into the builds' checkouts.
"""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent


class WorkerError(RuntimeError):
    """A worker or command of a build failed; the message is its last line of output."""


@dataclass
class Build:
    name: str
    python: Path
    """The build's interpreter (not resolved: a virtualenv's python is a symlink)."""
    workdir: Path
    generator: Path
    """The build's own bench/make_catalogue.py (it imports that build's modules)."""
    info: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.workdir.mkdir(parents=True, exist_ok=True)

    def env(self, **extra: str) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items()
               if k not in ("PYTHONDONTWRITEBYTECODE", "PYTHONPATH", "TUIGUIDE_DB", "COLUMNS", "LINES")}
        env["PYTHONPYCACHEPREFIX"] = str(self.workdir / "pycache")
        env.update(extra)
        return env

    def tuiguide(self, *args: str) -> list[str]:
        """The ``tuiguide`` command as a user runs it (the console script next to python)."""
        script = self.python.with_name("tuiguide")
        if script.exists():
            return [str(script), *args]
        return [str(self.python), "-m", "tuiguide", *args]

    def python_cmd(self, *args: str) -> list[str]:
        return [str(self.python), *args]

    def worker(self, task: str, timeout: float = 900, **args: Any) -> Any:
        """Run ``task`` of bench/worker.py in this build's interpreter; its JSON result."""
        out = self.workdir / f"worker-{task}.json"
        out.unlink(missing_ok=True)
        cmd = self.python_cmd(str(BENCH / "worker.py"), task, json.dumps(args), str(out))
        result = subprocess.run(cmd, env=self.env(), capture_output=True, text=True,
                                timeout=timeout, check=False)
        if result.returncode != 0 or not out.exists():
            lines = (result.stderr or result.stdout).strip().splitlines()
            raise WorkerError(f"{self.name} {task}: {lines[-1] if lines else f'exit {result.returncode}'}")
        return json.loads(out.read_text())

    def run(self, cmd: list[str], timeout: float = 600, **env: str) -> None:
        result = subprocess.run(cmd, env=self.env(**env), capture_output=True, text=True,
                                timeout=timeout, check=False)
        if result.returncode != 0:
            lines = (result.stderr or result.stdout).strip().splitlines()
            raise WorkerError(f"{self.name}: {' '.join(cmd[-3:])}: "
                              f"{lines[-1] if lines else f'exit {result.returncode}'}")

    def catalogue(self, size: int) -> Path:
        """A catalogue of ``size`` resources written by this build (built once, then reused):
        337 is the bundled guide, other sizes come from the build's own generator with seed 1,
        so both builds hold the same guides, statuses and notes in their own schema."""
        path = self.workdir / f"catalogue-{size}.db"
        stamp = path.with_suffix(".ok")
        digest = hashlib.sha1(self.generator.read_bytes()).hexdigest()[:12]
        want = (f"{size} schema {self.info.get('schema')} generator {digest} seed 1 "
                f"package {self.info.get('package')}")
        if path.exists() and stamp.exists() and stamp.read_text() == want:
            return path
        for old in self.workdir.glob(f"catalogue-{size}.db*"):
            old.unlink()
        if size == 337:
            self.run(self.tuiguide("--db", str(path), "topics"))
        else:
            self.run(self.python_cmd(str(self.generator), str(size), "--db", str(path)),
                     timeout=1800)
        stamp.write_text(want)
        return path

    def copy(self, path: Path, tag: str) -> Path:
        """A private copy of a catalogue (runs that write must not change the shared one)."""
        return copy_catalogue(path, self.workdir / f"{path.stem}-{tag}.db")


def copy_catalogue(source: Path, target: Path) -> Path:
    for old in target.parent.glob(f"{target.name}*"):
        old.unlink()
    src = sqlite3.connect(source)
    dst = sqlite3.connect(target)
    try:
        src.backup(dst)
    finally:
        src.close()
        dst.close()
    return target


def remove_catalogue(path: Path) -> None:
    for old in path.parent.glob(f"{path.name}*"):
        old.unlink()


def make_builds(workdir: Path, before_python: Path | None,
                before_checkout: Path | None) -> list[Build]:
    """The builds of this run, "before" first; each probed for its layout and versions."""
    builds = []
    if before_python is not None:
        checkout = before_checkout or before_python.parent.parent.parent
        generator = checkout / "bench" / "make_catalogue.py"
        if not generator.exists():
            raise SystemExit(f"{generator}: not found; pass --before-checkout DIR (the checkout "
                             "whose bench/make_catalogue.py builds catalogues for that build)")
        builds.append(Build("before", before_python, workdir / "before", generator))
    builds.append(Build("after", Path(sys.executable), workdir / "after", BENCH / "make_catalogue.py"))
    for build in builds:
        build.info = build.worker("info")
    return builds
