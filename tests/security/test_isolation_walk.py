"""The complete back-office isolation walk (SEC-3, PUB-1).

Every URL pattern of the back office (tests/security/isolation_urls.py enumerates them from the
resolver and fills them with the objects of site 乙 (B) that tests/security/isolation.py makes)
is requested, GET and POST, as the editor, the reviewer and the site administrator of site 甲 (A),
and anonymously: none of them may see or change anything of B. The same paths on a public site's
host answer no back-office page. As a control, B's own site administrator reaches B's pages and
changes B through the same posts.

tests/backoffice/test_scoping.py holds the focused cases (forms with B's site, drag moves); this
walk covers every pattern, so that a new view is checked the day it is added.
"""

from types import SimpleNamespace
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.db import transaction
from django.test import Client

from auditlog.models import AuditEntry
from tests.helpers import log_in
from tests.security import isolation, isolation_refs, isolation_urls

pytestmark = pytest.mark.django_db

A_ROLES = ["editor", "reviewer", "admin"]
LOGIN_PATH = "/admin/login/"


@pytest.fixture
def world(sites, platform_admin, settings, tmp_path):
    """Sites A and B of tests/backoffice/conftest.py, each with an object of every kind; the walk."""
    settings.MEDIA_ROOT = tmp_path / "media"
    isolation.populate(sites.a, platform_admin, "甲")
    isolation.populate(sites.b, platform_admin, "乙")
    isolation.platform_lists(sites.b, platform_admin)
    sites.targets = isolation_urls.walk(sites.a, sites.b)
    sites.b_rows = isolation.SiteRows(sites.b)
    return sites


def body(response) -> str:
    if getattr(response, "streaming", False):
        content = b"".join(response.streaming_content)
        response.close()
    else:
        content = response.content
    return content.decode("utf-8", errors="replace")


def leaks(response, markers) -> list[str]:
    text = body(response) + response.get("Location", "")
    return [marker for marker in markers if marker in text]


def to_login(response) -> bool:
    return response.status_code == 302 and urlsplit(response["Location"]).path == LOGIN_PATH


def b_audit_count(b) -> int:
    return AuditEntry.objects.filter(site=b.site).count()


class Watch:
    """Tells which requests changed B's rows: B's rows are read again after a request that wrote."""

    def __init__(self, world, writes):
        self.rows, self.writes = world.b_rows, writes
        self.last, self.written = self.rows.take(), 0

    def changed(self) -> list[str]:
        if len(self.writes) == self.written:
            return []
        self.written = len(self.writes)
        now = self.rows.take()
        changed, self.last = isolation.changed_tables(self.last, now), now
        return changed


def requests(target):
    """(method, data) of every request of a target: one GET, then each of its POSTs."""
    return [("get", None), *(("post", data) for data in target.posts)]


def test_the_walk_fills_every_back_office_pattern(world):  # SEC-3, PUB-1
    walked = {target.key for target in world.targets}
    patterns = {pattern.key for pattern in isolation_urls.patterns()}

    assert walked == patterns  # walk() raises UnknownPattern first, with what to add
    assert len(world.targets) > len(patterns)


# --- staff of site A ---------------------------------------------------------------------------


def staff_answer_problem(target, response, markers) -> str | None:
    """None when the answer shows and allows nothing of B; else what is wrong."""
    shown = leaks(response, markers)
    if shown:
        return f"{response.status_code} shows {shown}"
    status, location = response.status_code, response.get("Location")
    if target.mine:
        return None if status < 500 else f"{status}"  # A's own object: what matters is that B is unchanged
    if target.has_object:
        if status in (403, 404):
            return None
        if status == 302 and target.key.endswith("<path:object_id>/") and location == target.url + "change/":
            return None  # Django's old-style object URL only redirects to the change page (walked itself)
        return f"{status} {location or ''} for an object of site B"
    if status == 301 and location == target.url + "/":
        return None  # the catch-all adds the slash; the page with the slash is walked itself
    return None if status in (200, 302, 400, 403, 404, 405) else f"{status} {location or ''}"


@pytest.mark.parametrize("role", A_ROLES)
def test_staff_of_a_neither_see_nor_change_anything_of_b(world, backoffice_client, role):  # SEC-3, PUB-1
    b = world.b
    client = log_in(backoffice_client, world.a.users[role])
    start, audit_before = world.b_rows.take(), b_audit_count(b)
    failures = []

    with isolation.recording_writes() as writes:
        watch = Watch(world, writes)
        for target in world.targets:
            for method, data in requests(target):
                response = getattr(client, method)(target.url, data)
                markers = b.markers if target.key in isolation_urls.PEOPLE_PICKERS else b.markers + b.people
                problem = staff_answer_problem(target, response, markers)
                if problem:
                    failures.append(f"{method.upper()} {target.url} -> {problem}")
                changed = watch.changed()
                if changed:
                    failures.append(f"{method.upper()} {target.url} changed B's rows in {changed}")

    assert not failures, f"{len(failures)} answers give the {role} of A access to B:\n" + "\n".join(failures)
    assert isolation.changed_tables(start, world.b_rows.take()) == []
    assert b_audit_count(b) == audit_before


# --- reference values: B's objects posted in A's forms ------------------------------------------


def rolled_back_post(client, url, data):
    """The answer to a post (redirects followed), with whatever it wrote undone: each post is
    compared with the same form as it was before."""
    with transaction.atomic():
        response = client.post(url, data, follow=True)
        transaction.set_rollback(True)
    chain = " ".join(f"{status} {location}" for location, status in response.redirect_chain)
    return response, f"{chain}\n{response.status_code}\n{body(response)}"


TOO_LARGE_ID = int("9" * 40)


@pytest.mark.parametrize("role", A_ROLES)
def test_bs_objects_in_as_reference_fields_answer_as_missing_ones(world, backoffice_client, role):  # SEC-3, PUB-1
    """Every reference field of every form A's staff can open answers for B's objects byte for byte
    as for an id that exists nowhere, and names nothing of B (issue 12 item 3)."""
    a, b = world.a, world.b
    client = log_in(backoffice_client, a.users[role])
    # The platform-wide lists (no site) are B's in the walk's data; A's pages need them too.
    mine = SimpleNamespace(**{**vars(a), "objects": {**b.objects, **a.objects}})
    posts = isolation_refs.reference_posts(client, mine, b) + isolation_refs.raw_reference_posts(a, b)
    failures, fields = [], set()

    for post in posts:
        fields.add((post.url.split("?")[0], post.field))
        _, missing = rolled_back_post(client, post.url, {**post.data, post.field: str(post.missing)})
        saved = missing.startswith("302")  # the form was accepted: the id was not looked at
        # B's objects, and an id too large for the database (a 500 on SQLite once): as a missing id.
        for theirs in [*post.theirs, TOO_LARGE_ID]:
            response, answer = rolled_back_post(client, post.url, {**post.data, post.field: str(theirs)})
            shown = leaks(response, b.markers)
            if shown:
                failures.append(f"{post.url} {post.field}={theirs} ({post.label}) shows {shown}")
            elif isolation_refs.normalised(answer, theirs, post.missing, saved=saved) != isolation_refs.normalised(
                missing, theirs, post.missing, saved=saved
            ):
                failures.append(f"{post.url} {post.field}={theirs} ({post.label}) answers unlike a missing id")

    # Editors and administrators fill the library's and the site's forms; reviewers only review.
    least = 4 if role == "reviewer" else 20
    assert len(fields) >= least, f"the walk found too few reference fields to prove anything: {sorted(fields)}"
    assert not failures, f"{len(failures)} reference answers of the {role} of A differ for B:\n" + "\n".join(failures)


# --- anonymous users ---------------------------------------------------------------------------

# Pages that answer without a login: the steps of logging in, and what needs no account.
OPEN_PAGES = {
    "admin:login": 200,  # the login form itself
    "admin:jsi18n": 200,  # the translations of the admin's scripts
    "set_language": 302,  # sets the language cookie and goes back
    "": 302,  # the root redirects to /admin/
}


def test_anonymous_users_reach_nothing(world, backoffice_client):  # SEC-1, SEC-3
    b = world.b
    start, audit_before = world.b_rows.take(), b_audit_count(b)
    failures = []

    for target in world.targets:
        for method, data in requests(target):
            response = getattr(backoffice_client, method)(target.url, data)
            status, shown = response.status_code, leaks(response, b.markers + b.people)
            if shown:
                failures.append(f"{method.upper()} {target.url} shows {shown}")
            elif to_login(response) or status in (403, 404, 405) or response.get("Location") == "/admin/":
                continue
            elif OPEN_PAGES.get(target.key) != status:
                failures.append(f"{method.upper()} {target.url} -> {status} {response.get('Location', '')}")

    assert not failures, "\n".join(failures)
    assert isolation.changed_tables(start, world.b_rows.take()) == []
    assert b_audit_count(b) == audit_before


# --- the public process ------------------------------------------------------------------------

PUBLIC_VIEWS = {"published-file", "public-health", "search", "search-suggest", "search-suggest-script",
                "search-styles", "search-click"}  # fmt: skip


def test_no_back_office_url_answers_on_a_public_host(world, platform_admin):  # SEC-3
    host = world.b.site.primary_domain
    assert host not in settings.BACKOFFICE_HOSTS
    # Even a platform administrator's session opens nothing there (an anonymous visitor has less).
    client = log_in(Client(HTTP_HOST=host), platform_admin)
    start = world.b_rows.take()
    failures = []

    with isolation.recording_writes() as writes:
        for target in world.targets:
            for method, data in requests(target):
                response = getattr(client, method)(target.url, data)
                match, text = response.resolver_match, body(response)
                if match is None or match.url_name not in PUBLIC_VIEWS:
                    failures.append(f"{method.upper()} {target.url} reached {match and match._func_path}")
                elif response.status_code not in (404, 405):
                    failures.append(f"{method.upper()} {target.url} -> {response.status_code}")
                elif "csrfmiddlewaretoken" in text or 'name="password"' in text:
                    failures.append(f"{method.upper()} {target.url} shows a back-office form")

    assert not failures, "\n".join(failures)
    assert writes == []  # the public process writes nothing for these paths, whoever asks
    assert isolation.changed_tables(start, world.b_rows.take()) == []


# --- the control: B's own site administrator ----------------------------------------------------

# Pages of B's objects that B's site administrator must reach: if not, the walk's fixture or
# its URLs are wrong and the refusals above prove nothing.
REACHED_BY_B_ADMIN = {
    "admin:sites_site_change", "admin:sites_site_history", "admin:sites_site_timeline", "admin:sites_site_lifecycle",
    "admin:lifecycle_siteapplication_change", "admin:lifecycle_changefiling_change", "admin:columns_subunit_change",
    "admin:columns_column_change", "admin:columns_column_delete", "admin:resources_resource_change",
    "admin:resources_resource_history", "admin:resources_resource_revision", "admin:resources_resource_workflow",
    "admin:editorial_placement_change", "admin:sites_membership_change", "admin:auditlog_auditentry_change",
    "media", "admin:chooser", "admin:resource_preview", "admin:preview_static",
}  # fmt: skip
# Posts that change B when B's site administrator sends them: the posts of the walk can bite.
CHANGED_BY_B_ADMIN = {
    "admin:resources_resource_workflow", "admin:resources_resource_revision", "admin:sites_site_decision",
    "admin:sites_membership_delete",
}  # fmt: skip


def test_control_bs_site_administrator_reaches_and_changes_b(world, backoffice_client):  # SEC-3, PUB-1
    b = world.b
    client = log_in(backoffice_client, b.users["admin"])
    reached, changed = set(), set()

    for target in world.targets:
        if target.key in REACHED_BY_B_ADMIN and client.get(target.url).status_code == 200:
            reached.add(target.key)
    with isolation.recording_writes() as writes:
        watch = Watch(world, writes)
        for target in world.targets:
            if target.key in CHANGED_BY_B_ADMIN:
                for data in target.posts:
                    client.post(target.url, data)
                if watch.changed():
                    changed.add(target.key)

    assert REACHED_BY_B_ADMIN - reached == set()
    assert CHANGED_BY_B_ADMIN - changed == set()
