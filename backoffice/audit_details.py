"""Audit entry details as text a person reads (SEC-2).

`record()` stores details as JSON for the machine; pages and the CSV export show them through
`describe()`: each known key under its translated name, yes/no for flags, times in local time,
lists joined, nested values in brackets. A key not listed here is shown as it is stored.
"""

from datetime import datetime

from django.apps import apps
from django.utils import timezone
from django.utils.translation import gettext as gettext_now
from django.utils.translation import gettext_lazy as _

from columns.models import SubUnitKind
from disclosure.models import AnswerForm, ApplicantKind, RequestOutcome
from editorial.models import PlacementStatus, WordList
from interaction.models import ChannelKind, ErrorKind, Escalation, PrivateReason
from lifecycle.models import ApplicationKind, ApplicationStatus, FilingKind, RegistrationItem
from monitoring.lines import State
from monitoring.models.links import FriendLinkState
from resources.models import Disclosure, ResourceKind, ResourceStatus
from sites.models import Role, SiteKind, SiteStatus

KEY_LABELS = {
    "path": _("path"),
    "target": _("target"),
    "position": _("place among siblings"),
    "before": _("before"),
    "after": _("after"),
    "changes": _("changes"),
    "platform_admin": _("platform administrator"),
    "user": _("user"),
    "role": _("role"),
    "retention_days": _("retention period (days)"),
    "deleted": _("deleted"),
    "rows": _("rows"),
    "filters": _("filters"),
    "selected": _("selected entries only"),
    "files": _("files"),
    "reason": _("reason"),
    "count": _("count"),
    "owning_site": _("owning site"),
    "pinned": _("pinned"),
    "home": _("in its own site"),
    "column": _("column"),
    "column_name": _("column name"),
    "resource": _("content"),
    "repost": _("repost"),
    "order": _("order"),
    "domain": _("domain"),
    "refused": _("items refused"),
    "added": _("added"),
    "changed": _("changed"),
    "missing": _("missing"),
    "counts": _("counts"),
    "repaired": _("repaired"),
    "restored": _("restored"),
    "quarantine": _("quarantine folder"),
    "remaining": _("remaining"),
    "revision": _("version"),
    "levels": _("review levels"),
    "level": _("review level"),
    "flags": _("check warnings"),
    "replaces_approved": _("replaces approved version"),
    "together_with": _("approved together with"),
    "decision": _("decision"),
    "publish_at": _("publish at"),
    "unpublish_at": _("unpublish at"),
    "kind": _("kind"),
    "type": _("file type"),
    "size": _("size (bytes)"),
    "sha256": _("SHA-256 checksum"),
    "renditions": _("image widths"),
    "previous_status": _("previous status"),
    "note": _("note"),
    "restored_from": _("restored from version"),
    "replaced": _("replaced version"),
    "word": _("word"),
    "plain": _("plain word"),
    "official": _("official word"),
    "term": _("term"),
    "primary_domain": _("primary domain"),
    "topic": _("topic"),
    "columns": _("columns"),
    "archived_at": _("archived at"),
    "subject": _("subject"),
    "application": _("application"),
    "moved": _("moved"),
    "resources": _("contents"),
    "default_column": _("default column"),
    "announcement": _("announcement"),
    "portal": _("portal"),
    "until": _("until"),
    "item": _("item"),
    "value": _("value"),
    "status": _("status"),
    "from": _("from"),
    "force_majeure": _("force majeure"),
    "planned": _("planned at"),
    "check": _("security check"),
    "passed": _("passed"),
    "report": _("report"),
    "name": _("name"),
    "members": _("members"),
    "username": _("user name"),
    "step": _("step"),
    "failures": _("failures"),
    "was_locked": _("was locked"),
    "accounts": _("accounts"),
    "addresses": _("addresses"),
    "account": _("account"),
    "address": _("address"),
    "code_throttles_reset": _("code throttles reset"),
    "list": _("word list"),
    "text": _("text"),
    "suggestion": _("suggestion"),
    "id": _("ID"),
    "field": _("field"),
    "excerpt": _("excerpt"),
    "documents": _("documents"),
    "seconds": _("seconds"),
    "vocabulary": _("vocabulary terms"),
    "total_seconds": _("total seconds"),
    "parent": _("parent column"),
    "day": _("date"),
    "working": _("working day"),
    "years": _("years"),
    "days_off": _("days off"),
    "working_days": _("make-up working days"),
    # the catalogue (DISC-2, PUB-10)
    "index_number": _("index number"),
    "organisation": _("organisation"),
    "made_on": _("made or changed on"),
    "due_on": _("to be disclosed by"),
    "late": _("late"),
    # supervision (OPS-2, OPS-3, OPS-5, OPS-7)
    "year": _("year"),
    "due": _("deadline"),
    "population": _("sites monitored"),
    "seed": _("random seed"),
    # monitoring: a check run on demand (OPS-1), friendly links (LINK-4)
    "state": _("state"),
    "url": _("address"),
    # applications for disclosure (DISC-3)
    "paused_working_days": _("working days not counted"),
    "extension_days": _("working days of the extension"),
    "proposed_by": _("proposed by"),
    "answer_form": _("form of the answer"),
    "outcome": _("outcome"),
    "attachments": _("attachments"),
    "applicant_kind": _("applicant"),
    "disclosure": _("disclosure attribute"),
    "disclosure_reason": _("reason for not disclosing"),
    "document_number": _("document number"),
    "issuing_organisation": _("issuing organisation"),
    "written_on": _("date of creation"),
    "code": _("organisation code"),
    "sub_unit": _("sub-unit"),
    "site": _("site"),
    # citizens' letters (INT-1, INT-2)
    "channel": _("channel"),
    "on_time": _("answered on time"),
    "answer_working_days": _("working days taken"),
    "forwarded_from": _("forwarded from"),
    "forwarded_to": _("forwarded to"),
    "private_reason": _("reason not published"),
    "into": _("merged into"),
    "leader_name": _("leader's name"),
    "allows_anonymous": _("anonymous letters allowed"),
    "is_open": _("open for letters"),
    # error reports (INT-3)
    "stage": _("escalation"),
}

# Stored codes that a person would not understand, per key.
VALUE_LABELS = {
    "reason": {"max_age": _("the longest session allowed was reached"), "idle": _("idle for too long")},
    "step": {"second_factor": _("second factor")},
    "role": dict(Role.choices),
    # The kinds and states of resources, filings, applications, sites and placements; their
    # codes do not overlap but for words whose labels agree ("approved", "department").
    "kind": {
        **dict(SubUnitKind.choices),
        **dict(SiteKind.choices),
        **dict(ApplicationKind.choices),
        **dict(FilingKind.choices),
        **dict(ResourceKind.choices),
        **dict(ChannelKind.choices),
        **dict(ErrorKind.choices),
    },  # fmt: skip
    "status": {
        **dict(PlacementStatus.choices),
        **dict(SiteStatus.choices),
        **dict(ApplicationStatus.choices),
        **dict(ResourceStatus.choices),
    },  # fmt: skip
    "list": dict(WordList.choices),
    "item": dict(RegistrationItem.choices),
    "disclosure": dict(Disclosure.choices),
    "answer_form": dict(AnswerForm.choices),
    "outcome": dict(RequestOutcome.choices),
    "applicant_kind": dict(ApplicantKind.choices),
    "private_reason": dict(PrivateReason.choices),
    "stage": dict(Escalation.choices),
    # A check run's state and a friendly link's state: their codes do not overlap.
    "state": {**dict(State.choices), **dict(FriendLinkState.choices)},
}
VALUE_LABELS["previous_status"] = VALUE_LABELS["status"]


def _time(text: str) -> str | None:
    """A stored ISO time as local time, or None when the text is not a time."""
    if len(text) < 19 or text[4] != "-" or text[10] != "T":
        return None
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return None
    if timezone.is_aware(moment):
        moment = timezone.localtime(moment)
    return moment.strftime("%Y-%m-%d %H:%M")


def _value(key: str, value) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return gettext_now("Yes") if value else gettext_now("No")  # Django's own catalogue: 是 / 否
    if isinstance(value, dict):
        return "（" + describe(value) + "）"
    if isinstance(value, list | tuple):
        return "、".join(_value(key, item) for item in value) or "—"
    if isinstance(value, str):
        known = VALUE_LABELS.get(key, {}).get(value)
        if known is not None:
            return str(known)
        return _time(value) or value
    return str(value)


def label(key: str) -> str:
    return str(KEY_LABELS.get(key, key))


def describe(details) -> str:
    """The details as one line of text, e.g. "路径：/xxgk；变更前：/a"."""
    if not details:
        return ""
    if not isinstance(details, dict):
        return _value("", details)
    return "；".join(f"{label(key)}：{_value(key, value)}" for key, value in details.items())


def object_type_label(object_type: str) -> str:
    """The stored model label ("sites.site") as the model's name ("网站"); other types as stored."""
    if "." not in object_type:
        return object_type
    try:
        return str(apps.get_model(object_type)._meta.verbose_name)
    except (LookupError, ValueError):
        return object_type
