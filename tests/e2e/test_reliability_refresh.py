"""kill -9 in the middle of `tuiguide refresh`: the file stays sound, each feed whole or absent."""

from __future__ import annotations

import contextlib
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from feeds_support import FeedServer, Route, open_catalogue, rss
from tuiguide.core.feeds.refresh import insert_feed

FEEDS, ENTRIES = 40, 150


@pytest.fixture
def server():
    srv = FeedServer().start()
    yield srv
    srv.stop()


def test_kill_9_during_refresh(tmp_path: Path, server: FeedServer) -> None:
    db = tmp_path / "c.db"
    cat = open_catalogue(db)
    for f in range(FEEDS):
        items = [(f"f{f}-e{e}", f"Post {e} of feed {f} on KV cache", f"https://blog{f}.example/p/{e}")
                 for e in range(ENTRIES)]
        server.routes[f"/feed{f}.xml"] = Route(body=rss(f"Blog {f}", items))
        insert_feed(cat, server.url(f"/feed{f}.xml"), f"Blog {f}")
    cat.close()
    env = {**os.environ, "TUIGUIDE_DB": str(db), "NO_PROXY": "*", "no_proxy": "*"}
    proc = subprocess.Popen([sys.executable, "-m", "tuiguide", "refresh"], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                            start_new_session=True)
    # Kill once some, but not all, feeds have landed.
    deadline = time.monotonic() + 60
    landed = 0
    while time.monotonic() < deadline and proc.poll() is None:
        conn = sqlite3.connect(db, timeout=10)
        landed = conn.execute("SELECT count(DISTINCT feed_id) FROM feed_entries").fetchone()[0]
        conn.close()
        if landed >= 3:
            break
        time.sleep(0.02)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    # The kill hit the refresh alone (as the OOM killer would): its parsing workers, idle
    # now, are left to this test to end, with everything else in its process group.
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, signal.SIGKILL)
    conn = sqlite3.connect(db)
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    per_feed = dict(conn.execute("SELECT feed_id, count(*) FROM feed_entries GROUP BY feed_id"))
    conn.close()
    assert landed >= 3 and per_feed, "the kill did not land while feeds were being stored"
    assert set(per_feed.values()) == {ENTRIES}  # every stored feed is whole
    # A later refresh completes the rest.
    done = subprocess.run([sys.executable, "-m", "tuiguide", "refresh"], env=env,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    conn = sqlite3.connect(db)
    assert conn.execute("SELECT count(*) FROM feed_entries").fetchone()[0] == FEEDS * ENTRIES
    conn.close()
