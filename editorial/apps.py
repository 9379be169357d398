from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EditorialConfig(AppConfig):
    name = "editorial"
    verbose_name = _("Review and placement")

    def ready(self):
        from editorial import policies  # noqa: F401  (registers the permission policies of its models)
