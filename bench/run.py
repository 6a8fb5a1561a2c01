"""tuiguide's benchmark (issue 6): one table of figures, each with its target and verdict.

    python bench/run.py                 # everything, 5 runs each, table on stdout
    python bench/run.py --json          # the same as JSON
    python bench/run.py --only search,import --sizes 337,5000
    python bench/run.py --markdown BENCHMARKS.md   # also write the table as markdown

Figures (medians of --runs runs, p95 for latencies), measured side by side in one run:

1. startup: whole process to the first painted frame with data (``tuiguide --db X`` with
   TUIGUIDE_EXIT_AFTER_READY=1 in a pseudo-terminal), and the same for a minimal Textual app
   (bench/minimal_app.py: Tree + OptionList + Static), interleaved; the ratio at each size.
2. keys: CPU time (all threads) to handle a key and repaint, through App.run_test's Pilot.
3. search: per-keystroke latency of search-as-you-type (tuiguide.core.search.engine with as_you_type),
   typing realistic queries one character at a time, highlighting the visible rows.
4. import: a 50k-resource guide file imported into an empty catalogue.
5. refresh: 50 feeds x 50 entries from local HTTP servers, fresh and all-304, against
   ``newsboat -x reload`` on the same feeds (skipped with a note when newsboat is absent).
6. rss: peak resident memory of the app process at each size (startup to first frame, and a
   short scripted session), measured by GNU time around the app alone.
7. suggest: the suggester's leave-one-out top-1/top-3 topic accuracy on the bundled guide.

Catalogues of 5k and 50k resources are built once by bench/make_catalogue.py in --workdir and
reused (the 337 one is the bundled guide). Rows whose feature is missing say "pending: why".
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import fcntl
import json
import os
import platform
import pty
import select
import shutil
import sqlite3
import statistics
import struct
import subprocess
import sys
import tempfile
import termios
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))
try:
    import tuiguide  # noqa: F401
except ImportError:  # pragma: no cover - run from a checkout without the package installed
    sys.path.insert(0, str(BENCH.parent / "src"))

import make_catalogue  # noqa: E402

from tuiguide.core.store.catalogue import Catalogue  # noqa: E402

SIZES = (337, 5000, 50_000)
FIGURES = ("startup", "keys", "search", "import", "refresh", "rss", "suggest")
TERM_SIZE = (120, 40)  # columns, rows


# ---------------------------------------------------------------------------- results
@dataclass
class Row:
    figure: str
    name: str
    size: int | None = None
    median: float | None = None
    p95: float | None = None
    unit: str = ""
    target: str = ""
    passed: bool | None = None
    note: str = ""
    samples: int = 0

    @property
    def verdict(self) -> str:
        if self.note.startswith("pending"):
            return "pending"
        return {True: "pass", False: "MISS", None: "-"}[self.passed]


def pending(figure: str, name: str, why: str, target: str = "") -> Row:
    return Row(figure, name, target=target, note=f"pending: {why}")


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    k = min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))
    return ordered[k]


def summary(figure: str, name: str, values: list[float], unit: str, *, size: int | None = None,
            target: str = "", limit: float | None = None, use_p95: bool = True,
            note: str = "") -> Row:
    """A row from samples; ``limit`` is checked against p95 (latencies) or the median."""
    med = statistics.median(values)
    p95 = percentile(values, 0.95) if use_p95 else None
    checked = p95 if use_p95 else med
    passed = None if limit is None else checked <= limit
    return Row(figure, name, size, med, p95, unit, target, passed, note, len(values))


def label(size: int) -> str:
    return f"{size // 1000}k" if size >= 1000 and size % 1000 == 0 else str(size)


# ---------------------------------------------------------------------------- catalogues
def catalogue_path(workdir: Path, size: int) -> Path:
    """A ready catalogue of ``size`` resources (built once, then reused)."""
    path = workdir / f"catalogue-{size}.db"
    stamp = path.with_suffix(".ok")
    from tuiguide.core.store.migrations import latest_version

    want = f"{size} schema {latest_version()} seed 1"
    if path.exists() and stamp.exists() and stamp.read_text() == want:
        return path
    for old in workdir.glob(f"catalogue-{size}.db*"):
        old.unlink()
    if size == 337:
        Catalogue.open(path).close()  # the bundled guide
    else:
        make_catalogue.make_catalogue(path, size, seed=1)
    stamp.write_text(want)
    return path


def fresh_copy(path: Path, workdir: Path, tag: str) -> Path:
    """A private copy (tests that write must not change the shared catalogue)."""
    copy = workdir / f"{path.stem}-{tag}.db"
    for old in workdir.glob(f"{copy.name}*"):
        old.unlink()
    src = sqlite3.connect(path)
    dst = sqlite3.connect(copy)
    src.backup(dst)
    src.close()
    dst.close()
    return copy


# ---------------------------------------------------------------------------- processes in a pty
@dataclass
class Run:
    seconds: float
    returncode: int
    output: bytes


def run_in_pty(cmd: list[str], env_extra: dict[str, str], *, keys: Iterable[tuple[float, bytes]] = (),
               timeout: float = 60.0) -> Run:
    """Run ``cmd`` on a pseudo-terminal of TERM_SIZE; optionally type ``keys`` (delay, bytes)
    once it has drawn something. Returns the wall time, exit code and output."""
    master, slave = pty.openpty()
    cols, rows = TERM_SIZE
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))
    env = dict(os.environ, TERM="xterm-256color", COLORTERM="truecolor", **env_extra)
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdin=slave, stdout=slave, stderr=slave, env=env,
                            start_new_session=True, close_fds=True)
    os.close(slave)
    out = bytearray()
    script = list(keys)
    next_key_at: float | None = None
    try:
        while True:
            ready, _, _ = select.select([master], [], [], 0.02)
            if ready:
                try:
                    data = os.read(master, 65536)
                except OSError:  # EIO: the child closed the terminal
                    data = b""
                if not data:
                    break
                out += data
                if script and next_key_at is None:
                    next_key_at = time.perf_counter() + script[0][0]
            if script and next_key_at is not None and time.perf_counter() >= next_key_at:
                os.write(master, script.pop(0)[1])
                next_key_at = time.perf_counter() + (script[0][0] if script else 0)
            if proc.poll() is not None and not ready:
                break
            if time.perf_counter() - start > timeout:
                proc.kill()
                break
    finally:
        code = proc.wait()
        seconds = time.perf_counter() - start
        os.close(master)
    return Run(seconds, code, bytes(out))


def tuiguide_cmd(db: Path) -> list[str]:
    exe = Path(sys.executable).with_name("tuiguide")
    if exe.exists():
        return [str(exe), "--db", str(db)]
    return [sys.executable, "-m", "tuiguide.cli.main", "--db", str(db)]


def byte_compile() -> str:
    """Compile tuiguide's modules to bytecode, as ``pip install`` does, so the start-up figure
    times the app, not the compiler: an editable install under PYTHONDONTWRITEBYTECODE=1
    (this machine's environment) would otherwise compile every module from source on
    every start (~60 ms)."""
    import compileall

    import tuiguide

    package = Path(tuiguide.__file__).resolve().parent
    ok = compileall.compile_dir(str(package), quiet=1)
    return f"tuiguide byte-compiled ({'ok' if ok else 'with errors'}), as pip install does"


def measure_startup(paths: dict[int, Path], runs: int) -> list[Row]:
    """Figure 1."""
    rows: list[Row] = []
    env = {"TUIGUIDE_EXIT_AFTER_READY": "1"}
    compiled = byte_compile()
    minimal = [sys.executable, str(BENCH / "minimal_app.py")]
    floor: list[float] = []
    ours: dict[int, list[float]] = {size: [] for size in paths}
    run_in_pty(minimal, env)  # warm the OS file cache for both
    for db in paths.values():
        run_in_pty(tuiguide_cmd(db), env)
    for _ in range(runs):
        for size, db in paths.items():  # interleaved, so both see the same machine load
            result = run_in_pty(tuiguide_cmd(db), env)
            if result.returncode != 0:
                text = result.output.decode("utf-8", "replace").strip().splitlines()
                rows.append(pending("startup", f"tuiguide ({label(size)})",
                                    f"exit {result.returncode}: {text[-1] if text else ''}"))
                return rows
            ours[size].append(result.seconds)
            floor.append(run_in_pty(minimal, env).seconds)
    floor_med = statistics.median(floor)
    rows.append(summary("startup", "minimal Textual app (floor)", floor, "s", use_p95=False,
                        note=compiled))
    for size, values in ours.items():
        ratio = statistics.median(values) / floor_med
        limit_ok = ratio <= 1.3 if size == 50_000 else None
        rows.append(summary("startup", f"tuiguide to first frame ({label(size)})", values, "s",
                            size=size, use_p95=False))
        rows.append(Row("startup", f"ratio to the floor ({label(size)})", size, ratio, None, "x",
                        "<= 1.3x at 50k" if size == 50_000 else "", limit_ok,
                        samples=len(values)))
    return rows


# ---------------------------------------------------------------------------- per-key latency
KEY_PLAN: list[tuple[str, str, list[str], int, float, str]] = [
    # (row name, focus, keys cycled, presses, limit ms, target)
    # An unbound key first: the Pilot's own cost (~4 ms), subtracted from every other row.
    # At least 30 presses a row: with fewer, the "p95" is simply the slowest press. The
    # list moves 60 rows down and back up, past the screen's edge, as a reader does: about
    # half of those presses scroll the whole list by a line.
    ("harness (unbound key)", "list", ["f12"], 20, 0, ""),
    ("list down", "list", ["down"], 60, 16, "p95 <= 16 ms"),
    ("list up", "list", ["up"], 60, 16, "p95 <= 16 ms"),
    ("page down", "list", ["pagedown"], 40, 16, "p95 <= 16 ms"),
    ("topic change", "tree", ["down"] * 6 + ["up"] * 6, 36, 50, "p95 <= 50 ms"),
    ("tier change", "any", ["1", "2", "3", "0"], 32, 50, "p95 <= 50 ms"),
    ("status toggle", "list", ["space"], 30, 50, "p95 <= 50 ms (no target in the issue)"),
]


@contextmanager
def frames_encoded() -> Iterator[None]:
    """Make the Pilot's headless app turn each frame into terminal output, as it does on a
    terminal (headless, Textual skips that step and a key would look cheaper than it is);
    the headless driver then discards the output."""
    from textual.drivers.headless_driver import HeadlessDriver

    saved = HeadlessDriver.__dict__["is_headless"]
    HeadlessDriver.is_headless = property(lambda self: False)  # type: ignore[method-assign]
    try:
        yield
    finally:
        HeadlessDriver.is_headless = saved  # type: ignore[method-assign]


async def _press_times(pilot: Any, keys: list[str], presses: int) -> list[float]:
    """CPU milliseconds of each press (``keys`` cycled), each until the app is idle again."""
    samples = []
    for n in range(presses):
        start = time.process_time()
        await pilot.press(keys[n % len(keys)])
        await pilot.pause()
        samples.append((time.process_time() - start) * 1000)
    return samples


async def _key_latencies(db: Path, presses_scale: float) -> dict[str, list[float]]:
    from tuiguide.tui.app import make_app

    with frames_encoded():
        return await _key_latencies_encoded(db, presses_scale, make_app)


async def _key_latencies_encoded(db: Path, presses_scale: float, make_app: Callable[[Path], Any]
                                 ) -> dict[str, list[float]]:
    app = make_app(db)
    out: dict[str, list[float]] = {}
    async with app.run_test(size=TERM_SIZE) as pilot:
        screen = None
        for _ in range(600):  # up to ~30 s for the first page at 50k on a busy machine
            await pilot.pause()
            screen = app.browse_screen
            if screen is not None and screen.is_ready:
                break
        if screen is None or not screen.is_ready:
            raise RuntimeError("the browse screen never became ready")
        # A user reads the first screen before the first key; the app loads what first
        # visits need in the background meanwhile (ui/warmup.py), not billed to a key here.
        await pilot.pause(1.0)
        # Browse "All items" (the largest list): tree, one node down, enter.
        await pilot.press("h", "down", "enter")
        await pilot.pause()
        for name, focus, keys, presses, _, _ in KEY_PLAN:
            if focus == "tree" and screen.focused is not screen.topic_tree:
                await pilot.press("h")
                await pilot.pause()
            elif focus == "list" and screen.focused is not screen.item_list:
                await pilot.press("enter")
                await pilot.pause()
            out[name] = await _press_times(pilot, keys, max(3, int(presses * presses_scale)))
        await pilot.press("ctrl+q")
    return out


PEER_OPTIONS = 5_000
"""The per-key peer: the start-up floor's app (bench/minimal_app.py: a Tree, an OptionList and a
Static) with 5,000 options and nothing else to do on a key (no detail pane, no database): what
Textual itself charges to move through a list on this machine."""
PEER_KEY_PLAN: list[tuple[str, str, int]] = [
    # (row name, key, presses): the same moves on Textual's own OptionList (the peer).
    ("harness (unbound key)", "f12", 20),
    ("list down", "down", 60),
    ("list up", "up", 60),
    ("page down", "pagedown", 40),
]


async def _peer_key_latencies() -> dict[str, list[float]]:
    from minimal_app import MinimalApp
    from textual.widgets import OptionList

    app = MinimalApp(options=PEER_OPTIONS)
    out: dict[str, list[float]] = {}
    with frames_encoded():
        async with app.run_test(size=TERM_SIZE) as pilot:
            await pilot.pause(1.0)
            app.query_one(OptionList).focus()
            await pilot.pause()
            for name, key, presses in PEER_KEY_PLAN:
                out[name] = await _press_times(pilot, [key], presses)
            await pilot.press("ctrl+q")
    return out


def measure_peer_keys(runs: int) -> list[Row]:
    """Textual's OptionList under the same keys: the framework's own cost of a list move."""
    merged: dict[str, list[float]] = {}
    try:
        for _ in range(max(1, runs // 5)):
            for name, values in asyncio.run(_peer_key_latencies()).items():
                merged.setdefault(name, []).extend(values)
    except Exception as exc:  # report, keep going
        return [pending("keys", "peer: Textual OptionList", f"{type(exc).__name__}: {exc}")]
    base = statistics.median(merged[PEER_KEY_PLAN[0][0]])
    return [
        summary("keys", f"peer: Textual OptionList, {name}", [max(0.0, v - base) for v in merged[name]],
                "ms", note=f"5,000 options, no detail pane; CPU, minus {base:.1f} ms Pilot overhead")
        for name, _, _ in PEER_KEY_PLAN[1:]
    ]


def measure_keys(paths: dict[int, Path], runs: int, workdir: Path) -> list[Row]:
    try:
        from tuiguide.tui import app as ui_app
    except ImportError as exc:
        return [pending("keys", "per-key latency", f"the TUI does not import ({exc})")]
    if not hasattr(ui_app, "make_app"):
        return [pending("keys", "per-key latency", "tuiguide.tui.app.make_app is missing")]
    rows = measure_peer_keys(runs)
    peer = {row.name.rsplit(", ", 1)[-1]: row for row in rows if row.median is not None}
    for size, db in paths.items():
        copy = fresh_copy(db, workdir, "keys")  # status toggles write
        merged: dict[str, list[float]] = {}
        try:
            for _ in range(max(1, runs // 5)):
                for name, values in asyncio.run(_key_latencies(copy, 1.0)).items():
                    merged.setdefault(name, []).extend(values)
        except Exception as exc:  # report, keep going with the other figures
            rows.append(pending("keys", f"per-key latency ({label(size)})", f"{type(exc).__name__}: {exc}"))
            continue
        base = statistics.median(merged[KEY_PLAN[0][0]])
        for name, _, _, _, limit, target in KEY_PLAN[1:]:
            net = [max(0.0, v - base) for v in merged[name]]
            rows.append(summary("keys", f"{name} ({label(size)})", net, "ms", size=size,
                                target=target, limit=limit,
                                note=f"CPU, minus {base:.1f} ms Pilot overhead"))
        pd_peer = peer.get("page down")
        if pd_peer is not None and pd_peer.median and pd_peer.p95:
            ours = [max(0.0, v - base) for v in merged["page down"]]
            rows.append(Row("keys", f"page down, ratio to the peer ({label(size)})", size,
                            statistics.median(ours) / pd_peer.median, None, "x",
                            note=f"p95 ratio {percentile(ours, 0.95) / pd_peer.p95:.2f}x; "
                                 "tuiguide also redraws its detail pane",
                            samples=len(ours)))
    return rows


# ---------------------------------------------------------------------------- search as you type
SEARCH_QUERIES = [
    "speculative decoding",
    "kv cache tier:2",
    "flash attention",
    "quantization awq",
    "paged attention vllm",
    "c++ kernel",
    "status:todo triton",
    "topic:quant int4",
]


def measure_search(paths: dict[int, Path], runs: int) -> list[Row]:
    try:
        from tuiguide.core.search.engine import search
    except ImportError as exc:
        return [pending("search", "search per keystroke", f"tuiguide.core.search.engine missing ({exc})")]
    rows = []
    for size, db in paths.items():
        cat = Catalogue.open(db, seed=False)
        samples: list[float] = []
        try:
            for _ in range(runs):
                for query in SEARCH_QUERIES:
                    for end in range(1, len(query) + 1):
                        start = time.perf_counter()
                        results = search(cat, query[:end], limit=50, as_you_type=True)
                        for hit in results.hits[:40]:  # what a 40-row list would draw
                            hit.title(limit=200)
                            hit.snippet()
                        samples.append((time.perf_counter() - start) * 1000)
        finally:
            cat.close()
        rows.append(summary("search", f"keystroke ({label(size)})", samples, "ms", size=size,
                            target="p95 <= 30 ms", limit=30))
    return rows


# ---------------------------------------------------------------------------- import
def measure_import(runs: int, workdir: Path, n: int = 50_000) -> list[Row]:
    guide = workdir / f"guide-{n}.md"
    if not guide.exists():
        guide.write_text(make_catalogue.guide_markdown(n, seed=1), encoding="utf-8")
    walls, cpus = [], []
    for i in range(runs):
        db = workdir / f"import-{i}.db"
        for old in workdir.glob(f"{db.name}*"):
            old.unlink()
        cat = Catalogue.open(db, seed=False)
        start, cpu = time.perf_counter(), time.process_time()
        report = cat.import_file(guide)
        walls.append(time.perf_counter() - start)
        cpus.append(time.process_time() - cpu)
        cat.close()
        for old in workdir.glob(f"{db.name}*"):
            old.unlink()
        if report.resources != n:
            return [Row("import", f"import {label(n)} guide", note=f"imported {report.resources}")]
    rate = n / statistics.median(walls)
    return [
        summary("import", f"import a {label(n)}-resource guide (wall)", walls, "s", size=n,
                target="<= 3 s", limit=3.0, use_p95=False,
                note=f"{rate:,.0f} resources/s; CPU median {statistics.median(cpus):.2f} s"),
    ]


# ---------------------------------------------------------------------------- feed refresh
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
    """The feed servers (:class:`_FeedServersHere`) run in a child process: serving 50 feeds
    takes CPU, and in this process it would be billed to tuiguide's refresh (its threads
    share our interpreter) but not to newsboat's. Both clients now meet the same outside
    server."""

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


def _tuiguide_refresh(urls: list[str], workdir: Path, runs: int,
                      servers: FeedServers) -> tuple[list[float], list[float], str]:
    from tuiguide.core.feeds import refresh as feeds

    fresh, cached = [], []
    note = ""
    for i in range(runs):
        db = workdir / f"refresh-{i}.db"
        for old in workdir.glob(f"{db.name}*"):
            old.unlink()
        cat = Catalogue.open(db, seed=False)
        try:
            cat.conn.execute("DELETE FROM feeds")  # the defaults point at the internet
            for url in urls:
                feeds.insert_feed(cat, url)
            settings = feeds.FetchSettings(trust_env=False) if hasattr(feeds, "FetchSettings") else None
            servers.reset_counts()
            start = time.perf_counter()
            report = feeds.refresh(cat, force=True, settings=settings)
            fresh.append(time.perf_counter() - start)
            first = servers.reset_counts()
            start = time.perf_counter()
            feeds.refresh(cat, force=True, settings=settings)
            cached.append(time.perf_counter() - start)
            second = servers.reset_counts()
            stored = cat.conn.execute("SELECT count(*) FROM feed_entries").fetchone()[0]
            note = (f"{stored} entries stored; server saw {first['200']}x200 then "
                    f"{second['304']}x304/{second['200']}x200; {report.new_entries} new")
        finally:
            cat.close()
            for old in workdir.glob(f"{db.name}*"):
                old.unlink()
    return fresh, cached, note


def _tuiguide_cli_refresh(urls: list[str], workdir: Path, servers: FeedServers) -> float:
    """``tuiguide refresh`` as a whole process on a new catalogue following ``urls``."""
    db = workdir / "refresh-cli.db"
    for old in workdir.glob(f"{db.name}*"):
        old.unlink()
    from tuiguide.core.feeds import refresh as feeds

    with Catalogue.open(db) as cat:  # with the bundled guide, as a user's catalogue has
        cat.conn.execute("DELETE FROM feeds")
        for url in urls:
            feeds.insert_feed(cat, url)
    exe = Path(sys.executable).with_name("tuiguide")
    cmd = [str(exe)] if exe.exists() else [sys.executable, "-m", "tuiguide"]
    env = dict(os.environ, NO_PROXY="127.0.0.1", no_proxy="127.0.0.1")
    servers.reset_counts()
    start = time.perf_counter()
    subprocess.run([*cmd, "--db", str(db), "refresh", "--force"], env=env, check=True,
                   capture_output=True, timeout=300)
    seconds = time.perf_counter() - start
    for old in workdir.glob(f"{db.name}*"):
        old.unlink()
    return seconds


def _newsboat_refresh(urls: list[str], workdir: Path, runs: int,
                      servers: FeedServers) -> tuple[list[float], list[float], str]:
    exe = shutil.which("newsboat")
    home = workdir / "newsboat-home"
    home.mkdir(exist_ok=True)
    (home / "urls").write_text("\n".join(urls) + "\n")
    (home / "config").write_text(f"reload-threads {8}\nshow-read-feeds yes\n")
    env = dict(os.environ, HOME=str(home), XDG_CONFIG_HOME=str(home), XDG_DATA_HOME=str(home),
               TERM="xterm-256color")
    cmd = [exe, "-x", "reload", "-u", str(home / "urls"), "-c", str(home / "cache.db"),
           "-C", str(home / "config")]
    fresh, cached = [], []
    note = ""
    for _ in range(runs):
        for old in home.glob("cache.db*"):
            old.unlink()
        servers.reset_counts()
        start = time.perf_counter()
        subprocess.run(cmd, env=env, check=True, capture_output=True, timeout=300)
        fresh.append(time.perf_counter() - start)
        first = servers.reset_counts()
        # newsboat 2.21 sends no validators on the second reload of a new feed (newsboat
        # issue #2734: the first reload does not store them); they work from the third on.
        subprocess.run(cmd, env=env, check=True, capture_output=True, timeout=300)
        servers.reset_counts()
        start = time.perf_counter()
        subprocess.run(cmd, env=env, check=True, capture_output=True, timeout=300)
        cached.append(time.perf_counter() - start)
        second = servers.reset_counts()
        note = (f"reload-threads 8; server saw {first['200']}x200 then "
                f"{second['304']}x304/{second['200']}x200 (all-304 = third reload, see "
                "newsboat#2734)")
    return fresh, cached, note


def measure_refresh(runs: int, workdir: Path) -> list[Row]:
    try:
        from tuiguide.core.feeds import refresh as feeds
    except ImportError as exc:
        return [pending("refresh", "feed refresh", f"tuiguide.core.feeds.refresh missing ({exc})")]
    if not hasattr(feeds, "refresh") or not hasattr(feeds, "insert_feed"):
        return [pending("refresh", "feed refresh", "tuiguide.core.feeds.refresh.refresh/insert_feed missing")]
    servers = FeedServers()
    rows: list[Row] = []
    try:
        urls = servers.urls()
        have_newsboat = shutil.which("newsboat") is not None
        # Interleaved, one run of each in turn, so both see the same machine load; one
        # uncounted warm-up of each first (imports, parsing workers, the OS file cache).
        _tuiguide_refresh(urls, workdir, 1, servers)
        if have_newsboat:
            _newsboat_refresh(urls, workdir, 1, servers)
        ours_fresh, ours_cached, nb_fresh, nb_cached, cli = [], [], [], [], []
        our_note = nb_note = ""
        for _ in range(runs):
            fresh, cached, our_note = _tuiguide_refresh(urls, workdir, 1, servers)
            ours_fresh += fresh
            ours_cached += cached
            cli.append(_tuiguide_cli_refresh(urls, workdir, servers))
            if have_newsboat:
                try:
                    fresh, cached, nb_note = _newsboat_refresh(urls, workdir, 1, servers)
                except (subprocess.SubprocessError, OSError) as exc:
                    rows.append(pending("refresh", "newsboat -x reload (peer)",
                                        f"newsboat failed: {exc}"))
                    have_newsboat = False
                    continue
                nb_fresh += fresh
                nb_cached += cached
        rows.append(summary("refresh", f"tuiguide: {FEEDS}x{ENTRIES} fresh", ours_fresh, "s",
                            use_p95=False, note=our_note + " (in the app's process)"))
        rows.append(summary("refresh", "tuiguide: all 304", ours_cached, "s", use_p95=False))
        rows.append(summary("refresh", f"tuiguide refresh CLI, {FEEDS}x{ENTRIES} fresh", cli, "s",
                            use_p95=False, note="the whole command as cron runs it: Python "
                            "start-up, imports and the parsing workers' start included"))
        if not have_newsboat:
            if not any(r.name == "newsboat -x reload (peer)" for r in rows):
                rows.append(pending("refresh", "newsboat -x reload (peer)",
                                    "newsboat is not installed (apt-get install newsboat)"))
            return rows
        rows.append(summary("refresh", "newsboat: fresh", nb_fresh, "s", use_p95=False, note=nb_note))
        rows.append(summary("refresh", "newsboat: all 304", nb_cached, "s", use_p95=False))
        for case, ours, theirs in (("fresh", ours_fresh, nb_fresh), ("all 304", ours_cached, nb_cached)):
            ratio = statistics.median(ours) / statistics.median(theirs)
            rows.append(Row("refresh", f"ratio tuiguide/newsboat ({case})", None, ratio, None, "x",
                            "<= 1.0x", ratio <= 1.0, samples=len(ours)))
    finally:
        servers.close()
    return rows


# ---------------------------------------------------------------------------- RSS
GNU_TIME = "/usr/bin/time"


def _peak_rss_kb(cmd: list[str], env: dict[str, str], workdir: Path, **kw: Any) -> tuple[int, int]:
    """Peak RSS of ``cmd`` alone, via GNU time (a tiny parent: Linux keeps a child's maxrss
    across exec, so a child forked from this big benchmark process would report our size)."""
    out = workdir / "maxrss.txt"
    out.unlink(missing_ok=True)
    result = run_in_pty([GNU_TIME, "-f", "%M", "-o", str(out), *cmd], env, **kw)
    text = out.read_text().strip().splitlines() if out.exists() else []
    return (int(text[-1]) if text and text[-1].isdigit() else 0), result.returncode


def measure_rss(paths: dict[int, Path], runs: int, workdir: Path) -> list[Row]:
    if not os.access(GNU_TIME, os.X_OK):
        return [pending("rss", "peak RSS", f"{GNU_TIME} (GNU time) is not installed")]
    rows = []
    # A short session: wait for the first frame, then page to the end, switch tiers, search.
    keys = [(1.5, b"h"), (0.3, b"\x1b[B"), (0.3, b"\r"), (0.5, b"G"), (0.5, b"2"), (0.5, b"0"),
            (0.3, b"/"), (0.2, b"k"), (0.2, b"v"), (0.5, b"\x1b"), (0.5, b"\x11")]  # ctrl+q
    for size, db in paths.items():
        copy = fresh_copy(db, workdir, "rss")
        first = [_peak_rss_kb(tuiguide_cmd(copy), {"TUIGUIDE_EXIT_AFTER_READY": "1"}, workdir)[0]
                 for _ in range(max(1, runs // 2))]
        session, code = _peak_rss_kb(tuiguide_cmd(copy), {}, workdir, keys=keys, timeout=90)
        peak = max([session, *first]) / 1024
        limit = 150 if size == 50_000 else None
        rows.append(Row("rss", f"peak RSS ({label(size)})", size, peak, None, "MB",
                        "<= 150 MB at 50k" if limit else "",
                        None if limit is None else peak <= limit,
                        note=f"to first frame {max(first) / 1024:.0f} MB; scripted session "
                             f"{session / 1024:.0f} MB (exit {code})",
                        samples=1 + len(first)))
    return rows


# ---------------------------------------------------------------------------- suggester
def measure_suggest() -> list[Row]:
    try:
        from tuiguide.core.feeds import suggest
    except ImportError as exc:
        return [pending("suggest", "suggester accuracy", f"tuiguide.core.feeds.suggest missing ({exc})")]
    if not hasattr(suggest, "evaluate_bundled"):
        return [pending("suggest", "suggester accuracy", "suggest.evaluate_bundled missing")]
    rows = []
    for score in suggest.evaluate_bundled():
        for k, value in (("top-1", score.top1), ("top-3", score.top3)):
            rows.append(Row("suggest", f"{score.method} {k}", 337, 100 * value, None, "%",
                            note=f"leave-one-out over {score.n} resources", samples=score.n))
    return rows


# ---------------------------------------------------------------------------- output
def machine() -> dict[str, Any]:
    cpu = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    import textual

    try:
        load = os.getloadavg()
    except OSError:
        load = (0.0, 0.0, 0.0)
    return {
        "date": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "cpu": cpu or platform.processor(),
        "cores": os.cpu_count(),
        "load_average_at_start": [round(x, 2) for x in load],
        "python": platform.python_version(),
        "sqlite": sqlite3.sqlite_version,
        "textual": getattr(textual, "__version__", "?"),
        "platform": platform.platform(),
    }


def fmt(value: float | None, unit: str) -> str:
    if value is None:
        return ""
    if unit == "s":
        return f"{value:.2f} s"
    if unit == "ms":
        return f"{value:.1f} ms"
    if unit == "x":
        return f"{value:.2f}x"
    if unit == "%":
        return f"{value:.1f}%"
    if unit == "MB":
        return f"{value:.0f} MB"
    return f"{value:g} {unit}"


def table_lines(rows: list[Row]) -> list[list[str]]:
    return [
        [r.figure, r.name, fmt(r.median, r.unit), fmt(r.p95, r.unit), r.target, r.verdict, r.note]
        for r in rows
    ]


HEADER = ["figure", "measure", "median", "p95", "target", "verdict", "note"]


def print_table(rows: list[Row], info: dict[str, Any]) -> None:
    lines = [HEADER, *table_lines(rows)]
    widths = [max(len(line[i]) for line in lines) for i in range(len(HEADER) - 1)]
    print(f"tuiguide benchmark - {info['date']} - {info['cpu']} ({info['cores']} cores), "
          f"load {info['load_average_at_start']}")
    for line in lines:
        print("  ".join(cell.ljust(w) for cell, w in zip(line, widths, strict=False)) + "  " + line[-1])


def markdown(rows: list[Row], info: dict[str, Any]) -> str:
    out = [
        f"Measured {info['date']} on {info['cpu']} ({info['cores']} cores, load average "
        f"{info['load_average_at_start']} at start), Python {info['python']}, SQLite "
        f"{info['sqlite']}, Textual {info['textual']}.",
        "",
        "| " + " | ".join(HEADER) + " |",
        "|" + "---|" * len(HEADER),
    ]
    for line in table_lines(rows):
        out.append("| " + " | ".join(cell.replace("|", "\\|") for cell in line) + " |")
    return "\n".join(out) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5, help="runs per figure (>= 5 for the table)")
    parser.add_argument("--sizes", default=",".join(map(str, SIZES)))
    parser.add_argument("--only", default=",".join(FIGURES), help=f"subset of {','.join(FIGURES)}")
    parser.add_argument("--workdir", type=Path, default=Path(tempfile.gettempdir()) / "tuiguide-bench")
    parser.add_argument("--json", action="store_true", help="print JSON instead of the table")
    parser.add_argument("--markdown", type=Path, help="also write the table as markdown here")
    args = parser.parse_args(argv)
    only = {f.strip() for f in args.only.split(",") if f.strip()}
    unknown = only - set(FIGURES)
    if unknown:
        parser.error(f"unknown figures: {', '.join(sorted(unknown))}")
    sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    args.workdir.mkdir(parents=True, exist_ok=True)
    info = machine()
    progress: Callable[[str], None] = lambda msg: print(msg, file=sys.stderr, flush=True)  # noqa: E731
    needs_catalogues = only & {"startup", "keys", "search", "rss"}
    paths = {}
    if needs_catalogues:
        for size in sizes:
            progress(f"catalogue of {size} resources...")
            paths[size] = catalogue_path(args.workdir, size)
    rows: list[Row] = []
    steps: list[tuple[str, Callable[[], list[Row]]]] = []
    if "rss" in only:  # first, while nothing else has run
        steps.append(("rss", lambda: measure_rss(paths, args.runs, args.workdir)))
    if "startup" in only:
        steps.append(("startup", lambda: measure_startup(paths, args.runs)))
    if "keys" in only:
        steps.append(("keys", lambda: measure_keys(paths, args.runs, args.workdir)))
    if "search" in only:
        steps.append(("search", lambda: measure_search(paths, args.runs)))
    if "import" in only:
        steps.append(("import", lambda: measure_import(args.runs, args.workdir)))
    if "refresh" in only:
        steps.append(("refresh", lambda: measure_refresh(args.runs, args.workdir)))
    if "suggest" in only:
        steps.append(("suggest", measure_suggest))
    for name, step in steps:
        progress(f"measuring {name}...")
        rows += step()
    if args.json:
        print(json.dumps({"machine": info, "rows": [asdict(r) | {"verdict": r.verdict} for r in rows]},
                         indent=2))
    else:
        print_table(rows, info)
    if args.markdown:
        args.markdown.write_text(markdown(rows, info), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
