"""Pages in the shapes a learner's links lead to, written here, and a real HTTP server on
127.0.0.1 that serves them (for the fetch, CLI and app tests of the reader).

Each page is a :class:`Page`: the bytes a server would send, the final URL and the
``Content-Type``. Sentences a reader must see are spelled out in the pages; boilerplate that
must not reach the text carries a marker word (SIDEBAR, COMMENT, SCRIPT...) easy to look for.
"""

from __future__ import annotations

import json
import zlib
from dataclasses import dataclass


@dataclass(frozen=True)
class Page:
    body: bytes
    url: str
    content_type: str | None = "text/html; charset=utf-8"


PARAGRAPHS = [
    "The key-value cache stores the attention keys and values of every token already seen, so "
    "that generating the next token costs one step instead of a pass over the whole prompt.",
    "Its memory grows linearly with the context length and with the batch size, which is why "
    "long conversations run out of accelerator memory long before they run out of compute.",
    "Quantising the cache to eight bits halves its footprint again, at a cost in accuracy that "
    "most evaluations cannot tell apart from noise on ordinary chat workloads.",
    "Paged attention goes further: it stores the cache in fixed-size blocks, the way an "
    "operating system pages memory, so that no request reserves more than it uses.",
]

BOILERPLATE = """
<header><nav><a href="/">Home</a> <a href="/topics">Topics NAVTEXT</a> <a href="/about">About</a>
</nav><form action="/search"><input name="q" placeholder="Search"><button>FORMTEXT go</button>
</form></header>
"""

SIDEBAR = """
<aside class="sidebar"><h3>Most read</h3><ul>
<li><a href="/a">SIDEBAR celebrity chef opens a restaurant in the harbour district</a></li>
<li><a href="/b">SIDEBAR local team wins the regional football cup after extra time</a></li>
<li><a href="/c">SIDEBAR ten gadgets you will want to buy before the holidays start</a></li>
</ul><div class="newsletter">SIDEBAR sign up to our newsletter for the best stories</div></aside>
"""

COMMENTS = """
<section id="comments" class="comments"><h3>3 comments</h3><ol class="comment-list">
<li class="comment"><div class="comment-author">grumpy_reader</div><div class="comment-body">
<p>COMMENT I disagree with every word of this and the author should be ashamed of it.</p>
</div></li><li class="comment"><div class="comment-author">fan42</div><div class="comment-body">
<p>COMMENT Great article, I have shared it with my whole team at work today.</p></div></li>
</ol><form class="comment-form"><textarea>FORMTEXT</textarea><button>Post COMMENT</button>
</form></section>
"""


def blog_post_html() -> str:
    paragraphs = "".join(f"<p>{p}</p>\n" for p in PARAGRAPHS[:2])
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<title>Tuning the KV cache | Inference Notes</title>
<meta name="author" content="Ada Lovelace">
<meta property="og:site_name" content="Inference Notes">
<meta property="article:published_time" content="2024-03-05T10:00:00Z">
<style>body {{ color: red }} .STYLETEXT {{ margin: 0 }}</style>
<script>var secret = "SCRIPTTEXT"; document.write("SCRIPTTEXT");</script>
</head><body>{BOILERPLATE}
<main><article><h1>Tuning the KV cache</h1>
{paragraphs}
<h2>Measuring memory</h2>
<p>{PARAGRAPHS[2]} Read <a href="https://arxiv.org/abs/2309.06180">the paged attention
paper</a> for the details.</p>
<pre><code class="language-python">def cache_bytes(layers, heads, dim, tokens):
    return 2 * layers * heads * dim * tokens * 2
</code></pre>
<p>Then measure what the process really holds:</p>
<pre><code class="language-bash">nvidia-smi --query-gpu=memory.used --format=csv
</code></pre>
<h2>A recipe</h2>
<ul><li>Measure the baseline memory of one request.</li>
<li>Quantise the cache to int8 and measure again.</li></ul>
<blockquote><p>Premature optimisation is the root of all evil, but this is not premature.</p>
</blockquote>
<table><tr><th>Precision</th><th>Bytes per value</th></tr>
<tr><td>fp16</td><td>2</td></tr><tr><td>int8</td><td>1</td></tr></table>
<p>{PARAGRAPHS[3]}</p>
<script>trackPageView("SCRIPTTEXT")</script>
<form><input name="email"><button>FORMTEXT subscribe</button></form>
</article></main>
<footer><p>Copyright FOOTERTEXT 2024 Inference Notes. All rights reserved.</p></footer>
</body></html>"""


def blog_post() -> Page:
    return Page(blog_post_html().encode(), "https://notes.example/kv-cache")


def news_article() -> Page:
    paragraphs = "".join(f"<p>{p}</p>\n" for p in PARAGRAPHS)
    html = f"""<!doctype html><html><head><meta charset="utf-8">
<title>Chip makers race to add memory - The Daily Example</title>
<meta property="og:site_name" content="The Daily Example">
<meta name="author" content="Jane Reporter">
<meta property="article:published_time" content="2025-01-20T08:30:00+00:00">
</head><body>{BOILERPLATE}
<div class="layout"><main><article class="story">
<h1>Chip makers race to add memory</h1>
<p class="byline">By Jane Reporter, January 20, 2025</p>
{paragraphs}
<p>Analysts expect the shortage to ease next year, when three new factories open.</p>
</article>
{COMMENTS}
</main>{SIDEBAR}</div>
<footer>FOOTERTEXT About us · Contact · Privacy</footer></body></html>"""
    return Page(html.encode(), "https://daily.example/2025/01/20/chip-makers-memory")


def latin1_page() -> Page:
    html = """<html><head>
<meta http-equiv="Content-Type" content="text/html; charset=iso-8859-1">
<title>Crème brûlée à la française</title></head><body><article>
<h1>Crème brûlée à la française</h1>
<p>Une crème brûlée se prépare la veille : la crème doit reposer une nuit entière au frais
avant d'être caramélisée au dernier moment, juste avant de servir les invités.</p>
<p>In der Straße hinter dem Café verkauft ein Bäcker die besten Brötchen der ganzen Stadt,
und die Schlange vor seinem Laden ist jeden Morgen länger als am Tag zuvor.</p>
</article></body></html>"""
    return Page(html.encode("latin-1"), "https://cuisine.example/creme", "text/html")


def arxiv_page() -> Page:
    html = """<!DOCTYPE html><html lang="en"><head>
<title>[2309.06180] Efficient Memory Management for Large Language Model Serving with PagedAttention</title>
<meta name="citation_title" content="Efficient Memory Management for Large Language Model Serving with PagedAttention" />
<meta name="citation_author" content="Kwon, Woosuk" />
<meta name="citation_author" content="Li, Zhuohan" />
<meta name="citation_author" content="Zhuang, Siyuan" />
<meta name="citation_date" content="2023/09/12" />
<meta name="citation_online_date" content="2023/09/12" />
<meta name="citation_pdf_url" content="https://arxiv.org/pdf/2309.06180" />
<meta name="citation_arxiv_id" content="2309.06180" />
<meta name="citation_abstract" content="High throughput serving of large language models (LLMs) requires batching sufficiently many requests at a time. However, existing systems struggle because the key-value cache (KV cache) memory for each request is huge and grows and shrinks dynamically." />
</head><body>
<div id="header"><a href="/">arXiv</a> &gt; <a href="/list/cs.LG/recent">cs</a> &gt; arXiv:2309.06180
<form><input name="query"><button>Search NAVTEXT</button></form></div>
<div id="abs"><div class="dateline">[Submitted on 12 Sep 2023]</div>
<h1 class="title mathjax"><span class="descriptor">Title:</span>Efficient Memory Management for Large Language Model Serving with PagedAttention</h1>
<div class="authors"><span class="descriptor">Authors:</span><a href="/a/kwon_w_1">Woosuk Kwon</a>, <a href="/a/li_z_1">Zhuohan Li</a>, <a href="/a/zhuang_s_1">Siyuan Zhuang</a></div>
<blockquote class="abstract mathjax"><span class="descriptor">Abstract:</span>High throughput serving of large language models (LLMs) requires batching sufficiently many requests at a time. However, existing systems struggle because the key-value cache (KV cache) memory for each request is huge and grows and shrinks dynamically.</blockquote>
<div class="metatable"><table><tr><td>Subjects:</td><td>Machine Learning (cs.LG)</td></tr></table></div>
</div><div class="extra-services"><a href="/pdf/2309.06180">View PDF</a></div>
</body></html>"""
    return Page(html.encode(), "https://arxiv.org/abs/2309.06180")


README = """<article class="markdown-body entry-content container-lg" itemprop="text">
<div class="markdown-heading"><h1 class="heading-element">tinyserve</h1></div>
<p>tinyserve is a small inference server for learning how batching and the KV cache work,
written to be read in an afternoon rather than deployed in production.</p>
<div class="markdown-heading"><h2 class="heading-element">Install</h2></div>
<div class="highlight highlight-source-shell"><pre>pip install tinyserve
tinyserve --model tiny-llama --port 8000</pre></div>
<div class="markdown-heading"><h2 class="heading-element">Features</h2></div>
<ul><li>Continuous batching of incoming requests with a simple scheduler.</li>
<li>A paged KV cache with copy-on-write prefix sharing between requests.</li></ul>
<p>Read <a href="https://notes.example/kv-cache">the design notes</a> before changing the
scheduler, and run the tests with <code>pytest -q</code> before sending a pull request.</p>
</article>"""


def github_page() -> Page:
    files = "".join(
        f'<div role="row" class="Box-row"><a class="js-navigation-open" href="/ada/tinyserve/blob/'
        f'main/{name}">{name}</a> <span>FILELIST update {name}</span></div>'
        for name in ("README.md", "pyproject.toml", "src", "tests")
    )
    html = f"""<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">
<title>GitHub - ada/tinyserve: A small inference server to learn from</title>
<meta property="og:title" content="GitHub - ada/tinyserve: A small inference server to learn from">
<meta property="og:description" content="A small inference server to learn from">
<meta property="og:site_name" content="GitHub"></head><body>
<header class="AppHeader"><a href="/">GitHub NAVTEXT</a> <a href="/features">Product</a>
<form><input name="q"><button>Search or jump to FORMTEXT</button></form></header>
<main><div class="repository-content"><div class="Box">{files}</div>
<div class="Layout-sidebar"><h2>About</h2><p>A small inference server to learn from</p>
<a href="/ada/tinyserve/stargazers">SIDEBAR 1.2k stars</a></div>
<div id="readme" class="Box md js-code-block-container">{README}</div></div></main>
<footer>FOOTERTEXT © 2025 GitHub, Inc. Terms Privacy</footer></body></html>"""
    return Page(html.encode(), "https://github.com/ada/tinyserve")


def github_react_page() -> Page:
    """GitHub's newer pages: the README sits in the JSON the page's scripts render from."""
    payload = {"payload": {"overview": {"overviewFiles": [
        {"displayName": "README.md", "richText": README}]}}}
    html = f"""<!DOCTYPE html><html><head><title>GitHub - ada/tinyserve</title></head><body>
<react-app app-name="react-code-view"><script type="application/json"
data-target="react-app.embeddedData">{json.dumps(payload)}</script></react-app>
<header>GitHub NAVTEXT</header></body></html>"""
    return Page(html.encode(), "https://github.com/ada/tinyserve")


def video_page() -> Page:
    player = {
        "videoDetails": {
            "videoId": "abc123XYZ",
            "title": "Paged attention explained",
            "author": "Inference Club",
            "shortDescription": "How vLLM stores the KV cache in blocks.\n\nSlides: "
                                "https://slides.example/paged\n00:00 Intro\n03:10 Blocks",
        },
        "microformat": {"playerMicroformatRenderer": {"publishDate": "2024-02-01"}},
    }
    html = f"""<!DOCTYPE html><html><head>
<title>Paged attention explained - YouTube</title>
<meta property="og:title" content="Paged attention explained">
<meta property="og:type" content="video.other">
<meta property="og:site_name" content="YouTube">
<meta property="og:description" content="How vLLM stores the KV cache in blocks. Slides...">
</head><body><div id="masthead">YouTube NAVTEXT Home Shorts Subscriptions</div>
<script>var ytInitialPlayerResponse = {json.dumps(player)};</script>
<div id="related">SIDEBAR up next: ten more videos you might like</div></body></html>"""
    return Page(html.encode(), "https://www.youtube.com/watch?v=abc123XYZ")


def build_pdf(pages: list[list[str]], *, title: str = "", author: str = "") -> bytes:
    """A real PDF (Helvetica text, one line per string, an Info dictionary), built by hand:
    the objects, a cross-reference table with their byte offsets, and a trailer."""
    objects: list[bytes] = []
    font = 3 + 2 * len(pages)
    kids = " ".join(f"{3 + 2 * n} 0 R" for n in range(len(pages)))
    objects.append(b"<< /Type /Catalog /Pages 2 0 R >>")
    objects.append(f"<< /Type /Pages /Kids [{kids}] /Count {len(pages)} >>".encode())
    for n, lines in enumerate(pages):
        content = "BT /F1 12 Tf 72 720 Td 14 TL " + " ".join(
            "(" + line.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)") + ") '"
            for line in lines
        ) + " ET"
        stream = zlib.compress(content.encode("latin-1"))
        objects.append(
            f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents {4 + 2 * n} 0 R "
            f"/Resources << /Font << /F1 {font} 0 R >> >> >>".encode()
        )
        objects.append(b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(stream)
                       + stream + b"\nendstream")
    objects.append(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>")
    objects.append(f"<< /Title ({title}) /Author ({author}) /CreationDate (D:20240305120000Z) >>"
                   .encode("latin-1"))
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, obj in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + obj + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += (b"trailer\n<< /Size %d /Root 1 0 R /Info %d 0 R >>\nstartxref\n%d\n%%%%EOF\n"
            % (len(objects) + 1, len(objects), xref))
    return bytes(out)


def pdf_page() -> Page:
    body = build_pdf(
        [["Efficient serving with paged attention", "",
          "Serving many requests at once needs memory for every key and value.",
          "We store the cache in blocks, like pages of virtual memory."],
         ["Results", "Throughput rises two to four times at the same latency."]],
        title="Paged attention (a study)", author="Woosuk Kwon",
    )
    return Page(body, "https://papers.example/paged.pdf", "application/pdf")
