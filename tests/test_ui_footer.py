"""The footer shows whole keys only: a key that does not fit is left out (help lists it),
never cut to a bare letter with no description; they come back when the terminal widens."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tuiguide.ui.app import make_app
from ui_support import fixed_now, make_catalogue, screen_lines

# Every key the browse screen's footer may show: (key as displayed, its description).
KEY = re.compile(r"(\S+) ([A-Z][a-z]+)")


@pytest.fixture
def small_db(tmp_path: Path) -> Path:
    return make_catalogue(tmp_path / "small.db")


def footer(app) -> str:
    return screen_lines(app)[-1]


def keys_part(line: str) -> str:
    return line.split("▏")[0].rstrip()


@pytest.mark.parametrize("width", [60, 80, 100, 120])
async def test_every_key_in_the_footer_has_its_description(small_db: Path, width: int) -> None:
    app = make_app(small_db, now=fixed_now)
    async with app.run_test(size=(width, 24)) as pilot:
        await pilot.pause()
        await pilot.pause()
        line = footer(app)
        assert line.rstrip().endswith("^p palette")
        shown = keys_part(line)
        # Nothing dangling at the end: the last word is a description, not a lone key.
        assert re.search(r"(Status|Done|Skip|Open|Copy|Tier|Help|Quit|Refresh|Search|Note|"
                         r"Progress|Next)$", shown), shown
        assert "space Status" in shown and "? Help" in shown


async def test_keys_left_out_come_back_when_the_terminal_widens(small_db: Path) -> None:
    app = make_app(small_db, now=fixed_now)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.pause()
        narrow = keys_part(footer(app))
        assert "r Refresh" not in narrow and "/ Search" not in narrow
        await pilot.resize_terminal(160, 24)
        await pilot.pause()
        await pilot.pause()
        wide = keys_part(footer(app))
        assert "r Refresh" in wide and "/ Search" in wide and "p Progress" in wide
        assert len(KEY.findall(wide)) > len(KEY.findall(narrow))
