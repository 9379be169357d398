"""Change filings: organiser, person in charge, contact, domain, column structure and address (SITE-8)."""

import datetime as dt

import pytest
from django.utils import timezone

from columns.models import Column
from editorial.scheduling import unpublish_due
from lifecycle import column_changes as column_actions
from lifecycle import site_settings as site_actions
from lifecycle.models import ChangeFiling, FilingKind
from resources.models import Resource
from sites.models import Domain, SiteStatus
from tests.lifecycle.conftest import audit_actions, page, public_get, publish_article, routed

pytestmark = pytest.mark.django_db


def filings(site):
    return list(ChangeFiling.objects.filter(site=site).order_by("id"))


def test_organiser_person_in_charge_and_contact_changes_are_filed(platform):  # SITE-8
    site = platform.dept
    old_organiser = site.organiser
    site.organiser = "示范市水利局"
    site.person_in_charge = "林国栋"
    site.contact_phone = "0399-2261399"
    site.contact_email = "slj@example.gov.cn"

    site_actions.update_site(site, acting_user=platform.platform_admin)

    by_kind = {filing.kind: filing for filing in filings(site)}
    assert set(by_kind) == {FilingKind.ORGANISER, FilingKind.PERSON_IN_CHARGE, FilingKind.CONTACT}
    assert by_kind[FilingKind.ORGANISER].before == {"organiser": old_organiser}
    assert by_kind[FilingKind.ORGANISER].after == {"organiser": "示范市水利局"}
    assert by_kind[FilingKind.PERSON_IN_CHARGE].after == {"person_in_charge": "林国栋"}
    assert by_kind[FilingKind.CONTACT].after == {"contact_phone": "0399-2261399", "contact_email": "slj@example.gov.cn"}
    assert {f.filed_by for f in by_kind.values()} == {platform.platform_admin}
    assert audit_actions(site).count("site.change_filing") == 3


def test_a_site_administrator_files_contact_changes_too(platform):  # SITE-8
    platform.dept.contact_address = "示范市滨河路28号"

    site_actions.update_site(platform.dept, acting_user=platform.dept_staff.admin)

    [filing] = filings(platform.dept)
    assert (filing.kind, filing.filed_by) == (FilingKind.CONTACT, platform.dept_staff.admin)


def test_changes_before_opening_are_not_filed(platform):  # SITE-8
    platform.dept.status = SiteStatus.APPROVED
    platform.dept.save()
    platform.dept.organiser = "示范市水利局"

    site_actions.update_site(platform.dept, acting_user=platform.platform_admin)

    assert filings(platform.dept) == []


def test_column_structure_and_address_changes_are_filed_and_old_addresses_kept(platform, committed):  # SITE-8
    with committed():
        article = publish_article(platform.dept, platform.dept_news, "水务局召开工作会议", platform.dept_staff)
    admin = platform.dept_staff.admin
    parent = column_actions.create_column(
        Column(site=platform.dept, name="新闻中心", slug="xwzx", description="新闻", column_type="工作动态",
               responsible_person="张三"),
        acting_user=admin,
    )  # fmt: skip
    news = Column.objects.get(pk=platform.dept_news.pk)
    news.name = "水务动态"
    with committed():
        column_actions.update_column(news, acting_user=admin)
        column_actions.move_column(Column.objects.get(pk=news.pk), parent, "first-child", acting_user=admin)

    kinds = [(f.kind, f.subject) for f in filings(platform.dept)]
    assert kinds == [
        (FilingKind.COLUMN_STRUCTURE, "xwzx/"),
        (FilingKind.COLUMN_STRUCTURE, "gzdt/"),
        (FilingKind.COLUMN_URL, "水务动态"),
        (FilingKind.COLUMN_STRUCTURE, "xwzx/gzdt/"),
    ]
    url_filing = filings(platform.dept)[2]
    assert (url_filing.before, url_filing.after) == ("gzdt/", "xwzx/gzdt/")
    host = platform.dept.primary_domain
    response = public_get(host, f"/gzdt/{article.pk}.html")
    assert response.status_code == 301 and response["Location"] == f"/xwzx/gzdt/{article.pk}.html"
    assert public_get(host, response["Location"]).status_code == 200


def test_a_column_back_at_an_old_address_takes_it_back(platform):  # SITE-8, LINK-1
    admin = platform.dept_staff.admin
    news = Column.objects.get(pk=platform.dept_news.pk)
    news.slug = "zwdt"
    column_actions.update_column(news, acting_user=admin)
    assert public_get(platform.dept.primary_domain, "/gzdt/").status_code == 301

    column_actions.create_column(
        Column(site=platform.dept, name="工作动态", slug="gzdt", description="动态", column_type="工作动态",
               responsible_person="张三"),
        acting_user=admin,
    )  # fmt: skip

    assert public_get(platform.dept.primary_domain, "/gzdt/").status_code == 404  # no content yet: not redirected


def test_deleting_a_column_is_filed(platform):  # SITE-8
    column_actions.delete_column(Column.objects.get(pk=platform.dept_notices.pk), acting_user=platform.dept_staff.admin)

    [filing] = filings(platform.dept)
    assert (filing.kind, filing.before["path"], filing.after) == (FilingKind.COLUMN_STRUCTURE, "tzgg/", None)


def test_a_domain_change_is_filed_redirected_and_announced_on_the_old_site(platform, committed):  # SITE-8
    with committed():
        article = publish_article(platform.dept, platform.dept_news, "水务局召开工作会议", platform.dept_staff)
    old = platform.dept.primary_domain
    new = "slj." + old.split(".", 1)[1]

    with committed():
        site_actions.add_domain(platform.dept, new, is_primary=True, acting_user=platform.platform_admin)

    assert [(f.kind, f.before, f.after) for f in filings(platform.dept)] == [
        (FilingKind.DOMAIN, None, new),
        (FilingKind.DOMAIN, old, new),
    ]
    response = public_get(old, f"/gzdt/{article.pk}.html?from=bookmark")
    assert response.status_code == 301 and response["Location"] == f"https://{new}/gzdt/{article.pk}.html"
    assert public_get(old, "/")["Location"] == f"https://{new}/"
    assert routed(old) and not routed(new)
    assert public_get(new, f"/gzdt/{article.pk}.html").status_code == 200
    notice = Resource.objects.get(site=platform.dept, title="关于示范市水务局域名变更的公告")
    assert old in page(new, f"tzgg/{notice.pk}.html") and new in page(new, f"tzgg/{notice.pk}.html")
    assert notice.unpublish_at - timezone.now() > dt.timedelta(days=29)

    with committed():
        unpublish_due(now=timezone.now() + dt.timedelta(days=31))
    assert page(new, f"tzgg/{notice.pk}.html") is None


def test_making_an_old_domain_primary_again_ends_its_redirect(platform):  # SITE-8
    old = platform.dept.primary_domain
    new = "slj." + old.split(".", 1)[1]
    site_actions.add_domain(platform.dept, new, is_primary=True, acting_user=platform.platform_admin)

    site_actions.set_primary_domain(Domain.objects.get(name=old), acting_user=platform.platform_admin)

    assert public_get(old, "/").status_code != 301
    assert public_get(new, "/")["Location"] == f"https://{old}/"


def test_a_moved_columns_address_without_its_slash_is_redirected_too(platform):  # SITE-8, LINK-1
    news = Column.objects.get(pk=platform.dept_news.pk)
    news.slug = "zwdt"
    column_actions.update_column(news, acting_user=platform.dept_staff.admin)

    host = platform.dept.primary_domain
    assert public_get(host, "/gzdt")["Location"] == "/zwdt/"
    assert public_get(host, "/gzdt/")["Location"] == "/zwdt/"
    assert public_get(host, "/gzdt/page-2.html")["Location"] == "/zwdt/page-2.html"
    assert public_get(host, "/gzdtx/").status_code == 404
