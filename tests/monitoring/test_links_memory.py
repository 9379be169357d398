"""The link check remembers each page's links between checks (LINK-2; the daily check's speed,
OPS-1): a page whose file is unchanged is not read again, a page written since is, and what is
found is what a fresh reading finds."""

import pytest

from monitoring import linkcheck
from monitoring.models import LinkScan
from publishing.models import PublishedFile
from publishing.publisher import publish_site
from sites.models import Domain
from tests.monitoring.test_links import build, page_of, rewrite  # noqa: F401 (the fixture)


@pytest.fixture
def reads(monkeypatch):
    """The pages whose bytes the link check examined."""
    seen = []
    original = linkcheck.links_of

    def counting(data, page_path, *args, **kwargs):
        seen.append(page_path)
        return original(data, page_path, *args, **kwargs)

    monkeypatch.setattr(linkcheck, "links_of", counting)
    return seen


def findings(links):
    return links.pages, dict(links.internal_missing), dict(links.external)


def test_link2_unchanged_pages_are_not_read_again(build, reads):  # noqa: F811
    publish_site(build.site.pk)
    first = linkcheck.scan(build.site)
    assert first.pages > 2 and len(reads) == first.pages
    reads.clear()
    again = linkcheck.scan(build.site)
    assert reads == [] and findings(again) == findings(first)  # the next day: nothing read


def test_link2_a_page_written_since_is_read_again_and_its_new_link_found(build, reads):  # noqa: F811
    publish_site(build.site.pk)
    linkcheck.scan(build.site)
    reads.clear()
    page = page_of(build.first)
    rewrite(build, page, "</main>", '<a href="/xwzx/gzdt/999.html">旧文</a></main>')
    links = linkcheck.scan(build.site)
    assert reads == [page]
    assert links.internal_missing == {"xwzx/gzdt/999.html": {page}}
    LinkScan.objects.all().delete()  # a fresh reading finds the same
    assert findings(linkcheck.scan(build.site)) == findings(links)


def test_link2_a_page_no_longer_published_is_forgotten(build):  # noqa: F811
    publish_site(build.site.pk)
    linkcheck.scan(build.site)
    page = page_of(build.first)
    assert page in LinkScan.objects.get(site=build.site).pages
    PublishedFile.objects.filter(site=build.site, path=page).delete()  # withdrawn from the manifest
    linkcheck.scan(build.site)
    assert page not in LinkScan.objects.get(site=build.site).pages


def test_link2_a_new_own_domain_reads_every_page_again(build, reads):  # noqa: F811
    publish_site(build.site.pk)
    linkcheck.scan(build.site)
    reads.clear()
    Domain.objects.create(site=build.site, name="old.example.gov.cn")  # its links become site links
    links = linkcheck.scan(build.site)
    assert len(reads) == links.pages


def test_link2_links_are_the_attributes_of_tags_only():
    page = (
        '<html><a HREF="/upper.html">a</a><p>&lt;a href="/quoted.html"&gt; text href="/text.html"</p>'
        '<img\nsrc = "/-/logo.png"><a data-href="/data.html" title="t" href="/second.html">b</a>'
        '<a href="https://other.example.gov.cn/x?y=1">c</a><a href="mailto:web@example.gov.cn">d</a>'
        '<a href="/interaction/error-report/?page=https%3A%2F%2Fwww.example.gov.cn%2F">e</a></html>'
    )
    paths, external = linkcheck.links_of(page.encode(), "xwzx/1.html", {"www.example.gov.cn"})
    assert paths == {"upper.html", "-/logo.png", "second.html", "interaction/error-report/index.html"}
    assert external == {"https://other.example.gov.cn/x?y=1"}
