"""Feed refresh of 50 feeds x 50 entries, fresh and all-304, against ``newsboat -x reload``.

Each build's refresh runs in its own interpreter (bench/worker.py) on a copy of a catalogue
that follows the 50 local feeds (made once per build with its own ``tuiguide feeds import``);
``tuiguide refresh`` is also timed as a whole command, as cron runs it. newsboat reloads the
same feeds from the same servers. All interleaved, one run of each in turn, after one
uncounted warm-up of each.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import time
from pathlib import Path
from typing import Any

from common import Cell, Row, cell, pending
from feed_servers import ENTRIES, FEEDS, FeedServers, opml

NEWSBOAT_THREADS = 8


def refresh_twice(db: Path, warm_db: Path) -> dict[str, Any]:
    """Seconds of a forced refresh of every feed, then of a second one (all 304), in the build,
    after the same on ``warm_db``: what ``r`` costs in an app that has refreshed before (its
    modules imported and any parsing workers started)."""
    import layout

    refresh = layout.find("refresh")
    settings = layout.find("FetchSettings")(trust_env=False)
    times: list[float] = []
    for path in (warm_db, db):
        catalogue = layout.open_catalogue(path)
        try:
            start = time.perf_counter()
            report = refresh(catalogue, force=True, settings=settings)
            times.append(time.perf_counter() - start)
            start = time.perf_counter()
            refresh(catalogue, force=True, settings=settings)
            times.append(time.perf_counter() - start)
        finally:
            catalogue.close()
    return {"fresh": times[2], "cached": times[3], "new": getattr(report, "new_entries", None)}


def _template(build: Any, urls: list[str]) -> Path:
    """A catalogue (with the bundled guide, as a user's has) following only the bench feeds."""
    from builds import remove_catalogue

    db = build.workdir / "refresh-template.db"
    remove_catalogue(db)
    build.run(build.tuiguide("--db", str(db), "topics"))
    with sqlite3.connect(db) as conn:  # the default feeds point at the internet
        conn.execute("DELETE FROM feeds")
    conn.close()
    listing = build.workdir / "bench-feeds.opml"
    listing.write_text(opml(urls), encoding="utf-8")
    build.run(build.tuiguide("--db", str(db), "feeds", "import", str(listing)))
    return db


def _entries(db: Path) -> int:
    with sqlite3.connect(db) as conn:
        count = conn.execute("SELECT count(*) FROM feed_entries").fetchone()[0]
    conn.close()
    return int(count)


def _newsboat(workdir: Path, urls: list[str]) -> tuple[float, float, str]:
    """Seconds of a reload into a new cache, and of the third reload (all 304)."""
    home = workdir / "newsboat-home"
    home.mkdir(exist_ok=True)
    (home / "urls").write_text("\n".join(urls) + "\n")
    (home / "config").write_text(f"reload-threads {NEWSBOAT_THREADS}\nshow-read-feeds yes\n")
    env = dict(os.environ, HOME=str(home), XDG_CONFIG_HOME=str(home), XDG_DATA_HOME=str(home),
               TERM="xterm-256color")
    cmd = [shutil.which("newsboat") or "newsboat", "-x", "reload", "-u", str(home / "urls"),
           "-c", str(home / "cache.db"), "-C", str(home / "config")]
    for old in home.glob("cache.db*"):
        old.unlink()

    def reload() -> float:
        start = time.perf_counter()
        subprocess.run(cmd, env=env, check=True, capture_output=True, timeout=300)
        return time.perf_counter() - start

    fresh = reload()
    # newsboat 2.21 sends no validators on the second reload of a new feed (newsboat issue
    # #2734: the first reload does not store them); they work from the third on.
    reload()
    return fresh, reload(), "all-304 = third reload (newsboat#2734)"


def _tuiguide_run(build: Any, template: Path, servers: FeedServers) -> tuple[dict[str, Any], float, str]:
    """One run of a build: the in-process refreshes (worker) and ``tuiguide refresh`` (CLI),
    each on fresh copies of the template."""
    from builds import remove_catalogue

    copy = build.copy(template, "refresh")
    warm = build.copy(template, "refresh-warm")
    try:
        servers.reset_counts()
        result = build.worker("refresh", db=str(copy), warm_db=str(warm))
        seen = servers.reset_counts()
        note = (f"{_entries(copy)} entries stored, {result['new']} new; server saw "
                f"{seen['200']}x200, {seen['304']}x304 (with the warm-up refreshes)")
    finally:
        remove_catalogue(copy)
        remove_catalogue(warm)
    copy = build.copy(template, "refresh")
    try:
        start = time.perf_counter()
        build.run(build.tuiguide("--db", str(copy), "refresh", "--force"),
                  NO_PROXY="127.0.0.1", no_proxy="127.0.0.1")
        cli = time.perf_counter() - start
    finally:
        remove_catalogue(copy)
    return result, cli, note


class _Samples:
    def __init__(self) -> None:
        self.values: dict[str, dict[str, list[float]]] = {}

    def add(self, who: str, case: str, value: float) -> None:
        self.values.setdefault(case, {}).setdefault(who, []).append(value)

    def get(self, case: str, who: str) -> list[float]:
        return self.values.get(case, {}).get(who, [])


def measure(builds: list[Any], runs: int) -> list[Row]:
    from builds import WorkerError

    have_newsboat = shutil.which("newsboat") is not None
    servers = FeedServers()
    samples = _Samples()
    rows: list[Row] = []
    notes: dict[str, str] = {}
    try:
        urls = servers.urls()
        templates: dict[str, Path] = {}
        for build in builds:
            try:
                templates[build.name] = _template(build, urls)
            except WorkerError as exc:
                rows.append(pending("refresh", f"feed refresh ({build.name})", str(exc)))
        for run in range(runs + 1):  # run 0: the uncounted warm-up
            for build in builds:
                if build.name not in templates:
                    continue
                try:
                    result, cli, notes[build.name] = _tuiguide_run(build, templates[build.name], servers)
                except WorkerError as exc:
                    rows.append(pending("refresh", f"feed refresh ({build.name})", str(exc)))
                    del templates[build.name]
                    continue
                if run:
                    samples.add(build.name, "fresh", result["fresh"])
                    samples.add(build.name, "cached", result["cached"])
                    samples.add(build.name, "cli", cli)
            if have_newsboat:
                try:
                    fresh, cached, notes["newsboat"] = _newsboat(builds[-1].workdir, urls)
                except (subprocess.SubprocessError, OSError) as exc:
                    rows.append(pending("refresh", "newsboat -x reload (peer)", f"newsboat failed: {exc}"))
                    have_newsboat = False
                    continue
                if run:
                    samples.add("newsboat", "fresh", fresh)
                    samples.add("newsboat", "cached", cached)
    finally:
        servers.close()
    if not have_newsboat and not any(r.name.startswith("newsboat") for r in rows):
        rows.append(pending("refresh", "newsboat -x reload (peer)",
                            "newsboat is not installed (apt-get install newsboat)"))
    names = {"fresh": f"{FEEDS}x{ENTRIES} fresh", "cached": "all 304"}
    for case, title in names.items():
        peer_values = samples.get(case, "newsboat")
        peer: Cell | None = cell(peer_values) if peer_values else None
        cells = {b.name: cell(v, peer=peer) for b in builds if (v := samples.get(case, b.name))}
        if not cells:
            continue
        row = Row("refresh", f"refresh, {title} (in the app's process)", "s", peer=peer,
                  cells=cells, target="ratio to newsboat: after <= before",
                  note="peer: newsboat -x reload, reload-threads "
                       f"{NEWSBOAT_THREADS}; {notes.get('newsboat', '')}" if peer else "")
        before, after = cells.get("before"), cells.get("after")
        if before and after and before.ratio is not None and after.ratio is not None:
            row.passed = after.ratio <= before.ratio
        rows.append(row)
    cli_cells = {b.name: cell(v) for b in builds if (v := samples.get("cli", b.name))}
    if cli_cells:
        rows.append(Row("refresh", f"tuiguide refresh CLI, {FEEDS}x{ENTRIES} fresh", "s",
                        cells=cli_cells, note="the whole command as cron runs it (Python start-up "
                        "and imports included); " + "; ".join(f"{b}: {n}" for b, n in notes.items()
                                                              if b != "newsboat")))
    return rows

