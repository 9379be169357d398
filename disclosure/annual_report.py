"""The annual report on government information disclosure work (政府信息公开工作年度报告, DISC-4;
条例 art.49-50), in the national format's fixed tables (国办公开办函〔2019〕60号, as revised).

What the platform knows is counted from its records (`compute`), for one disclosing organisation
and one calendar year:

- 三、收到和处理政府信息公开申请情况, from the applications (InformationRequest), by applicant kind:
  本年新收 = received in the year; 上年结转 = received before the year and not answered before it;
  本年度办理结果 = answered in the year, by outcome; 结转下年度继续办理 = received by the year's end
  and not answered by then. So new + carried over = answered + carried forward, always.
- 二、主动公开政府信息情况, the row 行政规范性文件 from the organisation's policy documents in the
  catalogue: made in the year (date of creation), repealed or expired in the year (the date their
  validity changed), in force at the year's end (valid or amended, disclosed by then, not
  withdrawn); and the items the catalogue disclosed in the year, by kind, for 一、总体情况.

The rest is entered by hand in the report's form (disclosure/annual_report_form.py): rules
(规章), licensing, penalties, enforcement, fees, reconsideration and litigation, and the texts.
`generate_report` (the action) writes the draft, and the normal review publishes it; the work
page warns site administrators from 1 January until last year's report is online (`status`),
late (逾期) after 31 January (条例 art.50).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from auditlog import audit
from auditlog.events import AuditEvent
from columns.models import Column
from disclosure import report_tables
from disclosure.models import CatalogueEntry, Organisation
from disclosure.models.requests import ApplicantKind, InformationRequest, RequestOutcome
from editorial import drafts
from resources.models import Resource, ResourceKind, ResourceStatus, Validity
from sites.models import Role
from sites.permissions import require_role

COLUMN_TYPE = "信息公开年报"
DUE_MONTH, DUE_DAY = 1, 31  # 条例 art.50: published by 31 January
APPLICANT_KINDS = [kind.value for kind in ApplicantKind]
OUTCOMES = [outcome.value for outcome in RequestOutcome]
IN_FORCE = (Validity.VALID.value, Validity.AMENDED.value)
ENDED = (Validity.REPEALED.value, Validity.EXPIRED.value)


# -- counting -------------------------------------------------------------------------------------


def _by_kind(rows) -> dict[str, int]:
    counts = dict.fromkeys(APPLICANT_KINDS, 0)
    for kind, n in rows:
        counts[kind if kind in counts else ApplicantKind.OTHER_ORG.value] += n
    return counts


def request_table(organisation: Organisation, year: int) -> dict:
    """Table 三 of the national format from the applications to `organisation` (see the module)."""
    start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
    received = InformationRequest.objects.filter(organisation=organisation, received_on__isnull=False)

    def counted(queryset) -> dict[str, int]:
        return _by_kind(queryset.values_list("applicant_kind").annotate(n=Count("id")).order_by())

    outcomes = {outcome: dict.fromkeys(APPLICANT_KINDS, 0) for outcome in OUTCOMES}
    answered = received.filter(received_on__lte=end, answered_on__gte=start, answered_on__lte=end)
    for kind, outcome, n in answered.values_list("applicant_kind", "outcome").annotate(n=Count("id")).order_by():
        row = outcomes[outcome if outcome in outcomes else RequestOutcome.OTHER.value]  # an answer always has one
        row[kind if kind in row else ApplicantKind.OTHER_ORG.value] += n
    return {
        "new": counted(received.filter(received_on__gte=start, received_on__lte=end)),
        "carried_over": counted(
            received.filter(received_on__lt=start).filter(Q(answered_on__isnull=True) | Q(answered_on__gte=start))
        ),
        "outcomes": outcomes,
        "carried_forward": counted(
            received.filter(received_on__lte=end).filter(Q(answered_on__isnull=True) | Q(answered_on__gt=end))
        ),
    }


def _year_bounds(year: int) -> tuple[dt.datetime, dt.datetime]:
    zone = timezone.get_default_timezone()
    return dt.datetime(year, 1, 1, tzinfo=zone), dt.datetime(year + 1, 1, 1, tzinfo=zone)


def _day(value) -> dt.date | None:
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value)) if value else None
    except ValueError:
        return None


def proactive_counts(organisation: Organisation, year: int) -> dict:
    """Items the catalogue disclosed in the year (by kind) and the normative documents' row."""
    start, end = _year_bounds(year)
    entries = CatalogueEntry.objects.filter(organisation=organisation)
    disclosed = entries.filter(disclosed_at__gte=start, disclosed_at__lt=end)
    by_kind = dict(disclosed.values_list("resource__kind").annotate(n=Count("pk")).order_by())
    year_end = dt.date(year, 12, 31)
    made = repealed = in_force = 0
    policies = entries.filter(resource__kind=ResourceKind.POLICY).values_list(
        "written_on", "disclosed_at", "resource__status", "resource__published_revision__data"
    )
    for written_on, disclosed_at, status, data in policies:
        data = data or {}
        created = written_on or _day(data.get("signing_date")) or timezone.localdate(disclosed_at)
        validity = data.get("validity") or Validity.VALID.value
        changed = _day(data.get("validity_date"))
        if created.year == year:
            made += 1
        if validity in ENDED and changed is not None and changed.year == year:
            repealed += 1
        online = status != ResourceStatus.WITHDRAWN and timezone.localdate(disclosed_at) <= year_end
        if online and (validity in IN_FORCE or (changed is not None and changed > year_end)):
            in_force += 1
    return {
        "disclosed": {"total": sum(by_kind.values()), "by_kind": by_kind},
        "normative": {"made": made, "repealed": repealed, "in_force": in_force},
    }


def compute(organisation: Organisation, year: int) -> dict:
    """Every part of the report the platform counts (stored in the report's data as `computed`)."""
    return {
        "organisation": organisation.pk,
        "year": year,
        "counted_at": timezone.now().isoformat(timespec="seconds"),
        **proactive_counts(organisation, year),
        "requests": request_table(organisation, year),
    }


# -- the report resource ------------------------------------------------------------------------------


def reports_of(organisation: Organisation, year: int):
    """The organisation's reports on `year` that are not withdrawn (normally one)."""
    return (
        Resource.objects.filter(
            kind=ResourceKind.ANNUAL_REPORT,
            site_id=organisation.site_id,
            current_revision__data__organisation=organisation.pk,
            current_revision__data__year=year,
        )
        .exclude(status=ResourceStatus.WITHDRAWN)
        .order_by("pk")
    )


def report_column(site) -> Column | None:
    return Column.objects.filter(site=site, column_type=COLUMN_TYPE).order_by("tree_id", "lft").first()


def default_title(organisation: Organisation, year: int) -> str:
    return f"{organisation.name}{year}年政府信息公开工作年度报告"


@transaction.atomic
def generate_report(organisation: Organisation, year: int, *, acting_user) -> Resource:
    """Create the draft of the organisation's report on `year`, or give its draft the numbers
    counted now (a new revision; what was entered by hand and the texts are kept). Then the
    normal review and publishing follow. Site administrators only."""
    site = organisation.site
    require_role(acting_user, site, Role.SITE_ADMIN)
    if year >= timezone.localdate().year:
        raise ValidationError(_("A report is made for a year that has ended."), code="year")
    column = report_column(site)
    if column is None:
        raise ValidationError(
            _("This site has no column of the type “信息公开年报”: add one under columns first."), code="column"
        )
    existing = reports_of(organisation, year).select_for_update().first()
    if existing is None:
        overview = report_tables.overview_draft({"computed": compute(organisation, year), "year": year})
        report = drafts.create_resource(
            site, ResourceKind.ANNUAL_REPORT, title=default_title(organisation, year), column=column,
            data={"organisation": organisation.pk, "year": year, "overview": overview}, acting_user=acting_user,
        )  # fmt: skip
        created = True
    else:
        if existing.status == ResourceStatus.IN_REVIEW:
            raise ValidationError(
                _("The report “%(title)s” is in review: recall it or wait for the review before counting again.")
                % {"title": existing.title},
                code="in_review",
            )
        revision = existing.current_revision
        drafts.save_draft(
            existing, base_revision_id=revision.pk, title=revision.title, metadata=revision.metadata,
            data=dict(revision.data or {}), note=_("Numbers counted again from the records."),
            acting_user=acting_user,
        )  # fmt: skip
        report, created = existing, False
    report.refresh_from_db()
    audit.record(
        AuditEvent.ANNUAL_REPORT_GENERATE, actor=acting_user, obj=report,
        details={"organisation": organisation.name, "year": year, "created": created},
    )  # fmt: skip
    return report


# -- the deadline (条例 art.50) ------------------------------------------------------------------------


@dataclass(frozen=True)
class ReportDue:
    """Last year's report of one organisation, as the work page shows it from 1 January."""

    organisation: Organisation
    year: int
    due_on: dt.date
    late: bool
    report: Resource | None  # the draft or report in review, if there is one

    @property
    def state(self) -> str:
        if self.report is None:
            return "missing"
        return "in_review" if self.report.status in (ResourceStatus.IN_REVIEW, ResourceStatus.APPROVED) else "draft"


def due_on(year: int) -> dt.date:
    """The report on `year` is published by 31 January of the next year."""
    return dt.date(year + 1, DUE_MONTH, DUE_DAY)


def reports_due(site_ids, today: dt.date | None = None) -> list[ReportDue]:
    """Organisations of these sites whose report on last year is not online yet (from 1 January),
    marked late after 31 January. A constant number of queries."""
    today = today or timezone.localdate()
    year = today.year - 1
    organisations = list(Organisation.objects.filter(site_id__in=site_ids).select_related("site").order_by("pk"))
    if not organisations:
        return []
    reports = (
        Resource.objects.filter(
            kind=ResourceKind.ANNUAL_REPORT, site_id__in=site_ids, current_revision__data__year=year
        )
        .exclude(status=ResourceStatus.WITHDRAWN)
        .values_list("pk", "current_revision__data__organisation", "published_revision__data__year")
    )
    published, drafts_of = set(), {}
    for pk, organisation_id, published_year in reports:
        if published_year == year:
            published.add(organisation_id)
        drafts_of.setdefault(organisation_id, pk)
    open_reports = Resource.objects.in_bulk([pk for org, pk in drafts_of.items() if org not in published])
    by_organisation = {org: open_reports.get(pk) for org, pk in drafts_of.items()}
    deadline = due_on(year)
    return [
        ReportDue(org, year, deadline, today > deadline, by_organisation.get(org.pk))
        for org in organisations
        if org.pk not in published
    ]
