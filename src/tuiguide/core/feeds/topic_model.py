"""The topic model behind the suggester: sparse TF-IDF vectors over several kinds of evidence
about a link, scored against each topic's centroid and its nearest placed neighbours.

A term's weight is its IDF over resources times a softened IDF over topics, so a word found
in one topic (``speculative``) outweighs one spread over many (``decoding``); each centroid
has the other topics' mean partly taken off (Rocchio); the nearest resources' vote keeps a
tiny topic whose title shares a word from outranking the topic where the neighbours sit.
The tier comes from the topic's own tier mix, the closest resources of that topic and how
the link reads against each tier across the guide (:meth:`Model.tier_for`).

Pure computation over :class:`Doc` records (no catalogue, no network): :mod:`suggest` feeds
it what is placed in the guide, and measures it.
"""

from __future__ import annotations

import math
import re
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from urllib.parse import unquote, urlsplit

_WORD = re.compile(r"[a-z0-9]+(?:[+#]+|(?:\.[0-9]+)+)?")
_PLAIN = re.compile(r"\w+")
_CAMEL = re.compile(r"(?<=[a-z])(?=[A-Z])")
STOPWORDS = frozenset(
    str.split(
        """a an and are as at be by for from how in into is it its of on or that the this to
    using use via vs what when why with your you we our can new more all their over than
    through about which based guide blog post posts part introduction intro between
    www com org io html htm md blob main tree master index https http pdf abs"""
    )
)
CODE_HOSTS = frozenset({"github.com", "gitlab.com", "huggingface.co", "medium.com", "x.com",
                        "twitter.com", "linkedin.com", "substack.com"})


@dataclass(frozen=True)
class Doc:
    """What we know about a link: the text a feed entry or a guide line gives us."""

    title: str
    description: str = ""
    author: str | None = None
    url: str = ""
    topics: tuple[int, ...] = ()
    tier: int | None = None
    key: int | None = None
    tiers: tuple[int | None, ...] = ()  # the tier in each of ``topics`` (else ``tier`` in all)

    def tier_in(self, topic: int) -> int | None:
        """Its tier where it sits in ``topic`` (a resource in two topics may differ)."""
        if topic in self.topics and len(self.tiers) == len(self.topics):
            return self.tiers[self.topics.index(topic)]
        return self.tier


@dataclass(frozen=True)
class Config:
    """Feature weights and the blend; the defaults are what :func:`evaluate` measured best."""

    words: float = 1.0
    title_boost: float = 0.75
    bigrams: float = 0.6
    chars: float = 0.0  # title 4-grams: off, no held-out gain and much slower to build
    author: float = 1.0
    host: float = 0.5
    owner: float = 0.8
    path: float = 0.6
    topic_titles: float = 0.1  # each topic's own title, mixed into its centroid
    shrink: float = 1.0  # topics with few resources score lower: n / (n + shrink)
    centroid: float = 0.85  # share of the centroid score in the blend (rest: kNN vote)
    k: int = 4
    knn_power: float = 1.0
    stem: bool = True
    sublinear: bool = True
    plain: bool = False  # the baseline's tokens: every \w+ run, no stopwords or stemming
    icf: float = 0.5  # IDF times (topic-level IDF) ** icf: words of one topic weigh more
    rocchio: float = 0.5  # a topic's centroid minus this share of the other topics' mean
    tier_alpha: float = 0.5  # pseudo-resources of the guide's tier mix added to a topic's
    tier_local: float = 3.0  # weight of the topic's closest resources' tiers
    tier_words: float = 4.0  # weight of the similarity to each tier across the guide


BASELINE = Config(
    words=1.0, title_boost=1.0, bigrams=0.0, chars=0.0, author=0.0, host=0.0, owner=0.0,
    path=0.0, topic_titles=0.0, shrink=0.0, centroid=1.0, stem=False, sublinear=False,
    plain=True, icf=0.0, rocchio=0.0,
)


@dataclass(frozen=True)
class Suggestion:
    topic_id: int
    score: float
    tier: int | None
    label: str = ""


# --------------------------------------------------------------------------- features
def _stem(word: str) -> str:
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


def tokens(text: str, *, stem: bool = True) -> list[str]:
    """Lower-case words of ``text`` without stopwords (``FlashAttention`` -> flash attention)."""
    text = _CAMEL.sub(" ", text or "")
    out = []
    for w in _WORD.findall(text.lower()):
        if w in STOPWORDS or (len(w) < 2 and not w.isdigit()):
            continue
        out.append(_stem(w) if stem else w)
    return out


def _host(url: str) -> tuple[str, str, list[str]]:
    """(host without www., code-host owner or '', words of the path)."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return "", "", []
    host = (parts.hostname or "").lower()
    if host.startswith("www."):
        host = host[4:]
    segments = [unquote(s) for s in parts.path.split("/") if s]
    owner = ""
    if host in CODE_HOSTS and segments:
        owner = f"{host}/{segments[0].lower().lstrip('@')}"
    elif host.endswith(".substack.com") or host.endswith(".github.io"):
        owner = host
    path_words = tokens(" ".join(re.split(r"[-_./]", " ".join(segments[:4]))))
    return host, owner, path_words


def features(doc: Doc, cfg: Config) -> dict[str, float]:
    """Raw weighted counts of every feature of ``doc`` (before IDF)."""
    out: defaultdict[str, float] = defaultdict(float)
    if cfg.plain:
        for w in _PLAIN.findall(f"{doc.title} {doc.description}".lower()):
            out["w:" + w] += 1
        return out
    title = tokens(doc.title, stem=cfg.stem)
    desc = tokens(doc.description, stem=cfg.stem)
    if cfg.words:
        for w in title:
            out["w:" + w] += cfg.words * cfg.title_boost
        for w in desc:
            out["w:" + w] += cfg.words
    if cfg.bigrams:
        for seq, boost in ((title, cfg.title_boost), (desc, 1.0)):
            for a, b in zip(seq, seq[1:], strict=False):
                out[f"b:{a}_{b}"] += cfg.bigrams * boost
    if cfg.chars:
        squashed = " ".join(tokens(doc.title, stem=False))
        padded = f" {squashed} "
        for i in range(len(padded) - 3):
            gram = padded[i : i + 4]
            if gram.strip():
                out["c:" + gram] += cfg.chars
    if cfg.author and doc.author:
        name = " ".join(doc.author.lower().split())
        out["a:" + name] += cfg.author
        for part in re.split(r"\s*(?:,|&|\band\b)\s*", name):
            if part and part != name:
                out["a:" + part] += cfg.author
    if cfg.host or cfg.owner or cfg.path:
        host, owner, path_words = _host(doc.url)
        if host and cfg.host:
            out["h:" + host] += cfg.host
        if owner and cfg.owner:
            out["o:" + owner] += cfg.owner
        if cfg.path:
            for w in path_words:
                out["p:" + w] += cfg.path
    return out


def _normalise(vec: dict[str, float]) -> dict[str, float]:
    norm = math.hypot(*vec.values())
    if not norm:
        return {}
    scale = 1.0 / norm
    return {k: v * scale for k, v in vec.items()}


def tf_weights(feats: dict[str, float], sublinear: bool) -> dict[str, float]:
    """Term-frequency weights: 1 + log(count) when ``sublinear`` (a fractional count as is)."""
    if not sublinear:
        return {k: float(v) for k, v in feats.items() if v}
    return {k: (1.0 + math.log(v)) if v >= 1 else v for k, v in feats.items() if v}


def _dot(a: dict[str, float], b: dict[str, float]) -> float:
    if len(a) > len(b):
        a, b = b, a
    return sum(v * b.get(k, 0.0) for k, v in a.items())


# --------------------------------------------------------------------------- model
@dataclass
class Model:
    """Topic scores for a new link, trained on placed resources."""

    cfg: Config
    n_docs: int
    idf: dict[str, float]
    docs: list[tuple[Doc, dict[str, float]]] = field(default_factory=list)
    centroids: dict[int, dict[str, float]] = field(default_factory=dict)
    sizes: Counter[int] = field(default_factory=Counter)
    tiers: dict[int, Counter[int | None]] = field(default_factory=dict)
    tier_centroids: dict[int, dict[str, float]] = field(default_factory=dict)

    @classmethod
    def train(
        cls,
        docs: Sequence[Doc],
        cfg: Config | None = None,
        tfs: Sequence[dict[str, float]] | None = None,
        topic_titles: dict[int, str] | None = None,
    ) -> Model:
        """Fit on ``docs`` (``tfs`` = their precomputed :func:`_tf` weights, to save time)."""
        cfg = cfg or Config()
        if tfs is None:
            tfs = [tf_weights(features(d, cfg), cfg.sublinear) for d in docs]
        df: Counter[str] = Counter()
        for weights in tfs:
            df.update(weights.keys())
        n = len(docs)
        idf = {k: math.log((1 + n) / (1 + v)) + 1.0 for k, v in df.items()}
        if cfg.icf:
            spread: dict[str, set[int]] = defaultdict(set)
            for doc, weights in zip(docs, tfs, strict=True):
                for k in weights:
                    spread[k].update(doc.topics)
            n_topics = len({t for d in docs for t in d.topics})
            idf = {k: v * (math.log((1 + n_topics) / (1 + len(spread[k]))) + 1.0) ** cfg.icf
                   for k, v in idf.items()}
        model = cls(cfg, n, idf)
        sums: dict[int, dict[str, float]] = defaultdict(dict)
        tier_sums: dict[int, dict[str, float]] = defaultdict(dict)
        for doc, weights in zip(docs, tfs, strict=True):
            vec = model.weigh(weights)
            model.docs.append((doc, vec))
            for topic in doc.topics:
                acc = sums[topic]
                for k, v in vec.items():
                    acc[k] = acc.get(k, 0.0) + v
                model.sizes[topic] += 1
                tier = doc.tier_in(topic)
                model.tiers.setdefault(topic, Counter())[tier] += 1
                if tier is not None:
                    tier_acc = tier_sums[tier]
                    for k, v in vec.items():
                        tier_acc[k] = tier_acc.get(k, 0.0) + v
        if cfg.rocchio:
            total: dict[str, float] = defaultdict(float)
            for acc in sums.values():
                for k, v in acc.items():
                    total[k] += v
            n_all = sum(model.sizes.values())
            for topic, acc in list(sums.items()):
                n_in, n_out = model.sizes[topic], max(1, n_all - model.sizes[topic])
                beta = cfg.rocchio
                sums[topic] = {k: w for k, v in acc.items()
                               if (w := v / n_in - beta * (total[k] - v) / n_out) > 0}
        for topic, acc in sums.items():
            centroid = _normalise(acc)
            title = (topic_titles or {}).get(topic)
            if title and cfg.topic_titles:
                extra = model.vector(features(Doc(title), cfg))
                for k, v in extra.items():
                    centroid[k] = centroid.get(k, 0.0) + cfg.topic_titles * v
                centroid = _normalise(centroid)
            model.centroids[topic] = centroid
        model.tier_centroids = {tier: _normalise(acc) for tier, acc in tier_sums.items()}
        return model

    def weigh(self, tf: dict[str, float]) -> dict[str, float]:
        """L2-normalised TF-IDF vector (features never seen in training are dropped)."""
        idf = self.idf
        return _normalise({k: w * idf[k] for k, w in tf.items() if k in idf})

    def vector(self, feats: dict[str, float]) -> dict[str, float]:
        return self.weigh(tf_weights(feats, self.cfg.sublinear))

    def scores(self, doc: Doc, feats: dict[str, float] | None = None) -> dict[int, float]:
        """A score per topic (higher is likelier)."""
        vec = self.vector(feats if feats is not None else features(doc, self.cfg))
        cfg = self.cfg
        out = {t: _dot(vec, c) for t, c in self.centroids.items()}
        if cfg.centroid < 1.0:
            sims = sorted(((_dot(vec, v), i) for i, (_, v) in enumerate(self.docs)), reverse=True)
            knn: dict[int, float] = defaultdict(float)
            for sim, i in sims[: cfg.k]:
                for t in self.docs[i][0].topics:
                    knn[t] += sim**cfg.knn_power
            top_c = max(out.values(), default=0.0) or 1.0
            top_k = max(knn.values(), default=0.0) or 1.0
            a = cfg.centroid
            out = {t: a * s / top_c + (1 - a) * knn.get(t, 0.0) / top_k for t, s in out.items()}
        if cfg.shrink:
            out = {t: s * self.sizes[t] / (self.sizes[t] + cfg.shrink) for t, s in out.items()}
        return out

    def tier_for(self, vec: dict[str, float], topic: int) -> int | None:
        """The likeliest tier in ``topic``: the topic's own tier mix (smoothed a little toward
        the guide's), weighed by how much the link reads like each tier across the guide and
        like the topic's resources of that tier. A tier the topic lacks stays unlikely."""
        counts = self.tiers.get(topic)
        if not counts:
            return None
        cfg = self.cfg
        known = [t for t in counts if t is not None]
        if not known:
            return None
        overall: Counter[int] = Counter()
        for c in self.tiers.values():
            for t, k in c.items():
                if t is not None:
                    overall[t] += k
        total = sum(overall.values()) or 1
        n = sum(counts[t] for t in known)
        local: dict[int, float] = defaultdict(float)
        for d, v in self.docs:
            if topic in d.topics and (t := d.tier_in(topic)) is not None:
                local[t] += _dot(vec, v) ** 2
        local_sum = sum(local.values())
        best: tuple[float, int] | None = None
        for tier in sorted(overall):
            prior = (counts.get(tier, 0) + cfg.tier_alpha * overall[tier] / total) / (
                n + cfg.tier_alpha)
            score = math.log(prior)
            if local_sum > 0:
                score += cfg.tier_local * local[tier] / local_sum
            centroid = self.tier_centroids.get(tier)
            if centroid:
                score += cfg.tier_words * _dot(vec, centroid)
            if best is None or score > best[0]:
                best = (score, tier)
        return best[1] if best else None

    def suggest(self, doc: Doc, n: int = 3) -> list[Suggestion]:
        feats = features(doc, self.cfg)
        ranked = sorted(self.scores(doc, feats).items(), key=lambda kv: kv[1], reverse=True)
        vec = self.vector(feats)
        return [Suggestion(t, round(s, 4), self.tier_for(vec, t)) for t, s in ranked[:n]]
