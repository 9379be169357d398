"""Reposts within 12 hours in the back office (PUB-6): the page of offers to the user's sites and of
the important items of the user's portals; answering an offer (into a column of the site, or
declined with a reason); marking a portal's published item important.

Each page calls the action in monitoring/reposts.py, which checks the user's role; the pages offer
only what the action would accept (the offers' and items' policies).
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from backoffice.scoping import show_refusal
from backoffice.work import url, when
from backoffice.work_monitoring import time_left
from columns.models import Column
from columns.permissions import editor_column_ids
from editorial import queries
from monitoring import reposts
from monitoring.models import ImportantItem, RepostOffer
from monitoring.models.reposts import OPEN_STATUSES, Relation
from resources.models import Resource
from sites.models import SiteKind
from sites.permissions import site_ids_for

RECENT_ITEMS = 20  # the portal's latest published items offered for marking


def _render(request, admin_site, template, title, **context):
    request.current_app = admin_site.name
    return TemplateResponse(request, f"admin/monitoring/reposts/{template}", {
        **admin_site.each_context(request), "title": title, **context})  # fmt: skip


def _offer_rows(offers, now):
    return [
        {"offer": offer, "time_left": time_left(offer.deadline, now), "deadline": when(offer.deadline),
         "open": offer.status in OPEN_STATUSES, "late": offer.is_late(now)}
        for offer in offers
    ]  # fmt: skip


@require_http_methods(["GET"])
def reposts_page(request, admin_site):
    user, now = request.user, timezone.now()
    offers = reposts.REPOST_OFFERS.filter(
        RepostOffer.objects.select_related("item__resource", "item__portal", "site", "placement__column"), user
    ).order_by("-deadline", "id")[:100]
    portal_ids = reposts.IMPORTANT_ITEMS.filter(ImportantItem.objects.all(), user).values("portal_id")
    items = (
        ImportantItem.objects.filter(portal_id__in=portal_ids)
        .select_related("resource", "portal")
        .prefetch_related("offers__site")
        .order_by("-marked_at")[:50]
    )
    markable = sorted(site_ids_for(user, *reposts.MARKING_ROLES))
    candidates = (
        queries.online_resources(Resource.objects.filter(site_id__in=markable, site__kind=SiteKind.PORTAL))
        .filter(important_mark__isnull=True)
        .select_related("site")
        .order_by("-published_at", "-id")[:RECENT_ITEMS]
        if markable
        else []
    )
    return _render(request, admin_site, "list.html", _("Reposts within 12 hours"),
                   offers=_offer_rows(offers, now), items=items, candidates=candidates)  # fmt: skip


class AcceptForm(forms.Form):
    column = forms.ModelChoiceField(
        label=gettext_lazy("column"),
        queryset=Column.objects.none(),
        error_messages={"required": gettext_lazy("Choose the column the item goes into.")},
    )

    def __init__(self, *args, offer, user, **kwargs):
        super().__init__(*args, **kwargs)
        columns = Column.objects.filter(site_id=offer.site_id, archived_at__isnull=True).order_by("tree_id", "lft")
        allowed = editor_column_ids(user, offer.site_id)  # a sub-unit's editor: its columns only (SITE-10)
        if allowed is not None:
            columns = columns.filter(pk__in=allowed)
        self.fields["column"].queryset = columns


class DeclineForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("reason for declining"),
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": gettext_lazy("Say why the item is not reposted.")},
    )


def _offer(request, pk) -> RepostOffer:
    offer = get_object_or_404(
        RepostOffer.objects.select_related("item__resource", "item__portal", "site", "placement__column"), pk=pk
    )
    if not reposts.REPOST_OFFERS.user_can(request.user, "view", offer):
        raise Http404  # another site's offer is not shown
    return offer


@require_http_methods(["GET", "POST"])
def offer_page(request, admin_site, pk):
    offer = _offer(request, pk)
    now = timezone.now()
    may_answer = offer.status in OPEN_STATUSES and reposts.can_answer(request.user, offer)
    accept_form = AcceptForm(offer=offer, user=request.user)
    decline_form = DeclineForm()
    if request.method == "POST":
        if not may_answer:
            raise PermissionDenied
        try:
            if "decline" in request.POST:
                decline_form = DeclineForm(request.POST)
                if decline_form.is_valid():
                    reposts.decline_offer(offer, reason=decline_form.cleaned_data["reason"], acting_user=request.user)
                    messages.success(request, _("The offer was declined."))
                    return redirect(url("monitoring_reposts"))
            else:
                accept_form = AcceptForm(request.POST, offer=offer, user=request.user)
                if accept_form.is_valid():
                    reposts.accept_offer(offer, accept_form.cleaned_data["column"], acting_user=request.user)
                    messages.success(request, _("The item was placed in the column; the site's reviewer accepts the repost."))
                    return redirect(url("monitoring_reposts"))
        except (ValidationError, PermissionDenied) as error:
            show_refusal(decline_form if "decline" in request.POST else accept_form, error)
    return _render(request, admin_site, "offer.html", offer.item.resource.title, offer=offer,
                   row=_offer_rows([offer], now)[0], may_answer=may_answer,
                   accept_form=accept_form, decline_form=decline_form)  # fmt: skip


class MarkForm(forms.Form):
    targets = forms.TypedMultipleChoiceField(
        label=gettext_lazy("offered to"),
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": gettext_lazy("Choose at least one site to offer the item to.")},
    )
    note = forms.CharField(label=gettext_lazy("note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, portal, **kwargs):
        super().__init__(*args, **kwargs)
        from sites.models import Site

        eligible = reposts.eligible_targets(portal)
        names = dict(Site.objects.filter(pk__in=eligible).values_list("pk", "name"))
        self.fields["targets"].choices = [
            (pk, f"{names[pk]}（{Relation(relation).label}）") for pk, relation in eligible.items()
        ]
        self.fields["targets"].initial = reposts.default_targets(portal)


@require_http_methods(["GET", "POST"])
def mark_page(request, admin_site, resource_id):
    resource = get_object_or_404(Resource.objects.select_related("site"), pk=resource_id)
    if not reposts.can_mark(request.user, resource):
        raise PermissionDenied
    form = MarkForm(request.POST or None, portal=resource.site)
    if request.method == "POST" and form.is_valid():
        try:
            item = reposts.mark_important(resource, acting_user=request.user, target_ids=form.cleaned_data["targets"],
                                          note=form.cleaned_data["note"])  # fmt: skip
        except (ValidationError, PermissionDenied) as error:
            show_refusal(form, error)
        else:
            messages.success(request, _("Offered to %(count)d sites, to be reposted within 12 hours.")
                             % {"count": item.offers.count()})  # fmt: skip
            return redirect(url("monitoring_reposts"))
    return _render(request, admin_site, "mark.html", _("Mark as important"), resource=resource, form=form)


def urls(admin_site) -> list:
    """The pages' URL patterns, added to the back office's (backoffice/site.py)."""

    def view(function):
        return admin_site.admin_view(lambda request, **kwargs: function(request, admin_site, **kwargs))

    return [
        path("monitoring/reposts/", view(reposts_page), name="monitoring_reposts"),
        path("monitoring/reposts/<int:pk>/", view(offer_page), name="monitoring_repost_offer"),
        path("monitoring/reposts/mark/<int:resource_id>/", view(mark_page), name="monitoring_repost_mark"),
    ]
