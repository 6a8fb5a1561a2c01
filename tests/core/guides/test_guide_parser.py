"""The guide parser: the bundled guide's numbers and each markdown variant."""

from __future__ import annotations

from collections import Counter

import pytest

from tuiguide.core.errors import GuideFormatError
from tuiguide.core.guides.parser import decode_guide, parse_guide, split_author
from tuiguide.core.text.urls import normalise_url


def test_bundled_guide_numbers(guide_text: str) -> None:
    g = parse_guide(guide_text)
    assert g.title == "Learning Guide: AI Inference Engineering"
    numbered = [t for t in g.topics if t.number]
    assert [t.number for t in numbered] == [str(n) for n in range(1, 19)]
    assert [t.title for t in g.topics if not t.number] == ["Supplementary Materials"]
    assert numbered[2].title == "Attention Mechanisms & Memory Optimization"
    assert len(g.items) == 337
    assert len({normalise_url(i.url) for i in g.items}) == 333
    tiers = Counter(i.tier for i in g.items)
    assert tiers == {1: 52, 2: 256, 3: 26, None: 3}
    assert g.warnings == []
    assert "AER Labs community" in g.description


def test_bundled_guide_item_fields(guide_text: str) -> None:
    g = parse_guide(guide_text)
    first = g.items[0]
    assert first.title == "Transformer Inference Arithmetic"
    assert first.url == "https://kipp.ly/transformer-inference-arithmetic/"
    assert first.author == "kipply"
    assert first.description.startswith("Breaks down the compute and memory costs")
    assert first.tier == 1
    no_author = next(i for i in g.items if i.title == "paperreview.ai")
    assert no_author.author is None
    assert no_author.description.startswith("AI-powered platform")


VARIANTS = """\
# Variant Guide

Intro paragraph about the guide.

## Table of contents

- [Basics](#basics)
- [Advanced](#advanced)

## Basics

[![badge](https://img.shields.io/badge/x-y-green)](https://example.com/badge)
![diagram](https://example.com/diagram.png)

### Tier 1

- [Dash Author](https://a.example/one) - Jane Doe. Explains one thing.
* [Star Bullet](https://a.example/two) - Star Person. Uses a star bullet.
- [No Author Here](https://a.example/three) - Just a long description without any author at all
- [Colon Sep](https://a.example/four): Colon Author. Colon separated.
- [By Sep](https://a.example/five) by Bob Smith - Written by Bob.
- [Trailing Links](https://a.example/six) - Ann. See [the paper](https://arxiv.org/abs/1) and [code](https://github.com/x/y).
- [Bare Link](https://a.example/seven)
- **[Bold Title](https://a.example/eight)** - Bold Author. Bold wrapped.
- [Nested [brackets] title](https://a.example/nine) - N. Nested.
- [Paren URL](https://en.wikipedia.org/wiki/Foo_(bar)) - Wiki. Parens in URL.

#### Tier 2

- [Two](https://a.example/ten) - T. Tier two.
  continued on the next line.

```
- [In A Fence](https://a.example/fenced) - not a resource
```

## 2. Numbered Topic

- [Untiered](https://a.example/eleven) - U. No tier heading here.

### Sub Section

#### Tier 3

- [In Section](https://a.example/twelve) - S. In a sub-section.

## Relative

- [Relative](./other.md) - R. Not a web resource.
"""


def test_variants() -> None:
    g = parse_guide(VARIANTS, "variants.md")
    by_title = {i.title: i for i in g.items}
    assert "Basics" not in by_title and "badge" not in by_title and "diagram" not in by_title
    assert "In A Fence" not in by_title and "Relative" not in by_title
    assert by_title["Dash Author"].author == "Jane Doe"
    assert by_title["Dash Author"].description == "Explains one thing."
    assert by_title["Star Bullet"].author == "Star Person"
    assert by_title["No Author Here"].author is None
    assert by_title["No Author Here"].description.startswith("Just a long description")
    assert by_title["Colon Sep"].author == "Colon Author"
    assert by_title["By Sep"].author == "Bob Smith"
    assert by_title["By Sep"].description == "Written by Bob."
    trailing = by_title["Trailing Links"]
    assert trailing.author == "Ann"
    assert "the paper (https://arxiv.org/abs/1)" in trailing.description
    assert trailing.url == "https://a.example/six"
    assert by_title["Bare Link"].author is None and by_title["Bare Link"].description == ""
    assert by_title["Bold Title"].author == "Bold Author"
    assert by_title["Nested [brackets] title"].url == "https://a.example/nine"
    assert by_title["Paren URL"].url == "https://en.wikipedia.org/wiki/Foo_(bar)"
    assert by_title["Two"].tier == 2
    assert by_title["Two"].description == "Tier two. continued on the next line."
    assert by_title["Untiered"].tier is None
    section_item = by_title["In Section"]
    assert section_item.tier == 3 and section_item.section_key is not None
    topics = {t.title: t for t in g.topics}
    assert set(topics) == {"Basics", "Numbered Topic", "Sub Section"}
    assert topics["Numbered Topic"].number == "2"
    assert topics["Sub Section"].parent_key == topics["Numbered Topic"].key
    assert any("relative link" in w and "variants.md" in w for w in g.warnings)


@pytest.mark.parametrize(
    ("rest", "author", "description"),
    [
        (" - kipply. Breaks down costs.", "kipply", "Breaks down costs."),
        (" - Eduardo Alvarez, NVIDIA. Overview.", "Eduardo Alvarez, NVIDIA", "Overview."),
        (" - AI-powered platform for reviewing papers.", None, "AI-powered platform for reviewing papers."),
        (": Org. Desc", "Org", "Desc"),
        ("", None, ""),
    ],
)
def test_split_author(rest: str, author: str | None, description: str) -> None:
    assert split_author(rest) == (author, description)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "empty"),
        (b"   \n\n", "empty"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00", "binary data"),
    ],
)
def test_not_a_guide_bytes(data: bytes, message: str) -> None:
    with pytest.raises(GuideFormatError, match=message) as exc:
        decode_guide(data, "bad.md")
    assert str(exc.value).startswith("bad.md: ")
    assert "\n" not in str(exc.value)


def test_not_a_guide_text() -> None:
    with pytest.raises(GuideFormatError, match="no markdown headings"):
        parse_guide("just some prose\nwith [a link](https://x.org)\n", "prose.md")
    with pytest.raises(GuideFormatError, match="no resource links"):
        parse_guide("# Title\n\n## Topic\n\nNo links at all.\n", "nolinks.md")


def test_invalid_utf8_is_replaced_with_a_warning() -> None:
    text, warnings = decode_guide(b"# G\n## T\n- [Caf\xe9](https://x.org) - A. B\n", "latin.md")
    assert "\ufffd" in text
    assert warnings and warnings[0].startswith("latin.md:3:")
