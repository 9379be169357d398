"""Index metadata contributors: what feature apps know about resources, for the search index
(DISC-2, DISC-5).

The search index (search/) stores each document's catalogue metadata, and the policy library's
filter form offers the subject classification; both are kept by the disclosure app. search/ and
disclosure/ are siblings in the features layer and know nothing of each other, not even by an
app label or a relation name: they meet here, in the content layer below both.

A feature app registers from its AppConfig.ready():

    from resources import index_metadata

    index_metadata.register_contributor(entries_for)     # disclosure/index_metadata.py
    index_metadata.register_subject_choices(subject_names)

`entries_for(resource_ids) -> {resource_id: {"index_number": str, "document_number": str,
"issuing_organisation": str, "subject": str, "written_on": date | None}}` answers for a batch
of resources (the indexer asks once per batch of 500: a contributor makes a constant number of
queries per call, never one per resource) and leaves out the resources it knows nothing about;
`subject_names() -> list[str]` gives the subject classification in its order.

The search indexer reads `metadata_for(ids)` (every contributor's answer merged: a key an earlier
contributor left empty is filled by a later one) and the filter form `subject_choices()` (the
first provider's list, or none). Without a contributor (disclosure not installed) both are empty
and search indexes what the resources themselves say.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

KEYS = ("index_number", "document_number", "issuing_organisation", "subject", "written_on")

Contributor = Callable[[list[int]], dict[int, dict]]

_contributors: list[Contributor] = []
_subject_providers: list[Callable[[], list[str]]] = []


def register_contributor(contributor: Contributor) -> None:
    if contributor not in _contributors:
        _contributors.append(contributor)


def register_subject_choices(provider: Callable[[], list[str]]) -> None:
    if provider not in _subject_providers:
        _subject_providers.append(provider)


def metadata_for(resource_ids: Iterable[int]) -> dict[int, dict]:
    """resource id → {KEYS…} for the resources some contributor knows (empty values as "")."""
    ids = sorted({int(i) for i in resource_ids})
    merged: dict[int, dict] = {}
    if not ids:
        return merged
    for contributor in _contributors:
        for rid, values in contributor(ids).items():
            entry = merged.setdefault(rid, dict.fromkeys(KEYS, ""))
            for key in KEYS:
                if not entry[key] and values.get(key):
                    entry[key] = values[key]
    return merged


def subject_choices() -> list[str]:
    for provider in _subject_providers:
        return list(provider())
    return []
