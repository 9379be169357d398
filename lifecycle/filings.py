"""Change filings (变更备案, SITE-8; G §3(三), T art.8(四)).

Every change of organiser, person in charge, contact, domain, column structure or a column's
address of a site that is open (online, offline or migrating) is recorded with before, after,
who and when. The site and column actions call these functions inside their transactions. A new
primary domain also publishes a notice on the site (the old domain's visitors are sent to it)
and keeps the old domain's addresses answering 301 with the same path on the new domain; a
column's new address keeps its old one answering 301 in the same way.
"""

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from auditlog import audit
from auditlog.events import AuditEvent
from columns.models import Column
from core import feed
from lifecycle.models import ChangeFiling, FilingKind
from lifecycle.rules import ANNOUNCEMENT_DAYS, OPENED_STATUSES, local_day
from sites.models import Redirect, Site

SITE_FIELD_KINDS = {
    "organiser": FilingKind.ORGANISER,
    "operator": FilingKind.ORGANISER,
    "person_in_charge": FilingKind.PERSON_IN_CHARGE,
    "contact_phone": FilingKind.CONTACT,
    "contact_email": FilingKind.CONTACT,
    "contact_address": FilingKind.CONTACT,
}


def is_filed(site: Site) -> bool:
    """Changes are filed for sites open to the public; before that they are part of the application."""
    return site.status in OPENED_STATUSES


def file_change(site: Site, kind: str, *, subject: str, before, after, acting_user) -> ChangeFiling:
    filing = ChangeFiling.objects.create(
        site=site,
        kind=kind,
        subject=subject[:200],
        before=before,
        after=after,
        filed_by=acting_user if acting_user is not None and acting_user.pk else None,
    )
    audit.record(
        AuditEvent.SITE_CHANGE_FILING,
        actor=acting_user,
        obj=filing,
        site=site,
        details={"kind": kind, "subject": filing.subject, "before": before, "after": after},
    )
    return filing


def record_site_changes(site: Site, changes: dict, *, acting_user) -> list[ChangeFiling]:
    """File the changes of update_site ({field: [before, after]}) that SITE-8 names, one filing per kind."""
    if not is_filed(site):
        return []
    grouped: dict[str, dict] = {}
    for field, (before, after) in changes.items():
        kind = SITE_FIELD_KINDS.get(field)
        if kind is not None:
            grouped.setdefault(kind, {})[field] = (before, after)
    filings = []
    for kind, fields in grouped.items():
        subject = "、".join(str(Site._meta.get_field(name).verbose_name) for name in fields)
        filings.append(
            file_change(
                site,
                kind,
                subject=subject,
                before={name: values[0] for name, values in fields.items()},
                after={name: values[1] for name, values in fields.items()},
                acting_user=acting_user,
            )
        )
    return filings


def record_domain_added(site: Site, name: str, *, acting_user) -> None:
    if is_filed(site):
        file_change(site, FilingKind.DOMAIN, subject=_("domain added"), before=None, after=name,
                    acting_user=acting_user)  # fmt: skip


def record_domain_removed(site: Site, name: str, *, acting_user) -> None:
    if is_filed(site):
        file_change(site, FilingKind.DOMAIN, subject=_("domain removed"), before=name, after=None,
                    acting_user=acting_user)  # fmt: skip
    if Redirect.objects.filter(host=name).delete()[0]:
        feed.changed(addresses=[site.pk])


def record_primary_domain_change(site: Site, before: str | None, after: str, *, acting_user) -> None:
    """A new primary domain: filed, old addresses answer 301 on the new domain, a notice on the site."""
    deleted, _rows = Redirect.objects.filter(host=after).delete()  # the new domain serves pages, never redirects
    if not before or not is_filed(site):
        if deleted:
            feed.changed(addresses=[site.pk])
        return
    file_change(site, FilingKind.DOMAIN, subject=_("primary domain"), before=before, after=after,
                acting_user=acting_user)  # fmt: skip
    scheme = getattr(settings, "PUBLIC_URL_SCHEME", "https")
    Redirect.objects.filter(host=before).delete()
    Redirect.objects.create(
        site=site, host=before, path="/", is_prefix=True, keep_rest=True, target=f"{scheme}://{after}/", reason="domain"
    )
    feed.changed(addresses=[site.pk])  # nginx hands the old domain to the public process, which redirects
    from lifecycle import notices  # the notice goes through the workflow

    column = notices.notices_column(site)
    if column is None:
        return  # recorded in the filing; a site without a notices column cannot carry the notice
    now = timezone.now()
    notices.publish(
        site,
        column,
        "domain_change",
        {"subject": site, "old": before, "new": after, "date": local_day(now)},
        decision=_("Change of domain of %(site)s filed") % {"site": site},
        until=now + timezone.timedelta(days=ANNOUNCEMENT_DAYS),
    )


def column_snapshot(column: Column) -> dict | None:
    """What a filing compares of a column, from the stored row (None for a new column)."""
    if column.pk is None:
        return None
    stored = Column.objects.filter(pk=column.pk).first()
    if stored is None:
        return None
    return {"path": stored.path, "name": stored.name, "parent": stored.parent_id}


def record_column_change(column: Column, before: dict | None, *, acting_user, deleted: bool = False) -> None:
    """File a change of the column structure or of a column's address (SITE-8); keep old addresses."""
    site = column.site
    after = None if deleted else column_snapshot(column)
    if after is not None:
        # A column (re)appearing at an address that redirected elsewhere takes it back.
        Redirect.objects.filter(site=site, host="", path__startswith=f"/{after['path']}").delete()
    if not is_filed(site):
        return
    if before is None or after is None:
        file_change(site, FilingKind.COLUMN_STRUCTURE, subject=(after or before)["path"], before=before,
                    after=after, acting_user=acting_user)  # fmt: skip
        return
    if before["path"] != after["path"]:
        file_change(site, FilingKind.COLUMN_URL, subject=column.name, before=before["path"], after=after["path"],
                    acting_user=acting_user)  # fmt: skip
        Redirect.objects.filter(site=site, host="", path=f"/{before['path']}").delete()
        Redirect.objects.create(site=site, path=f"/{before['path']}", is_prefix=True, keep_rest=True,
                                target=f"/{after['path']}", reason="column")  # fmt: skip
    if before["parent"] != after["parent"] or before["name"] != after["name"]:
        file_change(site, FilingKind.COLUMN_STRUCTURE, subject=after["path"], before=before, after=after,
                    acting_user=acting_user)  # fmt: skip
