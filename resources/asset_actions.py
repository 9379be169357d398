"""Actions on the files of the library: upload a file, and check that a resource may use one (RES-5, SEC-7).

Part of the library's actions (editorial/drafts.py, which also offers `upload_asset`). The file
checks a kind applies are said by its class (resources/kinds_registry.py).
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from auditlog import audit
from auditlog.events import AuditEvent
from resources import files
from resources.kinds_registry import FILE_KINDS
from resources.models import Asset, Rendition, ResourceKind, Revision
from resources.policies import EDITING_ROLES
from sites.permissions import is_platform_admin, site_ids_for


def require_person(acting_user) -> None:
    if acting_user is None:
        raise PermissionDenied(_("Content is always saved by a person; sign in to save it."))


# -- files --------------------------------------------------------------------------------------


def upload_asset(uploaded_file, *, kind: str, acting_user) -> Asset:
    """Check an uploaded file by its content and store it under a platform-chosen name (RES-5, SEC-7).

    Images are re-encoded and get renditions; attachments keep their readable text for the
    confidentiality check (PUB-3). Raises ValidationError when the file is refused.

    The check (decoding and re-encoding images, reading PDFs) changes nothing and runs before the
    transaction, so that no database lock is held while it works.
    """
    require_person(acting_user)
    if not is_platform_admin(acting_user) and not site_ids_for(acting_user, *EDITING_ROLES):
        raise PermissionDenied(_("Only editors and site administrators may upload files."))
    checked = files.check_upload(uploaded_file, kind)
    return _store_asset(checked, kind=kind, acting_user=acting_user)


@transaction.atomic
def _store_asset(checked: files.CheckedFile, *, kind: str, acting_user) -> Asset:
    """Write the checked file, its renditions and the audit entry. Files of a failed write are removed."""
    stored = []
    try:
        asset = Asset(
            original_name=checked.original_name,
            content_type=checked.file_type.content_type,
            size=checked.size,
            sha256=checked.sha256,
            width=checked.width,
            height=checked.height,
            text=checked.text,
            uploaded_by=acting_user,
        )
        base = checked.storage_name()
        asset.file.save(base, checked.content, save=False)
        stored.append(asset.file)
        asset.save()
        stem = base.rsplit(".", 1)[0]
        for rendition in checked.renditions:
            row = Rendition(asset=asset, width=rendition.width, height=rendition.height)
            row.file.save(f"{stem}-{rendition.width}.{rendition.extension}", rendition.content, save=False)
            stored.append(row.file)
            row.save()
    except Exception:
        for stored_file in stored:
            stored_file.storage.delete(stored_file.name)
        raise
    audit.record(
        AuditEvent.ASSET_UPLOAD,
        actor=acting_user,
        obj=asset,
        details={
            "kind": kind,
            "type": str(checked.file_type.label),
            "size": checked.size,
            "sha256": checked.sha256,
            "renditions": [r.width for r in checked.renditions],
        },
    )
    return asset


def _asset_kind(asset: Asset) -> str:
    if asset.content_type.startswith("image/"):
        return ResourceKind.IMAGE
    if asset.content_type.startswith("video/"):
        return ResourceKind.VIDEO
    return ResourceKind.ATTACHMENT


def check_asset(kind: str, asset: Asset | None, acting_user, *, current_asset_id=None) -> None:
    if kind not in FILE_KINDS:
        if asset is not None:
            raise ValidationError({"asset": _("Only images, attachments and videos have a file.")}, code="no_file")
        return
    if asset is None:
        raise ValidationError({"asset": _("Upload the file first.")}, code="file_required")
    if _asset_kind(asset) != kind:
        raise ValidationError(
            {
                "asset": _("“%(name)s” is not a file for a resource of the kind “%(kind)s”.")
                % {"name": asset.original_name, "kind": ResourceKind(kind).label}
            },
            code="file_kind",
        )
    # A file may be used by whoever uploaded it, or where it is already in use on one's own sites.
    if asset.pk == current_asset_id or asset.uploaded_by_id == acting_user.pk or is_platform_admin(acting_user):
        return
    in_use = Revision.objects.filter(asset=asset, resource__site_id__in=site_ids_for(acting_user)).exists()
    if not in_use:
        raise PermissionDenied(_("You may not use the file “%(name)s”.") % {"name": asset.original_name})
