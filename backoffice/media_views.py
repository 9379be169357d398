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

from core.upload_headers import upload_headers
from lifecycle.models import SecurityCheck
from resources.models import Asset
from resources.policies import RESOURCES
from sites.models import Site
from sites.permissions import is_platform_admin
from sites.policies import policy_for


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
    assets = Asset.objects.filter(Q(file=name) | Q(renditions__file=name))
    if assets.filter(Q(uploaded_by=user) | Q(revisions__resource__in=RESOURCES.instances(user))).exists():
        return True
    sites = policy_for(Site).instances(user)
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
