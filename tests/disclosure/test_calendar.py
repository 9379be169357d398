"""The administrators' table of holidays and make-up working days (DISC-3): kept by platform
administrators in the back office (one day, or a year's arrangement pasted as lines), every change
audited; a year chinese-calendar does not know is handled through it; the work page warns from
1 November while next year's holidays are missing."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation

from auditlog.models import AuditEntry
from backoffice import work_calendar
from disclosure import calendar
from sites.models import Role
from tests.factories import MembershipFactory, SiteFactory, UserFactory
from tests.helpers import log_in
from workdays import days
from workdays.models import CalendarDay

pytestmark = pytest.mark.django_db
D = dt.date
# A year no chinese-calendar release knows: the table alone answers for it.
YEAR = 2099
ARRANGEMENT = f"""
# 国务院办公厅关于{YEAR}年部分节假日安排的通知（示例）
{YEAR}-01-01 休 元旦
{YEAR}-10-01至{YEAR}-10-07 休 国庆节
{YEAR}年9月27日 班 国庆节调休
{YEAR}/10/10 班 国庆节调休
"""


@pytest.fixture
def admin_user(db):
    return UserFactory(is_platform_admin=True, username="calendar-admin")


def test_parse_arrangement_lines_and_ranges():  # DISC-3
    entries = calendar.parse_arrangement(ARRANGEMENT)
    assert [(e.day, e.working, e.name) for e in entries][:3] == [
        (D(YEAR, 1, 1), False, "元旦"),
        (D(YEAR, 9, 27), True, "国庆节调休"),
        (D(YEAR, 10, 1), False, "国庆节"),
    ]
    assert len(entries) == 1 + 7 + 2


def test_unreadable_lines_are_named_in_chinese():  # DISC-3
    with translation.override("zh-hans"), pytest.raises(ValidationError) as refused:  # as the back office asks
        calendar.parse_arrangement(f"{YEAR}-02-30 休 春节\n{YEAR}-01-01 元旦\n{YEAR}-03-09至{YEAR}-03-01 休 错误")
    assert refused.value.messages == [
        "第1行：没有这个日期。",
        "第2行：请依次写日期、“休”（放假）或“班”（调休上班）和名称，例如“2027-01-01 休 元旦”。",
        "第3行：日期范围须由前到后，最多31天。",
    ]


def test_unknown_year_handled_through_the_table(admin_user):  # DISC-3
    with pytest.raises(days.UnknownYear):
        days.add_working_days(D(YEAR, 9, 25), 20)
    calendar.enter_arrangement(ARRANGEMENT, acting_user=admin_user)
    days.forget_table()  # the action forgets it on commit; the test's transaction does not commit
    # Friday 25 September: Sunday 27 (make-up), Monday 28 to Wednesday 30, then the holiday is skipped.
    assert days.add_working_days(D(YEAR, 9, 25), 1) == D(YEAR, 9, 27)
    assert days.add_working_days(D(YEAR, 9, 25), 4) == D(YEAR, 9, 30)
    assert days.add_working_days(D(YEAR, 9, 25), 5) == D(YEAR, 10, 8)
    assert days.is_working_day(D(YEAR, 10, 10))  # a Saturday worked
    assert not days.is_working_day(D(YEAR, 10, 11))  # the Sunday after it is not
    entry = AuditEntry.objects.get(action="calendar.enter")
    assert entry.details["years"] == [YEAR] and entry.details["days_off"] == 8 and entry.details["working_days"] == 2


def test_entering_again_corrects_days(admin_user):  # DISC-3
    calendar.enter_arrangement(ARRANGEMENT, acting_user=admin_user)
    calendar.enter_arrangement(f"{YEAR}-10-10 休 国庆节", acting_user=admin_user)
    assert CalendarDay.objects.get(day=D(YEAR, 10, 10)).working is False
    assert CalendarDay.objects.filter(day__year=YEAR).count() == 10


@pytest.mark.parametrize("role", [Role.SITE_ADMIN, Role.EDITOR, Role.REVIEWER])
def test_only_platform_administrators_keep_the_table(role, backoffice_client):  # DISC-3
    user = MembershipFactory(site=SiteFactory(), role=role, user=UserFactory()).user
    with pytest.raises(PermissionDenied):
        calendar.enter_arrangement(ARRANGEMENT, acting_user=user)
    assert not CalendarDay.objects.exists()
    client = log_in(backoffice_client, user)
    assert client.get("/admin/workdays/calendarday/").status_code == 403
    assert client.get("/admin/workdays/calendarday/bulk/").status_code == 403
    response = client.post("/admin/workdays/calendarday/bulk/", {"text": ARRANGEMENT})
    assert response.status_code == 403 and not CalendarDay.objects.exists()


def test_back_office_bulk_entry_and_single_day(admin_user, backoffice_client):  # DISC-3
    client = log_in(backoffice_client, admin_user)
    zh = {"HTTP_ACCEPT_LANGUAGE": "zh-hans"}
    bad = client.post("/admin/workdays/calendarday/bulk/", {"text": f"{YEAR}-01-01 元旦"}, **zh)
    page = bad.content.decode()
    assert bad.status_code == 200 and "第1行" in page and f"{YEAR}-01-01 元旦</textarea>" in page  # kept as typed
    response = client.post("/admin/workdays/calendarday/bulk/", {"text": ARRANGEMENT}, **zh, follow=True)
    assert "已录入8天放假、2天调休上班。" in response.content.decode()
    listing = client.get(f"/admin/workdays/calendarday/?year={YEAR}", **zh).content.decode()
    assert "国庆节调休" in listing and "星期六" in listing and "调休上班日" in listing
    added = client.post("/admin/workdays/calendarday/add/", {"day": f"{YEAR}-05-01", "name": "劳动节"}, **zh)
    assert added.status_code == 302
    assert CalendarDay.objects.get(day=D(YEAR, 5, 1)).working is False
    assert AuditEntry.objects.filter(action="calendar.day_add", actor=admin_user).count() == 1
    row = CalendarDay.objects.get(day=D(YEAR, 5, 1))
    client.post(f"/admin/workdays/calendarday/{row.pk}/delete/", {"post": "yes"}, **zh)
    assert not CalendarDay.objects.filter(day=D(YEAR, 5, 1)).exists()
    assert AuditEntry.objects.filter(action="calendar.day_delete").count() == 1


def freeze_today(monkeypatch, day):
    """Today is `day` for the work page; timezone.localdate is Django's own function, which other
    panels call with a time to convert: only the call without arguments is answered with `day`."""
    real = work_calendar.timezone.localdate

    def localdate(value=None, timezone=None):
        return day if value is None else real(value, timezone)

    monkeypatch.setattr(work_calendar.timezone, "localdate", localdate)


def test_work_page_warns_from_november_while_next_year_is_missing(admin_user, backoffice_client, monkeypatch):  # DISC-3
    known = max(year for year in range(2020, 2100) if days.package_knows(year))
    unknown = known + 1
    client = log_in(backoffice_client, admin_user)
    zh = {"HTTP_ACCEPT_LANGUAGE": "zh-hans"}

    def today_is(day):
        freeze_today(monkeypatch, day)

    today_is(D(known, 10, 31))
    assert "panel-calendar" not in client.get("/admin/", **zh).content.decode()  # before 1 November: nothing
    today_is(D(known, 11, 1))
    page = client.get("/admin/", **zh).content.decode()
    assert "panel-calendar" in page and f"{unknown}年节假日安排尚未录入" in page
    calendar.enter_arrangement(f"{unknown}-01-01 休 元旦", acting_user=admin_user)
    days.forget_table()
    assert "panel-calendar" not in client.get("/admin/", **zh).content.decode()


def test_work_page_shows_no_calendar_panel_to_site_administrators(backoffice_client, monkeypatch):  # DISC-3
    site_admin = MembershipFactory(site=SiteFactory(), role=Role.SITE_ADMIN, user=UserFactory()).user
    freeze_today(monkeypatch, D(YEAR, 11, 2))
    page = log_in(backoffice_client, site_admin).get("/admin/").content.decode()
    assert "panel-calendar" not in page
