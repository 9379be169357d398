from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PublicConfig(AppConfig):
    name = "public"
    verbose_name = _("Public sites")

    def ready(self):
        # In ready(): these modules import models, which are not loaded while apps.py is read.
        from core import feed
        from public import serving

        feed.subscribe(serving.sync_routes_on_change)
