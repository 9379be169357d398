"""Permission policies of the columns and sub-units: every role of a site sees them, its
site administrators change them."""

from columns.models import Column, SubUnit
from sites.models import Role
from sites.policies import CHANGE, VIEW, SitePolicy, register

COLUMNS = register(SitePolicy(Column, actions={VIEW: (), CHANGE: (Role.SITE_ADMIN,)}))
SUB_UNITS = register(SitePolicy(SubUnit, site_field="portal_id", actions={VIEW: (), CHANGE: (Role.SITE_ADMIN,)}))
