"""The catalogue's metadata for the search index and the policy library's filter form (DISC-2,
DISC-5), given to search through the registry of the content layer (resources/index_metadata.py),
registered in disclosure/apps.py: search never reads the disclosure app's tables itself."""

from __future__ import annotations

from disclosure.models import CatalogueEntry, SubjectCategory


def entries_for(resource_ids: list[int]) -> dict[int, dict]:
    """resource id → its catalogue entry's values, for those that have one (one query)."""
    rows = CatalogueEntry.objects.filter(resource_id__in=resource_ids).values_list(
        "resource_id", "index_number", "document_number", "issuing_organisation", "subject__name", "written_on"
    )
    return {
        rid: {"index_number": index_number, "document_number": document_number,
              "issuing_organisation": issuing, "subject": subject or "", "written_on": written_on}
        for rid, index_number, document_number, issuing, subject, written_on in rows
    }  # fmt: skip


def subject_names() -> list[str]:
    """The platform's subject classification (主题分类) in its order."""
    return list(SubjectCategory.objects.order_by("position", "id").values_list("name", flat=True))


def register() -> None:
    from resources import index_metadata

    index_metadata.register_contributor(entries_for)
    index_metadata.register_subject_choices(subject_names)
