"""The statistics of a site's letters (INT-2): received, answered, answered on time and the average
working days to answer, per channel and per year and month of receipt.

Computed in one grouped query from the `Letter` rows: the working days a letter took and whether it
was on time were counted with the working-day calendar (workdays.days, through
interaction/letter_deadlines.py) when it was answered. Letters merged into another are not counted
(the letter they joined is).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Count, Q, Sum
from django.db.models.functions import ExtractMonth, ExtractYear

from interaction.models.letters import Letter, LetterStatus


@dataclass
class Tally:
    received: int = 0
    answered: int = 0
    on_time: int = 0
    days: int = 0  # working days taken, summed over the answers that know it
    timed: int = 0  # answers whose working days are known

    def add(self, other: Tally) -> None:
        self.received += other.received
        self.answered += other.answered
        self.on_time += other.on_time
        self.days += other.days
        self.timed += other.timed

    @property
    def average_days(self) -> str:
        return f"{self.days / self.timed:.1f}" if self.timed else "—"

    @property
    def on_time_rate(self) -> str:
        return f"{100 * self.on_time / self.answered:.0f}%" if self.answered else "—"


@dataclass
class Year:
    year: int
    total: Tally = field(default_factory=Tally)
    months: list[tuple[int, Tally]] = field(default_factory=list)  # newest month first


@dataclass
class ChannelStats:
    channel_id: int
    total: Tally = field(default_factory=Tally)
    years: list[Year] = field(default_factory=list)  # newest year first


def site_statistics(site_id: int) -> tuple[dict[int, ChannelStats], list[Year]]:
    """(channel id -> its statistics, the site's totals by year): one query."""
    rows = (
        Letter.objects.filter(channel__site_id=site_id)
        .exclude(status=LetterStatus.MERGED)
        .annotate(y=ExtractYear("received_on"), m=ExtractMonth("received_on"))
        .values("channel_id", "y", "m")
        .annotate(
            received=Count("id"),
            answered=Count("answered_on"),
            on_time=Count("id", filter=Q(answered_on_time=True)),
            days=Sum("answer_working_days"),
            timed=Count("answer_working_days"),
        )
        .order_by("channel_id", "-y", "-m")
    )
    channels: dict[int, ChannelStats] = {}
    site_years: dict[int, Year] = {}
    for row in rows:
        tally = Tally(row["received"], row["answered"], row["on_time"], row["days"] or 0, row["timed"])
        stats = channels.setdefault(row["channel_id"], ChannelStats(row["channel_id"]))
        if not stats.years or stats.years[-1].year != row["y"]:
            stats.years.append(Year(row["y"]))
        year = stats.years[-1]
        year.months.append((row["m"], tally))
        year.total.add(tally)
        stats.total.add(tally)
        site_years.setdefault(row["y"], Year(row["y"])).total.add(tally)
    return channels, [site_years[y] for y in sorted(site_years, reverse=True)]
