"""Who may see and handle letters (INT-1, INT-2; sites/policies.py).

Letters hold citizens' personal data, so only the people who handle them see them: the reviewers
and the administrators of the site that handles the letter (`Letter.site`: the channel's site, or
the site it was forwarded to). Editors do not. The channels are configured by the site's
administrators.
"""

from interaction.models.letter_attachments import LetterAttachment
from interaction.models.letters import Channel, Letter, LetterStep
from sites.models import Role
from sites.policies import CHANGE, VIEW, SitePolicy, register

HANDLER_ROLES = (Role.SITE_ADMIN, Role.REVIEWER)
ADMIN_ROLES = (Role.SITE_ADMIN,)

LETTER_ACTIONS = {
    VIEW: HANDLER_ROLES,
    CHANGE: HANDLER_ROLES,
    "forward": HANDLER_ROLES,
    "answer": HANDLER_ROLES,
    "review": HANDLER_ROLES,
    "merge": HANDLER_ROLES,
    "reveal_personal_data": HANDLER_ROLES,
}

LETTERS = register(SitePolicy(Letter, actions=LETTER_ACTIONS))
register(SitePolicy(LetterStep, site_field="letter__site_id", actions={VIEW: HANDLER_ROLES}))
LETTER_ATTACHMENTS = register(SitePolicy(LetterAttachment, site_field="letter__site_id", actions={VIEW: HANDLER_ROLES}))
CHANNELS = register(
    SitePolicy(Channel, actions={VIEW: HANDLER_ROLES, CHANGE: ADMIN_ROLES})
)
