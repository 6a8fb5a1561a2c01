"""Markdown from trafilatura's content tree, with links taken out of the text into a list.

trafilatura's own serialiser (``xmltotxt``) does the hard part: lists within lists, tables,
emphasis, and escaping of the characters that would read as Markdown. Around it, this module
takes each link's text and address apart (the text shows the words, the address goes to
:class:`~tuiguide.core.reader.article.Link`), writes block quotes with ``>`` and code blocks
with their language, which ``xmltotxt`` drops. Loaded only where pages are extracted (the
worker process, tests, the benchmark).
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urljoin

from lxml import etree
from trafilatura.xml import xmltotxt

from tuiguide.core.text.urls import is_openable

_LANGUAGE = re.compile(r"(?:^|\s)(?:language|lang|highlight-source)-([A-Za-z0-9_+#.-]{1,30})")
_MARKDOWN_RENDS = frozenset({"#b", "#i", "#t"})
_BLANK_RUNS = re.compile(r"\n{3,}")
# xmltotxt marks the end of a block with U+2424 before unescaping; a few survive in odd trees.
_BLOCK_MARK = "\u2424"
# Characters that start Markdown syntax: escaped in text tuiguide writes itself (arXiv
# abstracts, video descriptions, PDF text) so that prose reads as prose.
_INLINE_SPECIAL = re.compile(r"([\\`*_\[\]<>~|])")
_BLOCK_START = re.compile(r"^(\s{0,3})(#{1,6}|[=+-]+)(?=\s|$)", re.M)
_ORDERED_START = re.compile(r"^(\s{0,3}\d{1,9})([.)])(?=\s|$)", re.M)


def take_links(body: Any, base_url: str) -> list[tuple[str, str]]:
    """Replace each ``<ref>`` in ``body`` by its words; return ``(words, absolute URL)`` pairs
    for the openable ones (http/https), in reading order."""
    links: list[tuple[str, str]] = []
    for ref in body.iter("ref"):
        target = (ref.get("target") or "").strip()
        words = " ".join("".join(ref.itertext()).split())
        if not target or target.startswith("#"):
            continue
        try:
            absolute = urljoin(base_url, target)
        except ValueError:
            continue
        if is_openable(absolute):
            links.append((words or absolute, absolute))
    etree.strip_tags(body, "ref")
    return links


def to_markdown(body: Any, *, drop_heading: str | None = None) -> str:
    """Markdown for a trafilatura body tree (links already taken out by :func:`take_links`).

    ``drop_heading``: a first heading that only repeats the title is left out (the reader
    shows the title above the text).
    """
    if body.text and body.text.strip():
        _insert_paragraph(body, body.text.strip())
    body.text = None
    if drop_heading:
        _drop_title_heading(body, drop_heading)
    # Underline, superscript and subscript have no Markdown; xmltotxt writes them as HTML
    # tags, which a terminal would show as "<u>" around the words.
    for node in body.iter("hi"):
        if node.get("rend") not in _MARKDOWN_RENDS:
            node.tag = "unmarked"
    etree.strip_tags(body, "unmarked")
    parts: list[str] = []
    run = etree.Element("body")
    for child in list(body):
        # A <code> directly in the body came from a <pre>: a block, even on one line.
        if child.tag in ("quote", "code"):
            if len(run):
                parts.append(xmltotxt(run, True))
                run = etree.Element("body")
            parts.append(_quote(child) if child.tag == "quote" else _code_block(child))
            tail = (child.tail or "").strip()
            if tail:
                parts.append(escape_markdown(tail))
        else:
            run.append(child)
    if len(run):
        parts.append(xmltotxt(run, True))
    text = "\n\n".join(part.strip("\n") for part in parts if part.strip())
    return _BLANK_RUNS.sub("\n\n", text.replace(_BLOCK_MARK, "")).strip() + "\n"


def _quote(element: Any) -> str:
    element.tail = None
    wrapper = etree.Element("body")
    if element.text and element.text.strip():
        para = etree.SubElement(wrapper, "p")
        para.text = element.text
    for child in list(element):
        wrapper.append(child)
    inner = xmltotxt(wrapper, True).replace(_BLOCK_MARK, "").strip("\n")
    inner = _BLANK_RUNS.sub("\n\n", inner)
    return "\n".join(f"> {line}" if line.strip() else ">" for line in inner.split("\n"))


def _code_block(element: Any) -> str:
    for br in element.iter("lb"):
        br.tail = "\n" + (br.tail or "")
    code = "".join(element.itertext()).strip("\n")
    language = ""
    for node in element.iter():
        match = _LANGUAGE.search(node.get("class") or "")
        if match:
            language = match.group(1).lower()
            break
    fence = "```"
    while fence in code:
        fence += "`"
    return f"{fence}{language}\n{code}\n{fence}"


def _drop_title_heading(body: Any, title: str) -> None:
    first = body[0] if len(body) else None
    if first is None or first.tag != "head":
        return
    if " ".join("".join(first.itertext()).split()).casefold() != " ".join(title.split()).casefold():
        return
    tail = (first.tail or "").strip()
    body.remove(first)
    if tail:
        _insert_paragraph(body, tail)


def _insert_paragraph(body: Any, text: str) -> None:
    para = etree.Element("p")
    para.text = text
    body.insert(0, para)


def escape_markdown(text: str) -> str:
    """Plain text made safe to read as Markdown: it renders as the same words."""
    text = _INLINE_SPECIAL.sub(r"\\\1", text)
    text = _ORDERED_START.sub(r"\1\\\2", text)
    return _BLOCK_START.sub(r"\1\\\2", text)


def paragraphs(text: str) -> str:
    """Plain text with one paragraph per non-empty line, escaped for Markdown (descriptions
    and abstracts break lines where a reader expects a new line, not a joined paragraph)."""
    lines = [" ".join(line.split()) for line in text.splitlines()]
    return "\n\n".join(escape_markdown(line) for line in lines if line)
