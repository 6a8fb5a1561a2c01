"""Every key binding, gathered once for the help screen and the command palette.

Nothing is listed by hand: :func:`key_commands` walks the browse screen and its widgets and
collects each ``Binding`` with an ``id`` that their classes declare. A helper who adds ``Binding(..., id=...)`` to any
widget on the screen (or to the screen) gets a help line and a palette command for free. A
widget class may set ``HELP_GROUP`` to name its section in the help screen.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import partial
from typing import TYPE_CHECKING

from textual.binding import Binding, BindingsMap
from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.dom import DOMNode
from textual.widget import Widget

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
    owner: Widget
    group: str
    binding_id: str
    keys: list[str] = field(default_factory=list)

    @property
    def key_text(self) -> str:
        return ", ".join(self.keys)

    async def run(self) -> None:
        await self.owner.run_action(self.action)


def declared_bindings(node: DOMNode) -> list[Binding]:
    """The bindings with an id that ``node``'s class and its bases declare in ``BINDINGS``
    (one per key), a base's first; a subclass's bindings replace a base's of the same id."""
    by_id: dict[str, list[Binding]] = {}
    for cls in reversed(type(node).__mro__):
        declared: dict[str, list[Binding]] = {}
        for bindings in BindingsMap(cls.__dict__.get("BINDINGS", [])).key_to_bindings.values():
            for binding in bindings:
                if binding.id:
                    declared.setdefault(binding.id, []).append(binding)
        by_id.update(declared)
    return [binding for bindings in by_id.values() for binding in bindings]


def _group_of(node: DOMNode, screen: Screen) -> str:
    if node is screen:
        return SCREEN_GROUP
    return getattr(type(node), "HELP_GROUP", None) or type(node).__name__


def key_commands(screen: Screen, app: App | None = None) -> list[KeyCommand]:
    """Bindings with an id on ``screen`` and its widgets, in declaration order."""
    app = app or screen.app
    nodes: list[Widget] = [screen, *screen.query("*")]
    found: dict[tuple[int, str], KeyCommand] = {}
    for node in nodes:
        for binding in declared_bindings(node):
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
    """The app's main (browse) screen: the bottom of its stack, wherever the palette was
    opened from (help and the other screens open above it)."""
    stack = app.screen_stack
    return stack[0] if stack else None


class KeyCommandsProvider(Provider):
    """Command palette (ctrl+p): every key's action, searchable by its description."""

    def browse_commands(self) -> list[KeyCommand]:
        screen = browse_screen_of(self.app)
        return key_commands(screen, self.app) if screen is not None else []

    @staticmethod
    def title_of(command: KeyCommand) -> str:
        if command.group == SCREEN_GROUP:
            return command.help
        return f"{command.group}: {command.help}"

    @staticmethod
    def help_of(command: KeyCommand) -> str:
        return f"Key: {command.key_text}"

    async def discover(self) -> Hits:
        for command in self.browse_commands():
            yield DiscoveryHit(
                self.title_of(command), partial(command.run), help=self.help_of(command)
            )

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for command in self.browse_commands():
            title = self.title_of(command)
            score = max(matcher.match(title), matcher.match(command.key_text) * 0.5)
            if score > 0:
                yield Hit(
                    score,
                    matcher.highlight(title),
                    partial(command.run),
                    text=title,
                    help=self.help_of(command),
                )
