"""Command palette (ctrl+p): jump to any guide, topic or resource by a few letters of its title.

Targets come from :func:`tuiguide.core.search.jump.jump_targets` (fuzzy over guides and topics,
title-word prefixes over resources). Each hit is a ``Text`` built from cleaned titles with the
matched letters styled (the palette parses ``str`` prompts and help as markup, so neither is
used). Choosing a topic or guide shows its list with its tree node selected; choosing a
resource shows its topic (or section) with the cursor on its row, switching the tier tabs to
"All" when the chosen tier hides it.
"""

from __future__ import annotations

import sqlite3
from functools import partial

from rich.text import Text
from textual.command import Hit, Hits, Provider

from tuiguide.core.search.jump import JumpTarget, jump_targets
from tuiguide.core.store.connection import describe_sqlite_error
from tuiguide.tui.commands import browse_screen_of, word_match
from tuiguide.tui.screens.browse import BrowseScreen
from tuiguide.views.marked import marked_text

MAX_TARGETS = 30
MATCH_STYLE = "bold underline"
FALLBACK_SCORE = 0.5
FUZZY_WEIGHT = 0.4
"""A fuzzy hit's score is scaled below the lowest word match (0.5)."""
KIND_GLYPHS = {"guide": "▣", "topic": "§", "resource": "▹"}


def target_prompt(target: JumpTarget) -> Text:
    """``§ 3. KV Cache`` and, dimmed below, where it is (all from cleaned text)."""
    prompt = Text(f"{KIND_GLYPHS.get(target.kind, '·')} ", style="dim")
    prompt.append_text(marked_text(target.label, MATCH_STYLE))
    if target.detail:
        prompt.append("\n")
        prompt.append(target.detail, style="dim")
    return prompt


def jump_to(screen: BrowseScreen, target: JumpTarget) -> None:
    """Show ``target``: a guide's or topic's list, or a resource's row in its topic."""
    try:
        if target.kind in ("guide", "topic"):
            _show_node(screen, f"{target.kind}:{target.id}")
        elif target.kind == "resource":
            _show_resource(screen, target)
    except sqlite3.Error as exc:
        screen.notify(describe_sqlite_error(exc, screen.catalogue.path), severity="error",
                      markup=False)


def _show_node(screen: BrowseScreen, key: str, *, index: int = 0, row_key: str | None = None) -> bool:
    if key not in screen.topic_tree.nodes_by_key:
        return False
    screen.show_node(key, index=index, row_key=row_key)
    screen.topic_tree.select_key(key)
    screen.set_focus(screen.item_list)
    return True


def _show_resource(screen: BrowseScreen, target: JumpTarget) -> None:
    place = screen.catalogue.live_placement(target.id, target.placement_id)
    if place is None:
        screen.notify("That resource is no longer in any guide.", severity="warning", markup=False)
        return
    if screen.tier is not None and screen.tier != place.tier:
        screen.action_tier(0)  # the chosen tier hides it: show all tiers
    shown = place.section_id if f"topic:{place.section_id}" in screen.topic_tree.nodes_by_key else None
    # The list is in position order within the topic (see Catalogue.items).
    index = screen.catalogue.placed_before(
        place.topic_id, place.position, section_id=shown, tier=screen.tier
    )
    key = f"topic:{shown or place.topic_id}"
    if not _show_node(screen, key, index=index, row_key=f"{target.id}:{place.id}"):
        screen.notify("That resource's topic is not shown.", severity="warning", markup=False)


class JumpProvider(Provider):
    """Guides, topics and resources by fuzzy title."""

    async def search(self, query: str) -> Hits:
        screen = browse_screen_of(self.app)
        if not isinstance(screen, BrowseScreen) or not query.strip():
            return
        try:
            targets = jump_targets(screen.catalogue, query, limit=MAX_TARGETS)
        except sqlite3.Error:
            return
        matcher = self.matcher(query)
        for rank, target in enumerate(targets):
            # Scored like the key commands, word by word: whole words and word prefixes
            # first ("nano vllm": "Inside Nano-vLLM" above "NVIDIA Nemotron 3 Nano on vLLM");
            # a fuzzy match (letters across words, a topic's abbreviation) still shows,
            # below every word match. Ties keep jump_targets' order.
            score, _ = word_match(query, target.label.text)
            if not score:
                score = FUZZY_WEIGHT * (matcher.match(target.label.text) or FALLBACK_SCORE)
            yield Hit(
                score - rank * 1e-3,
                target_prompt(target),
                partial(jump_to, screen, target),
                text=target.label.text,
            )
