"""The markdown study journal: guide structure, checkboxes, dates, notes; stable bytes."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

from click.testing import CliRunner

from study_support import Clock, mark, rid, small_catalogue
from tuiguide.cli.main import main
from tuiguide.core.backup.export import markdown_journal


def journal_catalogue(tmp_path: Path):
    clock = Clock()
    cat = small_catalogue(tmp_path, clock=clock)
    mark(cat, clock, "A1", "reading", "2025-03-01T10:00:00Z")
    mark(cat, clock, "A1", "done", "2025-03-04T10:00:00Z")
    mark(cat, clock, "B2", "reading", "2025-03-05T10:00:00Z")
    mark(cat, clock, "B3", "skipped", "2025-03-06T10:00:00Z")
    clock.stamp = "2025-03-07T10:00:00Z"
    cat.set_note(rid(cat, "A1"), "Key idea: **memory bound**.\n\n- point one\n\x1b]52;c;ZXZpbA==\x07- point two")
    cat.set_note(rid(cat, "Shared"), "shared note")
    return cat


def test_journal_structure_checkboxes_dates_and_notes(tmp_path: Path) -> None:
    cat = journal_catalogue(tmp_path)
    text = markdown_journal(cat)
    assert "\x1b" not in text
    expected_start = textwrap.dedent("""\
        <!-- tuiguide study journal: regenerate with `tuiguide export --format markdown` -->

        # Small Guide

        1/8 done (12%) · 1 reading · 1 skipped · dates are UTC

        ## 1. Alpha

        #### Tier 1

        - [x] [A1](https://example.com/a1) — Ann
          *done 2025-03-04 · started 2025-03-01 · next review 2025-03-06*

          > Key idea: **memory bound**.
          >
          > - point one
          > - point two

        #### Tier 2

        - [ ] [A2](https://example.com/a2) — Ann
        - [ ] [Shared](https://example.com/shared) — Sam

          > shared note

        #### Tier 3

        - [ ] [A3](https://example.com/a3) — Ann

        ## 2. Beta
        """)
    assert text.startswith(expected_start)
    assert "- [ ] [B2](https://example.com/b2) — Bob\n  *reading since 2025-03-05*" in text
    assert "- [ ] [B3](https://example.com/b3) — Bob\n  *skipped 2025-03-06*" in text
    # The second placement of Shared points at the note instead of repeating it.
    assert "- [ ] [Shared](https://example.com/shared) — Sam\n  *note: see 1. Alpha*" in text
    # Untiered G0 sits under Gamma before its Tier 2 heading, as in the guide.
    gamma = text[text.index("## 3. Gamma"):]
    assert gamma.index("[G0]") < gamma.index("#### Tier 2") < gamma.index("[G2]")
    assert text.endswith("\n") and not text.endswith("\n\n")


def test_journal_is_byte_identical_when_nothing_changed(tmp_path: Path) -> None:
    cat = journal_catalogue(tmp_path)
    cat.close()
    runner = CliRunner()
    db = str(tmp_path / "study.db")
    out = tmp_path / "journal.md"
    first = runner.invoke(main, ["--db", db, "export", "--format", "markdown", "-o", str(out)])
    assert first.exit_code == 0, first.output
    before = out.read_bytes()
    second = runner.invoke(main, ["--db", db, "export", "--format", "markdown", "-o", str(out)])
    assert second.exit_code == 0
    assert out.read_bytes() == before
    printed = runner.invoke(main, ["--db", db, "export"])  # markdown to stdout by default
    assert printed.stdout.encode() == before
    # A change shows up as a small diff.
    runner.invoke(main, ["--db", db, "status", "2", "done"])
    third = runner.invoke(main, ["--db", db, "export", "-o", str(out)])
    assert third.exit_code == 0
    assert out.read_bytes() != before
    assert oct(out.stat().st_mode & 0o777) == "0o600"  # notes are private
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".journal")] == []


def test_hostile_titles_cannot_break_the_markdown(tmp_path: Path) -> None:
    guide = tmp_path / "weird.md"
    guide.write_text(
        "# Weird\n\n## 1. T\n\n#### Tier 1\n\n"
        "- [Title [draft] and *stars*](https://example.com/a_(b)) - X. desc\n",
        encoding="utf-8",
    )
    from tuiguide.core.store.catalogue import Catalogue

    cat = Catalogue.open(tmp_path / "w.db", seed=False)
    cat.import_file(guide)
    text = markdown_journal(cat)
    line = next(ln for ln in text.splitlines() if ln.startswith("- [ ]"))
    assert "](https://example.com/a_%28b%29)" in line
    assert line.startswith("- [ ] [Title \\[draft\\] and \\*stars\\*](")


def test_export_to_a_missing_folder_is_one_line(tmp_path: Path) -> None:
    cat = small_catalogue(tmp_path)
    cat.close()
    result = CliRunner().invoke(
        main, ["--db", str(tmp_path / "study.db"), "export", "-o", str(tmp_path / "no" / "j.md")]
    )
    assert result.exit_code == 2
    assert result.stderr.count("\n") == 1 and "does not exist" in result.stderr


def test_full_disk_leaves_the_old_file_whole(tmp_path: Path) -> None:
    """A write that fails half way (file size limit, like a full disk) keeps the old file."""
    cat = journal_catalogue(tmp_path)
    cat.close()
    target = tmp_path / "backup.json"
    target.write_text("old export\n")
    script = textwrap.dedent(f"""
        import resource, signal, sys
        from tuiguide.core.store.catalogue import Catalogue
        from tuiguide.core.errors import UserError
        from tuiguide.core.backup.export import json_export, write_atomically
        cat = Catalogue.open({str(tmp_path / "study.db")!r}, seed=False)
        text = json_export(cat) * 50
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (4096, 4096))
        try:
            write_atomically({str(target)!r}, text)
        except UserError as exc:
            print(exc)
            sys.exit(2)
        print("no error")
    """)
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=60,
        env={**os.environ},
    )
    assert result.returncode == 2, result.stdout + result.stderr
    assert "cannot write" in result.stdout and "nothing was changed" in result.stdout
    assert target.read_text() == "old export\n"
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".backup")) == []
