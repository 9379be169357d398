"""Signals sent after a workflow or placement change has been committed.

The static publisher connects to these to render the pages that depend on the change (PUB-8);
they are sent from `transaction.on_commit`, so nothing is rendered for a change that rolled back.
"""

from django.dispatch import Signal

# kwargs: resource_id, revision_id
resource_published = Signal()
# kwargs: resource_id, revision_id (the revision that was online, or None)
resource_withdrawn = Signal()
# kwargs: resource_id, column_ids (the columns whose lists changed)
placements_changed = Signal()
