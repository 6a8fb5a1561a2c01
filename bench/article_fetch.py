"""Fetch and store 333 pages for offline reading (what ``tuiguide fetch --all`` does for the
bundled guide), from local servers, with the reader's own client, extractor and store.

    python bench/article_fetch.py            # table on stdout
    python bench/article_fetch.py --json     # the same as JSON

The pages are generated news/blog articles (about 900 words of text inside a page with a
navigation bar, a sidebar, comments, scripts and a footer, about 25 KB each) served by 10
threaded HTTP servers on 127.0.0.1..127.0.0.10 in a child process (serving would otherwise
be billed to the client), with ETags, as a well-behaved site does. Each run starts from an
empty catalogue holding a guide of the 333 links: the fresh fetch (every page fetched,
extracted and stored), then the same batch again (every page answers 304: nothing written).
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
try:
    import tuiguide  # noqa: F401
except ImportError:  # pragma: no cover - run from a checkout without the package installed
    sys.path.insert(0, str(BENCH.parent / "src"))

PAGES, HOSTS = 333, 10
WORDS = ["cache", "attention", "kernel", "batch", "token", "memory", "latency", "throughput", "scheduler", "prefill", "decode", "quantisation", "weights", "activation", "layer", "head", "tensor", "pipeline", "replica", "request", "queue", "model", "serving", "accelerator", "bandwidth", "compute", "the", "a", "of", "to", "and", "in", "for", "with", "on", "that"]


def page_html(n: int) -> bytes:
    """Page ``n``: an article among the usual boilerplate (the same bytes on every run)."""
    rng = random.Random(n)

    def sentence() -> str:
        words = [rng.choice(WORDS) for _ in range(rng.randint(8, 20))]
        return " ".join(words).capitalize() + "."

    paragraphs = "".join(f"<p>{' '.join(sentence() for _ in range(5))}</p>\n" for _ in range(12))
    chrome = "".join(f'<li><a href="/s{i}">Section {i}</a></li>' for i in range(30))
    comments = "".join(f"<div class=comment><p>Comment {i}: {sentence()}</p></div>"
                       for i in range(15))
    return f"""<!doctype html><html><head><meta charset="utf-8">
<title>Article {n}: serving notes | Bench Site</title>
<meta name="author" content="Author {n % 40}">
<meta property="article:published_time" content="2025-0{n % 9 + 1}-1{n % 9}T08:00:00Z">
<script>{"var x = 1; " * 400}</script><style>{".a {{ margin: 0 }} " * 300}</style>
</head><body><nav><ul>{chrome}</ul></nav>
<main><article><h1>Article {n}: serving notes</h1>{paragraphs}
<pre><code>def step(batch):\n    return model(batch)\n</code></pre></article></main>
<aside><h3>Popular</h3><ul>{chrome}</ul></aside><section class=comments>{comments}</section>
<footer><p>Copyright Bench Site. All rights reserved.</p></footer></body></html>""".encode()


# ---------------------------------------------------------------------------- servers
class PageServers:
    """The servers in a child process (spawned: forking a threaded process is unsafe)."""

    def __init__(self) -> None:
        import multiprocessing

        context = multiprocessing.get_context("spawn")
        self._pipe, child = context.Pipe()
        self._process = context.Process(target=_serve, args=(child,), daemon=True)
        self._process.start()
        self.urls: list[str] = self._pipe.recv()

    def close(self) -> None:
        self._pipe.send("close")
        self._pipe.recv()
        self._process.join(10)


def _serve(pipe: Any) -> None:
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    bodies = {n: page_html(n) for n in range(PAGES)}

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args: Any) -> None:
            pass

        def do_GET(self) -> None:  # noqa: N802 (http.server API)
            try:
                n = int(self.path.strip("/").removeprefix("page"))
                body = bodies[n]
            except (ValueError, KeyError):
                self.send_error(404)
                return
            etag = f'"page-{n}"'
            if self.headers.get("If-None-Match") == etag:
                self.send_response(304)
                self.send_header("ETag", etag)
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("ETag", etag)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    servers = []
    for h in range(HOSTS):
        server = ThreadingHTTPServer((f"127.0.0.{h + 1}", 0), Handler)
        server.daemon_threads = True
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
    pipe.send([f"http://127.0.0.{n % HOSTS + 1}:{servers[n % HOSTS].server_address[1]}/page{n}"
               for n in range(PAGES)])
    pipe.recv()
    for server in servers:
        server.shutdown()
    pipe.send(None)


# ---------------------------------------------------------------------------- measuring
def guide(urls: list[str]) -> str:
    lines = [f"- [Page {n}]({url}) - Author. Notes." for n, url in enumerate(urls)]
    return "# Bench Reading\n\n## 1. Pages\n\n" + "\n".join(lines) + "\n"


def one_run(urls: list[str], workdir: Path, run: int) -> dict[str, Any]:
    """Seconds of the fresh batch and of the repeat (all 304), and what each summary said."""
    from dataclasses import replace

    from tuiguide.core.articles import store
    from tuiguide.core.articles.fetch import ARTICLE_SETTINGS, fetch_articles
    from tuiguide.core.reader import Extractor
    from tuiguide.core.store.catalogue import Catalogue

    settings = replace(ARTICLE_SETTINGS, trust_env=False)  # no proxy between us and 127.0.0.x
    cat = Catalogue.open(workdir / f"run{run}.db", seed=False)
    try:
        cat.import_text(guide(urls), source="bench")
        targets = store.resource_targets(cat)
        with Extractor() as extractor:
            start = time.perf_counter()
            fresh = fetch_articles(cat, targets, settings=settings, extractor=extractor)
            fresh_s = time.perf_counter() - start
            start = time.perf_counter()
            again = fetch_articles(cat, targets, settings=settings, extractor=extractor)
            again_s = time.perf_counter() - start
        words = cat.conn.execute("SELECT sum(words) FROM articles").fetchone()[0]
    finally:
        cat.close()
    return {"fresh_s": fresh_s, "again_s": again_s, "fresh": fresh.line(),
            "again": again.line(), "words": words}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    servers = PageServers()
    try:
        with tempfile.TemporaryDirectory(prefix="tuiguide-bench-fetch-") as tmp:
            runs = [one_run(servers.urls, Path(tmp), i) for i in range(args.runs)]
    finally:
        servers.close()
    fresh = [r["fresh_s"] for r in runs]
    again = [r["again_s"] for r in runs]
    result = {
        "pages": PAGES, "hosts": HOSTS, "runs": args.runs, "page_bytes": len(page_html(0)),
        "fresh_median_s": statistics.median(fresh), "fresh_max_s": max(fresh),
        "fresh_ms_per_page": statistics.median(fresh) / PAGES * 1000,
        "again_median_s": statistics.median(again), "summaries": [runs[0]["fresh"], runs[0]["again"]],
        "stored_words": runs[0]["words"],
    }
    if args.json:
        print(json.dumps(result, indent=2))
        return 0
    print(f"fetch and store {PAGES} pages from {HOSTS} local hosts, {args.runs} runs "
          f"({result['page_bytes'] // 1024} KB a page)")
    print(f"  fresh:           median {result['fresh_median_s']:.1f} s "
          f"(max {result['fresh_max_s']:.1f} s; {result['fresh_ms_per_page']:.0f} ms a page)"
          f"  -> {runs[0]['fresh']}")
    print(f"  again (all 304): median {result['again_median_s']:.2f} s  -> {runs[0]['again']}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
