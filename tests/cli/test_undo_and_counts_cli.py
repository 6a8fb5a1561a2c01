"""The installed ``tuiguide`` command: ``undo`` (each run a new process, so every undo also
survives a restart), counts that add up on the bundled guide, and stemmed, prefix search."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from feeds_support import LMSYS_RSS, Route, open_catalogue, serve

TUIGUIDE = Path(sys.executable).parent / "tuiguide"
LLAMA_FACTORY = 211  # placed in topics 8 and 17 of the bundled guide


@pytest.fixture
def db(db_path: Path) -> Path:
    open_catalogue(db_path).close()
    return db_path


def run(db: Path, *args: str) -> subprocess.CompletedProcess[str]:
    done = subprocess.run([str(TUIGUIDE), "--db", str(db), *args], capture_output=True,
                          text=True, timeout=120)
    return done


def ok(db: Path, *args: str) -> str:
    done = run(db, *args)
    assert done.returncode == 0, done.stderr
    return done.stdout


def status_of(db: Path, rid: int) -> str:
    return json.loads(ok(db, "show", str(rid), "--json"))["status"]


def test_undo_walks_back_status_and_note_changes_across_restarts(db: Path) -> None:
    assert ok(db, "undo") == "Nothing to undo.\n"
    ok(db, "status", "5", "done")
    ok(db, "status", "5", "reading")
    ok(db, "note", "5", "--set", "first text")
    ok(db, "note", "5", "--set", "second text")  # same burst: one change
    out = ok(db, "undo")
    assert out.startswith("Undone: note of") and out.endswith("removed (it was new)\n")
    assert out.count("\n") == 1
    assert ok(db, "note", "5").strip() == ""
    assert "is done again (was reading)" in ok(db, "undo")
    assert status_of(db, 5) == "done"
    assert "is todo again (was done)" in ok(db, "undo")
    assert status_of(db, 5) == "todo"
    assert ok(db, "undo") == "Nothing to undo.\n"
    # The log still lists each change, and says which were taken back.
    log = [line.split("\t") for line in ok(db, "log").splitlines()[1:]]
    assert [row[2] for row in log] == [
        "note edited (undone)", "done → reading (undone)", "todo → done (undone)"]
    assert all(e["undone_at"] for e in json.loads(ok(db, "log", "--json")))


def test_undo_brings_back_an_earlier_note(db: Path) -> None:
    ok(db, "note", "7", "--set", "kept text")
    # A later edit outside the burst (the clock is real: mark the first as old).
    import sqlite3
    conn = sqlite3.connect(db)
    conn.execute("UPDATE events SET at = '2020-01-01T00:00:00Z' WHERE kind = 'note'")
    conn.commit()
    conn.close()
    ok(db, "note", "7", "--set", "a mistake")
    assert "back to its earlier text" in ok(db, "undo")
    assert ok(db, "note", "7").strip() == "kept text"


def test_undo_skips_a_change_that_cannot_be_reversed(db: Path) -> None:
    ok(db, "status", "9", "done")
    import sqlite3
    conn = sqlite3.connect(db)  # another program changed it without recording why
    conn.execute("UPDATE resources SET status = 'skipped' WHERE id = 9")
    conn.commit()
    conn.close()
    out = ok(db, "undo")
    assert out.startswith("skipped: status of") and "it was changed since (now skipped)" in out
    assert out.rstrip().endswith("Nothing to undo.")
    assert status_of(db, 9) == "skipped"


def test_undo_a_dismissal_and_a_filing(db: Path) -> None:
    for server in serve():
        server.routes["/lmsys.xml"] = Route(LMSYS_RSS)
        ok(db, "feeds", "add", server.url("/lmsys.xml"))
    entries = json.loads(ok(db, "inbox", "--json"))
    second = next(e["id"] for e in entries if e["url"])  # filed
    first = next(e["id"] for e in entries if e["id"] != second)  # dismissed
    ok(db, "dismiss", str(first))
    ok(db, "file", str(second), "--topic", "2", "--tier", "2")
    ids = [e["id"] for e in json.loads(ok(db, "inbox", "--json"))]
    assert first not in ids and second not in ids
    total = json.loads(ok(db, "topics", "--json"))
    out = ok(db, "undo")
    assert "taken out of the guide and back in the Inbox" in out
    ids = [e["id"] for e in json.loads(ok(db, "inbox", "--json"))]
    assert second in ids and first not in ids
    assert "is back in the Inbox" in ok(db, "undo")
    assert first in [e["id"] for e in json.loads(ok(db, "inbox", "--json"))]
    assert json.loads(ok(db, "topics", "--json")) != total  # the filed link left the guide
    # Filing it again works (the place it had is taken up again).
    ok(db, "file", str(second), "--topic", "2", "--tier", "2")


def test_counts_add_up_on_the_bundled_guide(db: Path) -> None:
    def lines(*args: str) -> list[str]:
        """The rows printed through a pipe (TSV, after its header line)."""
        out = ok(db, *args).splitlines()
        assert out[0].startswith("ID\t")
        return out[1:]

    tier2 = lines("list", "--tier", "2", )
    assert len(tier2) == 255
    search2 = json.loads(ok(db, "search", "tier:2", "status:todo", "--json", "--limit", "1000"))
    assert search2["total"] == 255 == len(search2["results"])
    every = lines("list", )
    assert len(every) == 333
    assert sum(1 for line in every if line.split("\t")[0] == str(LLAMA_FACTORY)) == 1
    per_tier = [len(lines("list", "--tier", t, )) for t in ("1", "2", "3")]
    assert sum(per_tier) + 3 == 333  # 3 untiered
    # Inside a topic its placement shows.
    assert str(LLAMA_FACTORY) in [line.split("\t")[0] for line in lines("list", "--topic", "17")]
    assert len(lines("next", "-n", "1000")) == 333


@pytest.mark.parametrize(("query", "title"), [
    ("quant", "A Visual Guide to Quantization"),
    ("quantized", "A Visual Guide to Quantization"),
    ("kv cach", "LMCache: Efficient KV Cache Layer"),
])
def test_search_stems_and_takes_the_last_word_as_a_prefix(db: Path, query: str, title: str) -> None:
    found = json.loads(ok(db, "search", query, "--json", "--limit", "100"))
    assert any(r["title"].startswith(title) for r in found["results"])


@pytest.mark.parametrize("query", ["c++", "foo-bar", '"kv', 'a"b', "AND", "(", "*", "NEAR("])
def test_raw_input_never_raises(db: Path, query: str) -> None:
    done = run(db, "search", query)
    assert done.returncode in (0, 2), done.stderr
    assert "Traceback" not in done.stderr
