"""OPML import and export: move the list of followed feeds to and from other readers.

Import parses with defusedxml (no entity expansion, no external entities, no DTDs) and
takes every ``<outline>`` with an ``xmlUrl``, however deeply nested in folders. Export writes
OPML 2.0 with ``type="rss"``, ``text``, ``title``, ``xmlUrl`` and ``htmlUrl`` on each
outline, which newsboat (``newsboat -i``), Thunderbird, NetNewsWire and Feedly import.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from email.utils import format_datetime
from pathlib import Path
from typing import TYPE_CHECKING

import defusedxml.ElementTree as SafeET
from defusedxml import DefusedXmlException

from tuiguide.core.errors import UserError, read_user_file
from tuiguide.core.feeds import store
from tuiguide.core.text.sanitize import clean_text
from tuiguide.core.text.urls import is_openable, normalise_url

if TYPE_CHECKING:
    from tuiguide.core.store.catalogue import Catalogue

MAX_OPML_BYTES = 5 * 1024 * 1024


@dataclass(frozen=True)
class OpmlFeed:
    url: str
    title: str = ""
    site_url: str | None = None


@dataclass
class OpmlImport:
    added: list[OpmlFeed] = field(default_factory=list)
    already: list[OpmlFeed] = field(default_factory=list)
    invalid: list[str] = field(default_factory=list)

    def as_json(self) -> dict[str, object]:
        return {
            "added": [f.url for f in self.added],
            "already_followed": [f.url for f in self.already],
            "invalid": self.invalid,
        }


def parse_opml(data: bytes, name: str) -> tuple[list[OpmlFeed], list[str]]:
    """Feeds listed in an OPML document, and the outlines skipped for a bad URL."""
    if len(data) > MAX_OPML_BYTES:
        raise UserError(f"{name}: too large for an OPML file ({len(data) // 1024} KB)")
    try:
        root = SafeET.fromstring(data, forbid_dtd=True)
    except DefusedXmlException as exc:
        raise UserError(
            f"{name}: refused: the file declares a DTD or entities ({exc.__class__.__name__}); "
            "export it again without a DOCTYPE"
        ) from None
    except ET.ParseError as exc:
        line, col = getattr(exc, "position", (0, 0))
        raise UserError(
            f"{name}: not valid XML (line {line}, column {col}); is it an OPML file?"
        ) from None
    tag = root.tag.rsplit("}", 1)[-1].lower()
    if tag != "opml":
        raise UserError(f"{name}: not an OPML file (the root element is <{root.tag}>, not <opml>)")
    body = next((child for child in root if child.tag.rsplit("}", 1)[-1] == "body"), None)
    if body is None:
        raise UserError(f"{name}: an OPML file without a <body>; nothing to import")
    feeds: list[OpmlFeed] = []
    invalid: list[str] = []
    for outline in body.iter():
        if outline.tag.rsplit("}", 1)[-1] != "outline":
            continue
        url = (outline.get("xmlUrl") or outline.get("xmlurl") or outline.get("url") or "").strip()
        if not url:
            continue  # a folder
        if not is_openable(url):
            invalid.append(url)
            continue
        title = " ".join((outline.get("title") or outline.get("text") or "").split())
        if title == url:
            title = ""  # readers write the URL as text when a feed has no title
        site = (outline.get("htmlUrl") or "").strip()
        feeds.append(OpmlFeed(url, title, site if is_openable(site) else None))
    return feeds, invalid


def import_opml(cat: Catalogue, path: Path | str) -> OpmlImport:
    """Follow every feed in an OPML file (one transaction); known feeds are left as they are."""
    path = Path(path)
    data = read_user_file(path, "an OPML file")
    feeds, invalid = parse_opml(data, str(path))
    report = OpmlImport(invalid=invalid)
    with store.transaction(cat):
        followed = store.followed_keys(cat, (normalise_url(f.url) for f in feeds))
        for f in feeds:
            key = normalise_url(f.url)
            if key in followed:
                report.already.append(f)
                continue
            followed.add(key)
            report.added.append(f)
        store.add_feeds(cat, ((normalise_url(f.url), f.url, f.title, f.site_url)
                              for f in report.added), cat.now())
    return report


def export_opml(cat: Catalogue, title: str = "tuiguide feeds") -> str:
    """The followed feeds as an OPML 2.0 document."""
    root = ET.Element("opml", version="2.0")
    head = ET.SubElement(root, "head")
    ET.SubElement(head, "title").text = title
    from datetime import UTC, datetime

    ET.SubElement(head, "dateCreated").text = format_datetime(datetime.now(UTC), usegmt=True)
    ET.SubElement(head, "docs").text = "https://opml.org/spec2.opml"
    body = ET.SubElement(root, "body")
    for feed in store.list_feeds(cat):
        name = clean_text(feed.name, limit=300)
        attrs = {"type": "rss", "text": name, "xmlUrl": clean_text(feed.link)}
        if feed.title:
            attrs["title"] = name
        if feed.site_url:
            attrs["htmlUrl"] = clean_text(feed.site_url)
        ET.SubElement(body, "outline", attrs)
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"
