"""What the link checks keep (LINK-2, LINK-4).

- LinkFinding: a broken (断链) or wrong (错链) link on a published page, with the editor who placed
  it (the page's resource's creator, or the editor who placed it in the column), so that the
  dashboard names a person and a back-office page can list one editor's links.
- ExternalLinkStatus: the last answer of an external address (one row per address), so that a
  run checks each address at most once, checks the least recently checked first up to a cap, and
  leaves the rest at their last answer (hosts are not hammered, a run has an end).
- FriendLink: a link in a site's links area (友情链接), proposed by one person and approved by
  another, re-checked on a schedule and flagged or dropped when it cannot be reached or changes
  character (LINK-4; G-Annex §2(三), T-Annex §5(二)).
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class LinkKind(models.TextChoices):
    INTERNAL = "internal", _("link within the site")
    EXTERNAL = "external", _("link to another site")
    FRIEND = "friend", _("friendly link")


class LinkProblem(models.TextChoices):
    BROKEN = "broken", _("broken link")  # 断链
    WRONG = "wrong", _("wrong link")  # 错链: leads somewhere else than it says (a non-government host)


class LinkFinding(models.Model):
    site = models.ForeignKey(
        "sites.Site", on_delete=models.CASCADE, related_name="link_findings", verbose_name=_("site")
    )
    page_path = models.CharField(_("page"), max_length=500)
    url = models.CharField(_("link"), max_length=2000)
    kind = models.CharField(_("kind"), max_length=10, choices=LinkKind.choices)
    problem = models.CharField(_("problem"), max_length=10, choices=LinkProblem.choices)
    detail = models.CharField(_("detail"), max_length=300, blank=True)
    final_url = models.CharField(_("where it leads"), max_length=2000, blank=True)
    resource = models.ForeignKey(
        "resources.Resource", on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("resource"),
    )  # fmt: skip
    responsible = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("placed by"),
    )  # fmt: skip
    first_found_at = models.DateTimeField(_("first found"), default=timezone.now)
    last_found_at = models.DateTimeField(_("last found"), default=timezone.now)

    class Meta:
        verbose_name = _("link problem")
        verbose_name_plural = _("link problems")
        constraints = [models.UniqueConstraint(fields=["site", "kind", "page_path", "url"], name="link_finding_unique")]
        indexes = [
            models.Index(fields=["site", "problem"], name="link_finding_site_problem"),
            models.Index(fields=["responsible", "problem"], name="link_finding_responsible"),
        ]

    def __str__(self):
        return f"{self.page_path} → {self.url}"


class ExternalLinkStatus(models.Model):
    url = models.CharField(max_length=2000)
    url_hash = models.CharField(
        max_length=64, unique=True
    )  # SHA-256 of url: a unique index on 2,000 characters fails on some databases
    host = models.CharField(max_length=255, db_index=True)
    ok = models.BooleanField(default=False)
    status_code = models.IntegerField(null=True, blank=True)
    final_url = models.CharField(max_length=2000, blank=True)
    detail = models.CharField(max_length=300, blank=True)
    failures = models.PositiveIntegerField(default=0)  # failed answers in a row
    checked_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("external link status")
        verbose_name_plural = _("external link statuses")

    def __str__(self):
        return self.url


class FriendLinkState(models.TextChoices):
    PROPOSED = "proposed", _("waiting for approval")
    APPROVED = "approved", _("shown in the links area")
    FLAGGED = "flagged", _("shown, to be looked at")
    DROPPED = "dropped", _("taken out of the links area")
    REFUSED = "refused", _("refused")


# States in which a friend link is on the published site.
SHOWN_STATES = (FriendLinkState.APPROVED, FriendLinkState.FLAGGED)


class FriendLinkCheck(models.TextChoices):
    UNCHECKED = "", _("not checked yet")
    OK = "ok", _("reachable, unchanged")
    UNREACHABLE = "unreachable", _("cannot be reached")
    LEFT_GOVERNMENT = "left_government", _("now leads to a non-government site")
    MOVED = "moved", _("now leads to another site")
    TITLE_CHANGED = "title_changed", _("page title changed")


class FriendLink(models.Model):
    site = models.ForeignKey(
        "sites.Site", on_delete=models.CASCADE, related_name="friend_links", verbose_name=_("site")
    )
    name = models.CharField(_("name shown"), max_length=100)
    url = models.CharField(_("address"), max_length=500)
    sort_order = models.IntegerField(_("order"), default=0)
    state = models.CharField(
        _("state"), max_length=12, choices=FriendLinkState.choices, default=FriendLinkState.PROPOSED
    )
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("proposed by")
    )
    proposed_at = models.DateTimeField(_("proposed at"), default=timezone.now)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("approved by"),
    )  # fmt: skip
    decided_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    # What the linked page was when it was approved: a later check compares with it (LINK-4).
    expected_title = models.CharField(_("page title when approved"), max_length=300, blank=True)
    expected_host = models.CharField(_("host when approved"), max_length=255, blank=True)
    last_check = models.CharField(
        _("last check"), max_length=20, choices=FriendLinkCheck.choices, default=FriendLinkCheck.UNCHECKED, blank=True
    )
    last_checked_at = models.DateTimeField(_("last checked"), null=True, blank=True)
    last_detail = models.CharField(_("what the check found"), max_length=300, blank=True)
    failures = models.PositiveIntegerField(_("failed checks in a row"), default=0)
    seen_title = models.CharField(_("page title at the last check"), max_length=300, blank=True)
    seen_host = models.CharField(_("host at the last check"), max_length=255, blank=True)
    flag_reason = models.CharField(
        _("why it is flagged"), max_length=20, choices=FriendLinkCheck.choices, default="", blank=True
    )

    class Meta:
        verbose_name = _("friendly link")
        verbose_name_plural = _("friendly links")
        ordering = ["site_id", "sort_order", "id"]
        indexes = [models.Index(fields=["site", "state"], name="friend_link_site_state")]

    def __str__(self):
        return self.name

    @property
    def is_shown(self) -> bool:
        return self.state in SHOWN_STATES
