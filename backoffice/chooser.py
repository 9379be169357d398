"""The library chooser (从资源库选择): one page for choosing images, attachments and other resources,
with thumbnails, search, filters, pages and upload in place (issue 14 item 3, RES-1, RES-3, SEC-3).

It is opened in a dialog of the resource form (backoffice/static/backoffice/editor.js): for a
reference field (cover image, attachments, photo, policies …) or to insert an image into a body.
Choosing sends the choice to the form (backoffice/static/backoffice/chooser.js, postMessage to
the same origin); the form's own checks decide whether it is accepted (resources/references.py).

What is listed is what the form would accept: resources of the sites the user holds a role on
(the Resource policy), as `ReferenceChecks.usable_resources` — never another site's. For a body
image, only the form's own site: the publisher publishes a body's library image on its own site's
pages only (publishing/media_use.py). Filters: kind (among the field's kinds), site (among those),
column (of the chosen site), title. An upload stores a library resource first, through the
library's actions (`upload_asset` with the upload checks, then `create_resource`), and then it is
chosen: 先入库，后使用.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from urllib.parse import urlencode

from django import forms
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from backoffice.resource_support import editable_site_ids
from columns.models import Column
from core.reference_fields import in_range
from editorial import drafts as actions
from resources.kinds_registry import FILE_KINDS, PICTURE_KINDS, kind_class
from resources.models import Rendition, Resource, ResourceKind
from resources.policies import RESOURCES
from sites.models import Site
from sites.permissions import is_platform_admin, site_ids_for

PAGE_SIZE = 24
BODY = "body"
# Body images: the renditions an editor may insert, by name; "original" is the file itself.
SIZES = {"small": 320, "medium": 640, "large": 1280}


def _int(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _media(name: str) -> str:
    return (settings.MEDIA_URL or "/media/") + name


def type_label(asset) -> str:
    """The file's type as people name it (PDF, DOCX, JPG): the extension of the type its content was
    found to be, which the library stores it under (resources/files.py)."""
    name = asset.file.name if asset is not None and asset.file else ""
    return name.rsplit(".", 1)[-1].upper() if "." in name.rsplit("/", 1)[-1] else ""


def usable_site_ids(user, site) -> set[int] | None:
    """The sites whose resources a form of `site` may refer to (resources/references.py); None: all."""
    if is_platform_admin(user):
        return None
    return site_ids_for(user) | {site.pk}


def usable_resources(user, site, *, body: bool = False):
    """The resources the chooser may offer for a form of `site`: the user's sites only."""
    queryset = RESOURCES.filter(Resource.objects.all(), user)
    if body:
        return queryset.filter(site=site)
    site_ids = usable_site_ids(user, site)
    return queryset if site_ids is None else queryset.filter(site_id__in=site_ids)


@dataclass
class Choice:
    """One resource as the chooser and the chosen-resource cards show it."""

    pk: int
    title: str
    kind: str
    kind_label: str
    status_label: str
    site_name: str
    thumbnail: str = ""
    file_name: str = ""
    file_type: str = ""
    size: int = 0
    alt: str = ""
    sources: dict | None = None  # body images: {"small": url, …, "original": url}

    @property
    def json(self) -> str:
        """What chooser.js sends to the form when this resource is chosen."""
        return json.dumps(
            {"id": self.pk, "title": self.title, "kind": self.kind, "kind_label": self.kind_label,
             "status_label": self.status_label, "thumbnail": self.thumbnail, "file_type": self.file_type,
             "size": self.size, "alt": self.alt, "sources": self.sources or {}},
            ensure_ascii=False,
        )  # fmt: skip


def choices_of(resources) -> list[Choice]:
    """Cards for resources (their working revision and file), with one query for the renditions."""
    resources = list(resources)
    asset_ids = [r.current_revision.asset_id for r in resources if r.current_revision and r.current_revision.asset_id]
    renditions: dict[int, list[Rendition]] = {}
    for rendition in Rendition.objects.filter(asset_id__in=asset_ids).order_by("width"):
        renditions.setdefault(rendition.asset_id, []).append(rendition)
    out = []
    for resource in resources:
        revision = resource.current_revision
        asset = revision.asset if revision is not None and revision.asset_id else None
        choice = Choice(
            pk=resource.pk,
            title=resource.title,
            kind=resource.kind,
            kind_label=str(ResourceKind(resource.kind).label),
            status_label=resource.get_status_display(),
            site_name=resource.site.name,
            alt=str((revision.data or {}).get("alt") or resource.title) if revision is not None else resource.title,
        )
        if asset is not None:
            choice.file_name, choice.file_type, choice.size = asset.original_name, type_label(asset), asset.size
            sized = renditions.get(asset.pk, [])
            if asset.content_type.startswith("image/"):
                choice.thumbnail = _media(sized[0].file.name) if sized else _media(asset.file.name)
                sources = {"original": _media(asset.file.name)}
                for name, width in SIZES.items():
                    fitting = [r for r in sized if r.width <= width]
                    sources[name] = _media(fitting[-1].file.name) if fitting else sources["original"]
                choice.sources = sources
        out.append(choice)
    return out


# -- the widget of reference fields -------------------------------------------------------------


class ChooserInput(forms.TextInput):
    """Resource IDs, typed or chosen in the library chooser, with a card for each chosen resource.

    The resource form gives it `user` and `site` (backoffice/resource_forms.py) so that the cards
    name only what the user may use; an ID of anything else shows as its number alone.
    """

    template_name = "admin/chooser/widget.html"

    def __init__(self, kinds, *, multiple=False, attrs=None):
        super().__init__({"class": "chooser-ids", **(attrs or {})})
        self.kinds, self.multiple = tuple(str(kind) for kind in kinds), multiple
        self.user = self.site = None

    def format_value(self, value):
        if isinstance(value, list | tuple):
            return ", ".join(str(item) for item in value)
        return super().format_value(value)

    def _render(self, template_name, context, renderer=None):
        # The project's templates (templates/admin/chooser/), whatever the form renderer.
        return mark_safe(render_to_string(template_name, context))

    def value_from_datadict(self, data, files, name):
        if self.multiple and hasattr(data, "getlist"):
            values = data.getlist(name)
            return values[0] if len(values) == 1 else values
        return data.get(name)

    def _ids(self, value) -> list[int]:
        text = self.format_value(value) or ""
        return [n for n in (_int(part) for part in text.replace("，", ",").split(",")) if n]

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        ids = self._ids(value)
        cards = []
        if ids and self.user is not None and self.site is not None:
            usable = usable_resources(self.user, self.site)
            found = usable.filter(pk__in=in_range(usable, ids))  # ids too large for the database name nothing
            found = found.select_related("site", "current_revision__asset")
            by_id = {choice.pk: choice for choice in choices_of(found)}
            cards = [by_id.get(pk) or Choice(pk, "", "", "", "", "") for pk in ids]
        else:
            cards = [Choice(pk, "", "", "", "", "") for pk in ids]
        query = {"kinds": ",".join(self.kinds), "multiple": "1" if self.multiple else "0"}
        if self.site is not None:
            query["site"] = self.site.pk
        context["chooser"] = {
            "url": reverse("admin:chooser") + "?" + urlencode(query),
            "cards": cards,
            "multiple": self.multiple,
            "kinds": self.kinds,
        }
        return context


# -- the chooser page ----------------------------------------------------------------------------


class UploadForm(forms.Form):
    """A new library resource from a file: its title, for images the text read to blind readers."""

    kind = forms.ChoiceField(label=gettext_lazy("kind"), choices=())
    file = forms.FileField(label=gettext_lazy("file"))
    title = forms.CharField(label=gettext_lazy("title"), max_length=300)
    alt = forms.CharField(
        label=gettext_lazy("alternative text"),
        max_length=300,
        required=False,
        help_text=gettext_lazy("What the picture shows, read aloud to blind readers."),
    )

    def __init__(self, *args, kinds, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [(kind, ResourceKind(kind).label) for kind in kinds]
        if len(kinds) == 1:
            self.fields["kind"].widget = forms.HiddenInput()
            self.fields["kind"].initial = kinds[0]
        if not any(kind_class(kind).is_picture for kind in kinds):
            del self.fields["alt"]

    def clean(self):
        cleaned = super().clean()
        kind = cleaned.get("kind")
        if kind and kind_class(kind).is_picture and not (cleaned.get("alt") or "").strip():
            self.add_error("alt", _("Describe what the picture shows (alternative text for blind readers)."))
        return cleaned


def _target_site(request) -> Site:
    """The site of the form the chooser serves: one the user may write content on; 404 otherwise."""
    site_id = _int(request.GET.get("site"))
    editable = editable_site_ids(request)
    if site_id is None or (editable is not None and site_id not in editable):
        raise Http404("not one of your sites")
    site = Site.objects.filter(pk=site_id).first()
    if site is None:
        raise Http404("not one of your sites")
    return site


def _kinds(request, body: bool) -> list[str]:
    if body:  # a body shows pictures only
        return list(PICTURE_KINDS)
    wanted = [kind for kind in (request.GET.get("kinds") or "").split(",") if kind in ResourceKind.values]
    return list(dict.fromkeys(wanted)) or list(PICTURE_KINDS)


def _upload(request, site, form) -> Resource | None:
    """Store the file and its library resource through the library's actions; errors go on the form."""
    if not form.is_valid():
        return None
    kind = form.cleaned_data["kind"]
    try:
        asset = actions.upload_asset(form.cleaned_data["file"], kind=kind, acting_user=request.user)
        data = {"alt": form.cleaned_data["alt"]} if kind_class(kind).is_picture else {}
        return actions.create_resource(
            site, kind, title=form.cleaned_data["title"], data=data, asset=asset, acting_user=request.user
        )
    except ValidationError as error:
        messages = error.message_dict if hasattr(error, "error_dict") else {"file": error.messages}
        for name, texts in messages.items():
            target = name if name in form.fields else ("file" if name == "asset" else None)
            for text in texts:
                form.add_error(target, text)
    except PermissionDenied as error:
        form.add_error(None, str(error))
    return None


def chooser_view(admin_site, request):
    site = _target_site(request)
    body = request.GET.get("target") == BODY
    kinds = _kinds(request, body)
    multiple = request.GET.get("multiple") == "1" and not body
    available = usable_resources(request.user, site, body=body).filter(kind__in=kinds)

    may_upload = editable_site_ids(request) is None or site.pk in editable_site_ids(request)
    upload_kinds = [kind for kind in kinds if kind in FILE_KINDS]
    form, uploaded = None, None
    if may_upload and upload_kinds:
        if request.method == "POST":
            form = UploadForm(request.POST, request.FILES, kinds=upload_kinds)
            uploaded = _upload(request, site, form)
            if uploaded is not None:
                form = UploadForm(kinds=upload_kinds)
        else:
            form = UploadForm(kinds=upload_kinds)
    elif request.method == "POST":
        raise PermissionDenied

    # Filters: kind among the field's, site among the usable ones, column of the chosen site, title.
    site_ids = {site.pk} if body else usable_site_ids(request.user, site)
    sites = Site.objects.order_by("pk").only("pk", "name")
    if site_ids is not None:
        sites = sites.filter(pk__in=site_ids)
    chosen_site = _int(request.GET.get("in_site", site.pk))
    if chosen_site is not None and chosen_site != 0:
        if not sites.filter(pk=chosen_site).exists():
            chosen_site = site.pk
        available = available.filter(site_id=chosen_site)
    kind = request.GET.get("kind") if request.GET.get("kind") in kinds else ""
    if kind:
        available = available.filter(kind=kind)
    columns = Column.objects.filter(site_id=chosen_site).order_by("tree_id", "lft") if chosen_site else None
    column = _int(request.GET.get("column"))
    if column and columns is not None and columns.filter(pk=column).exists():
        available = available.filter(column_id=column)
    else:
        column = None
    query = (request.GET.get("q") or "").strip()[:100]
    if query:
        available = available.filter(title__icontains=query)

    available = available.select_related("site", "current_revision__asset").order_by("-updated_at", "-id")
    paginator = Paginator(available, PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    keep = {key: value for key, value in request.GET.items() if key != "page"}
    context = {
        **admin_site.each_context(request),
        "title": _("Choose from the library"),
        "site": site,
        "body": body,
        "multiple": multiple,
        "kinds": [(value, ResourceKind(value).label) for value in kinds],
        "kind": kind,
        "sites": list(sites) if site_ids is None or len(site_ids) > 1 else [],
        "chosen_site": chosen_site,
        "columns": list(columns) if columns is not None else [],
        "column": column,
        "query": query,
        "page": page,
        "choices": choices_of(page.object_list),
        "sizes": [(name, width) for name, width in SIZES.items()],
        "form": form,
        "uploaded": choices_of([uploaded])[0] if uploaded is not None else None,
        "keep": urlencode(keep),
        "action": request.get_full_path(),
        "is_popup": True,
    }
    response = TemplateResponse(request, "admin/chooser/chooser.html", context)
    # Shown in a dialog of the back office's own pages: framed by its own origin only.
    response["X-Frame-Options"] = "SAMEORIGIN"
    response._csp_replace = {"frame-ancestors": ["'self'"]}
    return response
