"""The pages a learning guide links to most that are not articles: arXiv abstracts, GitHub
repositories, PDFs and videos, each read for what a learner opens it for."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import pytest

from tuiguide.core.reader import Article, ExtractError, extract
from tuiguide.core.reader.pdf import MAX_PDF_PAGES

if TYPE_CHECKING:
    from conftest import Page


def read(page: Page) -> Article:
    return extract(page.body, url=page.url, content_type=page.content_type)


def test_an_arxiv_abstract_page_gives_title_authors_abstract_and_the_pdf(arxiv_page: Page) -> None:
    article = read(arxiv_page)
    assert article.kind == "arxiv"
    assert article.title == ("Efficient Memory Management for Large Language Model Serving "
                             "with PagedAttention")
    assert article.author == "Woosuk Kwon, Zhuohan Li, Siyuan Zhuang"
    assert (article.site, article.published) == ("arXiv", "2023-09-12")
    assert article.text.startswith("**Authors:** Woosuk Kwon, Zhuohan Li, Siyuan Zhuang\n\n"
                                   "## Abstract\n\nHigh throughput serving of large language")
    assert "grows and shrinks dynamically." in article.text
    assert article.pdf_url == "https://arxiv.org/pdf/2309.06180"
    assert [(link.text, link.url) for link in article.links] == [
        ("PDF", "https://arxiv.org/pdf/2309.06180")]
    for boilerplate in ("NAVTEXT", "Submitted on", "Subjects", "View PDF"):
        assert boilerplate not in article.text


def test_an_arxiv_page_without_citation_tags_is_read_as_an_article(paragraphs: list[str]) -> None:
    html = ("<html><head><title>arXiv listing</title></head><body><article>"
            + "".join(f"<p>{p}</p>" for p in paragraphs) + "</article></body></html>")
    article = extract(html.encode(), url="https://arxiv.org/abs/2401.00001",
                      content_type="text/html")
    assert article.kind == "article" and paragraphs[0] in article.text


@pytest.mark.parametrize("fixture", ["github_page", "github_react_page"])
def test_a_github_repository_page_gives_its_readme(fixture: str, request: pytest.FixtureRequest
                                                   ) -> None:
    article = read(request.getfixturevalue(fixture))
    assert (article.kind, article.title, article.site, article.author) == (
        "github", "ada/tinyserve", "GitHub", "ada")
    text = article.text
    assert "# tinyserve\n\ntinyserve is a small inference server for learning" in text
    assert "## Install\n\n```\npip install tinyserve\ntinyserve --model tiny-llama" in text
    assert "- A paged KV cache with copy-on-write prefix sharing between requests." in text
    assert "`pytest -q`" in text
    assert [(link.text, link.url) for link in article.links] == [
        ("the design notes", "https://notes.example/kv-cache")]
    for boilerplate in ("NAVTEXT", "FORMTEXT", "FILELIST", "SIDEBAR", "FOOTERTEXT"):
        assert boilerplate not in text


def test_github_pages_that_are_not_a_repository_home_are_articles(github_page: Page) -> None:
    for url in ("https://github.com/ada/tinyserve/issues/3", "https://github.com/ada",
                "https://github.com/topics/llm"):
        assert extract(github_page.body, url=url, content_type="text/html").kind == "article"


def test_a_pdf_gives_its_text_page_by_page(pdf_page: Page) -> None:
    article = read(pdf_page)
    assert (article.kind, article.title, article.author, article.published) == (
        "pdf", "Paged attention (a study)", "Woosuk Kwon", "2024-03-05")
    assert article.pdf_url == "https://papers.example/paged.pdf"
    assert ("Serving many requests at once needs memory for every key and value.\n"
            "We store the cache in blocks, like pages of virtual memory.") in article.text
    assert "Throughput rises two to four times at the same latency." in article.text
    assert article.text.index("virtual memory") < article.text.index("Throughput")


def test_a_pdf_is_known_by_its_bytes_whatever_the_server_calls_it(pdf_page: Page) -> None:
    for content_type in ("application/octet-stream", None, "text/html"):
        article = extract(pdf_page.body, url="https://x.example/download?id=7",
                          content_type=content_type)
        assert article.kind == "pdf" and "Throughput rises" in article.text


def test_a_pdf_without_a_title_is_titled_by_its_first_line(make_pdf: Callable[..., bytes]
                                                            ) -> None:
    body = make_pdf([["", "Attention is all you need", "Abstract. The dominant models..."]])
    article = extract(body, url="https://x.example/a.pdf", content_type="application/pdf")
    assert article.title == "Attention is all you need" and article.author is None


def test_damaged_and_textless_pdfs_are_one_line_errors(pdf_page: Page) -> None:
    half = pdf_page.body[: len(pdf_page.body) // 2]
    cases = {
        half: "PDF",
        b"%PDF-1.4\n" + b"garbage " * 200: "PDF",
    }
    for body, word in cases.items():
        with pytest.raises(ExtractError) as caught:
            extract(body, url="https://x.example/a.pdf", content_type="application/pdf")
        message = str(caught.value)
        assert word in message and "open it in a browser" in message and "\n" not in message


def test_a_long_pdf_stops_after_its_page_cap(make_pdf: Callable[..., bytes]) -> None:
    body = make_pdf([[f"Page {n} says something."] for n in range(MAX_PDF_PAGES + 3)])
    article = extract(body, url="https://x.example/long.pdf", content_type="application/pdf")
    assert article.truncated
    assert f"Page {MAX_PDF_PAGES - 1} says something." in article.text
    assert f"Page {MAX_PDF_PAGES} says" not in article.text
    assert article.text.endswith(
        f"*[The text stops after page {MAX_PDF_PAGES} of {MAX_PDF_PAGES + 3}.]*")


def test_a_video_page_gives_its_description_marked_as_video(video_page: Page) -> None:
    article = read(video_page)
    assert (article.kind, article.title, article.author, article.published, article.site) == (
        "video", "Paged attention explained", "Inference Club", "2024-02-01", "YouTube")
    assert article.text.startswith("*Video.* Watch it at https://www.youtube.com/watch?v=abc123XYZ")
    assert "How vLLM stores the KV cache in blocks.\n\nSlides: https://slides.example/paged" in (
        article.text)
    assert "00:00 Intro\n\n03:10 Blocks" in article.text
    assert [link.url for link in article.links] == [
        "https://www.youtube.com/watch?v=abc123XYZ", "https://slides.example/paged"]
    assert "SIDEBAR" not in article.text and "NAVTEXT" not in article.text


def test_a_video_page_described_only_in_json_ld_or_meta() -> None:
    html = """<html><head><title>Talk</title>
<meta property="og:title" content="Scaling laws, a talk">
<script type="application/ld+json">{"@context": "https://schema.org", "@type": "VideoObject",
"name": "Scaling laws", "description": "A talk about compute-optimal training.",
"uploadDate": "2023-05-17T09:00:00Z", "author": {"@type": "Person", "name": "Ann Speaker"}}
</script></head><body><div id="player"></div></body></html>"""
    article = extract(html.encode(), url="https://vimeo.com/123456", content_type="text/html")
    assert (article.kind, article.title, article.author, article.published) == (
        "video", "Scaling laws, a talk", "Ann Speaker", "2023-05-17")
    assert article.text.endswith("A talk about compute-optimal training.")


def test_an_article_that_calls_itself_a_video_is_read_as_the_article(news_article: Page) -> None:
    body = news_article.body.replace(
        b"<head>", b'<head><meta property="og:type" content="video.other">', 1)
    article = extract(body, url=news_article.url, content_type="text/html")
    assert article.kind == "article" and "Analysts expect the shortage" in article.text
    bare = (b'<html><head><meta property="og:type" content="video.other">'
            b'<meta property="og:title" content="A clip"><meta property="og:description" '
            b'content="Thirty seconds of a cat."></head><body><video src="c.mp4"></video>'
            b"</body></html>")
    clip = extract(bare, url="https://news.example/clip", content_type="text/html")
    assert clip.kind == "video" and clip.text.endswith("Thirty seconds of a cat.")
