"""Fetching and storing articles against a real HTTP server on 127.0.0.1: each page shape,
redirects, a 304 and an unchanged text that write nothing, offline re-reading, link health."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from feeds_support import FeedServer
from reader_support import running_site, site_catalogue
from tuiguide.core.articles import store
from tuiguide.core.articles.fetch import fetch_articles, pending, read_article
from tuiguide.core.errors import UserError
from tuiguide.core.reader import Extractor
from tuiguide.core.store.catalogue import Catalogue


@pytest.fixture
def server(monkeypatch: pytest.MonkeyPatch) -> Iterator[FeedServer]:
    yield from running_site(monkeypatch)


@pytest.fixture
def site(tmp_path: Path, server: FeedServer) -> Iterator[Catalogue]:
    cat = site_catalogue(tmp_path / "c.db", server)
    try:
        yield cat
    finally:
        cat.close()


@pytest.fixture(scope="module")
def extractor() -> Iterator[Extractor]:
    with Extractor(timeout=10.0) as running:
        yield running


def _targets(cat: Catalogue) -> list[store.Target]:
    return store.resource_targets(cat)


def test_a_batch_stores_each_shape_and_records_each_outcome(
        site: Catalogue, server: FeedServer, extractor: Extractor) -> None:
    summary = fetch_articles(site, _targets(site), extractor=extractor)
    assert summary.line() == "fetched 7, unchanged 0, failed 2"
    text = {t.resource_id: store.get(site, t.url) for t in _targets(site)}
    blog = text[1]
    assert blog is not None and blog.http_status == 200
    assert "def cache_bytes(layers, heads, dim, tokens):" in blog.article.text
    assert "```" in blog.article.text and "SCRIPTTEXT" not in blog.article.text
    news = text[2]
    assert news is not None and "three new factories" in news.article.text
    assert "SIDEBAR" not in news.article.text and "COMMENT" not in news.article.text
    arxiv = text[3]
    assert arxiv is not None and arxiv.article.kind == "arxiv"
    assert arxiv.article.pdf_url == "https://arxiv.org/pdf/2309.06180"
    github = text[4]
    assert github is not None and github.article.kind == "github"
    assert "copy-on-write prefix sharing" in github.article.text
    assert text[5] is not None and "pages of virtual memory" in text[5].article.text
    moved = text[6]
    assert moved is not None and moved.final_url == server.url("/news")
    creme = text[8]
    assert creme is not None and "Crème brûlée" in creme.article.title
    assert "Straße" in creme.article.text
    assert text[7] is None and text[9] is None
    states = {c.id: c.state for c in store.link_report(site)}
    assert states == {1: "ok", 2: "ok", 3: "ok", 4: "ok", 5: "ok", 6: "ok", 7: "dead", 8: "ok",
                      9: "dead"}
    assert [c.id for c in store.link_report(site, dead_only=True)] == [7, 9]


def test_a_refetch_of_the_same_text_writes_nothing(
        site: Catalogue, server: FeedServer, extractor: Extractor) -> None:
    blog, news = _targets(site)[:2]
    fetch_articles(site, [blog, news], extractor=extractor)
    before = site.conn.execute("SELECT id, fetched_at, content_hash FROM articles").fetchall()
    changes = site.conn.total_changes
    again = fetch_articles(site, [blog, news], extractor=extractor)
    assert again.line() == "fetched 0, unchanged 2, failed 0"
    # The blog answered 304 to the conditional GET; the news page sent the same text again.
    assert server.hits("/blog")[-1].status == 304
    assert server.hits("/blog")[-1].headers.get("if-none-match") == '"blog-1"'
    assert server.hits("/news")[-1].status == 200
    assert site.conn.execute("SELECT id, fetched_at, content_hash FROM articles").fetchall() == before
    # Only the two link checks were written (checked_at moves), no article row.
    assert site.conn.total_changes - changes == 2


def test_stored_text_reads_with_the_server_stopped(
        site: Catalogue, server: FeedServer, extractor: Extractor) -> None:
    target = _targets(site)[0]
    first = read_article(site, target, extractor=extractor)
    server.stop()
    again = read_article(site, target, extractor=extractor)
    assert again == first and "Measuring memory" in again.article.text
    unread = _targets(site)[1]
    with pytest.raises(UserError, match=r"/news: .*not stored yet"):
        read_article(site, unread, extractor=extractor)


def test_a_resumed_batch_fetches_only_what_is_missing(
        site: Catalogue, extractor: Extractor) -> None:
    targets = _targets(site)
    fetch_articles(site, targets[:2], extractor=extractor)
    todo, skipped = pending(site, targets)
    assert skipped == 2 and [t.resource_id for t in todo] == [3, 4, 5, 6, 7, 8, 9]


def test_unreachable_twice_a_day_apart_is_dead_a_timeout_or_5xx_only_failing(
        site: Catalogue) -> None:
    target = store.Target("https://down.example/x", "https://down.example/x")
    refused = "connection refused"
    assert store.record_check(site, target, status=None, error=refused,
                              now="2025-03-01T10:00:00Z") == "failing"
    assert store.record_check(site, target, status=None, error=refused,
                              now="2025-03-01T22:00:00Z") == "failing"
    assert store.record_check(site, target, status=None, error=refused,
                              now="2025-03-02T10:00:00Z") == "dead"
    assert store.record_check(site, target, status=200, error=None,
                              now="2025-03-03T10:00:00Z") == "ok"
    assert store.record_check(site, target, status=None, error="timed out after 30 s",
                              now="2025-03-04T10:00:00Z") == "failing"
    assert store.record_check(site, target, status=None, error="timed out after 30 s",
                              now="2025-03-06T10:00:00Z") == "failing"
    assert store.record_check(site, target, status=503, error="HTTP 503 Service Unavailable",
                              now="2025-03-07T10:00:00Z") == "failing"
    assert store.record_check(site, target, status=404, error="HTTP 404 Not Found",
                              now="2025-03-08T10:00:00Z") == "dead"
