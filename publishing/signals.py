"""Signals sent after a workflow or placement change has been committed.

The static publisher connects to these to render the pages that depend on the change (PUB-8).
They are sent from `transaction.on_commit` (`send_on_commit`), so nothing is rendered for a change
that rolled back, and robustly: the change is committed already, so a failing receiver is logged
and never turns the action into an error.
"""

import logging

from django.db import transaction
from django.dispatch import Signal

logger = logging.getLogger(__name__)

# kwargs: resource_id, revision_id (the revision now online)
resource_published = Signal()
# kwargs: resource_id, revision_id (the revision that was online)
resource_withdrawn = Signal()
# kwargs: resource_id (None when several resources moved, as in a reorder), column_ids (the
# columns whose lists changed)
placements_changed = Signal()
# kwargs: resource_ids (the publisher began or stopped holding back their pages on some site,
# publishing/held_back.py: search must not offer a page that is not there)
held_back_changed = Signal()


def send_on_commit(signal: Signal, sender, **kwargs) -> None:
    def send():
        for receiver, result in signal.send_robust(sender=sender, **kwargs):
            if isinstance(result, Exception):
                logger.error("receiver %r of a publishing signal failed", receiver, exc_info=result)

    transaction.on_commit(send)
