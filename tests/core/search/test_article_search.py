"""Search inside stored article text (``in:article``), results found only there with their
sentence, and the ``dead:`` filter: on a real catalogue file with articles stored as a fetch
stores them."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from reader_support import store_text
from tuiguide.core.articles import store
from tuiguide.core.search.engine import search
from tuiguide.core.store.catalogue import Catalogue

GUIDE = """# Study Guide

## 1. Serving

### Tier 1

- [Paged attention](https://example.org/paged) - Kwon. Memory for serving.
- [Speculative decoding](https://example.org/spec) - Leviathan. Draft then verify.
- [Quantisation notes](https://example.org/quant) - Dettmers. Smaller weights.

### Tier 2

- [Serving at scale](https://example.org/scale) - Ops. Batching requests.
"""
NOW = "2026-01-02T00:00:00Z"


def _store(cat: Catalogue, rid: int, text: str) -> None:
    store_text(cat, rid, text)


@pytest.fixture
def cat(tmp_path: Path) -> Iterator[Catalogue]:
    c = Catalogue.open(tmp_path / "c.db", seed=False)
    c.import_text(GUIDE, source="g")
    ids = dict(c.conn.execute("SELECT title, id FROM resources").fetchall())
    _store(c, ids["Paged attention"], "Blocks of the cache live in pages.\n\nThe allocator "
           "hands out fixed blocks. Fragmentation drops below four percent. A [linked "
           "paper](https://x.example) follows.")
    _store(c, ids["Speculative decoding"], "A small model drafts tokens. The large model "
           "verifies the draft in one pass, so memory traffic falls.")
    _store(c, ids["Serving at scale"], "Continuous batching keeps the GPU busy.")
    try:
        yield c
    finally:
        c.close()


def _titles(cat: Catalogue, query: str) -> list[str]:
    return [h.item.title for h in search(cat, query, rank_limit=None).hits]


def test_a_word_only_in_an_article_finds_its_resource_with_the_sentence(cat: Catalogue) -> None:
    results = search(cat, "fragmentation")
    assert [h.item.title for h in results.hits] == ["Paged attention"]
    hit = results.hits[0]
    assert hit.matched == ("article",)
    assert hit.article == "Fragmentation drops below four percent."
    assert hit.snippet() is not None and hit.snippet()[0] == "article"  # type: ignore[index]
    assert hit.as_json()["article_match"] == "Fragmentation drops below four percent."


def test_the_porter_index_finds_other_forms_and_markdown_links_read_as_words(cat: Catalogue) -> None:
    results = search(cat, "follow linked")
    assert [h.article for h in results.hits] == ["A linked paper follows."]
    assert _titles(cat, "verifying") == ["Speculative decoding"]


def test_resources_matching_their_own_text_come_first_and_are_not_repeated(cat: Catalogue) -> None:
    # "memory": the description of Paged attention, the article of Speculative decoding.
    results = search(cat, "memory")
    assert [h.item.title for h in results.hits] == ["Paged attention", "Speculative decoding"]
    assert results.total == 2
    assert results.hits[0].article is None and "description" in results.hits[0].matched
    assert results.hits[1].article == "The large model verifies the draft in one pass, so memory traffic falls."
    # Paging crosses from the documents' matches into the articles'.
    second = search(cat, "memory", limit=1, offset=1)
    assert [h.item.title for h in second.hits] == ["Speculative decoding"] and second.total == 2


def test_in_article_searches_only_the_stored_text(cat: Catalogue) -> None:
    assert _titles(cat, "memory in:article") == ["Speculative decoding"]
    assert _titles(cat, "in:article kwon") == []
    assert set(_titles(cat, "in:article")) == {"Paged attention", "Speculative decoding",
                                               "Serving at scale"}
    assert _titles(cat, "in:article batching tier:1") == []
    assert _titles(cat, "in:article batching tier:2") == ["Serving at scale"]


def test_field_searches_leave_articles_out(cat: Catalogue) -> None:
    assert _titles(cat, "in:title fragmentation") == []


def test_dead_filter_lists_dead_links_and_narrows_words(cat: Catalogue) -> None:
    rows = dict(cat.conn.execute("SELECT title, url FROM resources").fetchall())
    for title in ("Quantisation notes", "Speculative decoding"):
        store.record_check(cat, store.Target(rows[title], rows[title]), status=404, error=None,
                           now=NOW)
    assert set(_titles(cat, "dead:yes")) == {"Quantisation notes", "Speculative decoding"}
    assert _titles(cat, "dead:yes weights") == ["Quantisation notes"]
    assert _titles(cat, "dead:yes memory") == ["Speculative decoding"]
    assert _titles(cat, "dead:no memory") == ["Paged attention"]
    results = search(cat, "dead:maybe")
    assert results.hits == [] and "dead:maybe is not yes or no" in results.problems[0]
