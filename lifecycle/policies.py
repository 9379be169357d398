"""Permission policies of the lifecycle's records: every role of a site sees its applications
and filings; they change only through the lifecycle's actions."""

from lifecycle.models import ChangeFiling, SiteApplication
from sites.policies import VIEW, SitePolicy, register

APPLICATIONS = register(SitePolicy(SiteApplication, actions={VIEW: ()}))
FILINGS = register(SitePolicy(ChangeFiling, actions={VIEW: ()}))
