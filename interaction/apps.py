from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InteractionConfig(AppConfig):
    """Citizens write to their government (互动交流, INT-1 to INT-6): mailboxes, consultation and
    complaints, error reports, the knowledge base and citizen accounts."""

    name = "interaction"
    verbose_name = _("Interaction")

    def ready(self):
        # The kinds' modules load models: imported once the apps are ready.
        from interaction import knowledge

        knowledge.register()  # the Q&A entries of the knowledge base as a resource kind (INT-5)
        # The permission policies of the error reports (INT-3), the letters and their channels
        # (INT-1, INT-2).
        from interaction import (
            error_report_policies,  # noqa: F401
            policies,  # noqa: F401
        )

        # The public listings of letters and their statistics as published pages (INT-2).
        from interaction.letter_pages import provider
        from publishing import extensions

        extensions.register(provider)
