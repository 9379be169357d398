from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GovPlatformConfig(AppConfig):
    name = "govplatform"
    verbose_name = _("Platform: users, roles and audit")

    def ready(self):
        from govplatform import session_expiry, signals  # noqa: F401  (connect their receivers)
