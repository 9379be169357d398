from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BackOfficeConfig(AppConfig):
    name = "backoffice"
    verbose_name = _("Back office")

    def ready(self):
        # Django's admin modules load models: imported once the apps are ready.
        from backoffice import boolean_icons

        boolean_icons.install()
