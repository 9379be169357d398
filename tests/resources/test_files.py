"""Uploads are checked by content, not by name; images are re-encoded (RES-5, SEC-7)."""

import io

import pytest
from django.core.exceptions import ValidationError
from PIL import Image

from resources import files
from resources.models import ResourceKind
from resources.sniff import sniff
from tests.resources import factories as f

IMAGE, ATTACHMENT, VIDEO = ResourceKind.IMAGE, ResourceKind.ATTACHMENT, ResourceKind.VIDEO


def refused(upload, kind) -> str:
    with pytest.raises(ValidationError) as caught:
        files.check_upload(upload, kind)
    return " ".join(caught.value.messages)


# -- images -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fmt", "key", "content_type"),
    [("JPEG", "jpeg", "image/jpeg"), ("PNG", "png", "image/png"), ("GIF", "gif", "image/gif"),
     ("WEBP", "webp", "image/webp")],
)  # fmt: skip
def test_good_images_are_accepted_and_reencoded(fmt, key, content_type):  # RES-5
    data = f.image_bytes(fmt, size=(1500, 1000), color=(10, 200, 30))
    checked = files.check_upload(f.upload(f"照片.{key}", data), IMAGE)
    assert checked.file_type.key == key and checked.file_type.content_type == content_type
    assert (checked.width, checked.height) == (1500, 1000)
    reopened = Image.open(io.BytesIO(checked.content.read()))
    assert reopened.format == fmt and reopened.size == (1500, 1000)
    assert [r.width for r in checked.renditions] == [320, 640, 1280]
    assert [r.height for r in checked.renditions] == [213, 427, 853]
    assert checked.original_name == f"照片.{key}"


def test_renditions_never_upscale():  # RES-5
    checked = files.check_upload(f.upload("small.png", f.image_bytes("PNG", size=(500, 300))), IMAGE)
    assert [r.width for r in checked.renditions] == [320]
    tiny = files.check_upload(f.upload("tiny.png", f.image_bytes("PNG", size=(100, 80))), IMAGE)
    assert tiny.renditions == []


def test_php_named_jpg_is_refused():  # SEC-7
    message = refused(f.upload("photo.jpg", f.PHP, "image/jpeg"), IMAGE)
    assert "PHP" in message and "JPEG" in message and "PNG" in message


def test_svg_with_script_is_refused_with_a_reason():  # SEC-7
    message = refused(f.upload("logo.svg", f.SVG_WITH_SCRIPT, "image/svg+xml"), IMAGE)
    assert "SVG" in message and "script" in message


def test_svg_named_png_is_refused_too():  # SEC-7
    assert "SVG" in refused(f.upload("logo.png", f.SVG_WITH_SCRIPT, "image/png"), IMAGE)


def test_oversized_image_is_refused(settings):  # RES-5
    settings.RESOURCES_MAX_IMAGE_BYTES = 50_000
    data = f.image_bytes("PNG", size=(600, 600), mode="RGB", color=None)  # noise-free but big enough
    data = data + b"\x00" * (60_000 - len(data)) if len(data) < 60_000 else data
    message = refused(f.upload("big.png", data), IMAGE)
    assert "48.8" in message or "KB" in message
    assert "at most" in message


def test_decompression_bomb_is_refused():  # RES-5, SEC-7
    bomb = f.png_declaring(100_000, 100_000)
    assert len(bomb) < 200
    message = refused(f.upload("bomb.png", bomb), IMAGE)
    assert "million pixels" in message


def test_image_over_the_pixel_limit_is_refused(settings):  # RES-5
    settings.RESOURCES_MAX_IMAGE_PIXELS = 1_000_000
    message = refused(f.upload("wide.png", f.image_bytes("PNG", size=(2000, 1000))), IMAGE)
    assert "2000 × 1000" in message and "1 million pixels" in message


def test_exif_gps_is_stripped():  # SEC-7
    data = f.jpeg_with_gps()
    assert Image.open(io.BytesIO(data)).getexif().get(0x8825)
    checked = files.check_upload(f.upload("gps.jpg", data), IMAGE)
    stored = checked.content.read()
    exif = Image.open(io.BytesIO(stored)).getexif()
    assert not exif.get(0x8825) and not exif.get(0x010F) and len(exif) == 0
    assert b"Exif" not in stored and b"PhoneMaker" not in stored


def test_exif_orientation_is_applied():  # RES-5
    data = f.jpeg_with_gps(size=(400, 200), orientation=6)  # rotated 90°: shown as 200 × 400
    checked = files.check_upload(f.upload("portrait.jpg", data), IMAGE)
    assert (checked.width, checked.height) == (200, 400)


def test_php_appended_to_a_jpeg_is_gone_after_reencoding():  # SEC-7
    data = f.image_bytes("JPEG", size=(300, 200)) + f.PHP
    checked = files.check_upload(f.upload("shell.php.jpg", data), IMAGE)
    stored = checked.content.read()
    assert b"<?php" not in stored and b"system(" not in stored
    assert checked.file_type.extension == "jpg"


def test_php_in_a_jpeg_comment_is_gone():  # SEC-7
    out = io.BytesIO()
    Image.new("RGB", (50, 50)).save(out, format="JPEG", comment=b"<?php echo 1; ?>")
    assert b"<?php" in out.getvalue()
    stored = files.check_upload(f.upload("c.jpg", out.getvalue()), IMAGE).content.read()
    assert b"<?php" not in stored


def test_animated_gif_keeps_its_frames():  # RES-5
    frames = [Image.new("RGB", (60, 40), color) for color in ((255, 0, 0), (0, 255, 0), (0, 0, 255))]
    out = io.BytesIO()
    frames[0].save(out, format="GIF", save_all=True, append_images=frames[1:], duration=200, loop=0)
    checked = files.check_upload(f.upload("anim.gif", out.getvalue()), IMAGE)
    assert getattr(Image.open(io.BytesIO(checked.content.read())), "n_frames", 1) == 3


def test_damaged_image_is_refused():  # RES-5
    data = f.image_bytes("PNG", size=(300, 300))[:80]
    assert "damaged" in refused(f.upload("broken.png", data), IMAGE)


def test_other_image_types_are_refused_naming_the_allowed_ones():  # RES-5
    bmp = io.BytesIO()
    Image.new("RGB", (10, 10)).save(bmp, format="BMP")
    message = refused(f.upload("a.bmp", bmp.getvalue()), IMAGE)
    assert "JPEG、PNG、GIF、WebP" in message


def test_pdf_uploaded_as_image_is_refused():  # RES-5
    assert "PDF" in refused(f.upload("scan.jpg", f.pdf_bytes()), IMAGE)


def test_empty_file_is_refused():
    assert "empty" in refused(f.upload("nothing.pdf", b""), ATTACHMENT)


# -- attachments --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "builder", "key", "text"),
    [
        ("通知.pdf", f.pdf_bytes, "pdf", "Hello 13800138000"),
        ("方案.docx", f.docx_bytes, "docx", "联系电话13800138000"),
        ("名单.xlsx", f.xlsx_bytes, "xlsx", "13800138000"),
        ("汇报.pptx", f.pptx_bytes, "pptx", "汇报提纲"),
        ("文档.odt", f.odt_bytes, "odt", "开放文档"),
        ("公文.ofd", f.ofd_bytes, "ofd", "电子公文"),
        ("材料.zip", f.zip_bytes, "zip", ""),
        ("旧文档.doc", f.ole_bytes, "doc", ""),
        ("旧表格.xls", lambda: f.ole_bytes("Workbook"), "xls", ""),
        ("旧幻灯片.ppt", lambda: f.ole_bytes("PowerPoint Document"), "ppt", ""),
        ("金山.wps", f.ole_bytes, "wps", ""),
        ("说明.txt", lambda: "联系人：张三，电话 13800138000".encode(), "txt", "13800138000"),
        ("说明-gbk.txt", lambda: "联系人：张三".encode("gb18030"), "txt", "联系人：张三"),
        ("数据.csv", lambda: "姓名,电话\n张三,13800138000\n".encode(), "csv", "张三,13800138000"),
    ],
)
def test_good_attachments_are_accepted_with_their_text(name, builder, key, text):  # RES-5, PUB-3
    checked = files.check_upload(f.upload(name, builder()), ATTACHMENT)
    assert checked.file_type.key == key
    assert text in checked.text
    assert len(checked.sha256) == 64


def test_attachment_type_comes_from_content_not_name():  # RES-5
    checked = files.check_upload(f.upload("看起来是表格.xlsx", f.docx_bytes()), ATTACHMENT)
    assert checked.file_type.key == "docx" and checked.file_type.extension == "docx"


def test_html_named_pdf_is_refused():  # SEC-7
    message = refused(f.upload("report.pdf", f.HTML_PAGE, "application/pdf"), ATTACHMENT)
    assert "HTML" in message and "PDF" in message and "ZIP" in message


def test_php_named_txt_is_refused():  # SEC-7
    assert "PHP" in refused(f.upload("notes.txt", f.PHP), ATTACHMENT)


def test_exe_named_doc_is_refused():  # SEC-7
    assert "program" in refused(f.upload("公文.doc", f.EXE), ATTACHMENT)


def test_script_hidden_deep_in_a_text_file_is_refused():  # SEC-7
    data = ("正常内容\n" * 50_000).encode() + b"<script>alert(1)</script>"
    assert "HTML" in refused(f.upload("long.txt", data), ATTACHMENT)


def test_office_document_with_macros_is_refused():  # SEC-7
    message = refused(f.upload("宏.docm", f.docm_bytes()), ATTACHMENT)
    assert "macros" in message


def test_pdf_with_javascript_is_refused():  # SEC-7
    data = f.pdf_bytes(extra_catalog="/OpenAction << /S /JavaScript /JS (app.alert(1)) >> ")
    assert "JavaScript" in refused(f.upload("script.pdf", data), ATTACHMENT)


def test_image_uploaded_as_attachment_is_refused_with_a_hint():  # RES-5
    message = refused(f.upload("photo.jpg", f.image_bytes()), ATTACHMENT)
    assert "as images" in message


def test_oversized_attachment_is_refused(settings):  # RES-5
    settings.RESOURCES_MAX_ATTACHMENT_BYTES = 1000
    message = refused(f.upload("big.txt", b"a" * 2000), ATTACHMENT)
    assert "attachments may be at most" in message and "1000" in message


def test_extracted_text_is_capped(settings):  # PUB-3
    settings.RESOURCES_MAX_EXTRACTED_TEXT = 100
    checked = files.check_upload(f.upload("long.txt", ("字" * 1000).encode()), ATTACHMENT)
    assert len(checked.text) == 100


# -- videos -------------------------------------------------------------------------------------


def test_mp4_is_accepted():  # RES-5
    checked = files.check_upload(f.upload("发布会.mp4", f.mp4_bytes()), VIDEO)
    assert checked.file_type.content_type == "video/mp4"


def test_other_videos_are_refused():  # RES-5
    assert "MP4" in refused(f.upload("clip.mov", f.mp4_bytes(b"qt  ")), VIDEO)
    assert "MP4" in refused(f.upload("clip.mp4", f.HTML_PAGE), VIDEO)


def test_oversized_video_is_refused(settings):  # RES-5
    settings.RESOURCES_MAX_VIDEO_BYTES = 10
    assert "videos may be at most" in refused(f.upload("clip.mp4", f.mp4_bytes()), VIDEO)


# -- names and sniffing -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("../../etc/passwd", "passwd"),
        ("C:\\Users\\张三\\关于印发《方案》的通知.docx", "关于印发《方案》的通知.docx"),
        ("evil\u202egpj.exe", "evilgpj.exe"),
        ('a<b>:"c|?*.pdf', "abc.pdf"),
        ("   ", "file"),
        ("x" * 300 + ".pdf", "x" * 196 + ".pdf"),
    ],
)
def test_original_names_are_sanitised(given, expected):  # SEC-7
    assert files.clean_original_name(given) == expected


def test_plain_text_starting_like_magic_numbers_is_text():
    assert sniff(io.BytesIO(b"MZ company annual report\n"), "r.txt").key == "txt"
    assert sniff(io.BytesIO(b"BMW cars list\n"), "r.txt").key == "txt"


def test_text_with_percent_signs_is_not_mistaken_for_a_script():  # RES-5
    checked = files.check_upload(f.upload("统计.csv", "指标,增幅\n失业率,<%5\n".encode()), ATTACHMENT)
    assert checked.file_type.key == "csv"


def test_allowed_attachment_labels_name_every_accepted_type():  # RES-5
    from resources.sniff import ATTACHMENT_KEYS, TYPES

    label = files.allowed_types_label(ATTACHMENT)
    for key in ATTACHMENT_KEYS - {"et", "dps"}:
        assert TYPES[key].extension.upper() in label, key


def test_phone_jpeg_with_extra_pictures_is_accepted_as_one_jpeg():  # RES-5
    out = io.BytesIO()
    Image.new("RGB", (60, 40), (255, 0, 0)).save(
        out, format="MPO", save_all=True, append_images=[Image.new("RGB", (60, 40), (0, 0, 255))]
    )
    checked = files.check_upload(f.upload("IMG_0001.jpg", out.getvalue()), IMAGE)
    stored = Image.open(io.BytesIO(checked.content.read()))
    assert stored.format == "JPEG" and getattr(stored, "n_frames", 1) == 1


def test_cmyk_jpeg_is_stored_as_rgb():  # RES-5
    data = f.image_bytes("JPEG", size=(50, 50), mode="CMYK", color=(0, 100, 100, 0))
    checked = files.check_upload(f.upload("print.jpg", data), IMAGE)
    assert Image.open(io.BytesIO(checked.content.read())).mode == "RGB"
