"""The guide parser's link fast path (a regex for the common ``[title](url) rest``) splits
every line exactly as the balanced bracket scan does, and the 50k-item guide parses to the
same result either way."""

from __future__ import annotations

import re
import sys
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from tuiguide.core.guides import parser as guide_parser
from tuiguide.core.guides.parser import _loose_target, _scan_link, parse_guide

ROOT = Path(__file__).resolve().parents[3]


def balanced_scan(text: str) -> tuple[str, str, str] | None:
    """The parser's link split before the fast path (the reference)."""
    if not text.startswith("["):
        return None
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
                target = text[end_title + 2 : j].strip()
                target = re.sub(r"\s+\"[^\"]*\"$", "", target).strip("<>").strip()
                return text[1:end_title], target, text[j + 1 :]
    return None


LINE = st.text(alphabet='[]()<>" \tab:/.-\\\n', max_size=40)


@settings(max_examples=3000, deadline=None)
@given(st.one_of(LINE, LINE.map(lambda s: "[" + s)))
def test_fast_path_splits_like_the_balanced_scan(line: str) -> None:
    assert _scan_link(line) == balanced_scan(line)


def test_typical_lines() -> None:
    for line in (
        '[Title](https://x.example/a "A title") - Ann. Text',
        "[Title](<https://x.example/a>) rest",
        "[Nested [brackets]](https://x.example/b) rest",
        "[Parens](https://en.wikipedia.org/wiki/Foo_(bar)) rest",
        "[Unclosed](https://x.example/c rest",
        "[Empty]() rest",
        "[No target] rest",
    ):
        assert _scan_link(line) == balanced_scan(line), line


def test_fifty_thousand_item_guide_parses_the_same(monkeypatch) -> None:
    sys.path.insert(0, str(ROOT / "bench"))
    import make_catalogue

    text = make_catalogue.guide_markdown(50_000, seed=3)
    fast = parse_guide(text, "big.md")
    monkeypatch.setattr(guide_parser, "_scan_link", balanced_scan)
    assert parse_guide(text, "big.md") == fast
    assert len(fast.items) == 50_000
