"""Merge a JSON export (see :mod:`tuiguide.core.backup.export`) into a catalogue.

Rules, so a backup can be restored on a fresh machine or two machines kept in step:

* The file is checked completely before anything is written; a malformed, foreign or
  newer-version file is refused with one line naming the file, and nothing is written.
  Everything is then written in one transaction.
* Per resource, the newest change wins: the status with the later ``status_at``, the note
  with the later ``updated_at`` (a note deleted later than the other side's edit stays
  deleted). Equal times keep what the catalogue has.
* Events are added only when the catalogue lacks the same (URL, kind, value, time).
* A resource the catalogue does not know is *created* (origin ``restore``, in no topic:
  ``tuiguide show ID`` and search find it, and re-importing its guide adopts it) rather
  than dropped, because its status and note are the user's own work.
* Followed feeds missing from the catalogue are added (URL and title; only http(s)).
  Unfollowing is not carried over: the file cannot say when a feed was dropped.

Running the same restore twice changes nothing the second time.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tuiguide.core.backup.additions import (
    AdditionsReport,
    BadAddition,
    check_additions,
    merge_additions,
    merge_own_links,
)
from tuiguide.core.backup.articles import file_stamp, merge_articles, parse_articles
from tuiguide.core.backup.export import EXPORT_FORMAT, EXPORT_VERSION
from tuiguide.core.errors import UserError, read_user_file
from tuiguide.core.models import STATUSES
from tuiguide.core.store.backup import RestoreWriter, feed_columns, restoring
from tuiguide.core.text.urls import is_openable, normalise_url

if TYPE_CHECKING:
    from tuiguide.core.store.catalogue import Catalogue

MAX_EXPORT_BYTES = 200 * 1024 * 1024


@dataclass(frozen=True)
class NoteIn:
    body: str
    created_at: str | None
    updated_at: str


@dataclass(frozen=True)
class ResourceIn:
    url: str
    link: str
    title: str
    author: str | None
    status: str
    status_at: str | None
    started_at: str | None
    finished_at: str | None
    note: NoteIn | None


@dataclass(frozen=True)
class EventIn:
    url: str
    kind: str
    value: str | None
    previous: str | None
    at: str


@dataclass(frozen=True)
class FeedIn:
    url: str
    link: str
    title: str


@dataclass
class ExportFile:
    resources: dict[str, ResourceIn]
    events: list[EventIn]
    feeds: list[FeedIn]
    additions: dict[str, Any] = field(default_factory=dict)  # reviews, goal, links, tags
    articles: list[dict[str, Any]] = field(default_factory=list)  # with --with-articles only


@dataclass
class RestoreReport:
    resources: int = 0  # resources in the file
    created: int = 0
    statuses: int = 0
    notes: int = 0
    notes_deleted: int = 0
    events: int = 0
    feeds: int = 0
    feeds_skipped: int = 0
    articles: int = 0  # stored page texts added or replaced by newer ones
    warnings: list[str] = field(default_factory=list)
    additions: AdditionsReport = field(default_factory=AdditionsReport)

    @property
    def changed(self) -> bool:
        return any((self.created, self.statuses, self.notes, self.notes_deleted, self.events,
                    self.feeds, self.additions.changed, self.articles))

    @property
    def summary(self) -> str:
        if not self.changed:
            return f"nothing to change ({self.resources} resources already up to date)"
        parts = [
            _plural(self.statuses, "status", "statuses"),
            _plural(self.notes, "note"),
            _plural(self.events, "event"),
        ]
        if self.notes_deleted:
            parts.append(_plural(self.notes_deleted, "note") + " deleted")
        if self.created:
            parts.append(_plural(self.created, "resource") + " not in any guide added")
        if self.feeds:
            parts.append(_plural(self.feeds, "feed"))
        a = self.additions
        parts += [_plural(n, word) for n, word in ((a.links, "own link"), (a.tags, "tag"),
                                                   (a.cards, "review card"), (a.reviews, "review"))
                  if n]
        if a.goal:
            parts.append("the daily goal")
        if self.articles:
            parts.append(_plural(self.articles, "stored page text"))
        return "restored " + ", ".join(parts)

    def as_json(self) -> dict[str, Any]:
        return {
            "resources": self.resources,
            "created": self.created,
            "statuses": self.statuses,
            "notes": self.notes,
            "notes_deleted": self.notes_deleted,
            "events": self.events,
            "feeds": self.feeds,
            "feeds_skipped": self.feeds_skipped,
            "own_links": self.additions.links,
            "tags": self.additions.tags,
            "review_cards": self.additions.cards,
            "reviews": self.additions.reviews,
            "goal": self.additions.goal,
            "articles": self.articles,
            "changed": self.changed,
        }


def _plural(n: int, word: str, plural: str | None = None) -> str:
    return f"{n} {word if n == 1 else plural or word + 's'}"


# ---------------------------------------------------------------------- validation
class _Bad(Exception):
    """A problem in the file; turned into one UserError naming the file."""


def _stamp(value: Any, where: str, *, optional: bool = True) -> str | None:
    """A time from the file, as the catalogue stores it (None when optional and absent)."""
    if value is None and optional:
        return None
    try:
        return file_stamp(value, where)
    except ValueError as exc:
        raise _Bad(str(exc)) from None


def _text(value: Any, where: str, *, optional: bool = True) -> str | None:
    if value is None and optional:
        return None
    if not isinstance(value, str):
        raise _Bad(f"{where} must be text")
    return value


def _object(value: Any, where: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise _Bad(f"{where} must be an object")
    return value


def _resource(url: str, raw: Any) -> ResourceIn:
    where = f"resource {url[:80]!r}"
    obj = _object(raw, where)
    status = obj.get("status", "todo")
    if status not in STATUSES:
        raise _Bad(f"{where}: unknown status {str(status)[:20]!r}")
    note = None
    if obj.get("note") is not None:
        n = _object(obj["note"], f"{where} note")
        note = NoteIn(
            body=_text(n.get("body"), f"{where} note body", optional=False) or "",
            created_at=_stamp(n.get("created_at"), f"{where} note created_at"),
            updated_at=_stamp(n.get("updated_at"), f"{where} note updated_at", optional=False)
            or "",
        )
    link = _text(obj.get("link"), f"{where} link") or url
    return ResourceIn(
        url=url,
        link=link,
        title=_text(obj.get("title"), f"{where} title") or link,
        author=_text(obj.get("author"), f"{where} author"),
        status=status,
        status_at=_stamp(obj.get("status_at"), f"{where} status_at"),
        started_at=_stamp(obj.get("started_at"), f"{where} started_at"),
        finished_at=_stamp(obj.get("finished_at"), f"{where} finished_at"),
        note=note,
    )


def _event(i: int, raw: Any) -> EventIn:
    where = f"event {i + 1}"
    obj = _object(raw, where)
    url = _text(obj.get("url"), f"{where} url", optional=False) or ""
    kind = _text(obj.get("kind"), f"{where} kind", optional=False) or ""
    if not url.strip() or not kind:
        raise _Bad(f"{where} has no url or kind")
    return EventIn(
        url=normalise_url(url),
        kind=kind,
        value=_text(obj.get("value"), f"{where} value"),
        previous=_text(obj.get("previous"), f"{where} previous"),
        at=_stamp(obj.get("at"), f"{where} at", optional=False) or "",
    )


def _feed(i: int, raw: Any) -> FeedIn:
    where = f"feed {i + 1}"
    obj = _object(raw, where)
    url = _text(obj.get("url"), f"{where} url", optional=False) or ""
    if not url.strip():
        raise _Bad(f"{where} has no url")
    return FeedIn(
        url=url,
        link=_text(obj.get("link"), f"{where} link") or url,
        title=_text(obj.get("title"), f"{where} title") or "",
    )


def parse_export(data: Any, *, with_articles: bool = False) -> ExportFile:
    """Check a decoded export completely (its stored texts only ``with_articles``); raise
    _Bad with what is wrong."""
    if not isinstance(data, dict) or data.get("format") != EXPORT_FORMAT:
        raise _Bad("not a tuiguide export (no \"format\": \"tuiguide-export\")")
    version = data.get("version")
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise _Bad(f"unknown export version {str(version)[:20]!r}")
    if version > EXPORT_VERSION:
        raise _Bad(
            f"written by a newer tuiguide (export version {version}, this one reads "
            f"{EXPORT_VERSION}); upgrade tuiguide"
        )
    raw_resources = _object(data.get("resources", {}), "\"resources\"")
    resources: dict[str, ResourceIn] = {}
    for raw_url, raw in raw_resources.items():
        if not raw_url.strip():
            raise _Bad("a resource has an empty URL")
        url = normalise_url(raw_url)
        resources[url] = _resource(url, raw)
    raw_events = data.get("events", [])
    raw_feeds = data.get("feeds", [])
    if not isinstance(raw_events, list):
        raise _Bad("\"events\" must be a list")
    if not isinstance(raw_feeds, list):
        raise _Bad("\"feeds\" must be a list")
    events = [_event(i, e) for i, e in enumerate(raw_events)]
    feeds = [_feed(i, f) for i, f in enumerate(raw_feeds)]
    try:
        additions = check_additions(data)
    except BadAddition as exc:
        raise _Bad(str(exc)) from None
    try:
        articles = parse_articles(data.get("articles")) if with_articles else []
    except ValueError as exc:
        raise _Bad(str(exc)) from None
    return ExportFile(resources, events, feeds, additions, articles)


def read_export(path: Path | str, *, with_articles: bool = False) -> ExportFile:
    """Read and check an export file; one-line UserError naming the file when it is bad."""
    path = Path(path)
    raw = read_user_file(path, "a tuiguide JSON export file", max_bytes=MAX_EXPORT_BYTES)
    try:
        data = json.loads(raw.decode("utf-8-sig"))
    except UnicodeDecodeError:
        raise UserError(f"{path}: not a tuiguide export (not UTF-8 text); nothing restored") from None
    except json.JSONDecodeError as exc:
        raise UserError(
            f"{path}: not a tuiguide export (invalid JSON at line {exc.lineno} column "
            f"{exc.colno}: {exc.msg}); nothing restored"
        ) from None
    except RecursionError:
        raise UserError(f"{path}: not a tuiguide export (nested too deeply); nothing restored") from None
    try:
        return parse_export(data, with_articles=with_articles)
    except _Bad as exc:
        raise UserError(f"{path}: {exc}; nothing restored") from None


# ---------------------------------------------------------------------- merging
def _newer(theirs: str | None, ours: str | None) -> bool:
    return theirs is not None and (ours is None or theirs > ours)


def _merge_resource(writer: RestoreWriter, res: ResourceIn, report: RestoreReport) -> int:
    rid = writer.resource_id(res.url)
    if rid is None:
        rid = writer.add_resource(res.url, res.link, res.title, res.author)
        report.created += 1
    if _newer(res.status_at, writer.status_at(rid)):
        writer.set_status(rid, res.status, res.status_at, res.started_at, res.finished_at)
        report.statuses += 1
    note = res.note
    if note is not None:
        ours_at, have = writer.note_changed_at(rid)
        if _newer(note.updated_at, ours_at):
            if note.body.strip():
                writer.set_note(rid, note.body, note.created_at or note.updated_at,
                                note.updated_at)
                report.notes += 1
            elif have:
                writer.delete_note(rid)
                report.notes_deleted += 1
    return rid


def _add_event(writer: RestoreWriter, ids: dict[str, int], ev: EventIn, report: RestoreReport) -> None:
    rid = ids.get(ev.url)
    if rid is None:
        rid = writer.resource_id(ev.url)
        if rid is None:
            return  # an event for a resource the file does not describe: nothing to attach to
        ids[ev.url] = rid
    if writer.add_event(rid, ev.kind, ev.value, ev.previous, ev.at):
        report.events += 1


def _merge_feeds(writer: RestoreWriter, feeds: list[FeedIn], report: RestoreReport) -> None:
    if not feeds:
        return
    info = feed_columns(writer.catalogue)
    columns = {name for name, _, _ in info}
    now = writer.catalogue.now()
    supplied = {"url", "link", "title", "created_at", "updated_at"} & columns
    required = {name for name, needed, has_default in info if needed and not has_default}
    if "url" not in columns or not required <= supplied:
        report.feeds_skipped = len(feeds)
        report.warnings.append("this catalogue cannot hold followed feeds; feeds not restored")
        return
    for feed in feeds:
        link = next((u for u in (feed.link, feed.url) if is_openable(u)), None)
        if link is None:
            report.feeds_skipped += 1
            report.warnings.append(f"feed {feed.url[:80]!r} is not an http(s) URL; not restored")
            continue
        key = normalise_url(link)
        values = {"url": key, "link": link, "title": feed.title,
                  "created_at": now, "updated_at": now}
        if writer.has_feed(key):
            continue
        writer.add_feed({name: values[name] for name in supplied})
        report.feeds += 1


def merge_export(catalogue: Catalogue, export: ExportFile) -> RestoreReport:
    """Apply a checked export in one transaction (all of it or nothing)."""
    report = RestoreReport(resources=len(export.resources))
    with restoring(catalogue) as writer:
        ids: dict[str, int] = {}
        merge_own_links(catalogue, export.additions, report.additions)
        for url, res in export.resources.items():
            ids[url] = _merge_resource(writer, res, report)
        merge_additions(catalogue, export.additions, report.additions)
        for ev in export.events:
            _add_event(writer, ids, ev, report)
        _merge_feeds(writer, export.feeds, report)
        report.articles = merge_articles(catalogue, export.articles)
    return report


def restore_file(catalogue: Catalogue, path: Path | str) -> RestoreReport:
    return merge_export(catalogue, read_export(path))
