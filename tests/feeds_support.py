"""A real HTTP server on 127.0.0.1 for the feed tests, and realistic feed documents.

The server runs in a thread (``ThreadingHTTPServer`` on port 0). Each path maps to a
:class:`Route`; every request is logged with its headers so tests can check conditional
GETs. ``hang`` routes accept the connection and never answer (until the server stops).
"""

from __future__ import annotations

import gzip
import threading
import time
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from hypothesis import strategies as st

from tuiguide.core.feeds.fetch import FetchSettings
from tuiguide.core.store.catalogue import Catalogue

FIXED_NOW = "2025-03-01T12:00:00Z"

# Short limits so failures are fast; the hang route must time out within ``timeout``.
FAST = FetchSettings(timeout=1.5, connect_timeout=1.0, max_bytes=1024 * 1024, max_parallel=4,
                     per_host=2, max_redirects=5, trust_env=False)

# --------------------------------------------------------------------------- documents
# Shaped like jekyll-feed's output at https://blog.vllm.ai/feed.xml.
VLLM_ATOM = """\
<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom" >\
<generator uri="https://jekyllrb.com/" version="4.3.4">Jekyll</generator>\
<link href="https://blog.vllm.ai/feed.xml" rel="self" type="application/atom+xml" />\
<link href="https://blog.vllm.ai/" rel="alternate" type="text/html" />\
<updated>2025-02-24T09:00:00-08:00</updated><id>https://blog.vllm.ai/feed.xml</id>\
<title type="html">vLLM Blog</title>\
<entry><title type="html">Distributed Inference with vLLM &amp;amp; Ray: &lt;em&gt;Part 2&lt;/em&gt;</title>\
<link href="https://blog.vllm.ai/2025/02/24/distributed-inference.html" rel="alternate" \
type="text/html" title="Distributed Inference with vLLM &amp;amp; Ray" />\
<published>2025-02-24T00:00:00-08:00</published><updated>2025-02-24T00:00:00-08:00</updated>\
<id>https://blog.vllm.ai/2025/02/24/distributed-inference</id>\
<content type="html" xml:base="https://blog.vllm.ai/2025/02/24/distributed-inference.html">\
&lt;p&gt;How tensor and pipeline parallelism split a model across GPUs.&lt;/p&gt;\
&lt;script&gt;alert(1)&lt;/script&gt;</content>\
<author><name>vLLM Team</name></author><category term="distributed" />\
<summary type="html">How &lt;b&gt;tensor&lt;/b&gt; and pipeline parallelism split a model \
across GPUs &amp;amp; nodes.</summary></entry>\
<entry><title type="html">vLLM V1: A Major Upgrade to vLLM’s Core Architecture</title>\
<link href="https://blog.vllm.ai/2025/01/27/v1-alpha-release.html" rel="alternate" \
type="text/html" title="vLLM V1" />\
<published>2025-01-27T00:00:00-08:00</published><updated>2025-01-28T00:00:00-08:00</updated>\
<id>https://blog.vllm.ai/2025/01/27/v1-alpha-release</id>\
<content type="html" xml:base="https://blog.vllm.ai/2025/01/27/v1-alpha-release.html">\
&lt;p&gt;We are thrilled to announce the alpha release of vLLM V1.&lt;/p&gt;</content>\
<author><name>vLLM Team</name></author><category term="release" />\
<summary type="html">We are thrilled to announce the alpha release of vLLM V1, a major \
upgrade to the scheduler, KV cache manager and worker.</summary></entry>\
<entry><title type="html">Large Scale Serving: DeepSeek on vLLM</title>\
<link href="https://blog.vllm.ai/2025/12/17/large-scale-serving.html" rel="alternate" \
type="text/html" title="Large Scale Serving" />\
<published>2024-12-17T00:00:00-08:00</published><updated>2024-12-17T00:00:00-08:00</updated>\
<id>https://blog.vllm.ai/2025/12/17/large-scale-serving</id>\
<content type="html">&lt;p&gt;Serving at scale.&lt;/p&gt;</content>\
<author><name>vLLM Team</name></author><summary type="html">Serving at scale.</summary></entry>\
</feed>
"""

# Shaped like "RSS for Node" output at https://lmsys.org/rss.xml (no description).
LMSYS_RSS = """\
<?xml version="1.0" encoding="UTF-8"?><rss xmlns:dc="http://purl.org/dc/elements/1.1/" \
xmlns:content="http://purl.org/rss/1.0/modules/content/" \
xmlns:atom="http://www.w3.org/2005/Atom" version="2.0"><channel>\
<title><![CDATA[LMSYS Org]]></title><description><![CDATA[LMSYS Org]]></description>\
<link>https://lmsys.org</link><generator>RSS for Node</generator>\
<lastBuildDate>Sat, 01 Mar 2025 00:00:00 GMT</lastBuildDate>\
<atom:link href="https://lmsys.org/rss.xml" rel="self" type="application/rss+xml"/>\
<item><title><![CDATA[SGLang v0.4: Zero-Overhead Batch Scheduler & Faster Structured Outputs]]></title>\
<link>https://lmsys.org/blog/2024-12-04-sglang-v0-4/</link>\
<guid isPermaLink="true">https://lmsys.org/blog/2024-12-04-sglang-v0-4/</guid>\
<dc:creator><![CDATA[The SGLang Team]]></dc:creator>\
<pubDate>Wed, 04 Dec 2024 00:00:00 GMT</pubDate></item>\
<item><title><![CDATA[Deploying DeepSeek with PD Disaggregation and Large-scale Expert Parallelism]]></title>\
<link>https://lmsys.org/blog/2025-05-05-large-scale-ep/</link>\
<guid isPermaLink="true">https://lmsys.org/blog/2025-05-05-large-scale-ep/</guid>\
<dc:creator><![CDATA[The SGLang Team]]></dc:creator>\
<pubDate>Mon, 05 May 2025 00:00:00 GMT</pubDate></item>\
<item><title><![CDATA[Towards Deterministic Inference in SGLang]]></title>\
<link>https://lmsys.org/blog/2025-09-22-sglang-deterministic/</link>\
<guid isPermaLink="true">https://lmsys.org/blog/2025-09-22-sglang-deterministic/</guid>\
<dc:creator><![CDATA[The SGLang Team]]></dc:creator>\
<pubDate>Mon, 22 Sep 2025 00:00:00 GMT</pubDate></item>\
<item><title><![CDATA[Click me]]></title>\
<link>javascript:alert(document.cookie)</link>\
<guid isPermaLink="false">lmsys-js-1</guid>\
<dc:creator><![CDATA[Mallory]]></dc:creator>\
<pubDate>Tue, 07 Jan 2025 00:00:00 GMT</pubDate></item>\
</channel></rss>
"""

# Two good items, then the document breaks off mid-tag.
BROKEN_RSS = """\
<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>Broken Blog</title>
<link>https://broken.example</link>
<item><title>First good post</title><link>https://broken.example/one</link>
<guid>b-1</guid><pubDate>Mon, 03 Feb 2025 10:00:00 GMT</pubDate></item>
<item><title>Second good post</title><link>https://broken.example/two</link>
<guid>b-2</guid><pubDate>Tue, 04 Feb 2025 10:00:00 GMT</pubDate></item>
<item><title>Third & unescaped <oops</title><link>https://broken.example/three
"""


def rss(title: str, items: list[tuple[str, str, str]], channel_link: str = "https://x.example") -> str:
    """A small RSS 2.0 document: items are (guid, title, link)."""
    body = "".join(
        f"<item><title>{t}</title><link>{link}</link><guid>{g}</guid>"
        f"<pubDate>Mon, 03 Feb 2025 10:00:00 GMT</pubDate></item>"
        for g, t, link in items
    )
    return (
        f'<?xml version="1.0"?><rss version="2.0"><channel><title>{title}</title>'
        f"<link>{channel_link}</link>{body}</channel></rss>"
    )


def gzip_bomb(inflated: int) -> bytes:
    """A gzip stream of ``inflated`` zero bytes (about 1000:1), built without holding it."""
    comp = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    chunk = b"\0" * (1024 * 1024)
    parts = []
    for _ in range(inflated // len(chunk)):
        parts.append(comp.compress(chunk))
    parts.append(comp.flush())
    return b"".join(parts)


# --------------------------------------------------------------------------- server
@dataclass
class Route:
    """What one path answers. ``etag``/``last_modified`` enable 304 on a matching request."""

    body: bytes | str = b""
    status: int = 200
    content_type: str = "application/xml; charset=utf-8"
    headers: dict[str, str] = field(default_factory=dict)
    etag: str | None = None
    last_modified: str | None = None
    hang: bool = False
    location: str | None = None
    handler: Callable[[BaseHTTPRequestHandler], None] | None = None


def delayed(body: str, gate: threading.Event | None = None, delay: float = 0.0,
            content_type: str = "application/rss+xml") -> Route:
    """A route that answers once ``gate`` is set (a feed still being fetched, for as long as
    a test wants), or after ``delay`` seconds."""

    def answer(handler: BaseHTTPRequestHandler) -> None:
        if gate is not None:
            gate.wait(60)
        else:
            time.sleep(delay)
        data = body.encode("utf-8")
        handler.send_response(200)
        handler.send_header("Content-Type", content_type)
        handler.send_header("Content-Length", str(len(data)))
        handler.end_headers()
        handler.wfile.write(data)

    return Route(handler=answer)


@dataclass
class Logged:
    path: str
    headers: dict[str, str]
    status: int


class _QuietServer(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: object, client_address: object) -> None:
        pass  # clients hanging up mid-answer (timeouts, size caps) are expected here


class FeedServer:
    def __init__(self) -> None:
        self.routes: dict[str, Route] = {}
        self.requests: list[Logged] = []
        self.stopping = threading.Event()
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: object) -> None:
                pass

            def do_GET(self) -> None:  # noqa: N802 (http.server API)
                route = server.routes.get(self.path)
                headers = {k.lower(): v for k, v in self.headers.items()}
                if route is None:
                    server.requests.append(Logged(self.path, headers, 404))
                    self._send(404, b"not found", "text/plain", {})
                    return
                if route.hang:
                    server.requests.append(Logged(self.path, headers, 0))
                    server.stopping.wait(30)
                    return
                if route.handler is not None:
                    server.requests.append(Logged(self.path, headers, 0))
                    route.handler(self)
                    return
                extra = dict(route.headers)
                if route.etag:
                    extra["ETag"] = route.etag
                if route.last_modified:
                    extra["Last-Modified"] = route.last_modified
                if route.location:
                    extra["Location"] = route.location
                not_modified = (
                    route.etag is not None and headers.get("if-none-match") == route.etag
                ) or (
                    route.etag is None
                    and route.last_modified is not None
                    and headers.get("if-modified-since") == route.last_modified
                )
                if not_modified:
                    server.requests.append(Logged(self.path, headers, 304))
                    self._send(304, b"", None, extra)
                    return
                server.requests.append(Logged(self.path, headers, route.status))
                body = route.body.encode("utf-8") if isinstance(route.body, str) else route.body
                self._send(route.status, body, route.content_type, extra)

            def _send(self, status: int, body: bytes, ctype: str | None, extra: dict[str, str]) -> None:
                self.send_response(status)
                if ctype:
                    self.send_header("Content-Type", ctype)
                for k, v in extra.items():
                    self.send_header(k, v)
                if status != 304:
                    self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                if status != 304:
                    self.wfile.write(body)

        self.httpd = _QuietServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(
            target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    @property
    def base(self) -> str:
        host, port = self.httpd.server_address[:2]
        return f"http://{host}:{port}"

    def url(self, path: str) -> str:
        return self.base + path

    def hits(self, path: str) -> list[Logged]:
        return [r for r in self.requests if r.path == path]

    def start(self) -> FeedServer:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.stopping.set()
        self.httpd.shutdown()
        self.httpd.server_close()


def serve() -> Iterator[FeedServer]:
    server = FeedServer().start()
    try:
        yield server
    finally:
        server.stop()


def http_date(ts: float | None = None) -> str:
    return formatdate(ts if ts is not None else time.time(), usegmt=True)


def fixed_now() -> str:
    return FIXED_NOW


def open_catalogue(path: Path, *, seed: bool = True) -> Catalogue:
    """A real catalogue file without the two default (internet) feeds."""
    cat = Catalogue.open(path, seed=seed, now=fixed_now)
    cat.conn.execute("DELETE FROM feeds")
    return cat


def gzip_bytes(text: str) -> bytes:
    return gzip.compress(text.encode("utf-8"))


SEEDS = [VLLM_ATOM.encode(), LMSYS_RSS.encode(), BROKEN_RSS.encode()]


@st.composite
def damaged_feeds(draw: st.DrawFn) -> bytes:
    """A real feed, truncated, with bytes flipped, re-encoded or with junk spliced in."""
    data = bytearray(draw(st.sampled_from(SEEDS)))
    cut = draw(st.integers(min_value=0, max_value=len(data)))
    if draw(st.booleans()):
        data = data[:cut]
    for _ in range(draw(st.integers(min_value=0, max_value=8))):
        if data:
            pos = draw(st.integers(min_value=0, max_value=len(data) - 1))
            data[pos] = draw(st.integers(min_value=0, max_value=255))
    junk = draw(st.sampled_from([b"", b"<!DOCTYPE x [<!ENTITY a 'aaaa'>]>", b"&amp;&lt;&#0;&#x1b;",
                                 b"\xff\xfe", b"\x1b]52;c;eA==\x07", b"<![CDATA[", b"]]>"]))
    pos = draw(st.integers(min_value=0, max_value=len(data)))
    data[pos:pos] = junk
    if draw(st.booleans()):
        try:
            return bytes(data).decode("utf-8", "replace").encode(draw(st.sampled_from(["utf-16", "latin-1"])), "replace")
        except (UnicodeError, LookupError):
            pass
    return bytes(data)
