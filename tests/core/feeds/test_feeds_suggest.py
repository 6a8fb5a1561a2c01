"""The topic suggester: sensible suggestions from the catalogue alone, and measured."""

from __future__ import annotations

from pathlib import Path

import pytest

from tuiguide.core.feeds.suggest import (
    BASELINE_NAME,
    SUGGESTER_NAME,
    Suggester,
    evaluate,
    evaluate_bundled,
    sample_per_topic,
)
from tuiguide.core.feeds.topic_model import Doc, Model, tokens
from tuiguide.core.store.catalogue import Catalogue


@pytest.fixture(scope="module")
def suggester(tmp_path_factory: pytest.TempPathFactory):
    path = Path(tmp_path_factory.mktemp("suggest")) / "c.db"
    with Catalogue.open(path) as cat:
        yield Suggester(cat)


@pytest.mark.parametrize(
    ("title", "summary", "author", "url", "expected"),
    [
        ("Deploying DeepSeek with PD Disaggregation and Large-scale Expert Parallelism", "",
         "The SGLang Team", "https://lmsys.org/blog/2025-05-05-large-scale-ep/",
         "2. Inference Engines & Serving Systems"),
        ("FP8 and INT4 weight-only quantization with AWQ and GPTQ",
         "Post-training quantization of LLM weights, accuracy versus memory savings.", None,
         "https://example.com/quant", "4. Quantization & Model Compression"),
        ("Writing fast CUDA kernels: shared memory tiling and warp shuffles",
         "A walkthrough of GEMM kernel optimisation on Hopper GPUs.", None,
         "https://example.com/cuda", "5. CUDA & GPU Kernel Programming"),
        ("Mamba-3: selective state space models revisited",
         "A linear-time alternative architecture to attention.", None,
         "https://arxiv.org/abs/2600.00001", "10. State-Space Models & Alternative Architectures"),
    ],
)
def test_suggestions_on_the_bundled_guide(suggester, title, summary, author, url, expected):
    found = suggester.suggest(title, summary, author, url)
    assert len(found) == 3
    assert expected in [s.label for s in found]
    assert [s.score for s in found] == sorted((s.score for s in found), reverse=True)
    assert all(s.tier in (1, 2, 3, None) for s in found)


def test_best_topic_for_an_obvious_quantization_post(suggester):
    best = suggester.suggest("A survey of LLM quantization formats: NVFP4, MXFP8, INT4 AWQ")[0]
    assert best.label == "4. Quantization & Model Compression"
    assert best.tier == 2


def test_tier_follows_the_closest_resources(suggester):
    # The guide's tier-1 fundamentals are explainers like this one.
    tier = suggester.tier_for("Transformer inference arithmetic explained",
                              "Compute and memory costs of transformer inference.", "kipply",
                              "https://kipp.ly/x", next(iter(suggester.labels)))
    assert tier == 1


def test_empty_catalogue_suggests_nothing(tmp_path):
    with Catalogue.open(tmp_path / "e.db", seed=False) as cat:
        assert Suggester(cat).suggest("anything") == []


def test_tokens_split_camel_case_and_drop_stopwords():
    assert tokens("FlashAttention for the KV-cache of kernels") == [
        "flash", "attention", "kv", "cache", "kernel",
    ]


def test_learns_from_hosts_and_authors_not_only_words():
    docs = [
        Doc("Alpha", url="https://alpha.example/a", author="Ann", topics=(1,), tier=1),
        Doc("Beta", url="https://alpha.example/b", author="Ann", topics=(1,), tier=2),
        Doc("Gamma", url="https://beta.example/c", author="Bob", topics=(2,), tier=1),
        Doc("Delta", url="https://beta.example/d", author="Bob", topics=(2,), tier=1),
    ]
    model = Model.train(docs)
    assert model.suggest(Doc("Unrelated words", url="https://beta.example/new"))[0].topic_id == 2
    assert model.suggest(Doc("Unrelated words", author="Ann"))[0].topic_id == 1


def test_words_of_the_url_path_count_when_the_title_says_nothing():
    docs = [
        Doc("Alpha", url="https://one.example/posts/quantization-awq", topics=(1,), tier=1),
        Doc("Beta", url="https://two.example/quantization/gptq", topics=(1,), tier=1),
        Doc("Gamma", url="https://three.example/cuda-kernels/gemm", topics=(2,), tier=1),
        Doc("Delta", url="https://four.example/kernels/cuda-tiling", topics=(2,), tier=1),
    ]
    model = Model.train(docs)
    new_host = "https://elsewhere.example"
    assert model.suggest(Doc("Notes", url=f"{new_host}/quantization-notes"))[0].topic_id == 1
    assert model.suggest(Doc("Notes", url=f"{new_host}/cuda-notes"))[0].topic_id == 2


def test_evaluate_counts_hits():
    docs = [Doc(f"kernel cuda gpu {i}", topics=(1,)) for i in range(4)] + [
        Doc(f"quantization int4 fp8 {i}", topics=(2,)) for i in range(4)
    ]
    for score in evaluate(docs):
        assert score.top1 == 1.0 and score.top3 == 1.0 and score.n == 8


def test_suggester_beats_the_tfidf_centroid_baseline():
    """Leave-one-out on the bundled guide (every 3rd resource held out, to keep this fast;
    ``python bench/suggester.py`` runs all 333: 65.2 % / 87.1 % against 59.2 % / 82.0 %)."""
    scores = {s.method: s for s in evaluate_bundled(every=3)}
    base, ours = scores[BASELINE_NAME], scores[SUGGESTER_NAME]
    assert base.n == ours.n == 111
    assert 0.5 < base.top1 < 0.65  # the baseline is a real one (about 58 % / 81 %)
    assert ours.top1 >= base.top1 + 0.05
    assert ours.top3 >= base.top3 + 0.05


def test_large_topics_are_sampled_evenly_and_small_ones_whole(suggester) -> None:
    docs = [Doc(f"big {i}", "", None, f"https://b.example/{i}", (1,), 1 + i % 3, i)
            for i in range(3000)]
    docs += [Doc(f"small {i}", "", None, f"https://s.example/{i}", (2,), 1, 5000 + i)
             for i in range(40)]
    kept = sample_per_topic(docs)
    big = [d.key for d in kept if d.topics == (1,)]
    assert len(big) == 300 and big[0] == 0 and big[-1] >= 2990  # spread over the whole topic
    assert sorted(big) == big  # reading order kept
    assert sum(d.topics == (2,) for d in kept) == 40
    # Many topics share a budget, yet each keeps at least 60.
    many = [Doc(f"t{t} {i}", "", None, f"https://m.example/{t}/{i}", (t,), 1, t * 1000 + i)
            for t in range(200) for i in range(100)]
    per_topic = {t: 0 for t in range(200)}
    for d in sample_per_topic(many):
        per_topic[d.topics[0]] += 1
    assert set(per_topic.values()) == {60}
    # The bundled guide is far below the cap: it learns from every resource.
    assert len(suggester.docs) == 333


def test_eagle3_goes_with_speculative_decoding_not_guided_decoding(suggester):
    """Topic 6 shares only the word "decoding": the speculative-decoding resources of topic 2
    and the post's distinctive words decide, and topic 6 offers no Tier 3 (it has none)."""
    found = suggester.suggest("Speculative decoding with EAGLE-3 in vLLM")
    assert found[0].label == "2. Inference Engines & Serving Systems"
    assert found[0].tier == 2
    assert all(s.tier != 3 for s in found if s.label.startswith("6. "))


def test_a_topic_without_tier_3_is_not_offered_tier_3(suggester):
    topic6 = next(t for t, label in suggester.labels.items() if label.startswith("6. "))
    assert 3 not in suggester.model.tiers[topic6]  # per placement: tier 1 and 2 only
    for title, summary in [
        ("Outlines 1.0: structured generation for any model", "Regex and JSON schema output."),
        ("Deep dive: a grammar engine's token mask kernels", "Internals of constrained decoding."),
        ("Tool calling with open models", ""),
    ]:
        assert suggester.tier_for(title, summary, None, "", topic6) in (1, 2)


def test_a_resource_in_two_topics_keeps_each_placements_tier():
    docs = [Doc("shared kernel post", topics=(1, 2), tier=3, tiers=(3, 1)),
            Doc("kernel intro", topics=(2,), tier=1, tiers=(1,)),
            Doc("kernel deep dive", topics=(1,), tier=3, tiers=(3,))]
    model = Model.train(docs)
    assert model.tiers[2] == {1: 2} and model.tiers[1] == {3: 2}
    vec = model.vector({"w:kernel": 1.0})
    assert model.tier_for(vec, 2) == 1 and model.tier_for(vec, 1) == 3
