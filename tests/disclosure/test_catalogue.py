"""The disclosure attribute decided at review (PUB-10) and the catalogue's index numbers (DISC-2, RES-7)."""

import datetime as dt
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from columns.models import SubUnit
from disclosure import catalogue
from disclosure.models import CatalogueEntry, IndexSerial, Organisation, SubjectCategory
from editorial import placements, queries, workflow
from publishing.publisher import publish_site
from resources.models import Disclosure, Resource, ResourceKind, ResourceStatus
from sites.models import Role
from tests.editorial.conftest import member, team  # noqa: F401  (the fixture)
from tests.editorial.factories import edit, make_resource
from tests.factories import ColumnFactory
from tests.rendering.conftest import DOMAIN, Builder
from workdays.days import UnknownYear

CODE = "11130600MB0123456X"


def year() -> int:
    return timezone.localdate().year


def organisation(site, code=CODE, **fields):
    return Organisation.objects.create(site=site, name=fields.pop("name", site.name), code=code, **fields)


def disclose(team, **fields):  # noqa: F811
    resource = team.resource(**fields)
    workflow.submit(resource, acting_user=team.editor)
    workflow.approve(resource, acting_user=team.reviewers[0])
    resource.refresh_from_db()
    return resource


def test_first_disclosure_assigns_unique_numbers_in_order(team):  # noqa: F811  DISC-2, RES-7
    organisation(team.site)
    first, second = disclose(team, title="第一条通知"), disclose(team, title="第二条通知")
    assert first.index_number == f"{CODE}/{year()}-00001"
    assert second.index_number == f"{CODE}/{year()}-00002"
    assert CatalogueEntry.objects.get(resource=second).index_number == second.index_number
    assert IndexSerial.objects.get(organisation__code=CODE, year=year()).last == 2


def test_a_withdrawn_number_is_never_given_again_and_stays_with_its_item(team):  # noqa: F811  DISC-2
    organisation(team.site)
    first = disclose(team, title="将被撤下的通知")
    number = first.index_number
    workflow.withdraw(first, acting_user=team.editor)
    assert CatalogueEntry.objects.filter(resource=first, index_number=number).exists()  # kept
    second = disclose(team, title="之后的通知")
    assert second.index_number == f"{CODE}/{year()}-00002"
    edit(first, author=team.editor, title="将被撤下的通知（修订）")
    workflow.submit(first, acting_user=team.editor)
    workflow.approve(first, acting_user=team.reviewers[0])
    first.refresh_from_db()
    assert first.index_number == number  # approved again: the same number
    assert CatalogueEntry.objects.count() == 2


def test_no_organisation_means_no_number_and_the_item_is_listed(team):  # noqa: F811  DISC-2
    resource = disclose(team)
    assert resource.status == ResourceStatus.PUBLISHED and resource.index_number == ""
    assert list(catalogue.unnumbered(team.site_admin)) == [resource]
    organisation(team.site)
    [entry] = catalogue.number_unnumbered(team.site, acting_user=team.site_admin)
    assert entry.index_number == f"{CODE}/{year()}-00001"
    assert not catalogue.unnumbered(team.site_admin).exists()


def test_a_sub_units_column_numbers_with_its_code(team):  # noqa: F811  DISC-2, SITE-10
    organisation(team.site)
    unit = SubUnit.objects.create(portal=team.site, name="城关镇", kind="township")
    parent = ColumnFactory(site=team.site, name="城关镇", review_levels=1)
    child = ColumnFactory(site=team.site, parent=parent, name="镇务公开", review_levels=1)
    unit.columns.set([parent])
    organisation(team.site, code="11130600MB0000001A", sub_unit=unit, name="城关镇人民政府")
    resource = disclose(team, column=child)
    assert resource.index_number == f"11130600MB0000001A/{year()}-00001"


def test_catalogue_metadata_comes_from_the_policy_and_follows_later_versions(team):  # noqa: F811  DISC-2
    organisation(team.site)
    SubjectCategory.objects.get_or_create(name="综合政务", defaults={"code": "zhzw-test"})
    data = {"body": "<p>正文</p>", "document_number": "保政发〔2024〕3号", "issuing_body": "保定市人民政府",
            "signing_date": "2024-03-01", "validity": "valid"}  # fmt: skip
    policy = team.resource(kind=ResourceKind.POLICY, title="办法", data=data, metadata={"classification": "综合政务"})
    workflow.submit(policy, acting_user=team.editor)
    workflow.approve(policy, acting_user=team.reviewers[0])
    entry = CatalogueEntry.objects.get(resource=policy)
    assert (entry.document_number, entry.issuing_organisation, entry.written_on, entry.subject.name) == (
        "保政发〔2024〕3号",
        "保定市人民政府",
        dt.date(2024, 3, 1),
        "综合政务",
    )
    edit(policy, author=team.editor, data={**data, "document_number": "保政发〔2024〕4号"})
    workflow.submit(policy, acting_user=team.editor)
    workflow.approve(policy, acting_user=team.reviewers[0])
    entry.refresh_from_db()
    assert entry.document_number == "保政发〔2024〕4号" and entry.index_number.endswith("-00001")


def test_twenty_working_days_from_the_version_to_its_disclosure(team):  # noqa: F811  DISC-2 (条例 art.26)
    organisation(team.site)
    resource = team.resource(title="迟到的公开")
    resource.current_revision.__class__.objects.filter(pk=resource.current_revision_id).update(
        created_at=timezone.make_aware(dt.datetime(2025, 9, 15, 9, 0))
    )
    workflow.submit(resource, acting_user=team.editor)
    workflow.approve(resource, acting_user=team.reviewers[0])
    entry = CatalogueEntry.objects.get(resource=resource)
    # 20 working days after 15 September 2025: across the make-up working days (28 September,
    # 11 October) and the National Day holiday (1-8 October).
    assert entry.made_on == dt.date(2025, 9, 15) and entry.due_on == dt.date(2025, 10, 17)
    assert entry.late and list(catalogue.late_entries(team.site_admin)) == [entry]
    on_time = disclose(team, title="及时公开")
    assert not CatalogueEntry.objects.get(resource=on_time).late


def test_an_unknown_year_leaves_the_deadline_open_and_listed(team, monkeypatch):  # noqa: F811  DISC-2
    organisation(team.site)

    def unknown(start, count):
        raise UnknownYear(start.year + 1)

    monkeypatch.setattr(catalogue, "add_working_days", unknown)
    resource = disclose(team)  # the approval never fails on it
    entry = CatalogueEntry.objects.get(resource=resource)
    assert entry.due_on is None and not entry.late
    assert entry in catalogue.late_entries(team.site_admin)
    assert str(year() + 1) in catalogue.unknown_year_text(year() + 1)


# --- PUB-10 ----------------------------------------------------------------------------------------


def test_content_on_request_is_approved_but_never_online(team):  # noqa: F811  PUB-10
    organisation(team.site)
    resource = team.resource()
    workflow.submit(resource, acting_user=team.editor)
    workflow.approve(resource, acting_user=team.reviewers[0], disclosure=Disclosure.ON_REQUEST)
    resource.refresh_from_db()
    assert resource.disclosure == Disclosure.ON_REQUEST and resource.published_revision is None
    assert resource.status == ResourceStatus.WITHDRAWN and resource.index_number == ""
    assert not CatalogueEntry.objects.exists() and not list(queries.shown_placements(team.column))
    with pytest.raises(ValidationError) as refused:
        placements.place(resource, team.column, acting_user=team.editor)
    assert refused.value.code in ("not_usable", "not_proactive")


def test_withheld_needs_its_reason(team):  # noqa: F811  PUB-10
    resource = team.resource()
    workflow.submit(resource, acting_user=team.editor)
    with pytest.raises(ValidationError) as refused:
        workflow.approve(resource, acting_user=team.reviewers[0], disclosure=Disclosure.WITHHELD)
    assert "disclosure_reason" in refused.value.message_dict
    workflow.approve(
        resource, acting_user=team.reviewers[0], disclosure=Disclosure.WITHHELD, disclosure_reason="涉及国家秘密"
    )
    resource.refresh_from_db()
    assert (resource.disclosure, resource.disclosure_reason) == (Disclosure.WITHHELD, "涉及国家秘密")


def test_a_published_item_decided_withheld_goes_offline(team):  # noqa: F811  PUB-10
    resource = disclose(team)
    edit(resource, author=team.editor, title="改为不予公开")
    workflow.submit(resource, acting_user=team.editor)
    workflow.approve(
        resource, acting_user=team.reviewers[0], disclosure=Disclosure.WITHHELD, disclosure_reason="第十四条"
    )
    resource.refresh_from_db()
    assert resource.published_revision is None and not list(queries.shown_placements(team.column))


def test_put_online_and_placing_refuse_what_is_not_proactive(team):  # noqa: F811  PUB-10
    resource = disclose(team)
    Resource.objects.filter(pk=resource.pk).update(disclosure=Disclosure.ON_REQUEST)  # bypassing the actions
    resource.refresh_from_db()
    with pytest.raises(ValidationError) as refused:
        placements.place(resource, ColumnFactory(site=team.site), acting_user=team.editor)
    assert refused.value.code == "not_proactive"
    assert not list(queries.shown_placements(team.column))  # the defence in the query


@pytest.fixture
def public_site(db, settings, tmp_path):
    settings.PUBLISH_ROOT = tmp_path / "publish"
    settings.MEDIA_ROOT = tmp_path / "media"
    b = Builder(Path(settings.PUBLISH_ROOT))
    b.news = b.column("xwzx", "新闻中心", channel=True)
    b.editor = member(b.site, Role.EDITOR, username="pub-editor")
    b.reviewer = member(b.site, Role.REVIEWER, username="pub-reviewer")
    return b


def test_only_proactive_items_reach_the_public_pages(public_site):  # PUB-10
    b = public_site
    shown = make_resource(b.site, author=b.editor, column=b.news, title="主动公开的通知")
    kept = make_resource(b.site, author=b.editor, column=b.news, title="依申请公开的报告")
    for resource, disclosure in ((shown, Disclosure.PROACTIVE), (kept, Disclosure.ON_REQUEST)):
        workflow.submit(resource, acting_user=b.editor)
        workflow.approve(resource, acting_user=b.reviewer, disclosure=disclosure)
    publish_site(b.site.pk)
    root = Path(b.root) / DOMAIN
    listing = (root / "xwzx" / "index.html").read_text(encoding="utf-8")
    assert (root / "xwzx" / f"{shown.pk}.html").exists() and "主动公开的通知" in listing
    assert not (root / "xwzx" / f"{kept.pk}.html").exists() and "依申请公开的报告" not in listing
    # Defence: an online item whose attribute was changed behind the actions' back never renders.
    Resource.objects.filter(pk=shown.pk).update(disclosure=Disclosure.WITHHELD)
    publish_site(b.site.pk)
    assert not (root / "xwzx" / f"{shown.pk}.html").exists()
    assert not (root / "xwzx" / "index.html").exists()  # the column has nothing to show: hidden
    assert "主动公开的通知" not in (root / "index.html").read_text(encoding="utf-8")
