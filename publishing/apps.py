from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PublishingConfig(AppConfig):
    name = "publishing"
    verbose_name = _("Publishing")

    def ready(self):
        # Actions report their changes to the change feed; after the commit the publisher queues
        # a publish of the dependent pages. Importing the module also registers the Celery task
        # (autodiscovery only finds modules named tasks.py). The last review level asks the
        # publisher whether an item can go online without a broken link (publishing/readiness.py).
        from editorial import workflow
        from publishing import publish_tasks, readiness

        publish_tasks.connect()
        workflow.check_before_online(readiness.check)
