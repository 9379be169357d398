"""SQL helpers of the publisher's bulk reads: epoch seconds, plain-tuple fetches, queries compiled once.

Loading tens of thousands of shown items (publishing/site_loading.py) or numbering them in the
database (publishing/partial.py) spends its time in converting values and compiling queries;
these helpers keep both small.
"""

from __future__ import annotations

import datetime as dt

from django.db import connection
from django.db.models import FloatField, Func


class Epoch(Func):
    """Seconds since 1970 as a float: tens of thousands of them load far faster than datetimes."""

    template = "CAST(EXTRACT(EPOCH FROM %(expressions)s) AS double precision)"
    output_field = FloatField()

    def as_sqlite(self, compiler, connection, **extra):
        # whole seconds plus the milliseconds of %f (julianday() arithmetic would lose precision)
        template = (
            "(CAST(strftime('%%%%s', %(expressions)s) AS REAL) + CAST(strftime('%%%%f', %(expressions)s) AS REAL)"
            " - CAST(strftime('%%%%S', %(expressions)s) AS REAL))"
        )
        return self.as_sql(compiler, connection, template=template)


def from_epoch(value: float | None) -> dt.datetime | None:
    return None if value is None else dt.datetime.fromtimestamp(value, dt.UTC)


def fetch(query) -> list[tuple]:
    """The rows of a values_list query; on PostgreSQL as plain tuples, without per-row converters."""
    if connection.vendor != "postgresql":
        return list(query)
    sql, params = query.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


_SENTINEL = -(2**62)  # stands for a value while a query is compiled: never an id
_SHAPES: dict[tuple[str, str], tuple[list[str], tuple, dict[int, str]] | None] = {}


def shaped_sql(key: str, build, **values) -> tuple[str, list]:
    """SQL and parameters of the query `build(**values)`, compiled once per process and `key`.

    The ORM builds and compiles a query in about a millisecond; an incremental publish runs the
    same few queries with other ids. Each value is an int or a non-empty list of ints: the query
    is compiled once with stand-ins, which are then replaced (a list's one placeholder by one per
    element). A query whose SQL cannot be split that way is compiled every time.
    """
    cache_key = (connection.vendor, key)
    if cache_key not in _SHAPES:
        stand_ins, args = {}, {}
        for n, (name, value) in enumerate(values.items()):
            stand_ins[_SENTINEL - n] = name
            args[name] = [_SENTINEL - n] if isinstance(value, list) else _SENTINEL - n
        sql, params = build(**args).query.sql_with_params()
        pieces = sql.split("%s")
        found = [p for p in params if isinstance(p, int) and p in stand_ins]
        ok = len(pieces) == len(params) + 1 and sorted(found) == sorted(stand_ins)
        _SHAPES[cache_key] = (pieces, tuple(params), stand_ins) if ok else None
    shape = _SHAPES[cache_key]
    if shape is None:
        sql, params = build(**values).query.sql_with_params()
        return sql, list(params)
    pieces, params, stand_ins = shape
    out, out_params = [pieces[0]], []
    for piece, param in zip(pieces[1:], params, strict=True):
        name = stand_ins.get(param) if isinstance(param, int) else None
        value = param if name is None else values[name]
        if isinstance(value, list):
            out.append(", ".join(["%s"] * len(value)))
            out_params += value
        else:
            out.append("%s")
            out_params.append(value)
        out.append(piece)
    return "".join(out), out_params
