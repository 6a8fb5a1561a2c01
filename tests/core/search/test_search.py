"""Search over real catalogue files: hostile input, filters, prefixes, ranking, highlighting,
and an index that follows every write (status, notes, re-imports, filing, restores)."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tuiguide.cli.main import main
from tuiguide.core.search.engine import Term, highlight_spans, parse_query, search
from tuiguide.core.store.catalogue import Catalogue
from tuiguide.core.store.connection import transaction
from tuiguide.core.store.search_index import index_matches_tables, rebuild
from tuiguide.core.store.writes import NewResource
from tuiguide.views.marked import marked_text

GUIDE = """# Search Test Guide

A guide for the search tests.

## 1. Kernels & Languages

#### Tier 1

- [Modern C++ for GPU Kernels](https://example.com/cpp) - Ada Lovelace. Writing fast kernels in templates.
- [The foo-bar Pattern](https://example.com/foobar) - Bob Builder. A pattern seen in many codebases.
- [Search AND Rescue for Tensors](https://example.com/and) - Carol. Finding lost tensors.

#### Tier 2

- [Flash Attention from Scratch](https://example.com/flash) - Tri Dao. Tiling attention for SRAM.
- [Memory Bandwidth Notes](https://example.com/bw) - Dana. Why quantization helps decode.

## 2. Quantization & Compression

#### Tier 1

- [A Visual Guide to Quantization](https://example.com/vq) - Maarten. Pictures of int8 and fp8.

#### Tier 2

- [Foo Bar Baz Considered](https://example.com/foobarbaz) - Eve. Another foo bar discussion.
- [Über Café Kernels](https://example.com/uber) - Zoë. Accented words everywhere.
- [Pruning Large Models](https://example.com/prune) - Frank. Mentions flash storage once.

#### Tier 3

- [Exotic Number Formats](https://example.com/formats) - Grace. Posits, takums and friends.
"""

SECOND_GUIDE = """# Other Guide

## 1. Serving

#### Tier 2

- [Serving Flash Models](https://example.com/serve) - Heidi. Batching and flash decoding.
- [Modern C++ for GPU Kernels](https://example.com/cpp) - Ada Lovelace. Writing fast kernels in templates.
"""


@pytest.fixture
def cat(tmp_path: Path):
    c = Catalogue.open(tmp_path / "search.db", seed=False)
    c.import_text(GUIDE, source="test:guide")
    yield c
    c.close()


def rid(cat: Catalogue, url: str) -> int:
    return cat.conn.execute("SELECT id FROM resources WHERE url = ?", (url,)).fetchone()[0]


def titles(cat: Catalogue, query: str, **kw) -> list[str]:
    return [h.item.title for h in search(cat, query, **kw).hits]


# ---------------------------------------------------------------------------- hostile input
HOSTILE = [
    "c++", '"x', "foo-bar", "AND", "OR", "NOT", "NEAR", "AND OR NOT", '"', '""', '"""',
    "*", "**", ":", "^", "(", ")", "()", "(a OR", "a)", "{title}:x", "title:", "-", "--",
    "-x", "NEAR(a b, 2)", "a NEAR b", '"unclosed phrase', "x*y", "^start", "col:val", "\\",
    "'", "`rm -rf`", "%", "_", "\x00", "\x1b[31m", "Ünïcödé", "日本語", "🙂", " ", "\t\n",
    "a" * 2000, "tier:", "status:", "topic:", "in:", "tier:9", "tier:x", "status:zz",
    'topic:"unclosed', 'a" OR "b', "a OR", "OR a", "-a -b", "in:bogus", "guide:",
]


@pytest.mark.parametrize("query", HOSTILE)
@pytest.mark.parametrize("as_you_type", [False, True])
def test_hostile_queries_never_raise(cat: Catalogue, query: str, as_you_type: bool) -> None:
    results = search(cat, query, as_you_type=as_you_type)
    assert results.total >= len(results.hits)
    for hit in results.hits:
        for start, end in hit.title().spans:
            assert 0 <= start < end <= len(hit.title().text)


@pytest.fixture(scope="module")
def shared_cat(tmp_path_factory: pytest.TempPathFactory):
    c = Catalogue.open(tmp_path_factory.mktemp("hyp") / "search.db", seed=False)
    c.import_text(GUIDE, source="test:guide")
    yield c
    c.close()


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.text(max_size=60), st.booleans())
def test_any_text_searches_without_error(shared_cat: Catalogue, query: str, typing: bool) -> None:
    results = search(shared_cat, query, as_you_type=typing)
    # An FTS error would surface as a "search failed" problem: there must be none.
    assert not any(p.startswith("search failed") for p in results.problems)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.sampled_from(['"', "(", ")", "*", ":", "^", "-", "+", "AND", "OR", "NOT",
                                 "NEAR", "{", "}", "flash", "c++", "tier:1", " ", "in:notes"]),
                max_size=12))
def test_operator_soup_never_fails(shared_cat: Catalogue, parts: list[str]) -> None:
    for typing in (False, True):
        results = search(shared_cat, "".join(parts), as_you_type=typing)
        assert not any(p.startswith("search failed") for p in results.problems)


def test_cpp_finds_the_cpp_title(cat: Catalogue) -> None:
    assert titles(cat, "c++")[0] == "Modern C++ for GPU Kernels"
    hit = search(cat, "c++").hits[0]
    marked = hit.title()
    assert [marked.text[s:e] for s, e in marked.spans] == ["C"]


def test_hyphenated_words_match_the_phrase_both_ways(cat: Catalogue) -> None:
    found = titles(cat, "foo-bar")
    assert "The foo-bar Pattern" in found
    assert "Foo Bar Baz Considered" in found
    assert set(titles(cat, "foo bar")) >= set(found)


def test_unbalanced_quotes_and_bare_operators(cat: Catalogue) -> None:
    assert titles(cat, '"flash attention') == ["Flash Attention from Scratch"]
    assert titles(cat, 'flash" attention') == ["Flash Attention from Scratch"]
    assert "Search AND Rescue for Tensors" in titles(cat, "AND")
    # No title or text holds the word "not" (a finished word: "NOT" alone is a prefix of
    # "Notes").
    assert titles(cat, "NOT ") == []
    assert titles(cat, "NOT") == ["Memory Bandwidth Notes"]
    assert search(cat, '"').total == 0
    assert search(cat, "(").hits == []


def test_unicode_folds_case_and_accents(cat: Catalogue) -> None:
    assert titles(cat, "uber cafe") == ["Über Café Kernels"]
    assert titles(cat, "ÜBER") == ["Über Café Kernels"]
    assert titles(cat, "zoe") == ["Über Café Kernels"]


# ---------------------------------------------------------------------------- typing, ranking
def test_last_word_is_a_prefix_in_the_shell_as_while_typing(cat: Catalogue) -> None:
    for typing in (False, True):
        assert "A Visual Guide to Quantization" in titles(cat, "quan", as_you_type=typing)
        # A finished word (followed by a space) is whole again.
        assert titles(cat, "quan ", as_you_type=typing) == []
        # Only the last word is a prefix.
        assert titles(cat, "quan guide", as_you_type=typing) == []
        assert titles(cat, "visual quan", as_you_type=typing) == [
            "A Visual Guide to Quantization"
        ]
        # An unclosed phrase is typed too: its last word is a prefix.
        assert titles(cat, '"flash att', as_you_type=typing) == ["Flash Attention from Scratch"]


def test_words_are_stemmed(cat: Catalogue) -> None:
    assert "A Visual Guide to Quantization" in titles(cat, "quantized ")
    assert "A Visual Guide to Quantization" in titles(cat, "quantizing guides ")
    hit = search(cat, "quantized ").hits[0]
    # The highlight marks what matched: the stem, not the letters typed.
    title = hit.title()
    assert [title.text[a:b] for a, b in title.spans] == ["Quantization"]


def test_filters_combine_with_words(cat: Catalogue) -> None:
    assert set(titles(cat, "kernels")) == {"Modern C++ for GPU Kernels", "Über Café Kernels"}
    assert titles(cat, "kernels tier:1") == ["Modern C++ for GPU Kernels"]
    assert titles(cat, "kernels tier:2") == ["Über Café Kernels"]
    assert titles(cat, "kernels topic:quant") == ["Über Café Kernels"]
    assert titles(cat, "kernels topic:1") == ["Modern C++ for GPU Kernels"]
    assert titles(cat, "kernels tier:1 topic:quant") == []
    assert set(titles(cat, "kernels tier:1,2")) == {"Modern C++ for GPU Kernels", "Über Café Kernels"}
    cat.set_status(rid(cat, "https://example.com/uber"), "done")
    assert titles(cat, "kernels status:done") == ["Über Café Kernels"]
    assert titles(cat, "kernels status:d") == ["Über Café Kernels"]  # a unique prefix
    assert titles(cat, "kernels status:todo") == ["Modern C++ for GPU Kernels"]


def test_filter_on_a_resource_placed_twice_uses_one_placement(cat: Catalogue) -> None:
    cat.import_text(SECOND_GUIDE, source="test:second")
    # The C++ item is Tier 1 in the first guide and Tier 2 in the second: across guides it
    # counts in its lead tier (the lowest), 1; within the second guide, in Tier 2.
    assert titles(cat, "c++ tier:2") == []
    hit = search(cat, "c++ tier:1").hits[0]
    assert (hit.item.guide, hit.item.tier) == ("Search Test Guide", 1)
    assert titles(cat, "c++ tier:2 guide:other") == ["Modern C++ for GPU Kernels"]
    hit = search(cat, "c++ tier:2 guide:other").hits[0]
    assert (hit.item.guide, hit.item.tier) == ("Other Guide", 2)
    # Tier 2 of the first guide does not hold it; tier 1 of the second does not either.
    assert titles(cat, "c++ tier:2 guide:search") == []
    assert titles(cat, "c++ tier:1 guide:other") == []
    assert titles(cat, "flash guide:other") == ["Serving Flash Models"]
    assert search(cat, "c++").total == 1  # one resource, listed once


def test_filters_alone_list_in_guide_order(cat: Catalogue) -> None:
    results = search(cat, "tier:2")
    assert results.mode == "guide"
    assert [h.item.title for h in results.hits] == [
        i.title for i in cat.items(tier=2)
    ]
    assert results.total == cat.count_items(tier=2) == 5
    topic = cat.find_topic("2")
    assert search(cat, "topic:quant").total == cat.count_items(topic_id=topic.id)
    assert search(cat, "status:todo tier:3").total == 1


@pytest.mark.parametrize("query", [
    "tier:1", "tier:1,3", "tier:none", "status:todo", "topic:k", "topic:k tier:2",
    "topic:quant status:done", "guide:search tier:2", "in:notes", "in:notes tier:2",
])
def test_filter_lists_match_a_plain_query(cat: Catalogue, query: str) -> None:
    cat.import_text(SECOND_GUIDE, source="test:second")
    cat.set_status(rid(cat, "https://example.com/vq"), "done")
    cat.set_note(rid(cat, "https://example.com/flash"), "a note")
    cat.set_note(rid(cat, "https://example.com/cpp"), "another")
    results = search(cat, query, limit=1000)
    parsed = results.query
    where, params = ["p.removed_at IS NULL"], []
    if parsed.tiers:
        where.append("(" + " OR ".join("p.tier IS NULL" if t == 0 else f"p.tier = {t}"
                                       for t in parsed.tiers) + ")")
    if parsed.statuses:
        where.append(f"r.status IN ({','.join(repr(x) for x in parsed.statuses)})")
    if parsed.topics:
        ids = [t.id for t in cat.topics() for spec in parsed.topics
               if any(w.lower().startswith(spec) for w in t.title.split())]
        marks = ",".join(map(str, ids))
        where.append(f"(p.topic_id IN ({marks}) OR p.section_id IN ({marks}))")
    if parsed.guides:
        where.append("g.slug LIKE 'search%'")
    if "note" in parsed.fields:
        where.append("n.body IS NOT NULL")
    if not parsed.topics:
        # Across topics each resource once, at its lead placement: lowest tier (untiered
        # last), then guide order, among its placements in the guide(s) asked for.
        scope = "AND q.guide_id = p.guide_id" if parsed.guides else ""
        where.append(
            "p.id = (SELECT q.id FROM placements q JOIN guides qg ON qg.id = q.guide_id "
            "JOIN topics qt ON qt.id = q.topic_id WHERE q.resource_id = p.resource_id "
            f"AND q.removed_at IS NULL {scope} ORDER BY COALESCE(q.tier, 1000000), "
            "qg.position, qt.position, q.position LIMIT 1)"
        )
    expected = [
        row[0] for row in cat.conn.execute(
            "SELECT p.id FROM placements p JOIN resources r ON r.id = p.resource_id "
            "JOIN guides g ON g.id = p.guide_id JOIN topics t ON t.id = p.topic_id "
            "LEFT JOIN notes n ON n.resource_id = r.id "
            f"WHERE {' AND '.join(where)} ORDER BY g.position, t.position, p.position", params)
    ]
    assert [h.item.placement_id for h in results.hits] == expected
    assert results.total == len(expected)
    assert results.mode == "guide"


def test_bad_filter_values_match_nothing_and_say_why(cat: Catalogue) -> None:
    for query in ("status:zz", "tier:x", "topic:nonexistent", "guide:nope", "flash status:zz"):
        results = search(cat, query)
        assert results.hits == [] and results.total == 0
        assert results.problems, query
    # While typing, an empty value is just not finished yet.
    assert search(cat, "flash tier:", as_you_type=True).total == 2
    assert search(cat, "flash tier:", as_you_type=True).problems == []


def test_in_notes(cat: Catalogue) -> None:
    flash = rid(cat, "https://example.com/flash")
    cat.set_note(flash, "Reread the tiling section before the exam")
    assert titles(cat, "in:notes") == ["Flash Attention from Scratch"]
    assert titles(cat, "in:notes tiling") == ["Flash Attention from Scratch"]
    assert titles(cat, "exam") == ["Flash Attention from Scratch"]
    assert search(cat, "exam").hits[0].matched == ("note",)
    assert titles(cat, "in:notes flash") == []  # flash is not in any note


def test_a_shortened_in_value_must_name_one_field(cat: Catalogue) -> None:
    # "in:au" is the author field; "dao" is in no title, so only the author matches.
    assert titles(cat, "in:au dao") == ["Flash Attention from Scratch"]
    assert titles(cat, "in:t dao") == []
    # "in:a" could be all, article or author: refused, with a hint naming each.
    results = search(cat, "in:a dao")
    assert results.hits == [] and results.total == 0
    assert results.problems == [
        "in:a is ambiguous: in:all, in:article or in:author; type more letters"]
    assert parse_query("in:ar dao").fields == ["article"]
    # While it is still being typed, it is not an error yet.
    assert parse_query("dao in:a", as_you_type=True).problems == []


# ---------------------------------------------------------------------------- paging
def test_paging_and_counts(cat: Catalogue) -> None:
    everything = search(cat, "a OR the OR for OR of OR in", limit=100)
    total = everything.total
    assert total == len(everything.hits) >= 5
    seen = []
    for offset in range(0, total, 2):
        page = search(cat, "a OR the OR for OR of OR in", limit=2, offset=offset)
        assert page.total == total
        seen += [h.item.id for h in page.hits]
    assert seen == [h.item.id for h in everything.hits]


def test_broad_queries_rank_in_two_parts_and_page_completely(cat: Catalogue) -> None:
    query = "kernels OR flash OR foo OR quantization"
    exact = search(cat, query, limit=100, rank_limit=None)
    assert exact.exact
    broad = search(cat, query, limit=100, rank_limit=2)
    assert not broad.exact
    assert broad.total == exact.total
    # Title matches come first, then the rest, and paging covers each result once.
    titled = [h for h in broad.hits if "title" in h.matched]
    assert broad.hits[: len(titled)] == titled
    ids = []
    for offset in range(0, broad.total, 3):
        ids += [h.item.id for h in search(cat, query, limit=3, offset=offset, rank_limit=2).hits]
    assert sorted(ids) == sorted(h.item.id for h in exact.hits)
    assert len(ids) == len(set(ids))


# ---------------------------------------------------------------------------- highlighting
def test_highlight_spans_cover_the_matched_words(cat: Catalogue) -> None:
    hit = search(cat, "flash att", as_you_type=True).hits[0]
    marked = hit.title()
    assert [marked.text[s:e] for s, e in marked.spans] == ["Flash", "Attention"]
    text = marked_text(marked)
    assert text.plain == "Flash Attention from Scratch"
    assert {(span.start, span.end) for span in text.spans} == set(marked.spans)
    assert hit.spans["title"] == ((0, 5), (6, 15))


def test_highlighting_never_interprets_markup(tmp_path: Path) -> None:
    cat = Catalogue.open(tmp_path / "m.db", seed=False)
    cat.import_text(
        "# G\n\n## T\n\n- [[bold]Flash[/bold] \x1b[31mred\x1b[0m](https://e.com/x) - A. B.\n",
        source="t",
    )
    hit = search(cat, "flash").hits[0]
    marked = hit.title()
    assert "\x1b" not in marked.text
    assert "[bold]" in marked_text(marked).plain  # shown literally, never parsed
    assert [marked.text[s:e] for s, e in marked.spans] == ["Flash"]
    cat.close()


def test_snippet_shows_the_note_match(cat: Catalogue) -> None:
    flash = rid(cat, "https://example.com/flash")
    cat.set_note(flash, "word " * 60 + "the okapi trick matters " + "word " * 60)
    hit = search(cat, "okapi trick").hits[0]
    field, snip = hit.snippet(width=60)
    assert field == "note"
    assert snip.text.startswith("…") and snip.text.endswith("…")
    assert [snip.text[s:e] for s, e in snip.spans] == ["okapi", "trick"]


def test_highlight_respects_field_terms() -> None:
    terms = parse_query("author:dao flash").terms
    assert highlight_spans("Dao flash", terms, "title") == [(4, 9)]
    assert highlight_spans("Dao flash", terms, "author") == [(0, 3), (4, 9)]
    assert highlight_spans("x", [Term("y", ("y",))]) == []


# ---------------------------------------------------------------------------- the index follows writes
def test_index_follows_status_notes_and_reimports(cat: Catalogue) -> None:
    flash = rid(cat, "https://example.com/flash")
    cat.set_status(flash, "reading")
    assert titles(cat, "status:reading tiling") == ["Flash Attention from Scratch"]
    cat.set_note(flash, "remember the zebra analogy")
    assert titles(cat, "zebra") == ["Flash Attention from Scratch"]
    cat.set_note(flash, "remember the giraffe analogy")
    assert titles(cat, "zebra") == [] and titles(cat, "giraffe") == ["Flash Attention from Scratch"]
    cat.set_note(flash, "")
    assert titles(cat, "giraffe") == []
    assert index_matches_tables(cat)

    # Re-import: a changed title, a removed item, a moved item.
    changed = (
        GUIDE.replace("Flash Attention from Scratch", "Flash Attention Explained")
        .replace("- [Exotic Number Formats](https://example.com/formats) - Grace. Posits, takums and friends.\n", "")
        .replace("- [Pruning Large Models](https://example.com/prune)", "- [Pruning Large Models](https://example.com/prune-moved)")
    )
    report = cat.import_text(changed, source="test:guide")
    assert report.removed == 2 and report.added == 1
    assert titles(cat, "explained") == ["Flash Attention Explained"]
    assert titles(cat, "scratch") == []
    assert titles(cat, "posits") == []  # removed from the guide: no longer listed
    assert titles(cat, "pruning") == ["Pruning Large Models"]
    assert search(cat, "pruning").hits[0].item.url == "https://example.com/prune-moved"
    assert search(cat, "status:reading explained").total == 1  # status kept
    assert index_matches_tables(cat)

    # Putting the item back brings it back.
    cat.import_text(GUIDE, source="test:guide")
    assert titles(cat, "posits") == ["Exotic Number Formats"]
    assert index_matches_tables(cat)


def test_placement_text_and_tier_changes_reach_the_index(cat: Catalogue) -> None:
    cat.import_text(SECOND_GUIDE.replace(
        "[Modern C++ for GPU Kernels](https://example.com/cpp)",
        "[C++ Kernels, Second Edition](https://example.com/cpp)"), source="s")
    # The resource now carries the newest title; the first guide's title stays searchable.
    assert titles(cat, "edition") == ["C++ Kernels, Second Edition"]
    assert search(cat, "modern").total == 1
    moved = SECOND_GUIDE.replace("#### Tier 2\n\n- [Serving", "#### Tier 3\n\n- [Serving")
    cat.import_text(moved, source="s")
    assert titles(cat, "serving tier:3") == ["Serving Flash Models"]
    assert titles(cat, "serving tier:2") == []
    assert index_matches_tables(cat)


def test_filing_a_link_and_restoring_a_note_reach_the_index(cat: Catalogue) -> None:
    topic = cat.find_topic("2")
    rid_new, _ = cat.place_resource(
        NewResource("https://feed.example/pangolin", "https://feed.example/pangolin",
                    "Pangolin Kernels", "Ivan", "Scales of attention.", "feed"),
        topic.id, 3,
    )
    assert titles(cat, "pangolin tier:3 topic:quantization") == ["Pangolin Kernels"]
    # Placing a known resource a second time adds its place to the facets.
    bw = rid(cat, "https://example.com/bw")
    cat.place_resource(
        NewResource("https://example.com/bw", "https://example.com/bw", "Memory Bandwidth Notes",
                    "Dana", "", "feed"),
        topic.id, 1,
    )
    assert rid_new != bw and titles(cat, "bandwidth topic:quantization tier:1") == [
        "Memory Bandwidth Notes"]
    assert index_matches_tables(cat)
    from tuiguide.core.backup.export import export_data
    from tuiguide.core.backup.restore import merge_export, parse_export

    cat.set_note(bw, "a pangolin note")
    data = export_data(cat)
    cat.set_note(bw, "")
    assert search(cat, "pangolin").total == 1
    data["resources"]["https://example.com/bw"]["note"]["updated_at"] = "2999-01-01T00:00:00Z"
    merge_export(cat, parse_export(data))
    assert sorted(titles(cat, "pangolin")) == ["Memory Bandwidth Notes", "Pangolin Kernels"]
    assert index_matches_tables(cat)


def test_a_failed_write_leaves_the_index_as_it_was(cat: Catalogue) -> None:
    flash = rid(cat, "https://example.com/flash")
    with pytest.raises(RuntimeError), transaction(cat.conn):
        cat.set_note(flash, "okapi")
        cat.set_status(flash, "done")
        assert titles(cat, "okapi status:done") == ["Flash Attention from Scratch"]
        raise RuntimeError("boom")
    assert titles(cat, "okapi") == []
    assert search(cat, "status:done").total == 0
    assert index_matches_tables(cat)


def test_rebuild_repairs_a_damaged_index(cat: Catalogue) -> None:
    conn = cat.conn
    conn.execute("DELETE FROM search_documents_fts WHERE rowid IN "
                 "(SELECT resource_id FROM search_documents LIMIT 3)")
    assert not index_matches_tables(cat)
    rebuild(cat)
    assert index_matches_tables(cat)
    conn.execute("UPDATE search_documents SET title = 'stale' WHERE resource_id = "
                 "(SELECT min(resource_id) FROM search_documents)")
    conn.execute("DELETE FROM placement_counts")
    assert not index_matches_tables(cat)
    rebuild(cat)
    assert index_matches_tables(cat)
    assert titles(cat, "stale") == []
    assert titles(cat, "c++") == ["Modern C++ for GPU Kernels"]
    assert cat.count_items(tier=1) == 4


def test_a_schema_2_catalogue_upgrades_to_a_searchable_one(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    cat = Catalogue.open(path)  # the bundled guide
    cat.set_note(1, "an otter note")
    conn = cat.conn
    # Turn it back into a schema-2 file: drop everything migrations 3 and later created.
    for name in ("search_documents_fts", "feed_entries_fts", "search_documents",
                 "placement_counts", "resource_counts", "review_cards", "reviews", "tags",
                 "articles_fts", "articles", "link_checks"):  # m0006, m0007
        conn.execute(f"DROP TABLE {name}")
    for name in ("guides_order", "placements_topic_order"):
        conn.execute(f"DROP INDEX {name}")
    for (name,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'").fetchall():
        conn.execute(f"DROP TRIGGER {name}")
    conn.execute("DELETE FROM sqlite_stat1")
    conn.execute("DELETE FROM schema_migrations WHERE number >= 3")
    conn.execute("PRAGMA user_version = 2")
    cat.close()
    again = Catalogue.open(path)
    assert any("schema 2" in n for n in again.notices)
    assert titles(again, "otter") == [again.item(1).title]
    assert search(again, "kv cache").total >= 5
    assert index_matches_tables(again)
    again.close()


# ---------------------------------------------------------------------------- feed entries
def _add_entries(cat: Catalogue) -> None:
    conn = cat.conn
    with transaction(conn):
        feed = conn.execute(
            "INSERT INTO feeds (url, link, title, created_at, updated_at) "
            "VALUES ('http://127.0.0.1/f.xml', 'http://127.0.0.1/f.xml', 'Test Feed', 'x', 'x')"
        ).lastrowid
        for n, (title, state) in enumerate([
            ("Speculative decoding in practice", "new"),
            ("Speculative sampling, dismissed", "dismissed"),
            ("Kernel fusion notes", "new"),
        ]):
            conn.execute(
                "INSERT INTO feed_entries (feed_id, identity, url, link, title, summary, sort_at, "
                "state, fetched_at) VALUES (?, ?, ?, ?, ?, 'A summary about drafts.', ?, ?, 'x')",
                (feed, f"id{n}", f"https://feed.example/{n}", f"https://feed.example/{n}", title,
                 f"2025-01-0{n + 1}T00:00:00Z", state),
            )


def test_inbox_entries_are_searchable(cat: Catalogue) -> None:
    _add_entries(cat)
    results = search(cat, "in:inbox speculative")
    assert results.mode == "inbox"
    assert [e.entry.title for e in results.entries] == ["Speculative decoding in practice"]
    assert {e.entry.title for e in search(cat, "in:feeds speculative").entries} == {
        "Speculative decoding in practice", "Speculative sampling, dismissed"}
    assert search(cat, "in:inbox").total == 2  # no words: the Inbox, newest first
    assert search(cat, "in:inbox drafts").total == 2  # summary text
    assert search(cat, "speculative").total == 0  # entries are not guide items
    with transaction(cat.conn):
        cat.conn.execute("UPDATE feed_entries SET title = 'Renamed wombat' WHERE identity = 'id2'")
    assert [e.entry.title for e in search(cat, "in:inbox wombat").entries] == ["Renamed wombat"]
    marked = search(cat, "in:inbox wombat").entries[0].title()
    assert [marked.text[s:e] for s, e in marked.spans] == ["wombat"]


def test_entries_written_in_bulk_are_indexed(cat: Catalogue) -> None:
    """Feed entries are indexed by triggers on their table, so a store writing them with
    sqlite-utils' bulk inserts and upserts needs no call to have them found."""
    _add_entries(cat)
    feed = cat.conn.execute("SELECT id FROM feeds").fetchone()[0]
    with transaction(cat.conn):
        cat.db["feed_entries"].insert_all([
            {"feed_id": feed, "identity": "bulk", "title": "Capybara batching", "summary": "",
             "sort_at": "x", "fetched_at": "x"},
        ])
        first = cat.conn.execute("SELECT * FROM feed_entries WHERE identity = 'id0'").fetchone()
        names = [d[0] for d in cat.conn.execute("SELECT * FROM feed_entries").description]
        cat.db["feed_entries"].upsert_all([{**dict(zip(names, first, strict=True)), "summary": "quokka"}],
                                          pk="id")
    assert search(cat, "in:feeds capybara").total == 1
    assert search(cat, "in:feeds quokka").total == 1
    assert search(cat, "in:feeds drafts").total == 2  # the old summary is gone from the index
    assert search(cat, "in:feeds speculative decoding").total == 1
    assert index_matches_tables(cat)


# ---------------------------------------------------------------------------- CLI
def test_cli_search_json_and_table(tmp_path: Path) -> None:
    db = tmp_path / "cli.db"
    runner = CliRunner()

    def run(*args: str):
        return runner.invoke(main, ["--db", str(db), *args])

    run("topics")  # seeds the bundled guide
    result = run("search", "kv", "cache", "tier:1", "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert set(data) == {"query", "mode", "exact", "total", "offset", "limit", "problems", "results"}
    assert data["query"] == "kv cache tier:1" and data["mode"] == "ranked"
    assert data["total"] == len(data["results"]) >= 1
    first = data["results"][0]
    assert {"id", "title", "url", "author", "description", "guide", "topic", "topic_number",
            "tier", "status", "note", "score", "matched", "highlights"} <= set(first)
    assert all(r["tier"] == 1 for r in data["results"])
    s, e = first["highlights"]["title"][0]
    assert first["title"][s:e].lower() in ("kv", "cache")

    table = run("search", "c++", "--limit", "1")
    assert table.exit_code == 0
    assert "ID" in table.output and "C/CUDA" in table.output
    assert "1-1 of 2 results" in table.output  # the rest is announced (on stderr)

    bad = run("search", "status:zz")
    assert bad.exit_code == 2 and "not a status" in bad.output
    assert run("search", "").exit_code == 2
    for hostile in ('"x', "foo-bar", "AND", "(", "*"):
        assert run("search", hostile, "--json").exit_code == 0


def test_cli_search_filters_only_lists_in_guide_order(tmp_path: Path) -> None:
    db = tmp_path / "cli.db"
    runner = CliRunner()
    listed = runner.invoke(main, ["--db", str(db), "list", "--tier", "3", "--json"])
    searched = runner.invoke(main, ["--db", str(db), "search", "tier:3", "--json", "--limit", "1000"])
    assert [i["id"] for i in json.loads(listed.stdout)] == [
        r["id"] for r in json.loads(searched.stdout)["results"]]


def test_raw_input_would_raise_but_parsed_input_does_not(cat: Catalogue) -> None:
    parsed = parse_query('"a" OR (b c++')
    assert "search failed" not in " ".join(search(cat, parsed).problems)
    with pytest.raises(sqlite3.OperationalError):
        cat.conn.execute("SELECT * FROM search_documents_fts WHERE search_documents_fts MATCH ?",
                         ("c++",)).fetchall()


def test_help_names_every_filter_and_each_form_it_shows_parses_cleanly() -> None:
    from tuiguide.core.search.query import FILTER_KEYS, SYNTAX_HELP

    forms = " ".join(form for form, _ in SYNTAX_HELP)
    assert all(f"{key}:" in forms for key in FILTER_KEYS)
    for form, _ in SYNTAX_HELP:
        parsed = parse_query(form.replace("NAME", "x"))
        assert not parsed.problems and not parsed.invalid, form
