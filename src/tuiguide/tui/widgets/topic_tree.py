"""The left pane: special nodes ("Up next", "All items", ...), then guides and their topics.

Every label is a ``Text`` built from cleaned text (a ``str`` label would be parsed as markup)
and shows ``done/total`` for the current tier at the right edge, the title cut to fit.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import ClassVar

from rich.cells import cell_len
from rich.style import Style
from rich.text import Text
from textual.binding import Binding, BindingType
from textual.cache import LRUCache
from textual.geometry import Region
from textual.message import Message
from textual.scrollbar import ScrollBar
from textual.strip import Strip
from textual.widgets import Tree
from textual.widgets.tree import TreeNode

from tuiguide.core.models import Guide, Topic
from tuiguide.core.store.catalogue import Catalogue
from tuiguide.tui.sources import base as sources
from tuiguide.tui.sources.base import ItemSource, ListSource, SpecialNode
from tuiguide.tui.widgets.render import counts_badge, safe
from tuiguide.tui.widgets.scrolling import steady_vertical_scrollbar

MIN_LABEL_WIDTH = 12
_PROGRESS_BADGE = re.compile(r"(\d+)/(\d+)")


def badge_progress(badge: str) -> tuple[int, int] | None:
    """(done, total) when a badge is a ``done/total`` count (drawn as a bar), else None."""
    match = _PROGRESS_BADGE.fullmatch(badge)
    return (int(match[1]), int(match[2])) if match else None


class BadgeKeyedLines(LRUCache[tuple[object, ...], Strip]):
    """Tree's cache of drawn lines, keyed by what the line shows: its badge (and the bars'
    width), and the cursor and hover flags of the nodes on its path.

    Tree keys a drawn line by counters it bumps on every change it makes (cursor, hover,
    expansion, label), so a line is never drawn from the cache again once its look has
    changed, even back to a look drawn before: a tier change (every badge) drew every line
    again, and the cursor onto a guide and off it drew every topic under it twice (their
    guide lines take the cursor's colour), ~0.12 ms a line plus Rich. Here the badge is part
    of the key (never bumped for), and each path node's counter counts only its other
    changes (the tree subtracts the bumps of its cursor and hover flags, which are in the
    key themselves): a tier or a cursor position seen before is drawn from the cache, and
    any other change still misses. (Tree reads and writes ``_line_cache`` only with ``in``,
    ``[key]`` and ``[key] = strip``, its key being ``(y, ..., per-node counters)``;
    Textual is pinned.)
    """

    def __init__(self, tree: TopicTree, maxsize: int) -> None:
        super().__init__(maxsize)
        self._tree = tree

    def _badged(self, key: tuple[object, ...]) -> tuple[object, ...]:
        tree = self._tree
        y = key[0]
        lines = tree._tree_lines
        if not (isinstance(y, int) and 0 <= y < len(lines)):
            return (key, None, tree._badge_width)
        line = lines[y]
        info = line.node.data
        bumps = tree._flag_bumps
        path = tuple(
            (node._id, node._updates - bumps.get(node._id, 0), node._selected_, node._hover_)
            for node in line.path
        )
        return (key[:-1], path, info.badge if info is not None else None, tree._badge_width)

    def __contains__(self, key: object) -> bool:
        return isinstance(key, tuple) and super().__contains__(self._badged(key))

    def __getitem__(self, key: tuple[object, ...]) -> Strip:
        return super().__getitem__(self._badged(key))

    def __setitem__(self, key: tuple[object, ...], value: Strip) -> None:
        super().__setitem__(self._badged(key), value)


@dataclass
class NodeInfo:
    """What a tree node stands for; ``make_source`` builds its list for a tier."""

    key: str
    title: Text
    badge: str = ""
    guide_id: int | None = None
    topic_id: int | None = None
    special: SpecialNode | None = None
    children_keys: list[str] = field(default_factory=list)

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
    """Topic tree with right-aligned counts; ``enter`` posts :class:`Entered`.

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

    class Entered(Message):
        """The user pressed enter on a node: show its list and move there."""

        def __init__(self, node: TreeNode[NodeInfo]) -> None:
            super().__init__()
            self.node = node

    def __init__(
        self,
        *,
        id: str | None = None,
        on_enter: Callable[[TreeNode[NodeInfo]], None] | None = None,
        on_highlight: Callable[[TreeNode[NodeInfo]], None] | None = None,
    ) -> None:
        """``on_enter`` runs at once on enter (a message would let keys typed just after it
        reach the tree before focus moves); without it :class:`Entered` is posted.
        ``on_highlight`` runs at once when the cursor moves to another node (besides the
        NodeHighlighted message), so the list follows in the same frame as the cursor."""
        # Per node id: how often Tree bumped the node's update counter for its cursor or
        # hover flag (BadgeKeyedLines keys by the flags instead). Set first: Tree's own
        # __init__ already moves the cursor.
        self._flag_bumps: dict[int, int] = {}
        super().__init__(Text("Guides"), id=id)
        self._on_enter = on_enter
        self._on_highlight = on_highlight
        self.show_root = False
        self.guide_depth = 3
        self.auto_expand = False
        self.nodes_by_key: dict[str, TreeNode[NodeInfo]] = {}
        self._badge_width = 0  # the widest done/total badge: every bar has this width
        self._line_style: Style | None = None  # rich_style while a draw is under way
        # The guides and topics (with per-tier counts) last counted, and the catalogue's
        # read stamp then; the badges of each tier shown since (valid with _counted).
        self._counted: tuple[list[Guide], dict[int, list[Topic]], tuple[int, int]] | None = None
        self._tier_badges: dict[int | None, tuple[dict[str, str], int]] = {}
        self._line_cache = BadgeKeyedLines(self, self._line_cache.maxsize)

    @property
    def vertical_scrollbar(self) -> ScrollBar:
        return steady_vertical_scrollbar(self)  # (redrawn only when the thumb moves a cell)

    # ------------------------------------------------------------------ building
    def build(self, catalogue: Catalogue, tier: int | None) -> None:
        """(Re)build every node from the catalogue, keeping expansion where possible."""
        collapsed = {k for k, n in self.nodes_by_key.items() if n.allow_expand and not n.is_expanded}
        self.clear()
        self._flag_bumps = {}  # (node ids start again)
        self.nodes_by_key = {}
        for special in sources.SPECIAL_NODES:
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
            for special in sources.SPECIAL_NODES:
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
        # The line cache keys each line by its badge (BadgeKeyedLines): a changed badge needs
        # a redraw of its line only, and lines drawn for another tier are drawn again from
        # the cache when that tier comes back.
        if len(changed) > 8:  # (a tier change: every badge) one refresh, not one per line
            self.refresh()
        else:
            for node in changed:
                if node.line >= 0:
                    self._refresh_line(node.line)

    def watch_cursor_line(self, previous_line: int, line: int) -> None:
        self._count_flag_bumps(super().watch_cursor_line, previous_line, line)
        node = self.cursor_node
        if self._on_highlight is not None and previous_line != line and node is not None:
            self._on_highlight(node)

    def watch_hover_line(self, previous_hover_line: int, hover_line: int) -> None:
        self._count_flag_bumps(super().watch_hover_line, previous_hover_line, hover_line)

    def _count_flag_bumps(self, watcher: Callable[[int, int], None], previous: int, line: int) -> None:
        """Run Tree's cursor or hover watcher (the only places that set a node's cursor and
        hover flags), counting the update-counter bumps it made (see BadgeKeyedLines)."""
        nodes = {self._get_node(previous), self._get_node(line), self.cursor_node}
        before = {node: node._updates for node in nodes if node is not None}
        watcher(previous, line)
        bumps = self._flag_bumps
        for node, updates in before.items():
            if node._updates != updates:
                bumps[node._id] = bumps.get(node._id, 0) + node._updates - updates

    # ------------------------------------------------------------------ actions
    def action_enter_node(self) -> None:
        node = self.cursor_node
        if node is None:
            return
        if self._on_enter is not None:
            self._on_enter(node)
        else:
            self.post_message(self.Entered(node))

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

    # ------------------------------------------------------------------ rendering
    def render_lines(self, crop: Region) -> list[Strip]:
        # Tree.render_line looks up rich_style (a walk over every ancestor's styles) for each
        # line: once per draw is enough (a tier change redraws every line).
        self._line_style = self.rich_style
        try:
            return super().render_lines(crop)
        finally:
            self._line_style = None

    def render_line(self, y: int) -> Strip:
        style = self._line_style
        if style is None:
            return super().render_line(y)
        scroll_x, scroll_y = self.scroll_offset
        # (Tree's private line renderer, as Tree.render_line calls it; Textual is pinned.)
        return self._render_line(y + scroll_y, scroll_x, scroll_x + self.size.width, style)

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
        """What :meth:`render_label` would measure, without building it: Tree asks for every
        line's width on each rebuild (~100 labels, ~20 ms at start-up when drawn)."""
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
