"""The reader's text pane: what the page is (title, site, author, date, reading time) over
its Markdown, with find-in-page, open/copy of the link and, for a dead link, its archived copy.

The text is fetched (when not stored) by a thread worker with its own catalogue connection,
which posts :class:`~tuiguide.tui.messages.ArticleReady`; keys never wait on the network.
Page text is data: Textual's Markdown widget renders it (no Rich markup is parsed), and it
was cleaned of control characters when it was stored.
"""

from __future__ import annotations

from pathlib import Path

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.widgets import Input, Markdown, Static
from textual.widgets.markdown import MarkdownBlock

from tuiguide.core.articles.links import archive_url
from tuiguide.core.articles.store import StoredArticle, Target
from tuiguide.core.text.sanitize import clean_text
from tuiguide.tui.links import LinkResult, copy_link, open_link
from tuiguide.tui.messages import ArticleReady


class ArticleView(Vertical):
    """One page's stored text, fetched first by a worker when there is none."""

    DEFAULT_CSS = """
    ArticleView { height: 1fr; width: 1fr; }
    ArticleView #article-head { height: auto; padding: 0 1; background: $accent 20%; }
    ArticleView #article-scroll { height: 1fr; }
    ArticleView #article-find { display: none; }
    ArticleView.-finding #article-find { display: block; }
    """

    BINDINGS = [
        Binding("slash", "find", "Find", id="reader.find"),
        Binding("n", "find_next", "Next match", id="reader.find_next", show=False),
        Binding("o", "open_link", "Open link", id="reader.open"),
        Binding("c", "copy_link", "Copy link", id="reader.copy"),
        Binding("w", "open_archive", "Open archived", id="reader.archive_open"),
        Binding("W", "copy_archive", "Copy archived", id="reader.archive_copy"),
    ]

    def __init__(self, path: Path, target: Target, title: str) -> None:
        super().__init__(id="article")
        self.path = path
        self.target = target
        self.title = clean_text(title, limit=300)
        self.stored: StoredArticle | None = None
        self.link_state: str | None = None
        self.term = ""
        self._match = -1

    def compose(self) -> ComposeResult:
        yield Static(self.head_text(), id="article-head")
        with VerticalScroll(id="article-scroll", can_focus=True):
            yield Markdown("*Fetching the page…*", open_links=False, id="article-text")
        yield Input(placeholder="Find in page (enter: next, esc: close)", id="article-find")

    def on_mount(self) -> None:
        self.load(self.path, self.target)

    # ------------------------------------------------------------------ loading
    @work(thread=True, group="reader-load", exit_on_error=False)
    def load(self, path: Path, target: Target) -> None:
        """Read the stored text, fetching it first when none is stored (a worker)."""
        from tuiguide.core.articles import store
        from tuiguide.core.articles.fetch import read_article
        from tuiguide.core.errors import UserError
        from tuiguide.core.store.catalogue import Catalogue

        try:
            with Catalogue.open(path, seed=False) as cat:
                try:
                    stored = read_article(cat, target)
                    error = None
                except UserError as exc:
                    stored, error = None, str(exc)
                state = store.link_states(cat, [target.url]).get(target.url)
        except Exception as exc:  # a worker must not take the app down
            self.post_message(ArticleReady(None, None, clean_text(str(exc), limit=300)))
            return
        self.post_message(ArticleReady(stored, state, error))

    @on(ArticleReady)
    async def shown(self, message: ArticleReady) -> None:
        self.stored, self.link_state = message.stored, message.link_state
        self.query_one("#article-head", Static).update(self.head_text())
        text = self.query_one("#article-text", Markdown)
        if message.stored is None:
            note = "\n\n**This link is dead**: press `w` to open its archived copy." if (
                self.dead) else ""
            await text.update(f"**Not available offline.** {message.error or ''}{note}")
        else:
            await text.update(message.stored.article.text or "*The page has no text.*")
        self.screen.refresh_bindings()

    @property
    def dead(self) -> bool:
        return self.link_state == "dead"

    def head_text(self) -> Text:
        stored = self.stored
        title = stored.article.title if stored else self.title
        head = Text(title, style="bold", no_wrap=True, overflow="ellipsis")
        facts: list[str] = []
        if stored is not None:
            a = stored.article
            facts = [x for x in (a.site, a.author, a.published) if x]
            facts.append(f"{a.reading_minutes} min read" if a.words else "no text")
            if a.kind != "article":
                facts.append(a.kind.upper() if a.kind == "pdf" else a.kind)
        if self.dead:
            facts.append("DEAD LINK (w: archived copy)")
        head.append("\n" + (" · ".join(facts) if facts else "…"), style="dim")
        return head

    # ------------------------------------------------------------------ keys
    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """The archived-copy keys exist only for a dead link (False hides them from the footer;
        :meth:`shown` refreshes the bindings once the link's state is known)."""
        if action in ("open_archive", "copy_archive"):
            return self.dead
        return True

    def action_find(self) -> None:
        self.add_class("-finding")
        self.query_one("#article-find", Input).focus()

    @on(Input.Submitted, "#article-find")
    def find_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if event.value != self.term:
            self.term, self._match = event.value, -1
        self.action_find_next()

    def action_find_next(self) -> None:
        """Scroll to the next block that holds the find term (wrapping at the end)."""
        term = self.term.strip().lower()
        if not term:
            return
        blocks = [b for b in self.query(MarkdownBlock) if term in (b.source or "").lower()]
        if not blocks:
            self.notify(f"Not found: {clean_text(self.term, limit=60)}", severity="warning",
                        markup=False)
            return
        self._match = (self._match + 1) % len(blocks)
        blocks[self._match].scroll_visible(top=True, animate=False)
        self.notify(f"Match {self._match + 1} of {len(blocks)}", timeout=2, markup=False)

    def close_find(self) -> bool:
        """Close the find bar if it is open (escape); True when it was."""
        if not self.has_class("-finding"):
            return False
        self.remove_class("-finding")
        self.query_one("#article-scroll").focus()
        return True

    def current_link(self) -> str:
        return self.stored.final_url if self.stored else self.target.link

    def _say(self, result: LinkResult) -> None:
        self.notify(result.message, severity="information" if result.ok else "warning",
                    markup=False)

    def action_open_link(self) -> None:
        self._say(open_link(self.app, self.current_link()))

    def action_copy_link(self) -> None:
        self._say(copy_link(self.app, self.current_link()))

    def action_open_archive(self) -> None:
        self._say(open_link(self.app, archive_url(self.target.link)))

    def action_copy_archive(self) -> None:
        self._say(copy_link(self.app, archive_url(self.target.link)))
