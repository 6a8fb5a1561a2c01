"""The filing suggester next to well-known text classifiers, on the same leave-one-out folds.

    pip install scikit-learn          # only this script needs it; tuiguide does not
    python bench/suggester_peers.py   # the bundled guide, all 333 folds (a few minutes)
    python bench/suggester_peers.py --every 3

Each fold trains tuiguide's model on every resource but one (IDF, topic weights and all), and
the peers learn from the very same TF-IDF vectors that model gives the other resources, so a
peer differs from the suggester only in how it draws the line between topics. Two more rows
are bounds, not methods: "per-topic offsets (oracle)" adds to the suggester's scores the
per-topic constants that maximise its accuracy on the held-out answers themselves (it sees the
answers, so no honest calibration of the suggester's scores can beat it), and "fused with
linear SVM (oracle weight)" blends the suggester's and the SVM's scores at the weight that
does best on the answers.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from tuiguide.core.feeds.suggest import guide_docs, topic_titles  # noqa: E402
from tuiguide.core.feeds.topic_model import Config, Doc, Model, features, tf_weights  # noqa: E402

Scores = dict[int, float]


def folds(docs: Sequence[Doc], titles: dict[int, str], every: int):
    """(held-out doc, suggester scores, training vectors, training labels, held-out vector)."""
    cfg = Config()
    raw = [features(d, cfg) for d in docs]
    tfs = [tf_weights(f, cfg.sublinear) for f in raw]
    for i, doc in enumerate(docs):
        if i % every:
            continue
        rest = [*docs[:i], *docs[i + 1 :]]
        model = Model.train(rest, cfg, [*tfs[:i], *tfs[i + 1 :]], topic_titles=titles)
        vectors = [vec for _, vec in model.docs]
        labels = [d.topics[0] for d in rest]
        yield doc, model.scores(doc, raw[i]), vectors, labels, model.vector(raw[i])


def accuracy(docs: Sequence[Doc], rows: Sequence[Scores]) -> tuple[float, float]:
    top1 = top3 = 0
    for doc, scores in zip(docs, rows, strict=True):
        ranked = sorted(scores, key=lambda t: -scores[t])
        top1 += bool(ranked) and ranked[0] in doc.topics
        top3 += any(t in doc.topics for t in ranked[:3])
    return top1 / len(docs), top3 / len(docs)


def oracle_offsets(docs: Sequence[Doc], rows: Sequence[Scores]) -> tuple[float, float]:
    """Coordinate search for per-topic constants, judged on the answers (an upper bound)."""
    topics = sorted({t for r in rows for t in r})
    offsets = dict.fromkeys(topics, 0.0)

    def shifted(o: dict[int, float]) -> list[Scores]:
        return [{t: s + o[t] for t, s in r.items()} for r in rows]

    def key(acc: tuple[float, float]) -> float:
        return acc[0] + acc[1] / 2

    best = accuracy(docs, shifted(offsets))
    for _ in range(3):
        for t in topics:
            for step in (-0.2, -0.1, -0.05, -0.02, 0.02, 0.05, 0.1, 0.2):
                trial = {**offsets, t: offsets[t] + step}
                got = accuracy(docs, shifted(trial))
                if key(got) > key(best):
                    offsets, best = trial, got
    return best


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--every", type=int, default=1, help="Hold out every n-th resource.")
    args = parser.parse_args(argv)
    try:
        from sklearn.feature_extraction import DictVectorizer
        from sklearn.linear_model import LogisticRegression, RidgeClassifier
        from sklearn.multiclass import OneVsRestClassifier
        from sklearn.naive_bayes import ComplementNB
        from sklearn.svm import LinearSVC
    except ImportError:
        print("suggester_peers.py: scikit-learn is not installed; pip install scikit-learn",
              file=sys.stderr)
        return 2

    from tuiguide.core.store.catalogue import Catalogue

    with Catalogue.open(":memory:") as cat:
        docs = [d for d in guide_docs(cat) if d.topics]
        titles = {t: label.split(". ", 1)[-1] for t, label in topic_titles(cat).items()}

    peers: dict[str, Callable[[], object]] = {
        "linear SVM (C=1)": lambda: LinearSVC(C=1.0),
        "logistic regression (C=10)": lambda: OneVsRestClassifier(
            LogisticRegression(C=10.0, solver="liblinear")),
        "ridge classifier": lambda: RidgeClassifier(alpha=1.0),
        "complement naive Bayes": lambda: ComplementNB(alpha=0.3),
    }
    started = time.perf_counter()
    held: list[Doc] = []
    ours: list[Scores] = []
    theirs: dict[str, list[Scores]] = {name: [] for name in peers}
    for doc, scores, vectors, labels, vector in folds(docs, titles, args.every):
        held.append(doc)
        ours.append(scores)
        dv = DictVectorizer(sparse=False)
        x = dv.fit_transform(vectors)
        x_new = dv.transform([vector])
        for name, make in peers.items():
            clf = make().fit(x, labels)
            score = getattr(clf, "decision_function", None) or clf.predict_log_proba
            values = score(x_new)[0]
            theirs[name].append(dict(zip(clf.classes_.tolist(), values.tolist(), strict=True)))

    rows: list[tuple[str, tuple[float, float]]] = [("tuiguide suggester", accuracy(held, ours))]
    rows += [(name, accuracy(held, r)) for name, r in theirs.items()]
    rows.append(("per-topic offsets (oracle)", oracle_offsets(held, ours)))
    svm = theirs["linear SVM (C=1)"]
    fused = []
    for w in (0.1, 0.2, 0.3, 0.5, 1.0, 2.0):
        blend = []
        for a, b in zip(ours, svm, strict=True):
            top = max(a.values()) or 1.0
            blend.append({t: a.get(t, 0.0) / top + w * b.get(t, -2.0) for t in {*a, *b}})
        fused.append(accuracy(held, blend))
    rows.append(("fused with linear SVM (oracle weight)", max(fused, key=lambda r: r[0] + r[1] / 2)))

    width = max(len(name) for name, _ in rows)
    print(f"{'method':<{width}}  {'top1':>6}  {'top3':>6}")
    for name, (top1, top3) in rows:
        print(f"{name:<{width}}  {100 * top1:>5.1f}%  {100 * top3:>5.1f}%")
    print(f"\nleave-one-out over {len(held)} resources, {time.perf_counter() - started:.1f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
