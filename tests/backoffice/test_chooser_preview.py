"""The library chooser and the preview (issue 14 items 3 and 4).

Site 甲 (A) and site 乙 (B) come from tests/backoffice/conftest.py. The chooser lists only what the
form may use and never another site's resources; an upload in place stores a library resource
first; an image inserted into a body survives the sanitiser and is published at the page's own
file address. The preview renders the version in review through the publisher's renderer and
writes nothing; another site's resource answers 404.
"""

import hashlib
import html
import json
import re
from pathlib import Path

import pytest
from django.conf import settings

from editorial import workflow
from publishing.models import PublishedFile
from publishing.publisher import publish_site
from resources.models import Resource, ResourceKind, ResourceStatus
from tests.helpers import admin_url
from tests.resources.factories import image_bytes, make_article, make_image, upload

pytestmark = pytest.mark.django_db


def chooser(site, **params) -> str:
    query = "&".join(f"{key}={value}" for key, value in {"site": site.pk, **params}.items())
    return admin_url("chooser") + "?" + query


def choices(response) -> list[dict]:
    text = response.content.decode()
    return [json.loads(html.unescape(raw)) for raw in re.findall(r'data-choice="([^"]*)"', text)]


def approve(side, resource):
    workflow.submit(resource, acting_user=side.users["editor"])
    workflow.approve(resource, acting_user=side.users["reviewer"])
    resource.refresh_from_db()
    return resource


def folder_state(root: Path) -> dict:
    return {
        str(path.relative_to(root)): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(root.rglob("*"))
        if path.is_file()
    }


# --- the chooser: isolation (SEC-3) -----------------------------------------------------------


def test_chooser_lists_the_sites_images_with_thumbnails_and_never_another_sites(sites, login):
    own = make_image(sites.a.site, sites.a.users["editor"], title="甲市防火宣传图")
    theirs = make_image(sites.b.site, sites.b.users["editor"], title="乙市防火宣传图")
    client = login(sites.a.users["editor"])

    listed = client.get(chooser(sites.a.site, kinds="image"))
    asked_for_b = client.get(chooser(sites.a.site, kinds="image", in_site=sites.b.site.pk))
    for_b = client.get(chooser(sites.b.site, kinds="image"))
    upload_into_b = client.post(
        chooser(sites.b.site, kinds="image"),
        {"kind": "image", "title": "越权", "alt": "越权", "file": upload("x.jpg", image_bytes())},
    )

    assert listed.status_code == 200
    found = {choice["id"]: choice for choice in choices(listed)}
    assert set(found) == {own.pk}
    assert found[own.pk]["thumbnail"].startswith(settings.MEDIA_URL + "renditions/")  # the smallest rendition
    assert "乙市" not in listed.content.decode()
    assert [c["id"] for c in choices(asked_for_b)] == [own.pk] and "乙市" not in asked_for_b.content.decode()
    assert for_b.status_code == 404 and upload_into_b.status_code == 404
    assert not Resource.objects.filter(title="越权").exists()
    assert theirs.pk not in {c["id"] for c in choices(client.get(chooser(sites.a.site, kinds="image", q="防火")))}


def test_an_editor_of_both_sites_gets_only_the_forms_site_for_body_images(sites, login):
    from sites import memberships
    from sites.models import Role

    editor = sites.a.users["editor"]
    memberships.grant_role(editor, sites.b.site, Role.EDITOR, acting_user=sites.b.users["admin"])
    own = make_image(sites.a.site, editor, title="甲市图")
    other = make_image(sites.b.site, sites.b.users["editor"], title="乙市图")
    client = login(editor)

    references = {c["id"] for c in choices(client.get(chooser(sites.a.site, kinds="image", in_site=0)))}
    body = {c["id"] for c in choices(client.get(chooser(sites.a.site, target="body", in_site=sites.b.site.pk)))}

    assert references == {own.pk, other.pk}  # a cover may come from any site the editor works on
    assert body == {own.pk}  # a body image: the page's own site only (publishing/media_use.py)


def test_another_sites_image_is_never_accepted_as_cover(sites, login):  # SEC-3, RES-3
    from tests.backoffice.test_library import form_data

    theirs = make_image(sites.b.site, sites.b.users["editor"], title="乙市防火宣传图")
    client = login(sites.a.users["editor"])
    url = admin_url("resources_resource_add") + f"?site={sites.a.site.pk}&kind=article"

    response = client.post(url, form_data(title="用他站封面的文章", cover_image=str(theirs.pk)))

    assert response.status_code == 200
    assert not Resource.objects.filter(title="用他站封面的文章").exists()
    assert "乙市" not in response.content.decode()


def test_the_form_uses_the_chooser_and_a_tall_editor(sites, login):
    image = make_image(sites.a.site, sites.a.users["editor"], title="甲市封面")
    article = make_article(sites.a.site, sites.a.users["editor"], column=sites.a.columns[0], cover_image=image.pk)
    text = login(sites.a.users["editor"]).get(admin_url("resources_resource_change", article.pk)).content.decode()

    assert 'class="chooser-field"' in text and "backoffice/editor.js" in text and "resources/rich_text.css" in text
    assert 'id="chooser-dialog"' in text
    card = re.search(rf'<li class="chooser-card" data-id="{image.pk}">(.*?)</li>', text, re.S)
    assert card and "甲市封面" in card[1] and "<img" in card[1]  # the chosen cover with its thumbnail


# --- upload in place (RES-1: store first, then use) -----------------------------------------------


def test_upload_in_place_stores_a_library_resource_and_chooses_it(sites, login):
    client = login(sites.a.users["editor"])
    url = chooser(sites.a.site, kinds="image")

    response = client.post(
        url, {"kind": "image", "title": "现场照片", "alt": "会议现场", "file": upload("现场.jpg", image_bytes())}
    )
    refused = client.post(
        url, {"kind": "image", "title": "脚本", "alt": "x", "file": upload("x.svg", b"<svg onload=alert(1)></svg>")}
    )

    stored = Resource.objects.get(title="现场照片")
    assert (stored.site, stored.kind, stored.status) == (sites.a.site, ResourceKind.IMAGE, ResourceStatus.DRAFT)
    assert stored.current_revision.asset.renditions.exists()
    assert stored.current_revision.data["alt"] == "会议现场"
    chosen = re.search(r'class="chooser-uploaded" data-choice="([^"]*)"', response.content.decode())
    assert chosen and json.loads(html.unescape(chosen[1]))["id"] == stored.pk
    assert refused.status_code == 200 and not Resource.objects.filter(title="脚本").exists()
    assert "errorlist" in refused.content.decode()


# --- an inserted image: kept by the sanitiser, published at the page's address ----------------------


def test_an_inserted_image_survives_the_sanitiser_and_is_published(sites, login):  # RES-5, SEC-7
    from tests.backoffice.test_library import form_data

    side = sites.a
    image = approve(side, make_image(side.site, side.users["editor"], title="防火宣传图", size=(1600, 900)))
    client = login(side.users["editor"])
    choice = next(c for c in choices(client.get(chooser(side.site, target="body"))) if c["id"] == image.pk)
    src = choice["sources"]["medium"]
    body = f'<p>会议现场如下。</p><p><img src="{src}" alt="{choice["alt"]}"></p>'

    client.post(
        admin_url("resources_resource_add") + f"?site={side.site.pk}&kind=article",
        form_data(title="有插图的文章", body=body, column=str(side.columns[0].pk)),
    )
    article = Resource.objects.get(title="有插图的文章")
    saved = article.current_revision.data["body"]
    approve(side, article)
    publish_site(side.site.pk)

    assert f'<img src="{src}" alt="森林防火宣传画">' in saved
    assert src.startswith(settings.MEDIA_URL + "renditions/") and src.endswith("-640.jpg")
    page = Path(settings.PUBLISH_ROOT) / side.site.primary_domain / f"ywdt/{article.pk}.html"
    published = page.read_text()
    asset_id = image.current_revision.asset_id
    address = re.search(rf'<img src="(/ywdt/files/{asset_id}-w640-[^"]+)"', published)
    assert address, published
    assert (Path(settings.PUBLISH_ROOT) / side.site.primary_domain / address[1].lstrip("/")).is_file()
    assert settings.MEDIA_URL not in published


# --- the preview ------------------------------------------------------------------------------------


def test_preview_renders_the_version_in_review_and_writes_nothing(sites, login):  # issue 14 item 4
    side = sites.a
    online = approve(side, make_article(side.site, side.users["editor"], title="已发布的通知", column=side.columns[0]))
    publish_site(side.site.pk)
    article = make_article(side.site, side.users["editor"], title="待审的通知", column=side.columns[0],
                           body="<p>预览专用的正文文字。</p>")  # fmt: skip
    workflow.submit(article, acting_user=side.users["editor"])
    root = Path(settings.PUBLISH_ROOT)
    before, manifest = folder_state(root), PublishedFile.objects.count()
    client = login(side.users["reviewer"])

    outer = client.get(admin_url("resource_preview", article.pk))
    inner = client.get(admin_url("resource_preview_page", article.pk))
    css = client.get(admin_url("preview_static", side.site.pk, "site.css"))
    review = client.get(admin_url("resources_resource_review", article.pk))

    assert outer.status_code == 200
    assert admin_url("resource_preview_page", article.pk) in outer.content.decode()
    page = inner.content.decode()
    assert inner.status_code == 200 and "预览专用的正文文字。" in page
    assert side.site.name in page and "甲要闻动态" in page  # the site's header and navigation
    assert "已发布的通知" in page  # the column's other item: previous / related, as published
    assert "sandbox" in inner["Content-Security-Policy"] and "script-src" not in inner["Content-Security-Policy"]
    assert inner["X-Frame-Options"] == "SAMEORIGIN"
    assert f'<base href="https://{side.site.primary_domain}/"' in page
    assert css.status_code == 200 and css["Content-Type"].startswith("text/css")
    assert admin_url("resource_preview", article.pk) in review.content.decode()
    assert folder_state(root) == before and PublishedFile.objects.count() == manifest
    assert online.pk  # still online, untouched


def test_preview_of_an_online_item_links_the_live_page(sites, login):
    side = sites.a
    article = approve(side, make_article(side.site, side.users["editor"], title="线上通知", column=side.columns[0]))
    text = login(side.users["editor"]).get(admin_url("resource_preview", article.pk)).content.decode()
    assert f"https://{side.site.primary_domain}/ywdt/{article.pk}.html" in text


@pytest.mark.parametrize("role", ["editor", "reviewer", "admin"])
def test_preview_of_another_sites_resource_answers_404(sites, login, role):  # SEC-3
    theirs = make_article(sites.b.site, sites.b.users["editor"], title="乙市待审稿件", column=sites.b.columns[0])
    client = login(sites.a.users[role])

    for url in (
        admin_url("resource_preview", theirs.pk),
        admin_url("resource_preview_page", theirs.pk),
        admin_url("resource_preview", theirs.pk) + f"?revision={theirs.current_revision_id}",
        admin_url("preview_static", sites.b.site.pk, "theme.css"),
    ):
        response = client.get(url)
        assert response.status_code == 404, url
        assert "乙市" not in response.content.decode()
