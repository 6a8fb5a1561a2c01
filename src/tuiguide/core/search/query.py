"""The search query language: raw user input -> words as safe FTS5 syntax, plus filters.

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
  only those fields), ``in:article`` (the stored text of the page behind the link),
  ``in:inbox`` (feed entries in the Inbox), ``in:feeds`` (every entry); an ``in:`` value may
  be cut short while it names one of them (``in:au`` author, ``in:ar`` article), and one that
  names several (``in:a``) is refused with a hint naming each; ``dead:yes`` (links found
  dead; ``dead:no`` the others).
  ``tag:go`` (``tag:go,perf``: any of them) the user's tags.
  A filter's value may be quoted: ``topic:"kv cache"``;
- the last word also matches as a prefix (``quant`` finds "Quantization"), unless a space
  or punctuation ends the input; ``as_you_type=True`` (the search box) only spares a filter
  still being typed (``tier:``) its complaint;
- words are stemmed (FTS5's porter tokenizer): ``quantized`` finds "Quantization".

Adding a filter: a key in :data:`FILTER_KEYS`, a field on :class:`ParsedQuery` (counted in
``has_filters``), a branch in :func:`_add_filter`, and its meaning in the engine's
``_scope`` (for ``in:`` values, a name in ``_SCOPES`` and a branch in ``engine.search``).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache

from tuiguide.core.models import STATUSES

MAX_QUERY_CHARS = 500
MAX_TERMS = 16
FILTER_KEYS = ("tier", "status", "topic", "guide", "in", "tag", "dead")
# author:dao, title:"paged attention": a word or phrase searched in one field only.
FIELD_KEYS = {"title": "title", "author": "author", "by": "author", "description": "description",
              "desc": "description", "note": "note", "notes": "note"}
FIELDS = ("title", "author", "description", "note")
_FIELD_ALIASES = {
    "title": "title", "titles": "title", "author": "author", "authors": "author",
    "description": "description", "descriptions": "description", "desc": "description",
    "note": "note", "notes": "note", "article": "article", "articles": "article",
}
_SCOPES = {"inbox": "inbox", "feeds": "feeds", "feed": "feeds", "entries": "feeds",
           "all": "all", "guides": "all", "resources": "all"}
_SHOWN = {"note": "notes"}  # how an in: target is named in a hint
SYNTAX_HELP = (
    ("kv cach", "words, stemmed (quantized finds Quantization); the last one is a prefix"),
    ('"paged attention"', "a phrase"),
    ("author:dao", "a word in one field: title:, author: (by:), description:, note:"),
    ("tier:2  tier:1,none", "tiers (none: resources without a tier)"),
    ("status:todo", "todo, reading, done or skipped (a prefix will do: status:re)"),
    ("topic:quant", "a topic by number, or by words that start words of its title"),
    ("guide:NAME", "one guide, by ID, name or words of its title"),
    ("tag:NAME", "resources you tagged NAME (t tags one)"),
    ("dead:yes", "links found dead (marked ✗); dead:no the others"),
    ("in:article", "the stored page texts (v reads one; fetch stores them)"),
    ("in:notes  in:title", "only those fields (in:author, in:description too)"),
    ("in:inbox  in:feeds", "Inbox entries, or every feed entry, instead of the guide"),
)
"""The query language in a line per form, for help (``?``) and ``tuiguide search --help``."""
WORD = re.compile(r"[^\W_]+")  # what FTS5's unicode61 keeps as a token (letters and digits)


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
    tags: list[str] = field(default_factory=list)
    fields: list[str] = field(default_factory=list)  # empty = every field
    scope: str = "all"  # all | inbox | feeds
    dead: bool | None = None  # dead:yes / dead:no: the link's recorded health
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
        return bool(self.tiers or self.statuses or self.topics or self.guides or self.tags
                    or self.dead is not None)

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
def fold_token(token: str) -> str:
    return _fold(token) if not token.isascii() else token.lower()


def tokens(text: str) -> list[str]:
    """The searchable words of ``text``, folded."""
    return [fold_token(m.group()) for m in WORD.finditer(text)]


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
        # The last word is a prefix, in the app as in the shell ("kv cach"), unless the
        # input ends after it: a space, a closing quote, or punctuation such as the ++ of c++.
        prefix = (
            last and ends_open and not (phrase and closed) and bool(WORD.search(body_text[-1:]))
        )
        # FTS5 sees the words only, so stray quotes inside a word cannot unbalance it.
        term = Term(text=" ".join(WORD.findall(body_text)), tokens=tuple(words), prefix=prefix,
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
    elif key == "tag":  # stored tags are lower case, spaces as hyphens
        query.tags += ["-".join(p.lower().split()) for p in value.split(",") if p.strip()]
    elif key == "dead":
        answer = {"yes": True, "y": True, "true": True, "1": True,
                  "no": False, "n": False, "false": False, "0": False}.get(value.lower())
        if answer is not None:
            query.dead = answer
        elif not typing:
            query.problems.append(f"dead:{value} is not yes or no; use dead:yes or dead:no")
            query.invalid = True
    elif key == "in":
        for part in filter(None, (p.strip().lower() for p in value.split(","))):
            if part in _FIELD_ALIASES:
                if _FIELD_ALIASES[part] not in query.fields:
                    query.fields.append(_FIELD_ALIASES[part])
            elif part in _SCOPES:
                query.scope = _SCOPES[part]
            elif len(targets := _unique_prefix(part)) == 1:
                if targets[0] in _SCOPES.values():
                    query.scope = targets[0]
                elif targets[0] not in query.fields:
                    query.fields.append(targets[0])
            elif targets and not typing:
                names = [f"in:{_SHOWN.get(t, t)}" for t in targets]
                query.problems.append(
                    f"in:{part} is ambiguous: {', '.join(names[:-1])} or {names[-1]}; "
                    "type more letters"
                )
                query.invalid = True
            elif not typing:
                query.problems.append(
                    f"in:{part} is unknown; use in:title, in:author, in:description, "
                    "in:notes, in:article, in:inbox or in:feeds"
                )
                query.invalid = True


def _unique_prefix(part: str) -> list[str]:
    """What an abbreviated in: value (``in:no``) stands for."""
    names = {**_FIELD_ALIASES, **_SCOPES}
    return sorted({target for name, target in names.items() if name.startswith(part)})


def sentence(problem: str) -> str:
    """A problem as a sentence: a capital and a full stop, but a filter as typed
    (``status:later``, ``in:a``) keeps its case."""
    first = problem.split(" ", 1)[0]
    if ":" not in first:
        problem = problem[:1].upper() + problem[1:]
    return problem if problem.endswith(".") else problem + "."
