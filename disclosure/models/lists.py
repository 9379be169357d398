"""The lists of the published disclosure pages, kept by the publisher (DISC-2, DISC-5, PUB-8).

Derived data, never edited: what each list (facet) of the catalogue and of the policy library
holds, in its order, so that an incremental publish counts positions and reads the rows of the
pages it draws with index range scans, instead of reading every list of the site
(disclosure/pages/stored.py). A full rebuild of the site derives it again from the items; an
incremental publish brings the changed items' rows up to date before it plans.
"""

from django.db import models


class ListFacet(models.Model):
    """One list of a site's catalogue or policy library (`facet`, e.g. "all", "zt-jiaoyu") and its size."""

    site = models.ForeignKey("sites.Site", on_delete=models.CASCADE, related_name="+")
    column = models.ForeignKey("columns.Column", on_delete=models.CASCADE, related_name="+")  # the listing's column
    facet = models.CharField(max_length=40)
    name = models.CharField(max_length=200)
    size = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["column", "facet"], name="disclosure_list_facet_unique")]
        indexes = [models.Index(fields=["site", "column"])]

    def __str__(self):
        return f"{self.column_id}/{self.facet} ({self.size})"


class ListEntry(models.Model):
    """An item in one list, at its place: lists are ordered by (at, resource), oldest first."""

    facet = models.ForeignKey(ListFacet, on_delete=models.CASCADE, related_name="entries")
    resource = models.ForeignKey("resources.Resource", on_delete=models.CASCADE, related_name="+", db_index=False)
    at = models.DateTimeField()  # first published (the placement's time when never published)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["facet", "at", "resource"], name="disclosure_list_entry_order")]
        indexes = [models.Index(fields=["resource", "facet"])]

    def __str__(self):
        return f"{self.facet_id}: {self.resource_id}"
