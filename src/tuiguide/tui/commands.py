"""Every key binding, gathered once for the help screen and the command palette.

Nothing is listed by hand: :func:`key_commands` walks the browse screen and its widgets and
collects each ``Binding`` that has an ``id``. A helper who adds ``Binding(..., id=...)`` to any
widget on the screen (or to the screen) gets a help line and a palette command for free. A
widget class may set ``HELP_GROUP`` to name its section in the help screen.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import partial
from typing import TYPE_CHECKING

from textual.binding import Binding, BindingsMap
from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.dom import DOMNode

if TYPE_CHECKING:
    from textual.app import App
    from textual.screen import Screen

SCREEN_GROUP = "Anywhere"


@dataclass
class KeyCommand:
    """One action and all the keys bound to it on one node."""

    description: str
    help: str
    action: str
    owner: DOMNode
    group: str
    binding_id: str
    keys: list[str] = field(default_factory=list)

    @property
    def key_text(self) -> str:
        return ", ".join(self.keys)

    async def run(self) -> None:
        await self.owner.run_action(self.action)


def _bindings_of(node: DOMNode) -> Iterable[Binding]:
    bindings_map = getattr(node, "_bindings", None)
    if bindings_map is None:
        return []
    return [b for bs in bindings_map.key_to_bindings.values() for b in bs]


def _group_of(node: DOMNode, screen: Screen) -> str:
    if node is screen:
        return SCREEN_GROUP
    return getattr(type(node), "HELP_GROUP", None) or type(node).__name__


def _declared_order(node: DOMNode) -> dict[str, int]:
    """Binding ids in the order the node's own class declares them."""
    declared = BindingsMap(getattr(type(node), "BINDINGS", []))
    ids = [b.id for bs in declared.key_to_bindings.values() for b in bs if b.id]
    return {binding_id: i for i, binding_id in reversed(list(enumerate(ids)))}


def key_commands(screen: Screen, app: App | None = None) -> list[KeyCommand]:
    """Bindings with an id on ``screen`` and its widgets, in declaration order."""
    app = app or screen.app
    nodes: list[DOMNode] = [screen, *screen.query("*")]
    found: dict[tuple[int, str], KeyCommand] = {}
    for node in nodes:
        order = _declared_order(node)
        bindings = sorted(_bindings_of(node), key=lambda b: order.get(b.id or "", len(order)))
        for binding in bindings:
            if not binding.id or not binding.description:
                continue
            ident = (id(node), binding.id)
            command = found.get(ident)
            if command is None:
                command = found[ident] = KeyCommand(
                    description=binding.description,
                    help=binding.tooltip or binding.description,
                    action=binding.action,
                    owner=node,
                    group=_group_of(node, screen),
                    binding_id=binding.id,
                )
            shown = app.get_key_display(binding)
            if shown not in command.keys:
                command.keys.append(shown)
    return list(found.values())


def browse_screen_of(app: App) -> Screen | None:
    """The main (browse) screen, wherever it sits in the screen stack."""
    from tuiguide.tui.screens.browse import BrowseScreen

    for screen in reversed(app.screen_stack):
        if isinstance(screen, BrowseScreen):
            return screen
    return None


class KeyCommandsProvider(Provider):
    """Command palette (ctrl+p): every key's action, searchable by its description."""

    def _commands(self) -> list[KeyCommand]:
        screen = browse_screen_of(self.app)
        return key_commands(screen, self.app) if screen is not None else []

    @staticmethod
    def _title(command: KeyCommand) -> str:
        if command.group == SCREEN_GROUP:
            return command.help
        return f"{command.group}: {command.help}"

    @staticmethod
    def _help(command: KeyCommand) -> str:
        return f"Key: {command.key_text}"

    async def discover(self) -> Hits:
        for command in self._commands():
            yield DiscoveryHit(
                self._title(command), partial(command.run), help=self._help(command)
            )

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for command in self._commands():
            title = self._title(command)
            score = max(matcher.match(title), matcher.match(command.key_text) * 0.5)
            if score > 0:
                yield Hit(
                    score,
                    matcher.highlight(title),
                    partial(command.run),
                    text=title,
                    help=self._help(command),
                )
