"""`manage.py restore ARCHIVE [--force]`: restore a backup written by `manage.py backup` (SEC-6).

The whole archive is decrypted and checked first (every chunk, every file's SHA-256, the
migrations it needs); only then is anything touched. An installation that already has data or
files is refused unless --force is given (then everything in it is replaced).
"""

from django.core.management.base import BaseCommand, CommandError

from govplatform.backup_archive import BackupError
from govplatform.backup_restore import restore_backup


class Command(BaseCommand):
    help = "Restore the database, the uploads and the published sites from a backup archive."  # SEC-6

    def add_arguments(self, parser):
        parser.add_argument("archive")
        parser.add_argument("--force", action="store_true", help="replace the data of a non-empty installation")
        parser.add_argument("--database", default="default")

    def handle(self, *args, archive, force, database, **options):
        try:
            restore_backup(archive, force=force, database=database, log=self.stdout.write)
        except BackupError as error:
            raise CommandError(str(error)) from error
        except FileNotFoundError as error:
            raise CommandError(f"{archive}: no such file") from error
        self.stdout.write("restore complete")
