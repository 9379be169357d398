"""Every back-office page speaks Chinese to every role (issue 14 item 6).

The walk of tests/security/isolation_urls.py lists every back-office URL pattern, here filled with
the objects of the user's own site (甲, A; tests/security/isolation.py gives it an object of every
model). Each page is fetched in zh-hans as A's editor, reviewer and site administrator and as a
platform administrator; what it shows and what screen readers read (tests/backoffice/words.py)
must hold no English word outside a short allow-list, no requirement ID or abbreviated citation,
no raw code and no JSON.
"""

from collections import defaultdict

import pytest
from django.db import transaction
from django.test import Client
from django.utils import translation

from accounts.models import User
from columns.models import Column
from tests.backoffice import words
from tests.helpers import admin_url, log_in
from tests.security import isolation, isolation_urls

pytestmark = pytest.mark.django_db

# Patterns whose answer is no page to read: files, scripts, JSON, CSV, redirects and sign-out.
NOT_PAGES = {
    "media", "admin:jsi18n", "admin:autocomplete", "admin:auditlog_auditentry_export", "admin:logout",
    "set_language", "admin:login", "admin:login_verify", "admin:login_enrol", "",
}  # fmt: skip


@pytest.fixture
def chinese():
    """The data is made as users make it, in zh-hans (the language of requests and commands): the
    audit log keeps each object's name as it read then."""
    with translation.override("zh-hans"):
        yield


@pytest.fixture
def world(chinese, sites, platform_admin, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    isolation.populate(sites.a, platform_admin, "甲")
    isolation.populate(sites.b, platform_admin, "乙")
    isolation.platform_lists(sites.a, platform_admin)
    # Filled with A's objects: the pages A's staff work on.
    sites.targets = [t for t in isolation_urls.walk(sites.b, sites.a) if t.key not in NOT_PAGES]
    # Values of the test data written in Latin letters (user names "jia-editor", real names
    # "甲editor", column slugs): data, not words of the interface.
    people = [value for pair in User.objects.values_list("username", "real_name") for value in pair]
    sites.data = [*people, *Column.objects.values_list("slug", flat=True)]
    return sites


def action_pages(targets) -> list[tuple[str, dict]]:
    """The pages a list's actions show before they act (a confirmation, a reason to give): each
    action of each list posted with the objects selected and nothing confirmed."""
    posts = []
    for target in targets:
        if target.key.endswith("_changelist") and "?" not in target.url:
            for body in target.posts:
                if "action" in body and "select_across" not in body:
                    posts.append((target.url, {"action": body["action"], "_selected_action": body["_selected_action"]}))
    return posts


def read(response, url, data, found) -> bool:
    if response.status_code != 200 or not response["Content-Type"].startswith("text/html"):
        return False
    for problem in words.page_problems(response.content.decode(), data):
        found[problem].append(url)
    return True


def read_pages(client, targets, data) -> tuple[dict[str, list[str]], int]:
    """{problem: [urls]} over every page that answers 200 with HTML (GET, and the pages of the
    lists' actions, whose changes are rolled back), and the number of pages read."""
    found, count = defaultdict(list), 0
    for url in dict.fromkeys(target.url for target in targets):
        count += read(client.get(url), url, data, found)
    for url, body in action_pages(targets):
        with transaction.atomic():
            count += read(client.post(url, body), f"{url} ({body['action']})", data, found)
            transaction.set_rollback(True)
    return found, count


def report(found) -> str:
    lines = []
    for problem, urls in sorted(found.items(), key=lambda item: -len(item[1])):
        lines.append(f"{problem}\n    on {len(urls)} pages, e.g. {urls[0]}")
    return "\n".join(lines)


ROLES = ["editor", "reviewer", "admin", "platform"]
# At least this many pages must be read, or the walk proves nothing.
LEAST_PAGES = {"editor": 100, "reviewer": 100, "admin": 140, "platform": 200}


@pytest.mark.parametrize("role", ROLES)
def test_every_back_office_page_speaks_chinese(world, backoffice_client, platform_admin, role):
    user = platform_admin if role == "platform" else world.a.users[role]
    backoffice_client.cookies["django_language"] = "zh-hans"
    client = log_in(backoffice_client, user)

    found, read = read_pages(client, world.targets, world.data)

    assert read >= LEAST_PAGES[role], f"only {read} pages answered the {role}"
    assert not found, f"{len(found)} problems on the pages of the {role} ({read} pages):\n{report(found)}"


def test_the_sign_in_pages_speak_chinese(db):
    client = Client(HTTP_HOST="localhost")
    found, read = read_pages(client, [isolation_urls.Target("admin:login", admin_url("login"), False)], [])

    assert read == 1
    assert not found, report(found)


# --- the reader itself ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "html, expected",
    [
        ("<table><caption class='visually-hidden'>Model name</caption></table>", "English"),
        ("<p>按住 Control 键</p>", "English"),
        ("<td>True</td>", "English"),
        ("<img alt='Add link' src='x.png'>", "English"),
        ("<input placeholder='Search'>", "English"),
        ("<title>选择 站点 | Django site admin</title>", "English"),
        ("<input type='submit' value='Save'>", "English"),
        ("<p>栏目须有说明（SITE-3）</p>", "requirement ID"),
        ("<p>依据 G §3(二)2</p>", "abbreviated citation"),
        ("<p>T 第八条第二项</p>", "abbreviated citation"),
        ("<h1>选择 站点 来修改</h1>", "spacing"),
        ("<td>resource.publish</td>", "raw code"),
        ("<td>site_application.approve</td>", "raw code"),
        ("<td>person_in_charge</td>", "raw code"),
        ('<td>{"person_in_charge": "林国栋"}</td>', "JSON"),
    ],
)
def test_the_reader_finds(html, expected):
    found = words.page_problems(html)

    assert any(problem.split(": ", 1)[1].startswith(expected) for problem in found), found


@pytest.mark.parametrize(
    "html",
    [
        "<p>ICP备案号、RSS 订阅、PDF 文件</p>",
        "<p>域名 www.shifan.gov.cn，邮箱 webmaster@example.gov.cn</p>",
        "<p>附件 实施方案.docx，地址 https://www.shifan.gov.cn/xwzx/1.html</p>",
        '<script>var x = {"a": 1}; resource.publish</script><style>p {color: red}</style><p>正文</p>',
        "<p>用户 jia-editor</p>",
    ],
)
def test_the_reader_lets_pass(html):
    assert words.page_problems(html, ["jia-editor"]) == []
