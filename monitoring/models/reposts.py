"""Reposts within 12 hours (PUB-6; G §8(四)1, T art.16(二)): "对上级政府网站和本级政府门户网站发布的
重要政策信息，应在12小时内转载".

A portal marks one of its published items important (ImportantItem); the mark offers it to the
sites that must repost it (RepostOffer, one per target site) with a deadline 12 hours after the
offer. A target site accepts by placing the item in one of its columns through
editorial.placements (a repost, which the target's reviewer then accepts: the offer is fulfilled
when the repost is shown), or declines with a reason. An offer neither reposted nor declined by
its deadline is missed: escalated by the periodic task and counted by the daily check
(monitoring/repost_lines.py).

The mark lives here rather than as a field of resources.Resource: it is a supervision fact with
its own author, time and offers, and the library (a lower layer) need not know about it.
"""

import datetime

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

REPOST_DEADLINE = datetime.timedelta(hours=12)


class ImportantItem(models.Model):
    resource = models.OneToOneField(
        "resources.Resource", on_delete=models.CASCADE, related_name="important_mark", verbose_name=_("item")
    )
    portal = models.ForeignKey(
        "sites.Site", on_delete=models.CASCADE, related_name="important_items", verbose_name=_("portal")
    )
    note = models.TextField(_("note"), blank=True)  # why it matters, for the target sites' editors
    marked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("marked by")
    )
    marked_at = models.DateTimeField(_("marked at"), default=timezone.now)

    class Meta:
        verbose_name = _("important item")
        verbose_name_plural = _("important items")
        ordering = ["-marked_at"]

    def __str__(self):
        return str(self.resource)


class Relation(models.TextChoices):
    """Why the target must repost (G §8(四)1): the portal is its superior government's site, or
    the portal of its own government; or, offered by choice, a portal of the same level."""

    LOWER = "lower", _("lower site")  # the portal is its 上级政府网站
    OWN_GOVERNMENT = "own_government", _("department site of the same government")  # 本级政府门户网站
    PEER = "peer", _("portal of the same level")  # offered by choice: no duty in the guideline


class OfferStatus(models.TextChoices):
    OPEN = "open", _("waiting for the target site")
    PLACED = "placed", _("placed, waiting for the target site's reviewer")
    REPOSTED = "reposted", _("reposted")
    DECLINED = "declined", _("declined")


OPEN_STATUSES = (OfferStatus.OPEN, OfferStatus.PLACED)


class RepostOffer(models.Model):
    item = models.ForeignKey(ImportantItem, on_delete=models.CASCADE, related_name="offers", verbose_name=_("item"))
    site = models.ForeignKey(
        "sites.Site", on_delete=models.CASCADE, related_name="repost_offers", verbose_name=_("target site")
    )
    relation = models.CharField(_("relation"), max_length=20, choices=Relation.choices)
    offered_at = models.DateTimeField(_("offered at"))
    deadline = models.DateTimeField(_("deadline"))  # offered_at + 12 hours; reposted at the deadline is in time
    status = models.CharField(_("status"), max_length=10, choices=OfferStatus.choices, default=OfferStatus.OPEN)
    placement = models.ForeignKey(
        "editorial.Placement",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("placement"),
    )
    reposted_at = models.DateTimeField(_("reposted at"), null=True, blank=True)  # when the repost was shown
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)  # placed or declined
    decline_reason = models.TextField(_("reason for declining"), blank=True)
    escalated_at = models.DateTimeField(_("escalated at"), null=True, blank=True)  # missed, told upward

    class Meta:
        verbose_name = _("repost offer")
        verbose_name_plural = _("repost offers")
        constraints = [models.UniqueConstraint(fields=["item", "site"], name="monitoring_one_offer_per_site")]
        indexes = [models.Index(fields=["site", "deadline"], name="monitoring_offer_site_deadline")]
        ordering = ["deadline", "id"]

    def __str__(self):
        return f"{self.item} → {self.site}"

    def time_left(self, now) -> datetime.timedelta:
        return self.deadline - now

    def is_late(self, now) -> bool:
        """Past the deadline: exactly at the deadline is still in time ("在12小时内")."""
        return now > self.deadline
