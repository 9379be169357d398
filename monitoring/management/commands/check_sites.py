"""`manage.py check_sites`: the daily check (OPS-1) of every monitored site, or of the sites named."""

import datetime as dt

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation

from monitoring import checks
from monitoring.lines import State
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
        with translation.override(settings.LANGUAGE_CODE):  # the dashboard's words, whatever the shell's locale
            for site in sites:
                self.report(checks.run_checks(site, today=today))

    def report(self, run):
        """The site's state, then each line that needs attention in the dashboard's words."""
        told = [
            f"{r.label} {_value(r.value)}{r.unit if r.value is not None else ''}（{State(r.state).label}）"
            for r in run.results.order_by("pk")
            if r.state != State.OK
        ]
        self.stdout.write(f"{run.site.name}: {State(run.state).label}" + ("；" + "；".join(told) if told else ""))


def _value(value):
    return "-" if value is None else f"{value:g}"
