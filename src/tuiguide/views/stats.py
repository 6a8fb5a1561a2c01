"""Rich renderables for :class:`~tuiguide.core.study.stats.Stats`: bars, tables, sparkline, heatmap.

Shared by ``tuiguide stats`` and the stats screen so both show the same thing. Built from
``rich.text.Text`` only (titles are outside text: cleaned, never parsed as markup).
"""

from __future__ import annotations

from datetime import date, timedelta

from rich.console import Console, ConsoleOptions, Group, RenderableType, RenderResult
from rich.measure import Measurement
from rich.table import Table
from rich.text import Text

from tuiguide.core.models import Counts
from tuiguide.core.study.stats import Stats
from tuiguide.core.text.sanitize import clean_text

BAR_WIDTH = 24
_EIGHTHS = " ▏▎▍▌▋▊▉"
_SPARKS = "▁▂▃▄▅▆▇█"
HEAT_COLOURS = ("#2e7d32", "#43a047", "#66bb6a", "#b9f6ca")  # 1, 2-3, 4-5, 6+ a day
DAY_LABELS = ("Mon", "", "Wed", "", "Fri", "", "Sun")
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def bar(done: int, total: int, width: int = BAR_WIDTH) -> Text:
    """A progress bar in eighth-blocks: ``done`` of ``total`` over ``width`` cells."""
    eighths = round(8 * width * done / total) if total else 0
    full, part = divmod(min(eighths, 8 * width), 8)
    text = Text("█" * full, style="green")
    if part:
        text.append(_EIGHTHS[part], style="green on grey23")
    text.append(" " * (width - full - (1 if part else 0)), style="on grey23")
    return text


def format_weeks(weeks: float | None) -> str:
    if weeks is None:
        return "—"
    if weeks == 0:
        return "finished"
    if weeks < 1:
        return f"{max(1, round(weeks * 7))} d"
    return f"{weeks:.1f} wk"


def _counts_row(counts: Counts) -> tuple[Text, str, str]:
    return (
        bar(counts.done, counts.total),
        f"{counts.done}/{counts.total}",
        f"{counts.percent:.0f}%",
    )


def tier_label(tier: int | None) -> str:
    return f"Tier {tier}" if tier is not None else "Untiered"


def progress_table(stats: Stats) -> Table:
    """Overall and per-tier progress with what is left and the time it takes at this pace."""
    table = Table(box=None, pad_edge=False, show_header=True, header_style="bold")
    table.add_column("Progress", no_wrap=True)
    table.add_column("", no_wrap=True)
    table.add_column("Done", justify="right", no_wrap=True)
    table.add_column("", justify="right", no_wrap=True)
    table.add_column("Left", justify="right", no_wrap=True)
    table.add_column("Skipped", justify="right", no_wrap=True)
    table.add_column("ETA", justify="right", no_wrap=True)
    o = stats.overall
    table.add_row(
        Text("Overall", style="bold"), *_counts_row(o), str(o.todo + o.reading), str(o.skipped),
        format_weeks(stats.overall_eta_weeks),
    )
    for tier, c in stats.tiers.items():
        table.add_row(
            tier_label(tier), *_counts_row(c), str(c.todo + c.reading), str(c.skipped),
            format_weeks(stats.eta_weeks.get(tier)),
        )
    return table


def topics_table(stats: Stats) -> Table:
    """One bar per topic, in guide order."""
    guides = {t.guide for t in stats.topics}
    table = Table(box=None, pad_edge=False, show_header=True, header_style="bold")
    # Wrappable column of no-wrap cells: on a narrow screen the titles are cut, not the bars.
    table.add_column("Topic", overflow="ellipsis", max_width=48)
    table.add_column("", no_wrap=True)
    table.add_column("Done", justify="right", no_wrap=True)
    table.add_column("", justify="right", no_wrap=True)
    for t in stats.topics:
        label = clean_text(t.label)
        if len(guides) > 1:
            label = f"{clean_text(t.guide, limit=20)} › {label}"
        table.add_row(Text(label, no_wrap=True, overflow="ellipsis"), *_counts_row(t.counts))
    return table


def sparkline(values: list[int]) -> Text:
    """One cell per value, two columns wide so it lines up with the heatmap's weeks."""
    top = max(values, default=0)
    text = Text()
    for v in values:
        if v == 0 or top == 0:
            text.append("▁ ", style="grey35")
        else:
            text.append(_SPARKS[min(7, round(7 * v / top))] + " ", style="green")
    return text


def _heat_style(n: int) -> str:
    if n <= 0:
        return "grey35"
    level = 0 if n == 1 else 1 if n <= 3 else 2 if n <= 5 else 3
    return HEAT_COLOURS[level]


def _month_ruler(starts: list[date]) -> Text:
    ruler = [" "] * (2 * len(starts))
    last_month = None
    next_free = 0
    for i, start in enumerate(starts):
        month_day = start + timedelta(days=6)  # a week belongs to the month it ends in
        if month_day.month != last_month and 2 * i >= next_free:
            name = MONTHS[month_day.month - 1]
            for j, ch in enumerate(name):
                if 2 * i + j < len(ruler):
                    ruler[2 * i + j] = ch
            next_free = 2 * i + len(name) + 1
        last_month = month_day.month
    return Text("    " + "".join(ruler).rstrip(), style="dim")


def heatmap(stats: Stats) -> Text:
    """GitHub-style grid: a column per week (oldest left), a row per weekday."""
    starts = [w.start for w in stats.weeks]
    text = Text()
    for weekday in range(7):
        if weekday:
            text.append("\n")
        text.append(f"{DAY_LABELS[weekday]:<4}", style="dim")
        for start in starts:
            day = start + timedelta(days=weekday)
            if day > stats.today:
                text.append("  ")
                continue
            n = stats.days.get(day, 0) + stats.reviews.get(day, 0)  # finished and reviewed
            text.append("■ " if n else "· ", style=_heat_style(n))
    return text


def activity(stats: Stats) -> Group:
    """Months, then finished per week as a sparkline, then the day-by-day heatmap."""
    counts = [w.finished for w in stats.weeks]
    head = Text.assemble(
        ("Finished per week", "bold"),
        f"  last {len(counts)} weeks: {sum(counts)} · best week {max(counts, default=0)}",
    )
    ruler = _month_ruler([w.start for w in stats.weeks])
    line = Text("wk  ", style="dim") + sparkline(counts)
    return Group(head, ruler, line, heatmap(stats))


def format_pace(pace: float) -> str:
    return f"{pace:.1f}" if pace >= 10 else f"{pace:.2f}".rstrip("0").rstrip(".")


class Pieces:
    """Short texts on one line, ``gap`` apart, going to the next line between two pieces
    (never inside one) when the width runs out."""

    def __init__(self, pieces: list[Text], gap: str = "   ") -> None:
        self.pieces = pieces
        self.gap = gap

    def lines(self, width: int) -> list[Text]:
        lines = [Text()]
        for piece in self.pieces:
            line = lines[-1]
            if line.cell_len and line.cell_len + len(self.gap) + piece.cell_len > width:
                line = Text()
                lines.append(line)
            if line.cell_len:
                line.append(self.gap)
            line.append_text(piece)
        return lines

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        yield from self.lines(options.max_width)

    def __rich_measure__(self, console: Console, options: ConsoleOptions) -> Measurement:
        widest = max((piece.cell_len for piece in self.pieces), default=0)
        whole = self.lines(10**6)[0].cell_len
        return Measurement(min(widest, options.max_width), min(whole, options.max_width))

    @property
    def plain(self) -> str:
        return self.gap.join(piece.plain for piece in self.pieces)


def summary_line(stats: Stats) -> Pieces:
    days = "day" if stats.streak == 1 else "days"
    return Pieces([
        Text.assemble(("Streak ", "bold"), f"{stats.streak} {days}"),
        Text.assemble(("Pace ", "bold"), f"{format_pace(stats.pace)}/week (last 4 weeks)"),
        Text.assemble(("Finished ", "bold"), str(stats.finished_total)),
        *review_pieces(stats),
        Text(f"as of {stats.today.isoformat()}", style="dim"),
    ])


def review_pieces(stats: Stats) -> list[Text]:
    """Reviews, retention, what is due in the week, the daily goal (once there are any)."""
    pieces: list[Text] = []
    if stats.goal:
        today = stats.days.get(stats.today, 0) + stats.reviews.get(stats.today, 0)
        pieces.append(Text.assemble(("Goal ", "bold"), f"{today}/{stats.goal} today"))
    if stats.reviews_total:
        week = sum(n for d, n in stats.reviews.items() if (stats.today - d).days < 7)
        pieces.append(Text.assemble(("Reviews ", "bold"),
                                    f"{stats.reviews_total} ({week} this week)"))
        if stats.retention is not None:
            pieces.append(Text.assemble(("Retention ", "bold"), f"{100 * stats.retention:.0f}%"))
    if stats.reviews_total or stats.due_next_week:
        pieces.append(Text.assemble(("Due in 7 days ", "bold"), str(stats.due_next_week)))
    return pieces


def render_stats(stats: Stats) -> RenderableType:
    return Group(
        summary_line(stats),
        Text(),
        progress_table(stats),
        Text(),
        activity(stats),
        Text(),
        topics_table(stats),
    )
