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
        # The published pages: catalogue, policy library, 依申请公开, item headers (DISC-2, DISC-5).
        from disclosure.pages import provider
        from publishing import extensions

        extensions.register(provider)
