"""OPS-5: rectification orders (整改督办单) for serious problems, due within 1 day (Tianjin art.14(四)
"整改时限不超过1天": 24 hours, not a working day); answered by the site's administrators with what
was done, closed or sent back by platform administrators; overdue shown; audited; on the work page
of the people concerned and listed in the back office (OPS-7: the ledger's problems and their
rectification)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from auditlog.events import AuditEvent
from auditlog.models import AuditEntry
from monitoring import rectification
from monitoring.models import RectificationStatus
from sites.models import Role, SiteStatus
from tests.factories import SiteFactory, UserFactory
from tests.helpers import admin_url, log_in

pytestmark = pytest.mark.django_db
ISSUED = dt.datetime(2026, 5, 29, 16, 0, tzinfo=dt.UTC)  # a Friday: the deadline is still the next day


@pytest.fixture
def desk(db, make_member):
    site = SiteFactory(name="整改示例局")
    return type("Desk", (), {
        "site": site,
        "platform": UserFactory(is_platform_admin=True),
        "admin": make_member(site, Role.SITE_ADMIN, username="zg-admin", email="zg-admin@example.gov.cn"),
        "reviewer": make_member(site, Role.REVIEWER, username="zg-reviewer"),
        "editor": make_member(site, Role.EDITOR, username="zg-editor"),
    })  # fmt: skip


def test_ops5_order_due_one_calendar_day_later_and_site_admins_told(desk, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        order = rectification.issue_order(desk.site, problem="首页已15天未更新", acting_user=desk.platform, now=ISSUED)
    assert order.due_at == ISSUED + dt.timedelta(hours=24)  # Saturday: a calendar day, not the next working day
    assert order.status == RectificationStatus.OPEN
    assert [m.to for m in mail.outbox] == [["zg-admin@example.gov.cn"]] and "首页已15天未更新" in mail.outbox[0].body
    entry = AuditEntry.objects.get(action=AuditEvent.RECTIFICATION_ORDER_ISSUE)
    assert entry.actor == desk.platform and entry.site_id == desk.site.pk


def test_ops5_overdue_just_after_the_day(desk):
    order = rectification.issue_order(desk.site, problem="空白栏目5个", acting_user=desk.platform, now=ISSUED)
    assert not rectification.is_overdue(order, ISSUED + dt.timedelta(hours=23, minutes=59))
    assert not rectification.is_overdue(order, ISSUED + dt.timedelta(hours=24))
    assert rectification.is_overdue(order, ISSUED + dt.timedelta(hours=24, seconds=1))
    rectification.answer_order(order, answer="已补充内容", acting_user=desk.admin,
                               now=ISSUED + dt.timedelta(hours=30))  # fmt: skip
    order.refresh_from_db()
    assert not rectification.is_overdue(order, ISSUED + dt.timedelta(days=3)) and rectification.answered_late(order)


def test_ops5_who_may_do_each_step(desk):
    with pytest.raises(PermissionDenied):
        rectification.issue_order(desk.site, problem="x", acting_user=desk.admin)
    with pytest.raises(ValidationError):
        rectification.issue_order(desk.site, problem="  ", acting_user=desk.platform)
    order = rectification.issue_order(desk.site, problem="栏目不更新", acting_user=desk.platform, now=ISSUED)
    for user in (desk.reviewer, desk.editor, SiteFactory() and UserFactory()):
        with pytest.raises(PermissionDenied):
            rectification.answer_order(order, answer="已处理", acting_user=user)
    with pytest.raises(ValidationError):
        rectification.close_order(order, acting_user=desk.platform)  # not answered yet
    rectification.answer_order(order, answer="已更新栏目", acting_user=desk.admin, now=ISSUED + dt.timedelta(hours=2))
    with pytest.raises(PermissionDenied):
        rectification.close_order(order, acting_user=desk.admin)
    rectification.close_order(order, note="复核已整改", acting_user=desk.platform)
    order.refresh_from_db()
    assert order.status == RectificationStatus.CLOSED and order.closed_by == desk.platform
    kinds = list(AuditEntry.objects.filter(object_id=str(order.pk)).order_by("id").values_list("action", flat=True))
    assert kinds == [AuditEvent.RECTIFICATION_ORDER_ISSUE, AuditEvent.RECTIFICATION_ORDER_ANSWER,
                     AuditEvent.RECTIFICATION_ORDER_CLOSE]  # fmt: skip


def test_ops5_sent_back_opens_a_new_day(desk):
    order = rectification.issue_order(desk.site, problem="错链", acting_user=desk.platform, now=ISSUED)
    rectification.answer_order(order, answer="已修改", acting_user=desk.admin, now=ISSUED + dt.timedelta(hours=3))
    later = ISSUED + dt.timedelta(hours=5)
    with pytest.raises(ValidationError):
        rectification.send_back(order, reason="", acting_user=desk.platform, now=later)
    rectification.send_back(order, reason="仍有2处错链", acting_user=desk.platform, now=later)
    order.refresh_from_db()
    assert order.status == RectificationStatus.OPEN and order.due_at == later + dt.timedelta(days=1)
    assert order.times_sent_back == 1


def test_ops5_no_order_for_a_closed_site(desk):
    closed = SiteFactory(status=SiteStatus.CLOSED)
    with pytest.raises(ValidationError):
        rectification.issue_order(closed, problem="首页打不开", acting_user=desk.platform)


def test_ops5_back_office_issue_answer_close(desk, backoffice_client):
    platform = log_in(backoffice_client, desk.platform)
    response = platform.post(admin_url("monitoring_rectification"), {"site": desk.site.pk, "problem": "首页打不开"})
    order = desk.site.rectification_orders.get()
    assert response.status_code == 302
    admin = log_in(backoffice_client, desk.admin)
    page = admin.get(admin_url("monitoring_rectification_order", order.pk)).content.decode()
    assert "首页打不开" in page and "报告整改情况" in page and "确认办结" not in page
    work = admin.get(admin_url("index")).content.decode()
    assert "未办结的整改督办单" in work and order.number in work
    admin.post(admin_url("monitoring_rectification_order", order.pk), {"step": "answer", "text": "已恢复访问"})
    order.refresh_from_db()
    assert order.status == RectificationStatus.ANSWERED and order.answer == "已恢复访问"
    assert admin.post(admin_url("monitoring_rectification_order", order.pk),
                      {"step": "close", "text": ""}).status_code == 403  # fmt: skip
    platform = log_in(backoffice_client, desk.platform)
    page = platform.get(admin_url("monitoring_rectification_order", order.pk)).content.decode()
    assert "确认办结" in page and "退回" in page
    platform.post(admin_url("monitoring_rectification_order", order.pk), {"step": "close", "text": "复核通过"})
    order.refresh_from_db()
    assert order.status == RectificationStatus.CLOSED
    assert "未办结的整改督办单" not in log_in(backoffice_client, desk.admin).get(admin_url("index")).content.decode()


def test_ops5_overdue_flagged_and_other_sites_kept_out(desk, backoffice_client, make_member):
    order = rectification.issue_order(desk.site, problem="首页不更新", acting_user=desk.platform,
                                      now=timezone.now() - dt.timedelta(days=2))  # fmt: skip
    page = log_in(backoffice_client, desk.reviewer).get(admin_url("monitoring_rectification")).content.decode()
    assert order.number in page and "逾期" in page
    stranger = make_member(SiteFactory(), Role.SITE_ADMIN, username="zg-other")
    client = log_in(backoffice_client, stranger)
    assert order.number not in client.get(admin_url("monitoring_rectification")).content.decode()
    assert client.get(admin_url("monitoring_rectification_order", order.pk)).status_code == 404
    assert client.post(admin_url("monitoring_rectification"), {"site": desk.site.pk, "problem": "x"}).status_code == 403


def test_ops5_order_from_a_line_of_the_daily_check(desk, backoffice_client):
    """The dashboard links to the form with ?site=&line=: the problem is written from the site's latest
    result of that line, and the order keeps the line and the run it came from."""
    from monitoring.lines import State
    from monitoring.models import CheckRun, LineResult

    run = CheckRun.objects.create(site=desk.site, day=dt.date(2026, 5, 28), started_at=ISSUED, state=State.VETO)
    LineResult.objects.create(run=run, line_key="empty_columns", label="空白栏目", unit="个", value=5, warning=2,
                              veto=5, state=State.VETO, offenders=[{"label": "政策解读"}, {"label": "人事信息"}],
                              offender_count=2)  # fmt: skip
    client = log_in(backoffice_client, desk.platform)
    query = f"?site={desk.site.pk}&line=empty_columns"
    page = client.get(admin_url("monitoring_rectification") + query).content.decode()
    assert "空白栏目：5个（2026-05-28）：政策解读、人事信息" in page
    client.post(admin_url("monitoring_rectification"), {"site": desk.site.pk, "line": "empty_columns",
                                                         "problem": "空白栏目：5个：政策解读、人事信息"})  # fmt: skip
    order = desk.site.rectification_orders.get()
    assert (order.line_key, order.line_label, order.run_id) == ("empty_columns", "空白栏目", run.pk)
    assert "空白栏目" in client.get(admin_url("monitoring_rectification_order", order.pk)).content.decode()
