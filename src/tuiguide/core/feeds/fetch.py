"""Fetch feeds over HTTP with hard limits: a feed can be slow, huge or hostile, never fatal.

feedparser's own fetching has no timeout and no size cap, so we fetch here with httpx and
hand feedparser bytes. Every feed gets a total deadline (connect + headers + body), a cap on
the *decompressed* body enforced while streaming (a small gzip body can inflate to
hundreds of megabytes), at most ``max_parallel`` requests overall and ``per_host`` per
host, at most ``max_redirects`` redirects, a conditional GET, and a plain-English error.
"""

from __future__ import annotations

import asyncio
import os
import threading
import zlib
from collections.abc import AsyncIterator, Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from tuiguide import __version__
from tuiguide.core.feeds.inflate import Inflater, TooLarge, content_encoding

if TYPE_CHECKING:
    import ssl

    import httpx  # imported where used: the app's start-up need not load it

MB = 1024 * 1024
USER_AGENT = f"tuiguide/{__version__} (+feed reader)"
ACCEPT = (
    "application/atom+xml, application/rss+xml, application/rdf+xml;q=0.9, "
    "application/xml;q=0.9, text/xml;q=0.9, */*;q=0.5"
)


@dataclass(frozen=True)
class FetchSettings:
    """Limits for one refresh. Tests shrink them; the defaults suit real feeds."""

    timeout: float = 15.0
    connect_timeout: float = 15.0
    max_bytes: int = 10 * MB
    max_parallel: int = 8
    per_host: int = 2
    max_redirects: int = 5
    user_agent: str = USER_AGENT
    trust_env: bool = True
    accept: str = ACCEPT


@dataclass(frozen=True)
class FetchRequest:
    """One feed to fetch, with the validators from its last successful fetch."""

    key: int
    url: str
    etag: str | None = None
    last_modified: str | None = None


@dataclass
class FetchResult:
    """What came back. ``error`` is a short phrase for the user when the fetch failed."""

    url: str
    final_url: str = ""
    status: int | None = None
    body: bytes | None = None
    content_type: str = ""
    etag: str | None = None
    last_modified: str | None = None
    not_modified: bool = False
    error: str | None = None
    retry_after: float | None = None
    headers: dict[str, str] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return self.error is None


def parse_retry_after(value: str | None, now: datetime | None = None) -> float | None:
    """Seconds to wait from a ``Retry-After`` header (delta-seconds or an HTTP date)."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())


def _mb(n: int) -> str:
    return f"{n / MB:g} MB" if n >= MB else f"{n // 1024} KB" if n >= 1024 else f"{n} bytes"


def _seconds(n: float) -> str:
    return f"{n:g} s"


def _root_os_error(exc: BaseException) -> BaseException | None:
    """The innermost OSError behind an httpx error (anyio hides it behind a summary)."""
    found = None
    seen = 0
    current: BaseException | None = exc
    while current is not None and seen < 10:
        if isinstance(current, OSError) and getattr(current, "errno", None) is not None:
            found = current
        current = current.__cause__ or current.__context__
        seen += 1
    return found


def describe_error(exc: BaseException, settings: FetchSettings) -> str:
    """A short phrase naming what went wrong (the caller adds the URL)."""
    import httpx

    if isinstance(exc, TimeoutError | httpx.TimeoutException):
        if isinstance(exc, httpx.ConnectTimeout):
            return f"could not connect within {_seconds(settings.connect_timeout)}"
        return f"timed out after {_seconds(settings.timeout)}"
    if isinstance(exc, httpx.TooManyRedirects):
        return f"too many redirects (more than {settings.max_redirects})"
    if isinstance(exc, httpx.UnsupportedProtocol):
        return "redirected to a link that is not http or https"
    if isinstance(exc, httpx.ConnectError):
        root = _root_os_error(exc)
        if isinstance(root, ConnectionRefusedError):
            return "connection refused"
        text = str(exc) or exc.__class__.__name__
        low = text.lower()
        if "name or service not known" in low or "nodename nor servname" in low or (
            "getaddrinfo" in low
        ) or "name resolution" in low:
            return "cannot find the host (DNS lookup failed)"
        if "refused" in low:
            return "connection refused"
        if "certificate" in low or "ssl" in low:
            return f"TLS error: {text}"
        return f"cannot connect: {text}"
    if isinstance(exc, httpx.RemoteProtocolError):
        return f"the server broke the connection ({exc})"
    if isinstance(exc, httpx.HTTPError):
        return f"network error: {exc or exc.__class__.__name__}"
    if isinstance(exc, zlib.error):
        return "the server sent corrupt compressed data"
    if isinstance(exc, OSError):
        return f"network error: {exc.strerror or exc}"
    return f"{exc.__class__.__name__}: {exc}"


_TLS_CONTEXTS: dict[tuple[bool, str | None, str | None], ssl.SSLContext] = {}


def _tls_context(trust_env: bool) -> ssl.SSLContext:
    """httpx's default certificate-checking context, built once per process (loading the CA
    bundle is slow enough to notice on every refresh). Keyed by what httpx reads from the
    environment, so a changed SSL_CERT_FILE/SSL_CERT_DIR still takes effect."""
    import httpx

    key = (trust_env, os.environ.get("SSL_CERT_FILE"), os.environ.get("SSL_CERT_DIR"))
    context = _TLS_CONTEXTS.get(key)
    if context is None:
        context = _TLS_CONTEXTS[key] = httpx.create_ssl_context(trust_env=trust_env)
    return context


class Fetcher:
    """Fetch many feeds at once within the limits of one :class:`FetchSettings`."""

    def __init__(self, settings: FetchSettings | None = None):
        self.settings = settings or FetchSettings()
        self._hosts: dict[str, asyncio.Semaphore] = {}

    def _client(self) -> httpx.AsyncClient:
        import httpx

        s = self.settings
        return httpx.AsyncClient(
            verify=_tls_context(s.trust_env),
            follow_redirects=True,
            max_redirects=s.max_redirects,
            timeout=httpx.Timeout(s.timeout, connect=min(s.connect_timeout, s.timeout)),
            headers={
                "User-Agent": s.user_agent,
                "Accept": s.accept,
                "Accept-Encoding": "gzip, deflate",
            },
            limits=httpx.Limits(
                max_connections=max(1, s.max_parallel),
                max_keepalive_connections=max(1, s.max_parallel),
            ),
            trust_env=s.trust_env,
        )

    def _host_lock(self, url: str) -> asyncio.Semaphore:
        host = (urlsplit(url).hostname or "").lower()
        if host not in self._hosts:
            self._hosts[host] = asyncio.Semaphore(max(1, self.settings.per_host))
        return self._hosts[host]

    async def fetch(self, client: httpx.AsyncClient, req: FetchRequest) -> FetchResult:
        """Fetch one feed; never raises for network trouble (the result carries the error)."""
        import httpx

        result = FetchResult(url=req.url, final_url=req.url)
        try:
            async with asyncio.timeout(self.settings.timeout):
                await self._fetch(client, req, result)
        except TooLarge:
            result.body = None
            result.error = f"response larger than {_mb(self.settings.max_bytes)} (refused)"
        except (httpx.HTTPError, TimeoutError, OSError, zlib.error) as exc:
            result.body = None
            result.error = describe_error(exc, self.settings)
        return result

    async def _fetch(self, client: httpx.AsyncClient, req: FetchRequest, result: FetchResult) -> None:
        headers: dict[str, str] = {}
        if req.etag:
            headers["If-None-Match"] = req.etag
        if req.last_modified:
            headers["If-Modified-Since"] = req.last_modified
        async with client.stream("GET", req.url, headers=headers) as resp:
            result.status = resp.status_code
            result.final_url = str(resp.url)
            result.headers = {k.lower(): v for k, v in resp.headers.items()}
            result.content_type = resp.headers.get("content-type", "")
            if resp.status_code == 304:
                result.not_modified = True
                result.etag = resp.headers.get("etag") or req.etag
                result.last_modified = resp.headers.get("last-modified") or req.last_modified
                return
            if resp.status_code >= 400:
                reason = resp.reason_phrase or ""
                result.error = f"HTTP {resp.status_code} {reason}".rstrip()
                if resp.status_code in (429, 503):
                    result.retry_after = parse_retry_after(resp.headers.get("retry-after"))
                return
            if resp.status_code != 200:
                result.error = f"unexpected HTTP {resp.status_code} {resp.reason_phrase}".rstrip()
                return
            encoding = content_encoding(resp.headers.get("content-encoding", ""))
            if encoding is None:
                result.error = (
                    f"unsupported Content-Encoding {resp.headers.get('content-encoding')!r}"
                )
                return
            declared = resp.headers.get("content-length", "")
            if encoding == "identity" and declared.isdigit() and int(declared) > self.settings.max_bytes:
                raise TooLarge
            inflater = Inflater(encoding, self.settings.max_bytes)
            async for chunk in resp.aiter_raw():
                inflater.feed(chunk)
            result.body = inflater.finish()
            result.etag = resp.headers.get("etag")
            result.last_modified = resp.headers.get("last-modified")

    async def stream(
        self,
        requests: Sequence[FetchRequest],
        stop: threading.Event | None = None,
    ) -> AsyncIterator[tuple[FetchRequest, FetchResult]]:
        """Fetch ``requests`` concurrently; yield each (request, result) as it finishes.

        Setting ``stop`` cancels the fetches still running (nothing more is yielded).
        """
        overall = asyncio.Semaphore(max(1, self.settings.max_parallel))

        async def one(client: httpx.AsyncClient, req: FetchRequest) -> tuple[FetchRequest, FetchResult]:
            async with overall, self._host_lock(req.url):
                return req, await self.fetch(client, req)

        async with self._client() as client:
            tasks = [asyncio.ensure_future(one(client, r)) for r in requests]
            watcher = asyncio.ensure_future(_watch(stop, tasks)) if stop is not None else None
            try:
                for next_done in asyncio.as_completed(tasks):
                    try:
                        yield await next_done
                    except asyncio.CancelledError:
                        if stop is not None and stop.is_set():
                            return
                        raise
            finally:
                for t in tasks:
                    t.cancel()
                if watcher is not None:
                    watcher.cancel()
                await asyncio.gather(*tasks, return_exceptions=True)


async def _watch(stop: threading.Event, tasks: Sequence[asyncio.Future[Any]]) -> None:
    while not stop.is_set():
        await asyncio.sleep(0.05)
    for t in tasks:
        t.cancel()


def run_fetches(
    requests: Sequence[FetchRequest],
    on_result: Callable[[FetchRequest, FetchResult], None],
    settings: FetchSettings | None = None,
    stop: threading.Event | None = None,
) -> None:
    """Fetch from synchronous code, calling ``on_result`` in this thread as each one lands.

    Runs its own event loop; from a thread that already runs one (an async test, the UI's
    loop) the loop runs in a helper thread while this one handles results.
    """
    if not requests:
        return
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        asyncio.run(_stream(requests, lambda item: on_result(*item), settings, stop))
        return
    # A loop runs here already: fetch in a helper thread, handle results in this thread
    # (the caller's database connection belongs to it).
    fetch_beside(requests, on_result, settings, stop)


def fetch_beside(
    requests: Sequence[FetchRequest],
    on_result: Callable[[FetchRequest, FetchResult], None],
    settings: FetchSettings | None = None,
    stop: threading.Event | None = None,
) -> None:
    """Fetch in a helper thread while this thread calls ``on_result`` as each one lands (so
    slow work on a result, or a running event loop here, never holds the fetches up).

    On the way out, by an error too, ``stop`` (when given) ends the helper, which is waited for.
    """
    import queue

    landed: queue.Queue[tuple[FetchRequest, FetchResult] | BaseException | None] = queue.Queue()
    thread = fetch_in_background(requests, landed.put, settings, stop)
    try:
        while True:
            item = landed.get()
            if item is None:
                break
            if isinstance(item, BaseException):
                raise item
            on_result(*item)
    finally:
        if stop is not None and thread.is_alive():
            stop.set()
        thread.join()


async def _stream(
    requests: Sequence[FetchRequest],
    put: Callable[[tuple[FetchRequest, FetchResult]], None],
    settings: FetchSettings | None,
    stop: threading.Event | None,
) -> None:
    async for req, res in Fetcher(settings).stream(requests, stop):
        put((req, res))


def fetch_in_background(
    requests: Sequence[FetchRequest],
    put: Callable[[tuple[FetchRequest, FetchResult] | BaseException | None], None],
    settings: FetchSettings | None = None,
    stop: threading.Event | None = None,
) -> threading.Thread:
    """Fetch in a helper thread that hands each ``(request, result)`` to ``put`` as it lands,
    then an exception if the fetching itself failed, and ``None`` last of all.

    For callers that wait on more than the fetches (a refresh also waits on its parsers).
    """
    def worker() -> None:
        try:
            asyncio.run(_stream(requests, put, settings, stop))
        except BaseException as exc:  # handed to the caller's thread
            put(exc)
        finally:
            put(None)

    thread = threading.Thread(target=worker, name="tuiguide-fetch", daemon=True)
    thread.start()
    return thread
