"""Plain records the core hands to the UI and the CLI (no database handles inside)."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

STATUSES = ("todo", "reading", "done", "skipped")
STATUS_CYCLE = {"todo": "reading", "reading": "done", "done": "todo", "skipped": "todo"}
TIERS = (1, 2, 3)


@dataclass(frozen=True)
class Guide:
    id: int
    slug: str
    title: str
    description: str
    source: str | None
    imported_at: str


@dataclass
class Counts:
    """Placement counts by status; ``total`` leaves skipped items out (they are not owed)."""

    todo: int = 0
    reading: int = 0
    done: int = 0
    skipped: int = 0

    def add(self, status: str, n: int) -> None:
        setattr(self, status, getattr(self, status) + n)

    @property
    def total(self) -> int:
        return self.todo + self.reading + self.done

    @property
    def all(self) -> int:
        return self.total + self.skipped

    @property
    def percent(self) -> float:
        return 100.0 * self.done / self.total if self.total else 0.0

    def as_dict(self) -> dict[str, int | float]:
        return {**asdict(self), "total": self.total, "percent": round(self.percent, 1)}


@dataclass
class Topic:
    id: int
    guide_id: int
    parent_id: int | None
    number: str | None
    title: str
    position: int
    # tier (None = untiered) -> Counts
    by_tier: dict[int | None, Counts] = field(default_factory=dict)

    @property
    def label(self) -> str:
        return f"{self.number}. {self.title}" if self.number else self.title

    def counts(self, tier: int | None = None) -> Counts:
        """Counts for one tier, or over every tier (untiered included) when ``tier`` is None."""
        if tier is not None:
            return self.by_tier.get(tier, Counts())
        out = Counts()
        for c in self.by_tier.values():
            for status in STATUSES:
                out.add(status, getattr(c, status))
        return out


@dataclass(frozen=True)
class Item:
    """One resource as placed in one topic (a resource can sit in several topics)."""

    id: int
    placement_id: int | None
    title: str
    url: str
    link: str
    author: str | None
    description: str
    guide_id: int | None
    guide: str | None
    topic_id: int | None
    topic: str | None
    topic_number: str | None
    section: str | None
    tier: int | None
    status: str
    status_at: str | None
    origin: str
    note: str
    note_updated_at: str | None
    removed: bool = False
    tags: tuple[str, ...] = ()

    def as_json(self) -> dict[str, object]:
        return {
            "id": self.id,
            "title": self.title,
            "url": self.link,
            "author": self.author,
            "description": self.description,
            "guide": self.guide,
            "topic": self.topic,
            "topic_number": self.topic_number,
            "tier": self.tier,
            "status": self.status,
            "status_at": self.status_at,
            "note": self.note,
            "tags": list(self.tags),
        }


@dataclass(frozen=True)
class Placement:
    """Where one resource sits: a topic (and section), a tier, a position in the topic."""

    id: int
    resource_id: int
    topic_id: int
    section_id: int | None
    tier: int | None
    position: int


@dataclass
class ImportReport:
    guide_id: int
    guide: str
    added: int = 0
    changed: int = 0
    removed: int = 0
    unchanged: int = 0
    topics: int = 0
    placements: int = 0
    resources: int = 0
    warnings: list[str] = field(default_factory=list)

    @property
    def summary(self) -> str:
        return f"+{self.added} ~{self.changed} -{self.removed}"


@dataclass(frozen=True)
class Event:
    """One entry of the activity log (a status change, a note edit, a filing, ...);
    ``undone_at`` is when undo took it back (None: it stands)."""

    id: int
    at: str  # UTC, YYYY-MM-DDTHH:MM:SSZ
    resource_id: int | None
    url: str | None
    title: str | None
    kind: str  # 'status' | 'note' (other helpers may add kinds)
    value: str | None
    previous: str | None
    undone_at: str | None = None

    @property
    def summary(self) -> str:
        """What happened, in a few words (the title is shown beside it)."""
        return f"{self.change} (undone)" if self.undone_at else self.change

    @property
    def change(self) -> str:
        if self.kind == "status":
            return f"{self.previous or 'todo'} → {self.value}"
        if self.kind == "note":
            return "note deleted" if self.value == "delete" else "note edited"
        return f"{self.kind} {self.value or ''}".strip()

    def as_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "at": self.at,
            "resource_id": self.resource_id,
            "url": self.url,
            "title": self.title,
            "kind": self.kind,
            "value": self.value,
            "previous": self.previous,
            "undone_at": self.undone_at,
        }
