"""The monitoring app's models, one module per part (exported here)."""
from monitoring.models.alerts import Alert  # noqa: F401 (part G)
from monitoring.models.checks import CheckRun, LineResult, Trigger  # noqa: F401 (part A)
from monitoring.models.link_scans import LinkScan  # noqa: F401 (part C, memory of the link check)
from monitoring.models.links import (  # noqa: F401 (part C)
    ExternalLinkStatus,
    FriendLink,
    FriendLinkCheck,
    FriendLinkState,
    LinkFinding,
    LinkKind,
    LinkProblem,
)
from monitoring.models.pages import PageScan  # noqa: F401 (part B)
from monitoring.models.probes import Probe, ProbeFailure  # noqa: F401 (part D)
from monitoring.models.reports import (  # noqa: F401 (part F)
    RectificationOrder,
    RectificationStatus,
    ReportStatus,
    SiteAnnualReport,
    SpotCheck,
    SpotCheckEntry,
    SupervisionReport,
)
from monitoring.models.reposts import REPOST_DEADLINE, ImportantItem, OfferStatus, Relation, RepostOffer  # noqa: F401 (part G)
from monitoring.models.visits import AccessLogFile, PageVisitDay, SiteVisitDay  # noqa: F401 (part D)
