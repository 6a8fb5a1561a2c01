"""Every message a background worker posts: the one way work done off the UI thread returns.

A worker (``@work(thread=True)``, with its own catalogue connection) posts one of these to the
widget that started it (``post_message`` is thread-safe); that widget's ``@on`` handler
updates the screen on the UI thread. A message that arrives after its widget has gone is
dropped by Textual, so nothing lands on a screen the user has left.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.message import Message

if TYPE_CHECKING:  # (the feeds and search modules are imported when first used: start-up)
    from tuiguide.core.articles.store import StoredArticle
    from tuiguide.core.feeds.inbox import InboxEntry
    from tuiguide.core.feeds.refresh import RefreshProgress, RefreshReport
    from tuiguide.core.feeds.suggest import Suggester, Suggestion
    from tuiguide.tui.sources.search import Prefetched


class WorkerMessage(Message, bubble=False):
    """Posted by a worker to the widget that started it, which handles it (no bubbling)."""


class SearchResultsReady(WorkerMessage):
    """A query's first page and tab counts, or why it failed; ``generation`` says which query
    (a newer keystroke makes older results stale)."""

    def __init__(
        self, generation: int, prefetched: Prefetched | None, error: BaseException | None
    ) -> None:
        super().__init__()
        self.generation = generation
        self.prefetched = prefetched
        self.error = error


class FeedLanded(WorkerMessage):
    """One feed of a refresh is stored (its entries are in the Inbox)."""

    def __init__(self, progress: RefreshProgress) -> None:
        super().__init__()
        self.progress = progress


class FeedsRefreshed(WorkerMessage):
    """A refresh is over: its report, or the one-line reason it failed."""

    def __init__(self, report: RefreshReport | None, error: str | None) -> None:
        super().__init__()
        self.report = report
        self.error = error


class FeedAdded(WorkerMessage):
    """A feed was fetched and followed (``feed_id``), or refused (None); ``text`` says which."""

    def __init__(self, feed_id: int | None, text: str) -> None:
        super().__init__()
        self.feed_id = feed_id
        self.text = text


class SuggestionsReady(WorkerMessage):
    """Where the Inbox entry ``entry`` likely belongs, for the filing dialog, or the error."""

    def __init__(
        self,
        entry: InboxEntry,
        suggester: Suggester | None,
        suggestions: list[Suggestion],
        error: BaseException | None,
    ) -> None:
        super().__init__()
        self.entry = entry
        self.suggester = suggester
        self.suggestions = suggestions
        self.error = error


class LinkPageRead(WorkerMessage):
    """A link's page was read for the add-link dialog: its title, description and author
    (empty when unreadable, ``error`` says why) and where the suggester would file it."""

    def __init__(self, url: str, title: str, description: str, error: str | None,
                 suggestions: list[Suggestion], labels: dict[int, str],
                 author: str = "") -> None:
        super().__init__()
        self.url = url
        self.author = author
        self.title = title
        self.description = description
        self.error = error
        self.suggestions = suggestions
        self.labels = labels


class ArticleReady(WorkerMessage):
    """The reader's text, stored or just fetched, or the one-line reason there is none."""

    def __init__(self, stored: StoredArticle | None, link_state: str | None,
                 error: str | None) -> None:
        super().__init__()
        self.stored = stored
        self.link_state = link_state
        self.error = error


class ArticlesFetched(WorkerMessage):
    """Progress of the background "fetch all for offline": ``done`` of ``total``, and at the
    end (``finished``) the summary line."""

    def __init__(self, done: int, total: int, line: str | None = None,
                 finished: bool = False) -> None:
        super().__init__()
        self.done = done
        self.total = total
        self.line = line
        self.finished = finished
