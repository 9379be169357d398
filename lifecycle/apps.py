from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LifecycleConfig(AppConfig):
    name = "lifecycle"
    verbose_name = _("Site lifecycle")

    def ready(self):
        from lifecycle import policies  # noqa: F401  (registers the permission policies of its models)
