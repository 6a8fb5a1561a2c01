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
from tuiguide.core.study.stats import Stats, percent_text
from tuiguide.core.text.sanitize import clean_text

BAR_WIDTH = 24
BAR_MAX = 60
MIN_WEEKS = 13
_SPARKS = "▁▂▃▄▅▆▇█"
HEAT_COLOURS = ("#2e7d32", "#43a047", "#66bb6a", "#b9f6ca")  # 1, 2-3, 4-5, 6+ a day
TRACK_STYLE = "grey42"
DAY_LABELS = ("Mon", "", "Wed", "", "Fri", "", "Sun")
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
TWO_COLUMNS_FROM = 150
"""At this width and more, the topics sit beside the progress and activity, not below."""


def bar(done: int, total: int, width: int = BAR_WIDTH) -> Text:
    """A progress bar in half cells, its empty part drawn as a dim track (a 0% bar shows)."""
    halves = min(round(2 * width * done / total), 2 * width) if total else 0
    full, half = divmod(halves, 2)
    text = Text("━" * full, style="green")
    if half:
        text.append("╸", style="green")
        text.append("╺", style=TRACK_STYLE)
    text.append("━" * (width - full - 2 * half), style=TRACK_STYLE)
    return text


def format_weeks(weeks: float | None) -> str:
    """An ETA as a person says it: ``5 days``, ``3 weeks``, ``4 months``, ``2 years``
    (a dash until there is a pace to go by)."""
    if weeks is None:
        return "—"
    if weeks == 0:
        return "finished"
    days = weeks * 7
    if days < 13.5:
        n = max(1, round(days))
        return f"{n} day{'s' if n != 1 else ''}"
    if weeks < 8.5:
        return f"{round(weeks)} weeks"
    months = weeks * 7 / 30.44
    if months < 23.5:
        return f"{round(months)} months"
    return f"{round(months / 12)} years"


def _counts_row(counts: Counts, width: int = BAR_WIDTH) -> tuple[Text, str, str]:
    return (
        bar(counts.done, counts.total, width),
        f"{counts.done}/{counts.total}",
        percent_text(counts.done, counts.total),
    )


def tier_label(tier: int | None) -> str:
    return f"Tier {tier}" if tier is not None else "Untiered"


def progress_table(stats: Stats, bar_width: int = BAR_WIDTH) -> Table:
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
        Text("Overall", style="bold"), *_counts_row(o, bar_width), str(o.todo + o.reading),
        str(o.skipped),
        format_weeks(stats.overall_eta_weeks),
    )
    for tier, c in stats.tiers.items():
        table.add_row(
            tier_label(tier), *_counts_row(c, bar_width), str(c.todo + c.reading), str(c.skipped),
            format_weeks(stats.eta_weeks.get(tier)),
        )
    return table


def topics_table(stats: Stats, bar_width: int = BAR_WIDTH, label_max: int = 48) -> Table:
    """One bar per topic, in guide order."""
    guides = {t.guide for t in stats.topics}
    table = Table(box=None, pad_edge=False, show_header=True, header_style="bold")
    # Wrappable column of no-wrap cells: on a narrow screen the titles are cut, not the bars.
    table.add_column("Topic", overflow="ellipsis", max_width=label_max)
    table.add_column("", no_wrap=True)
    table.add_column("Done", justify="right", no_wrap=True)
    table.add_column("", justify="right", no_wrap=True)
    for t in stats.topics:
        label = clean_text(t.label)
        if len(guides) > 1:
            label = f"{clean_text(t.guide, limit=20)} › {label}"
        table.add_row(Text(label, no_wrap=True, overflow="ellipsis"), *_counts_row(t.counts, bar_width))
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
            # A name is written whole (past the last week if it must), or not at all.
            ruler.extend(" " * max(0, 2 * i + len(name) - len(ruler)))
            ruler[2 * i:2 * i + len(name)] = name
            next_free = 2 * i + len(name) + 1
        last_month = month_day.month
    return Text("    " + "".join(ruler).rstrip(), style="dim")


def heatmap(stats: Stats, weeks: int | None = None) -> Text:
    """GitHub-style grid: a column per week (oldest left), a row per weekday; the last
    ``weeks`` weeks (all of them when None)."""
    starts = [w.start for w in stats.weeks[-(weeks or len(stats.weeks)):]]
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


def weeks_that_fit(stats: Stats, width: int) -> int:
    """How many of the latest weeks ``width`` cells hold (two cells a week after a 4-cell
    label, and one more for a month name that starts on the last week), never under a
    quarter of a year."""
    return max(MIN_WEEKS, min(len(stats.weeks), (width - 5) // 2))


def activity(stats: Stats, width: int | None = None) -> Group:
    """Months, then finished per week as a sparkline, then the day-by-day heatmap: as many
    of the latest weeks as ``width`` holds (all of them when None)."""
    n = weeks_that_fit(stats, width) if width else len(stats.weeks)
    shown = stats.weeks[-n:]
    counts = [w.finished for w in shown]
    head = Text.assemble(
        ("Finished per week", "bold"),
        f"  last {len(counts)} weeks: {sum(counts)} · best week {max(counts, default=0)}",
    )
    ruler = _month_ruler([w.start for w in shown])
    line = Text("wk  ", style="dim") + sparkline(counts)
    return Group(head, ruler, line, heatmap(stats, n))


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


def _cell(counts: Counts | None) -> Text:
    """A grid cell: ``done/total``, green when complete, yellow when started, dim when not."""
    if counts is None or not counts.all:
        return Text("·", style="dim")
    text = f"{counts.done}/{counts.total}"
    if counts.total and counts.done >= counts.total:
        return Text(text, style="bold green")
    return Text(text, style="yellow" if counts.done or counts.reading else "dim")


def tier_grid(stats: Stats, label_max: int = 48) -> Table:
    """Topic x tier, ``done/total`` per cell (the way roadmap.sh lays out a curriculum):
    the guide is read tier by tier, so this shows where each tier stands in each topic."""
    tiers = [t for t in stats.tiers if t is not None]
    untiered = None in stats.tiers
    guides = {t.guide for t in stats.topics}
    table = Table(box=None, pad_edge=False, show_header=True, header_style="bold", padding=(0, 2))
    table.add_column("Topic × tier", overflow="ellipsis", max_width=label_max)
    for tier in tiers:
        table.add_column(f"Tier {tier}", justify="center", no_wrap=True)
    if untiered:
        table.add_column("Untiered", justify="center", no_wrap=True)
    for t in stats.topics:
        label = clean_text(t.label)
        if len(guides) > 1:
            label = f"{clean_text(t.guide, limit=20)} › {label}"
        cells = [_cell(t.by_tier.get(tier)) for tier in tiers]
        if untiered:
            cells.append(_cell(t.by_tier.get(None)))
        table.add_row(Text(label, no_wrap=True, overflow="ellipsis"), *cells)
    return table


class StatsView:
    """The whole progress view, laid out for the width it is drawn at: bars grow with it,
    and from :data:`TWO_COLUMNS_FROM` cells the topics sit beside the rest."""

    def __init__(self, stats: Stats) -> None:
        self.stats = stats

    def parts(self, width: int) -> RenderableType:
        stats = self.stats
        two = width >= TWO_COLUMNS_FROM
        column = (width - 4) // 2 if two else width
        # Progress: label 8, done 9, % 6, left 5, skipped 8, ETA 10, gaps: ~52 besides the bar.
        progress = progress_table(stats, _clamp(column - 52))
        # Topics: whole names when the column has room (up to 64), done and % about 18.
        label_max = max(24, min(64, column // 2))
        longest = max((len(clean_text(t.label)) for t in stats.topics), default=10)
        topics = topics_table(stats, _clamp(column - min(longest, label_max) - 18), label_max)
        left: list[RenderableType] = [summary_line(stats), Text(), progress, Text(),
                                      activity(stats, column)]
        right: list[RenderableType] = [topics, Text(), tier_grid(stats, label_max)]
        if not two:
            return Group(*left, Text(), *right)
        grid = Table.grid(padding=(0, 4))
        grid.add_column(width=column)
        grid.add_column(width=column)
        grid.add_row(Group(*left), Group(*right))
        return grid

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        yield self.parts(options.max_width)

    def __rich_measure__(self, console: Console, options: ConsoleOptions) -> Measurement:
        return Measurement(min(60, options.max_width), options.max_width)


def _clamp(width: int) -> int:
    return max(12, min(BAR_MAX, width))


def render_stats(stats: Stats) -> RenderableType:
    return StatsView(stats)
