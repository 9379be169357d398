"""`manage.py check_sites`: the daily check (OPS-1) of every monitored site, or of the sites named."""

import datetime as dt

from django.core.management.base import BaseCommand, CommandError

from monitoring import checks
from sites.models import Site


class Command(BaseCommand):
    help = "Run the daily check of every monitored site (or of the site IDs given) and print each site's state."

    def add_arguments(self, parser):
        parser.add_argument("site_ids", nargs="*", type=int, help="IDs of the sites to check (default: all monitored)")
        parser.add_argument("--day", help="the day of the check, YYYY-MM-DD (default: today)")

    def handle(self, *args, site_ids, day, **options):
        try:
            today = dt.date.fromisoformat(day) if day else None
        except ValueError as error:
            raise CommandError(f"--day: {error}") from error
        sites = checks.monitored_sites()
        if site_ids:
            sites = sites.filter(pk__in=site_ids)
            missing = set(site_ids) - set(sites.values_list("pk", flat=True))
            if missing:
                unmonitored = Site.objects.filter(pk__in=missing).values_list("pk", flat=True)
                raise CommandError(
                    f"not monitored (offline, closed, applying or archived): {sorted(unmonitored)}; "
                    f"unknown: {sorted(missing - set(unmonitored))}"
                )
        for site in sites:
            run = checks.run_checks(site, today=today)
            lines = ", ".join(f"{r.line_key}={_value(r.value)}:{r.state}" for r in run.results.order_by("pk"))
            self.stdout.write(f"{site.pk} {site.name}: {run.state} ({lines})")


def _value(value):
    return "-" if value is None else f"{value:g}"
