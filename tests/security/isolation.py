"""The data of the back-office isolation walk (SEC-3, PUB-1): sites with an object of everything,
and a snapshot of one site's rows. The URLs are in tests/security/isolation_urls.py.

- `populate(side, platform_admin, prefix)` gives a site of tests/backoffice/conftest.py `sites`
  an object of every model that has a back-office page: resources of several kinds and states
  with revisions, files and renditions, placements, a submission in review with a finding,
  lifecycle applications, a change filing, a registration to cancel, a security check, a logo, a
  sub-unit, search statistics. `platform_lists` adds the platform-wide word and search lists.
- `SiteRows(b).take()` is a snapshot of B's rows (counts and a hash per table) of every table
  that holds site data; a table it cannot place raises `UnknownTable`. `recording_writes()` tells
  when a request wrote anything, so that the snapshot is taken again only then.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from contextlib import contextmanager
from types import SimpleNamespace

from django.apps import apps
from django.core.files.base import ContentFile
from django.db import connection
from django.db.models import Q
from django.utils import timezone

from auditlog.models import AuditEntry
from columns.models import SubUnit, SubUnitKind
from disclosure import calendar, catalogue, organisations
from editorial import drafts as resource_actions
from editorial import placements, wordlists, workflow
from editorial.models import CheckedWord, Placement, WordList
from lifecycle.models import (
    ApplicationKind,
    ApplicationStatus,
    ChangeFiling,
    FilingKind,
    RegistrationCancellation,
    RegistrationItem,
    SecurityCheck,
    SiteApplication,
)
from resources.models import Asset
from search import actions as search_actions
from search.models import BlockedTerm, PopularQuery, SearchLog
from tests.resources.factories import image_bytes, make_article, make_attachment, make_image, make_policy

# --- the sites' objects --------------------------------------------------------------------------


def populate(side, platform_admin, prefix: str) -> SimpleNamespace:
    """Give `side` (a site of the `sites` fixture) an object of every model with a back-office page.

    Adds `objects` ({model: [instances]}), `resources`, `files` (paths under MEDIA_ROOT) and
    more `markers` (strings naming the site's objects, which no other site's staff may see).
    """
    site, (news, photos, notices) = side.site, side.columns
    editor, reviewer, admin = side.users["editor"], side.users["reviewer"], side.users["admin"]

    draft = make_article(site, editor, title=f"{prefix}市草稿通知", column=news)
    resource_actions.save_draft(
        draft, base_revision_id=draft.current_revision_id, title=f"{prefix}市草稿通知（修改稿）",
        metadata={"source": f"{prefix}市办公室"}, data={"body": "<p>第二稿。</p>", "summary": "第二稿"},
        acting_user=editor,
    )  # fmt: skip
    in_review = make_article(
        site, editor, title=f"{prefix}市待审文章", column=news, body="<p>联系电话13800138000。</p>"
    )
    workflow.submit(in_review, acting_user=editor)  # the check flags the phone number (PUB-3)
    published = make_article(site, editor, title=f"{prefix}市已发布文章", column=notices)
    workflow.submit(published, acting_user=editor)
    workflow.approve(published, acting_user=reviewer)
    image = make_image(site, editor, title=f"{prefix}市宣传图片")
    attachment = make_attachment(site, editor, title=f"{prefix}市实施方案附件")
    policy = make_policy(site, editor, title=f"{prefix}市森林防火办法")
    resources = [draft, in_review, published, image, attachment, policy]
    for resource in resources:
        resource.refresh_from_db()
    placed = placements.place(published, photos, acting_user=editor)

    application = SiteApplication.objects.create(
        site=site, kind=ApplicationKind.OFFLINE, status=ApplicationStatus.PENDING, reason=f"{prefix}市机房搬迁",
        starts_at=timezone.now() + dt.timedelta(days=10), ends_at=timezone.now() + dt.timedelta(days=12),
        applied_by=admin,
    )  # fmt: skip
    done = SiteApplication.objects.create(
        site=site, kind=ApplicationKind.MIGRATION, status=ApplicationStatus.DONE, reason=f"{prefix}市网站整合",
        applied_by=admin, decided_by=platform_admin, decided_at=timezone.now(),
    )  # fmt: skip
    cancellation = RegistrationCancellation.objects.create(
        site=site, application=done, item=RegistrationItem.ICP, value=f"{prefix}ICP备0001号"
    )
    filing = ChangeFiling.objects.create(
        site=site, kind=FilingKind.ORGANISER, subject=f"{prefix}市主办单位", before="旧", after="新", filed_by=admin,
    )  # fmt: skip
    check = SecurityCheck(site=site, passed=True, note="", checked_by=platform_admin)
    check.report.save("report.pdf", ContentFile(b"%PDF-1.4 report"), save=False)
    check.save()
    site.logo.save(f"logo-{site.pk}.png", ContentFile(image_bytes(fmt="PNG", size=(20, 20))), save=True)
    sub_unit = SubUnit.objects.create(portal=site, name=f"{prefix}市某某镇", kind=SubUnitKind.TOWNSHIP)
    sub_unit.columns.set([notices])
    popular = PopularQuery.objects.create(site=site, query=f"{prefix}市查询词", count=3)
    logged = SearchLog.objects.create(site=site, query=f"{prefix}市搜索记录", results=1)
    blocked = BlockedTerm.objects.create(site=site, term=f"{prefix}市屏蔽词")

    disclosure_request = _disclosure_request(site, reviewer, prefix)
    [entry] = catalogue.number_unnumbered(site, acting_user=admin)  # DISC-2: now its organisation exists
    error_report = _error_report(site, reviewer, prefix)
    letter = _letter(site, reviewer, admin, prefix)
    check_run = _check_run(site, prefix)
    friend_link, link_finding = _links(site, editor, published, prefix)
    side.rectification_order, side.work_report = _supervision(site, admin, platform_admin, prefix)

    assets = [r.current_revision.asset for r in resources if r.current_revision.asset_id]
    files = [a.file.name for a in assets] + [r.file.name for a in assets for r in a.renditions.all()]
    files += [check.report.name, site.logo.name]
    files += [item.file.name for item in disclosure_request.attachments.all()]
    files += [item.file.name for item in letter.attachments.all()]

    side.resources = resources
    side.placements = [placed, *Placement.objects.filter(resource__site=site).exclude(pk=placed.pk)]
    side.applications = [application, done]
    side.cancellations = [cancellation]
    side.files = files
    entries = list(AuditEntry.objects.filter(site=site).order_by("-id"))
    side.objects = {
        "sites.site": [site],
        "lifecycle.siteapplication": side.applications,
        "lifecycle.changefiling": [filing],
        "columns.subunit": [sub_unit],
        "columns.column": side.columns,
        "resources.resource": resources,
        "editorial.placement": side.placements,
        "search.popularquery": [popular],
        "search.searchlog": [logged],
        "search.blockedterm": [blocked],
        "sites.membership": side.memberships,
        "auditlog.auditentry": entries[:2] + entries[-1:],
        "accounts.user": list(side.users.values()),
        "disclosure.informationrequest": [disclosure_request],
        "disclosure.organisation": [disclosure_request.organisation],
        "disclosure.catalogueentry": [entry],
        "interaction.errorreport": [error_report],
        "interaction.letter": [letter],
        "interaction.channel": [letter.channel],
        "monitoring.friendlink": [friend_link],
        "monitoring.linkfinding": [link_finding],
    }
    side.markers = [
        *side.markers,
        site.unit_name,
        *(r.title for r in resources),
        f"{prefix}市草稿通知",  # the first version's title
        sub_unit.name,
        popular.query,
        logged.query,
        blocked.term,
        application.reason,
        filing.subject,
        disclosure_request.description,
        error_report.description,
        letter.title,
        check_run.results.get().offenders[0]["label"],
        friend_link.name,
        link_finding.url,
        side.rectification_order.problem,
    ]
    # Who works on the site: its staff's names (users are platform-wide, their roles are not).
    side.people = [name for user in side.users.values() for name in (user.username, user.real_name)]
    return side


def _links(site, editor, published, prefix: str):
    """A proposed friendly link (LINK-4) and a broken link the check found on a page (LINK-2)."""
    from monitoring.friend_links import propose_friend_link
    from monitoring.models.links import LinkFinding, LinkKind, LinkProblem

    link = propose_friend_link(site, name=f"{prefix}市友情链接", url=f"https://www.s{site.pk}.gov.cn/", acting_user=editor)
    finding = LinkFinding.objects.create(
        site=site, page_path=f"xwzx/{published.pk}.html", url=f"/{prefix}市断链.html", kind=LinkKind.INTERNAL,
        problem=LinkProblem.BROKEN, detail="本站无此页面", resource=published, responsible=editor,
    )  # fmt: skip
    return link, finding


def _check_run(site, prefix: str):
    """A daily check's run (OPS-1) with a line past its veto line and an offender named."""
    from monitoring.models import CheckRun, LineResult

    now = timezone.now()
    run = CheckRun.objects.create(site=site, day=timezone.localdate(), started_at=now, finished_at=now, state="veto")
    LineResult.objects.create(
        run=run, line_key="empty_columns", label="空白栏目", unit="个栏目", value=6, warning=2, veto=5, state="veto",
        offenders=[{"label": f"{prefix}市监测空白栏目", "responsible": "张三"}], offender_count=1,
    )  # fmt: skip
    return run


def _supervision(site, admin, platform_admin, prefix: str):
    """A rectification order (OPS-5) issued to the site, and its annual work report (OPS-3) on last year."""
    from monitoring import annual_reports, rectification

    order = rectification.issue_order(site, problem=f"{prefix}市整改问题", acting_user=platform_admin)
    report = annual_reports.generate_report(site, timezone.localdate().year - 1, acting_user=admin)
    return order, report


def _error_report(site, handler, prefix: str):
    """An error report (INT-3) entered from the national platform, not yet forwarded."""
    from interaction import error_reports

    data = {"page_url": f"https://{site.primary_domain}/", "kind": "typo", "description": f"{prefix}市纠错内容",
            "contact": "13700000000"}  # fmt: skip
    return error_reports.enter_national(site, data, national_number=f"2025{site.pk:08d}",
                                        received_on=dt.date(2025, 9, 26), acting_user=handler)  # fmt: skip


def _disclosure_request(site, handler, prefix: str):
    """An answered application for disclosure (DISC-3) with an attachment."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from disclosure import request_actions
    from disclosure import request_submission as submission
    from disclosure.models import Organisation

    organisation = Organisation.objects.filter(site=site, sub_unit=None).first() or Organisation.objects.create(
        site=site, name=f"{prefix}市人民政府办公室", code=f"11{site.pk:016d}"
    )
    data = {
        "applicant_kind": "natural", "name": f"{prefix}申请人", "id_type": "resident_id", "id_number": "11010519491231002X",
        "phone": "13800000000", "description": f"{prefix}市申请公开的信息", "preferred_form": "email",
        "delivery_method": "online",
    }  # fmt: skip
    request, _code = submission.submit(organisation, data)
    request_actions.receive(request, acting_user=handler)
    answer = SimpleUploadedFile("answer.txt", f"{prefix}答复附件".encode(), content_type="text/plain")
    return request_actions.answer(request, answer_form="provided", outcome="granted", text=f"{prefix}市答复",
                                  files=[answer], acting_user=handler)  # fmt: skip


def _letter(site, reviewer, admin, prefix: str):
    """A citizen's letter (INT-1, INT-2) with an attachment, answered and published, in a channel of the site."""
    from columns.models import Column
    from interaction import letters
    from interaction.models import Channel, ChannelKind

    column = Column.objects.create(
        site=site, name=f"{prefix}市长信箱", slug="szxx", description="来信", column_type="咨询投诉",
        responsible_person="张三",
    )  # fmt: skip
    channel = Channel.objects.create(
        site=site, column=column, name=f"{prefix}市长信箱", kind=ChannelKind.LEADER_MAILBOX, leader_name="李市长",
        allows_anonymous=True,
    )  # fmt: skip
    data = {"title": f"{prefix}市来信标题", "body": f"{prefix}市来信内容", "writer_name": f"{prefix}来信人",
            "writer_phone": "13900000000"}  # fmt: skip
    from django.core.files.uploadedfile import SimpleUploadedFile

    attached = SimpleUploadedFile("photo.txt", f"{prefix}来信附件".encode(), content_type="text/plain")
    letter, _code = letters.submit(channel, data, files=[attached])  # with an attachment (INT-1)
    letters.answer(letter, text=f"{prefix}市来信答复", acting_user=reviewer)
    return letters.review(letter, decision=letters.PUBLISH, acting_user=admin)


def platform_lists(b, platform_admin) -> None:
    """The platform-wide lists (no site), which only platform administrators may see or change,
    walked with B's objects."""
    word = CheckedWord(list=WordList.WRONG_WORDING, text="错误提法", suggestion="正确提法")
    b.objects["editorial.checkedword"] = [wordlists.add_word(word, acting_user=platform_admin)]
    b.objects["search.dictionaryword"] = [search_actions.add_dictionary_word("集约化平台", acting_user=platform_admin)]
    b.objects["search.synonym"] = [search_actions.add_synonym("社保", "社会保险", acting_user=platform_admin)]
    b.objects["disclosure.subjectcategory"] = [
        organisations.create_subject(name="测试主题", code="ceshi", position=999, acting_user=platform_admin)
    ]
    b.objects["workdays.calendarday"] = [
        calendar.add_day(dt.date(2099, 10, 1), working=False, name="国庆节", acting_user=platform_admin)
    ]


# --- B's rows, before and after ---------------------------------------------------------------

# Tables that are nobody's site data: the walker's own session, Django's own change history of
# the walker's actions (the platform's log, AuditEntry, is B's when it names B), login attempts.
NOT_SITE_DATA = {"sessions", "admin", "axes"}
# Platform-wide tables: every row counts (only platform administrators may change them).
PLATFORM_WIDE = {
    "editorial.checkedword", "search.dictionaryword", "search.synonym", "search.vocabularyterm", "workdays.calendarday",
    "disclosure.subjectcategory",
    "monitoring.spotcheck", "monitoring.supervisionreport",  # the platform's supervision (OPS-2, OPS-7)
    "monitoring.externallinkstatus",  # an external address's last answer, shared by every site linking to it
    "monitoring.accesslogfile",  # how far nginx's one access log was read (OPS-4): every site's visits
    "interaction.citizen", "interaction.verificationcode",  # citizens' accounts: one for every site (INT-6)
    "auth.group", "auth.permission", "auth.group_permissions", "contenttypes.contenttype",
}  # fmt: skip
# Which rows of a table are B's, by the fields the table has (any that applies).
OWNED_THROUGH = {
    "site": lambda b: Q(site=b.site),
    "portal": lambda b: Q(portal=b.site),
    "resource": lambda b: Q(resource__site=b.site),
    "column": lambda b: Q(column__site=b.site),
    "target_site": lambda b: Q(target_site=b.site),
    "policy": lambda b: Q(policy__site=b.site),
    "interpretation": lambda b: Q(interpretation__site=b.site),
    "membership": lambda b: Q(membership__site=b.site),
    "sub_unit": lambda b: Q(sub_unit__portal=b.site),
    "subunit": lambda b: Q(subunit__portal=b.site),
    "editorscope": lambda b: Q(editorscope__membership__site=b.site),
    "reviewerscope": lambda b: Q(reviewerscope__membership__site=b.site),
    "log": lambda b: Q(log__site=b.site),
    "user": lambda b: Q(user__in=b.user_ids),
    "device": lambda b: Q(device__user__in=b.user_ids),
    "asset": lambda b: Q(asset__in=b.asset_ids),
    "organisation": lambda b: Q(organisation__site=b.site),
    "request": lambda b: Q(request__site=b.site),
    "letter": lambda b: Q(letter__site=b.site),
    "run": lambda b: Q(run__site=b.site),  # a check run's line results (monitoring)
}
OWNED = {
    "sites.site": lambda b: Q(pk=b.site.pk) | Q(parent=b.site),
    "accounts.user": lambda b: Q(pk__in=b.user_ids),
    "resources.asset": lambda b: Q(pk__in=b.asset_ids),
}


class UnknownTable(AssertionError):
    pass


def _owner_filters(b) -> dict:
    filters, unknown = {}, []
    for model in apps.get_models(include_auto_created=True):
        label = model._meta.label_lower
        if model._meta.app_label in NOT_SITE_DATA or model._meta.proxy:
            continue
        if label in PLATFORM_WIDE:
            filters[model] = Q()
        elif label in OWNED:
            filters[model] = OWNED[label](b)
        else:
            names = {f.name for f in model._meta.concrete_fields}
            conditions = [rule(b) for name, rule in OWNED_THROUGH.items() if name in names]
            if not conditions:
                unknown.append(label)
                continue
            condition = conditions[0]
            for other in conditions[1:]:
                condition |= other
            filters[model] = condition
    if unknown:
        raise UnknownTable(
            f"The isolation walk does not know which rows of {unknown} belong to a site: add the table to "
            "OWNED, OWNED_THROUGH, PLATFORM_WIDE or NOT_SITE_DATA in tests/security/isolation.py."
        )
    return filters


class SiteRows:
    """A snapshot of site B's rows: {table: (count, hash of the rows)} of every table with B's data."""

    def __init__(self, b):
        b.user_ids = sorted(user.pk for user in b.users.values())
        b.asset_ids = sorted(
            set(Asset.objects.filter(Q(revisions__resource__site=b.site) | Q(uploaded_by__in=b.user_ids))
                .values_list("pk", flat=True))
        )  # fmt: skip
        self.filters = _owner_filters(b)

    def take(self) -> dict[str, tuple[int, str]]:
        result = {}
        for model, condition in self.filters.items():
            rows = list(model._base_manager.filter(condition).distinct().order_by("pk").values_list())
            result[model._meta.db_table] = (len(rows), hashlib.sha256(repr(rows).encode()).hexdigest())
        return result


def changed_tables(before: dict, after: dict) -> list[str]:
    return sorted(table for table in before.keys() | after.keys() if before.get(table) != after.get(table))


WRITING = ("INSERT", "UPDATE", "DELETE", "REPLACE")


@contextmanager
def recording_writes():
    """Yields a list that gathers every statement writing to the database while it is open."""
    writes: list[str] = []

    def record(execute, sql, params, many, context):
        verb = sql.lstrip().split(None, 1)[0].upper() if sql.strip() else ""
        if verb in WRITING and "django_session" not in sql:
            writes.append(" ".join(sql.split())[:160])
        return execute(sql, params, many, context)

    with connection.execute_wrapper(record):
        yield writes
