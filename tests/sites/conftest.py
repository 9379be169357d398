import pytest

from sites.models import Site, SiteKind


@pytest.fixture
def new_site():
    """new_site(**fields) -> an unsaved site with every required field filled in."""

    def make(name="保定市人民政府", kind=SiteKind.PORTAL, parent=None, **fields):
        values = {
            "name": name,
            "unit_name": name,
            "kind": kind,
            "parent": parent,
            "organiser": f"{name}办公室",
            "contact_phone": "0312-3026000",
            "contact_email": "zfwz@bd.gov.cn",
            "contact_address": "保定市东风中路1号",
        }
        values.update(fields)
        return Site(**values)

    return make
