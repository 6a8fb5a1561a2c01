"""Parsing fetched feeds in worker processes when a refresh brings many at once.

feedparser is pure Python and most of a refresh of many fresh feeds: with several feeds due,
their bodies go to a standard :class:`~concurrent.futures.ProcessPoolExecutor` as they land,
while the refresh goes on fetching and storing. The executor starts with the first body
of the first such refresh, serves the later ones, and stops when the process exits.

Where worker processes cannot start (no POSIX semaphores in some containers; a ``stderr``
without a file descriptor, as under the TUI, which multiprocessing's resource tracker
needs), or one dies, the refresh parses in its own thread: slower, never wrong.

The executor cannot notice its parent die, so on Linux each worker asks the kernel for
SIGTERM when the thread that started it ends (``PR_SET_PDEATHSIG``): a refresh killed alone
(``kill -9`` of its pid, the OOM killer) takes its workers with it, and multiprocessing's
resource tracker, which keeps the command's stdout and stderr open, ends once they have.
"""

from __future__ import annotations

import atexit
import importlib
import os
import signal
import threading
from concurrent.futures import BrokenExecutor
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # (multiprocessing is imported when a refresh needs it)
    from concurrent.futures import Future, ProcessPoolExecutor

    from tuiguide.core.feeds.parse import ParsedFeed

PARALLEL_FROM = 8
"""Feeds due in one refresh from which workers parse (fewer: starting them costs more)."""
MAX_WORKERS = 2


def _worker_start(parent: int) -> None:
    """Ctrl-C reaches the whole process group: the process that started the workers handles
    it and stops them as it exits, so they ignore it. A worker writes nothing where the
    caller's output goes (under the TUI it would land mid-screen) and keeps none of its
    pipes open."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _end_with_parent(parent)
    null = os.open(os.devnull, os.O_RDWR)
    for fd in (0, 1, 2):
        os.dup2(null, fd)
    os.close(null)
    importlib.import_module("tuiguide.core.feeds.parse")  # feedparser, before the first body


def _end_with_parent(parent: int) -> None:
    """Linux: SIGTERM to this worker when the thread that spawned it ends (a ``kill -9`` of
    the refresh included); elsewhere nothing, and a killed refresh leaves idle workers."""
    import ctypes
    import ctypes.util

    pr_set_pdeathsig = 1
    name = ctypes.util.find_library("c")
    try:
        libc = ctypes.CDLL(name, use_errno=True) if name else None
        if libc is not None and hasattr(libc, "prctl"):
            libc.prctl(pr_set_pdeathsig, signal.SIGTERM, 0, 0, 0)
    except OSError:
        pass
    if os.getppid() != parent:  # the parent died before the request was made
        os.kill(os.getpid(), signal.SIGTERM)


def parse_body(body: bytes, url: str, content_type: str) -> ParsedFeed:
    """What a worker runs (a module-level function, so the executor can send it by name)."""
    from tuiguide.core.feeds.parse import parse_feed

    return parse_feed(body, url=url, content_type=content_type)


class ParseWorkers:
    """A :class:`~concurrent.futures.ProcessPoolExecutor` for parsing, started on the first
    body handed to it; once it cannot start or breaks, it hands every body back."""

    def __init__(self, max_workers: int = MAX_WORKERS):
        self.max_workers = max_workers
        self._pool: ProcessPoolExecutor | None = None
        self._lock = threading.Lock()
        self._broken = False

    def submit(self, body: bytes, url: str, content_type: str) -> Future[ParsedFeed] | None:
        """Parse ``body`` in a worker; None when the caller should parse it itself."""
        if self._broken:
            return None
        for attempt in (1, 2):
            try:
                with self._lock:
                    if self._pool is None:
                        self._pool = self._start()
                    pool = self._pool
                return pool.submit(parse_body, body, url, content_type)
            except BrokenExecutor:  # its workers ended (e.g. with the thread that started
                with self._lock:  # them): one fresh start, then the caller parses
                    if self._pool is pool:
                        self._pool = None
                pool.shutdown(wait=False, cancel_futures=True)
                if attempt == 2:
                    self._broken = True
            except Exception:  # cannot start: the caller parses
                self._broken = True
                return None
        return None

    def _start(self) -> ProcessPoolExecutor:
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor

        # spawn, not fork: forking a process that runs threads (the fetch loop, the app)
        # can copy a lock another thread holds into the child and hang it there.
        return ProcessPoolExecutor(
            max_workers=self.max_workers,
            mp_context=multiprocessing.get_context("spawn"),
            initializer=_worker_start,
            initargs=(os.getpid(),),
        )

    def shutdown(self) -> None:
        """Stop the workers: parses not started are dropped, running ones finish."""
        with self._lock:
            pool, self._pool = self._pool, None
        if pool is not None:
            pool.shutdown(wait=True, cancel_futures=True)


_lock = threading.Lock()
_shared: ParseWorkers | None = None


def for_refresh(due: int) -> ParseWorkers | None:
    """This process's parse workers when ``due`` feeds make them worth it, else None.

    One set serves every refresh of the process (an app or a benchmark refreshes again and
    again; a ``tuiguide refresh`` run ends with them). They stop when the interpreter exits,
    Ctrl-C included.
    """
    global _shared
    cores = os.cpu_count() or 1
    if due < PARALLEL_FROM or cores < 2:
        return None
    with _lock:
        if _shared is None:
            _shared = ParseWorkers(min(MAX_WORKERS, cores))
            # Stopped while the interpreter is whole: an executor collected during its
            # teardown reports errors on stderr.
            atexit.unregister(shutdown)
            atexit.register(shutdown)
        return _shared


def shutdown() -> None:
    """Stop this process's parse workers now; the next refresh that needs some starts anew."""
    global _shared
    with _lock:
        workers, _shared = _shared, None
    if workers is not None:
        workers.shutdown()
