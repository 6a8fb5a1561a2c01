"""OPML import/export: round trip, other readers' files, hostile and broken files."""

from __future__ import annotations

import os
import shutil
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from feeds_support import open_catalogue
from tuiguide.core.errors import UserError
from tuiguide.core.feeds import refresh as feeds
from tuiguide.core.feeds.opml import export_opml, import_opml

NEWSBOAT_STYLE = """<?xml version="1.0"?>
<opml version="1.0">
  <head><title>newsboat - Exported Feeds</title></head>
  <body>
    <outline type="rss" xmlUrl="https://blog.vllm.ai/feed.xml" htmlUrl="https://blog.vllm.ai/" title="vLLM Blog"/>
    <outline text="Research">
      <outline text="Distill" type="rss" xmlUrl="https://distill.pub/rss.xml"/>
      <outline text="Nested deeper">
        <outline text="Lil'Log" xmlUrl="https://lilianweng.github.io/index.xml"/>
      </outline>
    </outline>
    <outline text="Bad" xmlUrl="javascript:alert(1)"/>
    <outline text="Dup" xmlUrl="https://BLOG.vllm.ai/feed.xml"/>
  </body>
</opml>
"""


@pytest.fixture
def cat(tmp_path: Path):
    c = open_catalogue(tmp_path / "a.db", seed=False)
    yield c
    c.close()


def test_import_takes_every_feed_however_nested(cat, tmp_path):
    path = tmp_path / "subs.opml"
    path.write_text(NEWSBOAT_STYLE)
    report = import_opml(cat, path)
    assert [f.url for f in report.added] == [
        "https://blog.vllm.ai/feed.xml",
        "https://distill.pub/rss.xml",
        "https://lilianweng.github.io/index.xml",
    ]
    assert [f.url for f in report.already] == ["https://BLOG.vllm.ai/feed.xml"]
    assert report.invalid == ["javascript:alert(1)"]
    got = {f.link: f for f in feeds.list_feeds(cat)}
    assert got["https://distill.pub/rss.xml"].title == "Distill"
    assert got["https://blog.vllm.ai/feed.xml"].site_url == "https://blog.vllm.ai/"
    # Importing again adds nothing.
    again = import_opml(cat, path)
    assert again.added == [] and len(again.already) == 4


def test_export_is_opml_2_that_round_trips(cat, tmp_path):
    feeds.insert_feed(cat, "https://blog.vllm.ai/feed.xml", "vLLM <Blog> & \"friends\"",
                      "https://blog.vllm.ai/")
    feeds.insert_feed(cat, "https://lmsys.org/rss.xml", "LMSYS Org")
    feeds.insert_feed(cat, "https://example.com/feed?x=1&y=2")
    text = export_opml(cat)

    root = ET.fromstring(text)
    assert root.tag == "opml" and root.get("version") == "2.0"
    assert root.find("head/title").text == "tuiguide feeds"
    outlines = root.findall("body/outline")
    assert {o.get("xmlUrl") for o in outlines} == {
        "https://blog.vllm.ai/feed.xml", "https://lmsys.org/rss.xml",
        "https://example.com/feed?x=1&y=2",
    }
    assert all(o.get("type") == "rss" and o.get("text") for o in outlines)
    vllm = next(o for o in outlines if "vllm" in o.get("xmlUrl"))
    assert vllm.get("title") == 'vLLM <Blog> & "friends"'
    assert vllm.get("htmlUrl") == "https://blog.vllm.ai/"

    path = tmp_path / "out.opml"
    path.write_text(text)
    with open_catalogue(tmp_path / "b.db", seed=False) as other:
        report = import_opml(other, path)
        assert len(report.added) == 3
        moved = {(f.link, f.title, f.site_url) for f in feeds.list_feeds(other)}
    original = {(f.link, f.title, f.site_url) for f in feeds.list_feeds(cat)}
    assert moved == original


def test_export_of_control_characters_stays_valid_xml(cat):
    feeds.insert_feed(cat, "https://e.example/feed", "Evil \x1b[31mred\x07 name")
    root = ET.fromstring(export_opml(cat))
    assert root.find("body/outline").get("text") == "Evil red name"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("this is not xml", "not valid XML (line 1"),
        ('<?xml version="1.0"?><rss version="2.0"/>', "not an OPML file (the root element is <rss>"),
        ('<opml version="2.0"><head/></opml>', "without a <body>"),
        ('<?xml version="1.0"?><!DOCTYPE opml [<!ENTITY a "aaaa">]><opml><body/></opml>',
         "refused: the file declares a DTD or entities"),
        ('<?xml version="1.0"?><!DOCTYPE opml [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
         '<opml><body><outline xmlUrl="https://a.example/&x;"/></body></opml>',
         "refused: the file declares a DTD or entities"),
    ],
    ids=["not-xml", "not-opml", "no-body", "entities", "external-entity"],
)
def test_bad_opml_is_one_line_naming_the_file(cat, tmp_path, content, message):
    path = tmp_path / "bad.opml"
    path.write_text(content)
    with pytest.raises(UserError) as err:
        import_opml(cat, path)
    text = str(err.value)
    assert text.startswith(f"{path}: ") and message in text and "\n" not in text
    assert feeds.list_feeds(cat) == []


def test_missing_opml_file(cat, tmp_path):
    with pytest.raises(UserError, match="no such file"):
        import_opml(cat, tmp_path / "nope.opml")


@pytest.mark.skipif(shutil.which("newsboat") is None, reason="newsboat is not installed")
def test_newsboat_imports_our_export_and_we_import_its_export(cat, tmp_path):
    """Extra check with the real reader when present (the structure test above always runs)."""
    feeds.insert_feed(cat, "https://blog.vllm.ai/feed.xml", "vLLM Blog & co")
    feeds.insert_feed(cat, "https://example.com/feed?x=1&y=2")
    ours = tmp_path / "ours.opml"
    ours.write_text(export_opml(cat))
    urls = tmp_path / "urls"
    urls.write_text("")
    base = ["newsboat", "-u", str(urls), "-c", str(tmp_path / "cache.db"),
            "-C", str(tmp_path / "config")]
    env = {**os.environ, "HOME": str(tmp_path)}
    subprocess.run([*base, "-i", str(ours)], check=True, env=env, capture_output=True,
                   timeout=30)
    assert urls.read_text().split() == ["https://blog.vllm.ai/feed.xml",
                                        "https://example.com/feed?x=1&y=2"]
    theirs = tmp_path / "theirs.opml"
    done = subprocess.run([*base, "-e"], check=True, env=env, capture_output=True, timeout=30)
    theirs.write_bytes(done.stdout)
    with open_catalogue(tmp_path / "c.db", seed=False) as other:
        report = import_opml(other, theirs)
    assert sorted(f.url for f in report.added) == ["https://blog.vllm.ai/feed.xml",
                                                   "https://example.com/feed?x=1&y=2"]
