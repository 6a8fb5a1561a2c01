"""The reader in a real terminal (tmux, the installed command, a real server on 127.0.0.1):
``v`` fetches and shows the page with the note below it (100 columns), the note typed there
is saved, the terminal is handed back clean. Skips only where tmux is not installed."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from feeds_support import FeedServer
from reader_support import running_site, site_catalogue
from tmux_support import COMMAND, TMUX, Terminal, at_prompt
from tuiguide.core.store.catalogue import Catalogue

pytestmark = pytest.mark.skipif(TMUX is None, reason="tmux is not installed")


@pytest.fixture
def server(monkeypatch: pytest.MonkeyPatch) -> Iterator[FeedServer]:
    yield from running_site(monkeypatch)


def test_v_reads_the_page_in_a_real_terminal(tmp_path: Path, server: FeedServer,
                                             terminal: Terminal) -> None:
    db = tmp_path / "read.db"
    site_catalogue(db, server).close()
    terminal.type_line(f"env NO_PROXY=127.0.0.1 no_proxy=127.0.0.1 {COMMAND} --db {db}")
    terminal.wait_for(lambda s: "Blog post" in s and "v Read" in s, "the guide and v in the footer")
    terminal.keys("l", "v")  # Up next: the first row is the blog post
    screen = terminal.wait_for(lambda s: "Measuring memory" in s, "the page's text")
    assert "Tuning the KV cache" in screen
    assert "Inference Notes · Ada Lovelace · 2024-03-05 · 1 min read" in screen
    assert "SCRIPTTEXT" not in screen and "FORMTEXT" not in screen
    assert "Note (tab to write)" in screen  # below the text at 100 columns
    terminal.wait_for(lambda s: "/ Find" in s.splitlines()[-1], "the reader's keys in the footer")
    terminal.keys("Tab")  # to the note: the text's keys leave the footer
    terminal.wait_for(lambda s: "/ Find" not in s.splitlines()[-1], "the note focused")
    terminal.run("send-keys", "-t", "t", "-l", "read in tmux")
    terminal.wait_for(lambda s: "read in tmux" in s, "the note as typed")
    terminal.keys("Escape")
    terminal.wait_for(lambda s: "Up next" in s and "Measuring memory" not in s, "the list again")
    terminal.keys("q")
    screen = terminal.wait_for(lambda s: at_prompt(s) and "Blog post" not in s, "the prompt")
    assert terminal.flag("alternate_on") == "0" and "Traceback" not in screen
    with Catalogue.open(db, seed=False) as cat:
        assert cat.note(1) == "read in tmux"
