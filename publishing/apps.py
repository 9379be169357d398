from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PublishingConfig(AppConfig):
    name = "publishing"
    verbose_name = _("Publishing")

    def ready(self):
        # The workflow and placement actions send signals after commit; the publisher listens
        # and queues a publish of the dependent pages. Importing the module also registers the
        # Celery task (autodiscovery only finds modules named tasks.py).
        from publishing import publish_tasks

        publish_tasks.connect_signals()
