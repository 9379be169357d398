from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Users")

    def ready(self):
        from accounts import session_expiry, signals  # noqa: F401  (connect their receivers)
