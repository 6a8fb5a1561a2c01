"""How often does the topic suggester put a new link in the right topic?

    python bench/suggester.py            # the bundled guide
    python bench/suggester.py --db FILE  # the guides in a catalogue file
    python bench/suggester.py --every 5  # hold out every 5th resource only (faster)

Leave-one-out: each resource in turn is taken out, the suggester is trained on the rest
(IDF, centroids and all), and ranks the topics for it from its title, description, author
and URL. Top-1 counts the best topic being one the resource sits in; top-3 counts any of
the three offered in the filing dialog. The plain TF-IDF nearest-centroid baseline (word
tokens of title and description, raw counts, cosine to each topic's mean vector) runs on
the same folds for comparison. Tier: how often the tier the model gives for the resource's
own topic is the tier it has there.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from tuiguide.core.feeds.suggest import evaluate_bundled, evaluate_catalogue  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", type=Path, help="Catalogue file (default: the bundled guide).")
    parser.add_argument("--every", type=int, default=1, help="Hold out every n-th resource.")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    if args.db:
        from tuiguide.core.store.catalogue import Catalogue

        with Catalogue.open(args.db, seed=False) as cat:
            scores = evaluate_catalogue(cat, every=args.every)
    else:
        scores = evaluate_bundled(every=args.every)
    elapsed = time.perf_counter() - started
    width = max(len(s.method) for s in scores)
    print(f"{'method':<{width}}  {'top1':>6}  {'top3':>6}  {'tier':>6}")
    for s in scores:
        method, top1, top3 = s.as_row()
        print(f"{method:<{width}}  {top1:>6}  {top3:>6}  {100 * s.tier:>5.1f}%")
    n = scores[0].n if scores else 0
    print(f"\nleave-one-out over {n} resources, {elapsed:.1f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
