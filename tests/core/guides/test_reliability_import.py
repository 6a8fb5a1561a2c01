"""Importing hostile, damaged and huge guides: nothing injected, nothing half-written."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tuiguide.core.errors import GuideFormatError
from tuiguide.core.guides.parser import parse_guide
from tuiguide.core.store.catalogue import Catalogue
from tuiguide.core.text.sanitize import clean_text, is_clean

from hostile import ALL, INVALID_UTF8, LONG_TITLE, hostile_guide


def test_hostile_guide_imports_as_data(empty_catalogue: Catalogue, tmp_path: Path) -> None:
    path = tmp_path / "hostile.md"
    path.write_text(hostile_guide())
    report = empty_catalogue.import_file(path)
    assert report.placements == len(ALL) + 3
    titles = {i.title for i in empty_catalogue.items(limit=1000)}
    # Markup is stored exactly as written; only the display layer cleans controls away.
    assert "[@click=app.quit)click to quit[/)" in titles
    assert LONG_TITLE in titles
    for title in titles:
        shown = clean_text(title)
        assert is_clean(shown) and "\x1b" not in shown


def test_invalid_utf8_guide_imports_with_a_warning(empty_catalogue: Catalogue, tmp_path: Path) -> None:
    path = tmp_path / "latin1.md"
    path.write_bytes(b"# Bytes\n\n## T\n\n- [" + INVALID_UTF8 + b"](https://x.example) - A. B\n")
    report = empty_catalogue.import_file(path)
    assert report.added == 1
    assert any(w.startswith(f"{path}:5:") for w in report.warnings)


_PIECES = list("#-*[]()!:. \n\tabcTier123/x") + [
    "https://", "## ", "### Tier 2\n", "- [", "](https://e.x/", ") - Au. ", "\n## 1. T\n",
]
markdownish = st.lists(st.sampled_from(_PIECES), max_size=120).map("".join)


@settings(max_examples=200, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(st.text(max_size=400), markdownish))
def test_parser_never_raises_anything_but_a_format_error(text: str) -> None:
    try:
        parse_guide(text, "fuzz.md")
    except GuideFormatError as exc:
        assert str(exc).startswith("fuzz.md")
        assert "\n" not in str(exc)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(markdownish)
def test_reimport_is_stable_for_any_parsable_text(tmp_path_factory, text: str) -> None:
    try:
        parse_guide(text, "fuzz.md")
    except GuideFormatError:
        return
    db = tmp_path_factory.mktemp("fuzz") / "c.db"
    cat = Catalogue.open(db, seed=False)
    try:
        cat.import_text(text, source="fuzz")
        snapshot = cat.conn.execute(
            "SELECT resource_id, topic_id, tier, position, title, removed_at FROM placements ORDER BY id"
        ).fetchall()
        again = cat.import_text(text, source="fuzz")
        assert (again.added, again.changed, again.removed) == (0, 0, 0)
        assert cat.conn.execute(
            "SELECT resource_id, topic_id, tier, position, title, removed_at FROM placements ORDER BY id"
        ).fetchall() == snapshot
    finally:
        cat.close()


def _big_guide(n: int) -> str:
    out = ["# Big Guide", ""]
    for topic in range(40):
        out += [f"## {topic + 1}. Topic {topic}", "", "### Tier 1", ""]
        for i in range(n // 40):
            out.append(
                f"- [Resource {topic}-{i} about paged attention](https://big.example/{topic}/{i}) "
                f"- Author {i % 97}. A description of resource {i} that is long enough to be realistic."
            )
    return "\n".join(out) + "\n"


def _tuiguide_cmd() -> list[str]:
    return [sys.executable, "-m", "tuiguide"]


def test_kill_9_during_import_leaves_all_or_nothing(tmp_path: Path) -> None:
    db = tmp_path / "c.db"
    Catalogue.open(db).close()  # the bundled guide: 1 guide, 337 placements
    guide = tmp_path / "big.md"
    guide.write_text(_big_guide(40_000))
    env = {**os.environ, "TUIGUIDE_DB": str(db)}
    outcomes = set()
    for delay in (0.6, 1.0, 1.5):
        proc = subprocess.Popen([*_tuiguide_cmd(), "import", str(guide)], env=env,
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(delay)
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        conn = sqlite3.connect(db)
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        placements = conn.execute("SELECT count(*) FROM placements").fetchone()[0]
        guides = conn.execute("SELECT count(*) FROM guides").fetchone()[0]
        conn.close()
        assert (guides, placements) in ((1, 337), (2, 40_337)), (delay, guides, placements)
        outcomes.add(placements)
        if placements > 337:
            break
    assert 337 in outcomes, "the kill never landed inside the import; raise the guide size"
    # The catalogue still opens and works afterwards.
    cat = Catalogue.open(db, seed=False)
    cat.import_file(guide)
    assert cat.count_items() == 40_333  # resources: the bundled guide's 333 + 40,000
    cat.close()
