"""Script injection, checked where it would matter: in published pages loaded in Chromium (SEC-7).

Every payload of the shared corpus (tests/security/payloads.py, more than 100) is saved through
the path real input takes, in every place where editors' or citizens' text reaches a page:

- editors, through editorial.drafts: upload_asset (checks the file, cleans its name) and
  create_resource (the kind forms clean plain text and sanitise rich text). Each payload is in
  the body, title, subtitle, summary, 来源 (source), author, keywords and description of an
  article (odd payloads) or of a policy document (even payloads: PolicyForm is ArticleForm with
  document fields, policy.html extends article.html), whose 文号 (document number) and issuing
  body carry the payload and the one before it; and in an attachment's uploaded file name, title
  and description. One item page per payload and context kind keeps the check within its time.
  The saved revisions are put online as the final approval leaves them (editorial.workflow.
  _publish: the saved revision online, placed in its column; the content is not touched again)
  and the site is published by the real publisher.
- citizens, through the public process: the search page /search/?q=… (the query is echoed in the
  field, the page title and the notes; results show highlighted titles and passages), with a
  typo in front (社报…: the corrected query and the "仍然搜索" link; 社好卡…: "您是不是要找"), the
  suggestions under the search field (popular queries are other citizens' input), and the
  external-link notice /-/external.html?url=… (anyone can be sent there with any address). There
  is no letter box (留言) or survey yet: the public process serves search only.

How a page is watched is tests/browser/injection_detector.py's business: each payload runs
`__hit(<context × 1000 + payload number>)` if it runs at all, and the detector sees that.

Two passes. Without any Content-Security-Policy, because the sanitiser and the escaping must
hold on their own: a plain file server serves the published files, search pages come from the
public process with their policy and framing headers taken off, and every page, search and
notice address is loaded, 30 at a time, into the frames of one page. Then with the public
process and its policy, page by page as citizens open them, with the real mouse over the links,
buttons and fields of the content: the home page, every channel, a sample of item and search
pages, one notice, and the suggestions as another citizen types. Pages written to disk by hand,
bypassing sanitiser and publisher, prove that the detector sees payloads that run (without the
policy) and that the policy stops them (with it). RSS feeds are XML: they must parse, and no text
in them may hold markup, since readers show titles and descriptions as HTML.
"""

from __future__ import annotations

import html
import re
import time
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from urllib.parse import quote, urlencode, urlsplit

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import F
from django.test import Client, override_settings
from django.utils import timezone

from editorial import drafts as actions
from editorial.models import Placement, PlacementStatus
from publishing.publisher import publish_site
from resources.models import Disclosure, Resource, ResourceKind, ResourceStatus
from search import engine, popular
from search.indexer import reindex
from search.models import PopularQuery
from search.query import MAX_QUERY_CHARS
from sites.models import Role
from tests.browser.conftest import site_url
from tests.browser.injection_detector import (
    CANARY_HOST,
    HOOK,
    Chromium,
    FileServer,
    Watch,
    describe,
    marker,
    payload,
)
from tests.browser.sample_sites import png
from tests.factories import MembershipFactory
from tests.rendering.conftest import DOMAIN, Builder
from tests.search.conftest import fresh_search_state  # noqa: F401 (autouse: the search's caches start empty)
from tests.security.payloads import TEMPLATES

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]

SEARCHED = (16, 17, 18)  # the citizen contexts whose text the reference articles hold, so they find results
SUGGESTED = (1, 90)  # payloads a citizen searches twice, then another is offered as suggestions
CSP_SAMPLE = 110  # every 110th item page and search is also opened under the policy
TYPO_SAMPLE = 16  # every 16th payload is also searched with typos in front
NOTICE_SAMPLE = 5  # every 5th distinct address of the corpus is sent to the external-link notice
# The address in a payload (href, src, action …), for the external-link notice.
ADDRESS_RE = re.compile(r"""(?i)\b(?:href|src|action|formaction|data|background|poster)\s*=\s*"?'?`?([^"'`\s>]+)""")


# -- the published site -------------------------------------------------------------------------


@dataclass
class InjectedSite:
    root: Path  # PUBLISH_ROOT/<domain>
    pages: list[str] = field(default_factory=list)  # every published HTML page, as a path of the site
    lists: list[str] = field(default_factory=list)  # the home page and the column pages (every title)
    items: list[str] = field(default_factory=list)  # the item pages
    feeds: list[str] = field(default_factory=list)
    searches: list[str] = field(default_factory=list)  # /search/?q=… addresses
    notices: list[str] = field(default_factory=list)  # /-/external.html?url=… addresses
    suggested: list[str] = field(default_factory=list)  # popular queries with a payload
    refused: dict[str, list[str]] = field(default_factory=dict)  # "article 29": the form's messages
    counts: dict[str, int] = field(default_factory=dict)


def build_injected_site(publish_root: Path) -> InjectedSite:
    b = Builder(publish_root)
    site = b.site
    news = b.column("xwzx", "新闻中心", channel=True)
    policies = b.column("zcwj", "政策文件", channel=True, column_type="政策文件")
    downloads = b.column("xzzx", "下载中心", channel=True, column_type="下载中心")
    notes = b.column("aqts", "安全提示", channel=True, column_type="通知公告")
    editor = MembershipFactory(site=site, role=Role.EDITOR).user
    reviewer = MembershipFactory(site=site, role=Role.REVIEWER).user
    refused: dict[str, list[str]] = {}
    saved: list[Resource] = []

    def save(what: str, kind, column, *, title, metadata=None, data=None, asset=None):
        """Save as an editor does; refused input never reaches a page, and is reported."""
        try:
            resource = actions.create_resource(site, kind, title=title, metadata=metadata or {}, data=data or {},
                                               column=column, asset=asset, acting_user=editor)  # fmt: skip
        except ValidationError as error:
            refused[what] = error.messages
            return None
        saved.append(resource)
        return resource

    # The library image that payloads show by its address (⟨MEDIA⟩): a body may show only files of
    # the site's own approved resources (publishing/media_use.py, issue 12 item 4), so the photo is
    # saved as an image of the site and goes online with the rest; a bare upload would hold back
    # the page that shows it.
    photo = SimpleUploadedFile("会场.png", png(64, 48, "#1f4e8c"), content_type="image/png")
    photo_asset = actions.upload_asset(photo, kind=ResourceKind.IMAGE, acting_user=editor)
    save("photo", ResourceKind.IMAGE, news, title="会场照片", data={"alt": "会场全景"}, asset=photo_asset)
    media = photo_asset.file.url
    for n in range(1, len(TEMPLATES) + 1):
        p = partial(payload, n, media=media)
        upload = SimpleUploadedFile(p(9) + ".txt", f"第{n}号附件的内容。\n".encode(), content_type="text/plain")
        asset = actions.upload_asset(upload, kind=ResourceKind.ATTACHMENT, acting_user=editor)
        attachment = save(f"attachment {n}", ResourceKind.ATTACHMENT, downloads, asset=asset,
                          title=f"注入附件{n} {p(10)}", data={"description": p(11)})  # fmt: skip
        metadata = {"source": p(5), "author": p(6), "keywords": p(7), "description": p(8)}
        data = {"subtitle": p(3), "summary": p(4), "body": f"<p>第{n}号正文。</p>{p(1)}<p>正文完。</p>",
                "attachments": [attachment.pk] if attachment else []}  # fmt: skip
        if n % 2:  # an article
            save(f"article {n}", ResourceKind.ARTICLE, news, title=f"注入文章{n} {p(2)}", metadata=metadata, data=data)
        else:  # a policy document: an article with document fields; its issuing body has the previous payload
            before = payload(n - 1, 15, media=media).replace("\x00", "")  # the forms refuse NUL (see below)
            data.update(document_number=f"示政发〔2024〕{n}号{p(14)}", issuing_body=f"示例市人民政府{before}",
                        validity="valid")  # fmt: skip
            save(
                f"policy {n}", ResourceKind.POLICY, policies, title=f"注入政策{n} {p(2)}", metadata=metadata, data=data
            )
    # Articles that quote the citizens' search texts as plain text, so that those searches find
    # results (highlighted passages, popular queries) and 社报 is corrected to 社保; 社好卡 is in
    # the first only, so that a search for it finds less than 社保卡 would: "did you mean".
    sampled = "".join(f"<p>{html.escape(payload(n, 20))}</p>" for n in range(1, len(TEMPLATES) + 1, TYPO_SAMPLE))
    for start in range(1, len(TEMPLATES) + 1, 10):
        numbers = range(start, min(start + 10, len(TEMPLATES) + 1))
        quoted = "".join(f"<p>{html.escape(payload(n, c).replace(chr(0), ''))}</p>" for n in numbers for c in SEARCHED)
        typo = "<p>社好卡是常见的错别字。</p>" if start == 1 else ""
        save(f"reference {start}", ResourceKind.ARTICLE, notes, title=f"社保卡网上办理安全提示（第{start}期）",
             data={"body": f"<p>社保卡网上办理时，请注意识别以下网页脚本注入的写法：</p>{typo}{quoted}{sampled}"})  # fmt: skip
    put_online(saved, reviewer)
    report = publish_site(site.pk, strict=False)
    assert not report.refused, report.refused
    reindex()

    root = Path(publish_root) / DOMAIN
    injected = InjectedSite(root=root, refused=refused)
    injected.pages = sorted(
        "/" + str(path.relative_to(root)).removesuffix("index.html") for path in root.rglob("*.html")
    )
    injected.items = [path for path in injected.pages if re.fullmatch(r".+/[0-9]+\.html", path)]
    injected.lists = [path for path in injected.pages if path not in injected.items]
    injected.feeds = sorted("/" + str(path.relative_to(root)) for path in root.rglob("rss.xml"))
    # what citizens send: a query (every payload), the same with a typo in front (a sample), and
    # an address for the external-link notice (a sample of the distinct addresses the payloads use)
    numbers = range(1, len(TEMPLATES) + 1)
    injected.searches = [search_path(query) for query in packed_queries(16)]
    injected.searches += [search_path("社报" + payload(n, 17)) for n in numbers[::TYPO_SAMPLE]]
    injected.searches += [search_path("社好卡 " + payload(n, 20)) for n in numbers[::TYPO_SAMPLE]]
    # the search does what these addresses are for: correct the typo, or offer the correction
    assert engine.search(site, "社报" + payload(1, 17), log=False).corrected_from
    assert engine.search(site, "社好卡 " + payload(1, 20), log=False).did_you_mean
    injected.searches += [search_path("社保卡网上办理安全提示", page=page) for page in range(1, 4)]
    addresses = {}
    for n in numbers:
        found = ADDRESS_RE.search(TEMPLATES[n - 1])
        if found and not found[1].startswith(("/", "#", "x")):
            addresses.setdefault(found[1], ADDRESS_RE.search(payload(n, 19))[1])
    injected.notices = [
        "/-/external.html?" + urlencode({"url": address}) for address in list(addresses.values())[::NOTICE_SAMPLE]
    ]
    # other citizens searched these twice: popular queries. Suggestions offer only real queries
    # (words only) of many visitors (search/popular.py, issue 12 item 6): even were one visitor on
    # one day enough, the counting makes no payload a suggestion.
    citizen = Client(HTTP_HOST=DOMAIN)
    for n in SUGGESTED:
        for _ in range(2):
            assert citizen.get("/search/", {"q": payload(n, 18)}).status_code == 200
    with override_settings(SEARCH_SUGGESTION_MIN_VISITORS=1, SEARCH_SUGGESTION_MIN_DAYS=1,
                           SEARCH_SUGGESTION_MIN_CLICKS=0):  # fmt: skip
        popular.aggregate()
    counted = PopularQuery.objects.filter(site=site, query__in=[payload(n, 18) for n in SUGGESTED])
    assert counted.count() == len(SUGGESTED), list(PopularQuery.objects.values_list("query", "eligible"))
    assert not counted.filter(eligible=True).exists()
    # What the suggestions show must be text all the same (two searches once made a suggestion):
    # offered anyway, they are checked as another citizen types.
    counted.update(eligible=True)
    injected.suggested = sorted(counted.values_list("query", flat=True))
    injected.counts = {"payloads": len(TEMPLATES), "resources": len(saved)}
    return injected


def packed_queries(context: int) -> list[str]:
    """Every payload as a search query, as many as fit in the 100 characters the search reads
    (search/query.py) side by side, each query from one block of ten (one reference article)."""
    queries, current, block = [], "", None
    for n in range(1, len(TEMPLATES) + 1):
        text = payload(n, context)
        if current and ((n - 1) // 10 != block or len(current) + 1 + len(text) > MAX_QUERY_CHARS):
            queries.append(current)
            current = ""
        current, block = (f"{current} {text}" if current else text), (n - 1) // 10
    return queries + [current]


def search_path(query: str, **params) -> str:
    return "/search/?" + urlencode({"q": query, **params}, quote_via=quote)


def put_online(resources: list[Resource], reviewer) -> None:
    """As the final approval leaves them (editorial.workflow.put_online): the saved revision online,
    placed in its own column. The content is the one the editor's save cleaned."""
    now = timezone.now()
    ids = [resource.pk for resource in resources]
    Resource.objects.filter(pk__in=ids).update(
        published_revision=F("current_revision"), status=ResourceStatus.PUBLISHED, published_at=now,
        disclosure=Disclosure.PROACTIVE,
    )
    Placement.objects.bulk_create(
        Placement(
            resource=resource,
            column_id=resource.column_id,
            site_id=resource.site_id,
            status=PlacementStatus.ACTIVE,
            placed_by=reviewer,
            placed_at=now,
        )
        for resource in resources
    )


# -- the tests ----------------------------------------------------------------------------------


@pytest.fixture
def injected(settings, tmp_path, transactional_db):
    settings.PUBLISH_ROOT = tmp_path / "publish"
    settings.MEDIA_ROOT = tmp_path / "media"
    started = time.perf_counter()
    site = build_injected_site(Path(settings.PUBLISH_ROOT))
    site.counts["build seconds"] = round(time.perf_counter() - started, 1)
    return site


@pytest.fixture
def file_server(injected):
    server = FileServer(injected.root)
    yield server
    server.close()


CONTROL = '<!DOCTYPE html><html lang="zh-CN"><meta charset="utf-8"><title>对照页</title><p>对照</p>{}</html>'


def check_without_policy(injected: InjectedSite, origin: str, new_page) -> Watch:
    """Every published page, search and notice address, served with no policy at all."""
    chromium = Chromium(new_page, origin, tabs=2, strip_policy=True)
    try:
        # the detector sees payloads that run: pages written by hand, outside sanitiser and publisher
        controls = (1, 42, 57)
        for number in controls:
            page = CONTROL.format(payload(number, 99))
            (injected.root / f"control-{number}.html").write_text(page, encoding="utf-8")
        chromium.check_in_frames([f"/control-{number}.html" for number in controls])
        assert sorted(hit.split(" @ ")[0] for hit in chromium.watch.hits) == sorted(
            f"hit {describe(str(marker(99, number)))}" for number in controls
        ), chromium.watch.problems()
        chromium.watch = Watch(origin)

        chromium.check_in_frames(injected.pages + injected.searches + injected.notices)
    finally:
        chromium.close()
    return chromium.watch


def check_under_policy(injected: InjectedSite, origin: str, new_page) -> Watch:
    """The public process with its policy, page by page with the real mouse: the home page, each
    channel, a sample of the item, search and notice pages, and the search suggestions."""
    chromium = Chromium(new_page, origin, tabs=3, strip_policy=False)

    def type_start(query):  # another citizen types the start of a popular query that carries a payload
        def run(tab):
            tab.get_by_role("combobox", name="搜索关键词").fill(query[:8])
            tab.get_by_role("option", name=query.strip()[:30]).first.wait_for(timeout=5_000)

        return run

    try:
        # the policy itself stops the hand-written page's script, and says so
        (injected.root / "control-1.html").write_text(CONTROL.format(payload(1, 99)), encoding="utf-8")
        chromium.check_pages(["/control-1.html"])
        assert chromium.watch.hits == [] and chromium.watch.violations, chromium.watch.problems()
        chromium.watch = Watch(origin)

        channels = [path for path in injected.lists if re.fullmatch(r"/[a-z]+/", path)]
        sample = injected.items[::CSP_SAMPLE] + injected.searches[::CSP_SAMPLE] + injected.notices[:1]
        chromium.check_pages(["/", *channels, *sample])
        for query in injected.suggested:
            chromium.check_pages(["/search/"], after_load=type_start(query))
    finally:
        chromium.close()
    return chromium.watch


def feed_problems(injected: InjectedSite) -> list[str]:
    """Feeds must be well-formed XML, and no text in them markup: readers show titles and
    descriptions as HTML."""
    allowed = {"rss", "channel", "title", "link", "description", "language", "lastBuildDate", "item", "guid",
               "pubDate", "source"}  # fmt: skip
    problems = []
    for path in injected.feeds:
        try:
            tree = ET.parse(injected.root / path.lstrip("/"))
        except ET.ParseError as error:
            problems.append(f"{path} is not well-formed: {error}")
            continue
        for element in tree.iter():
            if element.tag not in allowed:
                problems.append(f"{path}: element <{element.tag}>")
            if re.search(r"<\s*[a-zA-Z!/?]", element.text or ""):
                problems.append(f"{path}: markup in <{element.tag}>: {element.text!r}")
    return problems


def test_no_payload_runs_in_the_published_pages(injected, file_server, new_page, live_server):  # SEC-7
    started = time.perf_counter()
    # The corpus reached every place. Only payloads with a NUL character were refused, by the
    # forms on input (Django refuses NUL in text): they reach no page; citizens still send them.
    nul = {n for n, template in enumerate(TEMPLATES, 1) if "\x00" in template}
    assert {int(what.split()[1]) for what in injected.refused} <= nul, injected.refused
    assert {tuple(messages) for messages in injected.refused.values()} <= {("Null characters are not allowed.",)}
    assert len(TEMPLATES) >= 100 and len(TEMPLATES) % 2 == 0  # pairs: an article, then a policy
    assert len(injected.items) >= 2 * (len(TEMPLATES) - len(nul))
    assert len(injected.feeds) == 4

    without = check_without_policy(injected, file_server.origin, new_page)
    middle = time.perf_counter()
    under = check_under_policy(injected, site_url(live_server, DOMAIN, ""), new_page)
    problems = without.problems() + under.problems() + feed_problems(injected)
    print(
        f"\n{len(TEMPLATES)} payloads, {injected.counts['resources']} resources saved, "
        f"built in {injected.counts['build seconds']}s; pages checked without a policy: {without.pages}, "
        f"in {middle - started:.1f}s; under the policy: {under.pages} in {time.perf_counter() - middle:.1f}s; feeds: {len(injected.feeds)}; {time.perf_counter() - started:.1f}s; "
        f"refused on input: {sorted(injected.refused)}"
    )
    assert not problems, f"{len(problems)} problems:\n" + "\n".join(problems)


# -- uploaded files (issue 12: a script, a PDF–HTML polyglot and a UTF-16 page as attachments) --

SCRIPT_HIT = 9101
ATTACHMENT_CANARY = f"http://{CANARY_HOST}/xss-canary?attachment"


def hostile_attachments(script_path: str) -> dict[str, tuple[str, bytes]]:
    """What a security probe uploaded: key -> (name the uploader gave, content)."""
    from tests.resources.factories import pdf_bytes

    polyglot = pdf_bytes().replace(
        b"%\xe2\xe3\xcf\xd3\n", f'%<!doctype html><script src="{script_path}"></script>\n'.encode(), 1
    )
    refresh = f'<meta http-equiv="refresh" content="0;url={ATTACHMENT_CANARY}">\n通知\n'
    return {
        "script": ("x.js", f"__hit({SCRIPT_HIT});\n".encode()),
        "polyglot": ("报告.html", polyglot),
        "utf16": ("说明.html", refresh.encode("utf-16")),
        "pdf": ("通知.html", pdf_bytes()),  # a real PDF, named as a page
    }


def test_no_uploaded_file_runs_or_redirects_on_the_site(settings, tmp_path, transactional_db, new_page,
                                                        live_server):  # fmt: skip  # SEC-7
    settings.PUBLISH_ROOT, settings.MEDIA_ROOT = tmp_path / "publish", tmp_path / "media"
    b = Builder(settings.PUBLISH_ROOT)
    editor = MembershipFactory(site=b.site, role=Role.EDITOR).user
    col = b.column("xw", "新闻", channel=True)
    files_dir = b.root / DOMAIN / "xw/files"
    refused, assets = {}, {}
    for key, (name, content) in hostile_attachments("/xw/files/90-x.js").items():
        try:
            upload = SimpleUploadedFile(name, content, content_type="text/html")
            assets[key] = actions.upload_asset(upload, kind=ResourceKind.ATTACHMENT, acting_user=editor)
        except ValidationError as error:
            refused[key] = " ".join(error.messages)
    # The library refuses the polyglot and the UTF-16 page; it keeps the script as text, the PDF as PDF.
    assert sorted(refused) == ["polyglot", "utf16"], refused
    shown = []
    for key, asset in assets.items():
        resource = b.resource(col, f"附件{key}", kind=ResourceKind.ATTACHMENT, data={})
        type(resource.published_revision).objects.filter(pk=resource.published_revision_id).update(asset=asset)
        shown.append(resource.pk)
    article = b.article(col, "附件", data={"body": "<p>附件</p>", "attachments": shown})
    publish_site(b.site.pk)
    published = {key: next(files_dir.glob(f"{asset.pk}-*")) for key, asset in assets.items()}
    assert published["script"].suffix == ".txt" and published["pdf"].suffix == ".pdf", published
    # What an older publish would have left: the probe's files under the names their uploaders gave.
    planted = {"script": "90-x.js", "polyglot": "91-报告.html", "utf16": "92-说明.html"}
    for key, name in planted.items():
        (files_dir / name).write_bytes(hostile_attachments("/xw/files/90-x.js")[key][1])
    # A page that loads both scripts and frames the pages, as a stored body might try (its script
    # address is the site's own, so the site's policy allows it: only the served type stops it).
    published_script = f"/xw/files/{published['script'].name}"
    frames = "".join(f'<iframe src="/xw/files/{name}"></iframe>' for name in planted.values())
    (b.root / DOMAIN / "xw/control-files.html").write_text(
        f'<!DOCTYPE html><html lang="zh-CN"><meta charset="utf-8"><title>对照</title>'
        f'<script src="{published_script}"></script><script src="/xw/files/90-x.js"></script>{frames}</html>',
        encoding="utf-8",
    )

    from playwright.sync_api import Error as PlaywrightError

    tab = new_page()
    hits, canary, downloads = [], [], []
    tab.context.add_init_script(HOOK)
    tab.context.route("**/xss-canary*", lambda route: (canary.append(route.request.url), route.abort()))
    tab.on("console", lambda m: m.text.startswith("__xss_hit ") and hits.append(f"{m.text} @ {tab.url}"))
    tab.on("download", lambda download: downloads.append(download.url))
    origin = site_url(live_server, DOMAIN, "")
    paths = [f"/xw/{article.pk}.html", "/xw/control-files.html"]
    paths += [f"/xw/files/{p.name}" for p in published.values()] + [f"/xw/files/{n}" for n in planted.values()]
    tab.goto(origin + paths[0])
    for path in paths:
        headers = tab.evaluate(
            "(url) => fetch(url).then((r) => Object.fromEntries(r.headers.entries()))", origin + quote(path)
        )
        if "/files/" in path:
            assert headers["content-disposition"].startswith("attachment"), (path, headers)
            assert headers["x-content-type-options"] == "nosniff", (path, headers)
            assert "sandbox" in headers["content-security-policy"], (path, headers)
            assert not re.search(r"html|javascript|svg|xml", headers["content-type"]), (path, headers)
        try:
            tab.goto(origin + quote(path), wait_until="load")
            assert "/files/" not in path, f"{path} was opened as a page, not downloaded"
        except PlaywrightError as error:  # a download is not a page: Playwright says so
            assert "/files/" in path and "Download is starting" in str(error), (path, error)
        tab.wait_for_timeout(300)  # a refresh of 0 seconds, or a late script
        hits.extend(f"{entry} @ {path}" for entry in tab.evaluate("window.__xss || []"))
        assert urlsplit(tab.url).hostname == urlsplit(origin).hostname, (path, tab.url)

    assert not hits and not canary, (hits, canary)
    assert len(downloads) >= len(published) + len(planted), downloads
