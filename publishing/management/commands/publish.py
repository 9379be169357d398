"""`manage.py publish [--site DOMAIN | --all] [--full] [--processes N]`: render and write sites (PUB-8).

Renders in as many processes as the machine has CPUs unless --processes says otherwise.

Without --full only files whose content differs from the manifest are written; --full also
compares every file on disk with what it should be and restores the ones that differ (SEC-5).

Only sites whose status allows public pages are published (sites.models.PUBLISHED_STATUSES):
--all lists the others as skipped, and --site fails for one of them.
"""

import os

from django.core.management.base import BaseCommand, CommandError

from publishing.publisher import BrokenLinks, PublishError, SiteNotPublic, publish_site
from sites.models import Domain, Site


class Command(BaseCommand):
    help = "Render and write the static pages of one site or of every site that may be public."
    # Publishing is run often (cron, deploys): `manage.py check` is the place for the system checks.
    requires_system_checks = []

    def add_arguments(self, parser):
        target = parser.add_mutually_exclusive_group(required=True)
        target.add_argument("--site", metavar="DOMAIN", help="a domain of the site to publish")
        target.add_argument("--all", action="store_true", help="every site that has a primary domain and may be public")
        parser.add_argument("--full", action="store_true", help="check every file on disk, not only the manifest")
        parser.add_argument(
            "--processes", type=int, default=os.cpu_count() or 1, help="render in this many processes (default: the CPUs)"
        )

    def handle(self, *args, site=None, all=False, full=False, processes=1, **options):
        if site:
            domain = Domain.objects.filter(name=site.strip().lower()).select_related("site").first()
            if domain is None:
                raise CommandError(f"no site has the domain {site}")
            site_ids = [domain.site_id]
        else:
            site_ids = list(Site.objects.filter(domains__is_primary=True).values_list("pk", flat=True))
        failed = skipped = 0
        for site_id in site_ids:
            try:
                report = publish_site(site_id, processes=max(1, processes), verify=full)
            except SiteNotPublic as error:
                if site:  # asked for by name: what was asked was not done
                    raise CommandError(str(error)) from error
                skipped += 1
                self.stdout.write(f"skipped: {error}")
                continue
            except BrokenLinks as error:
                failed += 1
                self.stderr.write(str(error))
                report = error.report
            except PublishError as error:
                failed += 1
                self.stderr.write(str(error))
                continue
            self.stdout.write(str(report))
        if skipped:
            self.stdout.write(f"{skipped} site(s) skipped: their status allows no public pages")
        if failed:
            raise CommandError(f"{failed} site(s) were not published completely")
