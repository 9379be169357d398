"""A child process of tests/disclosure/test_index_concurrency.py: approve items as one reviewer.

    python -m tests.disclosure.approve_many <go file> <reviewer id> <resource id> ...

It says it is ready (a file `ready-<pid>` beside the go file), waits until the go file appears,
then approves each resource in its own transaction through editorial.workflow.approve, and prints
the numbers its items got (JSON, one line).
"""

import json
import os
import sys
import time
from pathlib import Path


def main(go: str, reviewer_id: str, *resource_ids: str) -> int:
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "govplatform.settings")
    django.setup()
    from accounts.models import User
    from editorial import workflow
    from resources.models import Resource

    reviewer = User.objects.get(pk=int(reviewer_id))
    resources = [Resource.objects.get(pk=int(pk)) for pk in resource_ids]
    go_file = Path(go)
    (go_file.parent / f"ready-{os.getpid()}").touch()
    while not go_file.exists():
        time.sleep(0.01)
    numbers = []
    for resource in resources:
        workflow.approve(resource, acting_user=reviewer)
        numbers.append(Resource.objects.values_list("index_number", flat=True).get(pk=resource.pk))
    print(json.dumps(numbers))
    return 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:]))
