"""Who may see and act on error reports (INT-3, sites/policies.py): the site's administrators and
reviewers, as for the other citizens' submissions; editors do not (reports may hold a reporter's
contact)."""

from interaction.models.error_reports import ErrorReport
from sites.models import Role
from sites.policies import CHANGE, VIEW, SitePolicy, register

HANDLER_ROLES = (Role.SITE_ADMIN, Role.REVIEWER)

ERROR_REPORTS = register(
    SitePolicy(
        ErrorReport,
        actions={
            VIEW: HANDLER_ROLES,
            CHANGE: HANDLER_ROLES,
            "enter": HANDLER_ROLES,
            "forward": HANDLER_ROLES,
            "answer": HANDLER_ROLES,
        },
    )
)
