"""The test database, seen by a child process (manage.py, a Celery worker) as well as by the test.

Use it in tests marked `django_db(transaction=True)`: what the test wrote is committed, so the
child sees it. On PostgreSQL the child connects to the test database itself. SQLite's test
database lives in the test process's memory; `push()` copies it into a file the child opens and
`pull()` copies the file back, so that the test reads what the child wrote:

    shared = SharedDatabase(tmp_path)
    env = clean_env(tmp_path, DATABASE_URL=shared.push())
    run([...], env)
    shared.pull()
"""

import sqlite3
from pathlib import Path
from urllib.parse import quote

from django.db import connection


class SharedDatabase:
    def __init__(self, tmp_path: Path):
        self.file = tmp_path / "shared.sqlite3"

    @property
    def is_sqlite(self) -> bool:
        return connection.vendor == "sqlite"

    def push(self) -> str:
        """DATABASE_URL for a child process, with everything the test committed so far."""
        if not self.is_sqlite:
            return self.url()
        connection.ensure_connection()
        self.file.unlink(missing_ok=True)
        target = sqlite3.connect(self.file)
        try:
            connection.connection.backup(target)
        finally:
            target.close()
        return self.url()

    def pull(self) -> None:
        """Make the test's connection see what the child wrote (SQLite: copy the file back)."""
        if not self.is_sqlite:
            return
        connection.ensure_connection()
        source = sqlite3.connect(self.file)
        try:
            source.backup(connection.connection)
        finally:
            source.close()

    def url(self) -> str:
        if self.is_sqlite:
            return f"sqlite:///{self.file}"
        settings = connection.settings_dict
        user = quote(settings["USER"] or "", safe="")
        password = quote(settings["PASSWORD"] or "", safe="")
        credentials = f"{user}:{password}@" if password else (f"{user}@" if user else "")
        port = f":{settings['PORT']}" if settings["PORT"] else ""
        return f"postgres://{credentials}{settings['HOST'] or ''}{port}/{quote(settings['NAME'], safe='')}"
