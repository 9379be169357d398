from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SearchConfig(AppConfig):
    name = "search"
    verbose_name = _("Search")

    def ready(self):
        # Index on publish, remove on withdrawal (SRCH-1): the change feed, heard after the commit.
        from search import (
            policies,  # noqa: F401  (registers the permission policies of its models)
            receivers,
        )

        receivers.connect()
