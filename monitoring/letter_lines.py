"""Letters line of the daily check (OPS-1): consultations left unanswered.

The number is the days the oldest unanswered letter handled by the site has waited since it was
received. A letter is unanswered for its writer until the answer has passed review (interaction:
RECEIVED and ANSWERED-awaiting-review are open; published, closed and merged letters are done).
All the site's channels count (咨询, 投诉, 建议, 领导信箱): the 2019 indicators speak of 留言.
A site without any letter channel cannot be measured here (its missing 互动交流 column is the
mandatory-kinds line's business): the line says so and never reports it as passed.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Min
from django.utils.translation import gettext_lazy as _

from interaction.models import Channel, Letter
from interaction.models.letters import OPEN_STATUSES
from monitoring.lines import Line, Measurement, Offender, register


@register
class UnansweredLetters(Line):
    key = "unanswered_letters"
    label = _("Consultations unanswered")
    unit = "天"
    warning = 30
    # "超过3个月未回复": more than three months. Three months taken as 90 days; more than that is
    # 91 days or more (the level is "value >= veto").
    veto = 91
    order = 60

    def measure(self, site, context):
        if not Channel.objects.filter(site=site).exists() and not Letter.objects.filter(site=site).exists():
            return Measurement(None, note="本站没有开设留言渠道，无法计算")
        open_letters = Letter.objects.filter(site=site, status__in=OPEN_STATUSES, received_on__lte=context.today)
        oldest = open_letters.aggregate(oldest=Min("received_on"))["oldest"]
        if oldest is None:
            return Measurement(0, note="没有未答复的留言")
        offenders = []
        # Named: the letters waiting at least the warning level (the number is the oldest's wait).
        waiting = open_letters.filter(received_on__lte=context.today - dt.timedelta(days=self.warning))
        rows = waiting.order_by("received_on", "pk").select_related("channel")
        for letter in rows.only("pk", "tracking_number", "title", "received_on", "channel__name"):
            days = (context.today - letter.received_on).days
            offenders.append(
                Offender(
                    label=f"{letter.tracking_number} {letter.title}",
                    detail=f"{letter.received_on:%Y-%m-%d} 收到，已 {days} 天未答复（{letter.channel.name}）",
                    object_kind="letter",
                    object_id=letter.pk,
                )
            )
        return Measurement((context.today - oldest).days, offenders)

