"""The preview (预览): a resource's page as citizens will see it, before it is approved (issue 14 item 4).

`preview_view` is the back-office page: the version shown (the one in review, else the working
version, or one chosen from the history), a switch between desktop (1280 px) and phone (390 px)
width, the page in an iframe, and a link to the live page when the item is online.
`preview_page_view` is the iframe's document: the publisher's own rendering
(publishing/preview.py: the site's theme, header, footer and navigation), written nowhere, its
files pointed at the library (the back office's media view) and its style sheets at
`preview_static`. It is served with a sandboxing Content-Security-Policy: no script runs, no form
is sent, and links open the live site in a new window (`<base>` names the site's address).

Who may preview: whoever may open the resource's page (the Resource policy's VIEW: its site's
staff; platform administrators); anyone else gets 404, as for the page itself.
"""

from urllib.parse import quote

from django.conf import settings
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _

from publishing.models import SiteTheme
from publishing.preview import NoPage, preview_page
from publishing.sitedata import Theme
from publishing.static_files import static_files
from resources.models import Resource, ResourceStatus, Revision
from resources.policies import RESOURCES
from sites.models import Site
from sites.policies import policy_for

WIDTHS = {"desktop": 1280, "phone": 390}
STATIC_TYPES = {".css": "text/css; charset=utf-8", ".js": "text/javascript; charset=utf-8", ".svg": "image/svg+xml"}


def _resource(request, pk: int) -> Resource:
    """The resource if the user may see it; 404 otherwise (never a hint that it exists)."""
    queryset = RESOURCES.filter(Resource.objects.all(), request.user).select_related("site", "column")
    return get_object_or_404(queryset, pk=pk)


def shown_revision(resource: Resource, wanted: str | None) -> Revision:
    """The revision to preview: one of the resource's own, named by id; else the one in review,
    else the working version."""
    if wanted:
        if not wanted.isdigit():
            raise Http404
        return get_object_or_404(Revision, pk=int(wanted), resource=resource)
    revision = resource.submitted_revision if resource.status == ResourceStatus.IN_REVIEW else None
    revision = revision or resource.current_revision
    if revision is None:
        raise Http404
    return revision


def preview_view(admin_site, request, pk: int):
    resource = _resource(request, pk)
    revision = shown_revision(resource, request.GET.get("revision"))
    width = request.GET.get("width") if request.GET.get("width") in WIDTHS else "desktop"
    page_url = reverse("admin:resource_preview_page", args=[resource.pk]) + f"?revision={revision.pk}"
    problem, preview = "", None
    try:
        preview = preview_page(resource, revision)
    except NoPage as refusal:
        problem = (
            _("This kind of content has no page of its own: it is shown in the lists of its columns.")
            if refusal.reason == "no_page"
            else _("Choose the column it is written for first: its page is drawn in that column.")
        )
    unpublished = []
    if preview is not None and preview.unpublished:
        visible = RESOURCES.filter(Resource.objects.filter(pk__in=preview.unpublished), request.user)
        unpublished = [
            (item.title, reverse("admin:resources_resource_change", args=[item.pk]))
            for item in visible.only("pk", "title")
        ]
    in_review = resource.submitted_revision_id == revision.pk and resource.status == ResourceStatus.IN_REVIEW
    context = {
        **admin_site.each_context(request),
        "title": _("Preview of “%(title)s”") % {"title": revision.title},
        "resource": resource,
        "revision": revision,
        "in_review": in_review,
        "is_working": revision.pk == resource.current_revision_id,
        "page_url": page_url,
        "width": width,
        "widths": WIDTHS,
        "problem": problem,
        "preview": preview,
        "address": f"{preview.base_url}/{preview.path}" if preview is not None and preview.base_url else "",
        "unpublished": unpublished,
        "change_url": reverse("admin:resources_resource_change", args=[resource.pk]),
        "review_url": reverse("admin:resources_resource_review", args=[resource.pk]) if in_review else "",
    }
    return TemplateResponse(request, "admin/preview/preview.html", context)


def _media_url(request, name: str) -> str:
    return request.build_absolute_uri((settings.MEDIA_URL or "/media/") + quote(name))


def pointed_at_back_office(request, preview, site_id: int) -> str:
    """The published page, with its files and style sheets taken from the back office."""
    html = preview.html
    if preview.logo_file:
        html = html.replace('"/-/logo.', '"/-/_logo.')  # the logo is a library file, see below
    static_base = request.build_absolute_uri(reverse("admin:preview_static", args=[site_id, "x"]))[:-1]
    html = html.replace('"/-/', f'"{static_base}')
    if preview.logo_file:
        suffix = preview.logo_file.rsplit(".", 1)[-1].lower() if "." in preview.logo_file else "png"
        html = html.replace(f'"{static_base}_logo.{suffix}"', f'"{_media_url(request, preview.logo_file)}"')
    for path, name in sorted(preview.files.items(), key=lambda pair: -len(pair[0])):
        html = html.replace(f'"{path}"', f'"{_media_url(request, name)}"')
    # Body images the page's site may not publish keep their library address (the readiness
    # check names them); shown here from the library too.
    media = settings.MEDIA_URL or "/media/"
    html = html.replace(f'src="{media}', f'src="{request.build_absolute_uri(media)}')
    if preview.base_url:  # every other address is the live site's: opened in a new window
        html = html.replace("<head>", f'<head>\n<base href="{preview.base_url}/" target="_blank">', 1)
    return html


def sandbox_policy(base_url: str) -> str:
    return "; ".join(
        [
            "default-src 'none'",
            "img-src 'self' data:",
            "style-src 'self'",
            "font-src 'self'",
            f"base-uri {base_url + '/' if base_url else chr(39) + 'none' + chr(39)}",
            "form-action 'none'",
            "frame-ancestors 'self'",
            "sandbox allow-same-origin allow-popups allow-popups-to-escape-sandbox",
        ]
    )


def preview_page_view(request, pk: int):
    resource = _resource(request, pk)
    revision = shown_revision(resource, request.GET.get("revision"))
    try:
        preview = preview_page(resource, revision)
    except NoPage:
        raise Http404 from None
    response = HttpResponse(pointed_at_back_office(request, preview, resource.site_id), content_type="text/html")
    response["Content-Security-Policy"] = sandbox_policy(preview.base_url)
    response["X-Frame-Options"] = "SAMEORIGIN"
    response["Cache-Control"] = "private, no-store"
    return response


def preview_static(request, site_id: int, name: str):
    """The site's shared files of /-/ (style sheet, theme colours, marks) for previews of its pages."""
    site = get_object_or_404(policy_for(Site).instances(request.user), pk=site_id)
    theme_row = SiteTheme.objects.filter(site=site).first()
    theme = (
        Theme(theme_row.primary_colour, theme_row.secondary_colour, theme_row.accent_colour, theme_row.logo_layout)
        if theme_row
        else Theme()
    )
    files, _assets = static_files(theme)
    content = files.get(f"-/{name}")
    if content is None:
        raise Http404
    suffix = "." + name.rsplit(".", 1)[-1]
    response = HttpResponse(content, content_type=STATIC_TYPES.get(suffix, "application/octet-stream"))
    response["Cache-Control"] = "private, max-age=300"
    response["X-Content-Type-Options"] = "nosniff"
    return response
