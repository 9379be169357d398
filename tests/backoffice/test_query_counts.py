"""A back-office page reads each user's roles once per request, however many role questions it
asks (the sidebar asks one per model), and a role change within the request is seen at once."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from sites import memberships
from sites.models import Role
from sites.permissions import PermissionCacheMiddleware, has_role, site_ids_for
from tests.backoffice.conftest import sites  # noqa: F401 (fixture)
from tests.helpers import admin_url

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("page", ["index", "resources_resource_changelist", "columns_column_changelist"])
def test_site_staff_pages_ask_the_database_little(sites, login, page):  # noqa: F811 (PUB-1)
    client = login(sites.a.users["editor"])
    client.get(admin_url(page))  # warm: sessions, content types

    with CaptureQueriesContext(connection) as queries:
        response = client.get(admin_url(page))

    assert response.status_code == 200
    membership_reads = [q for q in queries.captured_queries if 'FROM "sites_membership"' in q["sql"]]
    assert len(membership_reads) <= 2, [q["sql"] for q in membership_reads]
    assert len(queries.captured_queries) <= 15


def test_a_role_granted_during_the_request_counts_at_once(sites, platform_admin):  # noqa: F811 (PUB-1)
    editor, site_b = sites.a.users["editor"], sites.b.site

    def view(request):
        before = has_role(editor, site_b, Role.EDITOR)
        memberships.grant_role(editor, site_b, Role.EDITOR, acting_user=platform_admin)
        return before, has_role(editor, site_b, Role.EDITOR), site_ids_for(editor)

    before, after, ids = PermissionCacheMiddleware(view)(None)

    assert (before, after) == (False, True) and site_b.pk in ids
