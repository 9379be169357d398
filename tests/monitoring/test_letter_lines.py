"""OPS-1: consultations unanswered (warning 30 days, veto more than 3 months), from the letters."""

import itertools

import pytest

from interaction.models import Channel, ChannelKind, Letter, LetterStatus
from monitoring.checks import context_for
from monitoring.lines import REGISTRY, State
from tests.factories import SiteFactory
from tests.monitoring.content_data import TODAY, column, days_ago

pytestmark = pytest.mark.django_db
NUMBERS = itertools.count(1)


def channel(site):
    return Channel.objects.create(
        site=site, column=column(site, "咨询投诉", "咨询投诉"), name="咨询", kind=ChannelKind.CONSULTATION
    )


def letter(ch, age, status=LetterStatus.RECEIVED):
    return Letter.objects.create(
        channel=ch, site=ch.site, tracking_number=f"T{next(NUMBERS):08d}", query_code_hash="x",
        title="咨询办事时间", body="请问办事时间。", received_on=days_ago(age), status=status,
    )  # fmt: skip


def measure(site):
    line = REGISTRY["unanswered_letters"]
    measurement = line.measure(site, context_for(TODAY))
    return measurement, line.state_of(measurement.value)


@pytest.mark.parametrize(
    "age,state",
    [(29, State.OK), (30, State.WARNING), (31, State.WARNING),
     (90, State.WARNING), (91, State.VETO), (92, State.VETO)],
)  # fmt: skip
def test_unanswered_letters_around_both_levels(age, state):  # OPS-1
    site = SiteFactory()
    ch = channel(site)
    letter(ch, age)
    letter(ch, 2)
    measurement, got = measure(site)
    assert (measurement.value, got) == (age, state)
    assert len(measurement.offenders) == (1 if age >= 30 else 0)


def test_answered_letters_do_not_count_until_the_answer_passed_review():  # OPS-1
    site = SiteFactory()
    ch = channel(site)
    letter(ch, 200, LetterStatus.PUBLISHED)
    letter(ch, 150, LetterStatus.CLOSED)
    letter(ch, 120, LetterStatus.MERGED)
    letter(ch, 40, LetterStatus.ANSWERED)  # answered, awaiting review: the writer has no answer yet
    measurement, state = measure(site)
    assert (measurement.value, state) == (40, State.WARNING)
    assert "40 天未答复" in measurement.offenders[0].detail


def test_no_open_letter_passes():  # OPS-1
    site = SiteFactory()
    letter(channel(site), 100, LetterStatus.PUBLISHED)
    assert measure(site) == (measure(site)[0], State.OK)
    assert measure(site)[0].value == 0


def test_a_site_without_letter_channels_cannot_be_computed():  # OPS-1: never "passed"
    measurement, state = measure(SiteFactory())
    assert measurement.value is None and state == State.UNKNOWN and "留言渠道" in measurement.note


def test_letters_of_another_site_do_not_count():  # OPS-1
    site, other = SiteFactory(), SiteFactory()
    channel(site)
    letter(channel(other), 200)
    assert measure(site)[0].value == 0
