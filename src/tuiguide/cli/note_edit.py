"""Edit a note in the user's own editor (``$VISUAL``, ``$EDITOR``, else ``vi``).

The editor runs from an argument list (never a shell string), on a private temp file that
is removed afterwards.
"""

from __future__ import annotations

import os
import shlex
import subprocess
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING

from tuiguide.core.errors import UserError

if TYPE_CHECKING:
    from tuiguide.core.store.catalogue import Catalogue

FALLBACK_EDITOR = "vi"


def editor_command(env: Mapping[str, str] | None = None) -> list[str]:
    """The editor as an argument list; ``EDITOR="code --wait"`` works."""
    env = os.environ if env is None else env
    for var in ("VISUAL", "EDITOR"):
        value = env.get(var, "").strip()
        if value:
            try:
                args = shlex.split(value)
            except ValueError:
                raise UserError(f"cannot read ${var} ({value!r}); fix its quoting") from None
            if args:
                return args
    return [FALLBACK_EDITOR]


def edit_text(text: str, *, suffix: str = ".md", env: Mapping[str, str] | None = None) -> str:
    """Open ``text`` in the editor and return what was saved."""
    command = editor_command(env)
    fd, name = tempfile.mkstemp(prefix="tuiguide-note-", suffix=suffix)
    path = Path(name)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
        try:
            result = subprocess.run([*command, str(path)], check=False)
        except FileNotFoundError:
            raise UserError(
                f"editor {command[0]!r} not found; set VISUAL or EDITOR to an installed editor"
            ) from None
        except OSError as exc:
            raise UserError(f"cannot start editor {command[0]!r} ({exc.strerror or exc})") from None
        if result.returncode != 0:
            raise UserError(
                f"editor {command[0]!r} exited with status {result.returncode}; "
                "the note was not changed"
            )
        return path.read_text(encoding="utf-8", errors="replace")
    finally:
        path.unlink(missing_ok=True)


def edit_note(catalogue: Catalogue, resource_id: int, env: Mapping[str, str] | None = None) -> str:
    """Edit one resource's note in the editor, save it, and say what happened."""
    before = catalogue.note(resource_id)  # also checks the ID before the editor opens
    after = edit_text(before + ("\n" if before and not before.endswith("\n") else ""), env=env)
    after = after.rstrip("\n")
    if after == before.rstrip("\n") or not (after.strip() or before):
        return f"note unchanged for {resource_id}"
    if not after.strip():
        catalogue.set_note(resource_id, "")
        return f"note deleted for {resource_id}"
    catalogue.set_note(resource_id, after)
    return f"note saved for {resource_id}"
