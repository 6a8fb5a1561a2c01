"""Local feed servers for the refresh figure: 50 feeds of 50 entries on 10 loopback hosts.

They run in a child process: serving takes CPU, and in the benchmark's process it would be
billed to neither client, or to one of them. Each host serves its share of the feeds with
ETag and Last-Modified, and answers 304 to a conditional GET, as a well-behaved blog does.
"""

from __future__ import annotations

import threading
from typing import Any

FEEDS, ENTRIES, HOSTS = 50, 50, 10


def _feed_xml(feed: int) -> bytes:
    items = []
    for e in range(ENTRIES):
        day = 28 - (e % 28)
        items.append(
            f"<item><title>Feed {feed} post {e}: scaling KV cache offload on H100</title>"
            f"<link>http://feeds.example/{feed}/{e}.html</link>"
            f"<guid isPermaLink=\"false\">feed-{feed}-entry-{e}</guid>"
            f"<pubDate>Mon, {day:02d} Jul 2025 10:{e % 60:02d}:00 +0000</pubDate>"
            f"<author>author{e}@feeds.example (Author {e})</author>"
            f"<description>Entry {e} of feed {feed}: how continuous batching, chunked prefill "
            "and prefix caching interact under load, with throughput and latency numbers "
            "for several batch sizes and a short discussion of the scheduler.</description></item>"
        )
    return (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
        f"<title>Bench feed {feed}</title><link>http://feeds.example/{feed}/</link>"
        f"<description>Feed {feed}</description>{''.join(items)}</channel></rss>"
    ).encode()


class FeedServers:
    """The servers (:class:`_FeedServersHere`) in a child process, driven through a pipe."""

    def __init__(self) -> None:
        import multiprocessing

        context = multiprocessing.get_context("spawn")  # (forking a threaded process is unsafe)
        self._pipe, child = context.Pipe()
        self._process = context.Process(target=_serve_feeds, args=(child,), daemon=True)
        self._process.start()
        self._urls: list[str] = self._pipe.recv()

    def urls(self) -> list[str]:
        return list(self._urls)

    def reset_counts(self) -> dict[str, int]:
        self._pipe.send("counts")
        return self._pipe.recv()

    def close(self) -> None:
        self._pipe.send("close")
        self._pipe.recv()
        self._process.join(10)


def _serve_feeds(pipe: Any) -> None:
    """The child process: serve until told to close; answer count requests."""
    servers = _FeedServersHere()
    pipe.send(servers.urls())
    while True:
        command = pipe.recv()
        if command == "counts":
            pipe.send(servers.reset_counts())
        elif command == "close":
            servers.close()
            pipe.send(None)
            return


class _FeedServersHere:
    """HOSTS threaded HTTP servers on 127.0.0.1..127.0.0.HOSTS (distinct hosts, as real feeds
    are), each serving its share of the feeds with ETag/Last-Modified and 304s."""

    def __init__(self) -> None:
        from email.utils import formatdate
        from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

        self.bodies = {f: _feed_xml(f) for f in range(FEEDS)}
        self.modified = formatdate(1_750_000_000, usegmt=True)
        self.counts = {"200": 0, "304": 0, "other": 0}
        lock = threading.Lock()
        outer = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: Any) -> None:
                pass

            def do_GET(self) -> None:  # noqa: N802
                try:
                    feed = int(self.path.strip("/").split(".")[0].removeprefix("feed"))
                    body = outer.bodies[feed]
                except (ValueError, KeyError):
                    self.send_error(404)
                    with lock:
                        outer.counts["other"] += 1
                    return
                etag = f'"bench-{feed}"'
                if self.headers.get("If-None-Match") == etag or (
                    self.headers.get("If-Modified-Since") == outer.modified
                ):
                    self.send_response(304)
                    self.send_header("ETag", etag)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    with lock:
                        outer.counts["304"] += 1
                    return
                self.send_response(200)
                self.send_header("Content-Type", "application/rss+xml; charset=utf-8")
                self.send_header("ETag", etag)
                self.send_header("Last-Modified", outer.modified)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)
                with lock:
                    outer.counts["200"] += 1

        self.servers = []
        for h in range(HOSTS):
            server = ThreadingHTTPServer((f"127.0.0.{h + 1}", 0), Handler)
            server.daemon_threads = True
            threading.Thread(target=server.serve_forever, daemon=True).start()
            self.servers.append(server)

    def urls(self) -> list[str]:
        return [
            f"http://127.0.0.{f % HOSTS + 1}:{self.servers[f % HOSTS].server_address[1]}/feed{f}.xml"
            for f in range(FEEDS)
        ]

    def reset_counts(self) -> dict[str, int]:
        counts, self.counts = self.counts, {"200": 0, "304": 0, "other": 0}
        return counts

    def close(self) -> None:
        for server in self.servers:
            server.shutdown()
            server.server_close()


def opml(urls: list[str]) -> str:
    """The feeds as an OPML file, which every build's ``tuiguide feeds import`` reads."""
    outlines = "".join(f'<outline type="rss" text="Bench feed {n}" xmlUrl="{url}"/>'
                       for n, url in enumerate(urls))
    return ('<?xml version="1.0"?><opml version="2.0"><head><title>bench</title></head>'
            f"<body>{outlines}</body></opml>\n")
