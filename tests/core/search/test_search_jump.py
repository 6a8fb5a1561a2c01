"""The command palette's "jump anywhere": topics by fuzzy name, resources by title words."""

from __future__ import annotations

import pytest

from tuiguide.core.search.jump import fuzzy_spans, jump_targets
from tuiguide.core.store.catalogue import Catalogue


def test_fuzzy_spans_prefer_word_starts_and_runs() -> None:
    score, spans = fuzzy_spans("quant", "4. Quantization & Model Compression")
    assert spans == [(3, 8)]
    assert fuzzy_spans("specdec", "Speculative Decoding")[1] == [(0, 4), (12, 15)]
    # Letters scattered through words are not a match.
    assert fuzzy_spans("cuda", "1. LLM Inference Fundamentals") is None
    assert fuzzy_spans("xyz", "Quantization") is None
    assert fuzzy_spans("", "anything") is None
    better, _ = fuzzy_spans("cuda", "5. CUDA & GPU Kernel Programming")
    worse = fuzzy_spans("cuda", "Cache using data access")
    assert worse is None or worse[0] < better


def test_jump_finds_topics_then_resources(catalogue: Catalogue) -> None:
    found = jump_targets(catalogue, "quant")
    assert found[0].kind == "topic"
    assert found[0].label.text == "4. Quantization & Model Compression"
    assert [found[0].label.text[s:e] for s, e in found[0].label.spans] == ["Quant"]
    resources = [t for t in found if t.kind == "resource"]
    assert resources and all("quant" in t.label.text.lower() for t in resources)
    for target in resources:
        item = catalogue.item(target.id, target.placement_id)
        assert item is not None and item.placement_id == target.placement_id
        assert [target.label.text[s:e].lower()[:5] for s, e in target.label.spans][0] == "quant"


def test_jump_matches_every_word_of_a_title(catalogue: Catalogue) -> None:
    found = [t for t in jump_targets(catalogue, "kv cach") if t.kind == "resource"]
    assert found
    for target in found:
        words = target.label.text.lower()
        assert "kv" in words and "cach" in words


@pytest.mark.parametrize("text", ["", "   ", '"', "(", "*", "c++", "AND", "\x1b[31m", "日本"])
def test_jump_never_raises(catalogue: Catalogue, text: str) -> None:
    for target in jump_targets(catalogue, text):
        assert "\x1b" not in target.label.text


def test_jump_offers_guides(tmp_path) -> None:
    cat = Catalogue.open(tmp_path / "g.db")
    found = jump_targets(cat, "learning guide")
    assert found[0].kind == "guide"
    assert found[0].label.text == "Learning Guide: AI Inference Engineering"
    cat.close()
