"""Suggest where a new link belongs, learning only from the catalogue itself.

No network and no model download: the resources already placed in a guide are the
training set. Each one becomes a sparse TF-IDF vector over several kinds of evidence:

* words and word pairs of its title and description;
* optionally character 4-grams of its title (``Config.chars``; off by default: they did not
  help on resources held out of the tuning, and made building slower);
* the author or publisher, the web host and, for code hosts, the owner (``github.com/vllm``);
* words from the URL path.

A new link's topics are ranked by a blend of cosine similarity to each topic's centroid
(weights favour terms found in few topics) and a k-nearest-neighbour vote. The tier comes
from the topic's own tier mix and the link's likeness to the guide's resources of each tier
(the model: :mod:`tuiguide.core.feeds.topic_model`).
:func:`evaluate` measures it by leave-one-out over a guide, next to a plain TF-IDF
nearest-centroid baseline.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from tuiguide.core.feeds import store
from tuiguide.core.feeds.topic_model import (
    BASELINE,
    Config,
    Doc,
    Model,
    Suggestion,
    features,
    tf_weights,
)

if TYPE_CHECKING:
    from tuiguide.core.store.catalogue import Catalogue


# --------------------------------------------------------------------------- catalogue glue
def guide_docs(cat: Catalogue, guide_id: int | None = None) -> list[Doc]:
    """Every placed resource (one Doc per resource, with all the topics it sits in)."""
    docs: dict[int, Doc] = {}
    for rid, title, author, description, link, topic_id, tier in store.placed_resources(
        cat, guide_id
    ):
        if rid in docs:
            d = docs[rid]
            if topic_id not in d.topics:
                docs[rid] = replace(d, topics=(*d.topics, topic_id), tiers=(*d.tiers, tier))
            continue
        docs[rid] = Doc(title, description or "", author, link, (topic_id,), tier, rid, (tier,))
    return list(docs.values())


def topic_titles(cat: Catalogue, guide_id: int | None = None) -> dict[int, str]:
    """Top-level topics (placements name these; sections hang under them) and their labels."""
    return {t.id: t.label for t in cat.topics(guide_id) if t.parent_id is None}


def training_stamp(cat: Catalogue) -> tuple[int, int, int]:
    """(live topics, highest topic id, live placements): a :class:`Suggester` built when
    these were the same still suggests the same, so a caller may keep it."""
    return store.training_stamp(cat)


MAX_PER_TOPIC = 300
MAX_DOCS = 6000
"""Resources a topic contributes to the suggester at most: ``MAX_PER_TOPIC``, fewer when
many topics would pass ``MAX_DOCS`` in all (never under 60). A topic's centroid settles
long before that (the bundled guide's largest topic has 76), while learning from every
resource of a very large catalogue would make building it, and each suggestion, slow."""


def sample_per_topic(docs: Sequence[Doc], limit: int | None = None) -> list[Doc]:
    """At most ``limit`` docs per (first) topic, spread evenly over the topic's reading order."""
    by_topic: dict[int, list[int]] = defaultdict(list)
    for i, doc in enumerate(docs):
        by_topic[doc.topics[0] if doc.topics else -1].append(i)
    if limit is None:
        limit = min(MAX_PER_TOPIC, max(60, MAX_DOCS // max(1, len(by_topic))))
    keep: set[int] = set()
    for members in by_topic.values():
        if len(members) <= limit:
            keep.update(members)
        else:
            step = len(members) / limit
            keep.update(members[int(k * step)] for k in range(limit))
    return [doc for i, doc in enumerate(docs) if i in keep]


class Suggester:
    """Suggestions for filing a link into one guide's topics, learnt when it is built; it
    keeps no handle on the catalogue, so one built in a worker thread serves any thread."""

    def __init__(self, cat: Catalogue, guide_id: int | None = None,
                 cfg: Config | None = None):
        self.labels = topic_titles(cat, guide_id)
        self.docs = sample_per_topic(guide_docs(cat, guide_id))
        titles = {t: label.split(". ", 1)[-1] for t, label in self.labels.items()}
        self.model = Model.train(self.docs, cfg, topic_titles=titles)

    def _doc(self, title: str, description: str, author: str | None, url: str) -> Doc:
        return Doc(title or "", description or "", author, url or "")

    def suggest(self, title: str, description: str = "", author: str | None = None,
                url: str = "", n: int = 3) -> list[Suggestion]:
        """The ``n`` likeliest topics, best first, each with a suggested tier."""
        if not self.docs:
            return []
        found = self.model.suggest(self._doc(title, description, author, url), n=len(self.labels))
        out = [replace(s, label=self.labels[s.topic_id]) for s in found if s.topic_id in self.labels]
        return out[:n]

    def tier_for(self, title: str, description: str, author: str | None, url: str,
                 topic_id: int) -> int | None:
        """The suggested tier if the link goes into ``topic_id``."""
        doc = self._doc(title, description, author, url)
        return self.model.tier_for(self.model.vector(features(doc, self.model.cfg)), topic_id)


# --------------------------------------------------------------------------- measuring
@dataclass(frozen=True)
class Score:
    method: str
    top1: float
    top3: float
    n: int
    tier: float = 0.0  # share given the right tier when filed into one of its own topics

    def as_row(self) -> tuple[str, str, str]:
        return self.method, f"{100 * self.top1:.1f}%", f"{100 * self.top3:.1f}%"


def leave_one_out(docs: Sequence[Doc], cfg: Config, method: str,
                  titles: dict[int, str] | None = None, every: int = 1) -> Score:
    """Train on all but one resource, rank topics for it, repeat for each resource.

    A hit is a predicted topic the resource actually sits in. ``every`` > 1 holds out only
    every n-th resource (a faster estimate for tests); training always uses all the others.
    """
    raw = [features(d, cfg) for d in docs]
    tfs = [tf_weights(f, cfg.sublinear) for f in raw]
    hits1 = hits3 = tier_hits = tried = 0
    for i, doc in enumerate(docs):
        if i % every:
            continue
        model = Model.train([*docs[:i], *docs[i + 1 :]], cfg, [*tfs[:i], *tfs[i + 1 :]],
                            topic_titles=titles)
        ranked = sorted(model.scores(doc, raw[i]).items(), key=lambda kv: kv[1], reverse=True)
        top = [t for t, _ in ranked[:3]]
        tried += 1
        hits1 += bool(top) and top[0] in doc.topics
        hits3 += any(t in doc.topics for t in top)
        topic = doc.topics[0]
        tier_hits += model.tier_for(model.vector(raw[i]), topic) == doc.tier_in(topic)
    n = tried or 1
    return Score(method, hits1 / n, hits3 / n, tried, tier_hits / n)


BASELINE_NAME = "tf-idf nearest centroid (baseline)"
SUGGESTER_NAME = "tuiguide suggester"


def evaluate(docs: Iterable[Doc], titles: dict[int, str] | None = None,
             configs: dict[str, Config] | None = None, every: int = 1) -> list[Score]:
    """Leave-one-out top-1/top-3 topic accuracy: the baseline first, then the suggester."""
    docs = [d for d in docs if d.topics]
    configs = configs or {BASELINE_NAME: BASELINE, SUGGESTER_NAME: Config()}
    return [leave_one_out(docs, cfg, name, titles, every) for name, cfg in configs.items()]


def evaluate_catalogue(cat: Catalogue, guide_id: int | None = None,
                       configs: dict[str, Config] | None = None, every: int = 1) -> list[Score]:
    titles = {t: label.split(". ", 1)[-1] for t, label in topic_titles(cat, guide_id).items()}
    return evaluate(guide_docs(cat, guide_id), titles, configs, every)


def evaluate_bundled(configs: dict[str, Config] | None = None, every: int = 1) -> list[Score]:
    """Measure on the bundled guide, in a throwaway in-memory catalogue."""
    from tuiguide.core.store.catalogue import Catalogue

    cat = Catalogue.open(":memory:")
    try:
        return evaluate_catalogue(cat, configs=configs, every=every)
    finally:
        cat.close()
