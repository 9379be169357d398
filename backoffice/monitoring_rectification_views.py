"""Rectification orders in the back office (整改督办单, OPS-5): the list (a platform administrator
sees and issues every order; a site's administrators and reviewers see their sites'), the page of
an order with the forms whose actions would accept (answer: the site's administrators while it is
open; close or send back: platform administrators once it is answered), and the work page's panel
of orders not closed, the earliest deadline first, overdue ones flagged.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from backoffice.scoping import show_refusal
from backoffice.work import url, when
from monitoring import rectification
from monitoring.checks import monitored_sites
from monitoring.models import RectificationOrder, RectificationStatus
from monitoring.report_policies import RECTIFICATION_ORDERS
from sites.models import Site
from sites.permissions import is_platform_admin


def urls(admin_site) -> list:
    def view(function):
        return admin_site.admin_view(lambda request, **kwargs: function(request, admin_site, **kwargs))

    return [
        path("monitoring/rectification/", view(order_list), name="monitoring_rectification"),
        path("monitoring/rectification/<int:pk>/", view(order_page), name="monitoring_rectification_order"),
    ]


class IssueForm(forms.Form):
    site = forms.ModelChoiceField(label=gettext_lazy("site"), queryset=Site.objects.none())
    problem = forms.CharField(label=gettext_lazy("problem found"), widget=forms.Textarea(attrs={"rows": 4}),
                              max_length=2000)  # fmt: skip
    # The line of the daily check the order comes from (the dashboard links here with ?site=&line=).
    line = forms.CharField(required=False, max_length=60, widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["site"].queryset = monitored_sites().order_by("name")


class TextForm(forms.Form):
    text = forms.CharField(widget=forms.Textarea(attrs={"rows": 4}), max_length=4000, required=False)


def _context(request, admin_site, title, **extra) -> dict:
    request.current_app = admin_site.name
    return {**admin_site.each_context(request), "title": title, **extra}


def _row(order: RectificationOrder, now) -> dict:
    return {
        "order": order,
        "overdue": rectification.is_overdue(order, now),
        "late": rectification.answered_late(order),
        "due": when(order.due_at),
        "issued": when(order.issued_at),
    }


def _initial(query) -> dict:
    """The site, and the problem in words from the site's latest result of the line, when named."""
    if not query.get("site", "").isdigit():
        return {}
    initial = {"site": int(query["site"])}
    result = rectification.latest_result(initial["site"], query.get("line", ""))
    if result is not None:
        initial.update(line=result.line_key, problem=rectification.problem_text(result))
    return initial


def order_list(request, admin_site):
    user = request.user
    if not RECTIFICATION_ORDERS.user_can(user, "view"):
        raise PermissionDenied
    form = None
    if is_platform_admin(user):
        form = IssueForm(request.POST or None, initial=_initial(request.GET))
        if request.method == "POST" and form.is_valid():
            site, line = form.cleaned_data["site"], form.cleaned_data["line"]
            result = rectification.latest_result(site, line) if line else None
            try:
                order = rectification.issue_order(
                    site, problem=form.cleaned_data["problem"], acting_user=user, run=result.run if result else None,
                    line_key=result.line_key if result else "", line_label=result.label if result else "",
                )  # fmt: skip
            except (ValidationError, PermissionDenied) as error:
                show_refusal(form, error)
            else:
                messages.success(request, _("Order %(number)s issued; it is due by %(due)s.")
                                 % {"number": order.number, "due": when(order.due_at)})  # fmt: skip
                return redirect(url("monitoring_rectification_order", order.pk))
    elif request.method == "POST":
        raise PermissionDenied
    orders = RECTIFICATION_ORDERS.filter(RectificationOrder.objects.select_related("site"), user)
    status = request.GET.get("status", "")
    if status in RectificationStatus.values:
        orders = orders.filter(status=status)
    now = timezone.now()
    rows = [_row(order, now) for order in orders.order_by("status", "due_at", "-id")[:200]]
    return TemplateResponse(request, "admin/monitoring/reports/rectification_list.html", _context(
        request, admin_site, _("Rectification orders"), rows=rows, form=form, statuses=RectificationStatus.choices,
        status=status,
    ))  # fmt: skip


def order_page(request, admin_site, pk: int):
    user = request.user
    order = get_object_or_404(RECTIFICATION_ORDERS.filter(RectificationOrder.objects.select_related("site"), user),
                              pk=pk)  # fmt: skip
    may_answer = order.status == RectificationStatus.OPEN and RECTIFICATION_ORDERS.user_can(user, "answer", order)
    may_decide = order.status == RectificationStatus.ANSWERED and RECTIFICATION_ORDERS.user_can(user, "close", order)
    form = TextForm(request.POST or None)
    if request.method == "POST":
        step = request.POST.get("step", "")
        allowed = {"answer": may_answer, "close": may_decide, "send_back": may_decide}
        if not allowed.get(step):
            raise PermissionDenied
        if form.is_valid():
            text = form.cleaned_data["text"]
            try:
                if step == "answer":
                    rectification.answer_order(order, answer=text, acting_user=user)
                elif step == "close":
                    rectification.close_order(order, note=text, acting_user=user)
                else:
                    rectification.send_back(order, reason=text, acting_user=user)
            except (ValidationError, PermissionDenied) as error:
                show_refusal(form, error)
            else:
                messages.success(request, _("The order was updated."))
                return redirect(url("monitoring_rectification_order", order.pk))
    return TemplateResponse(request, "admin/monitoring/reports/rectification_order.html", _context(
        request, admin_site, order.number, row=_row(order, timezone.now()), form=form,
        may_answer=may_answer, may_decide=may_decide,
    ))  # fmt: skip
