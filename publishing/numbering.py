"""The shown placements of a site, numbered by the database for a partial load (PUB-8).

One query with window functions gives each shown placement its position in its column's
publishing order, the column's count and how many items with a page come before it, and returns
only the rows a condition asks for (publishing/partial.py builds the conditions). The order is
the one load_site (publishing/site_loading.py) gives the whole site.
"""

from __future__ import annotations

from django.db import connection
from django.db.models import Case, F, IntegerField, Value, When
from django.db.models.functions import Coalesce, Greatest

from publishing.bulk_sql import Epoch, shaped_sql
from publishing.site_loading import shown_placements
from publishing.sitedata import NO_PAGE_KINDS

# The shown placements numbered by the database, in one sort and one pass, newest first. {shown} is
# the ORM's query of the shown placements (id, resource_id, column_id, pinned, has_page, lv: the
# time it went live). rd counts from the newest item of the column (1), pages_after the items
# with a page from the newest down to this one; the oldest item (last = 1) gives the column's
# count (its rd) and how many items have a page (its pages_after).
NUMBERED = """SELECT id, resource_id, column_id, pinned, has_page, {key}, rd, pages_after, last FROM (
 SELECT s.id, s.resource_id, s.column_id, s.pinned, s.has_page, s.lv, ROW_NUMBER() OVER w AS rd,
  SUM(s.has_page) OVER w AS pages_after, CASE WHEN LEAD(s.id) OVER w IS NULL THEN 1 ELSE 0 END AS last
 FROM ({shown}) s
 WINDOW w AS (PARTITION BY s.column_id ORDER BY s.lv DESC, s.id DESC ROWS UNBOUNDED PRECEDING)
) r WHERE r.last = 1 OR {condition}"""


def shown_sql(site_id: int, column_ids=None, hidden=frozenset()) -> tuple[str, list]:
    """The shown placements, with the time they went live and whether they have a page.

    The order is load_site's: (order key, placement id), the key being the seconds since 1970 of
    the later of placed_at and the first publication. PostgreSQL sorts the timestamps themselves
    (their order is the order of their keys: distinct microseconds are distinct doubles, at these
    dates) and converts only the rows it returns (_key_sql); SQLite sorts the keys.
    """
    held = {"hidden": sorted(hidden)} if hidden else {}  # held back (publishing/held_back.py): another shape
    name = " hidden" if hidden else ""
    if column_ids is None:
        return shaped_sql("numbered" + name, _shown_query, site_id=site_id, **held)
    return shaped_sql(
        "numbered in columns" + name, _shown_query, site_id=site_id, column_ids=sorted(column_ids), **held
    )


def _shown_query(site_id: int, column_ids=None, hidden=()):
    query = shown_placements(site_id, hidden)
    if column_ids is not None:
        query = query.filter(column_id__in=column_ids)
    if connection.vendor == "postgresql":
        live = Greatest(F("placed_at"), Coalesce(F("resource__published_at"), F("placed_at")))
    else:
        placed = Epoch("placed_at")
        live = Greatest(placed, Coalesce(Epoch("resource__published_at"), placed))
    return (
        query.annotate(
            lv=live,
            has_page=Case(
                When(resource__kind__in=NO_PAGE_KINDS, then=Value(0)), default=Value(1), output_field=IntegerField()
            ),
        )
        .values_list("id", "resource_id", "column_id", "pinned", "has_page", "lv")
        .order_by()
    )


def key_sql(column: str) -> str:
    """The order key (a float, as bulk_sql.Epoch gives it) of a `lv` column of shown_sql."""
    if connection.vendor == "postgresql":
        return f"CAST(EXTRACT(EPOCH FROM {column}) AS double precision)"
    return column
