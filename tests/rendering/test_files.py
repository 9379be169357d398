"""Images and attachments are published beside the page that shows them (LINK-1, RES-5)."""

from pathlib import Path
from urllib.parse import unquote

from django.conf import settings

from publishing.publisher import publish_changes, publish_site
from resources.models import Asset, Rendition, ResourceKind
from tests.rendering.conftest import parse

PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c63f8ffff3f0005fe02fea7d6a4e80000000049454e44ae426082"
)


def library_file(build, relative: str, content: bytes, name: str, content_type: str, **fields) -> Asset:
    path = Path(settings.MEDIA_ROOT) / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content)
    return Asset.objects.create(
        file=relative, original_name=name, content_type=content_type, size=len(content), sha256="0" * 64,
        uploaded_by=build.user, **fields,
    )  # fmt: skip


def test_cover_attachment_and_body_image(build):  # LINK-1, RES-5
    col = build.column("xw", "新闻", channel=True)
    photo = library_file(build, "library/2024/06/a1.png", PNG, "现场照片.png", "image/png", width=1600, height=900)
    small = Path(settings.MEDIA_ROOT) / "renditions/2024/06/a1-800.png"
    small.parent.mkdir(parents=True, exist_ok=True)
    small.write_bytes(PNG + b"800")
    Rendition.objects.create(asset=photo, width=800, height=450, file="renditions/2024/06/a1-800.png")
    doc = library_file(build, "library/2024/06/d1.pdf", b"%PDF-1.4 test", "实施方案 (2024).pdf", "application/pdf")
    image = build.resource(col, "现场照片", kind=ResourceKind.IMAGE, data={"alt": "会议现场"}, publish=True)
    image.published_revision.asset = photo
    type(image.published_revision).objects.filter(pk=image.published_revision.pk).update(asset=photo)
    attachment = build.resource(col, "实施方案", kind=ResourceKind.ATTACHMENT, data={})
    type(attachment.published_revision).objects.filter(pk=attachment.published_revision.pk).update(asset=doc)
    body = '<p>正文</p><p><img src="/media/library/2024/06/a1.png" alt="现场"></p>'
    article = build.article(col, "有图有附件的文章",
                            data={"body": body, "cover_image": image.pk, "attachments": [attachment.pk]})  # fmt: skip
    publish_site(build.site.pk)

    html = build.read(f"xw/{article.pk}.html")
    page = parse(html)
    cover = f"/xw/files/{photo.pk}-w800-现场照片.png"  # the 800 px rendition, at its own address
    assert build.file(cover.lstrip("/")).read_bytes() == PNG + b"800"
    assert any(src.startswith(f"/xw/files/{photo.pk}-") for src in page.srcs)
    assert "/media/" not in html  # the library is never linked from a published page
    pdf = f"xw/files/{doc.pk}-实施方案-2024.pdf"
    assert build.file(pdf).read_bytes() == b"%PDF-1.4 test"
    assert f"/{pdf}" in [unquote(link) for link in page.links]
    assert page.meta["Image"][0].startswith("https://www.example.gov.cn/xw/files/")

    again = publish_changes(resource_ids=[article.pk])[0]
    assert not [p for p in again.written if "/files/" in p]  # files are copied once


def test_missing_library_file_refuses_the_page(build):  # LINK-2
    import pytest

    from publishing.publisher import BrokenLinks

    col = build.column("xw", "新闻", channel=True)
    build.article(col, "正常的文章")
    publish_site(build.site.pk)
    body = '<p><img src="/media/library/2024/06/gone.png" alt="丢失"></p>'
    bad = build.article(col, "图片丢失的文章", data={"body": body})
    with pytest.raises(BrokenLinks):
        publish_changes(resource_ids=[bad.pk])
    assert not build.file(f"xw/{bad.pk}.html").exists()
