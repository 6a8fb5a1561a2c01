"""The benchmark's rows: one measure with a cell per build (before, after) and its peer's cell.

Every figure module returns ``Row``s; run.py prints them. A ratio in a cell is that build's
median over the peer's median (and p95 over p95), so each build is compared with a peer
measured in the same batch on the same machine.
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass, field
from typing import Any

BUILDS = ("before", "after")


@dataclass
class Cell:
    """One build's (or the peer's) samples of a measure, summarised."""

    median: float
    p95: float | None = None
    ratio: float | None = None
    ratio_p95: float | None = None
    samples: int = 0


@dataclass
class Row:
    figure: str
    name: str
    unit: str = ""
    peer: Cell | None = None
    cells: dict[str, Cell] = field(default_factory=dict)
    """Keyed by build name ("before", "after")."""
    target: str = ""
    passed: bool | None = None
    note: str = ""
    size: int | None = None

    @property
    def verdict(self) -> str:
        if self.note.startswith("pending"):
            return "pending"
        return {True: "pass", False: "MISS", None: "-"}[self.passed]

    def as_json(self) -> dict[str, Any]:
        def cell(c: Cell | None) -> dict[str, Any] | None:
            return None if c is None else dict(c.__dict__)

        return {
            "figure": self.figure, "name": self.name, "unit": self.unit, "size": self.size,
            "peer": cell(self.peer), "before": cell(self.cells.get("before")),
            "after": cell(self.cells.get("after")), "target": self.target,
            "verdict": self.verdict, "note": self.note,
        }


def pending(figure: str, name: str, why: str, target: str = "") -> Row:
    """A row for a measure that could not be taken, saying why (the table keeps going)."""
    return Row(figure, name, target=target, note=f"pending: {why}")


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    k = min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))
    return ordered[k]


def cell(values: list[float], *, p95: bool = False, peer: Cell | None = None) -> Cell:
    """Summarise samples; with ``peer``, also the ratios to it."""
    med = statistics.median(values)
    high = percentile(values, 0.95) if p95 else None
    ratio = ratio_p95 = None
    if peer is not None and peer.median:
        ratio = med / peer.median
        if high is not None and peer.p95:
            ratio_p95 = high / peer.p95
    return Cell(med, high, ratio, ratio_p95, len(values))


def label(size: int) -> str:
    return f"{size // 1000}k" if size >= 1000 and size % 1000 == 0 else str(size)


def fmt_value(value: float | None, unit: str) -> str:
    if value is None:
        return ""
    if unit == "s":
        return f"{value:.2f} s"
    if unit == "ms":
        return f"{value:.1f} ms"
    if unit == "x":
        return f"{value:.2f}x"
    if unit == "%":
        return f"{value:.1f}%"
    if unit == "MB":
        return f"{value:.0f} MB"
    return f"{value:g} {unit}".strip()


def fmt_cell(c: Cell | None, unit: str) -> str:
    """``median`` or ``median / p95``, then the ratios to the peer in brackets."""
    if c is None:
        return ""
    if c.p95 is None:
        text = fmt_value(c.median, unit)
    else:
        text = f"{fmt_value(c.median, unit).removesuffix(' ' + unit)} / {fmt_value(c.p95, unit)}"
    if c.ratio is not None:
        ratios = f"{c.ratio:.2f}x"
        if c.ratio_p95 is not None:
            ratios += f" / {c.ratio_p95:.2f}x"
        text += f" ({ratios})"
    return text
