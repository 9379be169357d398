"""The disclosure guide (政府信息公开指南, DISC-1; 条例 art.12): one structured guide per
disclosing organisation, a resource of kind `guide` written, reviewed and published like every
other (its revisions record each change; approval republishes its page).

`GuideForm` validates its data (fields, not free text): the disclosure office and how to reach it,
how proactively disclosed information is classified and where it can be obtained, how to apply
and the statutory time limits (条例 art.33), fees (art.42), and supervision and remedies
(art.47, art.51). `page_context` turns the data into the sections of its page
(templates/site/disclosure_guide.html).
"""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db.models import TextChoices
from django.utils.translation import gettext_lazy as _

from disclosure.guide_fields import (
    ChoicesField,
    LinesField,
    NumberField,
    OrganisationField,
    PlacesField,
    YesNoField,
)
from disclosure.models import Organisation
from publishing import links
from resources.fields import PlainTextField
from resources.kinds import PHONE_RE, KindForm, WebAddressField
from resources.models import Resource, ResourceKind, ResourceStatus

# 条例 art.33: an answer within 20 working days of receipt, extendable once by at most 20.
MAX_ANSWER_DAYS = 20
MAX_EXTENSION_DAYS = 20


class ApplicationChannel(TextChoices):
    """How an application may be handed in (条例 art.29)."""

    ONLINE = "online", _("online, through the website")
    LETTER = "letter", _("by letter")
    IN_PERSON = "in_person", _("in person at the office")
    FAX = "fax", _("by fax")
    EMAIL = "email", _("by e-mail")


# How each way of applying reads on the public page.
CHANNEL_TEXT = {
    ApplicationChannel.ONLINE.value: "网上申请",
    ApplicationChannel.LETTER.value: "信函申请",
    ApplicationChannel.IN_PERSON.value: "当面申请",
    ApplicationChannel.FAX.value: "传真申请",
    ApplicationChannel.EMAIL.value: "电子邮件申请",
}


def _phone(value: str) -> str:
    if value and not PHONE_RE.match(value):
        raise ValidationError(
            _("Give a phone number with digits and hyphens, e.g. 0312-3021234; separate several with 、."),
            code="phone",
        )
    return value


class GuideForm(KindForm):
    """The data of a disclosure guide (DISC-1)."""

    kind = ResourceKind.GUIDE

    organisation = OrganisationField(
        label=_("disclosing organisation"),
        help_text=_("The organisation this guide is for; each organisation has one guide."),
        error_messages={
            "required": _("Choose the organisation this guide is for."),
            "invalid_choice": _("Choose one of this site's disclosing organisations."),
        },
    )
    # -- the disclosure office (信息公开工作机构)
    office_name = PlainTextField(label=_("disclosure office"), max_length=100,
                                 help_text=_("The office that handles information disclosure, e.g. 办公室（政务公开科）."))  # fmt: skip
    address = PlainTextField(label=_("office address"), max_length=200)
    postal_code = forms.RegexField(
        label=_("postal code"),
        regex=r"^\d{6}$",
        required=False,
        error_messages={"invalid": _("A postal code has six digits.")},
    )
    office_hours = PlainTextField(label=_("office hours"), max_length=200,
                                  help_text=_("e.g. 工作日上午8:30—12:00，下午14:30—17:30."))  # fmt: skip
    phone = PlainTextField(label=_("phone"), max_length=60)
    fax = PlainTextField(label=_("fax"), max_length=60, required=False)
    email = forms.EmailField(
        label=_("e-mail"),
        required=False,
        error_messages={"invalid": _("Give an e-mail address such as gk@example.gov.cn.")},
    )
    online_address = WebAddressField(
        label=_("online application address"),
        max_length=500,
        required=False,
        validators=[
            URLValidator(
                schemes=["http", "https"], message=_("Give a full web address that starts with http:// or https://.")
            )
        ],
        help_text=_("Where citizens apply online, e.g. https://www.example.gov.cn/disclosure/apply/."),
    )
    # -- proactive disclosure: what, arranged how, obtained where
    categories = LinesField(
        label=_("categories of proactively disclosed information"),
        help_text=_("One category a line, in the order of the catalogue, e.g. 机构职能, 政策文件, 财政信息."),
    )
    arrangement = PlainTextField(
        label=_("how the catalogue is arranged"),
        max_length=1000,
        required=False,
        multiline=True,
        help_text=_("How the catalogue is ordered: by subject, by organisation, by year."),
    )
    publication_channels = LinesField(
        label=_("where proactively disclosed information is published"),
        help_text=_("One way a line, e.g. 本机关门户网站“政府信息公开”专栏, 政府公报, 新闻发布会."),
    )
    reading_points = PlacesField(
        label=_("places to read government information"),
        required=False,
        help_text=_("One place a line, its name and address separated by “|”, e.g. 市档案馆查阅点 | 人民路1号."),
    )
    # -- applications (依申请公开)
    application_channels = ChoicesField(
        label=_("ways to apply"),
        choices=ApplicationChannel.choices,
        error_messages={"required": _("Tick at least one way to apply.")},
    )
    application_steps = LinesField(
        label=_("steps of an application"),
        help_text=_("One step a line, in order: apply, registration, completion if needed, answer."),
    )
    answer_days = NumberField(
        label=_("working days to answer"),
        min_value=1,
        max_value=MAX_ANSWER_DAYS,
        initial=MAX_ANSWER_DAYS,
        error_messages={
            "required": _("Give the time to answer, in working days."),
            "max_value": _("At most 20 working days: the regulations allow no longer."),
            "min_value": _("At least one working day."),
        },
    )
    extension_days = NumberField(
        label=_("working days of the extension"),
        min_value=0,
        max_value=MAX_EXTENSION_DAYS,
        initial=MAX_EXTENSION_DAYS,
        help_text=_("An extension needs the approval of the person in charge and a notice to the applicant."),
        error_messages={
            "required": _("Give the longest extension, in working days (0: none)."),
            "max_value": _("At most 20 working days: the regulations allow no longer."),
            "min_value": _("Give 0 or more working days."),
        },
    )
    # -- fees (条例 art.42)
    processing_fee = YesNoField(
        label=_("charges an information-processing fee for excessive requests"),
        help_text=_(
            "Information is provided free of charge; a processing fee may be charged only when the number "
            "or frequency of requests clearly exceeds a reasonable range."
        ),
    )
    fee_note = PlainTextField(label=_("note on fees"), max_length=500, required=False, multiline=True)
    # -- supervision and remedies (监督和救济)
    supervisor = PlainTextField(
        label=_("body receiving complaints"),
        max_length=200,
        help_text=_("Where complaints and reports about disclosure work go, e.g. 市人民政府办公室（政务公开办）."),
    )
    supervisor_phone = PlainTextField(label=_("complaints phone"), max_length=60, required=False)
    reconsideration_body = PlainTextField(label=_("administrative reconsideration body"), max_length=200)
    court = PlainTextField(label=_("court for administrative litigation"), max_length=200)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].for_site(self.site)

    def clean_phone(self):
        return _phone(self.cleaned_data["phone"])

    def clean_fax(self):
        return _phone(self.cleaned_data["fax"])

    def clean_supervisor_phone(self):
        return _phone(self.cleaned_data["supervisor_phone"])

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("email") and not cleaned.get("online_address") and not self.has_error("email"):
            if not self.has_error("online_address"):
                self.add_error("online_address", ValidationError(
                    _("Give an e-mail address or an online application address: citizens must be able to reach the office online."),
                    code="online_contact",
                ))  # fmt: skip
        channels = cleaned.get("application_channels") or []
        if ApplicationChannel.ONLINE in channels and not cleaned.get("online_address"):
            if not self.has_error("online_address"):
                self.add_error("online_address", ValidationError(
                    _("Applying online is offered: give the online application address."), code="online_address"
                ))  # fmt: skip
        if ApplicationChannel.EMAIL in channels and not cleaned.get("email") and not self.has_error("email"):
            self.add_error("email", ValidationError(
                _("Applying by e-mail is offered: give the e-mail address."), code="email_required"
            ))  # fmt: skip
        if ApplicationChannel.FAX in channels and not cleaned.get("fax") and not self.has_error("fax"):
            self.add_error(
                "fax", ValidationError(_("Applying by fax is offered: give the fax number."), code="fax_required")
            )
        organisation = cleaned.get("organisation")
        if organisation and not self.has_error("organisation"):
            other = current_guide(organisation, exclude=self.resource)
            if other is not None:
                self.add_error("organisation", ValidationError(
                    _("“%(title)s” is already the guide of this organisation: edit it instead (one guide per organisation)."),
                    code="guide_exists",
                    params={"title": other.title},
                ))  # fmt: skip
        return cleaned


def current_guide(organisation_id: int, *, exclude: Resource | None = None) -> Resource | None:
    """The organisation's guide that is not withdrawn (its working copy names the organisation)."""
    guides = Resource.objects.filter(kind=ResourceKind.GUIDE, current_revision__data__organisation=organisation_id)
    guides = guides.exclude(status=ResourceStatus.WITHDRAWN)
    if exclude is not None and exclude.pk:
        guides = guides.exclude(pk=exclude.pk)
    return guides.order_by("pk").first()


# -- the public page -----------------------------------------------------------------------------


def _paragraphs(text: str) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


def page_context(data: dict, site) -> dict:
    """The sections of the guide's page (templates/site/disclosure_guide.html), from its data."""
    own = {domain.lower() for domain in getattr(site, "english_domains", [])}
    organisation = Organisation.objects.filter(pk=data.get("organisation")).values_list("name", flat=True).first()
    office = [
        ("机构名称", data.get("office_name"), ""),
        ("办公地址", data.get("address"), ""),
        ("邮政编码", data.get("postal_code"), ""),
        ("办公时间", data.get("office_hours"), ""),
        ("联系电话", data.get("phone"), ""),
        ("传真", data.get("fax"), ""),
        ("电子邮箱", data.get("email"), f"mailto:{data['email']}" if data.get("email") else ""),
        ("网上申请地址", data.get("online_address"),
         links.link_target(data["online_address"], own) if data.get("online_address") else ""),
    ]  # fmt: skip
    answer_days = data.get("answer_days") or MAX_ANSWER_DAYS
    extension_days = data.get("extension_days")
    extension_days = MAX_EXTENSION_DAYS if extension_days in (None, "") else extension_days
    time_limits = [
        "能够当场答复的，当场予以答复。",
        f"不能当场答复的，自收到申请之日起{answer_days}个工作日内予以答复。",
    ]
    if extension_days:
        time_limits.append(
            f"需要延长答复期限的，经政府信息公开工作机构负责人同意并告知申请人，延长的期限最长不超过{extension_days}个工作日。"
        )
    time_limits.append("征求第三方和其他机关意见所需时间、申请人补正申请所需时间不计算在答复期限内。")
    fees = ["行政机关依申请提供政府信息，不收取费用。"]
    if data.get("processing_fee"):
        fees.append("申请人申请公开政府信息的数量、频次明显超过合理范围的，本机关将按照国家有关规定收取信息处理费。")
    fees += _paragraphs(data.get("fee_note"))
    supervisor = data.get("supervisor") or ""
    remedies = [
        f"公民、法人或者其他组织认为本机关未按照要求主动公开政府信息或者对政府信息公开申请不依法答复处理的，"
        f"可以向{supervisor}提出。"
        + (f"投诉举报电话：{data['supervisor_phone']}。" if data.get("supervisor_phone") else ""),
        f"公民、法人或者其他组织认为本机关在政府信息公开工作中侵犯其合法权益的，可以向{supervisor}投诉、举报，"
        f"也可以依法向{data.get('reconsideration_body') or ''}申请行政复议，"
        f"或者向{data.get('court') or ''}提起行政诉讼。",
    ]
    return {
        "guide": {
            "organisation": organisation or "",
            "office": [(label, value, href) for label, value, href in office if value],
            "categories": [str(item) for item in data.get("categories") or []],
            "arrangement": _paragraphs(data.get("arrangement")),
            "channels": [str(item) for item in data.get("publication_channels") or []],
            "reading_points": [item for item in data.get("reading_points") or [] if isinstance(item, dict)],
            "application_channels": [
                CHANNEL_TEXT[c] for c in data.get("application_channels") or [] if c in CHANNEL_TEXT
            ],
            "application_steps": [str(item) for item in data.get("application_steps") or []],
            "time_limits": time_limits,
            "fees": fees,
            "remedies": remedies,
        }
    }
