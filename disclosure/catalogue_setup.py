"""What the catalogue (DISC-2, PUB-10) connects when the app is ready (disclosure/apps.py)."""

from django.db.models.signals import post_migrate

from disclosure import catalogue, catalogue_policies, organisations  # noqa: F401  (registers the policies)
from editorial import workflow


def connect(app_config) -> None:
    workflow.when_disclosed(catalogue.record_disclosure)
    post_migrate.connect(organisations.seed_subjects, sender=app_config, dispatch_uid="disclosure_seed_subjects")
