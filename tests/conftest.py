"""Shared fixtures: real catalogue files in a temp dir, the bundled guide's text."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import settings

from tuiguide.core.paths import bundled_guide_text
from tuiguide.core.store.catalogue import Catalogue

# The property tests draw the same examples on every run, so a CI run on a fresh clone passes
# or fails for a reason in the code, not the dice. HYPOTHESIS_EXPLORE=1 draws new ones (run it
# when changing a parser: it found the two cases pinned with @example in these tests).
settings.register_profile("fixed", derandomize=True, print_blob=True)
settings.register_profile("explore", print_blob=True)
settings.load_profile("explore" if os.environ.get("HYPOTHESIS_EXPLORE") == "1" else "fixed")


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


@pytest.fixture
def terminal(tmp_path: Path):
    from tmux_support import Terminal

    term = Terminal(tmp_path, 100, 30)
    yield term
    term.close()
