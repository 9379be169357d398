"""Small server-rendered SVG charts for back-office pages (the monitoring dashboard's trends).

No script and no chart library: the page is complete as the server sends it, prints as it is
shown and passes the Content-Security-Policy. Each chart is an <svg role="img"> with a <title>
and a <desc>; the page puts a text table of the same numbers beside it (a chart alone tells a
screen reader nothing). Colours come from classes (backoffice/static/backoffice/monitoring.css),
and every state is also a word on the page, never colour alone.

All text is escaped here; the result is marked safe for templates.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.utils.html import conditional_escape, escape
from django.utils.safestring import SafeString, mark_safe


@dataclass(frozen=True)
class Point:
    day: datetime.date
    value: float | None  # None: nothing measured that day (no run, or the value cannot be computed)
    state: str = ""  # a class suffix: "ok", "warning", "veto", "unknown"; "" for a day without a run


@dataclass(frozen=True)
class Level:
    """A horizontal line across the chart (a warning or veto level), with its words."""

    value: float
    label: str
    css: str  # class suffix: "warning" or "veto"


def number(value: float | None) -> str:
    """A number as people write it: no ".0" on whole numbers, at most two decimals otherwise."""
    if value is None:
        return "—"
    if float(value).is_integer():
        return str(int(value))
    return f"{value:.2f}".rstrip("0").rstrip(".")


def _nice_top(value: float) -> float:
    """A round upper bound at or above `value` (1, 2, 5 times a power of ten)."""
    if value <= 0:
        return 1.0
    magnitude = 10 ** (len(str(int(value))) - 1) if value >= 1 else 1
    for step in (1, 2, 5, 10):
        if value <= step * magnitude:
            return float(step * magnitude)
    return float(10 * magnitude)


class _Frame:
    """The plotting area and the mapping of days and values to coordinates."""

    def __init__(self, width, height, first, last, top, left=44, right=8, upper=10, lower=22):
        self.width, self.height = width, height
        self.left, self.right, self.upper, self.lower = left, right, upper, lower
        self.first, self.span = first, max((last - first).days, 1)
        self.top = top

    def x(self, day: datetime.date) -> float:
        return self.left + (day - self.first).days * (self.width - self.left - self.right) / self.span

    def y(self, value: float) -> float:
        inner = self.height - self.upper - self.lower
        return self.upper + inner * (1 - min(max(value, 0.0), self.top) / self.top)

    @property
    def bottom(self) -> float:
        return self.height - self.lower


def _text(x, y, content, css, anchor="start") -> str:
    return (
        f'<text x="{x:.1f}" y="{y:.1f}" class="chart-{css}" text-anchor="{anchor}" aria-hidden="true">'
        f"{escape(content)}</text>"
    )


def trend_chart(
    points: list[Point],
    *,
    chart_id: str,
    title: str,
    description: str,
    levels: list[Level] = (),
    width: int = 360,
    height: int = 120,
) -> SafeString:
    """A line over days, broken where nothing was measured, with a dot per day in its state's
    colour and the levels drawn across. `chart_id` makes the ids of <title> and <desc> unique on
    the page."""
    if not points:
        return mark_safe("")
    days = [point.day for point in points]
    values = [point.value for point in points if point.value is not None]
    highest = max([*values, *(level.value for level in levels), 0.0])
    frame = _Frame(width, height, min(days), max(days), _nice_top(highest * 1.1 if highest else 1.0))
    ident = escape(chart_id)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="trend-chart" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" role="img" aria-labelledby="{ident}-title {ident}-desc">',
        f'<title id="{ident}-title">{escape(title)}</title>',
        f'<desc id="{ident}-desc">{escape(description)}</desc>',
        # The axes: zero and the top of the scale, the first and the last day.
        f'<line class="chart-axis" x1="{frame.left}" y1="{frame.bottom}" x2="{width - frame.right}" '
        f'y2="{frame.bottom}"/>',
        _text(frame.left - 4, frame.y(frame.top) + 4, number(frame.top), "tick", "end"),
        _text(frame.left - 4, frame.bottom + 4, "0", "tick", "end"),
        _text(frame.left, height - 6, min(days).strftime("%m-%d"), "tick", "start"),
        _text(width - frame.right, height - 6, max(days).strftime("%m-%d"), "tick", "end"),
    ]
    for level in levels:
        y = frame.y(level.value)
        parts.append(
            f'<line class="chart-level chart-level-{escape(level.css)}" x1="{frame.left}" y1="{y:.1f}" '
            f'x2="{width - frame.right}" y2="{y:.1f}"/>'
        )
        # The highest level's label above its line, the others below theirs: close levels (warning 3,
        # veto 5) would otherwise write one label over the other.
        below = level.value < max(other.value for other in levels)
        parts.append(_text(width - frame.right - 2, y + 10 if below else y - 3, level.label,
                           f"level-label chart-{level.css}", "end"))  # fmt: skip
    # The line, in pieces between days without a value.
    piece: list[str] = []
    for point in [*sorted(points, key=lambda p: p.day), None]:
        if point is not None and point.value is not None:
            piece.append(f"{frame.x(point.day):.1f},{frame.y(point.value):.1f}")
            continue
        if len(piece) > 1:
            parts.append(f'<polyline class="chart-series" points="{" ".join(piece)}"/>')
        piece = []
    for point in points:
        x = frame.x(point.day)
        if point.value is not None:
            parts.append(
                f'<circle class="chart-dot state-{escape(point.state or "none")}" cx="{x:.1f}" '
                f'cy="{frame.y(point.value):.1f}" r="2.5"/>'
            )
        elif point.state:  # a run whose value cannot be computed: a mark below the axis
            parts.append(
                f'<line class="chart-unknown" x1="{x:.1f}" y1="{frame.bottom + 2}" x2="{x:.1f}" '
                f'y2="{frame.bottom + 7}"/>'
            )
    parts.append("</svg>")
    return mark_safe("".join(parts))


def state_strip(
    points: list[Point], *, chart_id: str, title: str, description: str, width: int = 360, height: int = 28
) -> SafeString:
    """One cell per day in the colour of its state (a day without a run stays empty)."""
    if not points:
        return mark_safe("")
    ordered = sorted(points, key=lambda p: p.day)
    first, count = ordered[0].day, (ordered[-1].day - ordered[0].day).days + 1
    cell = width / count
    ident = escape(chart_id)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="state-strip" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" role="img" aria-labelledby="{ident}-title {ident}-desc">',
        f'<title id="{ident}-title">{escape(title)}</title>',
        f'<desc id="{ident}-desc">{escape(description)}</desc>',
    ]
    for point in ordered:
        x = (point.day - first).days * cell
        parts.append(
            f'<rect class="strip-cell state-{escape(point.state or "none")}" x="{x:.1f}" y="0" '
            f'width="{max(cell - 1, 1):.1f}" height="{height}"/>'
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))


def text_table(headers: list[str], rows: list[list]) -> SafeString:
    """The numbers of a chart as a plain table (what a screen reader reads instead of the chart).
    Cells are escaped unless already safe (a state written as a word in its colour)."""
    head = "".join(f'<th scope="col">{conditional_escape(header)}</th>' for header in headers)
    body = "".join("<tr>" + "".join(f"<td>{conditional_escape(cell)}</td>" for cell in row) + "</tr>" for row in rows)
    return mark_safe(f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>")
