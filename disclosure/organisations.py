"""Actions on the catalogue's settings (DISC-2): the disclosing organisations with their codes
(site administrators for their sites, platform administrators for all) and the subject list
(platform administrators). Each checks the model's policy (disclosure/catalogue_policies.py),
changes the row in a transaction and writes an audit entry.

An organisation that has given out index numbers keeps its code: the numbers name it, and a new
code would make the next numbers look like another body's. It cannot be deleted either (its
entries are kept for ever); a subject in use cannot be deleted, only renamed.

The subject list installed with the platform (`STANDARD_SUBJECTS`, the State Council's subject
classification of official documents, 国务院公文主题分类) is written after `migrate` when the list
is empty, so every installation starts with it (`seed_subjects`, connected in apps.py).
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from auditlog import audit
from auditlog.events import AuditEvent
from disclosure.models import CatalogueEntry, Organisation, SubjectCategory
from sites.policies import CHANGE, policy_for

STANDARD_SUBJECTS = [
    ("综合政务", "zhzw"),
    ("国民经济管理、国有资产监管", "gmjjgl"),
    ("财政、金融、审计", "czjrsj"),
    ("国土资源、能源", "gtzyny"),
    ("农业、林业、水利", "nylysl"),
    ("工业、交通", "gyjt"),
    ("商贸、海关、旅游", "smhgly"),
    ("市场监管、安全生产监管", "scjg"),
    ("城乡建设、环境保护", "cxjshb"),
    ("科技、教育", "kjjy"),
    ("文化、广电、新闻出版", "whgd"),
    ("卫生、体育", "wsty"),
    ("人口与计划生育、妇女儿童工作", "rkjs"),
    ("劳动、人事、监察", "ldrs"),
    ("公安、安全、司法", "gaaq"),
    ("民政、扶贫、救灾", "mzfp"),
    ("民族、宗教", "mzzj"),
    ("对外事务", "dwsw"),
    ("港澳台侨工作", "gatq"),
    ("国防", "gf"),
    ("其他", "qt"),
]


def seed_subjects(apps=None, **kwargs) -> int:
    """Write the standard subject list when the platform has none (after migrate; idempotent)."""
    model = apps.get_model("disclosure", "SubjectCategory") if apps is not None else SubjectCategory
    if model.objects.exists():
        return 0
    model.objects.bulk_create(
        [model(name=name, code=code, position=(n + 1) * 10) for n, (name, code) in enumerate(STANDARD_SUBJECTS)],
        ignore_conflicts=True,
    )
    return len(STANDARD_SUBJECTS)


def _org_details(organisation: Organisation) -> dict:
    return {
        "name": organisation.name,
        "code": organisation.code,
        "site": organisation.site_id,
        "sub_unit": organisation.sub_unit_id,
    }


def _check_organisation(organisation: Organisation) -> None:
    organisation.name = (organisation.name or "").strip()
    organisation.code = (organisation.code or "").strip().upper().replace(" ", "")
    if organisation.sub_unit_id is not None and organisation.sub_unit.portal_id != organisation.site_id:
        raise ValidationError(
            {"sub_unit": _("The sub-unit %(unit)s belongs to another site.") % {"unit": organisation.sub_unit}},
            code="sub_unit_site",
        )
    organisation.full_clean()


def _save(obj, unique_message) -> None:
    try:
        with transaction.atomic():
            obj.save()
    except IntegrityError as error:  # two administrators at once: the constraint answers
        raise ValidationError(unique_message, code="unique") from error


@transaction.atomic
def create_organisation(site, *, name: str, code: str, sub_unit=None, acting_user) -> Organisation:
    organisation = Organisation(site=site, sub_unit=sub_unit, name=name, code=code)
    policy_for(Organisation).require(acting_user, CHANGE, organisation)
    _check_organisation(organisation)
    _save(organisation, _("This site or sub-unit already has its organisation, or the code is taken."))
    audit.record(
        AuditEvent.DISCLOSURE_ORGANISATION_CREATE, actor=acting_user, obj=organisation, site=site,
        details=_org_details(organisation),
    )  # fmt: skip
    return organisation


@transaction.atomic
def update_organisation(organisation: Organisation, *, name: str, code: str, sub_unit=None, acting_user):
    locked = Organisation.objects.select_for_update().get(pk=organisation.pk)
    policy_for(Organisation).require(acting_user, CHANGE, locked)
    before = _org_details(locked)
    code = (code or "").strip().upper().replace(" ", "")
    if code != locked.code and CatalogueEntry.objects.filter(organisation=locked).exists():
        raise ValidationError(
            {"code": _("The organisation has given out index numbers, so its code cannot change.")},
            code="code_in_use",
        )
    locked.name, locked.code, locked.sub_unit = name, code, sub_unit
    _check_organisation(locked)
    _save(locked, _("This site or sub-unit already has its organisation, or the code is taken."))
    after = _org_details(locked)
    if after != before:
        audit.record(
            AuditEvent.DISCLOSURE_ORGANISATION_UPDATE, actor=acting_user, obj=locked, site=locked.site,
            details={"before": before, "after": after},
        )  # fmt: skip
    return locked


@transaction.atomic
def delete_organisation(organisation: Organisation, *, acting_user) -> None:
    locked = Organisation.objects.select_for_update().get(pk=organisation.pk)
    policy_for(Organisation).require(acting_user, CHANGE, locked)
    if CatalogueEntry.objects.filter(organisation=locked).exists():
        raise ValidationError(
            _("“%(name)s” has given out index numbers; it is kept with its catalogue.") % {"name": locked.name},
            code="in_use",
        )
    audit.record(
        AuditEvent.DISCLOSURE_ORGANISATION_DELETE, actor=acting_user, obj=locked, site=locked.site,
        details=_org_details(locked),
    )  # fmt: skip
    locked.delete()


def _subject_details(subject: SubjectCategory) -> dict:
    return {"name": subject.name, "code": subject.code, "position": subject.position}


def _check_subject(subject: SubjectCategory) -> None:
    subject.name = (subject.name or "").strip()
    subject.code = (subject.code or "").strip().lower()
    subject.full_clean()


@transaction.atomic
def create_subject(*, name: str, code: str, position: int = 0, acting_user) -> SubjectCategory:
    policy_for(SubjectCategory).require(acting_user, CHANGE)
    subject = SubjectCategory(name=name, code=code, position=position)
    _check_subject(subject)
    _save(subject, _("A subject category of this name or code exists already."))
    audit.record(AuditEvent.SUBJECT_CATEGORY_CREATE, actor=acting_user, obj=subject, details=_subject_details(subject))
    return subject


@transaction.atomic
def update_subject(subject: SubjectCategory, *, name: str, code: str, position: int, acting_user):
    policy_for(SubjectCategory).require(acting_user, CHANGE, subject)
    locked = SubjectCategory.objects.select_for_update().get(pk=subject.pk)
    before = _subject_details(locked)
    locked.name, locked.code, locked.position = name, code, position
    _check_subject(locked)
    _save(locked, _("A subject category of this name or code exists already."))
    if _subject_details(locked) != before:
        audit.record(
            AuditEvent.SUBJECT_CATEGORY_UPDATE, actor=acting_user, obj=locked,
            details={"before": before, "after": _subject_details(locked)},
        )  # fmt: skip
    return locked


@transaction.atomic
def delete_subject(subject: SubjectCategory, *, acting_user) -> None:
    policy_for(SubjectCategory).require(acting_user, CHANGE, subject)
    locked = SubjectCategory.objects.select_for_update().get(pk=subject.pk)
    if CatalogueEntry.objects.filter(subject=locked).exists():
        raise ValidationError(
            _("“%(name)s” is the subject of catalogue entries; rename it instead.") % {"name": locked.name},
            code="in_use",
        )
    audit.record(AuditEvent.SUBJECT_CATEGORY_DELETE, actor=acting_user, obj=locked, details=_subject_details(locked))
    locked.delete()
