"""Search: raw user input -> safe FTS5 query + filters -> ranked, paged, highlighted results.

Nothing the user types can make a query raise: every word is passed to FTS5 as a quoted
string (FTS5's own tokenizer then splits ``foo-bar`` into the phrase "foo bar" and drops the
``+`` of ``c++``), words with nothing searchable in them are dropped, and quotes, operators
and brackets are data. The syntax a user may rely on:

- words: every word must match (title, author, description or note); ``"two words"`` is a
  phrase; an unclosed quote runs to the end of the input;
- ``OR`` (upper case) between words: either side; ``-word``: leave out matches of ``word``;
- filters: ``tier:2`` (``tier:1,2``, ``tier:none``), ``status:todo`` (any unique prefix,
  ``status:todo,reading``), ``topic:quant`` (topic number, or words that start the topic's title
  words), ``guide:...`` (id, slug or title words), ``in:title|author|description|notes`` (search
  only those fields), ``in:inbox`` (feed entries in the Inbox), ``in:feeds`` (every entry).
  A filter's value may be quoted: ``topic:"kv cache"``;
- while typing (``as_you_type=True``) the last word also matches as a prefix.

A query with filters and no words lists the matching items in guide order. Results carry the
character spans of the words that matched so the UI can highlight them without markup.
"""

from __future__ import annotations

import re
import sqlite3
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from tuiguide.core.models import STATUSES, Item
from tuiguide.core.store.catalogue import _ITEM_SELECT, _row_to_item
from tuiguide.core.store.migrations.m0003_search import RESOURCE_COLUMNS
from tuiguide.core.text.sanitize import clean_text

if TYPE_CHECKING:
    from rich.text import Text

    from tuiguide.core.feeds.inbox import InboxEntry
    from tuiguide.core.store.catalogue import Catalogue

MAX_QUERY_CHARS = 500
MAX_TERMS = 16
FILTER_KEYS = ("tier", "status", "topic", "guide", "in")
# author:dao, title:"paged attention": a word or phrase searched in one field only.
FIELD_KEYS = {"title": "title", "author": "author", "by": "author", "description": "description",
              "desc": "description", "note": "note", "notes": "note"}
FIELDS = ("title", "author", "description", "note")
_FIELD_ALIASES = {
    "title": "title", "titles": "title", "author": "author", "authors": "author",
    "description": "description", "descriptions": "description", "desc": "description",
    "note": "note", "notes": "note",
}
_SCOPES = {"inbox": "inbox", "feeds": "feeds", "feed": "feeds", "entries": "feeds",
           "all": "all", "guides": "all", "resources": "all"}
_WORD = re.compile(r"[^\W_]+")  # what FTS5's unicode61 keeps as a token (letters and digits)
HIGHLIGHT_STYLE = "bold reverse"

Span = tuple[int, int]


# ---------------------------------------------------------------------------- parsing
@dataclass(frozen=True)
class Term:
    """One word or phrase: ``tokens`` as the index sees them; ``prefix`` for the last one."""

    text: str
    tokens: tuple[str, ...]
    prefix: bool = False
    negated: bool = False
    column: str | None = None  # author:name searches one field

    def fts(self, columns: dict[str, str] | None = None) -> str:
        """This term as FTS5 syntax; ``columns`` renames fields for another index."""
        phrase = '"' + self.text.replace('"', '""') + '"' + ("*" if self.prefix else "")
        if not self.column:
            return phrase
        return f"{{{(columns or {}).get(self.column, self.column)}}} : {phrase}"

    def applies_to(self, field_name: str | None) -> bool:
        return not self.negated and (self.column is None or field_name in (None, self.column))


@dataclass
class ParsedQuery:
    raw: str
    # Alternatives (joined by OR); each is a list of terms that must all match.
    groups: list[list[Term]] = field(default_factory=list)
    excluded: list[Term] = field(default_factory=list)
    tiers: list[int] = field(default_factory=list)  # 0 = untiered
    statuses: list[str] = field(default_factory=list)
    topics: list[str] = field(default_factory=list)
    guides: list[str] = field(default_factory=list)
    fields: list[str] = field(default_factory=list)  # empty = every field
    scope: str = "all"  # all | inbox | feeds
    problems: list[str] = field(default_factory=list)
    invalid: bool = False  # a filter value matched nothing: no result can match

    @property
    def terms(self) -> list[Term]:
        return [t for group in self.groups for t in group]

    @property
    def has_text(self) -> bool:
        return bool(self.terms)

    @property
    def has_filters(self) -> bool:
        return bool(self.tiers or self.statuses or self.topics or self.guides)

    @property
    def is_empty(self) -> bool:
        return not self.has_text and not self.has_filters and not self.fields

    def text_expression(self, columns: dict[str, str] | None = None) -> str:
        """The words as an FTS5 expression (no overall column filter); '' when none."""
        alternatives = [" ".join(t.fts(columns) for t in group) for group in self.groups if group]
        expr = " OR ".join(f"({a})" for a in alternatives)
        if expr and self.excluded:
            expr = f"({expr}) NOT ({' OR '.join(t.fts(columns) for t in self.excluded)})"
        return expr


def _fold(text: str) -> str:
    """Case and accents folded the way the index folds them (unicode61 remove_diacritics)."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).lower()


@lru_cache(maxsize=4096)
def _fold_token(token: str) -> str:
    return _fold(token) if not token.isascii() else token.lower()


def tokens(text: str) -> list[str]:
    """The searchable words of ``text``, folded."""
    return [_fold_token(m.group()) for m in _WORD.finditer(text)]


_LEX = re.compile(r'\s+|"[^"]*"?|[^\s"]+(?:"[^"]*"?)?')


def _lex(raw: str) -> list[tuple[str, bool]]:
    """Split into (chunk, closed) pieces: quoted phrases stay whole; ``closed`` is False for
    an unterminated quote (the phrase runs to the end of the input)."""
    out = []
    for m in _LEX.finditer(raw):
        chunk = m.group()
        if chunk.isspace():
            continue
        closed = not (chunk.count('"') % 2)
        out.append((chunk, closed))
    return out


def _unquote(value: str) -> str:
    return value[1:-1] if len(value) >= 2 and value[0] == value[-1] == '"' else value.strip('"')


def parse_query(raw: str, *, as_you_type: bool = False) -> ParsedQuery:
    """Parse what the user typed; never raises. Problems are listed in ``problems``."""
    raw = raw or ""
    query = ParsedQuery(raw=raw)
    text = raw[:MAX_QUERY_CHARS]
    if len(raw) > MAX_QUERY_CHARS:
        query.problems.append(f"query cut to its first {MAX_QUERY_CHARS} characters")
    pieces = _lex(text)
    ends_open = bool(text) and not text[-1].isspace()
    group: list[Term] = []
    count = 0
    for index, (chunk, closed) in enumerate(pieces):
        last = index == len(pieces) - 1
        key, sep, value = chunk.partition(":")
        if sep and key.lower() in FILTER_KEYS and '"' not in key:
            _add_filter(query, key.lower(), _unquote(value), typing=as_you_type and last)
            continue
        if chunk == "OR":
            if group:
                query.groups.append(group)
                group = []
            continue
        negated = chunk.startswith("-") and len(chunk) > 1
        body = chunk[1:] if negated else chunk
        column = None
        key, sep, value = body.partition(":")
        if sep and key.lower() in FIELD_KEYS and '"' not in key:
            column, body = FIELD_KEYS[key.lower()], value
        phrase = body.startswith('"')
        body_text = _unquote(body) if phrase else body
        words = tokens(body_text)
        if not words:
            continue
        if count >= MAX_TERMS:
            if count == MAX_TERMS:
                query.problems.append(f"only the first {MAX_TERMS} words are searched")
            count += 1
            continue
        count += 1
        # While typing, the word under the cursor is a prefix (not after a space, a closing
        # quote, or trailing punctuation such as the ++ of c++).
        prefix = (
            as_you_type and last and ends_open and not (phrase and closed)
            and bool(_WORD.search(body_text[-1:]))
        )
        # FTS5 sees the words only, so stray quotes inside a word cannot unbalance it.
        term = Term(text=" ".join(_WORD.findall(body_text)), tokens=tuple(words), prefix=prefix,
                    negated=negated, column=column)
        (query.excluded if negated else group).append(term)
    if group:
        query.groups.append(group)
    if query.excluded and not query.groups:
        query.problems.append("a query needs a word to search for besides the -excluded ones")
        query.excluded = []
    elif query.is_empty and query.scope == "all" and text.strip() and not query.problems:
        query.problems.append("nothing to search for: words are made of letters and digits")
    return query


def _add_filter(query: ParsedQuery, key: str, value: str, *, typing: bool) -> None:
    value = value.strip()
    if not value:
        if not typing:
            query.problems.append(f"{key}: needs a value")
        return
    if key == "tier":
        for part in filter(None, (p.strip().lower() for p in value.split(","))):
            if part in ("none", "untiered", "0", "-"):
                query.tiers.append(0)
            elif part.isdigit() and 1 <= int(part) <= 9:
                query.tiers.append(int(part))
            else:
                query.problems.append(f"tier:{part} is not a tier; use 1, 2, 3 or none")
                query.invalid = True
    elif key == "status":
        for part in filter(None, (p.strip().lower() for p in value.split(","))):
            found = [s for s in STATUSES if s.startswith(part)]
            if len(found) == 1:
                query.statuses.append(found[0])
            else:
                query.problems.append(
                    f"status:{part} is not a status; use {', '.join(STATUSES)}"
                )
                query.invalid = True
    elif key == "topic":
        query.topics.append(value)
    elif key == "guide":
        query.guides.append(value)
    elif key == "in":
        for part in filter(None, (p.strip().lower() for p in value.split(","))):
            if part in _FIELD_ALIASES:
                if _FIELD_ALIASES[part] not in query.fields:
                    query.fields.append(_FIELD_ALIASES[part])
            elif part in _SCOPES:
                query.scope = _SCOPES[part]
            elif len({*_unique_prefix(part)}) == 1:
                target = _unique_prefix(part)[0]
                if target in _SCOPES.values():
                    query.scope = target
                elif target not in query.fields:
                    query.fields.append(target)
            elif not typing:
                query.problems.append(
                    f"in:{part} is unknown; use in:title, in:author, in:description, "
                    "in:notes, in:inbox or in:feeds"
                )
                query.invalid = True


def _unique_prefix(part: str) -> list[str]:
    """What an abbreviated in: value (``in:no``) stands for."""
    names = {**_FIELD_ALIASES, **_SCOPES}
    return sorted({target for name, target in names.items() if name.startswith(part)})


# ---------------------------------------------------------------------------- highlighting
def highlight_spans(
    text: str, terms: Sequence[Term], field_name: str | None = None
) -> list[Span]:
    """[start, end) spans of the words of ``text`` that a term matches (prefix-aware).

    ``field_name`` (title, author, ...) leaves out terms aimed at another field.
    """
    if not text or not terms:
        return []
    exact: set[str] = set()
    prefixes: list[str] = []
    for term in terms:
        if not term.applies_to(field_name):
            continue
        exact.update(term.tokens)
        if term.prefix:
            prefixes.append(term.tokens[-1])
    spans = []
    for m in _WORD.finditer(text):
        word = _fold_token(m.group())
        if word in exact or any(word.startswith(p) for p in prefixes):
            spans.append((m.start(), m.end()))
    return spans


@dataclass(frozen=True)
class Marked:
    """Display-ready text (already passed through clean_text) and the spans to highlight."""

    text: str
    spans: tuple[Span, ...] = ()

    def to_text(self, style: str = HIGHLIGHT_STYLE, base_style: str = "") -> Text:
        """A rich Text with the matches styled (no markup is parsed)."""
        from rich.text import Text

        out = Text(self.text, style=base_style)
        for start, end in self.spans:
            out.stylize(style, start, end)
        return out


def mark(text: str | None, terms: Sequence[Term], *, field_name: str | None = None,
         multiline: bool = False, limit: int | None = None) -> Marked:
    """Clean ``text`` for the terminal and find the matches in what will be shown."""
    shown = clean_text(text or "", multiline=multiline, limit=limit)
    return Marked(shown, tuple(highlight_spans(shown, terms, field_name)))


def snippet(text: str, terms: Sequence[Term], width: int = 120,
            field_name: str | None = None) -> Marked | None:
    """A one-line window of ``text`` around its first match (None when nothing matches)."""
    shown = clean_text(text or "")
    spans = highlight_spans(shown, terms, field_name)
    if not spans:
        return None
    first = spans[0][0]
    start = 0 if first < width // 3 else shown.rfind(" ", 0, first - width // 4) + 1
    end = min(len(shown), start + width)
    if end < len(shown):
        cut = shown.rfind(" ", start + width // 2, end)
        end = cut if cut > 0 else end
    lead = "…" if start > 0 else ""
    tail = "…" if end < len(shown) else ""
    body = shown[start:end]
    shift = len(lead) - start
    kept = tuple((s + shift, e + shift) for s, e in spans if s >= start and e <= end)
    return Marked(lead + body + tail, kept)


# ---------------------------------------------------------------------------- results
@dataclass(frozen=True)
class Hit:
    """One resource found. ``spans`` index the raw ``item`` fields (for JSON); use
    :meth:`title` / :meth:`snippet` for display (cleaned text, spans recomputed)."""

    item: Item
    score: float
    terms: tuple[Term, ...]
    spans: dict[str, tuple[Span, ...]]

    @property
    def matched(self) -> tuple[str, ...]:
        """The fields a word matched in: title, author, description, note."""
        return tuple(f for f in FIELDS if self.spans.get(f))

    def title(self, limit: int | None = None) -> Marked:
        return mark(self.item.title, self.terms, field_name="title", limit=limit)

    def author(self, limit: int | None = None) -> Marked:
        return mark(self.item.author, self.terms, field_name="author", limit=limit)

    def field(self, name: str, *, multiline: bool = True) -> Marked:
        """Any field (description, note...) cleaned, with its matches (the detail pane)."""
        return mark(getattr(self.item, name), self.terms, field_name=name, multiline=multiline)

    def snippet(self, width: int = 120) -> tuple[str, Marked] | None:
        """("description" | "note", window around the first match), when one matched."""
        for name in ("description", "note"):
            if self.spans.get(name):
                found = snippet(getattr(self.item, name), self.terms, width, name)
                if found:
                    return name, found
        return None

    def as_json(self) -> dict[str, Any]:
        data = self.item.as_json()
        data["score"] = round(self.score, 4)
        data["matched"] = list(self.matched)
        data["highlights"] = {k: [list(s) for s in v] for k, v in self.spans.items() if v}
        return data


@dataclass(frozen=True)
class EntryHit:
    """One feed entry found (``in:inbox`` / ``in:feeds``)."""

    entry: InboxEntry
    score: float
    terms: tuple[Term, ...]
    spans: dict[str, tuple[Span, ...]]

    @property
    def matched(self) -> tuple[str, ...]:
        return tuple(f for f in ("title", "author", "summary") if self.spans.get(f))

    def title(self, limit: int | None = None) -> Marked:
        return mark(self.entry.title, self.terms, field_name="title", limit=limit)

    def snippet(self, width: int = 120) -> Marked | None:
        return snippet(self.entry.summary, self.terms, width, "description")

    def as_json(self) -> dict[str, Any]:
        data = self.entry.as_json()
        data["score"] = round(self.score, 4)
        data["matched"] = list(self.matched)
        data["highlights"] = {k: [list(s) for s in v] for k, v in self.spans.items() if v}
        return data


@dataclass
class SearchResults:
    query: ParsedQuery
    hits: list[Hit] = field(default_factory=list)
    entries: list[EntryHit] = field(default_factory=list)
    total: int = 0
    offset: int = 0
    limit: int = 0
    # "ranked": by relevance; "guide": filters only, in guide order; "inbox"; "empty".
    mode: str = "empty"
    # False when a very broad query was ranked in two parts (see RANK_LIMIT).
    exact: bool = True

    @property
    def problems(self) -> list[str]:
        return self.query.problems

    @property
    def terms(self) -> tuple[Term, ...]:
        return tuple(self.query.terms)

    def as_json(self) -> dict[str, Any]:
        return {
            "query": self.query.raw,
            "mode": self.mode,
            "exact": self.exact,
            "total": self.total,
            "offset": self.offset,
            "limit": self.limit,
            "problems": list(self.problems),
            "results": [h.as_json() for h in (self.entries if self.mode == "inbox" else self.hits)],
        }


# ---------------------------------------------------------------------------- searching
_GUIDE_ORDER = "g.position, g.id, t.position, p.position, p.id"
# Ranking costs ~3 us per match; a query matching more than this many resources (a first
# letter, a very common word) is ranked in two parts: matches in the best field (the title),
# by relevance when they are few enough, then the rest in catalogue order. Exact otherwise.
RANK_LIMIT = 3000


def _spans_of(values: dict[str, str | None], terms: Sequence[Term]) -> dict[str, tuple[Span, ...]]:
    return {
        name: tuple(highlight_spans(value or "", terms, name)) for name, value in values.items()
    }


def _word_prefix_match(spec: str, title: str) -> bool:
    """Every word of ``spec`` starts some word of ``title`` (case/accents folded)."""
    want = tokens(spec)
    have = tokens(title)
    return bool(want) and all(any(h.startswith(w) for h in have) for w in want)


def _resolve_topics(conn: sqlite3.Connection, query: ParsedQuery) -> list[tuple[int, int]]:
    """(topic id, guide id) of the topics and sections the ``topic:`` values name."""
    rows = conn.execute(
        "SELECT id, guide_id, number, title FROM topics WHERE removed_at IS NULL"
    ).fetchall()
    found_all: list[tuple[int, int]] = []
    for spec in query.topics:
        number = spec.strip().rstrip(".")
        found = [(tid, gid) for tid, gid, num, _ in rows if num is not None and num == number]
        if not found:
            found = [(tid, gid) for tid, gid, _, title in rows if _word_prefix_match(spec, title)]
        if not found:
            query.problems.append(f"no topic matches topic:{spec}")
            query.invalid = True
        found_all += found
    return found_all


def _resolve_guides(conn: sqlite3.Connection, query: ParsedQuery) -> list[int]:
    rows = conn.execute("SELECT id, slug, title FROM guides").fetchall()
    ids: list[int] = []
    for spec in query.guides:
        low = spec.strip().lower()
        found = [gid for gid, slug, _ in rows if str(gid) == low or slug == low]
        if not found:
            found = [
                gid for gid, slug, title in rows
                if slug.startswith(low) or _word_prefix_match(spec, title)
            ]
        if not found:
            query.problems.append(f"no guide matches guide:{spec}")
            query.invalid = True
        ids += found
    return ids


@dataclass
class _Scope:
    """Resolved filters, as SQL over placements p / resources r and as index facets."""

    topic_ids: list[int]
    guide_ids: list[int]
    tiers: list[int]
    statuses: list[str]

    def sql(self) -> tuple[list[str], list[Any]]:
        where: list[str] = ["p.removed_at IS NULL"]
        params: list[Any] = []
        if self.tiers:
            parts = []
            real = sorted({t for t in self.tiers if t})
            if real:
                parts.append(f"p.tier IN ({', '.join('?' * len(real))})")
                params += real
            if 0 in self.tiers:
                parts.append("p.tier IS NULL")
            where.append("(" + " OR ".join(parts) + ")")
        if self.topic_ids:
            marks = ", ".join("?" * len(self.topic_ids))
            where.append(f"(p.topic_id IN ({marks}) OR p.section_id IN ({marks}))")
            params += self.topic_ids + self.topic_ids
        if self.guide_ids:
            where.append(f"p.guide_id IN ({', '.join('?' * len(self.guide_ids))})")
            params += self.guide_ids
        if self.statuses:
            where.append(f"r.status IN ({', '.join('?' * len(self.statuses))})")
            params += self.statuses
        return where, params

    def count_sql(self) -> tuple[str, list[Any]]:
        """The filters over ``placement_counts`` (tier -1 = untiered, section 0 = none)."""
        where: list[str] = ["n > 0"]
        params: list[Any] = []
        if self.tiers:
            tiers = sorted({-1 if t == 0 else t for t in self.tiers})
            where.append(f"tier IN ({', '.join('?' * len(tiers))})")
            params += tiers
        if self.topic_ids:
            marks = ", ".join("?" * len(self.topic_ids))
            where.append(f"(topic_id IN ({marks}) OR section_id IN ({marks}))")
            params += self.topic_ids + self.topic_ids
        if self.guide_ids:
            where.append(f"guide_id IN ({', '.join('?' * len(self.guide_ids))})")
            params += self.guide_ids
        if self.statuses:
            where.append(f"status IN ({', '.join('?' * len(self.statuses))})")
            params += self.statuses
        return " AND ".join(where), params

    def facets(self, guide_ids: Sequence[int]) -> str | None:
        """The filters as an FTS5 expression over the ``facets`` column (None: no filter).

        ``guide_ids``: every guide, to spell "tier 2 anywhere" as g1t2 OR g2t2 ...
        """
        tiers = sorted(set(self.tiers))
        groups: list[list[str]] = []
        if self.statuses:
            groups.append([f'"s{s}"' for s in sorted(set(self.statuses))])
        if self.topic_ids:
            ids = sorted(set(self.topic_ids))
            groups.append(
                [f'"c{c}t{t}"' for c in ids for t in tiers] if tiers else [f'"c{c}t"*' for c in ids]
            )
        elif self.guide_ids:
            ids = sorted(set(self.guide_ids))
            groups.append(
                [f'"g{g}t{t}"' for g in ids for t in tiers] if tiers else [f'"g{g}t"*' for g in ids]
            )
        elif tiers:
            groups.append([f'"g{g}t{t}"' for g in guide_ids for t in tiers] or ['"g0t0"'])
        if not groups:
            return None
        return " AND ".join("{facets} : (" + " OR ".join(group) + ")" for group in groups)


def _scope(conn: sqlite3.Connection, parsed: ParsedQuery) -> _Scope | None:
    """Resolve topic/guide names to ids; None when the filters can match nothing."""
    topics = _resolve_topics(conn, parsed) if parsed.topics else []
    guide_ids = _resolve_guides(conn, parsed) if parsed.guides else []
    if parsed.invalid:
        return None
    topic_ids = [tid for tid, gid in topics if not guide_ids or gid in guide_ids]
    if topics and not topic_ids:
        parsed.problems.append("no topic of that name in that guide")
        parsed.invalid = True
        return None
    return _Scope(topic_ids, guide_ids, list(parsed.tiers), list(parsed.statuses))


def search(
    catalogue: Catalogue,
    query: str | ParsedQuery,
    *,
    limit: int = 50,
    offset: int = 0,
    as_you_type: bool = False,
    rank_limit: int | None = RANK_LIMIT,
) -> SearchResults:
    """Run a query (raw text or parsed); never raises on what the user typed.

    ``rank_limit``: above this many matches, rank in two parts (see :data:`RANK_LIMIT`);
    None ranks every match exactly (the CLI, where 100 ms does not matter).
    """
    parsed = query if isinstance(query, ParsedQuery) else parse_query(query, as_you_type=as_you_type)
    results = SearchResults(query=parsed, offset=max(0, offset), limit=max(0, limit))
    conn = catalogue.conn
    try:
        if parsed.scope in ("inbox", "feeds"):
            return _search_entries(conn, parsed, results)
        if parsed.is_empty or parsed.invalid:
            return results
        scope = _scope(conn, parsed)
        if scope is None:
            return results
        if not parsed.has_text:
            return _list_in_guide_order(conn, parsed, results, scope)
        return _ranked(conn, parsed, results, scope, rank_limit)
    except sqlite3.OperationalError as exc:  # pragma: no cover - the parser prevents it
        parsed.problems.append(f"search failed: {exc}")
        results.hits, results.entries, results.total = [], [], 0
        return results


def _list_in_guide_order(
    conn: sqlite3.Connection, parsed: ParsedQuery, results: SearchResults, scope: _Scope
) -> SearchResults:
    """Filters only: matching placements in guide order, like the browsing list.

    Counted from the trigger-kept ``placement_counts`` and paged by walking the guide-order
    indexes (as :meth:`Catalogue.items` does), so ``status:todo`` at 50k costs ~1 ms.
    """
    results.mode = "guide"
    where, params = scope.sql()
    noted = "note" in parsed.fields
    if noted:
        where.append("EXISTS (SELECT 1 FROM notes n WHERE n.resource_id = p.resource_id)")
    sql_where = " AND ".join(where)
    if noted:  # notes are few: count them directly
        results.total = conn.execute(
            "SELECT count(*) FROM notes n JOIN placements p ON p.resource_id = n.resource_id "
            f"JOIN resources r ON r.id = p.resource_id WHERE {sql_where}",
            params,
        ).fetchone()[0]
    else:
        cwhere, cparams = scope.count_sql()
        results.total = conn.execute(
            f"SELECT COALESCE(sum(n), 0) FROM placement_counts WHERE {cwhere}", cparams
        ).fetchone()[0]
    topic_where, topic_params = "", []
    if scope.topic_ids:
        # Items of a section hang under its parent topic: visit those topics only.
        marks = ", ".join("?" * len(scope.topic_ids))
        topic_where = (
            f"AND (t.id IN ({marks}) OR t.id IN (SELECT parent_id FROM topics WHERE id IN ({marks}))) "
        )
        topic_params = [*scope.topic_ids, *scope.topic_ids]
    ids = [
        row[0]
        for row in conn.execute(
            "SELECT p.id FROM guides g INDEXED BY guides_order "
            "CROSS JOIN topics t INDEXED BY topics_guide "
            "CROSS JOIN placements p INDEXED BY placements_topic_order "
            "CROSS JOIN resources r "
            f"WHERE t.guide_id = g.id AND p.topic_id = t.id {topic_where}"
            f"AND r.id = p.resource_id AND {sql_where} "
            "ORDER BY g.position, g.id, t.position, t.id, p.position LIMIT ? OFFSET ?",
            [*topic_params, *params, results.limit, results.offset],
        )
    ]
    if ids:
        rows = conn.execute(
            f"{_ITEM_SELECT} WHERE p.id IN ({', '.join('?' * len(ids))})", ids
        ).fetchall()
        by_id = {row[1]: row for row in rows}
        results.hits = [Hit(_row_to_item(by_id[i]), 0.0, (), {}) for i in ids if i in by_id]
    return results


def _fts_page(
    conn: sqlite3.Connection, match: str, limit: int, offset: int, *, ranked: bool
) -> list[tuple[int, float]]:
    if limit <= 0:
        return []
    order = "rank" if ranked else "rowid"
    return conn.execute(
        f"SELECT rowid, {'rank' if ranked else '0.0'} FROM resource_fts "
        f"WHERE resource_fts MATCH ? ORDER BY {order} LIMIT ? OFFSET ?",
        (match, limit, offset),
    ).fetchall()


def _count(conn: sqlite3.Connection, match: str) -> int:
    return conn.execute(
        "SELECT count(*) FROM resource_fts WHERE resource_fts MATCH ?", (match,)
    ).fetchone()[0]


def _ranked(
    conn: sqlite3.Connection, parsed: ParsedQuery, results: SearchResults, scope: _Scope,
    rank_limit: int | None,
) -> SearchResults:
    text = parsed.text_expression()
    columns = parsed.fields or list(RESOURCE_COLUMNS)
    facets = scope.facets(
        [g for (g,) in conn.execute("SELECT id FROM guides")] if scope.tiers else []
    )
    tail = f" AND {facets}" if facets else ""
    full = "{" + " ".join(columns) + "} : (" + text + ")" + tail
    results.mode = "ranked"
    results.total = _count(conn, full)
    limit, offset = results.limit, results.offset
    if rank_limit is None or results.total <= rank_limit:
        page = _fts_page(conn, full, limit, offset, ranked=True)
    else:
        # Broad query: best-field matches first (ranked when few enough), then the rest.
        best = "{" + columns[0] + "} : (" + text + ")" + tail
        n_best = _count(conn, best)
        page = []
        if offset < n_best:
            page = _fts_page(conn, best, limit, offset, ranked=n_best <= rank_limit)
        rest = f"({full}) NOT ({{{columns[0]}}} : ({text}))"
        page += _fts_page(conn, rest, limit - len(page), max(0, offset - n_best), ranked=False)
        results.exact = False
    if not page:
        return results
    items = _display_items(conn, [rid for rid, _ in page], scope, parsed.terms)
    terms = tuple(parsed.terms)
    for rid, score in page:
        item = items.get(rid)
        if item is None:  # changed under us between the two queries
            continue
        spans = _spans_of(
            {"title": item.title, "author": item.author, "description": item.description,
             "note": item.note},
            terms,
        )
        results.hits.append(Hit(item, -float(score), terms, spans))
    return results


def _display_items(
    conn: sqlite3.Connection, rids: list[int], scope: _Scope, terms: Sequence[Term]
) -> dict[int, Item]:
    """Each resource at the place that fits the filters and shows the matched words best.

    A resource placed in several topics is shown once: at the first place (in guide order)
    whose own title matches a word, else whose text matches, else simply the first place.
    """
    where, params = scope.sql()
    marks = ", ".join("?" * len(rids))
    rows = conn.execute(
        f"{_ITEM_SELECT} WHERE p.resource_id IN ({marks}) AND {' AND '.join(where)} "
        f"ORDER BY {_GUIDE_ORDER}",
        [*rids, *params],
    ).fetchall()
    places: dict[int, list[tuple[Any, ...]]] = {}
    for row in rows:
        places.setdefault(row[0], []).append(row)
    chosen: dict[int, Item] = {}
    for resource_id, options in places.items():
        if len(options) == 1:
            chosen[resource_id] = _row_to_item(options[0])
            continue
        items = [_row_to_item(r) for r in options]

        def quality(item: Item) -> int:
            if highlight_spans(item.title, terms, "title"):
                return 0
            return 1 if highlight_spans(f"{item.author or ''} {item.description}", terms) else 2

        chosen[resource_id] = min(items, key=quality)  # min keeps the first of equals
    return chosen


def _search_entries(
    conn: sqlite3.Connection, parsed: ParsedQuery, results: SearchResults
) -> SearchResults:
    """Feed entries: the Inbox (``in:inbox``) or every entry (``in:feeds``), newest first
    when there are no words, else by relevance."""
    from tuiguide.core.store.migrations.m0003_search import has_table

    results.mode = "inbox"
    if not has_table(conn, "entry_fts"):
        parsed.problems.append("feeds are not set up in this catalogue")
        return results
    from tuiguide.core.feeds.store import ENTRY_SELECT as _ENTRY_SELECT
    from tuiguide.core.feeds.store import IN_INBOX as _IN_INBOX
    from tuiguide.core.feeds.store import entry_from_row as _row

    if parsed.has_filters:
        parsed.problems.append("tier:, status:, topic: and guide: do not apply to feed entries")
    where = _IN_INBOX if parsed.scope == "inbox" else "1"
    columns = [c for c in parsed.fields if c in ("title", "author")]
    if "description" in parsed.fields or "note" in parsed.fields:
        columns.append("summary")
    if not parsed.has_text:
        results.total = conn.execute(
            f"SELECT count(*) FROM feed_entries e WHERE {where}"
        ).fetchone()[0]
        rows = conn.execute(
            f"{_ENTRY_SELECT} WHERE {where} ORDER BY e.sort_at DESC, e.id DESC LIMIT ? OFFSET ?",
            (results.limit, results.offset),
        ).fetchall()
        results.entries = [EntryHit(_row(r), 0.0, (), {}) for r in rows]
        return results
    match = parsed.text_expression({"description": "summary", "note": "summary"})
    if columns:
        match = "{" + " ".join(columns) + "} : (" + match + ")"
    base = (
        "FROM (SELECT rowid AS eid, rank AS score FROM entry_fts WHERE entry_fts MATCH ?) m "
        f"JOIN feed_entries e ON e.id = m.eid WHERE {where}"
    )
    results.total = conn.execute(f"SELECT count(*) {base}", (match,)).fetchone()[0]
    page = conn.execute(
        f"SELECT m.eid, m.score {base} ORDER BY m.score, m.eid LIMIT ? OFFSET ?",
        (match, results.limit, results.offset),
    ).fetchall()
    if not page:
        return results
    ids = [eid for eid, _ in page]
    rows = conn.execute(
        f"{_ENTRY_SELECT} WHERE e.id IN ({', '.join('?' * len(ids))})", ids
    ).fetchall()
    by_id = {row[0]: _row(row) for row in rows}
    terms = tuple(parsed.terms)
    for eid, score in page:
        entry = by_id.get(eid)
        if entry is not None:
            spans = _spans_of(
                {"title": entry.title, "author": entry.author, "description": entry.summary}, terms
            )
            spans["summary"] = spans.pop("description")
            results.entries.append(EntryHit(entry, -float(score), terms, spans))
    return results
