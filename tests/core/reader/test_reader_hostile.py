"""Hostile pages: each gives clean text or a one-line error within the time limit, through the
real worker process, and the next page is read as if nothing had happened."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

import pytest

from tuiguide.core.reader import Article, ExtractError, Extractor
from tuiguide.core.reader.article import MAX_TITLE
from tuiguide.core.text.sanitize import is_clean

from hostile import ALL, ESCAPES, LONG_TITLE

if TYPE_CHECKING:
    from conftest import Page

MB = 1024 * 1024
# Seconds past the time limit that killing a stuck worker may take on a busy machine.
KILL_SLACK = 5.0


def article_html(paragraphs: list[str], *, title: str = "A page", extra: str = "") -> bytes:
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    return (f"<html><head><title>{title}</title></head><body><article><h1>{title}</h1>{body}"
            f"{extra}</article></body></html>").encode()


def expect_error(extractor: Extractor, body: bytes, within: float,
                 content_type: str = "text/html") -> str:
    start = time.monotonic()
    with pytest.raises(ExtractError) as caught:
        extractor.extract(body, url="https://evil.example/page", content_type=content_type)
    assert time.monotonic() - start < within
    message = str(caught.value)
    assert message and "\n" not in message and is_clean(message)
    return message


def still_reads(extractor: Extractor, page: Page) -> Article:
    article = extractor.extract(page.body, url=page.url, content_type=page.content_type)
    assert "Analysts expect the shortage to ease next year" in article.text
    return article


def test_a_page_of_control_characters_and_escapes_reads_clean(
        extractor: Extractor, paragraphs: list[str]) -> None:
    poison = "".join(ESCAPES) + "".join(chr(c) for c in range(32)) + "\x9b2J\x85\u202e"
    body = article_html([paragraphs[0], poison + " " + paragraphs[1], paragraphs[2]],
                        title="Title " + "".join(ESCAPES), extra=f"<pre><code>{poison}</code></pre>")
    article = extractor.extract(body, url="https://evil.example/\x1b[2J", content_type="text/html")
    for text in (article.title, article.text, article.url, *(v for v in [article.site] if v)):
        assert is_clean(text.replace("\n", "")) and "\x1b" not in text and "\x07" not in text
    for paragraph in (paragraphs[0], paragraphs[1], paragraphs[2]):
        assert paragraph in article.text


def test_markup_in_a_page_is_kept_as_words(extractor: Extractor, paragraphs: list[str]) -> None:
    body = article_html([paragraphs[0], " ".join(ALL[:8]), paragraphs[1]], title=ALL[0])
    article = extractor.extract(body, url="https://evil.example/", content_type="text/html")
    assert article.title == "[bold]bold?[/bold]"
    assert r"\[@click=app.quit\]click to quit\[/\]" in article.text


def test_a_100000_character_title_is_cut(extractor: Extractor, paragraphs: list[str]) -> None:
    article = extractor.extract(article_html(paragraphs, title=LONG_TITLE),
                                url="https://evil.example/", content_type="text/html")
    assert len(article.title) == MAX_TITLE and article.title.endswith("…")
    assert paragraphs[3] in article.text


def test_a_charset_lie_reads_as_the_real_encoding(extractor: Extractor,
                                                 paragraphs: list[str]) -> None:
    body = article_html([*paragraphs, "Un café crème et une brûlée, naïve façade."],
                        title="Café").replace(b"<head>", b'<head><meta charset="utf-8">')
    latin1 = body.decode().encode("latin-1")
    article = extractor.extract(latin1, url="https://lie.example/",
                                content_type="text/html; charset=utf-8")
    assert article.title == "Café"
    assert "Un café crème et une brûlée, naïve façade." in article.text


def test_broken_markup_still_gives_the_article(extractor: Extractor, paragraphs: list[str]) -> None:
    # Unclosed paragraphs, items and cells, misnested tags, stray closing tags, unquoted
    # attributes, no </body> or </html>: what a browser still shows.
    body = (f"<html><head><title>Broken page</title><body><div class=story><p>{paragraphs[0]}"
            f"<p>{paragraphs[1]} <b><i>misnested</b></i><ul><li>first item<li>second item</ul>"
            f"</span></td></font><p class=x>{paragraphs[2]}<table><tr><td>cell<td>cell</table>"
            f"<p attr=unquoted>{paragraphs[3]}<div><div><p>never closed").encode()
    article = extractor.extract(body, url="https://broken.example/", content_type="text/html")
    for paragraph in paragraphs:
        assert paragraph in article.text


def test_a_10_mb_single_line_is_refused_without_parsing(extractor: Extractor) -> None:
    body = b"<html><body><p>" + b"word " * (2 * MB) + b"</p></body></html>"
    message = expect_error(extractor, body, within=2.0)
    assert message == "page larger than 5 MB; open it in a browser"
    assert extractor.running == 0


def test_a_page_that_parses_for_minutes_is_stopped_at_the_time_limit(
        extractor: Extractor, news_article: Page) -> None:
    # A million tiny tags: unconstrained, trafilatura parses this for far longer than the limit.
    body = b"<html><body>" + b"<b>w</b>" * 125_000 + b"</body></html>"
    message = expect_error(extractor, body, within=extractor.timeout + KILL_SLACK)
    assert message == f"extraction took longer than {extractor.timeout:g} s (stopped)"
    still_reads(extractor, news_article)
    assert extractor.running == 1


def test_100000_nested_divs_give_an_error_in_time(extractor: Extractor, paragraphs: list[str],
                                                 news_article: Page) -> None:
    body = (b"<html><body>" + b"<div>" * 100_000 + paragraphs[0].encode() * 4
            + b"</div>" * 100_000 + b"</body></html>")
    message = expect_error(extractor, body, within=extractor.timeout + KILL_SLACK)
    assert message == "no readable text found on the page"
    still_reads(extractor, news_article)


def test_a_page_over_the_memory_limit_fails_alone(news_article: Page) -> None:
    # 130,000 table rows: unconstrained, this takes several times the 150 MB allowed here.
    body = (b"<html><body><table>" + b"<tr><td>a</td><td>b</td></tr>" * 130_000
            + b"</table></body></html>")
    with Extractor(timeout=30.0, memory_limit=150 * MB) as extractor:
        still_reads(extractor, news_article)
        message = expect_error(extractor, body, within=15.0)
        assert "took longer" not in message
        still_reads(extractor, news_article)


def test_a_page_of_nothing_but_nul_bytes_is_an_error(extractor: Extractor) -> None:
    assert expect_error(extractor, b"\x00" * 100_000, within=10.0) == (
        "no readable text found on the page")
