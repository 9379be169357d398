"""`manage.py backup OUTPUT`: a full, encrypted, self-checking backup (SEC-6).

The database (dumpdata of every app, in one consistent read), MEDIA_ROOT and PUBLISH_ROOT go into
one archive encrypted with BACKUP_KEY (or the field key); see govplatform/backup.py. Keep the key
apart from the archives: without it they cannot be read, with it they cannot be altered unseen.
"""

from django.core.management.base import BaseCommand, CommandError

from auditlog import audit
from auditlog.events import AuditEvent
from govplatform.backup import write_backup
from govplatform.backup_archive import BackupError


class Command(BaseCommand):
    help = "Write an encrypted archive of the database, the uploads and the published sites."  # SEC-6

    def add_arguments(self, parser):
        parser.add_argument("output", help="the archive to write (must not exist)")
        parser.add_argument("--database", default="default")

    def handle(self, *args, output, database, **options):
        try:
            summary = write_backup(output, database=database)
        except BackupError as error:
            raise CommandError(str(error)) from error
        audit.record(
            AuditEvent.BACKUP_CREATE, details={"path": summary.path, "rows": summary.rows, "files": summary.files}
        )
        self.stdout.write(f"backup written: {summary}")
