"""Extraction in a separate process with a time and memory limit: a hostile page (a million
tiny tags, deep nesting, broken markup) costs one recorded error, never a frozen app or batch.

Each worker is a ``multiprocessing`` process (spawn: forking a process that runs threads can
copy a held lock into the child). It starts on the first extraction, serves one page at a
time over a pipe, and is killed and replaced when a page overruns :attr:`Extractor.timeout`
or dies. Limits, enforced in the worker: :data:`MEMORY_LIMIT` of address space, and an alarm
that ends a worker whose parent stopped waiting. :meth:`Extractor.close` stops them all.
"""

from __future__ import annotations

import contextlib
import math
import os
import queue
import sys
import threading
from typing import TYPE_CHECKING, Any

from tuiguide.core.reader.article import Article, ExtractError
from tuiguide.core.reader.detect import check_extractable

if TYPE_CHECKING:  # multiprocessing is imported on first use: the app starts without it
    from multiprocessing.connection import Connection
    from multiprocessing.process import BaseProcess

DEFAULT_TIMEOUT = 20.0
"""Seconds one page may take. Real pages take well under a second; a long PDF a few."""
START_TIMEOUT = 60.0
"""Seconds a new worker may take to start and import its libraries (a cold, busy machine)."""
MEMORY_LIMIT = 2 * 1024 * 1024 * 1024
"""Address space a worker may use: a few times what the largest real page needs."""


class Extractor:
    """Extract pages in worker processes: ``extract()`` from any thread, ``close()`` at the end.

    ``workers`` pages are extracted at once (callers beyond that wait for a free worker).
    """

    def __init__(self, *, timeout: float = DEFAULT_TIMEOUT, workers: int = 1,
                 memory_limit: int | None = MEMORY_LIMIT):
        self.timeout = timeout
        self.memory_limit = memory_limit
        self._slots = [_Worker(memory_limit) for _ in range(max(1, workers))]
        self._idle: queue.Queue[_Worker] = queue.Queue()
        for slot in self._slots:
            self._idle.put(slot)
        self._closed = False

    def __enter__(self) -> Extractor:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    def extract(self, body: bytes, *, url: str, content_type: str | None = None) -> Article:
        """The article in ``body``; :class:`ExtractError` (one line) for a page with none, one
        over its size cap, one that overran the time or memory limit, or a closed extractor."""
        check_extractable(body, content_type)
        if self._closed:
            raise ExtractError("the extractor is closed")
        slot = self._idle.get()
        try:
            if self._closed:
                raise ExtractError("the extractor is closed")
            return slot.run((body, url, content_type, self.timeout), self.timeout)
        finally:
            self._idle.put(slot)

    def close(self) -> None:
        """Stop every worker (a busy one is killed; its caller gets an :class:`ExtractError`)."""
        self._closed = True
        for slot in self._slots:
            slot.stop()

    @property
    def running(self) -> int:
        """Worker processes alive now (for tests and diagnostics)."""
        return sum(1 for slot in self._slots if slot.alive)


class _Worker:
    """One worker process and its end of the pipe; started on demand, replaced when killed."""

    def __init__(self, memory_limit: int | None):
        self.memory_limit = memory_limit
        self.process: BaseProcess | None = None
        self.pipe: Connection | None = None
        self.lock = threading.Lock()

    @property
    def alive(self) -> bool:
        return self.process is not None and self.process.is_alive()

    def run(self, job: tuple[bytes, str, str | None, float], timeout: float) -> Article:
        with self.lock:
            conn = self._connection()
            try:
                conn.send(job)
                if not conn.poll(timeout):
                    self._kill()
                    raise ExtractError(f"extraction took longer than {timeout:g} s (stopped)")
                status, value = conn.recv()
            except (EOFError, OSError):
                code = None
                if self.process is not None:
                    self.process.join(2)  # reaped, so its exit code tells how it ended
                    code = self.process.exitcode
                self._kill()
                raise ExtractError(_death(code)) from None
        if status == "ok" and isinstance(value, Article):
            return value
        raise ExtractError(str(value))

    def _connection(self) -> Connection:
        if self.pipe is not None and self.alive:
            return self.pipe
        self._kill()
        import multiprocessing

        context = multiprocessing.get_context("spawn")
        parent_end, child_end = context.Pipe()
        process = context.Process(
            target=serve, args=(child_end, self.memory_limit), name="tuiguide-extract", daemon=True
        )
        _start_quietly(process)
        child_end.close()
        self.process, self.pipe = process, parent_end
        try:
            ready = parent_end.poll(START_TIMEOUT) and parent_end.recv() == "ready"
        except (EOFError, OSError):
            ready = False
        if not ready:
            self._kill()
            raise ExtractError("the extraction worker could not start")
        return parent_end

    def _kill(self) -> None:
        process, pipe = self.process, self.pipe
        self.process = self.pipe = None
        if process is not None:
            if process.is_alive():
                process.kill()
            process.join(5)
        if pipe is not None:
            pipe.close()

    def stop(self) -> None:
        """Ask the worker to finish, then kill it if it does not at once."""
        pipe, process = self.pipe, self.process
        if pipe is not None and process is not None and process.is_alive():
            with contextlib.suppress(OSError, ValueError):
                pipe.send(None)
            process.join(1)
        self._kill()


def _death(exitcode: int | None) -> str:
    if exitcode is not None and exitcode < 0:
        return f"the extractor stopped on this page (signal {-exitcode}); open it in a browser"
    return "the extractor stopped on this page; open it in a browser"


def _start_quietly(process: BaseProcess) -> None:
    """Start ``process`` with ``sys.stderr`` on the null device for the moment it starts.

    multiprocessing's helper process (its resource tracker) inherits sys.stderr's file
    descriptor. Under the TUI sys.stderr is Textual's capture, which has none (``fileno()``
    is -1 and starting fails).
    """
    saved = sys.stderr
    with open(os.devnull, "w") as null:
        sys.stderr = null
        try:
            process.start()
        finally:
            sys.stderr = saved


def serve(conn: Connection, memory_limit: int | None) -> None:
    """The worker's loop: set its limits, load the extractor, answer one page at a time.

    Writes nothing to the terminal (stdout and stderr go to the null device: under the TUI a
    stray warning would land in the middle of the screen). Ends when the pipe closes (its
    parent has gone) or on ``None``.
    """
    null = os.open(os.devnull, os.O_WRONLY)
    os.dup2(null, 1)
    os.dup2(null, 2)
    os.close(null)
    _limit_memory(memory_limit)
    from tuiguide.core.reader.pipeline import extract_article

    conn.send("ready")
    while True:
        try:
            job = conn.recv()
        except (EOFError, OSError):
            return
        if job is None:
            return
        body, url, content_type, timeout = job
        _alarm(timeout)
        answer: tuple[str, Any]
        try:
            answer = ("ok", extract_article(body, url=url, content_type=content_type))
        except ExtractError as exc:
            answer = ("error", str(exc))
        except MemoryError:
            answer = ("error", "the page needs more memory than tuiguide allows")
        except RecursionError:
            answer = ("error", "the page is nested too deeply to read")
        except Exception as exc:  # a bug in a library on a strange page: one page's error
            answer = ("error", f"the page could not be read ({type(exc).__name__})")
        _alarm(None)
        del body, job
        try:
            conn.send(answer)
        except (OSError, ValueError):
            return


def _limit_memory(limit: int | None) -> None:
    """Cap the worker's address space, where the OS allows it (a page over it fails alone)."""
    if not limit:
        return
    try:
        import resource
    except ImportError:  # Windows
        return
    with contextlib.suppress(ValueError, OSError):
        soft, hard = resource.getrlimit(resource.RLIMIT_AS)
        if hard != resource.RLIM_INFINITY:
            limit = min(limit, hard)
        resource.setrlimit(resource.RLIMIT_AS, (limit, hard))


def _alarm(timeout: float | None) -> None:
    """A second time limit inside the worker: SIGALRM's default action ends the process, so a
    worker whose parent was killed mid-page (and will never kill it) still ends soon after."""
    import signal

    if hasattr(signal, "alarm"):
        signal.alarm(0 if timeout is None else math.ceil(timeout * 2) + 5)
