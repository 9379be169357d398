"""Reference values in the isolation walk (SEC-3, PUB-1): every back-office form that takes a
reference to another object, posted with site B's objects by staff of site A.

`reference_posts(client, a, b)` opens every back-office page filled with A's own objects (the
walk of tests/security/isolation_urls.py with the sites swapped, and the library's add page of
every kind), finds the forms the page shows (the template context), and their reference fields:
ModelChoiceField, ModelMultipleChoiceField, the library's ResourceRefField, and hidden id fields.
For each such field it gives the form as the browser would post it (read from the page's HTML),
once with each of B's objects of the field's model and once with an id that exists nowhere.
`normalised()` makes two answers comparable: CSRF tokens, CSP nonces and the two ids removed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from html.parser import HTMLParser

from django import forms
from django.contrib.admin.helpers import AdminForm, InlineAdminFormSet
from django.db.models import Max
from django.forms.formsets import BaseFormSet

from columns.models import Column
from editorial.models import ReviewFlag
from resources.fields import ResourceRefField
from resources.kinds import KIND_FORMS
from resources.models import Asset, Resource, ResourceStatus, Revision
from resources.widgets import RichTextField
from tests.security import isolation_urls

# Hidden id fields of the back office's forms and the model they name. A form with another id
# field fails the walk until it is added here.
ID_FIELDS = {"base_revision_id": Revision, "seen_revision_id": Revision, "asset_id": Asset, "revision_id": Revision}
# Users are platform-wide: a site administrator picks people of the whole platform by design
# (isolation_urls.PEOPLE_PICKERS); a user is no object of site B.
PLATFORM_WIDE_MODELS = {"accounts.user", "disclosure.subjectcategory"}  # and the subject list (DISC-2)
# Fields that offer other sites by design: a migration moves a site's content to any online site,
# chosen by its name (online sites and their names are public).
ANY_SITE_FIELDS = {"MigrationForm.target_site"}


@dataclass
class ReferencePost:
    url: str
    field: str  # the name in the post
    label: str  # the model of the field
    data: dict  # the form as the browser posts it
    theirs: list[int]  # B's objects of the model
    missing: int  # an id no object of the model has


# --- the forms of a page --------------------------------------------------------------------------


def page_forms(response) -> list[forms.BaseForm]:
    found = []
    contexts = response.context if isinstance(response.context, list) else [response.context or {}]
    for context in contexts:
        for scope in getattr(context, "dicts", [context]):
            for value in scope.values():
                if isinstance(value, AdminForm):
                    value = value.form
                if isinstance(value, InlineAdminFormSet):
                    value = value.formset
                if isinstance(value, BaseFormSet):
                    found += list(value.forms)
                elif isinstance(value, forms.BaseForm):
                    found.append(value)
    unique = []
    for form in found:
        if all(form is not seen for seen in unique):
            unique.append(form)
    return unique


def reference_model(name: str, field: forms.Field):
    """The model a form field refers to by id, or None for a field that is not a reference."""
    if isinstance(field, forms.ModelChoiceField | forms.ModelMultipleChoiceField):
        return field.queryset.model
    if isinstance(field, ResourceRefField):
        return Resource
    if isinstance(field, forms.IntegerField) and name.endswith("_id"):
        if name not in ID_FIELDS:
            raise AssertionError(f"the id field {name} is not in ID_FIELDS of tests/security/isolation_refs.py")
        return ID_FIELDS[name]
    return None


class FormReader(HTMLParser):
    """The POST forms of a page, as {field name: [values]} that a browser would send unchanged."""

    TEXT_TYPES = {"hidden", "text", "number", "email", "url", "date", "datetime-local", "search", "tel", "time", ""}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms: list[dict[str, list[str]]] = []
        self.current: dict | None = None
        self.select: tuple[str, bool, list, list] | None = None
        self.textarea: tuple[str, list] | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and (attrs.get("method") or "").lower() == "post":
            self.current = {}
            self.forms.append(self.current)
        if self.current is None:
            return
        name = attrs.get("name")
        if tag == "input" and name and "disabled" not in attrs:
            kind = (attrs.get("type") or "").lower()
            if kind in self.TEXT_TYPES:
                self.current.setdefault(name, []).append(attrs.get("value") or "")
            elif kind in ("checkbox", "radio") and "checked" in attrs:
                self.current.setdefault(name, []).append(attrs.get("value") or "on")
        elif tag == "select" and name and "disabled" not in attrs:
            self.select = (name, "multiple" in attrs, [], [])
        elif tag == "option" and self.select is not None:
            value = attrs.get("value") or ""
            self.select[3].append(value)
            if "selected" in attrs:
                self.select[2].append(value)
        elif tag == "textarea" and name and "disabled" not in attrs:
            self.textarea = (name, [])

    def handle_data(self, data):
        if self.textarea is not None:
            self.textarea[1].append(data)

    def handle_endtag(self, tag):
        if self.current is None:
            return
        if tag == "select" and self.select is not None:
            name, multiple, chosen, offered = self.select
            self.current[name] = chosen if chosen or multiple else offered[:1]
            self.select = None
        elif tag == "textarea" and self.textarea is not None:
            self.current[self.textarea[0]] = ["".join(self.textarea[1]).removeprefix("\n")]
            self.textarea = None
        elif tag == "form":
            self.current = None


def posted_form(html: str, field_name: str) -> dict | None:
    reader = FormReader()
    reader.feed(html)
    for form in reader.forms:
        if field_name in form:
            return {name: values if len(values) != 1 else values[0] for name, values in form.items()}
    return None


# Texts for the required fields an add page shows empty: the form is otherwise valid, so that the
# reference is what the answer is about (the library checks references only in a valid form).
FILLED = {"url": "https://www.example.gov.cn/", "phone": "0312-3021234", "slug": "yzlm", "email": "x@example.gov.cn"}


def fill_required(form: forms.BaseForm, data: dict) -> dict:
    for name, field in form.fields.items():
        key = form.add_prefix(name)
        if not field.required or field.disabled or data.get(key) not in (None, "", []):
            continue
        if isinstance(field, forms.ModelChoiceField):
            first = field.queryset.first()
            data[key] = str(first.pk) if first is not None else ""
        elif isinstance(field, RichTextField):
            data[key] = "<p>甲市样例正文。</p>"
        elif isinstance(field, forms.DateField):
            data[key] = "2024-03-01"
        elif isinstance(field, forms.CharField) and not isinstance(field, forms.FileField):
            data[key] = FILLED.get(name, "甲市样例")
    return data


# --- the pages and their reference fields ------------------------------------------------------


def form_pages(a, b) -> list[str]:
    """Every back-office page filled with A's objects (the walk with the sites swapped)."""
    urls = [target.url for target in isolation_urls.walk(b, a) if "?" not in target.url]
    add = isolation_urls._admin_url("resources_resource_add")
    urls += [f"{add}?site={a.site.pk}&kind={kind}" for kind in KIND_FORMS]
    return list(dict.fromkeys(urls))


def ids_of_b(b, model) -> list[int]:
    label = model._meta.label_lower
    if model is Revision:
        return sorted(Revision.objects.filter(resource__site=b.site).values_list("pk", flat=True))
    if model is Asset:
        return sorted(Asset.objects.filter(revisions__resource__site=b.site).distinct().values_list("pk", flat=True))
    if model is Resource:
        return [resource.pk for resource in b.resources]
    objects = b.objects.get(label)
    if objects is None:
        raise AssertionError(f"site B has no {label} for the reference walk (add one in isolation.populate())")
    return [obj.pk for obj in objects]


def reference_posts(client, a, b) -> list[ReferencePost]:
    posts = []
    for url in form_pages(a, b):
        response = client.get(url)
        if response.status_code != 200 or getattr(response, "streaming", False):
            continue
        html = response.content.decode()
        for form in page_forms(response):
            for name, field in form.fields.items():
                model = reference_model(name, field)
                if model is None or field.disabled or model._meta.label_lower in PLATFORM_WIDE_MODELS:
                    continue
                if f"{type(form).__name__}.{name}" in ANY_SITE_FIELDS:
                    continue
                html_name = form.add_prefix(name)
                data = posted_form(html, html_name)
                if data is None:
                    continue  # not shown on this page (a read-only page's form)
                data = fill_required(form, data)
                missing = (model._base_manager.aggregate(top=Max("pk"))["top"] or 0) + 987_654
                posts.append(ReferencePost(url, html_name, model._meta.label_lower, data, ids_of_b(b, model), missing))
    return posts


def raw_reference_posts(a, b) -> list[ReferencePost]:
    """Ids that views read from the post themselves, without a form: the column to use a resource
    in, the revision and the findings of a review, the base of a restore."""
    url = isolation_urls._admin_url
    in_review = next(r for r in a.resources if r.status == ResourceStatus.IN_REVIEW)
    online = next(r for r in a.resources if r.published_revision_id)
    edited = next(r for r in a.resources if r.revisions.count() > 1)
    old = edited.revisions.order_by("number").first()
    review = url("resources_resource_review", object_id=in_review.pk)
    approve = {"revision_id": str(in_review.submitted_revision_id), "_approve": "1"}
    restore = url("resources_resource_revision", object_id=edited.pk, revision_id=old.pk)
    rows = [
        (url("resources_resource_place", object_id=online.pk), {}, "column", Column),
        (review, approve, "revision_id", Revision),
        (review, approve, "flag", ReviewFlag),
        (restore, {"base_revision_id": str(edited.current_revision_id)}, "base_revision_id", Revision),
    ]
    posts = []
    for target, data, name, model in rows:
        theirs = (
            list(ReviewFlag.objects.filter(resource__site=b.site).values_list("pk", flat=True))
            if model is ReviewFlag
            else ids_of_b(b, model)
        )
        missing = (model._base_manager.aggregate(top=Max("pk"))["top"] or 0) + 987_654
        posts.append(ReferencePost(target, name, model._meta.label_lower, data, theirs, missing))
    return posts


def normalised(text: str, *numbers: int, saved: bool = False) -> str:
    """An answer without what differs between any two answers (tokens, nonces) and the ids posted.

    `saved`: the post was accepted and saved, so the answer shows a new object, whose id and time
    differ from save to save (sequences are not rolled back on PostgreSQL): every number goes.
    """
    text = re.sub(r'(name="csrfmiddlewaretoken" value=")[^"]*"', r"\1\"", text)
    text = re.sub(r'(nonce=")[^"]*"', r"\1\"", text)
    if saved:
        # Every number, the posted ids included: a new object's id may equal a posted id of another
        # table (ids of different tables collide), which must not tell two answers apart.
        return re.sub(r"[0-9]+", "#", text)
    for number in numbers:
        text = re.sub(rf"(?<![0-9]){number}(?![0-9])", "<ID>", text)
    return text
