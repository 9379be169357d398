"""Citizens' letters in the back office (INT-1, INT-2): the list, the page of one letter with its
steps, one page per step (a form with its confirmation), and the channels, configured by the site
administrators.

Each button is shown only when its action would accept it: the policy says who may act
(interaction/policies.py) and `available` says whether the letter is in a state for it. The
writer's personal data is shown masked; a handler who needs it in full asks for it, and that
reading is audited.
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
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from backoffice.interaction_letter_display import deadline_text, personal_rows
from backoffice.scoping import ReadOnlyAdminMixin, ScopedAdmin, show_refusal
from backoffice.site import backoffice
from columns.models import Column, SubUnit
from core.upload_headers import upload_headers
from interaction import channels as channel_actions
from interaction import knowledge
from interaction import letters as actions
from interaction.models.letter_attachments import LetterAttachment
from interaction.models.letters import CHANNEL_COLUMN_TYPES, Channel, Letter, LetterStatus, PrivateReason
from interaction.policies import CHANNELS, LETTER_ATTACHMENTS, LETTERS
from sites.models import Role, Site
from sites.permissions import has_role, is_platform_admin, site_ids_for
from sites.policies import VIEW

# --- forms ---------------------------------------------------------------------------------------


class ConfirmForm(forms.Form):
    def __init__(self, *args, letter=None, **kwargs):
        super().__init__(*args, **kwargs)


class ForwardForm(forms.Form):
    to_site = forms.ModelChoiceField(label=gettext_lazy("Site"), queryset=Site.objects.none())
    to_sub_unit = forms.ModelChoiceField(
        label=gettext_lazy("Sub-unit"),
        queryset=SubUnit.objects.none(),
        required=False,
        help_text=gettext_lazy("Empty: the site itself."),
    )
    note = forms.CharField(label=gettext_lazy("Note"), widget=forms.Textarea(attrs={"rows": 3}), required=False)

    def __init__(self, *args, letter=None, **kwargs):
        super().__init__(*args, **kwargs)
        targets = actions.forward_targets(letter).order_by("pk")
        self.fields["to_site"].queryset = targets
        self.fields["to_site"].initial = letter.site_id
        self.fields["to_sub_unit"].queryset = SubUnit.objects.filter(portal__in=targets).select_related("portal")


class AnswerForm(forms.Form):
    text = forms.CharField(label=gettext_lazy("Answer"), widget=forms.Textarea(attrs={"rows": 10}))
    replying_department = forms.CharField(
        label=gettext_lazy("Replying department"),
        max_length=100,
        required=False,
        help_text=gettext_lazy("Shown with the answer; empty: the unit handling the letter."),
    )
    reusable = forms.BooleanField(
        label=gettext_lazy("Reusable answer"),
        required=False,
        help_text=gettext_lazy("The answer may become an entry of the knowledge base."),
    )

    def __init__(self, *args, letter=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["text"].initial = letter.answer
        self.fields["replying_department"].initial = letter.replying_department or letter.handling_unit


class ReasonForm(forms.Form):
    reason = forms.CharField(label=gettext_lazy("Reason"), widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, letter=None, **kwargs):
        super().__init__(*args, **kwargs)


class PrivateForm(forms.Form):
    private_reason = forms.ChoiceField(label=gettext_lazy("Reason not published"), choices=PrivateReason.choices)
    reason = forms.CharField(label=gettext_lazy("Note"), widget=forms.Textarea(attrs={"rows": 3}), required=False)

    def __init__(self, *args, letter=None, **kwargs):
        super().__init__(*args, **kwargs)
        if letter is not None and letter.writer_wants_private:
            self.fields["private_reason"].initial = PrivateReason.WRITER_ASKED


class MergeForm(forms.Form):
    into = forms.CharField(
        label=gettext_lazy("Tracking number of the letter on the same matter"),
        max_length=30,
        help_text=gettext_lazy("A letter of the same site; its answer becomes this letter's answer."),
    )
    note = forms.CharField(label=gettext_lazy("Note"), widget=forms.Textarea(attrs={"rows": 3}), required=False)

    def __init__(self, *args, letter=None, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.letter = letter

    def clean_into(self):
        number = self.cleaned_data["into"].strip()
        target = Letter.objects.filter(tracking_number=number, site_id=self.letter.site_id).first()
        if target is None:
            raise ValidationError(_("No letter of this site has this tracking number."))
        return target


# --- the steps -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Step:
    label: str
    form: type
    policy_action: str
    available: Callable  # available(letter, user) -> bool
    run: Callable  # run(letter, cleaned_data, user)
    explanation: str = ""
    done: str = ""


def _status(*statuses):
    return lambda letter, user: letter.status in statuses


def _reviewable(letter, user) -> bool:
    return letter.status == LetterStatus.ANSWERED and letter.answered_by_id != user.pk


STEPS = {
    "forward": Step(
        gettext_lazy("Forward"),
        ForwardForm,
        "forward",
        _status(LetterStatus.RECEIVED),
        lambda letter, data, user: actions.forward(
            letter, to_site=data["to_site"], to_sub_unit=data["to_sub_unit"], note=data["note"], acting_user=user
        ),
        gettext_lazy("To the unit responsible for the matter; the deadline stays the same. The writer is told."),
        gettext_lazy("The letter was forwarded."),
    ),
    "answer": Step(
        gettext_lazy("Answer"),
        AnswerForm,
        "answer",
        _status(LetterStatus.RECEIVED),
        lambda letter, data, user: actions.answer(
            letter,
            text=data["text"],
            replying_department=data["replying_department"],
            reusable=data["reusable"],
            acting_user=user,
        ),
        gettext_lazy("The answer is reviewed by someone else before the writer reads it."),
        gettext_lazy("The letter was answered and awaits review."),
    ),
    "publish": Step(
        gettext_lazy("Approve and publish"),
        ConfirmForm,
        "review",
        lambda letter, user: _reviewable(letter, user) and not letter.writer_wants_private,
        lambda letter, data, user: actions.review(letter, decision=actions.PUBLISH, acting_user=user),
        gettext_lazy("The letter and its answer are shown in the channel's public list; the writer is told."),
        gettext_lazy("The answer was approved and published."),
    ),
    "keep_private": Step(
        gettext_lazy("Approve without publishing"),
        PrivateForm,
        "review",
        _reviewable,
        lambda letter, data, user: actions.review(
            letter,
            decision=actions.KEEP_PRIVATE,
            private_reason=data["private_reason"],
            reason=data["reason"],
            acting_user=user,
        ),
        gettext_lazy("The writer reads the answer; the public list does not show it."),
        gettext_lazy("The answer was approved and is not published."),
    ),
    "send_back": Step(
        gettext_lazy("Send back"),
        ReasonForm,
        "review",
        _reviewable,
        lambda letter, data, user: actions.review(
            letter, decision=actions.SEND_BACK, reason=data["reason"], acting_user=user
        ),
        gettext_lazy("The answer goes back to be answered again; the deadline stays the same."),
        gettext_lazy("The answer was sent back."),
    ),
    "unpublish": Step(
        gettext_lazy("Withdraw from publication"),
        PrivateForm,
        "review",
        _status(LetterStatus.PUBLISHED),
        lambda letter, data, user: actions.unpublish(
            letter, private_reason=data["private_reason"], reason=data["reason"], acting_user=user
        ),
        gettext_lazy("The public list no longer shows the letter."),
        gettext_lazy("The answer was withdrawn from publication."),
    ),
    # INT-5: a reviewed answer marked reusable becomes a draft of the knowledge base, written by
    # someone who may write on the site; the editorial workflow then reviews it like any item.
    "to_knowledge": Step(
        gettext_lazy("Draft a knowledge-base entry"),
        ConfirmForm,
        "view",
        lambda letter, user: (
            letter.reusable
            and letter.status in knowledge.REVIEWED_STATUSES
            and has_role(user, letter.site_id, Role.EDITOR, Role.SITE_ADMIN)
            and knowledge.entry_of_letter(letter) is None
        ),
        lambda letter, data, user: knowledge.make_entry_from_letter(letter, acting_user=user),
        gettext_lazy(
            "A draft entry of the knowledge base with the letter's question and answer, in the site's "
            "knowledge-base column: remove anything personal before submitting it for review."
        ),
        gettext_lazy("A draft knowledge-base entry was made from the letter; it is in the resource library."),
    ),
    "merge": Step(
        gettext_lazy("Merge into another letter"),
        MergeForm,
        "merge",
        _status(LetterStatus.RECEIVED),
        lambda letter, data, user: actions.merge(letter, into=data["into"], note=data["note"], acting_user=user),
        gettext_lazy("For a letter on the same matter as another: its writer reads the other letter's answer."),
        gettext_lazy("The letter was merged."),
    ),
}


def steps_for(letter, user) -> list[tuple[str, Step]]:
    """The steps whose buttons the page shows: the policy lets the user, and the state fits."""
    return [
        (name, step)
        for name, step in STEPS.items()
        if LETTERS.user_can(user, step.policy_action, letter) and step.available(letter, user)
    ]


# --- the letters ---------------------------------------------------------------------------------


@admin.register(Letter, site=backoffice)
class LetterAdmin(ReadOnlyAdminMixin, ScopedAdmin):
    list_display = ("tracking_number", "title", "channel", "unit", "status", "deadline", "submitted_at")
    list_filter = ("status",)
    search_fields = ("tracking_number", "title")
    list_select_related = ("channel", "site", "sub_unit", "merged_into")
    ordering = ("-submitted_at", "-id")

    @admin.display(description=gettext_lazy("Handled by"))
    def unit(self, obj):
        return obj.handling_unit

    @admin.display(description=gettext_lazy("Answer due by"), ordering="due_on")
    def deadline(self, obj):
        return deadline_text(obj)

    def has_module_permission(self, request):
        return self.admin_site.has_permission(request) and LETTERS.user_can(request.user, VIEW)

    def has_view_permission(self, request, obj=None):
        return self.has_module_permission(request) and (obj is None or LETTERS.user_can(request.user, VIEW, obj))

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("<path:object_id>/step/<str:step_name>/", view(self.step_view), name="interaction_letter_step"),
            path("<path:object_id>/reveal/", view(self.reveal_view), name="interaction_letter_reveal"),
            path("<path:object_id>/file/<int:file_id>/", view(self.file_view), name="interaction_letter_file"),
            *super().get_urls(),
        ]

    def _context(self, request, obj, **extra):
        return {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "original": obj,
            "letter": obj,
            "app_label": self.model._meta.app_label,
            **extra,
        }

    def change_view(self, request, object_id, form_url="", extra_context=None):
        return self._detail(request, self.get_object(request, object_id), reveal=False)

    def _detail(self, request, obj, *, reveal: bool):
        context = self._context(
            request,
            obj,
            title=f"{obj.tracking_number} · {obj.title}",
            personal=personal_rows(obj, reveal),
            revealed=reveal,
            may_reveal=LETTERS.user_can(request.user, "reveal_personal_data", obj),
            deadline=deadline_text(obj),
            history=obj.steps.select_related("actor").order_by("at", "id"),
            duplicates=obj.duplicates.all(),
            attachments=obj.attachments.all(),
            buttons=[
                (step.label, reverse("admin:interaction_letter_step", args=[obj.pk, name]))
                for name, step in steps_for(obj, request.user)
            ],
        )
        request.current_app = self.admin_site.name
        return TemplateResponse(request, "admin/interaction/letter/detail.html", context)

    def reveal_view(self, request, object_id):
        obj = self.get_object(request, object_id)
        if request.method != "POST":
            return HttpResponseRedirect(reverse("admin:interaction_letter_change", args=[obj.pk]))
        try:
            actions.reveal(obj, acting_user=request.user)
        except PermissionDenied as error:
            self.message_refusal(request, error)
            return HttpResponseRedirect(reverse("admin:interaction_letter_change", args=[obj.pk]))
        response = self._detail(request, obj, reveal=True)
        response["Cache-Control"] = "no-store"
        return response

    def step_view(self, request, object_id, step_name):
        obj = self.get_object(request, object_id)
        step = STEPS.get(step_name)
        if step is None:
            raise Http404("no such step")
        back = reverse("admin:interaction_letter_change", args=[obj.pk])
        posted = request.method == "POST"
        form = step.form(request.POST if posted else None, letter=obj)
        refusal = ""
        if not LETTERS.user_can(request.user, step.policy_action, obj):
            refusal = _("You may not do this.")
        elif not step.available(obj, request.user):
            refusal = _("This step does not apply to the letter in its present state.")
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
        return TemplateResponse(request, "admin/interaction/letter/step.html", context)

    def file_view(self, request, object_id, file_id):
        """A file the writer attached (INT-1): only for those who may see the letter (its policy)."""
        obj = self.get_object(request, object_id)
        item = get_object_or_404(LetterAttachment, letter=obj, pk=file_id)
        if not LETTER_ATTACHMENTS.user_can(request.user, VIEW, item):
            raise Http404("not found in your sites")
        headers = upload_headers(item.file.name, download_name=item.original_name)
        response = FileResponse(item.file.open("rb"), content_type=headers.pop("Content-Type"))
        for name, value in headers.items():
            response[name] = value
        response["Cache-Control"] = "no-store"
        return response


# --- the channels --------------------------------------------------------------------------------


def _administered(request):
    if is_platform_admin(request.user):
        return Site.objects.all()
    return Site.objects.filter(pk__in=site_ids_for(request.user, Role.SITE_ADMIN))


class ChannelForm(forms.ModelForm):
    class Meta:
        model = Channel
        fields = (
            "site",
            "name",
            "kind",
            "leader_name",
            "column",
            "sub_unit",
            "answer_working_days",
            "allows_anonymous",
            "is_open",
        )


@admin.register(Channel, site=backoffice)
class ChannelAdmin(ScopedAdmin):
    form = ChannelForm
    list_display = ("name", "kind", "site", "column", "sub_unit", "answer_working_days", "allows_anonymous", "is_open")
    list_select_related = ("site", "column", "sub_unit")
    search_fields = ("name", "leader_name")

    def has_module_permission(self, request):
        return self.admin_site.has_permission(request) and CHANNELS.user_can(request.user, VIEW)

    def has_view_permission(self, request, obj=None):
        return self.has_module_permission(request) and (obj is None or CHANNELS.user_can(request.user, VIEW, obj))

    def get_readonly_fields(self, request, obj=None):
        return ("site",) if obj is not None else ()

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "site":
            kwargs["queryset"] = _administered(request)
            kwargs["required"] = True
        elif db_field.name == "column":
            kwargs["queryset"] = Column.objects.filter(
                site__in=_administered(request), column_type__in=CHANNEL_COLUMN_TYPES
            ).select_related("site")
        elif db_field.name == "sub_unit":
            kwargs["queryset"] = SubUnit.objects.filter(portal__in=_administered(request)).select_related("portal")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        data = {name: form.cleaned_data[name] for name in channel_actions.FIELDS if name in form.cleaned_data}
        try:
            if change:
                channel_actions.update_channel(obj, acting_user=request.user, **data)
            else:
                obj.pk = channel_actions.create_channel(form.cleaned_data["site"], acting_user=request.user, **data).pk
        except (PermissionDenied, ValidationError) as error:
            self.message_refusal(request, error)

    def delete_model(self, request, obj):
        try:
            channel_actions.delete_channel(obj, acting_user=request.user)
        except (PermissionDenied, ValidationError) as error:
            self.message_refusal(request, error)

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            self.delete_model(request, obj)
