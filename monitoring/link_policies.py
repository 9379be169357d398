"""Who may see and decide the links of a site (sites/policies.py; LINK-2, LINK-4).

友情链接 need the approval of the site's organiser or operator in charge (G-Annex §2(二),
T-Annex §5(二): 应经本网站主办或承办单位负责人审核): editors and site administrators propose, a
site administrator approves, never the one who proposed it (monitoring/friend_links.py checks
that), and a site administrator drops or restores one. Link problems are seen by every role of
the site: editors fix the links they placed.
"""

from monitoring.models.links import FriendLink, LinkFinding
from sites.models import Role
from sites.policies import CHANGE, VIEW, SitePolicy, register

FRIEND_LINKS = register(
    SitePolicy(
        FriendLink,
        actions={
            VIEW: (),
            "propose": (Role.EDITOR, Role.SITE_ADMIN),
            "approve": (Role.SITE_ADMIN,),
            CHANGE: (Role.SITE_ADMIN,),
        },
    )
)
LINK_FINDINGS = register(SitePolicy(LinkFinding, actions={VIEW: ()}))
