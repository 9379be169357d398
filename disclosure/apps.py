from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DisclosureConfig(AppConfig):
    """Government information disclosure (政府信息公开, DISC-1 to DISC-5, PUB-10)."""

    name = "disclosure"
    verbose_name = _("Information disclosure")

    def ready(self):
        # The kinds' modules load models: imported once the apps are ready.
        from disclosure import kinds

        kinds.register()  # the guide and the annual report as resource kinds (DISC-1, DISC-4)
        from disclosure import calendar  # noqa: F401  (the policy of the holiday table, workdays.CalendarDay)
