from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SitesConfig(AppConfig):
    name = "sites"
    label = "sites"
    verbose_name = _("Sites")

    def ready(self):
        from sites import (
            host_cache,
            policies,  # noqa: F401  (registers the permission policies of its models)
        )

        host_cache.connect_signals()  # every change of a site, domain or redirect reaches the public processes
