"""Where the filing dialog proposes to put real-shaped feed posts, as a user opens it.

A feed on a local server carries the posts; after a real refresh each Inbox entry's dialog
is opened through Pilot, and its preselected topic and tier (what ``enter`` files) checked.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.app import App

from feeds_support import FAST, Route, open_catalogue, serve
from tuiguide.core.feeds import refresh as feeds
from tuiguide.core.feeds.inbox import inbox_entries
from tuiguide.core.store.catalogue import Catalogue
from tuiguide.tui.screens.file_dialog import FileDialog, TierPicker, dialog_for_entry
from ui_support import screen_text

SIZE = (110, 32)

POSTS = [  # (title, description, link)
    ("Speculative decoding with EAGLE-3 in vLLM",
     "EAGLE-3 drafts several tokens per step from the target model's hidden states; how to "
     "turn it on in vLLM and the speedups we measured.",
     "https://blog.vllm.ai/2025/12/eagle3.html"),
    ("JSON mode and constrained generation with XGrammar",
     "Grammar-constrained decoding for structured output in SGLang and vLLM.",
     "https://blog.mlc.ai/2025/xgrammar-json"),
    ("FP8 and INT4 weight-only quantization with AWQ and GPTQ",
     "Post-training quantization of LLM weights, accuracy versus memory savings.",
     "https://example.com/quant"),
]


def feed_xml() -> str:
    items = "".join(
        f"<item><title>{t}</title><description>{d}</description><link>{link}</link>"
        f"<guid>{link}</guid><pubDate>Mon, 03 Feb 2025 10:00:00 GMT</pubDate></item>"
        for t, d, link in POSTS
    )
    return ('<?xml version="1.0"?><rss version="2.0"><channel><title>Posts</title>'
            f"<link>https://x.example</link>{items}</channel></rss>")


class Host(App[None]):
    def __init__(self, dialog: FileDialog) -> None:
        super().__init__()
        self.dialog = dialog

    def on_mount(self) -> None:
        self.push_screen(self.dialog)


@pytest.fixture
def catalogue(tmp_path: Path):
    """The bundled guide in a real file, the posts fetched from a local feed into the Inbox."""
    for server in serve():
        server.routes["/posts.xml"] = Route(feed_xml())
        cat = open_catalogue(tmp_path / "catalogue.db")
        feeds.insert_feed(cat, server.url("/posts.xml"))
        feeds.refresh(cat, settings=FAST)
    try:
        yield cat
    finally:
        cat.close()


async def shown(cat: Catalogue, title: str) -> tuple[str, int | None, str]:
    """(preselected topic's label, preselected tier, screen text) of the entry's dialog."""
    entry = next(e for e in inbox_entries(cat) if e.title == title)
    dialog = dialog_for_entry(cat, entry)
    app = Host(dialog)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        labels = dict(dialog.topics)
        return labels[dialog.topic_id], dialog.query_one(TierPicker).tier, screen_text(app)


@pytest.mark.parametrize(
    ("title", "topic"),
    [
        (POSTS[0][0], "2. Inference Engines & Serving Systems"),
        (POSTS[1][0], "6. Structured Output & Guided Decoding"),
        (POSTS[2][0], "4. Quantization & Model Compression"),
    ],
)
async def test_dialog_preselects_the_topic_a_reader_expects(catalogue, title, topic):
    label, tier, text = await shown(catalogue, title)
    assert label == topic
    assert tier == 2  # these are the guide's ordinary, tier-2 kind of post
    first = next(line for line in text.splitlines() if topic in line)
    assert "T2" in first  # the tier shown beside the suggestion


async def test_eagle3_is_not_offered_a_tier_the_topic_lacks(catalogue):
    """Topic 6 has tier 1 and 2 resources only: even offered second, it is not Tier 3."""
    label, _, text = await shown(catalogue, POSTS[0][0])
    line = next(ln for ln in text.splitlines() if "6. Structured Output" in ln)
    assert "T3" not in line
