"""The working-day calendar (节假日安排) in the back office: the administrators' table of holidays
and make-up working days (workdays.models.CalendarDay) for years chinese-calendar does not know,
kept by platform administrators only; days are entered one by one or a year's arrangement is
pasted as lines. Every change goes through disclosure/calendar.py (its policy and actions)."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _now
from django.utils.translation import gettext_lazy as _

from backoffice.scoping import ScopedAdmin
from backoffice.site import backoffice
from disclosure import calendar
from sites.policies import CHANGE, VIEW
from workdays import days
from workdays.models import CalendarDay

WEEKDAYS = ("一", "二", "三", "四", "五", "六", "日")
EXAMPLE = "2027-01-01 休 元旦\n2027-02-06至2027-02-12 休 春节\n2027-02-07 班 春节调休"


class ArrangementForm(forms.Form):
    text = forms.CharField(
        label=_("arrangement"),
        widget=forms.Textarea(attrs={"rows": 16, "cols": 60, "placeholder": EXAMPLE}),
        max_length=20_000,
        help_text=_(
            "One day or range of days a line: the date, 休 for a day off or 班 for a make-up working day, "
            "then the name, e.g. “2027-02-07 班 春节调休”. A range is written 2027-02-06至2027-02-12. "
            "Days already entered are corrected."
        ),
        error_messages={"required": _("Paste at least one line.")},
    )


class YearFilter(admin.SimpleListFilter):
    title = _("year")
    parameter_name = "year"

    def lookups(self, request, model_admin):
        years = CalendarDay.objects.dates("day", "year", order="DESC")
        return [(str(moment.year), str(moment.year)) for moment in years]

    def queryset(self, request, queryset):
        value = self.value()
        return queryset.filter(day__year=int(value)) if value and value.isdigit() else queryset


@admin.register(CalendarDay, site=backoffice)
class CalendarDayAdmin(ScopedAdmin):
    list_display = ("day", "weekday", "kind_text", "name")
    list_filter = (YearFilter, "working")
    search_fields = ("name",)
    fields = ("day", "working", "name")
    ordering = ("-day",)
    change_list_template = "admin/workdays/calendarday/change_list.html"

    # Platform administrators only: nobody else sees the page at all.
    def has_module_permission(self, request):
        return self.policy.user_can(request.user, VIEW)

    def has_view_permission(self, request, obj=None):
        return self.policy.user_can(request.user, VIEW, obj)

    def get_readonly_fields(self, request, obj=None):
        return ("day",) if obj is not None else ()

    @admin.display(description=_("weekday"), ordering="day")
    def weekday(self, obj):
        return "星期" + WEEKDAYS[obj.day.weekday()]

    @admin.display(description=_("kind of day"), ordering="working")
    def kind_text(self, obj):
        return _("make-up working day") if obj.working else _("day off")

    def changelist_view(self, request, extra_context=None):
        today = days_today()
        missing = days.missing_years(today)
        extra = {"missing_years": missing, "bulk_url": reverse("admin:workdays_calendarday_bulk")}
        return super().changelist_view(request, {**extra, **(extra_context or {})})

    # -- saving through the actions -------------------------------------------------------------

    def save_model(self, request, obj, form, change):
        try:
            if change:
                calendar.change_day(obj, working=obj.working, name=obj.name, acting_user=request.user)
            else:
                row = calendar.add_day(obj.day, working=obj.working, name=obj.name, acting_user=request.user)
                obj.pk = row.pk
        except (PermissionDenied, ValidationError) as error:
            self.message_refusal(request, error)

    def delete_model(self, request, obj):
        try:
            calendar.delete_day(obj, acting_user=request.user)
        except (PermissionDenied, ValidationError) as error:
            self.message_refusal(request, error)

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            self.delete_model(request, obj)

    # -- the year's arrangement pasted as lines ----------------------------------------------

    def get_urls(self):
        bulk = path("bulk/", self.admin_site.admin_view(self.bulk_view), name="workdays_calendarday_bulk")
        return [bulk, *super().get_urls()]

    def bulk_view(self, request):
        if not self.policy.user_can(request.user, CHANGE):
            raise PermissionDenied
        form = ArrangementForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                rows = calendar.enter_arrangement(form.cleaned_data["text"], acting_user=request.user)
            except ValidationError as error:
                for message in error.messages:
                    form.add_error("text", message)
            else:
                off = sum(not row.working for row in rows)
                self.message_user(
                    request,
                    _now("%(off)d days off and %(working)d make-up working days entered.")
                    % {"off": off, "working": len(rows) - off},
                    messages.SUCCESS,
                )
                return HttpResponseRedirect(reverse("admin:workdays_calendarday_changelist"))
        context = {
            **self.admin_site.each_context(request),
            "title": _("Enter a year's holiday arrangement"),
            "opts": self.model._meta,
            "form": form,
            "missing_years": days.missing_years(days_today()),
        }
        return TemplateResponse(request, "admin/workdays/calendarday/bulk.html", context)


def days_today():
    """Today's date in the platform's time zone (the work page's warning and this page ask it)."""
    return timezone.localdate()
