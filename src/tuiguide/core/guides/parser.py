"""Parse learning-guide markdown (``##`` topics, ``Tier N`` headings, ``- [Title](url) - ...``).

The parser is pure: text in, :class:`ParsedGuide` out. It never touches the database, so the
importer can validate a whole file before writing anything.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from tuiguide.core.errors import GuideFormatError

_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
_TIER = re.compile(r"^tier\s*(\d+)\b", re.IGNORECASE)
_NUMBERED = re.compile(r"^(\d+(?:\.\d+)*)[.)]?\s+(.+)$")
_BULLET = re.compile(r"^(\s*)(?:[-*+]|\d+[.)])\s+(.*)$")
_CHECKBOX = re.compile(r"^\[[ xX]\]\s+")
_FENCE = re.compile(r"^\s*(```|~~~)")
_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")
_INLINE_LINK = re.compile(r"!?\[([^\]]*)\]\(([^)\s]*)(?:\s+\"[^\"]*\")?\)")
_AUTHOR_DOT = re.compile(r"^(.+?)\.\s+(.*)$", re.DOTALL)
_AUTHOR_DASH = re.compile(r"^(.+?)\s+[-–—]\s+(.*)$", re.DOTALL)
_SEPARATOR = re.compile(r"^\s*(?:[-–—:|]+|by\b)\s*", re.IGNORECASE)
_MAX_AUTHOR_WORDS = 8
_MAX_AUTHOR_CHARS = 80


@dataclass
class ParsedTopic:
    key: str
    title: str
    number: str | None
    position: int
    line: int
    parent_key: str | None = None


@dataclass
class ParsedItem:
    title: str
    url: str
    author: str | None
    description: str
    topic_key: str
    section_key: str | None
    tier: int | None
    line: int
    position: int = 0


@dataclass
class ParsedGuide:
    title: str
    description: str
    topics: list[ParsedTopic] = field(default_factory=list)
    items: list[ParsedItem] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def slugify(text: str) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
    return slug or "untitled"


def _strip_emphasis(text: str) -> str:
    text = text.strip()
    for mark in ("**", "__", "*", "_"):
        if len(text) > 2 * len(mark) and text.startswith(mark) and text.endswith(mark):
            text = text[len(mark) : -len(mark)].strip()
    return text


_SIMPLE_LINK = re.compile(r"\[([^\[\]]*)\]\(([^()]*)\)")
_LINK_TITLE = re.compile(r"\s+\"[^\"]*\"$")


def _clean_target(target: str) -> str:
    """Drop an optional link title, ``[t](url "title")``, and ``<...>`` around the URL."""
    target = target.strip()
    if '"' in target:
        target = _LINK_TITLE.sub("", target)
    return target.strip("<>").strip()


def _scan_link(text: str) -> tuple[str, str, str] | None:
    """Split ``[title](url) rest`` with balanced brackets/parens; None if not a link."""
    if not text.startswith("["):
        return None
    # Fast path (nearly every line): no brackets in the title, no parentheses in the URL,
    # where the balanced scan below finds the same split.
    simple = _SIMPLE_LINK.match(text)
    if simple is not None:
        return simple.group(1), _clean_target(simple.group(2)), text[simple.end():]
    depth = 0
    for i, ch in enumerate(text):
        if ch == "[":
            depth += 1
        elif ch == "]":
            depth -= 1
            if depth == 0:
                end_title = i
                break
    else:
        return _loose_target(text)
    if end_title + 1 >= len(text) or text[end_title + 1] != "(":
        return _loose_target(text)
    depth = 0
    for j in range(end_title + 1, len(text)):
        ch = text[j]
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
            if depth == 0:
                return text[1:end_title], _clean_target(text[end_title + 2 : j]), text[j + 1 :]
    return None


_LOOSE_LINK = re.compile(r"^\[(.*)\]\(([A-Za-z][A-Za-z0-9+.-]*:[^\s)]*|#[^\s)]*)\)(.*)$")


def _loose_target(text: str) -> tuple[str, str, str] | None:
    m = _LOOSE_LINK.match(text)
    return (m.group(1), m.group(2), m.group(3)) if m else None


def _plain_inline(text: str) -> str:
    """Inline links in a description become ``text (url)``; images become their alt text."""

    def repl(m: re.Match[str]) -> str:
        label, url = m.group(1), m.group(2)
        if m.group(0).startswith("!") or not url or url.startswith("#"):
            return label
        return f"{label} ({url})" if label and label != url else url

    return _INLINE_LINK.sub(repl, text) if "](" in text else text


def split_author(rest: str) -> tuple[str | None, str]:
    """``" - Author. Description"`` -> (author, description); author None when absent."""
    rest = rest.strip()
    if rest.startswith("**") and rest.count("**") == 1:
        rest = rest[2:]
    rest = _SEPARATOR.sub("", rest, count=1).strip()
    rest = _plain_inline(rest).strip()
    if not rest:
        return None, ""
    # "Author. Description": the author is the text before the first ". " if it is short.
    m = _AUTHOR_DOT.match(rest)
    if m:
        author, desc = m.group(1).strip(), m.group(2).strip()
        if (
            author
            and len(author) <= _MAX_AUTHOR_CHARS
            and len(author.split()) <= _MAX_AUTHOR_WORDS
            and not author.endswith(":")
        ):
            return author, desc
    # "Author - Description" (used after a "by" separator)
    m = _AUTHOR_DASH.match(rest)
    if m and len(m.group(1).split()) <= 4:
        return m.group(1).strip(), m.group(2).strip()
    return None, rest


def decode_guide(data: bytes, name: str) -> tuple[str, list[str]]:
    """Bytes -> text, refusing binary files; invalid UTF-8 is replaced (with a warning)."""
    if not data.strip():
        raise GuideFormatError(f"{name}: the file is empty; expected a markdown learning guide")
    if _looks_binary(data):
        nul = data.find(b"\x00")
        where = f" (NUL byte at offset {nul})" if nul != -1 else ""
        raise GuideFormatError(
            f"{name}: binary data{where}; expected a markdown learning guide"
        )
    warnings: list[str] = []
    if b"\x00" in data:
        line = data[: data.find(b"\x00")].count(b"\n") + 1
        warnings.append(f"{name}:{line}: NUL bytes removed")
        data = data.replace(b"\x00", b"")
    try:
        return data.decode("utf-8-sig"), warnings
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        warnings.append(f"{name}:{line}: invalid UTF-8 replaced with U+FFFD")
        return data.decode("utf-8-sig", errors="replace"), warnings


def _looks_binary(data: bytes) -> bool:
    """Binary files have NULs early or many non-text bytes; a stray NUL in a guide is not that."""
    head = data[:8192]
    if b"\x00" in head[:512]:
        return True
    controls = sum(1 for b in head if b < 0x20 and b not in (9, 10, 12, 13, 27))
    return controls > len(head) * 0.05


def parse_guide(text: str, name: str = "<guide>") -> ParsedGuide:
    """Parse a guide; raise :class:`GuideFormatError` when the text is not a guide."""
    if not text.strip():
        raise GuideFormatError(f"{name}: the file is empty; expected a markdown learning guide")
    guide_title: str | None = None
    prose: list[tuple[int, str]] = []
    topics: list[ParsedTopic] = []
    items: list[ParsedItem] = []
    warnings: list[str] = []
    topic: ParsedTopic | None = None
    section: ParsedTopic | None = None
    tier: int | None = None
    in_fence = False
    saw_heading = False
    last_item: ParsedItem | None = None
    item_indent = 0
    seen_keys: set[str] = set()

    def unique_key(base: str) -> str:
        key, n = base, 2
        while key in seen_keys:
            key, n = f"{base}~{n}", n + 1
        seen_keys.add(key)
        return key

    # Split on newlines only: str.splitlines() also breaks on U+2028, \x85, \x0c... inside titles.
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    for lineno, raw in enumerate(lines, start=1):
        if _FENCE.match(raw):
            in_fence = not in_fence
            last_item = None
            continue
        if in_fence:
            continue
        heading = _HEADING.match(raw)
        if heading:
            saw_heading = True
            last_item = None
            level = len(heading.group(1))
            title = _strip_emphasis(heading.group(2))
            tier_match = _TIER.match(title)
            if level == 1:
                if guide_title is None:
                    guide_title = title
                continue
            if tier_match and level >= 3:
                tier = int(tier_match.group(1))
                continue
            if level == 2:
                number_match = _NUMBERED.match(title)
                number = number_match.group(1) if number_match else None
                clean_title = number_match.group(2).strip() if number_match else title
                key = unique_key(f"n:{number}" if number else f"t:{slugify(clean_title)}")
                topic = ParsedTopic(key, clean_title, number, len(topics), lineno)
                topics.append(topic)
                section, tier = None, None
                continue
            if level == 3 and topic is not None:
                key = unique_key(f"{topic.key}/{slugify(title)}")
                section = ParsedTopic(key, title, None, len(topics), lineno, parent_key=topic.key)
                topics.append(section)
                tier = None
            continue
        bullet = _BULLET.match(raw)
        if bullet:
            body = bullet.group(2).strip()
            if body.startswith("["):
                body = _CHECKBOX.sub("", body)
            body_plain = body
            if body_plain.startswith(("**[", "__[")):
                body_plain = body_plain[2:]
            link = _scan_link(body_plain)
            last_item = None
            if link is None:
                continue
            label, url, rest = link
            if label.lstrip().startswith("!["):
                continue  # a badge or image, not a resource
            if not url or url.startswith("#"):
                continue  # table-of-contents anchor
            if not _SCHEME.match(url):
                warnings.append(f"{name}:{lineno}: skipped relative link {url!r}")
                continue
            if rest.startswith(("**", "__")):
                rest = rest[2:]
            title = " ".join(_plain_inline(label).split()) or url
            author, description = split_author(rest)
            if topic is None:
                topic = ParsedTopic(unique_key("t:general"), "General", None, len(topics), lineno)
                topics.append(topic)
            item = ParsedItem(
                title=title,
                url=url,
                author=author,
                description=description,
                topic_key=topic.key,
                section_key=section.key if section else None,
                tier=tier,
                line=lineno,
                position=len(items),
            )
            items.append(item)
            last_item, item_indent = item, len(bullet.group(1))
            continue
        stripped = raw.strip()
        if not stripped:
            continue
        if last_item is not None and len(raw) - len(raw.lstrip()) > item_indent:
            # An indented continuation line belongs to the item above.
            extra = _plain_inline(stripped)
            last_item.description = f"{last_item.description} {extra}".strip()
            continue
        last_item = None
        if not stripped.startswith(("---", "|", "<", "[!", "![")):
            prose.append((lineno, stripped))

    if not saw_heading:
        raise GuideFormatError(
            f"{name}: no markdown headings found; a guide has '## Topic' headings over link lists"
        )
    if not items:
        raise GuideFormatError(
            f"{name}: no resource links found; a guide lists items as '- [Title](https://...)'"
        )
    used = {i.topic_key for i in items} | {i.section_key for i in items if i.section_key}
    topics = [t for t in topics if t.key in used]
    for pos, t in enumerate(topics):
        t.position = pos
    title = guide_title or Path(name).stem.replace("-", " ").replace("_", " ").strip() or "Guide"
    first_topic_line = topics[0].line if topics else 0
    paragraph: list[str] = []
    last_line = 0
    for line, text_line in prose:
        if line >= first_topic_line or (paragraph and line != last_line + 1):
            break
        paragraph.append(text_line)
        last_line = line
    description = " ".join(paragraph)[:1000]
    return ParsedGuide(title, description, topics, items, warnings)
