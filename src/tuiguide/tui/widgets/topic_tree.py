"""The left pane: special nodes ("Up next", "All items", ...), then guides and their topics.

Every label is a ``Text`` built from cleaned text (a ``str`` label would be parsed as markup)
and shows ``done/total`` for the current tier at the right edge, the title cut to fit.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import ClassVar

from rich.cells import cell_len
from rich.style import Style
from rich.text import Text
from textual.binding import Binding, BindingType
from textual.widgets import Tree
from textual.widgets.tree import TreeNode

from tuiguide.core.models import Guide, Topic
from tuiguide.core.store.catalogue import Catalogue
from tuiguide.tui.sources.base import ItemSource, ListSource, SpecialNode
from tuiguide.tui.widgets.render import counts_badge, safe

MIN_LABEL_WIDTH = 12
_PROGRESS_BADGE = re.compile(r"(\d+)/(\d+)")


def badge_progress(badge: str) -> tuple[int, int] | None:
    """(done, total) when a badge is a ``done/total`` count (drawn as a bar), else None."""
    match = _PROGRESS_BADGE.fullmatch(badge)
    return (int(match[1]), int(match[2])) if match else None


@dataclass
class NodeInfo:
    """What a tree node stands for; ``make_source`` builds its list for a tier."""

    key: str
    title: Text
    badge: str = ""
    guide_id: int | None = None
    topic_id: int | None = None
    special: SpecialNode | None = None

    def make_source(self, catalogue: Catalogue, tier: int | None) -> ListSource:
        if self.special is not None:
            return self.special.make_source(catalogue, tier)
        return ItemSource(
            catalogue,
            tier,
            key=self.key,
            label=self.title.plain,
            guide_id=self.guide_id,
            topic_id=self.topic_id,
        )


class TopicTree(Tree[NodeInfo], inherit_bindings=False):
    """Topic tree with right-aligned counts; ``enter`` shows the node's list.

    Tree's own bindings are not inherited: ``space`` must reach the screen (it cycles the
    item's status everywhere) and every key here needs an id for the help screen.
    """

    HELP_GROUP = "Topic tree"

    COMPONENT_CLASSES: ClassVar[set[str]] = Tree.COMPONENT_CLASSES | {
        "topic-tree--progress-done",
        "topic-tree--progress-left",
    }

    DEFAULT_CSS = """
    TopicTree > .topic-tree--progress-done {
        background: $success 50%;
        color: $foreground;
    }
    TopicTree > .topic-tree--progress-left {
        background: $foreground 15%;
        color: $foreground 80%;
    }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "enter_node", "Show this list", show=False, id="tree.enter"),
        Binding("down,j", "cursor_down", "Next node", show=False, id="tree.down"),
        Binding("up,k", "cursor_up", "Previous node", show=False, id="tree.up"),
        Binding("g,home", "scroll_home", "First node", show=False, id="tree.first"),
        Binding("G,end", "scroll_end", "Last node", show=False, id="tree.last"),
        Binding("pageup", "page_up", "Page up", show=False, id="tree.page_up"),
        Binding("pagedown", "page_down", "Page down", show=False, id="tree.page_down"),
        Binding("right", "expand_node", "Expand", show=False, id="tree.expand"),
        Binding("left", "collapse_node", "Collapse / go to parent", show=False, id="tree.collapse"),
    ]

    def __init__(
        self,
        special_nodes: Sequence[SpecialNode] = (),
        *,
        id: str | None = None,
        on_enter: Callable[[TreeNode[NodeInfo]], None] | None = None,
        on_highlight: Callable[[TreeNode[NodeInfo]], None] | None = None,
    ) -> None:
        """``special_nodes`` are shown above the guides, in that order. ``on_enter(node)``
        runs at once on enter, so keys typed just after it reach the pane it moves to;
        ``on_highlight(node)`` as soon as the cursor moves to another node, so the owner's
        list changes in the same frame as the cursor."""
        super().__init__(Text("Guides"), id=id)
        self.special_nodes = tuple(special_nodes)
        self._enter_callback = on_enter
        self._highlight_callback = on_highlight
        self.show_root = False
        self.guide_depth = 3
        self.auto_expand = False
        self.nodes_by_key: dict[str, TreeNode[NodeInfo]] = {}
        self._badge_width = 0  # the widest done/total badge: every bar has this width
        # The guides and topics (with per-tier counts) last counted, and the catalogue's
        # read stamp then; the badges of each tier shown since (valid with _counted).
        self._counted: tuple[list[Guide], dict[int, list[Topic]], tuple[int, int]] | None = None
        self._tier_badges: dict[int | None, tuple[dict[str, str], int]] = {}

    # ------------------------------------------------------------------ building
    def build(self, catalogue: Catalogue, tier: int | None) -> None:
        """(Re)build every node from the catalogue, keeping expansion where possible."""
        collapsed = {k for k, n in self.nodes_by_key.items() if n.allow_expand and not n.is_expanded}
        self.clear()
        self.nodes_by_key = {}
        for special in self.special_nodes:
            info = NodeInfo(key=special.key, title=Text(f"{special.icon} {special.label}"), special=special)
            self.nodes_by_key[info.key] = self.root.add_leaf(info.title, data=info)
        guides = catalogue.guides()
        topics = {guide.id: catalogue.topics(guide.id) for guide in guides}
        for guide in guides:
            self._add_guide(guide, topics[guide.id], collapsed)
        self.update_counts(catalogue, tier, guides=guides, topics=topics)

    def _add_guide(self, guide: Guide, topics: list[Topic], collapsed: set[str]) -> None:
        key = f"guide:{guide.id}"
        info = NodeInfo(key=key, title=safe(guide.title, limit=200, style="bold"), guide_id=guide.id)
        guide_node = self.root.add(info.title, data=info, expand=key not in collapsed)
        self.nodes_by_key[key] = guide_node
        parents: dict[int, TreeNode[NodeInfo]] = {}
        has_children = {t.parent_id for t in topics if t.parent_id is not None}
        for topic in topics:
            parent = parents.get(topic.parent_id, guide_node) if topic.parent_id else guide_node
            tkey = f"topic:{topic.id}"
            tinfo = NodeInfo(
                key=tkey, title=_topic_title(topic), guide_id=guide.id, topic_id=topic.id
            )
            if topic.id in has_children:
                node = parent.add(tinfo.title, data=tinfo, expand=tkey not in collapsed)
                parents[topic.id] = node
            else:
                node = parent.add_leaf(tinfo.title, data=tinfo)
            self.nodes_by_key[tkey] = node

    def update_counts(
        self,
        catalogue: Catalogue,
        tier: int | None,
        *,
        guides: list[Guide] | None = None,
        topics: dict[int, list[Topic]] | None = None,
    ) -> None:
        """Refresh every badge for ``tier`` (None = all tiers): a few grouped queries.

        Only nodes whose badge changed are redrawn (after a status change: a handful).
        """
        if guides is None or topics is None:
            guides = catalogue.guides()
            topics = {guide.id: catalogue.topics(guide.id) for guide in guides}
        self._counted = (guides, topics, catalogue.read_stamp())
        self._tier_badges = {}
        self._set_badges(catalogue, tier, guides, topics)

    def show_tier(self, catalogue: Catalogue, tier: int | None) -> None:
        """The badges for another tier, counts unchanged: the topics' per-tier counts read
        for the last :meth:`update_counts` are reused while nothing was written, in this
        process or another (:meth:`Catalogue.read_stamp`), so a tier change runs no topic
        query, and a tier shown before since then runs no query at all."""
        if self._counted is None or self._counted[2] != catalogue.read_stamp():
            self.update_counts(catalogue, tier)
            return
        guides, topics, _ = self._counted
        self._set_badges(catalogue, tier, guides, topics)

    def forget_counts(self) -> None:
        """After a write: count again at the next :meth:`show_tier` (the read stamp moves
        with any write too; this says so without reading it)."""
        self._counted = None

    def _set_badges(
        self,
        catalogue: Catalogue,
        tier: int | None,
        guides: list[Guide],
        topics: dict[int, list[Topic]],
    ) -> None:
        memo = self._tier_badges.get(tier)
        if memo is None:
            badges: dict[str, str] = {}
            for special in self.special_nodes:
                badges[special.key] = special.badge(catalogue, tier)
            for guide in guides:
                counts = catalogue.guide_counts(guide.id, tier)
                badges[f"guide:{guide.id}"] = counts_badge(counts.done, counts.total)
                for topic in topics.get(guide.id, ()):
                    counts = topic.counts(tier)
                    badges[f"topic:{topic.id}"] = counts_badge(counts.done, counts.total)
            # Every bar is as wide as the widest done/total badge.
            width = max((len(b) for b in badges.values() if badge_progress(b)), default=0)
            memo = self._tier_badges[tier] = (badges, width)
        badges, width = memo
        changed = []
        for key, badge in badges.items():
            node = self.nodes_by_key.get(key)
            if node is not None and node.data is not None and node.data.badge != badge:
                node.data.badge = badge
                changed.append(node)
        if width != self._badge_width:
            self._badge_width = width
            changed = [n for n in self.nodes_by_key.values() if n.data is not None]
        for node in changed:
            node.refresh()  # (Tree draws that node's line again, with the new badge)

    def watch_cursor_line(self, previous_line: int, line: int) -> None:
        super().watch_cursor_line(previous_line, line)
        node = self.cursor_node
        if self._highlight_callback is not None and previous_line != line and node is not None:
            self._highlight_callback(node)

    # ------------------------------------------------------------------ actions
    def action_enter_node(self) -> None:
        node = self.cursor_node
        if node is None:
            return
        if self._enter_callback is not None:
            self._enter_callback(node)
        else:
            self.post_message(self.NodeSelected(node))

    def action_expand_node(self) -> None:
        node = self.cursor_node
        if node is not None and node.allow_expand:
            node.expand()

    def action_collapse_node(self) -> None:
        node = self.cursor_node
        if node is None:
            return
        if node.allow_expand and node.is_expanded:
            node.collapse()
        elif node.parent is not None and not node.parent.is_root:
            self.move_cursor(node.parent)

    def select_key(self, key: str) -> bool:
        """Put the cursor on the node with ``key`` (expanding its parents)."""
        node = self.nodes_by_key.get(key)
        if node is None:
            return False
        parent = node.parent
        while parent is not None and not parent.is_root:
            parent.expand()
            parent = parent.parent
        # Reading last_line builds the tree's lines now, so the node has its line number and
        # the cursor lands before any key is handled (not after the next refresh).
        if self.last_line >= 0:
            self.move_cursor(node)
        return True

    # ------------------------------------------------------------------ labels
    def _label_room(self, node: TreeNode[NodeInfo]) -> tuple[str, int]:
        """The node's expand icon and the cells its label fills (title, gap, badge)."""
        depth = 0
        parent = node.parent
        while parent is not None and not parent.is_root:
            depth += 1
            parent = parent.parent
        icon = ""
        if node.allow_expand:
            icon = self.ICON_NODE_EXPANDED if node.is_expanded else self.ICON_NODE
        width = max(
            self.scrollable_content_region.width - depth * self.guide_depth - len(icon),
            MIN_LABEL_WIDTH,
        )
        return icon, width

    def get_label_width(self, node: TreeNode[NodeInfo]) -> int:
        """What :meth:`render_label` would measure, without building the label (Tree asks for
        every line's width each time its lines are rebuilt)."""
        info = node.data
        if info is None:
            return super().get_label_width(node)
        icon, width = self._label_room(node)
        if badge_progress(info.badge):
            badge = len(info.badge.rjust(self._badge_width))
        else:
            badge = cell_len(info.badge)
        room = width - badge - (1 if badge else 0)
        title = min(info.title.cell_len, max(room, 1))
        gap = max(width - title - badge, 1 if badge else 0)
        return cell_len(icon) + title + gap + badge

    def render_label(self, node: TreeNode[NodeInfo], base_style: Style, style: Style) -> Text:
        info = node.data
        if info is None:
            return super().render_label(node, base_style, style)
        icon, width = self._label_room(node)
        progress = badge_progress(info.badge)
        if progress is not None:
            badge = self._progress_badge(info.badge, *progress)
        else:
            badge = Text(info.badge, style="dim")
        title = info.title.copy()
        title.no_wrap = True
        room = width - badge.cell_len - (1 if badge.cell_len else 0)
        title.truncate(max(room, 1), overflow="ellipsis")
        gap = max(width - title.cell_len - badge.cell_len, 1 if badge.cell_len else 0)
        label = Text.assemble(title, " " * gap, badge if progress is None else badge.plain)
        label.stylize(style)
        if progress is not None:  # the bar's colours win over the cursor line's
            offset = len(label) - len(badge)
            for span in badge.spans:
                label.stylize(span.style, offset + span.start, offset + span.end)
        if icon:
            return Text.assemble((icon, base_style + Style(dim=True)), label)
        return label

    def _progress_badge(self, badge: str, done: int, total: int) -> Text:
        """``done/total`` on a bar: the done share of its cells coloured (no extra width)."""
        text = Text(badge.rjust(self._badge_width))
        filled = round(text.cell_len * done / total) if total else 0
        if done and not filled:
            filled = 1
        elif done < total and filled == text.cell_len:
            filled -= 1
        done_style = self.get_component_rich_style("topic-tree--progress-done")
        left_style = self.get_component_rich_style("topic-tree--progress-left")
        text.stylize(done_style, 0, filled)
        text.stylize(left_style, filled, text.cell_len)
        return text


def _topic_title(topic: Topic) -> Text:
    title = safe(topic.title, limit=300)
    if topic.number:
        number = Text(f"{safe(topic.number).plain}. ", style="dim")
        return Text.assemble(number, title)
    return title
