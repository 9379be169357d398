"""The database going away, for tests: SQL statements fail as when the server cannot be reached.

The fixture `outage` (import `outage_fixture` into a test module) patches the
one place every statement of every thread passes, Django's CursorWrapper, so that:

- `outage.down = True`: every statement fails with OperationalError, until set back to False;
- `outage.after(predicate)`: the statement for which `predicate(sql)` is true runs, and every
  later one fails: the database goes away in the middle of a transaction (the rollback itself
  goes through the driver, as when the server aborts a transaction whose client is gone);
- `outage.once(predicate)`: only the first matching statement fails (a dropped connection, a
  deadlock victim), and the database is back at once.

The errors are Django's own OperationalError, as the backends raise them for a refused
connection or a server that closed the connection.
"""

from unittest import mock

import pytest
from django.db import OperationalError
from django.db.backends.utils import CursorWrapper

MESSAGE = 'connection to server at "127.0.0.1", port 5432 failed: Connection refused'


class Outage:
    def __init__(self):
        self.down = False
        self._start_after = None
        self._fail_once = None
        self.refused: list[str] = []

    def after(self, predicate) -> None:
        self._start_after = predicate

    def once(self, predicate) -> None:
        self._fail_once = predicate

    def end(self) -> None:
        self.down = False
        self._start_after = self._fail_once = None

    def _refuse(self, sql):
        self.refused.append(sql)
        raise OperationalError(MESSAGE)

    def patched(self, real):
        outage = self

        def execute_with_wrappers(cursor, sql, params, many, executor):
            if outage._fail_once is not None and outage._fail_once(sql):
                outage._fail_once = None
                outage._refuse(sql)
            if outage.down:
                outage._refuse(sql)
            result = real(cursor, sql, params, many, executor)
            if outage._start_after is not None and outage._start_after(sql):
                outage._start_after = None
                outage.down = True
            return result

        return execute_with_wrappers


@pytest.fixture(name="outage")
def outage_fixture():
    """The Outage, patched in for the test (import `outage_fixture` into a test module to use it)."""
    made = Outage()
    real = CursorWrapper._execute_with_wrappers
    with mock.patch.object(CursorWrapper, "_execute_with_wrappers", made.patched(real)):
        yield made


def inserts_into(table: str):
    return lambda sql: sql.lstrip().upper().startswith(f'INSERT INTO "{table.upper()}"')
