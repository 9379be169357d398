"""Registers every model page of the back office (Django's admin autodiscovery imports this module)."""

from backoffice import (  # noqa: F401  (each module registers its model pages on import)
    accounts_admin,
    columns_admin,
    disclosure_admin,
    disclosure_requests_admin,
    interaction_error_reports_admin,
    interaction_letters_admin,
    monitoring_links_admin,
    resources_admin,
    review_admin,
    search_admin,
    sites_admin,
    workdays_admin,
)
