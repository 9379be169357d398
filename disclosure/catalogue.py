"""The public-information catalogue (信息公开目录, DISC-2) and its index numbers (索引号, RES-7).

When an item is first disclosed (put online as 主动公开 by the final approval, a scheduled publish
or a platform notice: editorial.workflow.put_online), `record_disclosure` runs inside that
action's transaction (registered from disclosure/apps.py with editorial.workflow.when_disclosed).
It gives the item its catalogue entry and its index number `<organisation code>/<YYYY>-<serial>`:

- the organisation is the disclosing body of the item's column: the sub-unit whose columns hold
  it (SITE-10), else the site's own organisation (`organisation_for`); none configured: no
  number, the approval goes on, and the back office lists the item (`unnumbered`);
- YYYY is the year of the first disclosure; the serial is the organisation's counter of that year
  (IndexSerial), created race-free (an insert that ignores a conflict) and locked with SELECT …
  FOR UPDATE, so concurrent approvals serialise on it and never take the same serial;
- serials only grow and the entry is kept for ever: a withdrawn item keeps its entry, its
  number is never given again, and approving it again keeps the same number.

Only kinds that are items of information of their own are catalogued (`is_catalogued`: they
have a page and hold no file: articles, policy documents, interpretations, institutions,
leaders, and the kinds added later such as the guide and the annual report). Pictures,
attachments and videos are parts of the items that show them; links point to information held
elsewhere. They carry the disclosure attribute like everything else, but no index number.

The catalogue metadata (subject, document number, issuing organisation, date of creation) is
taken from the approved version: a policy document's own fields (文号, 发文机关, 成文日期); for the
other kinds the classification chosen from the subject list, the source as issuing organisation
and the version's date. Each later approved version updates it; what editors corrected in the
entry (`update_entry`) stays unless the new version says otherwise.

The 20-working-day rule (条例 art.26): `made_on` is the day the disclosed information was made or
last changed, read as the day the approved version was saved; `due_on` is 20 working days after
it (workdays); the item is late when disclosed after `due_on`. A year whose holidays are unknown
leaves `due_on` empty: never a guess, and the list of late items says why.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from auditlog import audit
from auditlog.events import AuditEvent
from columns.models import Column, SubUnit
from core import feed
from disclosure.models import CatalogueEntry, IndexSerial, Organisation, SubjectCategory
from editorial import queries
from resources.kinds_registry import KIND_CLASSES
from resources.models import Disclosure, Resource
from sites.policies import CHANGE, policy_for
from workdays.days import UnknownYear, add_working_days

DEADLINE_WORKING_DAYS = 20  # 条例 art.26
SERIAL_DIGITS = 5


def is_catalogued(kind: str) -> bool:
    """Whether items of this kind get a catalogue entry and an index number (see the module text)."""
    cls = KIND_CLASSES.get(kind)
    return cls is not None and cls.has_page and not cls.has_file


def catalogued_kinds() -> list[str]:
    return [kind for kind in KIND_CLASSES if is_catalogued(kind)]


# --- organisations ------------------------------------------------------------------------------


def organisation_for(resource: Resource) -> Organisation | None:
    """The disclosing organisation of an item: that of the sub-unit owning its column (the nearest
    such column up the tree, SITE-10), else its site's own; None when none is configured."""
    if resource.column_id:
        column = Column.objects.filter(pk=resource.column_id).first()
        if column is not None:
            links = (
                SubUnit.columns.through.objects.filter(
                    column__in=column.get_ancestors(include_self=True), subunit__portal_id=resource.site_id
                )
                .order_by("-column__level", "subunit_id")
                .values_list("subunit_id", flat=True)
            )
            units = list(links)
            if units:
                found = {org.sub_unit_id: org for org in Organisation.objects.filter(sub_unit_id__in=units)}
                for unit in units:
                    if unit in found:
                        return found[unit]
    return Organisation.objects.filter(site_id=resource.site_id, sub_unit__isnull=True).first()


# --- index numbers ------------------------------------------------------------------------------


def format_number(organisation: Organisation, year: int, serial: int) -> str:
    return f"{organisation.code}/{year}-{serial:0{SERIAL_DIGITS}d}"


def _next_serial(organisation: Organisation, year: int) -> int:
    """The next serial of the organisation in the year, inside the caller's transaction.

    The counter's row is created by an insert that ignores a conflict (two first approvals of a
    year at once: one inserts, the other's insert waits for it and does nothing), then locked:
    a concurrent approval waits here until this transaction ends, and reads the serial it left.
    """
    IndexSerial.objects.bulk_create([IndexSerial(organisation=organisation, year=year)], ignore_conflicts=True)
    counter = IndexSerial.objects.select_for_update().get(organisation=organisation, year=year)
    counter.last += 1
    counter.save(update_fields=["last"])
    return counter.last


def _number_taken(number: str, resource: Resource, site_id: int) -> bool:
    """Given to another entry, or typed for another item of the site before numbers were assigned."""
    return (
        CatalogueEntry.objects.filter(index_number=number).exclude(resource_id=resource.pk).exists()
        or Resource.objects.filter(site_id=site_id, index_number=number).exclude(pk=resource.pk).exists()
    )


def _new_number(resource: Resource, organisation: Organisation, year: int) -> str:
    while True:  # skips only numbers typed by hand before the platform assigned them
        number = format_number(organisation, year, _next_serial(organisation, year))
        if not _number_taken(number, resource, organisation.site_id):
            return number


def _kept_typed_number(resource: Resource, organisation: Organisation) -> str:
    """A number typed by an editor before the platform assigned them (old policy documents): kept
    when no entry holds it, and the organisation's counter moved past it if it is one of its own."""
    number = (resource.index_number or "").strip()
    if not number or CatalogueEntry.objects.filter(index_number=number).exists():
        return ""
    prefix = f"{organisation.code}/"
    if number.startswith(prefix):
        year, _sep, serial = number[len(prefix) :].partition("-")
        if year.isdigit() and serial.isdigit():
            IndexSerial.objects.bulk_create(
                [IndexSerial(organisation=organisation, year=int(year))], ignore_conflicts=True
            )
            counter = IndexSerial.objects.select_for_update().get(organisation=organisation, year=int(year))
            if counter.last < int(serial):
                counter.last = int(serial)
                counter.save(update_fields=["last"])
    return number


# --- the 20-working-day rule (条例 art.26) --------------------------------------------------------


def due_date(made_on: dt.date) -> tuple[dt.date | None, int | None]:
    """The last day to disclose information made or changed on `made_on`, or (None, the unknown year)."""
    try:
        return add_working_days(made_on, DEADLINE_WORKING_DAYS), None
    except UnknownYear as unknown:
        return None, unknown.year


def unknown_year_text(year: int) -> str:
    return _("The deadline cannot be computed: the holidays of %(year)d are not entered.") % {"year": year}


# --- the catalogue metadata ---------------------------------------------------------------------


def _date(value) -> dt.date | None:
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value)) if value else None
    except ValueError:
        return None


def subject_named(name) -> SubjectCategory | None:
    name = str(name or "").strip()
    return SubjectCategory.objects.filter(name=name).first() if name else None


def version_values(revision, organisation: Organisation) -> dict:
    """The catalogue metadata an approved version gives (see the module text)."""
    data, metadata = revision.data or {}, revision.metadata or {}
    return {
        "subject": subject_named(metadata.get("classification")),
        "document_number": str(data.get("document_number") or "")[:100],
        "issuing_organisation": str(data.get("issuing_body") or metadata.get("source") or organisation.name)[:200],
        "written_on": _date(data.get("signing_date")) or timezone.localdate(revision.created_at),
    }


# --- the hook: an item is disclosed -------------------------------------------------------------


def record_disclosure(resource: Resource, revision, now, acting_user=None) -> CatalogueEntry | None:
    """Called by editorial.workflow.put_online inside its transaction (resource locked)."""
    if resource.disclosure != Disclosure.PROACTIVE or not is_catalogued(resource.kind):
        return None
    entry = CatalogueEntry.objects.select_for_update().filter(resource_id=resource.pk).first()
    if entry is not None:
        return _update_from_version(entry, resource, revision, acting_user)
    organisation = organisation_for(resource)
    if organisation is None:
        return None  # listed by `unnumbered`; the approval goes on
    return _create_entry(resource, revision, organisation, now, acting_user)


def _create_entry(resource, revision, organisation, now, acting_user) -> CatalogueEntry:
    disclosed_on = timezone.localdate(now)
    made_on = timezone.localdate(revision.created_at)
    due_on, _unknown = due_date(made_on)
    number = _kept_typed_number(resource, organisation) or _new_number(resource, organisation, disclosed_on.year)
    entry = CatalogueEntry.objects.create(
        resource=resource,
        organisation=organisation,
        index_number=number,
        made_on=made_on,
        disclosed_at=now,
        due_on=due_on,
        late=due_on is not None and disclosed_on > due_on,
        **version_values(revision, organisation),
    )
    if resource.index_number != number:
        resource.index_number = number
        Resource.objects.filter(pk=resource.pk).update(index_number=number)
    audit.record(
        AuditEvent.CATALOGUE_ASSIGN,
        actor=acting_user,
        obj=resource,
        details={
            "index_number": number,
            "organisation": organisation.name,
            "made_on": made_on.isoformat(),
            "due_on": due_on.isoformat() if due_on else None,
            "late": entry.late,
        },
    )
    return entry


def _update_from_version(entry, resource, revision, acting_user) -> CatalogueEntry:
    """A later version disclosed (or the item disclosed again): the number and the first
    disclosure stay; the metadata follows the version where it says something."""
    values = version_values(revision, entry.organisation)
    changed = {}
    for name, value in values.items():
        if value in (None, "") or getattr(entry, name) == value:
            continue
        changed[name] = value
        setattr(entry, name, value)
    if changed:
        entry.save(update_fields=list(changed))
        audit.record(
            AuditEvent.CATALOGUE_UPDATE,
            actor=acting_user,
            obj=resource,
            details={"index_number": entry.index_number} | {k: _shown(v) for k, v in changed.items()},
        )
    if resource.index_number != entry.index_number:
        resource.index_number = entry.index_number
        Resource.objects.filter(pk=resource.pk).update(index_number=entry.index_number)
    return entry


def _shown(value):
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, SubjectCategory):
        return value.name
    return value


# --- editors and reviewers correct an entry ------------------------------------------------------

ENTRY_FIELDS = ("subject", "document_number", "issuing_organisation", "written_on")


@transaction.atomic
def update_entry(entry: CatalogueEntry, *, acting_user, **values) -> CatalogueEntry:
    """Correct the catalogue metadata of a disclosed item (DISC-2); the number never changes."""
    entry = CatalogueEntry.objects.select_for_update().select_related("resource__site").get(pk=entry.pk)
    policy_for(CatalogueEntry).require(acting_user, CHANGE, entry)
    unknown = set(values) - set(ENTRY_FIELDS)
    if unknown:
        raise ValueError(f"not catalogue fields: {sorted(unknown)}")
    values["document_number"] = str(values.get("document_number", entry.document_number) or "").strip()[:100]
    values["issuing_organisation"] = str(values.get("issuing_organisation", entry.issuing_organisation) or "").strip()[
        :200
    ]
    if not values["issuing_organisation"]:
        raise ValidationError(
            {"issuing_organisation": _("Name the organisation that issued it.")}, code="issuing_required"
        )
    changed = {}
    for name, value in values.items():
        if getattr(entry, name) != value:
            changed[name] = value
            setattr(entry, name, value)
    if changed:
        entry.save(update_fields=list(changed))
        audit.record(
            AuditEvent.CATALOGUE_UPDATE,
            actor=acting_user,
            obj=entry.resource,
            details={"index_number": entry.index_number} | {k: _shown(v) for k, v in changed.items()},
        )
        feed.changed(resources=[entry.resource_id])  # its pages show the header table
    return entry


# --- what the back office lists ------------------------------------------------------------------


def entries_for(user):
    """The catalogue entries of the user's sites (the permission policy's scope)."""
    return policy_for(CatalogueEntry).filter(CatalogueEntry.objects.all(), user)


def late_entries(user, site_id: int | None = None):
    """Items disclosed after their 20 working days (条例 art.26), and those whose deadline could not
    be computed (the year's holidays unknown at the time), newest first."""
    query = entries_for(user).filter(Q(late=True) | Q(due_on__isnull=True))
    if site_id is not None:
        query = query.filter(resource__site_id=site_id)
    return query.select_related("resource__site", "organisation").order_by("-disclosed_at", "-resource_id")


def unnumbered(user, site_id: int | None = None):
    """Proactively disclosed items online without an index number: their organisation was not
    configured when they were disclosed (DISC-2)."""
    resources = policy_for(Resource).filter(Resource.objects.all(), user)
    query = (
        queries.online_resources(resources)
        .filter(disclosure=Disclosure.PROACTIVE, kind__in=catalogued_kinds())
        .exclude(Exists(CatalogueEntry.objects.filter(resource_id=OuterRef("pk"))))
    )
    if site_id is not None:
        query = query.filter(site_id=site_id)
    return query


@transaction.atomic
def number_unnumbered(site, *, acting_user) -> list[CatalogueEntry]:
    """Give the items of a site disclosed without a number their entries now that the
    organisation is configured (by a site administrator). Their first disclosure keeps its time."""
    policy_for(Organisation).require(acting_user, CHANGE, Organisation(site=site))
    done = []
    for resource in (
        unnumbered(acting_user, site.pk).select_related("published_revision").order_by("published_at", "pk")
    ):
        locked = Resource.objects.select_for_update().get(pk=resource.pk)
        if CatalogueEntry.objects.filter(resource_id=locked.pk).exists() or locked.published_revision_id is None:
            continue
        organisation = organisation_for(locked)
        if organisation is None:
            continue
        when = locked.published_at or timezone.now()
        done.append(_create_entry(locked, resource.published_revision, organisation, when, acting_user))
    if done:
        feed.changed(resources=[entry.resource_id for entry in done])
    return done
