"""The benchmark's output: the machine it ran on, and the rows as a table or markdown."""

from __future__ import annotations

import datetime as dt
import os
import platform
from pathlib import Path
from typing import Any

from common import Row, fmt_cell

HEADER = ["figure", "measure", "peer", "before", "after", "target", "verdict", "note"]


def machine(builds: list[Any]) -> dict[str, Any]:
    cpu = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    try:
        load = os.getloadavg()
    except OSError:
        load = (0.0, 0.0, 0.0)
    return {
        "date": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "cpu": cpu or platform.processor(),
        "cores": os.cpu_count(),
        "load_average_at_start": [round(x, 2) for x in load],
        "platform": platform.platform(),
        "builds": {b.name: {"python": str(b.python), **b.info} for b in builds},
    }


def _lines(rows: list[Row]) -> list[list[str]]:
    return [
        [r.figure, r.name, fmt_cell(r.peer, r.unit), fmt_cell(r.cells.get("before"), r.unit),
         fmt_cell(r.cells.get("after"), r.unit), r.target, r.verdict, r.note]
        for r in rows
    ]


def _builds_line(info: dict[str, Any]) -> str:
    parts = []
    for name, b in info["builds"].items():
        parts.append(f"{name}: {b['layout']} layout, schema {b['schema']}, Python {b['python']}, "
                     f"SQLite {b['sqlite']}, Textual {b['textual']} ({b['package']})")
    return "; ".join(parts)


def print_table(rows: list[Row], info: dict[str, Any]) -> None:
    lines = [HEADER, *_lines(rows)]
    widths = [max(len(line[i]) for line in lines) for i in range(len(HEADER) - 1)]
    print(f"tuiguide benchmark - {info['date']} - {info['cpu']} ({info['cores']} cores), "
          f"load {info['load_average_at_start']}")
    print(_builds_line(info))
    print("cells: median [/ p95] (ratio to the peer: median [/ p95])")
    for line in lines:
        print("  ".join(c.ljust(w) for c, w in zip(line, widths, strict=False)) + "  " + line[-1])


def markdown(rows: list[Row], info: dict[str, Any]) -> str:
    out = [
        f"Measured {info['date']} on {info['cpu']} ({info['cores']} cores, load average "
        f"{info['load_average_at_start']} at start). {_builds_line(info)}.",
        "",
        "| " + " | ".join(HEADER) + " |",
        "|" + "---|" * len(HEADER),
    ]
    for line in _lines(rows):
        out.append("| " + " | ".join(c.replace("|", "\\|") for c in line) + " |")
    return "\n".join(out) + "\n"
