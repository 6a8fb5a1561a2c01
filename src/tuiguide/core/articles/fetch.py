"""Fetch links, extract their text and store it: the one path the CLI, the app and the
benchmark take.

Fetching uses the feeds' client and limits (:mod:`tuiguide.core.feeds.fetch`: timeouts, a
cap on the decompressed body, at most 5 redirects, 2 requests per host at a time, a
conditional GET when a text is stored). Pages are fetched in a helper thread while this
thread extracts each one as it lands (in :class:`~tuiguide.core.reader.Extractor`'s
time-limited worker) and stores it, one short transaction per page, so an interrupted batch
keeps everything it finished.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

from tuiguide.core.articles import store
from tuiguide.core.articles.store import StoredArticle, Target
from tuiguide.core.errors import UserError
from tuiguide.core.feeds.fetch import (
    MB,
    USER_AGENT,
    FetchRequest,
    FetchResult,
    FetchSettings,
    fetch_beside,
)
from tuiguide.core.reader import ExtractError, Extractor
from tuiguide.core.text.sanitize import clean_text

if TYPE_CHECKING:
    from tuiguide.core.store.catalogue import Catalogue

PAGE_ACCEPT = "text/html, application/xhtml+xml, application/pdf;q=0.9, text/plain;q=0.8, */*;q=0.5"
ARTICLE_SETTINGS = FetchSettings(
    timeout=30.0, connect_timeout=15.0, max_bytes=30 * MB, max_parallel=8, per_host=2,
    max_redirects=5, user_agent=USER_AGENT.replace("feed reader", "reader"), accept=PAGE_ACCEPT,
)
"""The feeds' limits, with room for a long PDF and the reader's Accept header."""


@dataclass(frozen=True)
class Outcome:
    """What happened to one link: ``fetched`` (new or changed text stored), ``unchanged``,
    or ``failed`` with a one-line ``error``; ``link_state`` is its health after the fetch."""

    target: Target
    result: str
    error: str | None = None
    link_state: str = "ok"
    http_status: int | None = None


@dataclass
class Summary:
    """Counts for a batch, as ``fetched 312, unchanged 9, failed 12``."""

    fetched: int = 0
    unchanged: int = 0
    failed: int = 0
    skipped: int = 0
    outcomes: list[Outcome] = field(default_factory=list)

    def add(self, outcome: Outcome) -> None:
        self.outcomes.append(outcome)
        if outcome.result == "fetched":
            self.fetched += 1
        elif outcome.result == "unchanged":
            self.unchanged += 1
        else:
            self.failed += 1

    def line(self) -> str:
        text = f"fetched {self.fetched}, unchanged {self.unchanged}, failed {self.failed}"
        if self.skipped:
            text += f" ({self.skipped} already stored, skipped)"
        return text


def pending(cat: Catalogue, targets: Sequence[Target]) -> tuple[list[Target], int]:
    """The targets with no stored text yet, and how many were left out: what a resumed
    batch still has to do."""
    have = store.stored_urls(cat, (t.url for t in targets))
    todo = [t for t in targets if t.url not in have]
    return todo, len(targets) - len(todo)


def fetch_articles(
    cat: Catalogue,
    targets: Sequence[Target],
    *,
    settings: FetchSettings | None = None,
    extractor: Extractor | None = None,
    on_outcome: Callable[[Outcome], None] | None = None,
    stop: threading.Event | None = None,
) -> Summary:
    """Fetch, extract and store each target; never raises for a page's trouble (its
    outcome carries the error). ``stop`` ends the batch early (what is stored stays)."""
    summary = Summary()
    if not targets:
        return summary
    settings = settings or ARTICLE_SETTINGS
    by_key: dict[int, Target] = {}
    requests: list[FetchRequest] = []
    for key, target in enumerate(_distinct(targets)):
        etag, last_modified = store.validators(cat, target.url)
        by_key[key] = target
        requests.append(FetchRequest(key, target.link, etag, last_modified))
    own = extractor is None
    ext = extractor or Extractor()

    def landed(request: FetchRequest, result: FetchResult) -> None:
        outcome = _store_one(cat, ext, by_key[request.key], result)
        summary.add(outcome)
        if on_outcome is not None:
            on_outcome(outcome)

    try:
        fetch_beside(requests, landed, settings, stop)  # extraction never holds fetches up
    finally:
        if own:
            ext.close()
    return summary


def _distinct(targets: Sequence[Target]) -> list[Target]:
    seen: set[str] = set()
    out = []
    for t in targets:
        if t.url not in seen:
            seen.add(t.url)
            out.append(t)
    return out


def _store_one(cat: Catalogue, ext: Extractor, target: Target, result: FetchResult) -> Outcome:
    now = cat.now()
    state = store.record_check(cat, target, status=result.status, error=result.error, now=now)
    done = Outcome(target=target, result="fetched", link_state=state, http_status=result.status)
    if not result.ok:
        return replace(done, result="failed", error=result.error)
    if result.not_modified:
        return replace(done, result="unchanged")
    try:
        article = ext.extract(result.body or b"", url=result.final_url or target.link,
                              content_type=result.content_type or None)
    except ExtractError as exc:
        return replace(done, result="failed", error=str(exc))
    changed = store.save(cat, target, article, final_url=result.final_url or target.link,
                         http_status=result.status, etag=result.etag,
                         last_modified=result.last_modified, now=now)
    return replace(done, result="fetched" if changed else "unchanged")



def read_article(cat: Catalogue, target: Target, *, refresh: bool = False,
                 settings: FetchSettings | None = None, extractor: Extractor | None = None,
                 ) -> StoredArticle:
    """The stored text of ``target``, fetched first when none is stored (or ``refresh``).

    Raises :class:`UserError` (one line naming the link) when it cannot be fetched; a text
    stored before stays readable whatever the network does.
    """
    stored = store.get(cat, target.url)
    if stored is not None and not refresh:
        return stored
    summary = fetch_articles(cat, [target], settings=settings, extractor=extractor)
    stored = store.get(cat, target.url)
    if stored is not None:
        return stored
    error = summary.outcomes[0].error if summary.outcomes else "nothing came back"
    raise UserError(f"{clean_text(target.link)}: {error}; the text is not stored yet "
                    "(try again when the network is back, or open it in a browser)")
