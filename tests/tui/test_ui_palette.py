"""The command palette ranks word matches first: whole words and word prefixes above letters
scattered across words, and an action is listed only when a word of it matches."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.command import CommandList

from tuiguide.core.store.catalogue import Catalogue
from tuiguide.tui.app import make_app
from tuiguide.tui.commands import word_match
from ui_support import fixed_now, palette_results, settle_keys

GUIDE = """\
# Palette Guide

## 1. Engines

### Tier 1

- [NVIDIA Nemotron 3 Nano on vLLM](https://example.com/nemotron) - NVIDIA. A model.
- [Inside Nano-vLLM](https://example.com/nano) - Neutree. A small engine.
- [Paged Attention from First Principles](https://example.com/paged) - Hamza. Blocks.
- [Efficient Memory Management with PagedAttention](https://example.com/pa) - Kwon. Paper.
"""


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = tmp_path / "palette.db"
    with Catalogue.open(path, seed=False, now=fixed_now) as cat:
        cat.import_text(GUIDE, source="palette.md")
    return path


async def palette_prompts(pilot, query: str) -> list[str]:
    """The palette's hits for ``query``, best first, as the user reads them."""
    app = pilot.app
    await pilot.press("ctrl+p")
    await pilot.pause()
    await pilot.press(*["space" if ch == " " else ch for ch in query])
    await palette_results(pilot)
    options = app.screen.query_one(CommandList)
    prompts = [str(options.get_option_at_index(i).prompt) for i in range(options.option_count)]
    await pilot.press("escape")
    await pilot.pause()
    return prompts


async def test_word_matches_rank_first_and_actions_need_a_word(db: Path) -> None:
    app = make_app(db, now=fixed_now)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle_keys(pilot)
        found = await palette_prompts(pilot, "nano vllm")
        first = next(i for i, p in enumerate(found) if "Inside Nano-vLLM" in p)
        other = next(i for i, p in enumerate(found) if "Nemotron 3 Nano" in p)
        assert first < other
        found = await palette_prompts(pilot, "paged")
        assert any("Paged Attention from First Principles" in p for p in found)
        assert any("PagedAttention" in p for p in found)
        # p-a-g-e-d scattered through an action's description no longer lists it.
        assert not any("File the Inbox entry" in p for p in found)
        # An action is still found by the words of its description.
        found = await palette_prompts(pilot, "mark done")
        assert found and "Mark done" in found[0]


def test_word_match_scores() -> None:
    whole, _ = word_match("tier 3", "Show Tier 3 only")
    prefix, _ = word_match("ti 3", "Show Tier 3 only")
    assert whole > prefix > 0
    assert word_match("paged", "File the Inbox entry into the guide")[0] == 0
    assert word_match("quant", "Quantization with AWQ")[1] == [(0, 5)]
