"""Serving uploads (MEDIA_ROOT) to back-office users (SEC-7).

This view decides who may open an upload. In production (MEDIA_ACCEL_REDIRECT set) it answers
with an X-Accel-Redirect and nginx sends the file from an internal location with the same
headers (deploy/nginx.conf.template); in `make run` and the tests it sends the file itself.
Uploads are hostile until proven otherwise, so:

- only images of the formats the library accepts are shown inline, with their own type;
- everything else is sent as a download (`Content-Disposition: attachment`) with a type from a
  fixed list, `application/octet-stream` when unknown: never text/html, never SVG inline;
- `X-Content-Type-Options: nosniff` and a sandboxing Content-Security-Policy, so even a file that
  a browser opens cannot run script in the back office's origin.

Uploads are site data too (SEC-3, PUB-1): a platform administrator gets every file; anyone else
only the files of their sites (the files of their sites' resources with their renditions, the
sites' logos and security-check reports) and the files they uploaded themselves. Any other file
answers 404, as if it did not exist.
"""

from pathlib import Path
from urllib.parse import quote

from django.conf import settings
from django.db.models import Q
from django.http import FileResponse, Http404, HttpResponse

from govplatform.permissions import is_platform_admin

INLINE_IMAGE_TYPES = {
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".png": "image/png",
    ".gif": "image/gif",
    ".webp": "image/webp",
    ".avif": "image/avif",
    ".bmp": "image/bmp",
}
DOWNLOAD_TYPES = {
    ".pdf": "application/pdf",
    ".ofd": "application/ofd",
    ".doc": "application/msword",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".xls": "application/vnd.ms-excel",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".ppt": "application/vnd.ms-powerpoint",
    ".pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    ".wps": "application/vnd.ms-works",
    ".et": "application/vnd.ms-excel",
    ".dps": "application/vnd.ms-powerpoint",
    ".odt": "application/vnd.oasis.opendocument.text",
    ".ods": "application/vnd.oasis.opendocument.spreadsheet",
    ".odp": "application/vnd.oasis.opendocument.presentation",
    ".zip": "application/zip",
    ".rar": "application/vnd.rar",
    ".7z": "application/x-7z-compressed",
    ".txt": "text/plain; charset=utf-8",
    ".csv": "text/csv; charset=utf-8",
    ".mp3": "audio/mpeg",
    ".mp4": "video/mp4",
}
MEDIA_CSP = "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; sandbox"


def upload_headers(name: str, *, download_name: str = "", same_origin: bool = True) -> dict[str, str]:
    """Content-Type, Content-Disposition and the hardening headers for an upload called `name`.

    The type follows the name's extension through the fixed lists above; the platform stores and
    publishes files under the extension of the type their content was found to be (resources/
    sniff.py). `download_name` is offered to the browser instead of `name`; the public sites
    (govplatform/public_views.py) leave cross-origin loading of their images allowed.
    """
    suffix = Path(name).suffix.lower()
    headers = {
        "X-Content-Type-Options": "nosniff",
        "Content-Security-Policy": MEDIA_CSP,
    }
    if same_origin:
        headers["Cross-Origin-Resource-Policy"] = "same-origin"
    name = download_name or name
    if suffix in INLINE_IMAGE_TYPES:
        headers["Content-Type"] = INLINE_IMAGE_TYPES[suffix]
        headers["Content-Disposition"] = "inline"
    else:
        headers["Content-Type"] = DOWNLOAD_TYPES.get(suffix, "application/octet-stream")
        ascii_name = name.encode("ascii", "ignore").decode().replace('"', "") or "download"
        headers["Content-Disposition"] = f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(name)}"
    return headers


def _name(path: str) -> str:
    """The file's name as the models store it (relative to MEDIA_ROOT); 404 for a hostile path."""
    parts = [part for part in path.split("/") if part]
    if not parts or any(part.startswith(".") or "\\" in part or "\x00" in part for part in parts):
        raise Http404
    return "/".join(parts)


def may_see(user, name: str) -> bool:
    """Whether `user` may open the upload stored as `name` (see the module's docstring)."""
    if is_platform_admin(user):
        return True
    from resources.models import Asset, Resource
    from sites.models import SecurityCheck, Site

    assets = Asset.objects.filter(Q(file=name) | Q(renditions__file=name))
    if assets.filter(Q(uploaded_by=user) | Q(revisions__resource__in=Resource.objects.for_user(user))).exists():
        return True
    sites = Site.objects.for_user(user)
    return sites.filter(logo=name).exists() or SecurityCheck.objects.filter(site__in=sites, report=name).exists()


def _resolve(name: str) -> Path:
    root = Path(settings.MEDIA_ROOT).resolve()
    try:
        target = (root / name).resolve()
        found = root in target.parents and target.is_file()
    except (OSError, ValueError):  # a name the file system refuses (too long …): no such file
        found = False
    if not found:
        raise Http404
    return target


def media_file(request, path: str):
    name = _name(path)
    if not may_see(request.user, name):
        raise Http404
    target = _resolve(name)
    headers = upload_headers(target.name)
    if settings.MEDIA_ACCEL_REDIRECT:
        # nginx sends the file (internal location); the headers travel with the redirect.
        response = HttpResponse(content_type=headers.pop("Content-Type"))
        response["X-Accel-Redirect"] = settings.MEDIA_ACCEL_REDIRECT.rstrip("/") + "/" + quote(name)
    else:
        response = FileResponse(target.open("rb"), content_type=headers.pop("Content-Type"))
    for name, value in headers.items():
        response[name] = value
    response["Cache-Control"] = "private, max-age=300"
    return response
