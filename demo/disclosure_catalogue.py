"""The demo's public-information catalogue (DISC-2): demo data only.

- Each demo site gets its disclosing organisation with its code (demo.text.ORGANISATION_CODES),
  set up through the action (disclosure.organisations), before the content is built: so every
  item the demo reviewers approve is given its catalogue entry and index number by the platform,
  in the approval (disclosure.catalogue.record_disclosure), like any other approval.
- Demo items carry a subject of the standard list (`subject_for`, by site and kind).
- The demo then dates its content back (demo.dates); `redate` gives the entries of this run the
  same timeline: disclosed when the item was published, made when its version was saved, the
  deadline and lateness computed again, and the numbers of each organisation renumbered by year
  and order of disclosure (the number's year is that of the first disclosure), its serial
  counters set to match. Entries created by earlier runs are not touched.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from accounts.models import User
from demo import data as demo_data
from demo import text as demo_text
from disclosure import catalogue, organisations
from disclosure.models import CatalogueEntry, IndexSerial, Organisation
from resources.models import Resource, ResourceKind

SUBJECT_BY_SITE = {
    "jyj": "科技、教育",
    "wsjkw": "卫生、体育",
    "swj": "商贸、海关、旅游",
}
SUBJECT_BY_KIND = {
    ResourceKind.INSTITUTION: "综合政务",
    ResourceKind.LEADER: "劳动、人事、监察",
    ResourceKind.POLICY: "综合政务",
}
PORTAL_SUBJECTS = ["综合政务", "城乡建设、环境保护", "农业、林业、水利", "工业、交通", "民政、扶贫、救灾"]


def subject_for(site_key: str, kind: str, title: str) -> str:
    """The subject a demo item is filed under: the department's field, else by kind or title."""
    if site_key in SUBJECT_BY_SITE:
        return SUBJECT_BY_SITE[site_key]
    if kind in SUBJECT_BY_KIND:
        return SUBJECT_BY_KIND[kind]
    return PORTAL_SUBJECTS[sum(map(ord, title)) % len(PORTAL_SUBJECTS)]


def ensure_organisations(sites: dict) -> int:
    """The disclosing organisation of each demo site; returns how many were created."""
    admin = User.objects.get(username=demo_data.PLATFORM_ADMIN["username"])
    created = 0
    for spec in demo_data.SITES:
        site = sites[spec["key"]]
        if Organisation.objects.filter(site=site, sub_unit__isnull=True).exists():
            continue
        organisations.seed_subjects()  # an installation migrated before the list existed
        organisations.create_organisation(
            site, name=site.name, code=demo_text.ORGANISATION_CODES[spec["key"]], acting_user=admin
        )
        created += 1
    return created


def redate(resource_ids) -> int:
    """The entries of this run's items, on the demo's timeline (see the module text)."""
    entries = list(
        CatalogueEntry.objects.filter(resource_id__in=list(resource_ids)).select_related("organisation", "resource")
    )
    if not entries:
        return 0
    published = dict(
        Resource.objects.filter(pk__in=[e.resource_id for e in entries]).values_list(
            "pk", "published_revision__created_at"
        )
    )
    for entry in entries:
        resource = entry.resource
        entry.disclosed_at = resource.published_at or entry.disclosed_at
        saved = published.get(resource.pk) or entry.disclosed_at
        entry.made_on = timezone.localdate(saved)
        if entry.written_on is None or entry.written_on > entry.made_on:
            entry.written_on = entry.made_on
        entry.due_on, _unknown = catalogue.due_date(entry.made_on)
        entry.late = entry.due_on is not None and timezone.localdate(entry.disclosed_at) > entry.due_on
    # Numbers in order of disclosure, per organisation and year; first out of the way (unique).
    for entry in entries:
        entry.index_number = f"demo-{entry.resource_id}"
    CatalogueEntry.objects.bulk_update(entries, ["index_number"], batch_size=500)
    taken: dict[tuple[int, int], int] = {}
    for entry in CatalogueEntry.objects.exclude(pk__in=[e.pk for e in entries]).select_related("organisation"):
        key = (entry.organisation_id, _year_of(entry.index_number))
        taken[key] = max(taken.get(key, 0), _serial_of(entry.index_number))
    for entry in sorted(entries, key=lambda e: (e.disclosed_at, e.resource_id)):
        year = timezone.localtime(entry.disclosed_at).year
        key = (entry.organisation_id, year)
        taken[key] = taken.get(key, 0) + 1
        entry.index_number = catalogue.format_number(entry.organisation, year, taken[key])
    CatalogueEntry.objects.bulk_update(
        entries, ["index_number", "disclosed_at", "made_on", "written_on", "due_on", "late"], batch_size=500
    )
    resources = [Resource(pk=e.resource_id, index_number=e.index_number) for e in entries]
    Resource.objects.bulk_update(resources, ["index_number"], batch_size=500)
    involved = {entry.organisation_id for entry in entries}
    for counter in IndexSerial.objects.filter(organisation_id__in=involved):
        counter.last = taken.pop((counter.organisation_id, counter.year), 0)
        counter.save(update_fields=["last"])
    for (organisation_id, year), last in taken.items():
        IndexSerial.objects.create(organisation_id=organisation_id, year=year, last=last)
    IndexSerial.objects.filter(organisation_id__in=involved, last=0).delete()
    return len(entries)


def _year_of(number: str) -> int:
    try:
        return int(number.rsplit("/", 1)[1].split("-")[0])
    except (IndexError, ValueError):
        return dt.date.today().year


def _serial_of(number: str) -> int:
    try:
        return int(number.rsplit("-", 1)[1])
    except (IndexError, ValueError):
        return 0
