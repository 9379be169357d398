"""Permission policies of the editorial layer's models."""

from django.db import models

from editorial.models import CheckedWord, Placement
from sites.permissions import site_ids_for
from sites.policies import VIEW, PermissionPolicy, SitePolicy, register


class PlacementPolicy(SitePolicy):
    """A use of a resource in a column: seen by the column's site and by the resource's site
    (a repost concerns both); changed only through the placement actions."""

    actions = {VIEW: ()}

    def filter(self, queryset, user, action: str = VIEW):
        if self.is_unrestricted(user):
            return queryset
        if self.roles_for(action) is None:
            return queryset.none()
        sites = site_ids_for(user)
        return queryset.filter(models.Q(site_id__in=sites) | models.Q(resource__site_id__in=sites))


PLACEMENTS = register(PlacementPolicy(Placement))
# The word lists of the check (PUB-3) are the platform's: its administrators keep them.
CHECKED_WORDS = register(PermissionPolicy(CheckedWord))
