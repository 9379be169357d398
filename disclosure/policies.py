"""Who may see and act on the disclosure app's records (sites/policies.py).

Applications for disclosure (DISC-3) hold applicants' personal data, so only the people who
handle them see them: the site's administrators and reviewers (the people who decide what is
disclosed, PUB-10). Editors do not. The one extension of the time limit (条例 art.33) is approved
by a site administrator other than the handler who proposed it (the action checks "other").
"""

from disclosure.models.requests import InformationRequest, RequestAttachment, RequestStep
from sites.models import Role
from sites.policies import CHANGE, VIEW, SitePolicy, register

HANDLER_ROLES = (Role.SITE_ADMIN, Role.REVIEWER)
APPROVER_ROLES = (Role.SITE_ADMIN,)

# The actions of disclosure/request_actions.py, each with the roles that may do it.
REQUEST_ACTIONS = {
    VIEW: HANDLER_ROLES,
    CHANGE: HANDLER_ROLES,
    "receive": HANDLER_ROLES,
    "request_completion": HANDLER_ROLES,
    "record_completion": HANDLER_ROLES,
    "seek_third_party": HANDLER_ROLES,
    "third_party_replied": HANDLER_ROLES,
    "propose_extension": HANDLER_ROLES,
    "approve_extension": APPROVER_ROLES,
    "answer": HANDLER_ROLES,
    "reveal_personal_data": HANDLER_ROLES,
}


class InformationRequestPolicy(SitePolicy):
    actions = REQUEST_ACTIONS


REQUESTS = register(InformationRequestPolicy(InformationRequest))
register(SitePolicy(RequestStep, site_field="request__site_id", actions={VIEW: HANDLER_ROLES}))
register(SitePolicy(RequestAttachment, site_field="request__site_id", actions={VIEW: HANDLER_ROLES}))
