from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DisclosureConfig(AppConfig):
    """Government information disclosure (政府信息公开, DISC-1 to DISC-5, PUB-10)."""

    name = "disclosure"
    verbose_name = _("Information disclosure")

    def ready(self):
        # The catalogue (DISC-2, PUB-10): its policies, the index number given when an item is
        # first disclosed (inside editorial's put_online), and the standard subject list.
        from disclosure import catalogue_setup

        catalogue_setup.connect(self)
        # The kinds' modules load models: imported once the apps are ready.
        from disclosure import kinds

        kinds.register()  # the guide and the annual report as resource kinds (DISC-1, DISC-4)
        from disclosure import (
            calendar,  # noqa: F401  (the policy of the holiday table, workdays.CalendarDay)
            policies,  # noqa: F401  (registers the models' permission policies)
        )

        # The published pages: catalogue, policy library, 依申请公开, item headers (DISC-2, DISC-5).
        from disclosure.pages import provider
        from publishing import extensions

        extensions.register(provider)
        # The catalogue's metadata for the search index and the policy library's subject list,
        # through the content layer's registry (search is a sibling: DISC-2, DISC-5).
        from disclosure import index_metadata

        index_metadata.register()
