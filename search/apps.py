from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SearchConfig(AppConfig):
    name = "search"
    verbose_name = _("Search")

    def ready(self):
        # Index on publish, remove on withdrawal (SRCH-1): the publishing signals, sent after commit.
        from search import receivers

        receivers.connect_signals()
