"""Own links (read from a local page, de-duplicated, kept by re-imports) and tags."""

from __future__ import annotations

from pathlib import Path

import pytest

from feeds_support import Route, serve
from study_support import SMALL_GUIDE, Clock, rid, small_catalogue, write_guide
from tuiguide.core.errors import UserError
from tuiguide.core.library import links, store
from tuiguide.core.review import store as review
from tuiguide.core.store.catalogue import Catalogue

PAGE = """<html><head><title>Queues \x1b[31mexplained</title>
<meta name="description" content="How queues behave under load."></head>
<body><p>Text.</p></body></html>"""


@pytest.fixture
def server():
    yield from serve()


@pytest.fixture
def cat(tmp_path: Path):
    c = small_catalogue(tmp_path, clock=Clock("2026-03-02T09:00:00Z"))
    yield c
    c.close()


def test_page_title_and_description_are_read_and_cleaned(server) -> None:
    server.routes["/q"] = Route(PAGE, content_type="text/html; charset=utf-8")
    page = links.read_page(server.url("/q"))
    assert page.error is None
    assert page.title.startswith("Queues") and "\x1b" not in page.title
    assert page.description == "How queues behave under load."


AUTHORED = {
    "meta": '<meta name="author" content="Grace Hopper">',
    "og": '<meta property="article:author" content="Grace Hopper">',
    "jsonld": ('<script type="application/ld+json">{"@type": "Article", '
               '"@context": "https://schema.org", "headline": "Queues", '
               '"author": {"@type": "Person", "name": "Grace Hopper"}}</script>'),
}


@pytest.mark.parametrize("how", sorted(AUTHORED))
def test_the_page_author_is_read_from_its_meta_or_json_ld(server, how: str) -> None:
    server.routes["/a"] = Route(
        f"<html><head><title>Queues</title>{AUTHORED[how]}</head><body><p>Text.</p></body>"
        "</html>", content_type="text/html; charset=utf-8")
    page = links.read_page(server.url("/a"))
    assert page.error is None and page.author == "Grace Hopper", page


def test_an_unreachable_page_says_why(server) -> None:
    page = links.read_page(server.url("/missing"))
    assert page.title == "" and page.error and "404" in page.error


def test_own_link_is_placed_deduplicated_and_survives_reimport(cat: Catalogue,
                                                               tmp_path: Path) -> None:
    beta = cat.find_topic("2").id
    new, _ = links.add_link(cat, "https://Mine.example/post/?utm_source=x", title="Mine",
                            description="d", topic_id=beta, tier=2)
    item = cat.require_item(new)
    assert (item.origin, item.topic, item.tier) == ("user", "Beta", 2)
    with pytest.raises(store.DuplicateLink) as found:
        links.add_link(cat, "https://mine.example/post", title="Again", description="",
                       topic_id=beta, tier=1)
    assert found.value.resource_id == new
    with pytest.raises(store.DuplicateLink):
        links.add_link(cat, "https://example.com/a1/", title="A1 again", description="",
                       topic_id=beta, tier=1)
    store.change_tags(cat, new, add=["queues"])
    cat.import_file(write_guide(tmp_path, SMALL_GUIDE.replace("## 2. Beta", "## 2. Beta!")))
    cat.import_file(write_guide(tmp_path, SMALL_GUIDE))
    after = cat.require_item(new)
    assert (after.removed, after.topic, after.tags) == (False, "Beta", ("queues",))
    assert cat.live_placement(new) is not None


def test_only_own_links_are_edited_and_removal_is_undone(cat: Catalogue) -> None:
    alpha, gamma = cat.find_topic("1").id, cat.find_topic("3").id
    new, _ = links.add_link(cat, "https://mine.example/a", title="Mine", description="",
                            topic_id=alpha, tier=1)
    with pytest.raises(UserError, match="comes from a guide"):
        store.edit_link(cat, rid(cat, "A1"), title="x", description="", topic_id=alpha, tier=1)
    with pytest.raises(UserError, match="comes from a guide"):
        store.remove_link(cat, rid(cat, "A1"))
    store.edit_link(cat, new, title="Mine, renamed", description="new", topic_id=gamma, tier=2)
    item = cat.require_item(new)
    assert (item.title, item.description, item.topic, item.tier) == (
        "Mine, renamed", "new", "Gamma", 2)
    assert [p.topic for p in cat.placements_of(new) if not p.removed] == ["Gamma"]
    before = cat.count_items(topic_id=gamma)
    store.remove_link(cat, new)
    assert cat.count_items(topic_id=gamma) == before - 1
    assert cat.live_placement(new) is None
    store.restore_link(cat, new)
    assert cat.count_items(topic_id=gamma) == before
    assert cat.require_item(new).title == "Mine, renamed"


def test_tags_are_normalised_counted_and_kept_out_of_markup(cat: Catalogue) -> None:
    a1, b1 = rid(cat, "A1"), rid(cat, "B1")
    assert store.change_tags(cat, a1, add=["Data Bases", "#go"]) == ["data-bases", "go"]
    store.change_tags(cat, b1, add=["go", "[bold]x"])
    assert store.tag_counts(cat) == [("go", 2), ("[bold]x", 1), ("data-bases", 1)]
    assert [i.id for i in store.tagged_items(cat, "go")] == [a1, b1]
    store.set_tags(cat, b1, ["go"])
    assert cat.require_item(b1).tags == ("go",)
    with pytest.raises(UserError, match="bad tag"):
        store.change_tags(cat, a1, add=["  "])
    with pytest.raises(UserError, match="no resource with ID 999"):
        store.change_tags(cat, 999, add=["x"])


def test_marking_an_own_link_done_enters_review(cat: Catalogue) -> None:
    new, _ = links.add_link(cat, "https://mine.example/r", title="Mine", description="",
                            topic_id=cat.find_topic("1").id, tier=1)
    cat.set_status(new, "done")
    assert review.card(cat, new) is not None


def test_tag_filter_in_search(cat: Catalogue) -> None:
    from tuiguide.core.search.engine import search

    a1, b1, b2 = rid(cat, "A1"), rid(cat, "B1"), rid(cat, "B2")
    store.change_tags(cat, a1, add=["go"])
    store.change_tags(cat, b1, add=["go", "Data Bases"])
    store.change_tags(cat, b2, add=["perf"])
    found = search(cat, "tag:go")
    assert (found.total, [h.item.id for h in found.hits]) == (2, [a1, b1])
    assert [h.item.id for h in search(cat, "tag:go beta").hits] == [b1]
    assert search(cat, "tag:go beta").total == 1
    assert {h.item.id for h in search(cat, "tag:data-bases,perf").hits} == {b1, b2}
    assert search(cat, "tag:go tier:2").total == 0
    assert search(cat, "tag:nothing").total == 0


def test_own_links_appear_in_up_next_in_their_topic_and_tier(cat: Catalogue) -> None:
    from tuiguide.core.study.upnext import up_next

    new, _ = links.add_link(cat, "https://mine.example/t1", title="Mine in Beta T1",
                            description="", topic_id=cat.find_topic("2").id, tier=1)
    order = [i.title for i in up_next(cat, limit=50)]
    # Tier 1 of every topic first, in topic order: after B1 (Beta's guide item), before Tier 2.
    assert order.index("B1") < order.index("Mine in Beta T1") < order.index("A2")
    assert new in {i.id for i in up_next(cat, limit=50, tier=1)}


def test_undo_brings_a_removed_own_link_back_and_takes_an_added_one_out(cat: Catalogue) -> None:
    from tuiguide.core.study.undo import undo_last

    gamma = cat.find_topic("3").id
    before = cat.count_items(topic_id=gamma)
    new, _ = links.add_link(cat, "https://mine.example/u", title="Mine", description="",
                            topic_id=gamma, tier=2)
    store.remove_link(cat, new)
    assert cat.count_items(topic_id=gamma) == before
    result = undo_last(cat)
    assert result.message == "Undone: 'Mine' is back in the guide"
    assert cat.count_items(topic_id=gamma) == before + 1
    result = undo_last(cat)  # further back: the add itself
    assert result.message == "Undone: 'Mine' taken out of the guide (added by you)"
    assert cat.count_items(topic_id=gamma) == before and cat.live_placement(new) is None


def test_undo_gives_an_edited_own_link_its_earlier_details_back(cat: Catalogue) -> None:
    from tuiguide.core.study.undo import undo_last

    alpha, gamma = cat.find_topic("1").id, cat.find_topic("3").id
    new, _ = links.add_link(cat, "https://mine.example/e", title="Mine", description="first",
                            topic_id=alpha, tier=1)
    in_alpha, in_gamma = cat.count_items(topic_id=alpha), cat.count_items(topic_id=gamma)
    store.edit_link(cat, new, title="Mine, renamed", description="second", topic_id=gamma,
                    tier=2)
    assert cat.count_items(topic_id=alpha) == in_alpha - 1
    result = undo_last(cat)
    assert result.message == ("Undone: own link 'Mine, renamed' has its earlier details back "
                              "('Mine')")
    item = cat.require_item(new)
    assert (item.title, item.description, item.topic, item.tier) == ("Mine", "first", "Alpha", 1)
    assert [p.topic for p in cat.placements_of(new) if not p.removed] == ["Alpha"]
    assert (cat.count_items(topic_id=alpha), cat.count_items(topic_id=gamma)) == (
        in_alpha, in_gamma)
    # Further back: the add itself; the undone edit is not undone twice.
    assert undo_last(cat).message == "Undone: 'Mine' taken out of the guide (added by you)"
    assert cat.live_placement(new) is None
