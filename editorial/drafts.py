"""Actions on the resource library: upload, create, save a draft, restore an old revision (RES-1 to RES-8, PUB-4).

Each action is one transaction that checks permission (editors and site administrators of the
owning site; reviewers never edit, PUB-1), validates through resources/kinds.py, writes an
immutable Revision, keeps the RES-2 metadata copied onto the Resource, keeps the links between
policy documents and their interpretations (RES-8), and records a WorkflowEvent and an audit
entry. Content is always created by a person: `acting_user` is required here.

Saving is optimistic: the editor's form carries the id of the revision it was opened on
(`base_revision_id`); if someone saved in between, `EditConflict` says who and when, and nothing
is overwritten (PUB-4). The resource's row is locked while the new revision is written.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from auditlog import audit
from auditlog.events import AuditEvent
from columns.permissions import require_editor_column
from editorial.models import WorkflowAction, WorkflowEvent
from resources.asset_actions import EDITING_ROLES, check_asset, require_person
from resources.asset_actions import upload_asset as upload_asset  # the library's actions in one place
from resources.kinds import clean_revision_data
from resources.kinds_registry import kind_class
from resources.models import (
    Asset,
    PolicyInterpretation,
    Resource,
    ResourceKind,
    ResourceStatus,
    Revision,
)
from resources.policies import RESOURCES
from resources.sanitize import clean_text
from sites.permissions import require_role
from sites.policies import CHANGE

METADATA_FIELDS = ("source", "author", "keywords", "description", "classification")
RICH_TEXT_FORMAT = "text/html"


class EditConflict(ValidationError):
    """Someone saved the resource after the editor opened it (PUB-4).

    `saved_by`, `saved_at` and `current_revision` say who saved what in between, for a view that
    offers to compare. Made by `edit_conflict()`; the constructor is ValidationError's own.
    """

    resource: Resource | None = None
    current_revision: Revision | None = None
    saved_by = None
    saved_at = None


def edit_conflict(resource: Resource, current: Revision) -> EditConflict:
    error = EditConflict(
        _(
            "%(user)s saved a newer version of “%(title)s” at %(time)s while you were editing. "
            "Your changes were not saved: open the newest version (number %(number)d), "
            "compare it with your text and make your changes again."
        )
        % {
            "user": _person(current.created_by),
            "title": resource.title,
            "time": timezone.localtime(current.created_at).strftime("%Y-%m-%d %H:%M"),
            "number": current.number,
        },
        code="edit_conflict",
    )
    error.resource, error.current_revision = resource, current
    error.saved_by, error.saved_at = current.created_by, current.created_at
    return error


def _person(user) -> str:
    return (getattr(user, "real_name", "") or user.get_username()) if user is not None else _("the system")


def _require_editor(acting_user, site) -> None:
    require_person(acting_user)
    require_role(acting_user, site, *EDITING_ROLES)


# -- resources ----------------------------------------------------------------------------------


def _resource_format(kind: str, asset: Asset | None) -> str:
    if asset is not None:
        return asset.content_type
    return RICH_TEXT_FORMAT if kind_class(kind).rich_text else ""


def _copy_metadata(resource: Resource, revision: Revision) -> None:
    """The RES-2 metadata of the working revision, copied onto the resource for lists and filters."""
    resource.title = revision.title
    for name in METADATA_FIELDS:
        max_length = Resource._meta.get_field(name).max_length
        setattr(resource, name, str(revision.metadata.get(name) or "")[:max_length])
    resource.format = _resource_format(resource.kind, revision.asset)
    # Assigned by the platform at the first disclosure (DISC-2) and kept; an older typed one stays.
    resource.index_number = kind_class(resource.kind).index_number(revision.data) or resource.index_number


def _sync_policy_links(resource: Resource, data: dict) -> None:
    """An interpretation's policies, kept as PolicyInterpretation rows queryable both ways (RES-8)."""
    if not kind_class(resource.kind).links_policies:
        return
    wanted = set(data.get("policies") or [])
    existing = set(PolicyInterpretation.objects.filter(interpretation=resource).values_list("policy_id", flat=True))
    PolicyInterpretation.objects.filter(interpretation=resource, policy_id__in=existing - wanted).delete()
    PolicyInterpretation.objects.bulk_create(
        [PolicyInterpretation(policy_id=pk, interpretation=resource) for pk in sorted(wanted - existing)]
    )


def _prepare(kind, site, *, title, metadata, data, acting_user, resource=None):
    metadata = {**(metadata or {}), "title": title}
    data = dict(data or {})
    if kind_class(kind).title_in_data:
        data["title"] = title
    return clean_revision_data(kind, data, metadata, site=site, user=acting_user, resource=resource)


@transaction.atomic
def create_resource(
    site, kind: str, *, title: str, metadata=None, data=None, column=None, asset: Asset | None = None, acting_user
) -> Resource:
    """Store a new resource in the library with its first revision (RES-1, RES-2)."""
    _require_editor(acting_user, site)
    if kind not in ResourceKind.values:
        raise ValidationError({"kind": _("Unknown kind of resource.")}, code="kind")
    if column is not None and column.site_id != site.pk:
        raise ValidationError(
            {"column": _("The column “%(column)s” belongs to another site.") % {"column": column.name}},
            code="column_site",
        )
    require_editor_column(acting_user, site, column)  # a sub-unit's editor: its columns only (SITE-10)
    check_asset(kind, asset, acting_user)
    data, metadata = _prepare(kind, site, title=title, metadata=metadata, data=data, acting_user=acting_user)
    now = timezone.now()
    resource = Resource(
        site=site, kind=kind, column=column, creator=acting_user, created_at=now, updated_at=now,
        status=ResourceStatus.DRAFT,
    )  # fmt: skip
    revision = Revision(
        number=1, title=metadata["title"], metadata=metadata, data=data, asset=asset, created_by=acting_user,
        created_at=now,
    )  # fmt: skip
    _copy_metadata(resource, revision)
    resource.save()
    revision.resource = resource
    revision.save()
    resource.current_revision = revision
    resource.save(update_fields=["current_revision"])
    _sync_policy_links(resource, data)
    WorkflowEvent.objects.create(
        resource=resource, revision=revision, action=WorkflowAction.CREATE, actor=acting_user, time=now
    )
    audit.record(
        AuditEvent.RESOURCE_CREATE,
        actor=acting_user,
        obj=resource,
        details={"kind": kind, "revision": 1, "column": column.pk if column else None},
    )
    return resource


def _as_id(value) -> int | None:
    """The base revision's id as a form posts it ("12") or code passes it (12)."""
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _lock_for_edit(resource: Resource, base_revision_id, acting_user) -> Resource:
    """The resource's row, locked, after the permission, status and conflict checks."""
    require_person(acting_user)
    # Only the resource's row is locked (no join: PostgreSQL would lock the site's row as well).
    locked = Resource.objects.select_for_update().get(pk=resource.pk)
    RESOURCES.require(acting_user, CHANGE, locked)
    require_editor_column(acting_user, locked.site, locked.column)  # SITE-10
    if locked.status == ResourceStatus.IN_REVIEW:
        raise ValidationError(
            _(
                "“%(title)s” is in review and cannot be edited now. Withdraw the submission, "
                "or wait for the review to finish."
            )
            % {"title": locked.title},
            code="in_review",
        )
    if locked.current_revision_id != _as_id(base_revision_id):
        current = Revision.objects.select_related("created_by").get(pk=locked.current_revision_id)
        raise edit_conflict(locked, current)
    return locked


def _write_revision(locked: Resource, *, title, metadata, data, asset, note, acting_user, restored_from=None):
    number = (locked.revisions.aggregate(top=Max("number"))["top"] or 0) + 1
    now = timezone.now()
    revision = Revision.objects.create(
        resource=locked,
        number=number,
        title=title,
        metadata=metadata,
        data=data,
        asset=asset,
        created_by=acting_user,
        created_at=now,
        note=clean_text(note)[:200],
        restored_from=restored_from,
    )
    previous_status = locked.status
    locked.current_revision = revision
    locked.updated_at = now
    # Saving makes the working copy a draft; a published revision stays online until the new one
    # is approved (PUB-9).
    locked.status = ResourceStatus.DRAFT
    _copy_metadata(locked, revision)
    locked.save(
        update_fields=["current_revision", "updated_at", "status", "title", *METADATA_FIELDS, "format", "index_number"]
    )
    _sync_policy_links(locked, data)
    return revision, previous_status


@transaction.atomic
def save_draft(
    resource: Resource,
    *,
    base_revision_id,
    title: str,
    metadata=None,
    data=None,
    asset: Asset | None = None,
    note: str = "",
    acting_user,
) -> Revision:
    """Save an edited version as a new revision of the working copy (PUB-4, PUB-9).

    `asset` None keeps the current file. Refused while the resource is in review, and with
    `EditConflict` when someone saved since `base_revision_id`.
    """
    locked = _lock_for_edit(resource, base_revision_id, acting_user)
    base = Revision.objects.get(pk=locked.current_revision_id)
    asset = asset if asset is not None else base.asset
    check_asset(locked.kind, asset, acting_user, current_asset_id=base.asset_id)
    data, metadata = _prepare(
        locked.kind, locked.site, title=title, metadata=metadata, data=data, acting_user=acting_user, resource=locked
    )
    revision, previous_status = _write_revision(
        locked, title=metadata["title"], metadata=metadata, data=data, asset=asset, note=note, acting_user=acting_user
    )
    WorkflowEvent.objects.create(
        resource=locked, revision=revision, action=WorkflowAction.SAVE, actor=acting_user, time=revision.created_at
    )
    audit.record(
        AuditEvent.RESOURCE_SAVE,
        actor=acting_user,
        obj=locked,
        details={"revision": revision.number, "previous_status": previous_status, "note": revision.note},
    )
    _refresh(resource, locked)
    return revision


@transaction.atomic
def restore_revision(resource: Resource, revision: Revision, *, base_revision_id, acting_user) -> Revision:
    """Make an old revision the working copy again, as a new revision that says where it came from (PUB-4)."""
    if revision.resource_id != resource.pk:
        raise ValidationError(_("This version belongs to another resource."), code="foreign_revision")
    locked = _lock_for_edit(resource, base_revision_id, acting_user)
    base = Revision.objects.get(pk=locked.current_revision_id)
    if revision.asset_id is not None:
        check_asset(locked.kind, revision.asset, acting_user, current_asset_id=revision.asset_id)
    try:
        # The old version is checked again: a resource it names may be gone, and the sanitiser
        # may have learned since.
        data, metadata = clean_revision_data(
            locked.kind, revision.data, revision.metadata, site=locked.site, user=acting_user, resource=locked
        )
    except ValidationError as error:
        raise ValidationError(
            _("Version %(number)d cannot be restored as it is: %(problems)s Edit the current version instead.")
            % {"number": revision.number, "problems": " ".join(error.messages)},
            code="restore_invalid",
        ) from error
    note = _("Restored from version %(number)d") % {"number": revision.number}
    new, previous_status = _write_revision(
        locked,
        title=metadata["title"],
        metadata=metadata,
        data=data,
        asset=revision.asset,
        note=note,
        acting_user=acting_user,
        restored_from=revision,
    )
    WorkflowEvent.objects.create(
        resource=locked, revision=new, action=WorkflowAction.RESTORE, actor=acting_user, time=new.created_at
    )
    audit.record(
        AuditEvent.RESOURCE_RESTORE,
        actor=acting_user,
        obj=locked,
        details={"revision": new.number, "restored_from": revision.number, "replaced": base.number,
                 "previous_status": previous_status},
    )  # fmt: skip
    _refresh(resource, locked)
    return new


def _refresh(resource: Resource, locked: Resource) -> None:
    """Bring the caller's instance up to date, so that it can be used for the next save."""
    if resource is not locked:
        for field in Resource._meta.concrete_fields:
            setattr(resource, field.attname, getattr(locked, field.attname))
        resource._state.fields_cache.clear()


# -- queries ------------------------------------------------------------------------------------


def interpretations_of(policy: Resource):
    """The interpretations that explain a policy document (RES-8)."""
    return Resource.objects.filter(policy_links__policy=policy).order_by("-updated_at", "-id")


def policies_of(interpretation: Resource):
    """The policy documents an interpretation explains (RES-8)."""
    return Resource.objects.filter(interpretation_links__interpretation=interpretation).order_by("-updated_at", "-id")
