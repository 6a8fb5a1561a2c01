"""Export what the user made: a markdown study journal and a versioned JSON backup.

The journal mirrors the guide (topics, sections, tiers) with a checkbox per resource, its
status dates and its note. It holds no time of its own, and its order is fixed, so running
the export again with nothing changed gives the same bytes: it diffs cleanly in git.

The JSON export holds everything the user created, keyed by normalised URL (the identity of
a resource on every machine), for :mod:`tuiguide.core.backup.restore`.
"""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tuiguide import __version__
from tuiguide.core.backup.additions import export_additions
from tuiguide.core.errors import UserError
from tuiguide.core.store import backup as store
from tuiguide.core.store.backup import JournalRow
from tuiguide.core.text.sanitize import clean_text

if TYPE_CHECKING:
    from tuiguide.core.store.catalogue import Catalogue

EXPORT_FORMAT = "tuiguide-export"
EXPORT_VERSION = 1
JOURNAL_HEADER = "<!-- tuiguide study journal: regenerate with `tuiguide export --format markdown` -->"


# ---------------------------------------------------------------------- markdown helpers
def md_escape(text: str) -> str:
    """Outside text made inert for markdown link text / headings (one line)."""
    text = clean_text(text)
    for ch in "\\[]<>*_`":
        text = text.replace(ch, "\\" + ch)
    return text


def md_url(url: str) -> str:
    """A link target that cannot end the ``(...)`` early or break the line."""
    url = clean_text(url)
    for ch, code in ((" ", "%20"), ("(", "%28"), (")", "%29"), ("<", "%3C"), (">", "%3E")):
        url = url.replace(ch, code)
    return url


def _day(stamp: str | None) -> str | None:
    return stamp[:10] if stamp else None


def status_line(status: str, status_at: str | None, started: str | None, finished: str | None) -> str:
    """``done 2025-01-03 · started 2025-01-01`` (dates in UTC); empty for untouched todo."""
    parts: list[str] = []
    if status == "done":
        parts.append(f"done {_day(finished or status_at) or ''}".strip())
    elif status == "reading":
        parts.append(f"reading since {_day(started or status_at) or '?'}")
    elif status == "skipped":
        parts.append(f"skipped {_day(status_at) or ''}".strip())
    if started and status in ("done", "skipped"):
        parts.append(f"started {_day(started)}")
    return " · ".join(parts)


def note_block(body: str, indent: str = "  ") -> list[str]:
    """A note as a blockquote inside its list item (markdown in the note still renders)."""
    lines = clean_text(body, multiline=True).strip("\n").split("\n")
    return [f"{indent}> {line}".rstrip() for line in lines]


def _item_lines(row: JournalRow, noted_in: dict[int, str],
                extras: dict[int, str] | None = None) -> list[str]:
    box = "x" if row.status == "done" else " "
    title = md_escape(row.title) or md_escape(row.link)
    text = f"- [{box}] [{title}]({md_url(row.link)})"
    if row.author:
        text += f" — {md_escape(row.author)}"
    lines = [text]
    dates = status_line(row.status, row.status_at, row.started_at, row.finished_at)
    extra = (extras or {}).get(row.resource_id)
    if dates or extra:
        lines.append(f"  *{' · '.join(part for part in (dates, extra) if part)}*")
    if row.note and row.note.strip():
        if row.resource_id in noted_in:
            lines.append(f"  *note: see {md_escape(noted_in[row.resource_id])}*")
        else:
            noted_in[row.resource_id] = row.topic_label
            lines += ["", *note_block(row.note), ""]
    return lines


def markdown_journal(catalogue: Catalogue) -> str:
    """The study journal for every guide (same bytes when nothing changed)."""
    out: list[str] = [JOURNAL_HEADER]
    noted_in: dict[int, str] = {}
    extras = journal_extras(catalogue)
    for guide in catalogue.guides():
        counts = catalogue.guide_counts(guide.id)
        out += ["", f"# {md_escape(guide.title)}", ""]
        out.append(
            f"{counts.done}/{counts.total} done ({counts.percent:.0f}%) · {counts.reading} "
            f"reading · {counts.skipped} skipped · dates are UTC"
        )
        topic = section = tier = None
        first_in_block = True
        for row in store.journal_rows(catalogue, guide.id):
            if row.topic_id != topic:
                topic, section, tier = row.topic_id, None, None
                out += ["", f"## {md_escape(row.topic_label)}"]
                first_in_block = True
            if row.section != section:
                section, tier = row.section, None
                if section:
                    out += ["", f"### {md_escape(section)}"]
                first_in_block = True
            if row.tier != tier:
                tier = row.tier
                if tier is not None:
                    out += ["", f"#### Tier {tier}"]
                first_in_block = True
            if first_in_block:
                out.append("")
                first_in_block = False
            out += _item_lines(row, noted_in, extras)
    out += _other_resources(catalogue, noted_in, extras)
    return _join_lines(out)


def _join_lines(lines: list[str]) -> str:
    """Lines joined with runs of blank lines collapsed (note lines are never blank)."""
    kept: list[str] = []
    for line in lines:
        if line or (kept and kept[-1]):
            kept.append(line)
    while kept and not kept[-1]:
        kept.pop()
    return "\n".join(kept) + "\n"


def journal_extras(catalogue: Catalogue) -> dict[int, str]:
    """Per resource: ``tags: a, b · next review 2026-01-05`` (tags escaped; dates UTC)."""
    from tuiguide.core.library.store import tags_by_resource
    from tuiguide.core.review.store import due_by_resource

    tags, due = tags_by_resource(catalogue), due_by_resource(catalogue)
    out: dict[int, str] = {}
    for rid in {*tags, *due}:
        parts = []
        if rid in tags:
            parts.append("tags: " + ", ".join(md_escape(t) for t in tags[rid]))
        if rid in due:
            parts.append(f"next review {_day(due[rid])}")
        out[rid] = " · ".join(parts)
    return out


def _other_resources(catalogue: Catalogue, noted_in: dict[int, str],
                     extras: dict[int, str] | None = None) -> list[str]:
    """Resources outside every guide (feeds, restores) that the user touched."""
    rows = store.unplaced_journal_rows(catalogue, "Other resources")
    if not rows:
        return []
    out = ["", "# Other resources", ""]
    for row in rows:
        out += _item_lines(row, noted_in, extras)
    return out


# ---------------------------------------------------------------------- JSON
def export_data(catalogue: Catalogue, *, exported_at: str | None = None,
                with_articles: bool = False) -> dict[str, Any]:
    """Everything the user created, keyed by normalised URL (see :mod:`tuiguide.core.backup.restore`);
    ``with_articles``: the stored page texts too, under ``articles`` (large, so only when asked)."""
    deleted = store.deleted_notes(catalogue)
    rows = store.worked_on(catalogue)
    resources: dict[str, Any] = {}
    for (rid, url, link, title, author, origin, status, status_at, started, finished,
         body, created, updated) in rows:
        note = None
        if body is not None:
            note = {"body": body, "created_at": created, "updated_at": updated}
        elif rid in deleted:
            note = {"body": "", "created_at": None, "updated_at": deleted[rid]}
        resources[url] = {
            "link": link,
            "title": title,
            "author": author,
            "origin": origin,
            "status": status,
            "status_at": status_at,
            "started_at": started,
            "finished_at": finished,
            "note": note,
        }
    events = [
        {"url": url, "kind": kind, "value": value, "previous": previous, "at": at}
        for url, kind, value, previous, at in store.event_log(catalogue)
    ]
    data: dict[str, Any] = {
        "format": EXPORT_FORMAT,
        "version": EXPORT_VERSION,
        "app_version": __version__,
        "exported_at": exported_at or catalogue.now(),
        "resources": resources,
        "events": events,
        "feeds": [
            {"url": url, "link": link, "title": title}
            for url, link, title in store.followed_feeds(catalogue)
        ],
        **export_additions(catalogue),
    }
    if with_articles:
        from tuiguide.core.articles.store import export_rows

        data["articles"] = export_rows(catalogue)
    return data


def json_export(catalogue: Catalogue, *, exported_at: str | None = None,
                with_articles: bool = False) -> str:
    return json.dumps(export_data(catalogue, exported_at=exported_at, with_articles=with_articles),
                      ensure_ascii=False, indent=2) + "\n"


# ---------------------------------------------------------------------- writing files
def write_atomically(path: Path | str, text: str) -> None:
    """Write ``text`` to ``path`` via a temp file and a rename: a full disk or a crash
    leaves the old file (or none), never a truncated one. The file is private (0600)."""
    path = Path(path)
    directory = path.parent if str(path.parent) else Path(".")
    if path.is_dir():
        raise UserError(f"{path}: is a directory; give a file name with -o")
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=directory)
    except FileNotFoundError:
        raise UserError(f"{path}: the folder {directory} does not exist") from None
    except OSError as exc:
        raise UserError(f"{path}: cannot write ({exc.strerror or exc})") from None
    try:
        with os.fdopen(fd, "w", encoding="utf-8", errors="replace", newline="\n") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except OSError as exc:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise UserError(f"{path}: cannot write ({exc.strerror or exc}); nothing was changed") from None
