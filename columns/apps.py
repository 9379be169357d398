from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ColumnsConfig(AppConfig):
    name = "columns"
    verbose_name = _("Columns")

    def ready(self):
        from columns import policies  # noqa: F401  (registers the permission policies of its models)
