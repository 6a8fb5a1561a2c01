"""Pages whose useful text is not where a general extractor looks: arXiv abstracts, GitHub
repositories (the README), video pages (the description).

Each reads the structure the site publishes for machines (citation ``<meta>`` tags, JSON-LD,
the README's ``markdown-body`` element) and falls back to the general extractor when a page
does not have it, so a redesign degrades to an ordinary article, never to an error.
"""

from __future__ import annotations

import json
import re
from typing import Any
from urllib.parse import urljoin, urlsplit

from lxml import etree
from lxml import html as lxml_html

from tuiguide.core.reader.article import Article, make_article
from tuiguide.core.reader.markdown import escape_markdown, paragraphs
from tuiguide.core.reader.page import extract_page, page_metadata
from tuiguide.core.text.urls import is_openable

_YT_DESCRIPTION = re.compile(r'"shortDescription"\s*:\s*"')
_YT_FIELDS = {
    "author": re.compile(r'"(?:ownerChannelName|author)"\s*:\s*"'),
    "published": re.compile(r'"(?:publishDate|uploadDate)"\s*:\s*"'),
}
_RICH_TEXT = re.compile(r'"richText"\s*:\s*"')
_NO_TEXT = "This page holds no description."


def _parse(html: str) -> Any | None:
    try:
        return lxml_html.document_fromstring(html)
    except (ValueError, TypeError, etree.ParserError):
        return None


def _meta(tree: Any, *names: str) -> list[str]:
    """The ``content`` of every ``<meta name|property=...>`` among ``names``, in page order."""
    wanted = set(names)
    found = []
    for node in tree.iter("meta"):
        key = node.get("name") or node.get("property") or node.get("itemprop") or ""
        if key in wanted and (node.get("content") or "").strip():
            found.append(" ".join(node.get("content").split()))
    return found


def _first(tree: Any, *names: str) -> str | None:
    values = _meta(tree, *names)
    return values[0] if values else None


def _iso_date(value: str | None) -> str | None:
    """``2017/06/12``, ``2017-06-12T10:00:00Z`` or ``2017-06-12`` as ``2017-06-12``."""
    match = re.match(r"(\d{4})[/-](\d{1,2})[/-](\d{1,2})", value or "")
    return f"{match[1]}-{int(match[2]):02d}-{int(match[3]):02d}" if match else None


def arxiv_abstract(html: str, url: str) -> Article:
    """Title, authors and abstract of an arXiv abstract page, with its PDF link offered."""
    tree = _parse(html)
    title = _first(tree, "citation_title") if tree is not None else None
    if tree is None or not title:
        return extract_page(html, url)
    authors = [_first_last(name) for name in _meta(tree, "citation_author")]
    abstract = _first(tree, "citation_abstract") or _abstract_block(tree)
    pdf_url = _first(tree, "citation_pdf_url")
    if not pdf_url:
        arxiv_id = _first(tree, "citation_arxiv_id")
        pdf_url = f"https://arxiv.org/pdf/{arxiv_id}" if arxiv_id else None
    pdf_url = pdf_url if pdf_url and is_openable(pdf_url) else None
    parts = []
    if authors:
        parts.append(f"**Authors:** {escape_markdown(', '.join(authors))}")
    parts.append("## Abstract")
    parts.append(paragraphs(abstract or "") or "No abstract on this page.")
    if pdf_url:
        parts.append(f"**PDF:** {escape_markdown(pdf_url)}")
    return make_article(
        url=url,
        kind="arxiv",
        title=title,
        text="\n\n".join(parts),
        site="arXiv",
        author=", ".join(authors) or None,
        published=_iso_date(_first(tree, "citation_date", "citation_online_date")),
        links=[("PDF", pdf_url)] if pdf_url else [],
        pdf_url=pdf_url,
    )


def _first_last(name: str) -> str:
    """arXiv lists authors as "Last, First"; a reader expects "First Last"."""
    last, sep, first = name.partition(",")
    return f"{first.strip()} {last.strip()}" if sep and first.strip() else name.strip()


def _abstract_block(tree: Any) -> str:
    for block in tree.iter("blockquote"):
        if "abstract" in (block.get("class") or ""):
            for descriptor in block.find_class("descriptor"):
                descriptor.drop_tree()
            return " ".join(block.text_content().split())
    return ""


def github_readme(html: str, url: str) -> Article:
    """A GitHub repository page as its README, titled ``owner/repo``."""
    tree = _parse(html)
    readme = _readme_html(tree, html) if tree is not None else None
    if not readme:
        return extract_page(html, url)
    parts = [part for part in urlsplit(url).path.split("/") if part]
    owner_repo = "/".join(parts[:2])
    wrapped = (f"<html><head><title>{owner_repo}</title></head><body><main><article>{readme}"
               "</article></main></body></html>")
    body = extract_page(wrapped, url, kind="github", keep_title=True)
    description = _first(tree, "og:description", "description") if tree is not None else None
    text = body.text
    if description and not description.startswith(f"Contribute to {owner_repo}"):
        text = f"*{escape_markdown(description)}*\n\n{text}"
    return make_article(
        url=url,
        kind="github",
        title=owner_repo,
        text=text,
        site="GitHub",
        author=parts[0] if parts else None,
        links=[(link.text, link.url) for link in body.links],
    )


def _readme_html(tree: Any, html: str) -> str | None:
    """The README's HTML: the ``markdown-body`` article, or the same inside the JSON the
    page's scripts render from (GitHub's newer pages ship it there)."""
    for article in tree.iter("article"):
        if "markdown-body" in (article.get("class") or ""):
            return str(lxml_html.tostring(article, encoding="unicode"))
    for match in _RICH_TEXT.finditer(html):
        try:
            value, _ = json.JSONDecoder().raw_decode(html, match.end() - 1)
        except ValueError:
            continue
        if isinstance(value, str) and "markdown-body" in value:
            return value
    return None


def video_page(html: str, url: str) -> Article:
    """A video page as its description, marked as a video, with the video's link offered."""
    tree = _parse(html)
    if tree is None:
        return extract_page(html, url, kind="video")
    meta = page_metadata(html, url)
    ld = _video_object(tree)
    description = (
        _yt_string(html, _YT_DESCRIPTION)
        or _text(ld.get("description"))
        or _first(tree, "og:description", "description", "twitter:description")
        or ""
    )
    author = _yt_string(html, _YT_FIELDS["author"]) or _ld_name(ld.get("author")) or meta.get(
        "author")
    published = _iso_date(
        _yt_string(html, _YT_FIELDS["published"]) or _text(ld.get("uploadDate"))
        or _first(tree, "datePublished", "uploadDate", "video:release_date")
    ) or meta.get("published")
    title = (_first(tree, "og:title", "twitter:title", "title") or _text(ld.get("name"))
             or meta.get("title") or "")
    text = f"*Video.* Watch it at {escape_markdown(url)}\n\n" + (paragraphs(description) or _NO_TEXT)
    return make_article(
        url=url,
        kind="video",
        title=title,
        text=text,
        site=_first(tree, "og:site_name") or meta.get("site"),
        author=author,
        published=published,
        links=[("Video", url), *_description_links(description, url)],
    )


def _text(value: object) -> str | None:
    return value.strip() if isinstance(value, str) and value.strip() else None


def _ld_name(value: object) -> str | None:
    if isinstance(value, list) and value:
        value = value[0]
    if isinstance(value, dict):
        return _text(value.get("name"))
    return _text(value)


def _video_object(tree: Any) -> dict[str, Any]:
    """The page's schema.org ``VideoObject`` (JSON-LD), or an empty dict."""
    for script in tree.iter("script"):
        if (script.get("type") or "").lower() != "application/ld+json" or not script.text:
            continue
        try:
            data = json.loads(script.text)
        except ValueError:
            continue
        if isinstance(data, dict):
            data = data.get("@graph", [data])
        for item in data if isinstance(data, list) else []:
            if isinstance(item, dict) and "VideoObject" in str(item.get("@type", "")):
                return item
    return {}


def _yt_string(html: str, key: re.Pattern[str]) -> str | None:
    """A JSON string value from the player data YouTube embeds in the page."""
    match = key.search(html)
    if not match:
        return None
    try:
        value, _ = json.JSONDecoder().raw_decode(html, match.end() - 1)
    except ValueError:
        return None
    return _text(value)


def _description_links(description: str, base: str) -> list[tuple[str, str]]:
    found = re.findall(r"https?://[^\s<>\"')\]]+", description)
    return [(link, urljoin(base, link)) for link in found if is_openable(link)]
