"""The lines of the daily check (OPS-1): one class per rule of the 2019 national indicators and the
platform's own checks, each measuring one number for a site with the offending columns or pages.

A line has a warning level and a veto level (单项否决) on the same number; the state of a
measurement follows from them. A line that cannot be measured (no data yet, the feature is not in
use) says so, and is never reported as passed.

Lines register themselves when their module is imported (monitoring/line_modules.py lists them);
the runner (monitoring/checks.py) measures every registered line for a site and stores the
results (monitoring/models/checks.py).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db.models import TextChoices
from django.utils.translation import gettext_lazy as _


class State(TextChoices):
    OK = "ok", _("passed")
    WARNING = "warning", _("warning")
    VETO = "veto", _("fails the veto line")
    UNKNOWN = "unknown", _("cannot be computed")


# Worst first: a site's overall state is the worst of its lines'.
SEVERITY = {State.VETO: 3, State.WARNING: 2, State.UNKNOWN: 1, State.OK: 0}


@dataclass
class Offender:
    """A column, page, link or letter that makes a line's number: what a person must fix."""

    label: str  # what it is, in words: a column's name, a page's title, a link's address
    url: str = ""  # the public address (or path within the site) where it can be seen
    detail: str = ""  # why it counts, in words: "最近更新 2026-10-02，已 65 天"
    responsible: str = ""  # the person responsible (栏目责任人 with phone, COL-8; the editor who placed a link)
    object_kind: str = ""  # "column", "page", "link", "letter", "resource", "probe": for links in the back office
    object_id: int | None = None

    def as_dict(self) -> dict:
        return {
            "label": self.label,
            "url": self.url,
            "detail": self.detail,
            "responsible": self.responsible,
            "object_kind": self.object_kind,
            "object_id": self.object_id,
        }


@dataclass
class Measurement:
    value: float | None  # None: cannot be computed (then `note` says why)
    offenders: list[Offender] = field(default_factory=list)
    note: str = ""  # in words, for the dashboard: why it cannot be computed, or what was counted


@dataclass
class CheckContext:
    """What every line of one run shares: the day, and a cache lines may fill for each other."""

    today: datetime.date
    now: datetime.datetime
    cache: dict = field(default_factory=dict)


class Line:
    """One rule. Subclasses set the class attributes and implement `measure`."""

    key: str = ""  # stable identifier, stored with results
    label = ""  # the rule named in words (gettext_lazy)
    unit = ""  # the unit of the number, in words: "天", "个栏目", "%"
    warning: float | None = None  # the number at which the line warns (None: no warning level)
    veto: float | None = None  # the number at which the site fails outright (None: not a veto line)
    order: int = 100  # place on the dashboard

    def measure(self, site, context: CheckContext) -> Measurement:
        raise NotImplementedError

    def state_of(self, value: float | None) -> State:
        if value is None:
            return State.UNKNOWN
        if self.veto is not None and value >= self.veto:
            return State.VETO
        if self.warning is not None and value >= self.warning:
            return State.WARNING
        return State.OK

    def margin(self, value: float | None) -> float | None:
        """How far the number is below the next level (warning, then veto); None when past the veto."""
        if value is None:
            return None
        for level in (self.warning, self.veto):
            if level is not None and value < level:
                return level - value
        return None


REGISTRY: dict[str, Line] = {}


def register(line_class: type[Line]) -> type[Line]:
    """Class decorator: one instance of each line, under its key."""
    if not line_class.key:
        raise ValueError(f"{line_class.__name__} has no key")
    REGISTRY[line_class.key] = line_class()
    return line_class


def all_lines() -> list[Line]:
    return sorted(REGISTRY.values(), key=lambda line: (line.order, line.key))
