"""Who may see and act on the supervision records (sites/policies.py; part F).

- Spot checks and the supervision annual report: the platform administrators' alone (drawing,
  publishing); what is published is public anyway.
- Rectification orders (OPS-5): issued, closed and sent back by platform administrators; seen by
  the site's administrators and reviewers; answered by its administrators.
- The site's annual work report (OPS-3): counted, filled in and submitted by the site's
  administrators; reviewed (approved and published, or returned) by its administrators or
  reviewers, never by the one who submitted it (monitoring/annual_reports.py checks that).
"""

from monitoring.models import RectificationOrder, SiteAnnualReport, SpotCheck, SupervisionReport
from sites.models import Role
from sites.policies import CHANGE, VIEW, PermissionPolicy, SitePolicy, register

SITE_READERS = (Role.SITE_ADMIN, Role.REVIEWER)

SPOT_CHECKS = register(PermissionPolicy(SpotCheck))
SUPERVISION_REPORTS = register(PermissionPolicy(SupervisionReport))
RECTIFICATION_ORDERS = register(
    SitePolicy(RectificationOrder, actions={VIEW: SITE_READERS, "answer": (Role.SITE_ADMIN,)})
)
SITE_ANNUAL_REPORTS = register(
    SitePolicy(
        SiteAnnualReport,
        actions={
            VIEW: SITE_READERS,
            "generate": (Role.SITE_ADMIN,),
            CHANGE: (Role.SITE_ADMIN,),
            "submit": (Role.SITE_ADMIN,),
            "review": SITE_READERS,
        },
    )
)
