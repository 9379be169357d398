"""The scheduled link check of every monitored site (LINK-2), a beat task (`monitoring.check_links`).

One run reads every monitored site's published pages once (monitoring/linkcheck.py), asks lychee
about the external addresses that are due (each address once for the whole platform, whatever
number of sites link to it; monitoring/linkcheck_external.py), then stores each site's broken and
wrong links per page, with the editor who placed them. It runs before the daily check
(monitoring-daily-checks), whose link lines read the answers recorded here.
"""

from __future__ import annotations

import logging

from celery import shared_task
from django.utils import timezone

from monitoring import linkcheck
from monitoring.checks import monitored_sites
from monitoring.linkcheck_external import LycheeMissing, check_addresses, external_findings
from monitoring.models.links import LinkKind

log = logging.getLogger(__name__)


def run_link_checks(*, now=None, sites=None) -> dict:
    now = now or timezone.now()
    sites = list(sites if sites is not None else monitored_sites().prefetch_related("domains"))
    scans = {site: linkcheck.scan(site) for site in sites}
    addresses = {address for links in scans.values() for address in links.external}
    counts = {"sites": len(sites), "pages": sum(links.pages for links in scans.values()), "addresses": len(addresses)}
    try:
        counts["asked"] = check_addresses(addresses, now=now)
    except LycheeMissing:
        log.warning("lychee is not installed: external links were not checked")
        counts["asked"] = None
    for site, links in scans.items():
        linkcheck.check_internal(site, links=links, now=now)
        linkcheck.store(site, (LinkKind.EXTERNAL,), external_findings(site, links), now=now)
    return counts


@shared_task(name="monitoring.check_links")
def check_links_task() -> dict:
    return run_link_checks()
