"""How much of a real article's text the reader's extractor gets, and how much else it adds.

    python bench/extract_quality.py --corpus /tmp/aeb          # table on stdout
    python bench/extract_quality.py --corpus /tmp/aeb --json   # the same as JSON

The corpus is scrapinghub's article-extraction-benchmark (181 real news and blog pages with
their article bodies written out by hand): ``DIR/html/<id>.html.gz`` and
``DIR/ground-truth.json``. It is read locally and never committed. Scoring is the
benchmark's own (its evaluate.py): words are ``\\w+`` runs, compared as shingles of 4 words;
per page, true/false positives and false negatives are normalised to sum to 1; precision and
recall are averaged over pages, and F1 is taken from those two means. Per-page F1 (mean and
median) is printed beside it. tuiguide's text is Markdown, scored as the words a reader sees
(backslash escapes removed). Peers: trafilatura with its defaults, and the page's whole text but
its scripts and styles (what plain HTML-to-text such as html-text or BeautifulSoup gives).
"""

from __future__ import annotations

import argparse
import contextlib
import gzip
import json
import math
import re
import statistics
import sys
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
try:
    import tuiguide  # noqa: F401
except ImportError:  # pragma: no cover - run from a checkout without the package installed
    sys.path.insert(0, str(BENCH.parent / "src"))

_TOKEN = re.compile(r"\w+", re.UNICODE | re.MULTILINE | re.IGNORECASE | re.DOTALL)
_MD_ESCAPE = re.compile(r"\\([\\`*_\[\]<>~|#+\-.!(){}=])")
SHINGLE = 4


def tokens(text: str) -> list[str]:
    return _TOKEN.findall(text or "")


def shingles(text: str, n: int = SHINGLE) -> Counter[tuple[str, ...]]:
    words = tokens(text)
    return Counter(tuple(words[i:i + n]) for i in range(max(1, len(words) - n + 1))
                   if words[i:i + n])


def tp_fp_fn(true: str, pred: str) -> tuple[float, float, float]:
    """The benchmark's per-page counts, normalised so a long page weighs no more than a short one."""
    t, p = shingles(true), shingles(pred)
    tp = fp = fn = 0.0
    for key in t.keys() | p.keys():
        tc, pc = t.get(key, 0), p.get(key, 0)
        tp += min(tc, pc)
        fp += max(0, pc - tc)
        fn += max(0, tc - pc)
    total = tp + fp + fn
    return (tp / total, fp / total, fn / total) if total else (0.0, 0.0, 0.0)


def precision(tp: float, fp: float, fn: float) -> float:
    if fp == fn == 0:
        return 1.0
    return 0.0 if tp == fp == 0 else tp / (tp + fp)


def recall(tp: float, fp: float, fn: float) -> float:
    if fp == fn == 0:
        return 1.0
    return 0.0 if tp == fn == 0 else tp / (tp + fn)


def f1(p: float, r: float) -> float:
    return 2 * p * r / (p + r) if p + r else 0.0


def score(counts: list[tuple[float, float, float]]) -> dict[str, float]:
    precisions = [precision(*c) for c in counts if c[0] + c[1] > 0]
    recalls = [recall(*c) for c in counts if c[0] + c[2] > 0]
    p = statistics.mean(precisions) if precisions else 0.0
    r = statistics.mean(recalls) if recalls else 0.0
    per_page = [f1(precision(*c), recall(*c)) for c in counts]
    return {
        "f1": f1(p, r),
        "precision": p,
        "recall": r,
        "f1_mean": statistics.mean(per_page),
        "f1_median": statistics.median(per_page),
    }


def load_corpus(corpus: Path) -> list[tuple[str, str, bytes, str]]:
    """``(id, url, html bytes, true article body)`` for every page of the benchmark."""
    truth = json.loads((corpus / "ground-truth.json").read_text(encoding="utf-8"))
    pages = []
    for key in sorted(truth):
        body = gzip.decompress((corpus / "html" / f"{key}.html.gz").read_bytes())
        pages.append((key, truth[key].get("url") or "", body, truth[key].get("articleBody") or ""))
    return pages


def tuiguide_text(body: bytes, url: str) -> str:
    from tuiguide.core.reader import ExtractError, extract

    try:
        return _MD_ESCAPE.sub(r"\1", extract(body, url=url, content_type="text/html").text)
    except ExtractError:
        return ""


def trafilatura_defaults(body: bytes, url: str) -> str:
    import trafilatura

    return trafilatura.extract(body.decode("utf-8", "replace"), include_comments=False) or ""


def whole_page_text(body: bytes, url: str) -> str:
    """Every word of the page but its scripts and styles, as html-text or BeautifulSoup give."""
    from lxml import html as lxml_html

    tree = lxml_html.document_fromstring(body.decode("utf-8", "replace"))
    for node in tree.xpath("//script|//style|//noscript|//template"):
        node.drop_tree()
    return " ".join(tree.itertext())


EXTRACTORS: dict[str, Callable[[bytes, str], str]] = {
    "tuiguide (reader)": tuiguide_text,
    "trafilatura defaults": trafilatura_defaults,
    "plain HTML-to-text": whole_page_text,
}


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, math.ceil(q * len(ordered)) - 1))]


def worker_times(pages: list[tuple[str, str, bytes, str]]) -> list[float]:
    """Seconds per page through :class:`Extractor` (the worker process, pipe included)."""
    from tuiguide.core.reader import ExtractError, Extractor

    times = []
    with Extractor() as extractor:
        extractor.extract(pages[0][2], url=pages[0][1], content_type="text/html")  # start-up
        for _key, url, body, _truth in pages:
            start = time.perf_counter()
            with contextlib.suppress(ExtractError):
                extractor.extract(body, url=url, content_type="text/html")
            times.append(time.perf_counter() - start)
    return times


def run(corpus: Path, worker: bool) -> dict[str, Any]:
    pages = load_corpus(corpus)
    results: dict[str, Any] = {"pages": len(pages), "extractors": {}}
    for name, extract in EXTRACTORS.items():
        counts, times, worst = [], [], []
        for key, url, body, truth in pages:
            start = time.perf_counter()
            text = extract(body, url)
            times.append(time.perf_counter() - start)
            counts.append(tp_fp_fn(truth, text))
            worst.append((f1(precision(*counts[-1]), recall(*counts[-1])), key))
        row = score(counts)
        row["ms_median"] = 1000 * statistics.median(times)
        row["ms_p95"] = 1000 * percentile(times, 0.95)
        row["worst"] = [f"{k[:12]} {v:.2f}" for v, k in sorted(worst)[:5]]
        results["extractors"][name] = row
    if worker:
        times = worker_times(pages)
        results["worker_ms_median"] = 1000 * statistics.median(times)
        results["worker_ms_p95"] = 1000 * percentile(times, 0.95)
    return results


def table(results: dict[str, Any]) -> str:
    lines = [
        f"{results['pages']} pages; F1 = from mean precision and recall, as the benchmark reports it",
        f"{'':<22} {'F1':>6} {'prec':>6} {'recall':>6} {'F1 mean':>8} {'F1 med':>7} "
        f"{'ms med':>7} {'ms p95':>7}",
    ]
    for name, row in results["extractors"].items():
        lines.append(
            f"{name:<22} {row['f1']:6.3f} {row['precision']:6.3f} {row['recall']:6.3f} "
            f"{row['f1_mean']:8.3f} {row['f1_median']:7.3f} {row['ms_median']:7.1f} "
            f"{row['ms_p95']:7.1f}"
        )
    if "worker_ms_median" in results:
        lines.append(f"through the worker process: median {results['worker_ms_median']:.1f} ms, "
                     f"p95 {results['worker_ms_p95']:.1f} ms per page")
    lines.append("lowest F1 pages (tuiguide): " + ", ".join(
        results["extractors"]["tuiguide (reader)"]["worst"]))
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", type=Path, required=True,
                        help="the benchmark's folder (holding html/ and ground-truth.json)")
    parser.add_argument("--json", action="store_true", help="print JSON instead of a table")
    parser.add_argument("--no-worker", action="store_true",
                        help="skip timing the pages again through the worker process")
    args = parser.parse_args(argv)
    if not (args.corpus / "ground-truth.json").is_file():
        parser.error(f"{args.corpus}: no ground-truth.json here; give the benchmark's folder")
    results = run(args.corpus, worker=not args.no_worker)
    print(json.dumps(results, indent=2) if args.json else table(results))
    return 0


if __name__ == "__main__":
    sys.exit(main())
