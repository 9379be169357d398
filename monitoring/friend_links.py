"""友情链接 (LINK-4): the links area of a site, its approval and its re-checks.

Actions (DESIGN.md: one function each, the policy's check, one transaction, an audit entry, the
publish on commit): an editor or a site administrator proposes a link; a site administrator
other than the proposer approves or refuses it (G-Annex §2(二), T-Annex §5(二): 应经本网站主办或
承办单位负责人审核 — one person does not both ask and approve); a site administrator drops a link,
or confirms one the check flagged (it looked and the link may stay).

The scheduled check (`apply_check`, run by monitoring/friend_link_checks.py) compares what the
address answers with what it was when approved:
- it cannot be reached: flagged (still shown: a site may be down for an hour); dropped after
  DROP_AFTER failed checks in a row (G-Annex §2(三): 及时清除不可访问的链接地址);
- it now leads to a non-government host while it pointed to a government one, or to another
  non-government site: dropped at once (原则上不得链接商业网站; its character changed);
- it leads to another government site, or its page title changed: flagged for a person to look
  at (a portal renames itself; a parked domain keeps its host but changes its title).
A link flagged only for being unreachable is shown normally again once it answers.
Every change of what the links area shows publishes the site again (rare: approvals, drops).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from auditlog import audit
from auditlog.events import AuditEvent
from core import feed, weburl
from monitoring.link_policies import FRIEND_LINKS
from monitoring.models.links import SHOWN_STATES, FriendLink, FriendLinkCheck, FriendLinkState
from sites.policies import CHANGE

DROP_AFTER = 3  # failed daily checks in a row before an unreachable link leaves the links area


def _details(link: FriendLink, **more) -> dict:
    # The state's code: the audit pages name it in the reader's language (backoffice/audit_details.py).
    return {"name": link.name, "url": link.url, "state": link.state, **more}


def _publish_if_shown_changed(link: FriendLink, was_shown: bool) -> None:
    if was_shown != link.is_shown:
        feed.changed(sites=[link.site_id])


def clean_address(url: str) -> str:
    address = weburl.parse(url or "")
    if address is None or address.relative or not address.is_web or not address.host:
        raise ValidationError({"url": _("Give the full web address, beginning with http:// or https://.")})
    return weburl.without_credentials(address)


@transaction.atomic
def propose_friend_link(site, *, name: str, url: str, acting_user, sort_order: int = 0) -> FriendLink:
    link = FriendLink(site=site, name=" ".join((name or "").split()), url=clean_address(url), sort_order=sort_order,
                      proposed_by=acting_user)  # fmt: skip
    FRIEND_LINKS.require(acting_user, "propose", link)
    if not link.name:
        raise ValidationError({"name": _("Give the name of the linked site.")})
    link.expected_host = weburl.parse(link.url).host
    link.full_clean()
    link.save()
    audit.record(AuditEvent.FRIEND_LINK_PROPOSE, actor=acting_user, obj=link, site=site, details=_details(link))
    return link


def _locked(link: FriendLink) -> FriendLink:
    return FriendLink.objects.select_for_update().select_related("site").get(pk=link.pk)


def _require_other_than_proposer(link: FriendLink, user) -> None:
    if user is not None and user.pk == link.proposed_by_id:
        raise PermissionDenied(_("A link is approved by someone other than the person who proposed it."))


@transaction.atomic
def approve_friend_link(link: FriendLink, *, acting_user) -> FriendLink:
    link = _locked(link)
    FRIEND_LINKS.require(acting_user, "approve", link)
    _require_other_than_proposer(link, acting_user)
    if link.state != FriendLinkState.PROPOSED:
        raise ValidationError(_("Only a proposed link can be approved."), code="state")
    link.state = FriendLinkState.APPROVED
    link.decided_by, link.decided_at = acting_user, timezone.now()
    link.save()
    audit.record(AuditEvent.FRIEND_LINK_APPROVE, actor=acting_user, obj=link, site=link.site, details=_details(link))
    _publish_if_shown_changed(link, was_shown=False)
    return link


@transaction.atomic
def refuse_friend_link(link: FriendLink, *, acting_user, reason: str = "") -> FriendLink:
    link = _locked(link)
    FRIEND_LINKS.require(acting_user, "approve", link)
    _require_other_than_proposer(link, acting_user)
    if link.state != FriendLinkState.PROPOSED:
        raise ValidationError(_("Only a proposed link can be refused."), code="state")
    link.state = FriendLinkState.REFUSED
    link.decided_by, link.decided_at = acting_user, timezone.now()
    link.last_detail = reason[:300]
    link.save()
    audit.record(AuditEvent.FRIEND_LINK_REFUSE, actor=acting_user, obj=link, site=link.site,
                 details=_details(link, reason=reason))  # fmt: skip
    return link


@transaction.atomic
def drop_friend_link(link: FriendLink, *, acting_user, reason: str = "") -> FriendLink:
    """Take a link out of the links area (a person's decision, or the check's when acting_user is None)."""
    link = _locked(link)
    FRIEND_LINKS.require(acting_user, CHANGE, link)
    if link.state not in SHOWN_STATES:
        raise ValidationError(_("The link is not in the links area."), code="state")
    link.state = FriendLinkState.DROPPED
    if reason:
        link.last_detail = reason[:300]
    link.save()
    audit.record(AuditEvent.FRIEND_LINK_DROP, actor=acting_user, obj=link, site=link.site,
                 details=_details(link, reason=reason or link.last_detail))  # fmt: skip
    _publish_if_shown_changed(link, was_shown=True)
    return link


@transaction.atomic
def confirm_friend_link(link: FriendLink, *, acting_user) -> FriendLink:
    """A flagged link was looked at and stays: what it is now becomes what later checks compare with."""
    link = _locked(link)
    FRIEND_LINKS.require(acting_user, "approve", link)
    _require_other_than_proposer(link, acting_user)
    if link.state != FriendLinkState.FLAGGED:
        raise ValidationError(_("Only a flagged link can be confirmed."), code="state")
    link.state = FriendLinkState.APPROVED
    link.decided_by, link.decided_at = acting_user, timezone.now()
    if link.seen_title:
        link.expected_title = link.seen_title
    if link.seen_host:
        link.expected_host = link.seen_host
    link.flag_reason = ""
    link.save()
    audit.record(AuditEvent.FRIEND_LINK_CONFIRM, actor=acting_user, obj=link, site=link.site, details=_details(link))
    return link


@dataclass
class Fetched:
    """What an address answered (monitoring/friend_link_checks.py fetches it)."""

    reachable: bool
    final_url: str = ""
    title: str = ""
    detail: str = ""  # in words, when it could not be reached


def same_title(one: str, other: str) -> bool:
    return " ".join(one.split()) == " ".join(other.split())


def verdict(link: FriendLink, fetched: Fetched) -> tuple[str, str]:
    """(FriendLinkCheck, words) of one answer, compared with the link as approved."""
    if not fetched.reachable:
        return FriendLinkCheck.UNREACHABLE, fetched.detail or "无法打开"
    final_host = weburl.parse(fetched.final_url).host if weburl.parse(fetched.final_url or "") else ""
    expected = link.expected_host or weburl.parse(link.url).host
    if final_host and final_host.removeprefix("www.") != expected.removeprefix("www."):
        if not weburl.is_government_host(final_host) and weburl.is_government_host(expected):
            return FriendLinkCheck.LEFT_GOVERNMENT, f"跳转到非政府网站 {final_host}"
        return FriendLinkCheck.MOVED, f"跳转到 {final_host}"
    if link.expected_title and fetched.title and not same_title(link.expected_title, fetched.title):
        return FriendLinkCheck.TITLE_CHANGED, f"网页标题由“{link.expected_title}”变为“{fetched.title}”"
    return FriendLinkCheck.OK, ""


@transaction.atomic
def apply_check(link: FriendLink, fetched: Fetched, *, now=None) -> FriendLink:
    """Record one scheduled check of a shown link and flag or drop it (see the module docstring)."""
    now = now or timezone.now()
    link = _locked(link)
    if link.state not in SHOWN_STATES:
        return link
    outcome, words = verdict(link, fetched)
    link.last_check, link.last_checked_at, link.last_detail = outcome, now, words[:300]
    link.failures = link.failures + 1 if outcome == FriendLinkCheck.UNREACHABLE else 0
    if fetched.reachable:
        link.seen_title = fetched.title[:300]
        link.seen_host = (weburl.parse(fetched.final_url).host if fetched.final_url else "")[:255]
        if not link.expected_title and outcome == FriendLinkCheck.OK:
            link.expected_title = link.seen_title  # the first answer after approval is the reference
    before = link.state
    dropped = (
        outcome == FriendLinkCheck.LEFT_GOVERNMENT
        or (outcome == FriendLinkCheck.MOVED and not weburl.is_government_host(link.seen_host))
        or link.failures >= DROP_AFTER
    )
    if dropped:
        link.state = FriendLinkState.DROPPED
    elif outcome != FriendLinkCheck.OK:
        if before != FriendLinkState.FLAGGED or link.flag_reason == FriendLinkCheck.UNREACHABLE:
            link.flag_reason = outcome  # a changed character outweighs an earlier failure to answer
        link.state = FriendLinkState.FLAGGED
    elif before == FriendLinkState.FLAGGED and _flag_was_unreachable(link):
        link.state, link.flag_reason = FriendLinkState.APPROVED, ""
    link.save()
    if link.state != before:
        kind = {
            FriendLinkState.DROPPED: AuditEvent.FRIEND_LINK_DROP,
            FriendLinkState.FLAGGED: AuditEvent.FRIEND_LINK_FLAG,
            FriendLinkState.APPROVED: AuditEvent.FRIEND_LINK_RECOVER,
        }[link.state]
        audit.record(kind, actor=None, obj=link, site=link.site, details=_details(link, reason=words))
        _publish_if_shown_changed(link, was_shown=True)
    return link


def _flag_was_unreachable(link: FriendLink) -> bool:
    """A flagged link answers normally again: it goes back only if nothing but reachability was wrong."""
    return not link.flag_reason or link.flag_reason == FriendLinkCheck.UNREACHABLE
