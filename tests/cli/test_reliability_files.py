"""Damaged, foreign, newer and unwritable catalogue files: one line, and the file untouched."""

from __future__ import annotations

import hashlib
import os
import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner

from tuiguide.cli.main import main
from tuiguide.core.store import connection as dbmod
from tuiguide.core.store.catalogue import Catalogue
from tuiguide.core.store.migrations import latest_version


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def run_cli(db: Path, *args: str):
    return CliRunner().invoke(main, ["--db", str(db), *args])


def assert_one_line_error(result, *needles: str) -> None:
    assert result.exit_code == 2, result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    for needle in needles:
        assert needle in lines[0]
    assert "Traceback" not in result.output


def make_catalogue(path: Path) -> None:
    cat = Catalogue.open(path)
    cat.set_note(1, "precious")
    cat.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    cat.close()


def test_corrupt_pages(tmp_path: Path) -> None:
    path = tmp_path / "c.db"
    make_catalogue(path)
    data = bytearray(path.read_bytes())
    page = 4096
    for offset in range(page, min(len(data), page * 8)):
        data[offset] = 0xA5  # the schema and first table pages become garbage
    path.write_bytes(bytes(data))
    before = digest(path)
    result = run_cli(path, "topics")
    assert_one_line_error(result, str(path))
    assert digest(path) == before


def test_truncated_file(tmp_path: Path) -> None:
    path = tmp_path / "c.db"
    make_catalogue(path)
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 3])
    before = digest(path)
    result = run_cli(path, "list")
    assert_one_line_error(result, str(path))
    assert digest(path) == before


@pytest.mark.parametrize("content", [b"hello world, not sqlite" * 100, b"\x00" * 4096])
def test_foreign_bytes(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "c.db"
    path.write_bytes(content)
    result = run_cli(path, "topics")
    assert_one_line_error(result, str(path), "not an SQLite database")
    assert path.read_bytes() == content


def test_foreign_sqlite(tmp_path: Path) -> None:
    path = tmp_path / "app.sqlite"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE invoices (id INTEGER PRIMARY KEY, total REAL)")
    conn.execute("INSERT INTO invoices VALUES (1, 9.5)")
    conn.commit()
    conn.close()
    before = digest(path)
    assert_one_line_error(run_cli(path, "topics"), str(path), "not a tuiguide catalogue")
    assert digest(path) == before


def test_newer_schema(tmp_path: Path) -> None:
    path = tmp_path / "c.db"
    make_catalogue(path)
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA user_version = {latest_version() + 1}")
    conn.close()
    before = digest(path)
    assert_one_line_error(run_cli(path, "topics"), str(path), "newer tuiguide", "upgrade")
    assert digest(path) == before


def test_directory_instead_of_file(tmp_path: Path) -> None:
    assert_one_line_error(run_cli(tmp_path, "topics"), str(tmp_path), "directory")


def test_read_only_directory_for_a_new_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Tests run as root (which writes anyway), so os.access reports the directory read-only."""
    locked = tmp_path / "locked"
    locked.mkdir()
    real_access = os.access
    monkeypatch.setattr(
        dbmod.os, "access", lambda p, m: False if Path(p) == locked else real_access(p, m)
    )
    target = locked / "c.db"
    assert_one_line_error(run_cli(target, "topics"), str(locked), "read-only")
    assert not target.exists()


def test_missing_parent_directories_are_created_private(tmp_path: Path) -> None:
    target = tmp_path / "deep" / "er" / "c.db"
    assert run_cli(target, "topics").exit_code == 0
    assert target.exists()
    assert oct(target.stat().st_mode & 0o777) == "0o600"
