"""Reviews, the daily goal, own links and tags in the JSON export, and merging them back.

Each is keyed by normalised URL like the rest of the export, and each carries the time of
its last change so a restore keeps the newest: a card with a later ``updated_at``, a tag row
(added or removed) with a later ``updated_at``, the goal set later. The review log and own
links are added when missing. Running a restore twice changes nothing the second time.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from tuiguide.core.library import store as library
from tuiguide.core.review import store as review
from tuiguide.core.text.urls import normalise_url

if TYPE_CHECKING:
    from tuiguide.core.store.catalogue import Catalogue

CARD_FIELDS = ("state", "step", "stability", "difficulty", "due", "last_review", "reps",
               "lapses", "updated_at")


class BadAddition(ValueError):
    """A malformed part of the file (the restore names the file and writes nothing)."""


def export_additions(catalogue: Catalogue) -> dict[str, Any]:
    """The export's ``own_links``, ``tags``, ``reviews`` and ``goal`` sections."""
    links = []
    seen: set[str] = set()
    for (url, link, title, description, author, created, updated, topic_key, guide_slug,
         tier, removed) in library.own_links(catalogue):
        if url in seen:
            continue  # the live placement comes first
        seen.add(url)
        links.append({"url": url, "link": link, "title": title, "description": description,
                      "author": author, "created_at": created, "updated_at": updated,
                      "guide": guide_slug, "topic": topic_key, "tier": tier,
                      "removed": bool(removed)})
    return {
        "own_links": links,
        "tags": [{"url": url, "name": name, "updated_at": at, "removed_at": gone}
                 for url, name, at, gone in library.all_tags(catalogue)],
        "reviews": {
            "cards": [{"url": row[0], **dict(zip(CARD_FIELDS, row[1:], strict=True))}
                      for row in review.all_cards(catalogue)],
            "log": [{"url": url, "rating": rating, "at": at, "due": due}
                    for url, rating, at, due in review.all_reviews(catalogue)],
        },
        "goal": {"value": review.goal(catalogue),
                 "updated_at": catalogue.get_state(review.GOAL_KEY + "_at")},
    }


@dataclass
class AdditionsReport:
    links: int = 0
    tags: int = 0
    cards: int = 0
    reviews: int = 0
    goal: bool = False

    @property
    def changed(self) -> bool:
        return bool(self.links or self.tags or self.cards or self.reviews or self.goal)


def _list(data: dict[str, Any], key: str) -> list[dict[str, Any]]:
    value = data.get(key, [])
    if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
        raise BadAddition(f'"{key}" must be a list of objects')
    return value


def _str(obj: dict[str, Any], key: str, where: str) -> str:
    value = obj.get(key)
    if not isinstance(value, str) or not value:
        raise BadAddition(f"{where}: {key} must be text")
    return value


def check_additions(data: dict[str, Any]) -> dict[str, Any]:
    """Check the sections (before anything is written); the same data, or BadAddition."""
    for i, link in enumerate(_list(data, "own_links")):
        _str(link, "url", f"own link {i + 1}")
        _str(link, "title", f"own link {i + 1}")
        _str(link, "updated_at", f"own link {i + 1}")
    for i, tag in enumerate(_list(data, "tags")):
        _str(tag, "url", f"tag {i + 1}")
        _str(tag, "name", f"tag {i + 1}")
        _str(tag, "updated_at", f"tag {i + 1}")
    reviews = data.get("reviews", {})
    if not isinstance(reviews, dict):
        raise BadAddition('"reviews" must be an object')
    for i, card in enumerate(_list(reviews, "cards")):
        for key in ("url", "due", "updated_at"):
            _str(card, key, f"review card {i + 1}")
        if not isinstance(card.get("state"), int):
            raise BadAddition(f"review card {i + 1}: state must be a number")
    for i, entry in enumerate(_list(reviews, "log")):
        _str(entry, "url", f"review {i + 1}")
        _str(entry, "at", f"review {i + 1}")
        if entry.get("rating") not in (1, 2, 3, 4):
            raise BadAddition(f"review {i + 1}: rating must be 1, 2, 3 or 4")
    goal = data.get("goal")
    if goal is not None and (not isinstance(goal, dict)
                             or not isinstance(goal.get("value", 0), int)):
        raise BadAddition('"goal" must be an object with a number "value"')
    return data


def merge_own_links(catalogue: Catalogue, data: dict[str, Any], report: AdditionsReport
                    ) -> None:
    """Place own links the catalogue lacks (before the resources are merged, which would
    otherwise create them in no topic); newer text wins. Joins the restore's transaction."""
    from tuiguide.core.store import writes

    for link in data.get("own_links", []):
        url = normalise_url(link["url"])
        here = library.resource_by_url(catalogue, url)
        description = link.get("description") or ""
        if here is None:
            topic = library.topic_by_key(catalogue, link.get("guide"), link.get("topic"))
            if topic is None or link.get("removed"):
                continue  # its guide is not here (or the user removed it): nothing to place
            tier = link.get("tier") if isinstance(link.get("tier"), int) else None
            writes.place_resource(catalogue, writes.NewResource(
                url=url, link=link.get("link") or url, title=link["title"],
                author=link.get("author"), description=description, origin=library.USER),
                topic, tier)
            report.links += 1
        elif library.update_own_link(catalogue, here, link["title"], description,
                                     link["updated_at"]):
            report.links += 1


def merge_additions(catalogue: Catalogue, data: dict[str, Any], report: AdditionsReport
                    ) -> None:
    """Merge tags, review cards and log, and the goal (after the resources, so that every
    URL they name is here). Joins the restore's transaction."""
    ids: dict[str, int | None] = {}

    def rid(url: str) -> int | None:
        key = normalise_url(url)
        if key not in ids:
            ids[key] = library.resource_by_url(catalogue, key)
        return ids[key]

    for tag in data.get("tags", []):
        here = rid(tag["url"])
        if here is not None and library.merge_tag(catalogue, here, library.tag_name(tag["name"]),
                                                  tag["updated_at"], tag.get("removed_at")):
            report.tags += 1
    reviews = data.get("reviews", {})
    for card in reviews.get("cards", []):
        here = rid(card["url"])
        if here is not None and review.merge_card(catalogue, here, card):
            report.cards += 1
    for entry in reviews.get("log", []):
        here = rid(entry["url"])
        if here is not None and review.merge_review(catalogue, here, entry["rating"],
                                                    entry["at"], entry.get("due")):
            report.reviews += 1
    goal = data.get("goal") or {}
    theirs = goal.get("updated_at")
    ours = catalogue.get_state(review.GOAL_KEY + "_at")
    if isinstance(theirs, str) and (ours is None or theirs > str(ours)):
        catalogue.set_state(review.GOAL_KEY, max(int(goal.get("value") or 0), 0))
        catalogue.set_state(review.GOAL_KEY + "_at", theirs)
        report.goal = True
