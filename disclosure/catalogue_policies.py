"""Who may see and change the catalogue's records (sites/policies.py, DISC-2).

- Organisations: anyone with a role on the site sees its organisations; its site administrators
  add and change them (platform administrators: every site's).
- The subject list: every back-office user sees it (editors choose from it); platform
  administrators keep it.
- Catalogue entries: seen by anyone with a role on the item's site; editors, reviewers and site
  administrators correct their metadata (the number itself never changes).
"""

from disclosure.models import CatalogueEntry, Organisation, SubjectCategory
from sites.models import Role
from sites.policies import CHANGE, VIEW, PermissionPolicy, SitePolicy, register


class SubjectCategoryPolicy(PermissionPolicy):
    def filter(self, queryset, user, action: str = VIEW):
        if action == VIEW and user is not None and user.is_authenticated:
            return queryset
        return super().filter(queryset, user, action)

    def user_can(self, user, action: str, obj=None) -> bool:
        if action == VIEW and user is not None and user.is_authenticated:
            return True
        return super().user_can(user, action, obj)


class CatalogueEntryPolicy(SitePolicy):
    site_field = "resource__site_id"

    def site_of(self, obj):
        return obj.resource.site


ORGANISATIONS = register(SitePolicy(Organisation, actions={VIEW: (), CHANGE: (Role.SITE_ADMIN,)}))
SUBJECTS = register(SubjectCategoryPolicy(SubjectCategory))
ENTRIES = register(
    CatalogueEntryPolicy(CatalogueEntry, actions={VIEW: (), CHANGE: (Role.EDITOR, Role.REVIEWER, Role.SITE_ADMIN)})
)
