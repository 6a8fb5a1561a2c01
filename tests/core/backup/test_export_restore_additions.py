"""Reviews, the daily goal, own links and tags survive export and restore: merged, newest
change wins, a second run changes nothing."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from study_support import Clock, rid, small_catalogue
from tuiguide.core.backup.export import json_export, markdown_journal
from tuiguide.core.backup.restore import restore_file
from tuiguide.core.errors import UserError
from tuiguide.core.library import links
from tuiguide.core.library import store as library
from tuiguide.core.review import store as review
from tuiguide.core.store.catalogue import Catalogue


def machine_a(tmp_path: Path, clock: Clock) -> Catalogue:
    cat = small_catalogue(tmp_path, "a.db", clock)
    a1, b1 = rid(cat, "A1"), rid(cat, "B1")
    cat.set_status(a1, "done")
    clock.stamp = "2025-03-03T10:00:00Z"
    review.record_review(cat, a1, 1)
    library.change_tags(cat, a1, add=["go", "perf"])
    library.change_tags(cat, b1, add=["later"])
    library.change_tags(cat, b1, remove=["later"])
    links.add_link(cat, "https://mine.example/post", title="My post", description="mine",
                   topic_id=cat.find_topic("2").id, tier=3)
    review.set_goal(cat, 4)
    return cat


def state(cat: Catalogue) -> dict[str, object]:
    a1 = rid(cat, "A1")
    mine = library.resource_by_url(cat, "https://mine.example/post")
    item = cat.require_item(mine) if mine else None
    return {
        "card": review.card(cat, a1),
        "log": [r[1:] for r in review.all_reviews(cat)],
        "tags": library.tag_counts(cat),
        "tag_rows": [r[1:] for r in library.all_tags(cat)],
        "mine": (item.title, item.origin, item.topic, item.tier) if item else None,
        "goal": review.goal(cat),
    }


def test_round_trip_of_every_new_field(tmp_path: Path) -> None:
    clock = Clock("2025-03-01T10:00:00Z")
    a = machine_a(tmp_path, clock)
    path = tmp_path / "backup.json"
    path.write_text(json_export(a), encoding="utf-8")
    data = json.loads(path.read_text(encoding="utf-8"))
    assert {"own_links", "tags", "reviews", "goal"} <= set(data)
    b = small_catalogue(tmp_path, "b.db", Clock("2025-03-04T10:00:00Z"))
    report = restore_file(b, path)
    assert report.additions.links == 1 and report.additions.cards == 1
    assert report.additions.reviews == 1 and report.additions.goal
    assert state(b) == state(a)
    card = review.card(b, rid(b, "A1"))
    assert card is not None and card.lapses == 1
    assert [t for t in b.require_item(rid(b, "A1")).tags] == ["go", "perf"]
    again = restore_file(b, path)
    assert not again.changed, again.summary
    assert state(b) == state(a)
    journal = markdown_journal(b)
    assert "tags: go, perf · next review" in journal
    assert "[My post](https://mine.example/post)" in journal


def test_newest_change_wins(tmp_path: Path) -> None:
    clock = Clock("2025-03-01T10:00:00Z")
    a = machine_a(tmp_path, clock)
    path = tmp_path / "backup.json"
    path.write_text(json_export(a), encoding="utf-8")
    later = Clock("2025-04-01T10:00:00Z")
    b = small_catalogue(tmp_path, "b.db", later)
    restore_file(b, path)
    # On b, later: a tag removed, the goal changed, A1 reviewed again.
    library.change_tags(b, rid(b, "A1"), remove=["perf"])
    review.set_goal(b, 7)
    newer = review.record_review(b, rid(b, "A1"), 4)
    restore_file(b, path)  # a's older state does not undo b's newer changes
    assert b.require_item(rid(b, "A1")).tags == ("go",)
    assert review.goal(b) == 7
    assert review.card(b, rid(b, "A1")) == newer
    # And b's newer state wins on a.
    back = tmp_path / "b.json"
    back.write_text(json_export(b), encoding="utf-8")
    restore_file(a, back)
    assert a.require_item(rid(a, "A1")).tags == ("go",)
    assert review.goal(a) == 7
    assert review.card(a, rid(a, "A1")) == newer
    assert len(review.all_reviews(a)) == 2


def test_a_malformed_section_is_refused_whole(tmp_path: Path) -> None:
    clock = Clock("2025-03-01T10:00:00Z")
    a = machine_a(tmp_path, clock)
    data = json.loads(json_export(a))
    data["reviews"]["log"][0]["rating"] = 9
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    b = small_catalogue(tmp_path, "b.db", Clock("2025-03-04T10:00:00Z"))
    with pytest.raises(UserError, match=r"bad.json: review 1: rating must be 1, 2, 3 or 4"):
        restore_file(b, path)
    assert library.tag_counts(b) == [] and review.all_reviews(b) == []
