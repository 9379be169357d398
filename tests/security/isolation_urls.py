"""The URLs of the back-office isolation walk (SEC-3, PUB-1).

`walk(a, b)` enumerates the back office's URL patterns from the resolver (the admin site, the
custom views of the ModelAdmins' get_urls, the uploads) and fills each with site B's objects
(tests/security/isolation.py), and nested IDs also with A's object and B's sub-object. It also
posts A's own objects back with their relations pointing at B's. A pattern it cannot fill raises
`UnknownPattern`, which tells the developer what to add here: a filler in OBJECT_FILLERS, or an
entry in PAGES for a pattern that takes no object.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.apps import apps
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from backoffice import lifecycle_steps as admin_steps
from backoffice import resource_workflow as admin_workflow
from backoffice.resource_forms import initial_from_revision
from backoffice.site import backoffice

# --- the URL patterns of the back office -------------------------------------------------------


@dataclass(frozen=True)
class Pattern:
    """One URL pattern: its name ("admin:sites_site_change"; the route when unnamed) and arguments."""

    key: str
    route: str
    arguments: tuple[str, ...]


def patterns() -> list[Pattern]:
    def walk(resolver, prefix="", namespace=""):
        for entry in resolver.url_patterns:
            if isinstance(entry, URLResolver):
                inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
                yield from walk(entry, prefix + str(entry.pattern), inner)
            elif isinstance(entry, URLPattern):
                route = prefix + str(entry.pattern)
                converters = getattr(entry.pattern, "converters", None) or {}
                regex_names = tuple(entry.pattern.regex.groupindex)
                arguments = tuple(converters) or regex_names
                key = f"{namespace}{entry.name}" if entry.name else route
                yield Pattern(key, route, arguments)

    return list(walk(get_resolver(settings.BACKOFFICE_URLCONF)))


class UnknownPattern(AssertionError):
    pass


# Patterns that take no object of a site. They are walked with query strings that name B's
# objects (filters, searches) and their pages must not show any of B's markers.
# A new pattern without an object argument belongs here, with a comment saying why.
PAGES = {
    "set_language": "the language switch (a cookie, no data)",
    "admin:index": "the dashboard: lists only the apps and recent actions of the user",
    "admin:login": "the login form",
    "admin:logout": "logging out (POST only)",
    "admin:login_verify": "the second step of logging in: the user's own second factor",
    "admin:login_enrol": "setting up the user's own authenticator app while logging in",
    "admin:security": "the user's own two-factor settings",
    "admin:lockouts": "login lockouts (accounts and addresses, no site data): platform administrators only",
    "admin:lockout_lift": "lifting a login lockout, named by account or address: platform administrators only",
    "admin:password_change": "the user's own password",
    "admin:password_change_done": "the user's own password",
    "admin:autocomplete": "related-object search: walked for every relation of every registered model",
    "admin:jsi18n": "the JavaScript catalogue of translations",
    "admin:app_list": "an app's list of models: walked for every app",
    "admin:resources_resource_review_queue": "the reviewer's queue: their sites' submissions only",
    "admin:auditlog_auditentry_export": "the audit log as CSV: platform administrators only",
    "admin:sites_site_lifecycle_work": "pending lifecycle work: platform administrators only",
    "admin:sites_site_apply": "applying for a new site under one of the user's portals",
    "admin:disclosure_catalogueentry_unnumbered": "disclosed items without a number: the user's sites' only; "
    "numbering posts a site the user administers",
    "admin:workdays_calendarday_bulk": "entering a year's holidays (a platform-wide table): platform administrators only",
    "admin:interaction_errorreport_enter": "entering a report from the national platform: the form's site "
    "choices are the sites the user handles (another site's id is refused as an unavailable choice)",
    "admin:disclosure_annual_report": "generating the annual report: the organisations of the sites the user "
    "administers only (the form's choices refuse any other)",
    "admin:monitoring_overview": "the monitoring overview: the sites the user administers (every site for "
    "platform administrators)",
    "admin:monitoring_spot_checks": "spot checks of every site (OPS-2): platform administrators only",
    "admin:monitoring_rectification": "rectification orders: the sites the user handles (platform administrators: "
    "all, and the form issuing one)",
    "admin:monitoring_annual_reports": "annual work reports: the sites the user administers or reviews; the form "
    "counting one offers only the sites the user administers",
    "admin:monitoring_reposts": "reposts within 12 hours (PUB-6): offers to the user's sites, important items of "
    "the user's portals and those portals' items to mark",
    "admin/(?P<url>.*)$": "the admin's catch-all (404, or a redirect adding a slash)",
    "": "the back office's root: a redirect to /admin/",
}
# Pages that list every active user of the platform by design, to pick people from (users are
# platform-wide; a site administrator grants roles to people of the whole platform). They may
# name B's staff, but nothing else of B.
PEOPLE_PICKERS = {"admin:sites_membership_add", "admin:columns_subunit_add"}
# The standard views of every registered ModelAdmin: changelist and add take no object.
MODEL_PAGES = ("changelist", "add")
MODEL_OBJECT_VIEWS = ("change", "history", "delete")


@dataclass
class Target:
    key: str  # the pattern
    url: str
    has_object: bool
    posts: list[dict] = field(default_factory=lambda: [{}])
    mine: bool = False  # A's own object, posted with relations that point at B's objects


def _model_admins():
    return {f"{m._meta.app_label}.{m._meta.model_name}": (m, admin) for m, admin in backoffice._registry.items()}


def _admin_url(name, **kwargs):
    return reverse(f"admin:{name}", kwargs=kwargs, urlconf=settings.BACKOFFICE_URLCONF)


def _value(value):
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, (dt.datetime, dt.date)):
        return value.isoformat()
    if isinstance(value, (list, tuple, set)):
        return [_value(v) for v in value]
    if value is None:
        return ""
    return value.name if hasattr(value, "name") and hasattr(value, "url") else value


def form_body(obj, *, change_texts=True) -> dict:
    """The fields of `obj` as a form would post them, with its texts changed (unless told not to):
    a save that worked would be seen in the snapshot."""
    data = {}
    for model_field in [*obj._meta.concrete_fields, *obj._meta.many_to_many]:
        if model_field.primary_key or isinstance(model_field, (models.FileField, models.JSONField)):
            continue
        value = model_field.value_from_object(obj)
        if isinstance(value, bool):
            if value:
                data[model_field.name] = "on"
            continue
        if isinstance(model_field, models.ForeignKey):
            data[model_field.name] = value if value is not None else ""
            continue
        data[model_field.name] = _value(value)
        if (change_texts and isinstance(model_field, (models.CharField, models.TextField)) and value
                and not model_field.choices):  # fmt: skip
            # Changed, and without B's markers: a form shown again with the input shows no leak.
            data[model_field.name] = "被篡改" if "email" not in model_field.name else "x@example.gov.cn"
    for prefix in ("domains", "memberships"):
        data |= {f"{prefix}-TOTAL_FORMS": "0", f"{prefix}-INITIAL_FORMS": "0"}
    return data


# What a confirmation, a review or a restore posts: every button at once.
ANSWERS = {
    "post": "yes", "confirm": "yes", "reason": "越权操作", "note": "越权操作", "_approve": "1",
    "publish_at": "2030-01-01 08:00", "unpublish_at": "", "passed": "on", "id_code": "1399009999",
}  # fmt: skip


def _object_posts(obj) -> list[dict]:
    return [{**ANSWERS, **form_body(obj)}]


def _changelist_posts(model_admin, objects) -> list[dict]:
    """One post per admin action of the model, with B's objects selected (and all selected)."""
    names = {"delete_selected", *(a if isinstance(a, str) else a.__name__ for a in (model_admin.actions or ()))}
    pks = [obj.pk for obj in objects]
    posts = [{"action": name, "_selected_action": pks, **ANSWERS} for name in sorted(names)]
    posts += [{"action": name, "select_across": "1", "_selected_action": pks[:1], **ANSWERS} for name in sorted(names)]
    if model_admin.model._meta.label == "columns.Column":
        posts.append({"cmd": "move_node", "cut_item": pks[-1], "pasted_on": pks[0], "position": "last-child"})
    return posts


def page_queries(b) -> list[str]:
    """Query strings that ask a list for B's objects: its filters (the library's own, the admin's
    related-field filters) and a search."""
    site, column, editor = b.site.pk, b.columns[0].pk, b.users["editor"].pk
    return ["", "?q=乙", f"?site={site}", f"?site__id__exact={site}", f"?site={site}&column={column}&creator={editor}"]


def _autocomplete_queries(model_admins) -> list[str]:
    queries = []
    for model, _admin in sorted(model_admins.values(), key=lambda pair: pair[0]._meta.label):
        for relation in model._meta.get_fields():
            if relation.is_relation and not relation.auto_created and relation.related_model in backoffice._registry:
                # No term: every object the search would offer.
                queries.append(
                    f"?app_label={model._meta.app_label}&model_name={model._meta.model_name}"
                    f"&field_name={relation.name}&term="
                )
    return queries


def walk(a, b) -> list[Target]:
    """Every back-office URL pattern, filled with B's objects (and A's object with B's sub-objects)."""
    model_admins = _model_admins()
    targets: list[Target] = []
    unknown = []
    generic = {}
    for label, (model, _model_admin) in model_admins.items():
        info = f"{model._meta.app_label}_{model._meta.model_name}"
        generic |= {f"admin:{info}_{view}": (label, view) for view in (*MODEL_PAGES, *MODEL_OBJECT_VIEWS)}
        generic[f"admin/{model._meta.app_label}/{model._meta.model_name}/<path:object_id>/"] = (label, "redirect")

    for pattern in patterns():
        key = pattern.key
        if key in generic:
            label, view = generic[key]
            model, model_admin = model_admins[label]
            objects = b.objects.get(label)
            if not objects:
                unknown.append(f"{key}: site B has no {label} (add one in tests/security/isolation.py populate())")
                continue
            info = f"{model._meta.app_label}_{model._meta.model_name}"
            if view == "changelist":
                posts = _changelist_posts(model_admin, objects)
                targets += [Target(key, _admin_url(f"{info}_changelist") + q, False, posts if not q else [])
                            for q in page_queries(b)]  # fmt: skip
            elif view == "add":
                posts = [{**ANSWERS, **form_body(obj)} for obj in objects[:1]]
                # The library's add page takes the site and the kind from the query string.
                queries = ["", f"?site={b.site.pk}&kind=article"] if label == "resources.resource" else [""]
                targets += [Target(key, _admin_url(f"{info}_add") + query, False, posts) for query in queries]
            elif view == "redirect":
                targets += [Target(key, f"/admin/{model._meta.app_label}/{model._meta.model_name}/{obj.pk}/", True)
                            for obj in objects]  # fmt: skip
            else:
                targets += [Target(key, _admin_url(f"{info}_{view}", object_id=obj.pk), True, _object_posts(obj))
                            for obj in objects]  # fmt: skip
        elif key in OBJECT_FILLERS:
            targets += [Target(key, url, True, posts) for url, posts in OBJECT_FILLERS[key](a, b)]
        elif key in PAGES:
            targets += [Target(key, url, False, posts) for url, posts in _page_urls(key, a, b, model_admins)]
        else:
            unknown.append(
                f"{key} ({pattern.route}, arguments {pattern.arguments}): the isolation walk cannot fill it. "
                "Add it to OBJECT_FILLERS in tests/security/isolation_urls.py (with objects of site B), or to PAGES "
                "when it takes no object."
            )
    if unknown:
        raise UnknownPattern("\n".join(unknown))
    return targets + _pointing_at_b(a, b, model_admins)


def _pointing_at_b(a, b, model_admins) -> list[Target]:
    """A's own objects posted back with their relations pointing at B's: B as the site, a column
    of B as the parent or the column, B's resource … and A's resources placed in B's columns."""
    targets = []
    for label, objects in a.objects.items():
        model, _admin = model_admins[label]
        # Valid but for the relations: only pointing at B can make the save fail.
        data, pointed = form_body(objects[0], change_texts=False), False
        if label == "resources.resource":
            data |= {k: _value(v) for k, v in initial_from_revision(objects[0].current_revision).items()}
        for relation in [*model._meta.concrete_fields, *model._meta.many_to_many]:
            related = relation.related_model._meta.label_lower if relation.is_relation else None
            if related in b.objects:
                theirs = b.objects[related][0].pk
                data[relation.name], pointed = ([theirs] if relation.many_to_many else theirs), True
        if pointed:
            info = f"{model._meta.app_label}_{model._meta.model_name}"
            url = _admin_url(f"{info}_change", object_id=objects[0].pk)
            targets.append(Target(f"admin:{info}_change", url, True, [{**ANSWERS, **data}], mine=True))
    for resource in a.resources:
        url = _admin_url("resources_resource_place", object_id=resource.pk)
        targets.append(Target("admin:resources_resource_place", url, True, [{"column": c.pk} for c in b.columns],
                              mine=True))  # fmt: skip
    return targets


def _page_urls(key, a, b, model_admins):
    if key == "admin:autocomplete":
        return [(_admin_url("autocomplete") + query, []) for query in _autocomplete_queries(model_admins)]
    if key == "admin:app_list":
        labels = sorted({model._meta.app_label for model in backoffice._registry})
        return [(_admin_url("app_list", app_label=label), []) for label in labels]
    if key == "admin/(?P<url>.*)$":
        return [(f"/admin/sites/site/{b.site.pk}/change", []), ("/admin/no-such-page/", [])]
    if key == "":
        return [("/", [])]
    if key == "set_language":
        return [(reverse("set_language", urlconf=settings.BACKOFFICE_URLCONF), [{"language": "en", "next": "/"}])]
    if key in ("admin:login", "admin:logout"):
        return [(_admin_url(key.removeprefix("admin:")), [])]  # posting would sign the walker out
    name = key.removeprefix("admin:")
    lists = ("resources_resource_review_queue", "auditlog_auditentry_export", "sites_site_lifecycle_work")
    queries = page_queries(b) if name in lists else [""]
    posts = [
        {**ANSWERS, "parent": b.site.pk, "name": "越权新站", "primary_domain": "www.yqx.gov.cn", "kind": "department"}
    ]
    return [(_admin_url(name) + query, posts if not query else []) for query in queries]


# --- custom views of the ModelAdmins: how to fill their arguments ------------------------------


def _review(a, b):
    posts = []
    for resource in b.resources:
        revision = resource.submitted_revision_id or resource.current_revision_id
        flags = list(resource.flags.values_list("pk", flat=True))
        approve = {**ANSWERS, "revision_id": revision, "flag": flags}
        give_back = {key: value for key, value in approve.items() if key != "_approve"} | {"_return": "1"}
        posts.append((_admin_url("resources_resource_review", object_id=resource.pk), [approve, give_back]))
    return posts


def _workflow(a, b):
    return [
        (_admin_url("resources_resource_workflow", object_id=r.pk, step=step), [ANSWERS])
        for r in b.resources
        for step in admin_workflow.STEPS
    ]


def _revisions(a, b):
    urls = []
    for resource in b.resources:
        for revision in resource.revisions.all():
            body = {"base_revision_id": resource.current_revision_id}
            urls.append((_admin_url("resources_resource_revision", object_id=resource.pk, revision_id=revision.pk),
                         [body]))  # fmt: skip
    # A's own resource with B's revision: the revision must belong to the resource.
    mine = a.resources[0]
    theirs = b.resources[0].revisions.first()
    urls.append((_admin_url("resources_resource_revision", object_id=mine.pk, revision_id=theirs.pk),
                 [{"base_revision_id": mine.current_revision_id}]))  # fmt: skip
    return urls


def _place(a, b):
    columns = [*a.columns, *b.columns]
    return [(_admin_url("resources_resource_place", object_id=r.pk), [{"column": c.pk} for c in columns])
            for r in b.resources]  # fmt: skip


def _lifecycle(a, b):
    return [(_admin_url("sites_site_lifecycle", object_id=b.site.pk, step=step), [ANSWERS])
            for step in [*admin_steps.STEPS, "no-such-step"]]  # fmt: skip


def _decisions(a, b):
    urls = []
    for site in (b.site, a.site):  # B's site, and A's own site with B's application
        for application in b.applications:
            for decision in admin_steps.DECISIONS:
                url = _admin_url("sites_site_decision", object_id=site.pk, application_id=application.pk,
                                 decision=decision)  # fmt: skip
                urls.append((url, [ANSWERS]))
    return urls


def _cancellations(a, b):
    return [(_admin_url("sites_site_cancellation", object_id=site.pk, item_id=item.pk), [ANSWERS])
            for site in (b.site, a.site) for item in b.cancellations]  # fmt: skip


def _timeline(a, b):
    return [(_admin_url("sites_site_timeline", object_id=b.site.pk), [{}])]


def _password(a, b):
    body = {"password1": "Yi-Takeover-2026!", "password2": "Yi-Takeover-2026!"}
    return [(_admin_url("auth_user_password_change", id=user.pk), [body]) for user in b.users.values()]


def _reset_second_factor(a, b):
    return [(_admin_url("accounts_user_reset_second_factor", user_id=user.pk), [{}]) for user in b.users.values()]


def _view_on_site(a, b):
    urls = []
    for label, objects in b.objects.items():
        content_type = ContentType.objects.get_for_model(apps.get_model(label))
        urls.append((_admin_url("view_on_site", content_type_id=content_type.pk, object_id=objects[0].pk), []))
    return urls


def _disclosure_steps(a, b):
    from backoffice.disclosure_requests_admin import STEPS as request_steps

    request = b.objects["disclosure.informationrequest"][0]
    return [(_admin_url("disclosure_request_step", object_id=request.pk, step_name=step), [ANSWERS])
            for step in [*request_steps, "no-such-step"]]  # fmt: skip


def _disclosure_reveal(a, b):
    request = b.objects["disclosure.informationrequest"][0]
    return [(_admin_url("disclosure_request_reveal", object_id=request.pk), [{}])]


def _disclosure_files(a, b):
    request = b.objects["disclosure.informationrequest"][0]
    return [(_admin_url("disclosure_request_file", object_id=request.pk, file_id=item.pk), [])
            for item in request.attachments.all()]  # fmt: skip


def _letter_steps(a, b):
    from backoffice.interaction_letters_admin import STEPS as letter_steps

    letter = b.objects["interaction.letter"][0]
    return [(_admin_url("interaction_letter_step", object_id=letter.pk, step_name=step), [ANSWERS])
            for step in [*letter_steps, "no-such-step"]]  # fmt: skip


def _letter_files(a, b):
    letter = b.objects["interaction.letter"][0]
    return [(_admin_url("interaction_letter_file", object_id=letter.pk, file_id=item.pk), [])
            for item in letter.attachments.all()]  # fmt: skip


def _letter_reveal(a, b):
    letter = b.objects["interaction.letter"][0]
    return [(_admin_url("interaction_letter_reveal", object_id=letter.pk), [{}])]


def _error_report_steps(a, b):
    from backoffice.interaction_error_reports_admin import STEPS as report_steps

    report = b.objects["interaction.errorreport"][0]
    answers = {**ANSWERS, "to": "越权部门", "text": "越权答复"}
    return [(_admin_url("interaction_errorreport_step", object_id=report.pk, step_name=step), [answers])
            for step in [*report_steps, "no-such-step"]]  # fmt: skip


def _media(a, b):
    return [(f"{settings.MEDIA_URL.rstrip('/')}/{name}", []) for name in b.files]


def _chooser(a, b):
    """The library chooser for a form of B, for reference fields and for body images; uploads into B."""
    upload = {"kind": "image", "title": "越权上传", "alt": "越权"}
    return [
        (_admin_url("chooser") + f"?site={b.site.pk}&kinds=image,attachment,video", [upload]),
        (_admin_url("chooser") + f"?site={b.site.pk}&kinds=article&in_site={b.site.pk}", []),
        (_admin_url("chooser") + f"?site={b.site.pk}&target=body", [upload]),
    ]


def _previews(name):
    def fill(a, b):
        return [(_admin_url(name, pk=resource.pk), []) for resource in b.resources]

    return fill


def _preview_static(a, b):
    url = "admin:preview_static"
    return [
        (reverse(url, args=[b.site.pk, file], urlconf=settings.BACKOFFICE_URLCONF), [])
        for file in ("site.css", "theme.css")
    ]


def _monitoring(name, posts=()):
    """A site's monitoring page (the dashboard, the button, the monthly report, the ledger) of B."""

    def fill(a, b):
        return [(_admin_url(name, site_id=b.site.pk), list(posts))]

    return fill


def _supervision(name, attribute, steps):
    """B's rectification order or annual work report (OPS-5, OPS-3), with every step posted."""

    def fill(a, b):
        obj = getattr(b, attribute)
        return [(_admin_url(name, pk=obj.pk), [{**ANSWERS, "step": step, "text": "越权操作"} for step in steps])]

    return fill


def _platform_report(name):
    """A spot check naming B (OPS-2) and a supervision annual report (OPS-7): platform administrators only."""

    def fill(a, b):
        from monitoring.models import SpotCheck, SpotCheckEntry, SupervisionReport

        if name == "monitoring_spot_check":
            obj, _created = SpotCheck.objects.get_or_create(
                year=2000, quarter=1, defaults={"drawn_on": dt.date(2000, 1, 5), "drawn_at": b.site.created_at,
                                                "seed": "0", "population": [b.site.pk]},
            )  # fmt: skip
            SpotCheckEntry.objects.get_or_create(spot_check=obj, site=b.site, defaults={"site_name": b.site.name})
        else:
            obj, _created = SupervisionReport.objects.get_or_create(
                year=2000, defaults={"generated_at": b.site.created_at, "generated_by": b.users["admin"]}
            )
        return [(_admin_url(name, pk=obj.pk), [{**ANSWERS, "summary": "越权操作"}])]

    return fill


def _repost_offer(a, b):
    """B's published item marked important and offered to B (PUB-6): answered into A's and B's columns, declined."""
    from monitoring.models import REPOST_DEADLINE, ImportantItem, Relation, RepostOffer

    item, _created = ImportantItem.objects.get_or_create(resource=b.resources[2], defaults={"portal": b.site})
    now = b.site.created_at
    offer, _created = RepostOffer.objects.get_or_create(item=item, site=b.site, defaults={
        "relation": Relation.LOWER, "offered_at": now, "deadline": now + REPOST_DEADLINE})  # fmt: skip
    posts = [{"column": column.pk, "accept": "1"} for column in [*a.columns, *b.columns]]
    return [(_admin_url("monitoring_repost_offer", pk=offer.pk), [*posts, {"reason": "越权操作", "decline": "1"}])]


def _repost_mark(a, b):
    """Marking B's published item important, offered to A's and B's sites (PUB-6)."""
    return [(_admin_url("monitoring_repost_mark", resource_id=r.pk), [{"targets": [a.site.pk, b.site.pk]}])
            for r in b.resources]  # fmt: skip


# Patterns with arguments besides a registered model's object_id, and how to fill them.
OBJECT_FILLERS = {
    "admin:chooser": _chooser,
    "admin:resource_preview": _previews("resource_preview"),
    "admin:resource_preview_page": _previews("resource_preview_page"),
    "admin:preview_static": _preview_static,
    "admin:resources_resource_review": _review,
    "admin:resources_resource_workflow": _workflow,
    "admin:resources_resource_revision": _revisions,
    "admin:resources_resource_place": _place,
    "admin:sites_site_lifecycle": _lifecycle,
    "admin:sites_site_decision": _decisions,
    "admin:sites_site_cancellation": _cancellations,
    "admin:sites_site_timeline": _timeline,
    "admin:auth_user_password_change": _password,
    "admin:accounts_user_reset_second_factor": _reset_second_factor,
    "admin:view_on_site": _view_on_site,
    "admin:disclosure_request_step": _disclosure_steps,
    "admin:disclosure_request_reveal": _disclosure_reveal,
    "admin:disclosure_request_file": _disclosure_files,
    "admin:interaction_errorreport_step": _error_report_steps,
    "admin:interaction_letter_step": _letter_steps,
    "admin:interaction_letter_reveal": _letter_reveal,
    "admin:interaction_letter_file": _letter_files,
    "media": _media,
    "admin:monitoring_site": _monitoring("monitoring_site"),
    "admin:monitoring_run": _monitoring("monitoring_run", [{}]),
    "admin:monitoring_monthly": _monitoring("monitoring_monthly"),
    "admin:monitoring_ledger": _monitoring("monitoring_ledger"),
    "admin:monitoring_rectification_order": _supervision("monitoring_rectification_order", "rectification_order",
                                                         ("answer", "close", "send_back")),
    "admin:monitoring_annual_report": _supervision("monitoring_annual_report", "work_report",
                                                   ("save", "submit", "approve", "return")),
    "admin:monitoring_spot_check": _platform_report("monitoring_spot_check"),
    "admin:monitoring_supervision_report": _platform_report("monitoring_supervision_report"),
    "admin:monitoring_repost_offer": _repost_offer,
    "admin:monitoring_repost_mark": _repost_mark,
}
