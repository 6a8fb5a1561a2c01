"""The filing dialog (``f`` on an Inbox entry): pick a topic and a tier, confirm.

The three likeliest topics come first, the best one highlighted, with the suggested tier
already chosen; every other topic follows below a divider for when the suggester is wrong.
Enter files, 1/2/3 change the tier, escape cancels. The dialog returns ``(topic_id, tier)``
or None; it writes nothing itself (the caller files the entry).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from tuiguide.core.feeds.suggest import Suggester, Suggestion
from tuiguide.core.text.sanitize import clean_text
from tuiguide.tui.widgets.modal_box import modal_box_css

if TYPE_CHECKING:
    from tuiguide.core.feeds.inbox import InboxEntry
    from tuiguide.core.store.catalogue import Catalogue

FileChoice = tuple[int, int | None]
TIERS = (1, 2, 3)


def _strength(score: float, best: float, width: int = 5) -> str:
    filled = round(width * score / best) if best > 0 else 0
    return "▮" * max(filled, 1 if score > 0 else 0) + "▯" * (width - max(filled, 1 if score > 0 else 0))


class TierPicker(Static):
    """``Tier  1  [2]  3  none`` -- the chosen tier highlighted; keys 1/2/3/0 choose."""

    def __init__(self, tier: int | None, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.tier = tier

    def choose(self, tier: int | None) -> None:
        self.tier = tier
        self.update(self.render_tiers())

    def render_tiers(self) -> Text:
        text = Text("Tier  ", style="bold")
        for tier in (*TIERS, None):
            label = f" {tier} " if tier else " none "
            if tier == self.tier:
                text.append(label, style="reverse bold")
            else:
                text.append(label, style="dim")
            text.append(" ")
        text.append("  (1/2/3/0)", style="dim")
        return text

    def on_mount(self) -> None:
        self.update(self.render_tiers())


class FileDialog(ModalScreen[FileChoice | None]):
    """Choose where an entry goes; dismisses with ``(topic_id, tier)`` or None."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="file.cancel"),
        Binding("1", "tier(1)", "Tier 1", show=False),
        Binding("2", "tier(2)", "Tier 2", show=False),
        Binding("3", "tier(3)", "Tier 3", show=False),
        Binding("0", "tier(0)", "Untiered", show=False),
    ]

    DEFAULT_CSS = modal_box_css("FileDialog", "file-box", 80) + """
    FileDialog #file-entry {
        max-height: 3;
        margin-bottom: 1;
        text-style: bold;
    }
    FileDialog #file-topics {
        height: auto;
        max-height: 16;
        border: none;
        padding: 0;
        margin-bottom: 1;
    }
    FileDialog #file-tier {
        height: 1;
    }
    """

    def __init__(
        self,
        title: str,
        suggestions: Sequence[Suggestion],
        topics: Sequence[tuple[int, str]],
        *,
        tier: int | None = None,
    ) -> None:
        """``topics`` is every (topic_id, label) in guide order; ``suggestions`` best first."""
        super().__init__()
        self.entry_title = title
        self.suggestions = list(suggestions)[:3]
        self.topics = list(topics)
        first_tier = self.suggestions[0].tier if self.suggestions else None
        self.initial_tier = tier if tier is not None else (first_tier or 2)

    def compose(self) -> ComposeResult:
        box = Vertical(id="file-box")
        box.border_title = "File into the guide"
        box.border_subtitle = "enter file · ↑↓ topic · 1/2/3 tier · esc cancel"
        with box:
            yield Static(Text(clean_text(self.entry_title, limit=300)), id="file-entry")
            yield OptionList(*self.topic_options(), id="file-topics")
            yield TierPicker(self.initial_tier, id="file-tier")

    def topic_options(self) -> list[Option | None]:
        options: list[Option | None] = []
        suggested = {s.topic_id for s in self.suggestions}
        best = self.suggestions[0].score if self.suggestions else 0.0
        labels = dict(self.topics)
        for s in self.suggestions:
            prompt = Text()
            prompt.append(_strength(s.score, best) + " ", style="green")
            prompt.append(clean_text(labels.get(s.topic_id, s.label), limit=120))
            if s.tier:
                prompt.append(f"  T{s.tier}", style="dim")
            options.append(Option(prompt, id=f"topic-{s.topic_id}"))
        if options:
            options.append(None)
        for topic_id, label in self.topics:
            if topic_id not in suggested:
                prompt = Text("      ")
                prompt.append(clean_text(label, limit=120))
                options.append(Option(prompt, id=f"topic-{topic_id}"))
        return options

    def on_mount(self) -> None:
        topics = self.query_one("#file-topics", OptionList)
        topics.highlighted = 0 if topics.option_count else None
        topics.focus()
        self._fit_topics()

    def on_resize(self) -> None:
        self._fit_topics()

    def _fit_topics(self) -> None:
        """Shorten the topic list on small terminals so the tier line stays on screen (the
        box may use 90% of the height: borders 2, title up to 3 + 1, margin 1, tier 1)."""
        room = int(self.app.size.height * 0.9) - 8
        self.query_one("#file-topics", OptionList).styles.max_height = max(3, min(16, room))

    @property
    def tier(self) -> int | None:
        return self.query_one("#file-tier", TierPicker).tier

    @property
    def topic_id(self) -> int | None:
        option = self.query_one("#file-topics", OptionList).highlighted_option
        return int(option.id.removeprefix("topic-")) if option and option.id else None

    def action_tier(self, tier: int) -> None:
        self.query_one("#file-tier", TierPicker).choose(tier or None)

    def action_cancel(self) -> None:
        self.dismiss(None)

    @on(OptionList.OptionSelected, "#file-topics")
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        topic_id = self.topic_id
        if topic_id is not None:
            self.dismiss((topic_id, self.tier))


def suggest_for_entry(suggester: Suggester, entry: InboxEntry) -> list[Suggestion]:
    return suggester.suggest(entry.title, entry.summary, entry.author, entry.link or "")


def dialog_for_entry(catalogue: Catalogue, entry: InboxEntry,
                     guide_id: int | None = None, *, suggester: Suggester | None = None,
                     suggestions: Sequence[Suggestion] | None = None) -> FileDialog:
    """The dialog for one Inbox entry, with suggestions learnt from the catalogue.

    Building a :class:`Suggester` reads every resource, slow on a big catalogue: a caller on the UI thread passes one built in a worker (and ``suggestions``
    computed there too); without, it is built here.
    """
    if suggester is None:
        suggester = Suggester(catalogue, guide_id)
    if suggestions is None:
        suggestions = suggest_for_entry(suggester, entry)
    guides = {g.id: g.title for g in catalogue.guides()}
    labels = suggester.labels
    if guide_id is None and len(guides) > 1:
        owner = {t.id: t.guide_id for t in catalogue.topics()}
        labels = {
            t: f"{clean_text(guides.get(owner.get(t) or 0, ''), limit=40)} › {label}"
            for t, label in labels.items()
        }
    return FileDialog(entry.title, suggestions, list(labels.items()))
