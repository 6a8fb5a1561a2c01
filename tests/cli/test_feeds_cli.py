"""The feed commands through click's runner (and one real terminal), over real files."""

from __future__ import annotations

import json
import os
import pty
import re
import select
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from feeds_support import BROKEN_RSS, LMSYS_RSS, VLLM_ATOM, FeedServer, Route, open_catalogue, serve
from tuiguide.cli.main import main


@pytest.fixture
def server():
    yield from serve()


@pytest.fixture
def prepared(db_path: Path) -> Path:
    """A seeded catalogue without the two default (internet) feeds."""
    open_catalogue(db_path).close()
    return db_path


@pytest.fixture
def run(prepared: Path):
    runner = CliRunner()

    def invoke(*args: str):
        return runner.invoke(main, ["--db", str(prepared), *args], catch_exceptions=False)

    return invoke


@pytest.fixture
def followed(run, server):
    server.routes["/vllm.xml"] = Route(VLLM_ATOM)
    server.routes["/lmsys.xml"] = Route(LMSYS_RSS)
    assert run("feeds", "add", server.url("/vllm.xml")).exit_code == 0
    assert run("feeds", "add", server.url("/lmsys.xml")).exit_code == 0
    return server


def inbox(run) -> list[dict]:
    result = run("inbox", "--json")
    assert result.exit_code == 0
    return json.loads(result.stdout)


def one_error_line(result, *needles: str) -> None:
    assert result.exit_code == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("tuiguide: ")
    for needle in needles:
        assert needle in lines[0]
    assert "Traceback" not in result.output


def test_new_catalogue_lists_the_default_feeds(db_path):
    result = CliRunner().invoke(main, ["--db", str(db_path), "feeds", "list", "--json"])
    assert result.exit_code == 0
    rows = json.loads(result.stdout)
    assert [r["url"] for r in rows] == ["https://lmsys.org/rss.xml", "https://blog.vllm.ai/feed.xml"]
    assert {r["state"] for r in rows} == {"new"}


def test_add_list_and_remove(run, server):
    server.routes["/lmsys.xml"] = Route(LMSYS_RSS)
    added = run("feeds", "add", server.url("/lmsys.xml"))
    assert added.exit_code == 0
    assert added.stdout.strip() == (
        f"Following LMSYS Org ({server.url('/lmsys.xml')}): 3 new in the Inbox"
    )
    table = run("feeds").stdout
    assert "LMSYS Org" in table and "ok (200)" in table and server.url("/lmsys.xml") in table
    rows = json.loads(run("feeds", "list", "--json").stdout)
    assert rows[0]["entry_count"] == 4 and rows[0]["new"] == 3 and rows[0]["stored"] == 4
    removed = run("feeds", "remove", server.url("/lmsys.xml"))
    assert removed.exit_code == 0 and "Removed LMSYS Org" in removed.stdout
    assert json.loads(run("feeds", "list", "--json").stdout) == []
    assert inbox(run) == []


def test_an_untitled_feed_is_listed_by_its_url_once(run, server):
    url = server.url("/untitled.xml")
    assert run("feeds", "add", "--no-check", url).exit_code == 0
    table = run("feeds", "list").stdout
    assert table.count(url) == 1 and "new" in table


def test_add_refuses_bad_urls_and_dead_feeds_with_one_line(run, server):
    one_error_line(run("feeds", "add", "ftp://example.com/feed"), "ftp://example.com/feed",
                   "not a feed URL")
    one_error_line(run("feeds", "add", server.url("/missing.xml")), server.url("/missing.xml"),
                   "HTTP 404 Not Found", "--no-check")
    dead = FeedServer()
    url = dead.url("/feed.xml")
    dead.httpd.server_close()
    one_error_line(run("feeds", "add", url, "--timeout", "2"), url, "connection refused")
    assert json.loads(run("feeds", "list", "--json").stdout) == []
    kept = run("feeds", "add", url, "--no-check")
    assert kept.exit_code == 0 and "fetched on the next refresh" in kept.stdout
    one_error_line(run("feeds", "add", url), url, "already followed")
    one_error_line(run("feeds", "remove", "https://nope.example/feed"),
                   "https://nope.example/feed", "not a feed you follow")


def test_refresh_json_and_failures(run, followed):
    followed.routes["/gone.xml"] = Route(status=404)
    assert run("feeds", "add", followed.url("/gone.xml"), "--no-check").exit_code == 0
    result = run("refresh", "--json")
    assert result.exit_code == 0
    report = json.loads(result.stdout)
    assert report["failed"] == 1 and report["inbox"] == 5
    gone = next(f for f in report["feeds"] if f["url"].endswith("/gone.xml"))
    assert gone["result"] == "failed" and gone["message"] == "HTTP 404 Not Found"

    # Quiet for cron: only the failure, on stderr, naming the feed.
    quiet = run("refresh", "--force")
    assert quiet.exit_code == 0 and quiet.stdout == ""
    assert quiet.stderr.strip() == f"tuiguide: {followed.url('/gone.xml')}: HTTP 404 Not Found"
    listed = run("feeds").stdout
    assert "failing (404)" in listed and "HTTP 404 Not Found" in listed


def test_refresh_exits_1_when_every_feed_fails(run, server):
    server.routes["/a.xml"] = Route(status=500)
    run("feeds", "add", server.url("/a.xml"), "--no-check")
    result = run("refresh")
    assert result.exit_code == 1
    assert result.stderr.strip() == f"tuiguide: {server.url('/a.xml')}: HTTP 500 Internal Server Error"


def test_refresh_records_a_malformed_feed_as_a_warning(run, server):
    server.routes["/broken.xml"] = Route(BROKEN_RSS)
    added = run("feeds", "add", server.url("/broken.xml"))
    assert added.exit_code == 0
    assert "warning: " in added.stderr and "malformed feed" in added.stderr


def test_inbox_file_and_dismiss(run, followed):
    entries = inbox(run)
    assert len(entries) == 5
    assert entries[0]["title"].startswith("Deploying DeepSeek")
    js = next(e for e in entries if e["title"] == "Click me")
    assert js["url"] is None and js["raw_link"] == "javascript:alert(document.cookie)"

    rows = [line.split("\t") for line in run("inbox").stdout.splitlines()]
    assert rows[0] == ["ID", "Date", "Feed", "Title", "URL"]
    by_title = {row[3]: row for row in rows[1:]}
    assert "Distributed Inference with vLLM & Ray: Part 2" in by_title
    assert by_title["Click me"][4] == ""  # no web link: no URL to open

    target = next(e for e in entries if e["title"].startswith("SGLang v0.4"))
    filed = run("file", str(target["id"]), "--topic", "2", "--tier", "1")
    assert filed.exit_code == 0
    assert filed.stdout.startswith(f"Filed {target['id']} as ")
    assert "in 2. Inference Engines & Serving Systems · T1" in filed.stdout
    listed = json.loads(run("list", "--topic", "2", "--tier", "1", "--json").stdout)
    assert listed[-1]["title"] == target["title"] and listed[-1]["url"] == target["url"]
    assert len(inbox(run)) == 4

    one_error_line(run("file", str(js["id"]), "--topic", "2", "--tier", "1"), "no web link")
    one_error_line(run("file", "abc", "--topic", "2"), "bad entry ID 'abc'")

    dismissed = run("dismiss", str(js["id"]))
    assert dismissed.exit_code == 0 and dismissed.stdout.strip() == f"Dismissed {js['id']}: Click me"
    assert len(inbox(run)) == 3
    assert run("dismiss", str(js["id"]), "--undo").exit_code == 0
    assert len(inbox(run)) == 4


def test_inbox_at_a_terminal_is_a_table_that_marks_entries_without_a_link(
        at_terminal, prepared, followed):
    code, out = at_terminal(["--db", str(prepared), "inbox"], columns=120)
    assert code == 0, out
    assert "\t" not in out and "Distributed Inference with vLLM & Ray: Part 2" in out
    line = next(line for line in out.splitlines() if "Click me" in line)
    assert "(no web link)" in line


def test_file_without_topic_names_the_likely_topics(run, followed):
    target = next(e for e in inbox(run) if e["title"].startswith("Deploying DeepSeek"))
    result = run("file", str(target["id"]))
    one_error_line(result, f"give --topic for entry {target['id']}; likely: ")
    assert result.stderr.count("(tier ") == 3


def test_file_with_topic_and_no_tier_uses_the_suggested_tier(run, followed):
    target = next(e for e in inbox(run) if e["title"].startswith("vLLM V1"))
    result = run("file", str(target["id"]), "--topic", "2", "--json")
    assert result.exit_code == 0
    item = json.loads(result.stdout)
    assert item["tier"] in (1, 2, 3) and item["topic_number"] == "2"


def test_opml_import_and_export(run, tmp_path):
    opml = tmp_path / "subs.opml"
    opml.write_text(
        '<?xml version="1.0"?><opml version="2.0"><head/><body>'
        '<outline text="A" xmlUrl="https://a.example/feed"/>'
        '<outline text="B" xmlUrl="https://b.example/rss"/></body></opml>'
    )
    result = run("feeds", "import", str(opml))
    assert result.exit_code == 0
    assert result.stdout.strip() == f"{opml}: 2 feeds added, 0 already followed"
    exported = run("feeds", "export")
    assert exported.exit_code == 0
    assert exported.stdout.startswith('<?xml version="1.0" encoding="UTF-8"?>\n<opml version="2.0">')
    assert 'xmlUrl="https://a.example/feed"' in exported.stdout
    out = tmp_path / "out.opml"
    assert run("feeds", "export", "-o", str(out)).exit_code == 0
    def undated(text: str) -> str:
        return re.sub(r"<dateCreated>[^<]*</dateCreated>", "", text)

    assert undated(out.read_text()) == undated(exported.stdout)


def test_bad_opml_is_one_line(run, tmp_path):
    bad = tmp_path / "bad.opml"
    bad.write_text("<html><body>not opml</body></html>")
    one_error_line(run("feeds", "import", str(bad)), str(bad), "not an OPML file")
    one_error_line(run("feeds", "import", str(tmp_path / "none.opml")), "none.opml",
                   "no such file")


def test_refresh_on_a_terminal_shows_a_summary(prepared, server):
    """A real pseudo-terminal: the progress bar is transient, the summary line stays."""
    server.routes["/lmsys.xml"] = Route(LMSYS_RSS)
    with open_catalogue(prepared) as cat:
        from tuiguide.core.feeds import refresh as feeds

        feeds.insert_feed(cat, server.url("/lmsys.xml"))
    master, slave = pty.openpty()
    env = {**os.environ, "TERM": "xterm-256color", "COLUMNS": "100", "NO_COLOR": "1"}
    proc = subprocess.Popen(
        [sys.executable, "-c", "from tuiguide.cli.main import main; main()", "--db", str(prepared),
         "refresh"],
        stdin=slave, stdout=slave, stderr=slave, env=env, close_fds=True,
    )
    os.close(slave)
    output = b""
    try:
        while True:
            ready, _, _ = select.select([master], [], [], 20)
            if not ready:
                break
            try:
                chunk = os.read(master, 4096)
            except OSError:
                break
            if not chunk:
                break
            output += chunk
    finally:
        proc.wait(timeout=20)
        os.close(master)
    text = output.decode("utf-8", "replace")
    assert proc.returncode == 0, text
    assert "3 new, 3 in the Inbox (1 feeds fetched)" in text
