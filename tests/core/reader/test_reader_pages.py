"""Ordinary pages: the reader gets the article (title, byline, date, Markdown text, links)
and none of the page around it."""

from __future__ import annotations

import json
import subprocess
import sys
from typing import TYPE_CHECKING

from tuiguide.core.reader import Article, ExtractError, extract
from tuiguide.core.text.sanitize import is_clean

if TYPE_CHECKING:
    from conftest import Page

MARKERS = ("SIDEBAR", "COMMENT", "SCRIPTTEXT", "STYLETEXT", "FORMTEXT", "NAVTEXT", "FOOTERTEXT",
           "color: red", "trackPageView", "<script", "<style", "<form")


def read(page: Page) -> Article:
    return extract(page.body, url=page.url, content_type=page.content_type)


def test_a_blog_post_keeps_its_structure_as_markdown(blog_post: Page, paragraphs: list[str]
                                                      ) -> None:
    article = read(blog_post)
    assert (article.kind, article.title, article.site, article.author, article.published) == (
        "article", "Tuning the KV cache", "Inference Notes", "Ada Lovelace", "2024-03-05")
    text = article.text
    for paragraph in paragraphs[:2] + paragraphs[3:]:
        assert paragraph in text
    assert "## Measuring memory" in text and "## A recipe" in text
    # The title is shown above the text, not repeated as its first heading.
    assert not text.startswith("#") and "# Tuning the KV cache" not in text
    assert ("```python\ndef cache_bytes(layers, heads, dim, tokens):\n"
            "    return 2 * layers * heads * dim * tokens * 2\n```") in text
    assert "```bash\nnvidia-smi --query-gpu=memory.used --format=csv\n```" in text
    assert "- Measure the baseline memory of one request.\n- Quantise the cache" in text
    assert "> Premature optimisation is the root of all evil" in text
    assert "| fp16 | 2 |" in text and "| Precision | Bytes per value |" in text
    for marker in MARKERS:
        assert marker not in text


def test_links_show_their_words_and_keep_their_address_aside(blog_post: Page) -> None:
    article = read(blog_post)
    assert "Read the paged attention\npaper for the details." in article.text
    assert "](https://" not in article.text and "arxiv.org" not in article.text
    assert [(link.text, link.url) for link in article.links] == [
        ("the paged attention paper", "https://arxiv.org/abs/2309.06180")]


def test_a_news_article_leaves_sidebar_comments_and_footer_out(news_article: Page,
                                                                paragraphs: list[str]) -> None:
    article = read(news_article)
    assert article.title == "Chip makers race to add memory"
    assert (article.site, article.author, article.published) == (
        "The Daily Example", "Jane Reporter", "2025-01-20")
    for paragraph in paragraphs:
        assert paragraph in article.text
    assert "Analysts expect the shortage to ease next year" in article.text
    for marker in MARKERS + ("celebrity chef", "newsletter", "grumpy_reader", "3 comments"):
        assert marker not in article.text


def test_words_and_reading_time_count_what_the_reader_reads(news_article: Page,
                                                            paragraphs: list[str]) -> None:
    article = read(news_article)
    expected = sum(len(p.split()) for p in paragraphs) + 13
    assert article.words == expected
    assert article.reading_minutes == 1
    long = extract(
        b"<html><head><title>Long</title></head><body><article>"
        + b"".join(f"<p>Paragraph {n}: {paragraphs[n % 4]}</p>".encode() for n in range(100))
        + b"</article></body></html>", url="https://long.example/", content_type="text/html")
    assert long.words > 2800 and long.reading_minutes == -(-long.words // 230)


def test_a_latin1_page_declared_only_in_meta_reads_correctly(latin1_page: Page) -> None:
    article = read(latin1_page)
    assert article.title == "Crème brûlée à la française"
    assert "Une crème brûlée se prépare la veille" in article.text
    assert "In der Straße hinter dem Café verkauft ein Bäcker die besten Brötchen" in article.text
    assert "\ufffd" not in article.text


def test_a_plain_text_file_reads_as_its_paragraphs() -> None:
    body = b"Notes on batching\n\nRequests arrive one by one.\nThe server groups them.\n\n# not a heading\n"
    article = extract(body, url="https://notes.example/batching.txt", content_type="text/plain")
    assert article.title == "Notes on batching"
    assert "Requests arrive one by one.\nThe server groups them." in article.text
    assert "\\# not a heading" in article.text


def test_markdown_characters_in_prose_stay_prose(paragraphs: list[str]) -> None:
    html = ("<html><head><title>Stars</title></head><body><article>"
            f"<p>{paragraphs[0]}</p><p>Use a_b and *args, [x](y) and &lt;b&gt; as written here "
            "in this sentence, which is long enough to be kept by the extractor.</p>"
            f"<p>{paragraphs[1]}</p></article></body></html>")
    text = extract(html.encode(), url="https://x.example/", content_type="text/html").text
    assert r"Use a\_b and \*args, \[x\](y) and \<b> as written" in text


def test_a_page_with_no_article_is_a_one_line_error() -> None:
    pages = {
        b"": "the page is empty",
        b"<html><body><script>var x = 1;</script></body></html>": "no readable text",
        b"<html><head><style>p {color: red}</style></head><body><form><input name=q>"
        b"<button>Go</button></form></body></html>": "no readable text",
        b"<html><body><img src=a.png><iframe src=x></iframe></body></html>": "no readable text",
    }
    for body, message in pages.items():
        try:
            extract(body, url="https://empty.example/", content_type="text/html")
        except ExtractError as exc:
            assert message in str(exc) and "\n" not in str(exc)
        else:
            raise AssertionError(f"{body!r} gave an article")


def test_responses_with_no_text_are_refused_by_type() -> None:
    for content_type in ("image/png", "application/zip", "video/mp4", "application/octet-stream"):
        try:
            extract(b"\x89PNG\r\n\x1a\n" + b"\0" * 100, url="https://x.example/f",
                    content_type=content_type)
        except ExtractError as exc:
            assert str(exc) == f"not a page with text ({content_type}); open it in a browser"
        else:
            raise AssertionError(content_type)


def test_an_article_round_trips_through_json(blog_post: Page) -> None:
    article = read(blog_post)
    data = json.loads(json.dumps(article.as_json()))
    assert data["title"] == "Tuning the KV cache" and data["words"] == article.words
    assert data["links"] == [{"text": "the paged attention paper",
                              "url": "https://arxiv.org/abs/2309.06180"}]
    assert Article.from_json(data) == article
    assert all(is_clean(str(value)) for value in data.values() if isinstance(value, str)
               and "\n" not in value)


def test_importing_the_reader_loads_no_extraction_library() -> None:
    code = (
        "import sys, tuiguide.core.reader\n"
        "heavy = ('trafilatura', 'lxml', 'pypdf', 'multiprocessing', 'justext', 'htmldate')\n"
        "print(','.join(m for m in sys.modules if m.split('.')[0] in heavy))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         timeout=60)
    assert out.stdout.strip() == ""
