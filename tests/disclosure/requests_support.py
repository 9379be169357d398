"""What the tests of applications for disclosure share (DISC-3): a site with its organisation,
the people who handle applications, a second site, and an application made through the action."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

import pytest

from disclosure import request_actions as actions
from disclosure import request_submission as submission
from disclosure.models import ApplicantKind, Organisation
from sites.models import Role
from tests.factories import MembershipFactory, SiteFactory, UserFactory

SHANGHAI = ZoneInfo("Asia/Shanghai")


def at(year, month, day, hour=10) -> dt.datetime:
    """A moment of a day in China (the actions count days in Asia/Shanghai)."""
    return dt.datetime(year, month, day, hour, tzinfo=SHANGHAI)


def member(site, role, username):
    return MembershipFactory(site=site, role=role, user=UserFactory(username=username)).user


NATURAL = {
    "applicant_kind": ApplicantKind.NATURAL,
    "name": "王小明",
    "id_type": "resident_id",
    "id_number": "130602199001011234",
    "work_unit": "保定市第一中学",
    "phone": "13812345678",
    "email": "wang@example.com",
    "address": "河北省保定市竞秀区东风中路100号",
    "postal_code": "071000",
    "description": "2025年本市中小学校舍维修的项目清单及资金安排。",
    "purpose": "了解学校维修情况",
    "preferred_form": "email",
    "delivery_method": "email",
}

LEGAL = {
    "applicant_kind": ApplicantKind.BUSINESS,
    "organisation_name": "保定市示例科技有限公司",
    "credit_code": "91130600MA0000000X",
    "legal_representative": "李大为",
    "contact_person": "赵敏",
    "phone": "0312-5551234",
    "email": "",
    "address": "河北省保定市莲池区裕华路1号",
    "postal_code": "071000",
    "description": "2025年本市政府采购项目的中标公告目录。",
    "purpose": "",
    "preferred_form": "paper",
    "delivery_method": "post",
}


@dataclass
class Desk:
    site: object
    organisation: object
    handler: object  # a reviewer of the site
    admin: object  # a site administrator
    second_admin: object
    editor: object
    other_site: object
    other_organisation: object
    other_handler: object

    def apply(self, now=None, organisation=None, **changes):
        request, code = submission.submit(organisation or self.organisation, {**NATURAL, **changes}, now=now)
        request.query_code = code
        return request

    def received(self, submitted, received=None, **changes):
        request = self.apply(now=submitted, **changes)
        return actions.receive(request, acting_user=self.handler, now=received or submitted)


@pytest.fixture
def desk(db):
    site = SiteFactory(name="保定市人民政府")
    other_site = SiteFactory(name="石家庄市人民政府")
    return Desk(
        site=site,
        organisation=Organisation.objects.create(site=site, name="保定市人民政府办公室", code="11130600000000000A"),
        handler=member(site, Role.REVIEWER, "handler"),
        admin=member(site, Role.SITE_ADMIN, "siteadmin"),
        second_admin=member(site, Role.SITE_ADMIN, "siteadmin2"),
        editor=member(site, Role.EDITOR, "editor"),
        other_site=other_site,
        other_organisation=Organisation.objects.create(
            site=other_site, name="石家庄市人民政府办公室", code="11130100000000000B"
        ),
        other_handler=member(other_site, Role.REVIEWER, "other-handler"),
    )
