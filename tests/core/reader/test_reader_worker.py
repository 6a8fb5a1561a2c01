"""The extraction worker's life: started when first needed, replaced when it dies or stalls,
silent on the terminal, gone when closed and soon after its parent is killed."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from tuiguide.core.reader import ExtractError, Extractor

if TYPE_CHECKING:
    from conftest import Page

# A page trafilatura parses for far longer than any time limit here (a million tiny tags).
STUCK = b"<html><body>" + b"<b>w</b>" * 125_000 + b"</body></html>"


def worker_pids() -> list[int]:
    """This process's extraction workers now alive."""
    import multiprocessing

    return [p.pid for p in multiprocessing.active_children()
            if p.name == "tuiguide-extract" and p.pid is not None]


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # A zombie (dead, not yet reaped by its parent) counts as gone.
    try:
        return Path(f"/proc/{pid}/stat").read_text().split(")")[-1].split()[0] != "Z"
    except OSError:
        return True


def test_no_worker_runs_until_a_page_needs_one(news_article: Page) -> None:
    with Extractor() as extractor:
        assert extractor.running == 0
        extractor.extract(news_article.body, url=news_article.url)
        assert extractor.running == 1


def test_closing_stops_the_workers_and_refuses_more_pages(news_article: Page) -> None:
    extractor = Extractor(workers=2)
    threads = [threading.Thread(target=extractor.extract, args=(news_article.body,),
                                kwargs={"url": news_article.url}) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    pids = worker_pids()
    assert extractor.running == 2 and len(pids) == 2
    extractor.close()
    assert extractor.running == 0
    assert not any(alive(pid) for pid in pids)
    with pytest.raises(ExtractError, match="^the extractor is closed$"):
        extractor.extract(news_article.body, url=news_article.url)


def test_a_stuck_page_does_not_hold_up_the_other_worker(news_article: Page) -> None:
    with Extractor(workers=2, timeout=6.0) as extractor:
        extractor.extract(news_article.body, url=news_article.url)  # both may start now
        stuck: list[str] = []

        def extract_stuck() -> None:
            try:
                extractor.extract(STUCK, url="https://evil.example/")
            except ExtractError as exc:
                stuck.append(str(exc))

        thread = threading.Thread(target=extract_stuck)
        thread.start()
        time.sleep(0.5)
        start = time.monotonic()
        for _ in range(3):
            article = extractor.extract(news_article.body, url=news_article.url)
            assert "Analysts expect" in article.text
        assert time.monotonic() - start < 5.0 and thread.is_alive()
        thread.join(20)
        assert stuck == ["extraction took longer than 6 s (stopped)"]


def test_a_worker_killed_while_idle_is_replaced(news_article: Page) -> None:
    with Extractor() as extractor:
        extractor.extract(news_article.body, url=news_article.url)
        [pid] = worker_pids()
        os.kill(pid, signal.SIGKILL)
        deadline = time.monotonic() + 10
        while alive(pid) and time.monotonic() < deadline:
            time.sleep(0.05)
        article = extractor.extract(news_article.body, url=news_article.url)
        assert "Analysts expect" in article.text
        assert worker_pids() != [pid] and extractor.running == 1


def test_a_worker_killed_mid_page_is_an_error_for_that_page_only(news_article: Page) -> None:
    with Extractor(timeout=30.0) as extractor:
        extractor.extract(news_article.body, url=news_article.url)
        [pid] = worker_pids()
        threading.Timer(1.0, os.kill, args=(pid, signal.SIGKILL)).start()
        start = time.monotonic()
        with pytest.raises(ExtractError) as caught:
            extractor.extract(STUCK, url="https://evil.example/")
        assert time.monotonic() - start < 10
        assert str(caught.value) == ("the extractor stopped on this page (signal 9); "
                                     "open it in a browser")
        assert "Analysts expect" in extractor.extract(news_article.body, url=news_article.url).text


def test_the_worker_writes_nothing_to_the_terminal(tmp_path: Path, pdf_page: Page) -> None:
    damaged = tmp_path / "damaged.pdf"
    damaged.write_bytes(pdf_page.body[: len(pdf_page.body) * 2 // 3])
    script = textwrap.dedent(f"""
        from pathlib import Path
        from tuiguide.core.reader import ExtractError, Extractor

        if __name__ == "__main__":
            with Extractor() as extractor:
                try:
                    extractor.extract(Path({str(damaged)!r}).read_bytes(), url="https://x.example/a.pdf")
                except ExtractError as exc:
                    print("error:", exc)
    """)
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                         timeout=120, cwd=tmp_path)
    assert out.returncode == 0, out.stderr
    assert out.stderr == ""
    assert out.stdout.startswith("error: PDF") and out.stdout.count("\n") == 1


def test_a_worker_ends_soon_after_its_parent_is_killed(tmp_path: Path) -> None:
    pid_file = tmp_path / "worker.pid"
    script = textwrap.dedent(f"""
        import multiprocessing, threading, time
        from pathlib import Path
        from tuiguide.core.reader import Extractor

        STUCK = b"<html><body>" + b"<b>w</b>" * 125_000 + b"</body></html>"

        def report():
            while True:
                children = [p for p in multiprocessing.active_children()
                            if p.name == "tuiguide-extract"]
                if children:
                    Path({str(pid_file)!r}).write_text(str(children[0].pid))
                    return
                time.sleep(0.05)

        if __name__ == "__main__":
            threading.Thread(target=report, daemon=True).start()
            Extractor(timeout=3.0).extract(STUCK, url="https://evil.example/")
    """)
    parent = subprocess.Popen([sys.executable, "-c", script], cwd=tmp_path)
    try:
        deadline = time.monotonic() + 60
        while not pid_file.exists() and time.monotonic() < deadline:
            time.sleep(0.05)
        worker = int(pid_file.read_text())
        time.sleep(1.5)  # the worker has started and is parsing the stuck page
        parent.kill()
        parent.wait(10)
        # Killed before its 3 s limit, the parent never kills the worker: the worker's own
        # alarm (twice the limit plus five seconds) ends it.
        deadline = time.monotonic() + 15
        while alive(worker) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert not alive(worker)
    finally:
        parent.kill()
        parent.wait(10)
