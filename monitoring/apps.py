from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MonitoringConfig(AppConfig):
    """Supervision of every site (OPS-1 to OPS-7, LINK-2, LINK-4, COL-8, PUB-6): the daily checks
    against the national veto lines, availability probes, link checks, visit statistics from the
    web server's logs, reports, reposts within 12 hours and alerts."""

    name = "monitoring"
    verbose_name = _("Monitoring")

    def ready(self):
        # Each module of lines registers its Line classes (monitoring/lines.py) when imported.
        from monitoring import line_modules

        line_modules.load()
        # The friendly links' policy and their links area on the published site (LINK-4).
        from monitoring import friend_link_pages, link_policies  # noqa: F401

        friend_link_pages.connect()
        # The supervision records' policies, and the published reports as pages: spot checks,
        # supervision and site annual reports (OPS-2, OPS-3, OPS-7).
        from monitoring import report_pages, report_policies  # noqa: F401
        from publishing import extensions

        extensions.register(report_pages.provider)
