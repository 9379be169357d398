"""Rich text and plain text are cleaned on the server: no script injection survives (SEC-7)."""

import re
from html.parser import HTMLParser

import pytest

from resources.sanitize import clean_html, clean_text, html_to_text
from tests.security.payloads import XSS_PAYLOADS  # the corpus the browser test uses too (SEC-7)

FORBIDDEN_TAGS = ("<script", "<iframe", "<object", "<embed", "<svg", "<math", "<style", "<frame", "<base", "<meta",
                  "<link", "<form", "<input", "<body", "<template", "<noscript")  # fmt: skip
SCRIPT_URL = re.compile(r"^\s*(?:javascript|vbscript|data|livescript|jar)\s*:", re.IGNORECASE)


class AttributeCollector(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tags, self.attributes = [], []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        self.attributes.extend((tag, name, value or "") for name, value in attrs)

    handle_startendtag = handle_starttag


def assert_no_script(output: str) -> None:
    lowered = output.lower()
    for tag in FORBIDDEN_TAGS:
        assert tag not in lowered, f"{tag} survived in {output!r}"
    assert not re.search(r"<[^>]*\son\w+\s*=", lowered), output
    collector = AttributeCollector()
    collector.feed(output)
    for tag, name, value in collector.attributes:
        assert not name.startswith("on"), (tag, name, output)
        assert name not in ("style", "class", "srcdoc", "formaction", "background", "action", "xlink:href"), output
        if name in ("href", "src"):
            plain = re.sub(r"[\x00-\x20]", "", value)
            assert not SCRIPT_URL.match(plain), (tag, name, value)
            assert not re.match(r"(?i)(?:javascript|vbscript|data):", plain), value
    for tag, name, value in collector.attributes:
        if tag == "img" and name == "src":
            assert value.startswith("/media/") and ".." not in value, value


def test_there_are_at_least_a_hundred_payloads():  # SEC-7
    assert len(XSS_PAYLOADS) >= 100


@pytest.mark.parametrize("payload", XSS_PAYLOADS)
def test_script_injection_is_removed(payload):  # SEC-7
    output = clean_html(payload)
    assert_no_script(output)
    # Cleaning is stable: the output of the cleaner cleans to itself.
    assert clean_html(output) == output


@pytest.mark.parametrize("payload", XSS_PAYLOADS)
def test_payload_wrapped_in_an_article_is_removed(payload):  # SEC-7
    output = clean_html(f"<p>正文开始</p>{payload}<p>正文结束</p>")
    assert_no_script(output)
    # An unclosed <svg>, <audio> … swallows what follows, as in a browser; what came before stays.
    assert output.startswith("<p>正文开始</p>")


def test_library_images_stay_other_images_go(settings):  # SEC-7, RES-5
    settings.MEDIA_URL = "/media/"
    html = '<p><img src="/media/library/2024/05/a.jpg" alt="图"><img src="https://tracker.example.com/p.gif"></p>'
    assert clean_html(html) == '<p><img src="/media/library/2024/05/a.jpg" alt="图"></p>'


def test_images_follow_an_absolute_media_url(settings):  # SEC-7
    settings.MEDIA_URL = "https://static.bd.gov.cn/media/"
    assert "<img" in clean_html('<img src="https://static.bd.gov.cn/media/a.png">')
    assert "<img" not in clean_html('<img src="https://static.bd.gov.cn.evil.com/media/a.png">')
    assert "<img" not in clean_html('<img src="/media/a.png">')


def test_allowed_markup_is_kept():  # SEC-7
    html = (
        "<h2>一、总体要求</h2><h3>（一）目标</h3><h4>1.</h4>"
        "<p><strong>重</strong><em>要</em><u>下</u><s>删</s>H<sub>2</sub>O x<sup>2</sup><br>换行</p>"
        "<ul><li>甲</li></ul><ol><li>乙</li></ol><blockquote><p>引文</p></blockquote>"
        '<table><thead><tr><th colspan="2">表头</th></tr></thead>'
        '<tbody><tr><td rowspan="2">1</td><td>2</td></tr></tbody></table>'
        '<p><a href="https://www.gov.cn/" title="中国政府网">链接</a> <a href="/zwgk/">站内</a> '
        '<a href="mailto:xx@bd.gov.cn">信箱</a></p>'
    )
    output = clean_html(html)
    for fragment in ("<h2>", "<h3>", "<h4>", "<strong>", "<em>", "<u>", "<s>", "<sub>", "<sup>", "<br>", "<ul>",
                     "<ol>", "<li>", "<blockquote>", '<th colspan="2">', '<td rowspan="2">', "<thead>", "<tbody>",
                     'href="https://www.gov.cn/"', 'title="中国政府网"', 'href="/zwgk/"',
                     'href="mailto:xx@bd.gov.cn"'):  # fmt: skip
        assert fragment in output, fragment
    assert output.count('rel="noopener noreferrer"') == 3


WORD_PASTE = """<html xmlns:o="urn:schemas-microsoft-com:office:office" xmlns:w="urn:schemas-microsoft-com:office:word">
<head><meta name=Generator content="Microsoft Word 15"><title>通知</title>
<!--[if gte mso 9]><xml><w:WordDocument><w:View>Normal</w:View></w:WordDocument></xml><![endif]-->
<style><!-- p.MsoNormal {mso-style-parent:""; margin:0cm; font-size:10.5pt;} --></style></head>
<body lang=ZH-CN style='tab-interval:21.0pt'><div class=WordSection1>
<h1 style='mso-outline-level:1'><span style='font-family:黑体'>关于做好春季防火工作的通知<o:p></o:p></span></h1>
<p class=MsoNormal style='text-indent:32.0pt;mso-char-indent-count:2.0'><b><span
style='font-family:仿宋_GB2312;mso-bidi-font-family:"Times New Roman"'>各乡镇人民政府</span></b><span
lang=EN-US style='mso-ansi-language:EN-US'>：<o:p></o:p></span></p>
<p class=MsoNormal><o:p>&nbsp;</o:p></p>
<p class=MsoListParagraph style='mso-list:l0 level1 lfo1'><![if !supportLists]><span>1.<span
style='font:7.0pt "Times New Roman"'>&nbsp;&nbsp; </span></span><![endif]><i>加强巡查</i><o:p></o:p></p>
<table class=MsoTableGrid border=1 cellspacing=0 cellpadding=0 style='border-collapse:collapse;mso-yfti-tbllook:1184'>
 <tr style='mso-yfti-irow:0'>
  <td width=284 valign=top style='width:213.0pt;border:solid windowtext 1.0pt'><p class=MsoNormal>乡镇<o:p></o:p></p></td>
  <td width=284 colspan=2 style='mso-border-alt:solid'><p class=MsoNormal>责任人<o:p></o:p></p></td>
 </tr>
</table>
<p class=MsoNormal><span style='mso-spacerun:yes'>&nbsp;</span></p>
</div></body></html>"""


def test_word_paste_becomes_clean_paragraphs_and_tables():  # SEC-7
    output = clean_html(WORD_PASTE)
    assert_no_script(output)
    for junk in ("mso", "Mso", "o:p", "<span", "class=", "style=", "WordDocument", "<xml", "通知</title", "<!--",
                 "<div", "<b>", "<i>", "<h1", "width="):  # fmt: skip
        assert junk not in output, junk
    assert output.startswith("<h2>关于做好春季防火工作的通知</h2>")
    assert "<p><strong>各乡镇人民政府</strong>：</p>" in output
    assert "<em>加强巡查</em>" in output
    assert '<table><tbody><tr><td><p>乡镇</p></td><td colspan="2"><p>责任人</p></td></tr></tbody></table>' in output
    # Word's empty spacing paragraphs are gone.
    assert "<p>\xa0</p>" not in output and "<p></p>" not in output


def test_loose_text_and_divs_become_paragraphs():  # SEC-7
    assert clean_html("第一行<div>第二行</div><div>第三行</div>") == "<p>第一行</p><p>第二行</p><p>第三行</p>"
    assert clean_html("<div><p>甲</p><div>乙</div></div>") == "<p>甲</p><p>乙</p>"


def test_empty_or_only_dangerous_input_gives_empty_string():  # SEC-7
    assert clean_html("") == ""
    assert clean_html(None) == ""
    assert clean_html("<script>alert(1)</script>") == ""
    assert clean_html("<p>&nbsp;</p><p> </p>") == ""


def test_chinese_indentation_and_entities_are_kept():  # SEC-7
    output = clean_html("<p>\u3000\u3000各单位：A &amp; B &lt;C&gt;</p>")
    assert output == "<p>\u3000\u3000各单位：A &amp; B &lt;C&gt;</p>"


def test_plain_text_has_no_html_or_control_characters():  # SEC-7
    assert clean_text(" 关于<b>防火</b>的通知<script>alert(1)</script> ") == "关于防火的通知"
    assert clean_text("A &amp; B") == "A & B"
    assert clean_text("a < b") == "a < b"
    assert clean_text("名\x00称\x1b\u202e\u200b") == "名称"
    assert clean_text("第一行\r\n第二行\t 结束") == "第一行 第二行 结束"
    assert clean_text("第一段\n\n\n\n第二段 ", multiline=True) == "第一段\n\n第二段"
    assert clean_text(None) == ""


def test_plain_text_has_no_markup_written_as_entities():  # SEC-7
    # Decoded, these would be tags in the stored text: an RSS reader shows titles as HTML.
    assert clean_text("标题&#60;svg onload=alert(1)&#62;") == "标题"
    assert clean_text("&lt;script&gt;alert(1)&lt;/script&gt;通知") == "通知"
    assert clean_text("&lt;img src=x onerror=alert(1)&gt;") == ""
    assert clean_text("&amp;lt;b&amp;gt;加粗") == "&lt;b&gt;加粗"  # twice encoded: shown as written once
    assert clean_text("A &lt; B，C&gt;D，&lt;《条例》&gt;") == "A < B，C>D，<《条例》>"


def test_html_to_text_reads_paragraphs():
    assert html_to_text("<p>甲</p><p>乙<br>丙</p>") == "甲\n乙\n丙"
