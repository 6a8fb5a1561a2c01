"""Where things live: the catalogue file and the bundled guide."""

from __future__ import annotations

import os
from importlib import resources
from pathlib import Path

BUNDLED_GUIDE = "ai-inference-engineering.md"
ENV_DB = "TUIGUIDE_DB"


def default_db_path() -> Path:
    """The catalogue path: ``$TUIGUIDE_DB`` if set, else the platform's user data dir."""
    env = os.environ.get(ENV_DB)
    if env:
        return Path(env).expanduser()
    from platformdirs import user_data_path

    return user_data_path("tuiguide", appauthor=False) / "catalogue.db"


def bundled_guide_text(name: str = BUNDLED_GUIDE) -> str:
    """The text of a guide shipped inside the installed package."""
    return resources.files("tuiguide.data").joinpath(name).read_text(encoding="utf-8")


def bundled_guide_path(name: str = BUNDLED_GUIDE) -> Path:
    return Path(str(resources.files("tuiguide.data").joinpath(name)))
