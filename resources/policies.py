"""The library's permission policy: who may see, edit and move a resource through review.

Roles only: the state a resource must be in for a step is the workflow's precondition
(editorial/workflow.py `refusal`), and a page offers a step when both agree.
"""

from columns.permissions import editor_column_ids, require_editor_column
from resources.models import Resource
from sites.models import Role
from sites.policies import CHANGE, VIEW, SitePolicy, register

EDITING_ROLES = (Role.EDITOR, Role.SITE_ADMIN)
# Taking content offline and setting its times: its editors and its reviewers (PUB-2).
OFFLINE_ROLES = (Role.EDITOR, Role.SITE_ADMIN, Role.REVIEWER)


class ResourcePolicy(SitePolicy):
    actions = {
        VIEW: (),
        CHANGE: EDITING_ROLES,
        "submit": EDITING_ROLES,
        "recall": EDITING_ROLES,
        "withdraw": OFFLINE_ROLES,
        "schedule": OFFLINE_ROLES,
    }
    # Steps limited, for an editor of a sub-unit, to the sub-unit's columns (SITE-10).
    column_scoped = frozenset({"submit"})

    def user_can(self, user, action: str, obj=None) -> bool:
        if not super().user_can(user, action, obj):
            return False
        if obj is None or action not in self.column_scoped or obj.column_id is None:
            return True
        allowed = editor_column_ids(user, obj.site_id)
        return allowed is None or obj.column_id in allowed

    def require(self, user, action: str, obj=None) -> None:
        super().require(user, action, obj)  # the role, with its message
        if user is not None and obj is not None and action in self.column_scoped:
            require_editor_column(user, obj.site, obj.column)  # the columns, with theirs


RESOURCES = register(ResourcePolicy(Resource))
