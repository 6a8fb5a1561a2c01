"""The own-link dialogs: ``a`` (paste a URL; the page's title and description are read in a
worker and can be changed) and ``e`` (change an own link's title and description), and the
one-question confirm for removing a link. They write nothing: the caller does."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, Static

from tuiguide.core.errors import UserError
from tuiguide.core.library import links
from tuiguide.core.text.sanitize import clean_text
from tuiguide.tui.messages import LinkPageRead
from tuiguide.tui.widgets.modal_box import modal_box_css

if TYPE_CHECKING:
    from tuiguide.core.feeds.suggest import Suggestion
    from tuiguide.core.store.catalogue import Catalogue


@dataclass
class LinkForm:
    """What the dialog returns: the fields, or ``duplicate`` (the resource already there)."""

    url: str = ""
    title: str = ""
    description: str = ""
    author: str = ""  # from the page (its meta author), kept with the link
    duplicate: int | None = None
    suggestions: list[Suggestion] = field(default_factory=list)
    labels: dict[int, str] = field(default_factory=dict)


class LinkDialog(ModalScreen[LinkForm | None]):
    """Add (``url`` asked first) or edit (``editing``: title and description only)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="link.cancel"),
    ]
    DEFAULT_CSS = modal_box_css("LinkDialog", "link-box", 80) + """
    LinkDialog Input { margin-bottom: 1; }
    LinkDialog #link-hint { height: auto; color: $text-muted; }
    """

    def __init__(self, catalogue: Catalogue, *, title: str = "", description: str = "",
                 editing: bool = False) -> None:
        super().__init__()
        self.catalogue = catalogue
        self.editing = editing
        self.form = LinkForm(title=title, description=description)
        self.reading = False

    def compose(self) -> ComposeResult:
        box = Vertical(id="link-box")
        box.border_title = "Edit your link" if self.editing else "Add a link"
        box.border_subtitle = "enter next · tab field · esc cancel"
        with box:
            if not self.editing:
                yield Label("URL")
                yield Input(placeholder="https://…", id="link-url")
            yield Label("Title")
            yield Input(self.form.title, id="link-title")
            yield Label("Description")
            yield Input(self.form.description, id="link-description")
            yield Static(Text("Paste a link and press enter: its title is read from the page."
                              if not self.editing else ""), id="link-hint")

    def on_mount(self) -> None:
        self.query_one("#link-title" if self.editing else "#link-url", Input).focus()

    def hint(self, text: str) -> None:
        self.query_one("#link-hint", Static).update(Text(clean_text(text, limit=300)))

    def action_cancel(self) -> None:
        self.dismiss(None)

    @on(Input.Submitted, "#link-url")
    def _url_given(self, event: Input.Submitted) -> None:
        event.stop()
        url = event.value.strip()
        try:
            found = links.existing(self.catalogue, url)
        except UserError as exc:
            self.hint(str(exc))
            return
        if found is not None:
            self.dismiss(LinkForm(url=url, duplicate=found))
            return
        self.form.url = url
        self.reading = True
        self.hint("Reading the page…")
        self.query_one("#link-title", Input).focus()
        self.read_page(url, self.catalogue.path)

    @work(thread=True, exclusive=True, group="link-page", exit_on_error=False)
    def read_page(self, url: str, path: Path) -> None:
        """Off the UI thread: the page (the feeds' fetcher and limits) and the suggester,
        which reads the catalogue through its own connection."""
        from tuiguide.core.feeds.suggest import Suggester
        from tuiguide.core.store.catalogue import Catalogue

        page = links.read_page(url)
        with Catalogue.open(path, seed=False) as catalogue:
            suggester = Suggester(catalogue)
            suggestions = suggester.suggest(page.title or url, page.description,
                                            page.author or None, url)
            labels = dict(suggester.labels)
        self.post_message(LinkPageRead(url, page.title, page.description, page.error,
                                       suggestions, labels, page.author))

    @on(LinkPageRead)
    def _page_read(self, message: LinkPageRead) -> None:
        self.reading = False
        self.form.suggestions, self.form.labels = message.suggestions, message.labels
        self.form.author = message.author
        title = self.query_one("#link-title", Input)
        description = self.query_one("#link-description", Input)
        if not title.value.strip():
            title.value = message.title
        if not description.value.strip():
            description.value = message.description
        if message.error:
            self.hint(f"Could not read the page ({message.error}): type a title.")
        else:
            self.hint("Check the title, then press enter to choose the topic.")

    @on(Input.Submitted, "#link-title, #link-description")
    def _done(self, event: Input.Submitted) -> None:
        event.stop()
        title = self.query_one("#link-title", Input).value.strip()
        if not title:
            self.hint("A link needs a title: type one." if not self.reading
                      else "Reading the page… (or type a title)")
            return
        if not self.editing and not self.form.url:
            self.hint("Paste the link's URL first.")
            return
        if not self.editing and self.reading:
            self.hint("Reading the page… press enter again once the topic is suggested.")
            return
        self.form.title = title
        self.form.description = self.query_one("#link-description", Input).value.strip()
        self.dismiss(self.form)


class ConfirmDialog(ModalScreen[bool]):
    """One yes/no question: ``y`` or enter confirm, ``n`` or escape cancel."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("y,enter", "answer(True)", "Yes", id="confirm.yes"),
        Binding("n,escape", "answer(False)", "No", id="confirm.no"),
    ]
    DEFAULT_CSS = modal_box_css("ConfirmDialog", "confirm-box", 60)

    def __init__(self, question: str) -> None:
        super().__init__()
        self.question = question

    def compose(self) -> ComposeResult:
        box = Vertical(id="confirm-box")
        box.border_title = "Confirm"
        box.border_subtitle = "y yes · n no"
        with box:
            yield Static(Text(clean_text(self.question, limit=400)))

    def action_answer(self, yes: bool) -> None:
        self.dismiss(yes)
