"""Applications for disclosure in the back office (DISC-3): the list, the page of one
application with its steps, and one page per step (a form with its confirmation).

Each button is shown only when its action would accept it: the policy says who may act
(disclosure/policies.py) and `available` says whether the application is in a state for it.
Personal data is shown masked; a handler who needs it in full (to post an answer) asks for it,
and that reading is audited. Attachments of answers are served to the site's handlers only.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from backoffice.disclosure_request_display import applicant_text, deadline_text, personal_rows, unknown_year_text
from backoffice.scoping import ReadOnlyAdminMixin, ScopedAdmin, show_refusal
from backoffice.site import backoffice
from core.upload_headers import upload_headers
from disclosure import request_actions as actions
from disclosure.models.requests import (
    MAX_EXTENSION_WORKING_DAYS,
    OPEN_STATUSES,
    AnswerForm,
    InformationRequest,
    RequestAttachment,
    RequestOutcome,
    RequestStatus,
)
from disclosure.policies import REQUESTS
from sites.policies import VIEW

# --- forms ---------------------------------------------------------------------------------------


class ConfirmForm(forms.Form):
    pass


class CompletionRequestForm(forms.Form):
    what = forms.CharField(
        label=gettext_lazy("What the applicant is to complete"),
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=gettext_lazy("All that is missing, at once: shown to the applicant."),
    )


class CompletionForm(forms.Form):
    text = forms.CharField(label=gettext_lazy("Completion received"), widget=forms.Textarea(attrs={"rows": 5}))


class ThirdPartyForm(forms.Form):
    third_party = forms.CharField(
        label=gettext_lazy("Third party and what it is asked"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=gettext_lazy("Kept in the back office; the applicant reads only that an opinion is sought."),
    )


class ReplyForm(forms.Form):
    note = forms.CharField(label=gettext_lazy("Note"), widget=forms.Textarea(attrs={"rows": 4}), required=False)


class ExtensionForm(forms.Form):
    working_days = forms.IntegerField(
        label=gettext_lazy("Working days"), min_value=1, max_value=MAX_EXTENSION_WORKING_DAYS
    )
    reason = forms.CharField(label=gettext_lazy("Reason"), widget=forms.Textarea(attrs={"rows": 3}))
    notice = forms.CharField(
        label=gettext_lazy("Notice to the applicant"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=gettext_lazy("Shown to the applicant once a site administrator approves the extension."),
    )


class ReasonForm(forms.Form):
    reason = forms.CharField(label=gettext_lazy("Reason"), widget=forms.Textarea(attrs={"rows": 3}))


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(item, initial) for item in data]
        return [single(data, initial)] if data else []


class AnswerFormForm(forms.Form):
    answer_form = forms.ChoiceField(label=gettext_lazy("Form of the answer"), choices=AnswerForm.choices)
    outcome = forms.ChoiceField(label=gettext_lazy("Outcome"), choices=RequestOutcome.choices)
    text = forms.CharField(label=gettext_lazy("Answer"), widget=forms.Textarea(attrs={"rows": 10}))
    files = MultipleFileField(
        label=gettext_lazy("Attachments"),
        required=False,
        help_text=gettext_lazy("PDF, Word, Excel, WPS, OFD, pictures …; checked like the library's attachments."),
    )


# --- the steps -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Step:
    label: str
    form: type
    policy_action: str
    available: Callable  # available(request_obj, user) -> bool
    run: Callable  # run(request_obj, cleaned_data, user)
    explanation: str = ""
    done: str = ""


def _status(*statuses):
    return lambda r, user: r.status in statuses


STEPS = {
    "receive": Step(
        gettext_lazy("Confirm receipt"),
        ConfirmForm,
        "receive",
        _status(RequestStatus.SUBMITTED),
        lambda r, data, user: actions.receive(r, acting_user=user),
        gettext_lazy(
            "The day of receipt is today, or the next working day when today is not one; the answer is due "
            "20 working days later."
        ),
        gettext_lazy("The receipt was confirmed."),
    ),
    "request_completion": Step(
        gettext_lazy("Request completion"),
        CompletionRequestForm,
        "request_completion",
        lambda r, user: r.status == RequestStatus.RECEIVED and r.completion_requested_on is None,
        lambda r, data, user: actions.request_completion(r, what=data["what"], acting_user=user),
        gettext_lazy("Once only, within 7 working days of receipt. The time until it is completed is not counted."),
        gettext_lazy("The applicant was asked to complete the application."),
    ),
    "record_completion": Step(
        gettext_lazy("Record a completion"),
        CompletionForm,
        "record_completion",
        _status(RequestStatus.AWAITING_COMPLETION),
        lambda r, data, user: actions.complete(r, text=data["text"], acting_user=user),
        gettext_lazy("For a completion received by post or in person; the time limit runs again from today."),
        gettext_lazy("The completion was recorded."),
    ),
    "seek_third_party": Step(
        gettext_lazy("Seek a third party's opinion"),
        ThirdPartyForm,
        "seek_third_party",
        _status(RequestStatus.RECEIVED),
        lambda r, data, user: actions.seek_third_party(r, third_party=data["third_party"], acting_user=user),
        gettext_lazy("The third party has 15 working days to give its opinion; that time is not counted."),
        gettext_lazy("The third party's opinion is sought."),
    ),
    "third_party_replied": Step(
        gettext_lazy("Record the third party's opinion"),
        ReplyForm,
        "third_party_replied",
        _status(RequestStatus.THIRD_PARTY),
        lambda r, data, user: actions.third_party_replied(r, note=data["note"], acting_user=user),
        gettext_lazy("Also when its 15 working days ran out without an opinion. The time limit runs again."),
        gettext_lazy("The third party's opinion was recorded."),
    ),
    "propose_extension": Step(
        gettext_lazy("Propose an extension"),
        ExtensionForm,
        "propose_extension",
        lambda r, user: not actions.extension_refusal(r, timezone.localdate()),
        lambda r, data, user: actions.propose_extension(
            r, working_days=data["working_days"], reason=data["reason"], notice=data["notice"], acting_user=user
        ),
        gettext_lazy(
            "Once, by at most 20 working days, approved by a site administrator other than you, before the "
            "time limit runs out."
        ),
        gettext_lazy("The extension was proposed and awaits approval."),
    ),
    "approve_extension": Step(
        gettext_lazy("Approve the extension"),
        ConfirmForm,
        "approve_extension",
        lambda r, user: r.extension_pending and r.extension_proposed_by_id != user.pk,
        lambda r, data, user: actions.approve_extension(r, acting_user=user),
        gettext_lazy("The applicant is told the new time limit with the notice."),
        gettext_lazy("The extension was approved; the applicant is told."),
    ),
    "refuse_extension": Step(
        gettext_lazy("Turn down the extension"),
        ReasonForm,
        "approve_extension",
        lambda r, user: r.extension_pending and r.extension_proposed_by_id != user.pk,
        lambda r, data, user: actions.refuse_extension(r, reason=data["reason"], acting_user=user),
        "",
        gettext_lazy("The extension was turned down."),
    ),
    "answer": Step(
        gettext_lazy("Answer"),
        AnswerFormForm,
        "answer",
        _status(*OPEN_STATUSES),
        lambda r, data, user: actions.answer(
            r,
            answer_form=data["answer_form"],
            outcome=data["outcome"],
            text=data["text"],
            files=data["files"],
            acting_user=user,
        ),
        gettext_lazy("The answer, with its attachments, reaches the applicant's status page."),
        gettext_lazy("The application was answered."),
    ),
}


def steps_for(request_obj, user) -> list[tuple[str, Step]]:
    """The steps whose buttons the page shows: the policy lets the user, and the state fits."""
    return [
        (name, step)
        for name, step in STEPS.items()
        if REQUESTS.user_can(user, step.policy_action, request_obj) and step.available(request_obj, user)
    ]


# --- the model page ------------------------------------------------------------------------------


@admin.register(InformationRequest, site=backoffice)
class InformationRequestAdmin(ReadOnlyAdminMixin, ScopedAdmin):
    list_display = ("tracking_number", "organisation", "applicant", "status", "deadline", "submitted_at")
    list_filter = ("status", "applicant_kind")
    search_fields = ("tracking_number",)
    list_select_related = ("organisation",)
    ordering = ("-submitted_at", "-id")

    @admin.display(description=gettext_lazy("Applicant"))
    def applicant(self, obj):
        return f"{applicant_text(obj)}（{obj.get_applicant_kind_display()}）"

    @admin.display(description=gettext_lazy("Answer due by"), ordering="due_on")
    def deadline(self, obj):
        return deadline_text(obj)

    def has_module_permission(self, request):
        return self.admin_site.has_permission(request) and REQUESTS.user_can(request.user, VIEW)

    def has_view_permission(self, request, obj=None):
        return self.has_module_permission(request) and (obj is None or REQUESTS.user_can(request.user, VIEW, obj))

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("<path:object_id>/step/<str:step_name>/", view(self.step_view), name="disclosure_request_step"),
            path("<path:object_id>/reveal/", view(self.reveal_view), name="disclosure_request_reveal"),
            path("<path:object_id>/file/<int:file_id>/", view(self.file_view), name="disclosure_request_file"),
            *super().get_urls(),
        ]

    def _context(self, request, obj, **extra):
        return {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "original": obj,
            "request_obj": obj,
            "app_label": self.model._meta.app_label,
            **extra,
        }

    def change_view(self, request, object_id, form_url="", extra_context=None):
        obj = self.get_object(request, object_id)
        return self._detail(request, obj, reveal=False)

    def _detail(self, request, obj, *, reveal: bool):
        steps = obj.steps.select_related("actor").order_by("at", "id")
        context = self._context(
            request,
            obj,
            title=f"{obj.tracking_number} · {obj.organisation}",
            personal=personal_rows(obj, reveal),
            revealed=reveal,
            may_reveal=REQUESTS.user_can(request.user, "reveal_personal_data", obj),
            deadline=deadline_text(obj),
            unknown_year=unknown_year_text(obj.deadline_unknown_year) if obj.deadline_unknown_year else "",
            completion_late=(
                obj.completion_request_due_on is not None
                and obj.completion_requested_on is None
                and obj.status == RequestStatus.RECEIVED
                and timezone.localdate() > obj.completion_request_due_on
            ),
            history=steps,
            attachments=obj.attachments.all(),
            buttons=[
                (step.label, reverse("admin:disclosure_request_step", args=[obj.pk, name]))
                for name, step in steps_for(obj, request.user)
            ],
        )
        request.current_app = self.admin_site.name
        return TemplateResponse(request, "admin/disclosure/informationrequest/detail.html", context)

    def reveal_view(self, request, object_id):
        obj = self.get_object(request, object_id)
        if request.method != "POST":
            return HttpResponseRedirect(reverse("admin:disclosure_informationrequest_change", args=[obj.pk]))
        try:
            actions.reveal(obj, acting_user=request.user)
        except PermissionDenied as error:
            self.message_refusal(request, error)
            return HttpResponseRedirect(reverse("admin:disclosure_informationrequest_change", args=[obj.pk]))
        response = self._detail(request, obj, reveal=True)
        response["Cache-Control"] = "no-store"
        return response

    def step_view(self, request, object_id, step_name):
        obj = self.get_object(request, object_id)
        step = STEPS.get(step_name)
        if step is None:
            raise Http404("no such step")
        back = reverse("admin:disclosure_informationrequest_change", args=[obj.pk])
        posted = request.method == "POST"
        form = step.form(request.POST if posted else None, request.FILES if posted else None)
        refusal = ""
        if not REQUESTS.user_can(request.user, step.policy_action, obj):
            refusal = _("You may not do this.")
        elif not step.available(obj, request.user):
            refusal = _("This step does not apply to the application in its present state.")
        elif posted and form.is_valid():
            try:
                step.run(obj, form.cleaned_data, request.user)
            except (ValidationError, PermissionDenied) as error:
                show_refusal(form, error)
            else:
                messages.success(request, step.done)
                return HttpResponseRedirect(back)
        context = self._context(
            request, obj, title=f"{step.label} · {obj.tracking_number}", step=step, form=form, refusal=refusal,
            back=back, deadline=deadline_text(obj),
        )  # fmt: skip
        request.current_app = self.admin_site.name
        return TemplateResponse(request, "admin/disclosure/informationrequest/step.html", context)

    def file_view(self, request, object_id, file_id):
        obj = self.get_object(request, object_id)
        item = get_object_or_404(RequestAttachment, request=obj, pk=file_id)
        headers = upload_headers(item.file.name, download_name=item.original_name)
        response = FileResponse(item.file.open("rb"), content_type=headers.pop("Content-Type"))
        for name, value in headers.items():
            response[name] = value
        return response
