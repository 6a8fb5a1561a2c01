"""Shared fixtures: real catalogue files in a temp dir, the bundled guide's text."""

from __future__ import annotations

from pathlib import Path

import pytest

from tuiguide.catalogue import Catalogue
from tuiguide.paths import bundled_guide_text


@pytest.fixture(autouse=True)
def _isolated_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Never touch the user's real catalogue or terminal settings from a test."""
    monkeypatch.setenv("TUIGUIDE_DB", str(tmp_path / "env-default.db"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    monkeypatch.setenv("TEXTUAL_ANIMATIONS", "none")


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "catalogue.db"


@pytest.fixture
def catalogue(db_path: Path):
    """A catalogue file seeded with the bundled guide."""
    cat = Catalogue.open(db_path)
    yield cat
    cat.close()


@pytest.fixture
def empty_catalogue(db_path: Path):
    cat = Catalogue.open(db_path, seed=False)
    yield cat
    cat.close()


@pytest.fixture(scope="session")
def guide_text() -> str:
    return bundled_guide_text()
