"""Resources for workflow tests, written directly as Resource + Revision rows.

`make_resource` stands for editorial.drafts.create_resource and `edit` for save_draft: they
write the same rows (a new immutable revision becomes the working copy; editing approved or
published content makes a new draft while the published revision stays online, PUB-9).
"""

from django.utils import timezone

from resources.models import Asset, Resource, ResourceKind, ResourceStatus, Revision
from tests.factories import UserFactory

METADATA_FIELDS = ("source", "author", "keywords", "description", "classification", "format")


def make_resource(site, *, author, column=None, title="关于做好春季防火工作的通知", data=None, metadata=None,
                  asset=None, kind=ResourceKind.ARTICLE) -> Resource:  # fmt: skip
    metadata = metadata or {}
    resource = Resource.objects.create(
        site=site,
        kind=kind,
        column=column,
        title=title,
        creator=author,
        **{name: metadata.get(name, "") for name in METADATA_FIELDS},
    )
    revision = Revision.objects.create(
        resource=resource,
        number=1,
        title=title,
        metadata=metadata,
        data=data if data is not None else {"body": "<p>各乡镇人民政府：</p><p>请做好春季森林防火工作。</p>"},
        asset=asset,
        created_by=author,
    )
    resource.current_revision = revision
    resource.save(update_fields=["current_revision"])
    return resource


def edit(resource, *, author, title=None, data=None, metadata=None) -> Revision:
    """Save a new working revision, as save_draft does."""
    resource.refresh_from_db()
    base = resource.current_revision
    revision = Revision.objects.create(
        resource=resource,
        number=resource.revisions.count() + 1,
        title=title or base.title,
        metadata=metadata if metadata is not None else base.metadata,
        data=data if data is not None else base.data,
        asset=base.asset,
        created_by=author,
    )
    resource.current_revision = revision
    resource.title = revision.title
    resource.updated_at = timezone.now()
    if resource.status != ResourceStatus.IN_REVIEW:
        resource.status = ResourceStatus.DRAFT
    resource.save(update_fields=["current_revision", "title", "updated_at", "status"])
    return revision


def make_asset(text="", name="附件.pdf", uploaded_by=None) -> Asset:
    return Asset.objects.create(
        file=f"library/test/{name}",
        original_name=name,
        content_type="application/pdf",
        size=1024,
        sha256="0" * 64,
        text=text,
        uploaded_by=uploaded_by or UserFactory(),
    )
