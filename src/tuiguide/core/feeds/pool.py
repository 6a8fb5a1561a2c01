"""Parsing fetched feeds in worker processes when a refresh brings many at once.

feedparser is pure Python: 50 fresh feeds of 50 entries take ~0.65 s of one core, two thirds
of such a refresh, while the other core waits. With several feeds due, the bodies go to
worker processes (one per core, two at most) as they land; fetching and storing go on in
the calling thread. The workers start on the first refresh that needs them and stay for the
life of the process (the app refreshes again and again; a CLI run ends with them).

Results are the same objects :func:`tuiguide.core.feeds.parse.parse_feed` returns inline; a
worker that dies or cannot start makes the caller parse inline instead.
"""

from __future__ import annotations

import atexit
import os
import sys
import threading
import time
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # (multiprocessing is imported on first use: the app starts without it)
    from concurrent.futures import Future, ProcessPoolExecutor

    from tuiguide.core.feeds.parse import ParsedFeed

PARALLEL_FROM = 8
"""Feeds due in one refresh from which workers parse (fewer: starting them costs more)."""
MAX_WORKERS = 2
PARENT_POLL = 0.25
"""Seconds between a worker's checks that the process that started it still runs."""

_lock = threading.Lock()
_pool: ProcessPoolExecutor | None = None
_broken = False


def _warm(parent: int) -> None:
    """Worker start-up: import the parser (and feedparser) before the first body arrives,
    and end this worker when its parent is gone.

    A parent killed with SIGKILL (cron's timeout, the OOM killer, a user) runs no clean-up:
    its workers would wait forever on a queue it can no longer close, holding its stdout
    and stderr open, so whoever waits for the killed command's output would wait forever.
    A worker writes nothing to the terminal either (stdout and stderr go to the null
    device): under the TUI, a stray warning would land in the middle of the screen.
    """
    null = os.open(os.devnull, os.O_WRONLY)
    os.dup2(null, 1)
    os.dup2(null, 2)
    os.close(null)
    threading.Thread(target=_exit_with, args=(parent,), name="tuiguide-parent-watch",
                     daemon=True).start()
    from tuiguide.core.feeds import parse as feeds_parse  # noqa: F401


def _exit_with(parent: int) -> None:
    while os.getppid() == parent:
        time.sleep(PARENT_POLL)
    os._exit(0)


def _parse(body: bytes, url: str, content_type: str) -> ParsedFeed:
    from tuiguide.core.feeds.parse import parse_feed

    return parse_feed(body, url=url, content_type=content_type)


def workers_for(due: int) -> ProcessPoolExecutor | None:
    """The worker pool when ``due`` feeds are worth it and this machine has cores to spare."""
    global _pool, _broken
    if due < PARALLEL_FROM or _broken or (os.cpu_count() or 1) < 2:
        return None
    with _lock:
        if _pool is None:
            try:
                _pool = _start()
            except Exception:  # no semaphores (some containers), no fds left: parse inline
                _broken = True
                return None
        return _pool


def _start() -> ProcessPoolExecutor:
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor
    from multiprocessing import resource_tracker

    # The helper process that multiprocessing starts alongside (its resource tracker)
    # inherits sys.stderr's file descriptor. Under the TUI sys.stderr is Textual's capture,
    # which has none (fileno() is -1 and starting fails); the tracker gets the null device.
    saved = sys.stderr
    with open(os.devnull, "w") as null:
        sys.stderr = null
        try:
            resource_tracker.ensure_running()
        finally:
            sys.stderr = saved
    # spawn: forking a process that runs threads (the app, the fetch loop) can copy a
    # held lock into the child and hang it.
    return ProcessPoolExecutor(
        max_workers=min(MAX_WORKERS, os.cpu_count() or 1),
        mp_context=multiprocessing.get_context("spawn"),
        initializer=_warm,
        initargs=(os.getpid(),),
    )


def submit(pool: ProcessPoolExecutor, body: bytes, url: str, content_type: str
           ) -> Future[ParsedFeed] | None:
    """Queue one body; None when the pool cannot take it (the caller parses inline)."""
    global _broken
    try:
        return pool.submit(_parse, body, url, content_type)
    except Exception:  # BrokenProcessPool, or shut down at exit
        _broken = True
        return None


def shutdown() -> None:
    """Stop the workers (at exit; tests)."""
    global _pool
    with _lock:
        pool, _pool = _pool, None
    if pool is not None:
        pool.shutdown(wait=True, cancel_futures=True)


atexit.register(shutdown)
