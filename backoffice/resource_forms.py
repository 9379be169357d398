"""Forms of the back office's resource pages: the editing form of each kind, scheduling, withdrawal.

The editing form shows the fields of the kind's form (resources/kinds.py) and the shared
metadata (RES-2) once each, with the rich-text editor on bodies and the library chooser beside
references (backoffice/chooser.py). It only parses what the browser sent; the actions validate for real
(`clean_revision_data`), and their errors are put back on the fields they name, so the editor's
input is always kept (TPL-11).
"""

import copy

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.utils.translation import gettext_lazy as _

from backoffice.chooser import ChooserInput
from backoffice.subject_choice import subject_field
from columns.models import Column
from resources import files
from resources.fields import ResourceRefField, ResourceRefsField
from resources.kinds import KIND_FORMS, MetadataForm
from resources.kinds_registry import FILE_KINDS
from resources.models import Asset
from resources.widgets import AdminRichTextWidget, RichTextField

METADATA_NAMES = tuple(MetadataForm.base_fields)
UPLOAD_FIELD = "upload"


def _admin_field(field: forms.Field) -> forms.Field:
    field = copy.deepcopy(field)
    if isinstance(field, RichTextField):
        field.widget = AdminRichTextWidget()
    elif isinstance(field, ResourceRefField):
        field.widget = ChooserInput(field.kinds, multiple=isinstance(field, ResourceRefsField))
    elif isinstance(field.widget, forms.TextInput):
        field.widget.attrs.setdefault("class", "vTextField")
    return field


class ResourceForm(forms.Form):
    """The editing form of one kind of resource (add and change pages)."""

    base_revision_id = forms.IntegerField(widget=forms.HiddenInput, required=False)
    seen_revision_id = forms.IntegerField(widget=forms.HiddenInput, required=False)
    asset_id = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, kind, site, user, resource=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.kind, self.site, self.user, self.resource = kind, site, user, resource
        kind_fields = KIND_FORMS[kind].base_fields
        self.content_names = list(kind_fields)
        for name in ("title", *kind_fields):
            self.fields[name] = _admin_field(kind_fields.get(name) or MetadataForm.base_fields[name])
        for field in self.fields.values():
            if isinstance(field.widget, ChooserInput):  # the chooser's cards name only what the user may use
                field.widget.user, field.widget.site = user, site
            if hasattr(field, "for_site"):  # choices of the site's own records (a guide's organisation)
                field.for_site(site)
        self.metadata_names = [name for name in METADATA_NAMES if name not in self.fields]
        for name in self.metadata_names:
            self.fields[name] = _admin_field(MetadataForm.base_fields[name])
        if "classification" in self.fields:  # DISC-2: chosen from the platform's subject list
            current = resource.classification if resource is not None else ""
            self.fields["classification"] = subject_field(self.fields["classification"], current)
        if resource is None:
            self.fields["column"] = forms.ModelChoiceField(
                label=_("column"),
                queryset=Column.objects.filter(site=site).order_by("tree_id", "lft"),
                required=False,
                help_text=_(
                    "The column it is written for: its review levels apply, and it appears there once published."
                ),
            )
            self.fields["column"].label_from_instance = lambda column: "— " * column.level + column.name
        if kind in FILE_KINDS:
            self.fields[UPLOAD_FIELD] = forms.FileField(
                label=_("file"),
                required=False,
                help_text=_("Accepted formats: %(types)s.") % {"types": files.allowed_types_label(kind)},
            )
        self.fields["note"] = forms.CharField(
            label=_("note on this version"),
            max_length=200,
            required=False,
            widget=forms.TextInput(attrs={"class": "vTextField"}),
            help_text=_("What changed, for the revision history (optional)."),
        )

    @property
    def media(self):
        # The library chooser of reference fields and the body editor's image button (issue 14 item 3).
        return super().media + forms.Media(js=["backoffice/editor.js"])  # its style sheet: change_form.html

    # -- layout --------------------------------------------------------------------------------

    def fieldsets(self):
        content = [self[name] for name in dict.fromkeys(("title", *self.content_names)) if name in self.fields]
        seen = {"title", *self.content_names}
        metadata = [self[name] for name in self.metadata_names if name not in seen]
        other = [self[name] for name in ("column", UPLOAD_FIELD, "note") if name in self.fields]
        return [(_("Content"), content), (_("Metadata"), metadata), (_("Column, file and note"), other)]

    # -- values for the actions ---------------------------------------------------------------

    def values(self) -> dict:
        """`title`, `metadata` and `data` as the actions take them, from the cleaned form."""
        cleaned = self.cleaned_data
        data = {name: cleaned.get(name) for name in self.content_names if name in cleaned}
        for name, value in data.items():
            if hasattr(value, "isoformat"):
                data[name] = value.isoformat()
        metadata = {name: cleaned.get(name) or "" for name in METADATA_NAMES if name in cleaned}
        return {"title": cleaned["title"], "metadata": metadata, "data": data}

    def kept_asset(self) -> Asset | None:
        """A file this user uploaded with an earlier attempt of this form (kept, TPL-11)."""
        asset_id = self.cleaned_data.get("asset_id")
        if not asset_id:
            return None
        return Asset.objects.filter(pk=asset_id, uploaded_by=self.user).first()

    def remember_asset(self, asset: Asset) -> None:
        self._set_hidden("asset_id", asset.pk)
        self.uploaded_asset = asset

    def remember_conflict(self, revision_id: int) -> None:
        self._set_hidden("seen_revision_id", revision_id)

    def _set_hidden(self, name, value):
        if self.is_bound:
            self.data = self.data.copy()
            self.data[self.add_prefix(name)] = str(value)

    # -- errors of the actions ----------------------------------------------------------------

    def add_action_errors(self, error: ValidationError) -> None:
        """Put the errors of an action on the fields they name; the rest above the form."""
        if not hasattr(error, "error_dict"):
            self.add_error(None, error)
            return
        for name, errors in error.error_dict.items():
            target = UPLOAD_FIELD if name == "asset" and UPLOAD_FIELD in self.fields else name
            if target != NON_FIELD_ERRORS and target in self.fields:
                for item in errors:
                    if target not in self.errors or item.messages[0] not in self.errors[target]:
                        self.add_error(target, item)
            else:
                self.add_error(None, errors)


def initial_from_revision(revision) -> dict:
    """The form's initial values: the revision's metadata, then its content."""
    if revision is None:
        return {}
    initial = {name: value for name, value in (revision.metadata or {}).items() if name in METADATA_NAMES}
    initial.update(revision.data or {})
    initial["title"] = revision.title
    initial["base_revision_id"] = revision.pk
    return initial


class KindChoiceForm(forms.Form):
    site = forms.ModelChoiceField(label=_("site"), queryset=None, empty_label=None)

    def __init__(self, *args, sites, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["site"].queryset = sites


class ScheduleForm(forms.Form):
    """Publishing and unpublishing times (PUB-5); empty clears a time."""

    publish_at = forms.DateTimeField(
        label=_("publish at"),
        required=False,
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        help_text=_("Approved content goes online at this time. Empty: as soon as it is approved."),
    )
    unpublish_at = forms.DateTimeField(
        label=_("unpublish at"),
        required=False,
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        help_text=_("Published content is taken offline at this time. Empty: it stays online."),
    )


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("reason"), widget=forms.Textarea(attrs={"rows": 3, "cols": 60}), required=False, max_length=2000
    )


class RequiredReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("reason"),
        widget=forms.Textarea(attrs={"rows": 3, "cols": 60}),
        max_length=2000,
        error_messages={"required": _("Give the reason: the editors need it.")},
    )
