from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ResourcesConfig(AppConfig):
    name = "resources"
    verbose_name = _("Resource library")

    def ready(self):
        from resources import policies  # noqa: F401  (registers the permission policies of its models)
