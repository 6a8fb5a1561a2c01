"""`tuiguide note ID` opens $EDITOR at a terminal (a real pty) and prints otherwise."""

from __future__ import annotations

import shlex
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from study_support import rid, small_catalogue
from tuiguide.cli.main import main
from tuiguide.cli.note_edit import editor_command
from tuiguide.core.store.catalogue import Catalogue

EDITOR_SCRIPT = """\
import pathlib, sys
path = pathlib.Path(sys.argv[-1])
mode = {mode!r}
if mode == "fail":
    sys.exit(1)
text = path.read_text(encoding="utf-8")
pathlib.Path({seen!r}).write_text(text, encoding="utf-8")
if mode == "append":
    path.write_text(text + "added in the editor\\n", encoding="utf-8")
elif mode == "clear":
    path.write_text("\\n", encoding="utf-8")
"""


def make_editor(tmp_path: Path, mode: str) -> tuple[str, Path]:
    seen = tmp_path / f"seen-{mode}.txt"
    script = tmp_path / f"editor-{mode}.py"
    script.write_text(EDITOR_SCRIPT.format(mode=mode, seen=str(seen)), encoding="utf-8")
    return f"{shlex.quote(sys.executable)} {shlex.quote(str(script))}", seen


@pytest.fixture
def setup(tmp_path: Path, monkeypatch):
    cat = small_catalogue(tmp_path)
    a1 = rid(cat, "A1")
    cat.set_note(a1, "old text")
    cat.close()
    monkeypatch.delenv("VISUAL", raising=False)  # the tests choose the editor
    monkeypatch.delenv("EDITOR", raising=False)
    env = {"TUIGUIDE_DB": str(tmp_path / "study.db")}
    return tmp_path, a1, env


def note_of(tmp_path: Path, resource_id: int) -> str:
    cat = Catalogue.open(tmp_path / "study.db", seed=False)
    try:
        return cat.note(resource_id)
    finally:
        cat.close()


def test_editor_edits_the_note_at_a_terminal(setup, at_terminal) -> None:
    tmp_path, a1, env = setup
    env["EDITOR"], seen = make_editor(tmp_path, "append")
    code, out = at_terminal(["note", str(a1)], env=env)
    assert code == 0, out
    assert f"note saved for {a1}" in out
    assert seen.read_text() == "old text\n"  # the editor was handed the current note
    assert note_of(tmp_path, a1) == "old text\nadded in the editor"


def test_visual_wins_over_editor_and_clearing_deletes(setup, at_terminal) -> None:
    tmp_path, a1, env = setup
    env["VISUAL"], _ = make_editor(tmp_path, "clear")
    env["EDITOR"], never = make_editor(tmp_path, "append")
    code, out = at_terminal(["note", str(a1)], env=env)
    assert code == 0, out
    assert f"note deleted for {a1}" in out
    assert not never.exists()
    assert note_of(tmp_path, a1) == ""


def test_failing_editor_changes_nothing(setup, at_terminal) -> None:
    tmp_path, a1, env = setup
    env["EDITOR"], _ = make_editor(tmp_path, "fail")
    code, out = at_terminal(["note", str(a1)], env=env)
    assert code == 2
    assert "exited with status 1; the note was not changed" in out
    assert "Traceback" not in out
    assert note_of(tmp_path, a1) == "old text"


def test_missing_editor_is_one_line(setup, at_terminal) -> None:
    tmp_path, a1, env = setup
    env["EDITOR"] = "no-such-editor-anywhere --wait"
    code, out = at_terminal(["note", str(a1)], env=env)
    assert code == 2
    assert "editor 'no-such-editor-anywhere' not found" in out


def test_not_a_terminal_prints_and_never_opens_the_editor(setup, monkeypatch) -> None:
    tmp_path, a1, env = setup
    editor, seen = make_editor(tmp_path, "append")
    monkeypatch.setenv("EDITOR", editor)
    result = CliRunner().invoke(main, ["--db", env["TUIGUIDE_DB"], "note", str(a1)])
    assert result.exit_code == 0
    assert result.stdout == "old text\n"
    assert not seen.exists()


def test_editor_command_is_an_argument_list() -> None:
    assert editor_command({"EDITOR": "code --wait"}) == ["code", "--wait"]
    assert editor_command({"VISUAL": "nvim", "EDITOR": "nano"}) == ["nvim"]
    assert editor_command({"EDITOR": "'/opt/my editor/ed' -x"}) == ["/opt/my editor/ed", "-x"]
    assert editor_command({}) == ["vi"]
    # Shell syntax is not interpreted: it becomes plain arguments.
    assert editor_command({"EDITOR": "vi; rm -rf ~"}) == ["vi;", "rm", "-rf", "~"]
