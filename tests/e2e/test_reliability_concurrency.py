"""Several processes on one catalogue: nobody sees "database is locked", every write lands."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

from tuiguide.core.store.catalogue import Catalogue

WRITER = textwrap.dedent(
    """
    import sys
    from tuiguide.core.store.catalogue import Catalogue
    db, start, count, tag = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
    cat = Catalogue.open(db, seed=False)
    for rid in range(start, start + count):
        cat.set_status(rid, "done")
        cat.set_note(rid, f"{tag} note for {rid}")
    cat.close()
    print("ok")
    """
)


def test_two_writers_and_an_importer_all_land(tmp_path: Path) -> None:
    db = tmp_path / "c.db"
    Catalogue.open(db).close()
    big = tmp_path / "big.md"
    big.write_text(
        "# Second Guide\n\n## 1. T\n\n### Tier 2\n\n"
        + "\n".join(f"- [R {i}](https://second.example/{i}) - A. D {i}." for i in range(15_000))
        + "\n"
    )
    procs = [
        subprocess.Popen([sys.executable, "-c", WRITER, str(db), "1", "150", "a"],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True),
        subprocess.Popen([sys.executable, "-m", "tuiguide", "--db", str(db), "import", str(big)],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True),
        subprocess.Popen([sys.executable, "-c", WRITER, str(db), "151", "150", "b"],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True),
    ]
    results = [p.communicate(timeout=120) for p in procs]
    for proc, (_out, err) in zip(procs, results, strict=True):
        assert proc.returncode == 0, err
        assert "locked" not in err.lower()
    cat = Catalogue.open(db, seed=False)
    assert cat.conn.execute("SELECT count(*) FROM resources WHERE status = 'done'").fetchone()[0] == 300
    assert cat.conn.execute("SELECT count(*) FROM notes").fetchone()[0] == 300
    assert cat.note(151) == "b note for 151"
    assert cat.count_items() == 333 + 15_000  # resources, each counted once
    assert cat.conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    cat.close()
