"""``tuiguide read``, ``fetch`` and ``links`` as a user runs them (the installed command,
through a pipe and on a terminal) against a real HTTP server on 127.0.0.1."""

from __future__ import annotations

import json
import os
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from feeds_support import FeedServer
from reader_support import running_site, site_catalogue


@pytest.fixture
def server(monkeypatch: pytest.MonkeyPatch) -> Iterator[FeedServer]:
    yield from running_site(monkeypatch)


@pytest.fixture
def db(tmp_path: Path, server: FeedServer) -> Path:
    path = tmp_path / "site.db"
    site_catalogue(path, server).close()
    return path


def run(tuiguide: Path, db: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(tuiguide), "--db", str(db), *args], capture_output=True,
                          text=True, env=dict(os.environ), timeout=120)


def test_read_json_fetches_first_then_reads_offline(tuiguide: Path, db: Path,
                                                    server: FeedServer) -> None:
    done = run(tuiguide, db, "read", "1", "--json")
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    assert set(data) == {"id", "url", "final_url", "title", "author", "published", "text",
                         "words", "fetched_at", "http_status"}
    assert data["id"] == 1 and data["url"] == server.url("/blog")
    assert data["title"] == "Tuning the KV cache" and data["author"] == "Ada Lovelace"
    assert data["http_status"] == 200 and data["words"] > 100
    assert "def cache_bytes" in data["text"]
    server.stop()
    again = run(tuiguide, db, "read", "1", "--json")
    assert again.returncode == 0 and json.loads(again.stdout) == data
    piped = run(tuiguide, db, "read", "1")
    assert piped.stdout.startswith("# Tuning the KV cache\n")
    assert "## Measuring memory" in piped.stdout and "\x1b" not in piped.stdout


def test_read_json_follows_a_redirect_chain_and_decodes_latin1(tuiguide: Path, db: Path,
                                                                server: FeedServer) -> None:
    moved = json.loads(run(tuiguide, db, "read", "6", "--json").stdout)
    assert moved["url"] == server.url("/start") and moved["final_url"] == server.url("/news")
    assert "Chip makers race to add memory" in moved["title"]
    creme = json.loads(run(tuiguide, db, "read", "8", "--json").stdout)
    assert "Straße hinter dem Café" in creme["text"]


def test_read_of_a_missing_page_is_one_line(tuiguide: Path, db: Path, server: FeedServer) -> None:
    done = run(tuiguide, db, "read", "7")
    assert done.returncode == 2 and done.stdout == ""
    assert done.stderr.count("\n") == 1
    assert server.url("/missing") in done.stderr and "HTTP 404" in done.stderr


def test_read_at_a_terminal_shows_markdown(at_terminal, db: Path) -> None:  # type: ignore[no-untyped-def]
    status, screen = at_terminal(["--db", str(db), "read", "1"])
    assert status == 0
    assert "Tuning the KV cache" in screen and "Inference Notes" in screen
    assert "Measuring memory" in screen and "## Measuring" not in screen


def test_fetch_all_summary_links_and_resume(tuiguide: Path, db: Path) -> None:
    done = run(tuiguide, db, "fetch", "--all")
    assert done.returncode == 0
    assert done.stdout == ""
    lines = done.stderr.splitlines()
    assert lines[-1] == "fetched 7, unchanged 0, failed 2"
    assert any("/missing: HTTP 404" in line for line in lines)
    again = run(tuiguide, db, "fetch", "--all")
    assert again.stderr.splitlines()[-1] == (
        "fetched 0, unchanged 0, failed 2 (7 already stored, skipped)")
    dead = json.loads(run(tuiguide, db, "links", "--dead", "--json").stdout)
    assert [(d["id"], d["state"], d["http_status"]) for d in dead] == [(7, "dead", 404),
                                                                       (9, "dead", 410)]
    assert dead[0]["archive_url"] == "https://web.archive.org/web/" + dead[0]["url"]
    assert set(dead[0]) == {"id", "url", "http_status", "state", "checked_at", "archive_url"}


def test_fetch_needs_one_choice(tuiguide: Path, db: Path) -> None:
    done = run(tuiguide, db, "fetch")
    assert done.returncode == 2 and "give IDs, --topic/--guide, or --all" in done.stderr


def test_search_finds_words_in_stored_text_and_says_so(tuiguide: Path, tmp_path: Path) -> None:
    from reader_support import mark_dead, store_text
    from tuiguide.core.store.catalogue import Catalogue

    path = tmp_path / "s.db"
    with Catalogue.open(path, seed=False) as cat:
        cat.import_text("# G\n\n## 1. T\n\n- [Paged](https://e.org/p) - Kwon. Memory.\n"
                        "- [Spec](https://e.org/s) - Lev. Drafts.\n", source="g")
        store_text(cat, 1, "Blocks live in pages. Fragmentation drops below four percent.")
        mark_dead(cat, 2)
    done = run(tuiguide, path, "search", "fragmentation", "--json")
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    assert data["total"] == 1
    hit = data["results"][0]
    assert hit["title"] == "Paged" and hit["matched"] == ["article"]
    assert hit["article_match"] == "Fragmentation drops below four percent."
    piped = run(tuiguide, path, "search", "fragmentation").stdout.splitlines()
    assert piped[0].endswith("\tFound in") and piped[1].split("\t")[3::3] == ["Paged", "article"]
    assert json.loads(run(tuiguide, path, "search", "in:article", "memory", "--json").stdout)[
        "total"] == 0
    dead = run(tuiguide, path, "search", "dead:yes")
    assert dead.returncode == 0 and [line.split("\t")[3] for line in
                                     dead.stdout.splitlines()[1:]] == ["Spec"]
    bad = run(tuiguide, path, "search", "dead:perhaps")
    assert bad.returncode == 2 and "dead:perhaps is not yes or no" in bad.stderr
    assert "Traceback" not in bad.stderr
