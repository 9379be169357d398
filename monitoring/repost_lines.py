"""The daily check's line of reposts within 12 hours (PUB-6, OPS-1): offers to the site missed in
the last 30 days.

Levels. The 12-hour duty is the guideline's (G §8(四)1, T art.16(二)), but the 2019 national
indicators do not make it a 单项否决 line: a missed repost costs points, it does not fail the site.
So this line has no veto level. It warns from the first missed offer (warning 1): every missed
offer is a breach of the duty that someone must explain, and the platform has no reason to wait
for more. A site that receives no offers (a top portal) counts 0 and passes: it has no duty.

Missed: the deadline (offered + 12 h) has passed and the item was neither shown on the site nor
declined by then (monitoring.reposts.missed_q); counted by the deadline's time, so an offer
enters the window when it is missed and leaves it 30 days later.
"""

from __future__ import annotations

import datetime

from django.db.models import Exists, F, OuterRef
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from editorial.models import Placement, PlacementStatus
from monitoring.lines import CheckContext, Line, Measurement, Offender, register
from monitoring.reposts import missed_q, shown_at_field  # also registers the offers' policies

WINDOW_DAYS = 30


def missed_offers(site, now: datetime.datetime):
    """The site's offers missed with a deadline in the last WINDOW_DAYS days before `now`. An open
    offer the periodic task has not yet brought up to date counts as reposted when a placement of
    the item on the site was shown by the deadline."""
    from monitoring.models import RepostOffer

    shown_in_time = (
        Placement.objects.filter(resource_id=OuterRef("item__resource_id"), site_id=site.pk, status=PlacementStatus.ACTIVE)
        .annotate(shown_at=shown_at_field())
        .filter(shown_at__lte=OuterRef("deadline"))
    )
    return (
        RepostOffer.objects.filter(site=site, deadline__gte=now - datetime.timedelta(days=WINDOW_DAYS))
        .filter(missed_q(now))
        .exclude(Exists(shown_in_time))
        .select_related("item__resource", "item__portal")
        .order_by(F("deadline").desc(), "id")
    )


@register
class MissedReposts(Line):
    key = "reposts_missed"
    label = _("Important items not reposted within 12 hours (last 30 days)")
    unit = _("items")
    warning = 1
    veto = None  # not a 单项否决 line of the 2019 indicators: see the module's docstring
    order = 90

    def measure(self, site, context: CheckContext) -> Measurement:
        missed = list(missed_offers(site, context.now))
        offenders = [
            Offender(
                label=offer.item.resource.title,
                detail=_("from %(portal)s, due %(deadline)s, %(state)s")
                % {
                    "portal": offer.item.portal.name,
                    "deadline": timezone.localtime(offer.deadline).strftime("%Y-%m-%d %H:%M"),
                    "state": offer.get_status_display(),
                },
                object_kind="repost_offer",
                object_id=offer.pk,
            )
            for offer in missed
        ]
        return Measurement(value=float(len(missed)), offenders=offenders)
