"""Hostile pages through the whole fetch path (the shared HTTP client with its limits, the
time-limited extraction worker, the store) from a real server on 127.0.0.1: each ends as a
stored clean text or a recorded one-line failure, in bounded time, and the batch goes on."""

from __future__ import annotations

import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler
from pathlib import Path

import pytest

import reader_pages
from feeds_support import FeedServer, Route, gzip_bomb
from tuiguide.core.articles import store
from tuiguide.core.articles.fetch import fetch_articles
from tuiguide.core.reader import Extractor
from tuiguide.core.reader.article import MAX_TITLE
from tuiguide.core.store.catalogue import Catalogue
from tuiguide.core.text.sanitize import is_clean

from hostile import ESCAPES, LONG_TITLE

HTML = "text/html; charset=utf-8"
P = reader_pages.PARAGRAPHS


def page(paragraphs: list[str], *, title: str = "A page", head: str = "", extra: str = "") -> bytes:
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    return (f"<html><head>{head}<title>{title}</title></head><body><article><h1>{title}</h1>"
            f"{body}{extra}</article></body></html>").encode()


def endless(handler: BaseHTTPRequestHandler) -> None:
    """A body that never ends (no length, streamed until the client hangs up)."""
    handler.send_response(200)
    handler.send_header("Content-Type", HTML)
    handler.end_headers()
    chunk = b"<p>" + b"more words " * 6000 + b"</p>"
    try:
        handler.wfile.write(b"<html><body>")
        for _ in range(100_000):
            handler.wfile.write(chunk)
    except OSError:
        return


POISON = "".join(ESCAPES) + "".join(chr(c) for c in range(32)) + "\x9b2J\x85\u202e"
LIE = "Un café crème et une brûlée, naïve façade."
PAGES = {
    "/endless": Route(handler=endless),
    "/bomb": Route(gzip_bomb(64 * 1024 * 1024), content_type=HTML,
                   headers={"Content-Encoding": "gzip"}),
    "/lie": Route(page([*P, LIE], title="Café", head='<meta charset="utf-8">').decode()
                  .encode("latin-1"), content_type=HTML),
    "/controls": Route(page([P[0], POISON + " " + P[1], P[2]], title="Title " + "".join(ESCAPES),
                            extra=f"<pre><code>{POISON}</code></pre>"), content_type=HTML),
    "/title": Route(page(P, title=LONG_TITLE), content_type=HTML),
    "/deep": Route(b"<html><body>" + b"<div>" * 100_000 + P[0].encode() * 4
                   + b"</div>" * 100_000 + b"</body></html>", content_type=HTML),
    "/fine": Route(reader_pages.news_article().body, content_type=HTML),
}


@pytest.fixture
def server() -> Iterator[FeedServer]:
    running = FeedServer()
    running.routes.update(PAGES)
    running.start()
    try:
        yield running
    finally:
        running.stop()


def test_hostile_pages_fail_alone_or_read_clean(tmp_path: Path, server: FeedServer) -> None:
    lines = "".join(f"- [{path[1:]}]({server.url(path)}) - Eve. Hostile.\n" for path in PAGES)
    cat = Catalogue.open(tmp_path / "h.db", seed=False)
    cat.import_text(f"# Hostile\n\n## 1. Pages\n\n{lines}", source="hostile")
    targets = store.resource_targets(cat)
    start = time.monotonic()
    with Extractor(timeout=10.0) as extractor:
        summary = fetch_articles(cat, targets, extractor=extractor)
    took = time.monotonic() - start
    assert took < 90, f"the batch took {took:.0f} s"
    by_path = {o.target.link.removeprefix(server.base): o for o in summary.outcomes}
    assert summary.line() == "fetched 4, unchanged 0, failed 3"
    for path in ("/endless", "/bomb", "/deep"):
        outcome = by_path[path]
        assert outcome.result == "failed" and outcome.error, path
        assert "\n" not in outcome.error and is_clean(outcome.error), path
        assert store.get(cat, outcome.target.url) is None, path  # nothing half-stored
    assert "larger than" in (by_path["/endless"].error or "")
    assert "larger than" in (by_path["/bomb"].error or "")
    assert by_path["/deep"].error == "no readable text found on the page"

    def stored(path: str) -> store.StoredArticle:
        found = store.get(cat, by_path[path].target.url)
        assert found is not None, path
        return found

    lie = stored("/lie").article
    assert lie.title == "Café" and LIE in lie.text
    controls = stored("/controls").article
    for text in (controls.title, controls.text):
        assert is_clean(text.replace("\n", "")) and "\x1b" not in text and "\x07" not in text
    assert P[1] in controls.text
    title = stored("/title").article
    assert len(title.title) == MAX_TITLE and title.title.endswith("…") and P[3] in title.text
    assert "three new factories" in stored("/fine").article.text
    cat.close()
