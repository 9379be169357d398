"""Confirmation pages never contradict themselves (issue 14 item 7; SITE-11, TPL-11).

A lifecycle page (every step of backoffice/lifecycle_steps.py and every decision on an
application) either lists what blocks the step, with no button to confirm it, or offers the
button, with nothing listed against it. An operation that can be undone (archiving a column,
undone by "End the archiving") is not presented as irreversible.
"""

import re

import pytest
from django.utils import timezone

from backoffice.lifecycle_steps import DECISIONS, STEPS
from lifecycle import decisions, offline
from sites.models import Site
from tests.helpers import admin_url, log_in
from tests.lifecycle.conftest import complete_for_opening, report

pytestmark = pytest.mark.django_db


def main_part(html: str) -> str:
    """The page's own content (the header holds the language switch, a form of its own)."""
    return html.split('id="content-main"', 1)[1]


def offers_confirmation(html: str) -> bool:
    return bool(re.search(r'type="submit"|name="confirm"', main_part(html)))


def lists_blockers(html: str) -> bool:
    return 'id="blockers"' in main_part(html)


def next_year(month, day):
    now = timezone.localtime()
    return now.replace(year=now.year + 1, month=month, day=day, hour=9, minute=0, second=0, microsecond=0)


def applying_site(client, platform) -> Site:
    """A department site applied for and approved by the other administrator, not yet complete."""
    client.post(admin_url("sites_site_apply"), {
        "name": "示范市统计局", "unit_name": "示范市统计局", "kind": "department", "parent": platform.city.pk,
        "organiser": "示范市统计局", "contact_phone": "0399-2261501", "contact_email": "tjj@example.gov.cn",
        "contact_address": "示范市人民路20号", "primary_domain": "tjj." + platform.city.primary_domain[4:],
        "reason": "新设部门网站",
    })  # fmt: skip
    site = Site.objects.get(name="示范市统计局")
    decisions.approve(site.applications.get(), acting_user=platform.other_admin)
    return site


def test_the_go_online_page_lists_what_is_missing_and_offers_no_button(platform, backoffice_client, committed):
    client = log_in(backoffice_client, platform.platform_admin)
    site = applying_site(client, platform)
    url = admin_url("sites_site_lifecycle", site.pk, "go_online")

    missing = client.get(url).content.decode()

    assert lists_blockers(missing)
    assert "没有网站标识码的网站不得上线" in missing
    assert not offers_confirmation(missing)
    assert re.search(r'id="blockers".*?<a href="/admin/', missing, re.DOTALL)  # each gap links to its fix

    client.post(admin_url("sites_site_lifecycle", site.pk, "id_code"), {"id_code": "1399000006", "confirm": "yes"})
    client.post(admin_url("sites_site_lifecycle", site.pk, "security_check"),
                {"passed": "on", "report": report(), "note": "", "confirm": "yes"})  # fmt: skip
    site.refresh_from_db()
    complete_for_opening(site, platform.staff(site, "tjj"), platform.platform_admin)
    complete = client.get(url).content.decode()

    assert not lists_blockers(complete)
    assert offers_confirmation(complete)


def test_no_lifecycle_page_offers_a_button_while_it_lists_a_blocker(platform, backoffice_client):
    client = log_in(backoffice_client, platform.platform_admin)
    applying = applying_site(client, platform)
    pending = offline.apply_for_offline(platform.dept, starts_at=next_year(3, 1), ends_at=next_year(3, 3),
                                        reason="系统升级", acting_user=platform.dept_staff.admin)  # fmt: skip
    pages = [admin_url("sites_site_lifecycle", site.pk, step) for site in (platform.city, platform.dept, applying)
             for step in STEPS]  # fmt: skip
    pages += [admin_url("sites_site_decision", platform.dept.pk, pending.pk, decision) for decision in DECISIONS]
    contradictions, blocked, offered = [], 0, 0

    for url in pages:
        response = client.get(url)
        if response.status_code != 200:
            continue
        html = response.content.decode()
        blockers, button = lists_blockers(html), offers_confirmation(html)
        blocked, offered = blocked + blockers, offered + button
        if blockers == button:
            contradictions.append(f"{url}: {'blockers and a button' if button else 'neither blockers nor a button'}")

    assert contradictions == []
    assert blocked >= 3 and offered >= 20, (blocked, offered)  # both kinds of page were seen


def test_archiving_a_column_is_not_called_irreversible(platform, backoffice_client):
    client = log_in(backoffice_client, platform.dept_staff.admin)
    selection = {"action": "archive_columns", "_selected_action": [platform.dept_news.pk]}

    page = client.post(admin_url("columns_column_changelist"), selection).content.decode()

    assert "不可撤销" not in page and "cannot be undone" not in page
    assert "取消所选栏目的归档" in page  # says how it is undone, by the name of the list's action
    assert "delete-confirmation" not in page  # not styled as a deletion


def test_irreversible_steps_say_so_and_undoable_steps_say_how(platform, backoffice_client):
    """A step that can be undone names the way back and never says it cannot be undone."""
    for name, step in STEPS.items():
        if step.undo:
            assert not step.irreversible, name
    client = log_in(backoffice_client, platform.platform_admin)
    page = client.get(admin_url("sites_site_lifecycle", platform.dept.pk, "archive")).content.decode()

    assert "不可撤销" not in page and "取消归档" in page
