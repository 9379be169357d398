"""Permission policies of search: site administrators keep their sites' blocked terms; the
dictionary, synonyms and the logs are the platform administrators'."""

from search.models import BlockedTerm, DictionaryWord, PopularQuery, SearchLog, Synonym
from sites.models import Role
from sites.policies import CHANGE, VIEW, PermissionPolicy, SitePolicy, register

BLOCKED_TERMS = register(SitePolicy(BlockedTerm, actions={VIEW: (Role.SITE_ADMIN,), CHANGE: (Role.SITE_ADMIN,)}))
for model in (DictionaryWord, Synonym, PopularQuery, SearchLog):
    register(PermissionPolicy(model))
