"""`manage.py verify_published [--site DOMAIN] [--repair] [--alarm]`: tamper detection (SEC-5).

Compares every file under PUBLISH_ROOT/<domain>/ with the manifest and reports added, changed and
missing files; --repair restores the published version (see publishing/tamper.py); --alarm
mails the platform administrators as the hourly check does. Findings are always written to the
audit log. Exits with status 1 when something differs and was not restored.
"""

from django.core.management.base import BaseCommand, CommandError

from publishing import tamper


class Command(BaseCommand):
    help = "Compare published files with the manifest; --repair restores them."  # SEC-5

    def add_arguments(self, parser):
        parser.add_argument("--site", metavar="DOMAIN", help="only the site with this domain")
        parser.add_argument("--repair", action="store_true", help="restore changed, added and missing files")
        parser.add_argument("--alarm", action="store_true", help="mail the platform administrators")

    def handle(self, *args, site=None, repair=False, alarm=False, **options):
        results = tamper.check_all(domain=site, repair=repair, alarm=alarm)
        if site and not results:
            raise CommandError(f"no site with the domain {site}")
        for check in results:
            self.stdout.write(str(check))
        if site is None:
            for name in tamper.unknown_folders():
                self.stdout.write(f"{name}: a folder under PUBLISH_ROOT that belongs to no site")
        unresolved = [c for c in results if not c.clean and not c.restored]
        if unresolved:
            raise CommandError(
                f"{len(unresolved)} site(s) differ from what was published: "
                + ", ".join(c.domain for c in unresolved)
                + ("" if repair else " (run with --repair to restore)")
            )
