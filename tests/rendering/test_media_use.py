"""A page publishes only library files its site may use (RES-3, SEC-3; issue 12 item 4).

A body's <img src="/media/library/…"> once published whatever file lay at that path: another
site's draft attachment went online byte for byte. A file is published on a site's page only when
it is the file of an online resource of that site (or of the site that owns the page's content),
or of one in use on that site (an accepted repost); otherwise the file is not copied and the page
is held back, saying which file it may not show.
"""

from pathlib import Path

from django.conf import settings

from editorial.models import Placement, PlacementStatus
from publishing import readiness
from publishing.models import HeldBackItem
from publishing.publisher import BrokenLinks, publish_changes, publish_site
from resources.models import ResourceKind
from tests.rendering.test_files import PNG, library_file

OTHER_DOMAIN = "www.other.gov.cn"


def publish(resource_ids):
    try:
        return publish_changes(resource_ids=resource_ids)
    except BrokenLinks as error:
        return [error.report]


def with_file(build, resource, asset, *, published=True):
    revision = resource.published_revision if published else resource.current_revision
    type(revision).objects.filter(pk=revision.pk).update(asset=asset)


def published_files(build) -> list[bytes]:
    root = build.root / "www.example.gov.cn"
    return [path.read_bytes() for path in root.rglob("files/*") if path.is_file()]


def body_showing(asset) -> str:
    return f'<p>正文</p><p><img src="{settings.MEDIA_URL}{asset.file.name}" alt="图"></p>'


def test_another_sites_draft_file_is_not_published(build):  # SEC-3, issue 12 item 4
    col = build.column("xw", "新闻", channel=True)
    build.article(col, "正常的文章")
    publish_site(build.site.pk)
    other = build.make_site("其他市人民政府", OTHER_DOMAIN, id_code="1399000009")
    other_col = build.column("tz", "通知", site=other)
    secret = b"%PDF-1.4 other site's draft"
    draft_file = library_file(build, "library/2024/06/secret.pdf", secret, "内部方案.pdf", "application/pdf")
    draft = build.resource(other_col, "其他市内部方案", kind=ResourceKind.ATTACHMENT, data={}, publish=False)
    with_file(build, draft, draft_file, published=False)

    article = build.article(col, "引用他站文件的文章", data={"body": body_showing(draft_file)})
    publish([article.pk])

    assert secret not in published_files(build)
    assert not build.file(f"xw/{article.pk}.html").exists()  # held back, not online with a hole
    held = HeldBackItem.objects.get(site=build.site, resource=article)
    assert held.missing_paths == [f"media/{draft_file.file.name}"]


def test_files_the_site_may_use_are_published(build):  # RES-3, RES-5
    col = build.column("xw", "新闻", channel=True)
    other = build.make_site("其他市人民政府", OTHER_DOMAIN, id_code="1399000009")
    other_col = build.column("tz", "通知", site=other)
    own = library_file(build, "library/2024/06/own.png", PNG, "本站图片.png", "image/png", width=1, height=1)
    own_image = build.resource(col, "本站图片", kind=ResourceKind.IMAGE, data={"alt": "图"})
    with_file(build, own_image, own)
    shared = library_file(build, "library/2024/06/shared.png", PNG + b"s", "转载图片.png", "image/png", width=1,
                          height=1)  # fmt: skip
    shared_image = build.resource(other_col, "他站已发布图片", kind=ResourceKind.IMAGE, data={"alt": "图"})
    with_file(build, shared_image, shared)
    Placement.objects.create(resource=shared_image, column=col, site=build.site, status=PlacementStatus.ACTIVE,
                             is_repost=True, placed_by=build.user, placed_at=build.tick())  # fmt: skip

    article = build.article(col, "有图的文章", data={"body": body_showing(own) + body_showing(shared)})
    publish_site(build.site.pk)

    assert build.file(f"xw/{article.pk}.html").exists()
    files = published_files(build)
    assert PNG in files and PNG + b"s" in files


def test_another_sites_published_file_not_shared_is_not_published(build):  # SEC-3
    col = build.column("xw", "新闻", channel=True)
    other = build.make_site("其他市人民政府", OTHER_DOMAIN, id_code="1399000009")
    other_col = build.column("tz", "通知", site=other)
    theirs = library_file(build, "library/2024/06/theirs.png", PNG + b"t", "他站图片.png", "image/png", width=1,
                          height=1)  # fmt: skip
    with_file(build, build.resource(other_col, "他站图片", kind=ResourceKind.IMAGE, data={"alt": "图"}), theirs)

    article = build.article(col, "引用他站图片的文章", data={"body": body_showing(theirs)})
    publish_site(build.site.pk, strict=False)

    assert PNG + b"t" not in published_files(build)
    assert not build.file(f"xw/{article.pk}.html").exists()


def test_readiness_names_the_file_the_site_may_not_use(build):  # SEC-3, PUB-3
    col = build.column("xw", "新闻", channel=True)
    other = build.make_site("其他市人民政府", OTHER_DOMAIN, id_code="1399000009")
    other_col = build.column("tz", "通知", site=other)
    draft_file = library_file(build, "library/2024/06/secret.pdf", b"%PDF-1.4 x", "内部方案.pdf", "application/pdf")
    draft = build.resource(other_col, "其他市内部方案", kind=ResourceKind.ATTACHMENT, data={}, publish=False)
    with_file(build, draft, draft_file, published=False)
    article = build.article(col, "引用他站文件的文章", data={"body": body_showing(draft_file)})

    ready = readiness.check(article, article.published_revision)

    assert ready.unusable_files == [f"{settings.MEDIA_URL}{draft_file.file.name}"]
    message = ready.message()
    assert draft_file.file.name in message and "其他市内部方案" not in message
    assert Path(settings.MEDIA_ROOT, draft_file.file.name).exists()


def test_the_held_back_reason_names_a_refused_file_as_a_file_not_a_missing_page():
    from types import SimpleNamespace

    from publishing import held_back

    row = SimpleNamespace(site=SimpleNamespace(name="甲市"), page_online=False, unpublished=[],
                          missing_paths=["media/library/2026/12/a.pdf", "old/2019/notice.html"])  # fmt: skip
    reason = held_back.reason_text(row)
    assert "pages that do not exist: /old/2019/notice.html" in reason
    assert "may not publish: /media/library/2026/12/a.pdf" in reason
