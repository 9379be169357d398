"""INT-1 (issue 16 item 8): files attached to a letter on the public form go through the platform's
upload checks: an accepted file is stored with the letter, listed by name on the writer's status
page and downloaded by the site's handlers in the back office; a disguised file, a fourth file or
a file over 10 MB is refused in Chinese with everything typed kept (and the writer told to choose
the files again); another site's handler, and the public listing, never reach the file.
"""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from interaction import letters, senders
from interaction.models import Letter, LetterAttachment
from tests.helpers import admin_url, log_in
from tests.interaction.test_citizens import text_check
from tests.interaction.test_letters_handling import desk  # noqa: F401
from tests.interaction.test_letters_submit import LETTER, make_channel
from tests.interaction.test_public_forms import code_of
from tests.resources.factories import image_bytes, pdf_bytes

pytestmark = pytest.mark.django_db
TYPED = {"title": "小区门口路灯不亮", "body": "幸福路12号小区门口的路灯已经坏了两周，夜间出行不便。",
         "writer_name": "李四", "writer_phone": "13812345678", "writer_email": ""}  # fmt: skip


@pytest.fixture(autouse=True)
def fresh(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    cache.clear()
    senders.OUTBOX.clear()
    yield
    cache.clear()


def pdf(name="现场照片说明.pdf"):
    return SimpleUploadedFile(name, pdf_bytes("路灯损坏情况"), content_type="application/pdf")


def disguised(name="说明.pdf"):
    return SimpleUploadedFile(name, b"<html><script>alert(1)</script></html>", content_type="application/pdf")


def post_letter(client, channel, files):
    return client.post(f"/interaction/write/{channel.pk}/", {**TYPED, **text_check(client), "attachments": files})


def test_int1_accepted_attachment_stored_listed_for_the_writer_and_downloaded_by_the_handler(
    desk,  # noqa: F811
    backoffice_client,
):
    client = Client(HTTP_HOST=desk.site.primary_domain)
    form = client.get(f"/interaction/write/{desk.channel.pk}/").content.decode()
    assert 'enctype="multipart/form-data"' in form and 'name="attachments"' in form and "最多3个文件" in form
    photo = SimpleUploadedFile("路灯.png", image_bytes("PNG", size=(40, 30)), content_type="image/png")
    page = post_letter(client, desk.channel, [pdf(), photo]).content.decode()
    assert "信件已提交" in page
    letter = Letter.objects.exclude(pk=desk.letter.pk).get()
    stored = list(letter.attachments.all())
    assert [item.original_name for item in stored] == ["现场照片说明.pdf", "路灯.png"]
    assert stored[0].content_type == "application/pdf" and stored[0].size > 0
    assert stored[0].file.name.startswith("interaction/letters/") and "现场" not in stored[0].file.name
    code = code_of(page)
    status = client.post("/interaction/status/", {"number": letter.tracking_number, "code": code}).content.decode()
    assert "现场照片说明.pdf" in status and "路灯.png" in status
    handler = log_in(backoffice_client, desk.reviewer)
    detail = handler.get(admin_url("interaction_letter_change", letter.pk)).content.decode()
    url = admin_url("interaction_letter_file", letter.pk, stored[0].pk)
    assert url in detail and "现场照片说明.pdf" in detail
    response = handler.get(url)
    assert response.status_code == 200 and b"".join(response.streaming_content).startswith(b"%PDF")
    assert response["X-Content-Type-Options"] == "nosniff" and "attachment" in response["Content-Disposition"]


def test_int1_disguised_file_refused_in_chinese_and_what_was_typed_kept():
    channel = make_channel()
    client = Client(HTTP_HOST=channel.site.primary_domain)
    response = post_letter(client, channel, [disguised()])
    page = response.content.decode()
    assert response.status_code == 400 and not Letter.objects.exists() and not LetterAttachment.objects.exists()
    assert "“说明.pdf”" in page and "不能" in page  # the refusal names the file, in Chinese
    assert "幸福路12号小区门口的路灯已经坏了两周" in page and 'value="小区门口路灯不亮"' in page
    assert "请重新选择附件" in page  # the chosen files are not kept: the writer is told
    assert "cannot be uploaded" not in page


def test_int1_too_many_or_too_big_files_refused():
    channel = make_channel()
    client = Client(HTTP_HOST=channel.site.primary_domain)
    page = post_letter(client, channel, [pdf(f"{n}.pdf") for n in range(4)]).content.decode()
    assert "每封来信最多上传3个附件" in page and 'value="小区门口路灯不亮"' in page
    assert not Letter.objects.exists()
    big = SimpleUploadedFile("大文件.pdf", b"%PDF-1.4\n" + b"0" * (10 * 1024 * 1024), content_type="application/pdf")
    page = post_letter(client, channel, [big]).content.decode()
    assert "“大文件.pdf”大小为" in page and "此文件最大" in page and "请重新选择附件" in page
    assert not Letter.objects.exists()
    with pytest.raises(ValidationError) as refused:  # the action checks too, whatever calls it
        letters.submit(channel, LETTER, files=[pdf(f"{n}.pdf") for n in range(4)])
    assert refused.value.message_dict["attachments"] == ["每封来信最多上传3个附件。"]
    assert not Letter.objects.exists()


def test_int1_another_sites_handler_and_the_public_never_get_the_file(desk, backoffice_client):  # noqa: F811
    letter, _code = letters.submit(desk.channel, LETTER, files=[pdf()])
    item = letter.attachments.get()
    url = admin_url("interaction_letter_file", letter.pk, item.pk)
    other = log_in(backoffice_client, desk.other_admin)
    assert other.get(url).status_code == 404
    editor = log_in(Client(), desk.editor)  # editors of the site do not handle letters
    assert editor.get(url).status_code in (302, 403, 404)
    assert (
        log_in(Client(), desk.admin).get(admin_url("interaction_letter_file", letter.pk, item.pk + 99)).status_code
        == 404
    )
    public = Client(HTTP_HOST=desk.site.primary_domain)
    assert public.get(f"/media/{item.file.name}").status_code == 404
