"""One refresh's flow: fetch in a helper thread, parse in worker processes and in this
thread, store in this thread (its catalogue connection belongs to it).

This thread waits on one queue for both landed bodies and finished parses, so each feed is
stored as soon as it is parsed, even while a slow feed keeps the fetching going. Bodies
wait in a line; the workers get a few at a time, and whenever nothing else needs this
thread it parses the next one itself. So the refresh never waits for workers to start, and
without workers (few feeds due, or none can start) this thread parses everything.
"""

from __future__ import annotations

import queue
import threading
from collections import deque
from collections.abc import Callable
from concurrent.futures import Future, as_completed
from typing import TYPE_CHECKING, Any

from tuiguide.core.feeds.fetch import FetchRequest, FetchResult, FetchSettings, fetch_in_background
from tuiguide.core.feeds.record import parse_result

if TYPE_CHECKING:
    from tuiguide.core.feeds.parse import ParsedFeed
    from tuiguide.core.feeds.parse_workers import ParseWorkers

Store = Callable[[int, FetchResult, "ParsedFeed | None"], None]
"""Called in this thread with (request key, fetch result, parsed body or None)."""


def fetch_parse_store(
    requests: list[FetchRequest],
    store: Store,
    workers: ParseWorkers | None,
    settings: FetchSettings | None = None,
    stop: threading.Event | None = None,
) -> None:
    """Fetch ``requests``, parse what came, and hand each feed to ``store`` as it is ready.

    Every feed that landed is stored, even when ``stop`` ends the fetching or it fails.
    """
    events: queue.Queue[Any] = queue.Queue()
    waiting: deque[tuple[int, FetchResult]] = deque()  # bodies nobody parses yet
    in_workers: dict[Future[ParsedFeed], tuple[int, FetchResult]] = {}
    most_in_workers = 2 * workers.max_workers if workers else 0  # none idles between bodies

    def hand_out() -> None:
        while workers is not None and waiting and len(in_workers) < most_in_workers:
            key, result = waiting[0]
            assert result.body is not None
            future = workers.submit(result.body, result.final_url, result.content_type)
            if future is None:
                return  # no workers (now): this thread parses the rest
            waiting.popleft()
            in_workers[future] = (key, result)
            future.add_done_callback(events.put)

    def parsed_by_worker(future: Future[ParsedFeed]) -> None:
        key, result = in_workers.pop(future)
        store(key, result, parse_result(result, future))

    def parse_here() -> None:
        key, result = waiting.popleft()
        store(key, result, parse_result(result))

    thread = fetch_in_background(requests, events.put, settings, stop)
    fetching = True
    while fetching or in_workers or waiting:
        try:
            item = events.get(block=not waiting)
        except queue.Empty:  # nothing landed or parsed meanwhile: parse a body here
            parse_here()
            continue
        if item is None:
            fetching = False
        elif isinstance(item, BaseException):  # the fetching failed: keep what landed
            for future in as_completed(list(in_workers)):
                parsed_by_worker(future)
            while waiting:
                parse_here()
            raise item
        elif isinstance(item, Future):
            parsed_by_worker(item)
            hand_out()
        else:
            req, result = item
            if result.ok and not result.not_modified and result.body:
                waiting.append((req.key, result))
                hand_out()
            else:  # a failure, a 304, an empty body: nothing for a worker
                store(req.key, result, parse_result(result))
    thread.join(timeout=5)
