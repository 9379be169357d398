"""`manage.py reindex [--site DOMAIN] [--workers N]`: rebuild the search index from what is online (SRCH-1)."""

from django.core.management.base import BaseCommand, CommandError

from auditlog import audit
from auditlog.events import AuditEvent
from search.indexer import default_workers, reindex
from sites.models import Domain


class Command(BaseCommand):
    help = "Rebuild the search index (all sites, or one with --site) and the pinyin/typo vocabulary."

    def add_arguments(self, parser):
        parser.add_argument("--site", help="primary or alias domain of one site")
        parser.add_argument(
            "--workers", type=int, default=default_workers(),
            help="processes that segment and write the pages (default: one per core, at most 4)",
        )  # fmt: skip

    def handle(self, *args, site=None, **options):
        site_obj = None
        if site:
            domain = Domain.objects.select_related("site").filter(name=site.strip().lower()).first()
            if domain is None:
                raise CommandError(f"no site has the domain {site}")
            site_obj = domain.site

        def progress(done, total):
            if options["verbosity"] >= 2:
                self.stdout.write(f"{done}/{total}")

        report = reindex(site_id=site_obj.pk if site_obj else None, progress=progress, workers=options["workers"])
        audit.record(AuditEvent.SEARCH_REINDEX, site=site_obj, details={k: round(v, 3) if isinstance(v, float) else v
                                                               for k, v in report.items()})  # fmt: skip
        rate = report["documents"] / report["seconds"] if report["seconds"] else 0
        self.stdout.write(
            f"indexed {report['documents']} documents of {report['resources']} resources in "
            f"{report['seconds']:.1f} s ({rate:.0f}/s); vocabulary {report['vocabulary']} terms"
        )
