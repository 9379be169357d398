"""Rich text and plain text are cleaned on the server: no script injection survives (SEC-7)."""

import re
from html.parser import HTMLParser

import pytest

from resources.sanitize import clean_html, clean_text, html_to_text

# Script injection in the styles of the OWASP XSS filter evasion cheat sheet.
XSS_PAYLOADS = [
    "<script>alert('XSS')</script>",
    "<SCRIPT SRC=https://cdn.example.com/xss.js></SCRIPT>",
    "<scr<script>ipt>alert(1)</scr</script>ipt>",
    '<<SCRIPT>alert("XSS");//<</SCRIPT>',
    '<SCRIPT/XSS SRC="http://xss.rocks/xss.js"></SCRIPT>',
    '<SCRIPT/SRC="http://xss.rocks/xss.js"></SCRIPT>',
    "<script>/* */alert(1)</script >",
    "<IMG SRC=\"javascript:alert('XSS');\">",
    "<IMG SRC=javascript:alert('XSS')>",
    "<IMG SRC=JaVaScRiPt:alert('XSS')>",
    "<IMG SRC=`javascript:alert(\"RSnake says, 'XSS'\")`>",
    '<IMG """><SCRIPT>alert("XSS")</SCRIPT>"\\>',
    "<IMG SRC=# onmouseover=\"alert('xxs')\">",
    "<IMG SRC= onmouseover=\"alert('xxs')\">",
    "<IMG onmouseover=\"alert('xxs')\">",
    '<IMG SRC=/ onerror="alert(String.fromCharCode(88,83,83))"></img>',
    '<img src=x onerror="&#0000106&#0000097&#0000118&#0000097&#0000115&#0000099&#0000114&#0000105&#0000112&#0000116&#0000058&#0000097&#0000108&#0000101&#0000114&#0000116&#0000040&#0000039&#0000088&#0000083&#0000083&#0000039&#0000041">',
    "<IMG SRC=&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;&#97;&#108;&#101;&#114;&#116;&#40;&#39;&#88;&#83;&#83;&#39;&#41;>",
    "<IMG SRC=&#0000106&#0000097&#0000118&#0000097&#0000115&#0000099&#0000114&#0000105&#0000112&#0000116&#0000058&#0000097&#0000108&#0000101&#0000114&#0000116&#0000040&#0000039&#0000088&#0000083&#0000083&#0000039&#0000041>",
    "<IMG SRC=&#x6A&#x61&#x76&#x61&#x73&#x63&#x72&#x69&#x70&#x74&#x3A&#x61&#x6C&#x65&#x72&#x74&#x28&#x27&#x58&#x53&#x53&#x27&#x29>",
    "<IMG SRC=\"jav\tascript:alert('XSS');\">",
    "<IMG SRC=\"jav&#x09;ascript:alert('XSS');\">",
    "<IMG SRC=\"jav&#x0A;ascript:alert('XSS');\">",
    "<IMG SRC=\"jav&#x0D;ascript:alert('XSS');\">",
    "<IMG SRC=\" &#14;  javascript:alert('XSS');\">",
    '<a href="javascript:alert(1)">click</a>',
    '<a href="JAVASCRIPT:alert(1)">click</a>',
    '<a href=" javascript:alert(1)">click</a>',
    '<a href="java\u0000script:alert(1)">click</a>',
    '<a href="&#106;avascript:alert(1)">click</a>',
    '<a href="&#x6A;avascript&#x3A;alert(1)">click</a>',
    '<a href="javascript&colon;alert(1)">click</a>',
    '<a href="java&Tab;script:alert(1)">click</a>',
    '<a href="%6A%61%76%61%73%63%72%69%70%74%3Aalert(1)">click</a>',
    "<a href=\"vbscript:msgbox('XSS')\">click</a>",
    '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">click</a>',
    '<a href="data:text/html,<script>alert(1)</script>">click</a>',
    '<a href="livescript:alert(1)">click</a>',
    '<a href="jar:http://example.com/x.jar!/">x</a>',
    '<a onmouseover="alert(document.cookie)">xxs link</a>',
    '<a href="/ok" onclick="alert(1)">x</a>',
    "<svg onload=alert(1)>",
    "<svg/onload=alert('XSS')>",
    "<svg><script>alert(1)</script></svg>",
    '<svg><a xlink:href="javascript:alert(1)"><text x="20" y="20">XSS</text></a></svg>',
    "<svg><animate onbegin=alert(1) attributeName=x dur=1s>",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)></style></mglyph></table></mtext></math>",
    '<math href="javascript:alert(1)">CLICK</math>',
    "<iframe src=\"javascript:alert('XSS');\"></iframe>",
    '<iframe srcdoc="<script>alert(1)</script>"></iframe>',
    '<IFRAME SRC=# onmouseover="alert(document.cookie)"></IFRAME>',
    "<FRAMESET><FRAME SRC=\"javascript:alert('XSS');\"></FRAMESET>",
    '<object data="javascript:alert(1)"></object>',
    '<OBJECT TYPE="text/x-scriptlet" DATA="http://xss.rocks/scriptlet.html"></OBJECT>',
    '<EMBED SRC="data:image/svg+xml;base64,PHN2ZyB4bWxuczpzdmc9Imh0dH A6Ly93d3cudzMub3JnLzIwMDAvc3ZnIiB4bWxucz0iaHR0cDovL3d3dy53My5vcmcv" type="image/svg+xml"></EMBED>',
    '<embed src="javascript:alert(1)">',
    '<form action="javascript:alert(1)"><input type=submit></form>',
    "<form><button formaction=javascript:alert(1)>x</button></form>",
    "<input onfocus=alert(1) autofocus>",
    "<BODY ONLOAD=alert('XSS')>",
    "<BODY BACKGROUND=\"javascript:alert('XSS')\">",
    "<BGSOUND SRC=\"javascript:alert('XSS');\">",
    '<LINK REL="stylesheet" HREF="javascript:alert(\'XSS\');">',
    "<STYLE>@import'http://xss.rocks/xss.css';</STYLE>",
    "<STYLE>li {list-style-image: url(\"javascript:alert('XSS')\");}</STYLE><UL><LI>XSS</br>",
    "<IMG STYLE=\"xss:expr/*XSS*/ession(alert('XSS'))\">",
    "<p style=\"background-image: url(javascript:alert('XSS'))\">x</p>",
    "<DIV STYLE=\"width: expression(alert('XSS'));\">x</DIV>",
    '<META HTTP-EQUIV="refresh" CONTENT="0;url=javascript:alert(\'XSS\');">',
    '<META HTTP-EQUIV="refresh" CONTENT="0;url=data:text/html base64,PHNjcmlwdD5hbGVydCgnWFNTJyk8L3NjcmlwdD4K">',
    "<TABLE BACKGROUND=\"javascript:alert('XSS')\"><TD BACKGROUND=\"javascript:alert('XSS')\">x</TD></TABLE>",
    "<td onmouseover=alert(1)>x</td>",
    "<BASE HREF=\"javascript:alert('XSS');//\">",
    '<XSS STYLE="behavior: url(xss.htc);">',
    "<!--[if gte IE 4]><SCRIPT>alert('XSS');</SCRIPT><![endif]-->",
    '<noscript><p title="</noscript><img src=x onerror=alert(1)>"></noscript>',
    '<xmp><p title="</xmp><svg/onload=alert(1)>">',
    "<template><script>alert(1)</script></template>",
    "<details open ontoggle=alert(1)>",
    '<video><source onerror="alert(1)"></video>',
    "<audio src=x onerror=alert(1)>",
    "<marquee onstart=alert(1)>x</marquee>",
    "<isindex type=image src=1 onerror=alert(1)>",
    '<img src="/media/ok.jpg" onerror="alert(1)">',
    '<img src="/media/../admin/" onerror=alert(1)>',
    '<img src="//evil.example.com/media/x.png">',
    '<img src="data:image/svg+xml;base64,PHN2Zz4=">',
    '<a href="/media/x.pdf" style="behavior:url(x)" onfocus="x">ok</a>',
    "<p>hello<script>alert(1)</script></p><p onclick=alert(2)>world</p>",
    "<<img src=x onerror=alert(1)//<",
    '<a href="javas<!-- -->cript:alert(1)">x</a>',
    '"><script>alert(1)</script>',
    "'><img src=x onerror=alert(1)>",
    "<div><p><em><strong><script>alert(1)</script></strong></em></p></div>",
    "<table><tr><td><img src=x onerror=alert(1)></td></tr></table>",
    '<ul><li><a href="javascript:void(0)" onclick="alert(1)">x</a></li></ul>',
    '<p><a href="&#x26;#x6A;avascript:alert(1)">double encoded</a></p>',
    '<a href="\\x6Aavascript:alert(1)">x</a>',
    '<a href="java\\u0073cript:alert(1)">x</a>',
    '<a href="javascript:/*--></title></style></textarea></script></xmp><svg/onload=\'+/"/+/onmouseover=1/+/[*/[]/+alert(1)//\'>">x</a>',
    '<a href="mailto:a@b.cn?body=<script>">mail</a>',
    "<h1 onclick=alert(1)>t</h1><h5 style=x>u</h5>",
    "<o:p onclick=alert(1)>word</o:p><v:shape onclick=alert(1)>x</v:shape>",
    '<div style="mso-element:para-border-div;background:url(javascript:alert(1))">x</div>',
]

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


def test_there_are_at_least_sixty_payloads():  # SEC-7
    assert len(XSS_PAYLOADS) >= 60


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


def test_html_to_text_reads_paragraphs():
    assert html_to_text("<p>甲</p><p>乙<br>丙</p>") == "甲\n乙\n丙"
