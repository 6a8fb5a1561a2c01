"""Every key binding, gathered once for the help screen and the command palette.

Nothing is listed by hand: :func:`key_commands` walks the browse screen and its widgets and
collects each ``Binding`` with an ``id`` that their classes declare. A helper who adds ``Binding(..., id=...)`` to any
widget on the screen (or to the screen) gets a help line and a palette command for free. A
widget class may set ``HELP_GROUP`` to name its section in the help screen.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import partial
from typing import TYPE_CHECKING

from rich.text import Text
from textual.binding import Binding, BindingsMap
from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.dom import DOMNode
from textual.widget import Widget

if TYPE_CHECKING:
    from textual.app import App
    from textual.screen import Screen

SCREEN_GROUP = "Anywhere"
WORD = re.compile(r"[^\W_]+")
"""A word for the palette: letters and digits ("Nano-vLLM" is "Nano" and "vLLM")."""
MATCH_STYLE = "bold underline"


def words_of(text: str) -> list[tuple[int, int]]:
    """The (start, end) of each word of ``text``."""
    return [(m.start(), m.end()) for m in WORD.finditer(text)]


def word_match(query: str, text: str) -> tuple[float, list[tuple[int, int]]]:
    """How well ``query`` matches ``text`` word by word, in (0, 1], and the spans matched;
    0 when a query word starts no word of ``text`` (letters scattered across words never
    count). Whole words beat word prefixes; query words found next to each other, in
    order, beat words far apart; a text made mostly of the query beats a long one."""
    wanted = [query[a:b].casefold() for a, b in words_of(query)]
    spans = words_of(text)
    folded = [text[a:b].casefold() for a, b in spans]
    if not wanted or not spans:
        return 0.0, []
    whole = adjacent = 0
    used: list[int] = []
    for word in wanted:
        exact = [i for i, w in enumerate(folded) if w == word and i not in used]
        prefix = [i for i, w in enumerate(folded) if w.startswith(word) and i not in used]
        found = exact or prefix
        if not found:
            return 0.0, []
        # (after the previous query word if it can be: "nano vllm" reads "Nano-vLLM")
        index = next((i for i in found if used and i == used[-1] + 1), found[0])
        whole += bool(exact) and folded[index] == word
        adjacent += bool(used) and index == used[-1] + 1
        used.append(index)
    n = len(wanted)
    score = (0.5 + 0.25 * whole / n + 0.15 * (adjacent / (n - 1) if n > 1 else 1)
             + 0.1 * len(used) / len(spans))
    marks = [(spans[i][0], spans[i][0] + len(word)) for i, word in zip(used, wanted, strict=True)]
    return score, marks


def marked_prompt(text: str, marks: list[tuple[int, int]]) -> Text:
    """``text`` (plain, never markup) with the matched word starts styled."""
    prompt = Text(text)
    for start, end in marks:
        prompt.stylize(MATCH_STYLE, start, end)
    return prompt


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
        """Actions by the words of their description ("paged" finds no action: no word of
        one starts with it), or by their key typed exactly."""
        for command in self.browse_commands():
            title = self.title_of(command)
            score, marks = word_match(query, title)
            if not score and query.strip() in command.keys:
                score = 0.45
            if score > 0:
                yield Hit(
                    score,
                    marked_prompt(title, marks),
                    partial(command.run),
                    text=title,
                    help=self.help_of(command),
                )
