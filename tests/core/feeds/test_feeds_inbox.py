"""Inbox triage: dismiss, restore and file entries into the guide (real catalogue files)."""

from __future__ import annotations

from pathlib import Path

import pytest

from feeds_support import FAST as SETTINGS
from feeds_support import LMSYS_RSS, VLLM_ATOM, Route, open_catalogue, serve
from tuiguide.core.errors import UserError
from tuiguide.core.feeds import refresh as feeds
from tuiguide.core.feeds.inbox import (
    dismiss,
    file_entry,
    get_entry,
    inbox_count,
    inbox_entries,
    restore,
)
from tuiguide.core.paths import bundled_guide_text


@pytest.fixture
def server():
    yield from serve()


@pytest.fixture
def cat(tmp_path: Path, server):
    c = open_catalogue(tmp_path / "catalogue.db")
    server.routes["/vllm.xml"] = Route(VLLM_ATOM)
    server.routes["/lmsys.xml"] = Route(LMSYS_RSS)
    feeds.insert_feed(c, server.url("/vllm.xml"))
    feeds.insert_feed(c, server.url("/lmsys.xml"))
    feeds.refresh(c, settings=SETTINGS)
    yield c
    c.close()


def entry_titled(cat, prefix: str):
    return next(e for e in inbox_entries(cat, limit=100) if e.title.startswith(prefix))


def test_dismiss_and_restore(cat):
    entry = entry_titled(cat, "vLLM V1")
    assert inbox_count(cat) == 5
    assert dismiss(cat, entry.id).state == "dismissed"
    assert inbox_count(cat) == 4
    with pytest.raises(UserError, match="is dismissed"):
        dismiss(cat, entry.id)
    assert restore(cat, entry.id).state == "new"
    assert inbox_count(cat) == 5


def test_unknown_entry_is_one_clear_error(cat):
    with pytest.raises(UserError, match="no feed entry with ID 9999"):
        dismiss(cat, 9999)


def test_file_entry_creates_a_feed_resource_at_the_end_of_the_topic_and_tier(cat):
    engines = cat.find_topic("2")
    before = cat.items(topic_id=engines.id, tier=1, limit=1000)
    entry = entry_titled(cat, "Distributed Inference")
    item = file_entry(cat, entry.id, engines.id, 1)

    assert item.origin == "feed" and item.tier == 1 and item.topic_id == engines.id
    assert item.title == "Distributed Inference with vLLM & Ray: Part 2"
    assert item.link == "https://blog.vllm.ai/2025/02/24/distributed-inference.html"
    assert item.author == "vLLM Team" and item.status == "todo"
    assert item.description.startswith("How tensor and pipeline parallelism")
    after = cat.items(topic_id=engines.id, tier=1, limit=1000)
    assert [i.id for i in after] == [i.id for i in before] + [item.id]
    filed = get_entry(cat, entry.id)
    assert filed.state == "filed" and filed.resource_id == item.id
    assert inbox_count(cat) == 4
    with pytest.raises(UserError, match="already filed"):
        file_entry(cat, entry.id, engines.id, 2)


def test_filed_entry_survives_a_guide_reimport(cat):
    engines = cat.find_topic("2")
    entry = entry_titled(cat, "vLLM V1")
    item = file_entry(cat, entry.id, engines.id, 2)
    report = cat.import_text(bundled_guide_text(), source="bundled again")
    assert report.removed == 0
    ids = [i.id for i in cat.items(topic_id=engines.id, tier=2, limit=1000)]
    assert item.id in ids


def test_file_into_a_section_places_under_its_topic(cat):
    from ui_support import SMALL_GUIDE

    cat.import_text(SMALL_GUIDE, source="small.md")
    guide = cat.find_guide("test-guide")
    section = next(t for t in cat.topics(guide.id) if t.title.endswith("Beta Advanced"))
    entry = entry_titled(cat, "SGLang v0.4")
    item = file_entry(cat, entry.id, section.id, 3)
    assert item.topic_id == section.parent_id and item.section.endswith("Beta Advanced")
    assert [i.id for i in cat.items(topic_id=section.id, limit=100)][-1] == item.id


def test_file_refuses_entries_without_a_web_link(cat):
    entry = entry_titled(cat, "Click me")
    with pytest.raises(UserError, match="no web link.*javascript:alert"):
        file_entry(cat, entry.id, cat.find_topic("2").id, 1)
    assert get_entry(cat, entry.id).state == "new"
    assert cat.conn.execute("SELECT count(*) FROM resources WHERE origin = 'feed'").fetchone()[0] == 0


def test_bad_topic_writes_nothing(cat):
    entry = entry_titled(cat, "vLLM V1")
    resources = cat.conn.execute("SELECT count(*) FROM resources").fetchone()[0]
    with pytest.raises(UserError, match="no topic with ID 424242"):
        file_entry(cat, entry.id, 424242, 1)
    assert cat.conn.execute("SELECT count(*) FROM resources").fetchone()[0] == resources
    assert get_entry(cat, entry.id).state == "new"


def test_entry_whose_link_joins_the_guide_later_leaves_the_inbox(cat):
    entry = entry_titled(cat, "Deploying DeepSeek")
    guide = f"# Later Guide\n\n## 1. Misc\n\n- [Same post]({entry.link}) - LMSYS. Same.\n"
    cat.import_text(guide, source="later.md")
    assert entry.id not in {e.id for e in inbox_entries(cat)}
    assert inbox_count(cat) == 4
    feeds.refresh(cat, settings=SETTINGS)
    assert get_entry(cat, entry.id).state == "in_guide"


def test_filing_one_feed_entry_clears_the_same_link_from_other_feeds(cat, server):
    from feeds_support import rss

    link = "https://lmsys.org/blog/2024-12-04-sglang-v0-4/"
    server.routes["/mirror.xml"] = Route(rss("Mirror", [("m1", "Mirror copy", link)]))
    entry = entry_titled(cat, "SGLang v0.4")
    # Insert the mirror's copy directly: refresh would (rightly) skip a link already stored.
    mirror = feeds.insert_feed(cat, server.url("/mirror.xml"))
    cat.conn.execute(
        "INSERT INTO feed_entries (feed_id, identity, url, link, title, sort_at, fetched_at) "
        "VALUES (?, 'id:m1', ?, ?, 'Mirror copy', '2025-01-01T00:00:00Z', '2025-01-01T00:00:00Z')",
        (mirror.id, link.rstrip("/"), link),
    )
    assert inbox_count(cat) == 6
    file_entry(cat, entry.id, cat.find_topic("2").id, 2)
    assert inbox_count(cat) == 4
