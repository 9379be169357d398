"""The monitoring app's words as the Chinese back office shows them (OPS-1..7, LINK-2, LINK-4, SEC-2).

- Every detail key that monitoring's audit entries store is named in words on the audit pages
  (backoffice/audit_details.py), and stored codes (a check's state, a link's state) read as words.
- The link-findings list names its columns in Chinese (a field without a verbose name shows its
  English field name).
"""

import ast
from pathlib import Path

import pytest
from django.utils import translation

from backoffice import audit_details
from monitoring.models.links import FriendLink, FriendLinkState, LinkFinding
from tests.backoffice import words

ROOT = Path(__file__).resolve().parents[2]
MONITORING_CODE = [*(ROOT / "monitoring").rglob("*.py"), *(ROOT / "backoffice").glob("monitoring_*.py")]


def _dict_keys(node) -> set[str]:
    return {key.value for key in getattr(node, "keys", []) if isinstance(key, ast.Constant)}


def _detail_keys(path: Path) -> set[str]:
    """The keys of the details every record(...) call in the module stores: literal dicts, and the
    dicts a module function passed as details returns (with its keyword arguments)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    functions = {node.name: node for node in ast.walk(tree) if isinstance(node, ast.FunctionDef)}
    keys = set()
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Call) and ast.unparse(node.func).split(".")[-1] == "record"):
            continue
        for keyword in node.keywords:
            if keyword.arg != "details":
                continue
            value = keyword.value
            keys |= _dict_keys(value)
            if isinstance(value, ast.Call) and isinstance(value.func, ast.Name) and value.func.id in functions:
                keys |= {k.arg for k in value.keywords if k.arg}
                for inner in ast.walk(functions[value.func.id]):
                    if isinstance(inner, ast.Return):
                        keys |= _dict_keys(inner.value)
    return keys


def test_the_scan_sees_monitorings_audit_details():
    keys = set().union(*(_detail_keys(path) for path in MONITORING_CODE))

    assert {"year", "due", "url", "state", "population", "until"} <= keys


def test_every_detail_key_of_monitorings_audit_entries_has_a_name():
    """OPS-5, OPS-7, PUB-6, LINK-4: no raw key ("url", "state", "due") on the audit pages."""
    unnamed = {
        f"{path.relative_to(ROOT)}: {key}"
        for path in MONITORING_CODE
        for key in _detail_keys(path)
        if key not in audit_details.KEY_LABELS
    }

    assert unnamed == set()


@pytest.mark.parametrize(
    "details",
    [
        {"day": "2026-12-01", "state": "veto"},  # a check run on demand (OPS-1)
        {"name": "甲市友情链接", "url": "https://www.s1.gov.cn/", "state": "proposed"},  # LINK-4
        {"name": "甲市友情链接", "url": "https://www.s1.gov.cn/", "state": "flagged", "reason": "无法访问"},
        {"reason": "首页长期未更新", "due": "2026-12-02T09:00:00+08:00"},  # a rectification order (OPS-5)
        {"year": 2026},
        {"count": 3, "population": 10, "seed": 42},
    ],
)
def test_monitoring_audit_details_read_in_chinese(details):
    with translation.override("zh-hans"):
        text = audit_details.describe(details)

    assert words.page_problems(f"<p>{text}</p>", ["https://www.s1.gov.cn/"]) == [], text


@pytest.mark.django_db
def test_a_friend_links_audit_entry_stores_its_state_as_a_code_read_as_words(platform_admin):
    """LINK-4: the entry's state is read in the reader's language, not frozen in the recorder's."""
    from auditlog.models import AuditEntry
    from monitoring.friend_links import propose_friend_link
    from tests.factories import SiteFactory

    site = SiteFactory()
    with translation.override("en"):
        propose_friend_link(site, name="乙市人民政府", url="https://www.s2.gov.cn/", acting_user=platform_admin)

    entry = AuditEntry.objects.get(object_type="monitoring.friendlink")
    assert entry.details["state"] == FriendLinkState.PROPOSED
    with translation.override("zh-hans"):
        assert str(FriendLinkState.PROPOSED.label) in audit_details.describe(entry.details)


def test_the_link_lists_fields_have_chinese_names():
    """LINK-2, LINK-4: the findings' and friendly links' lists and filters name their fields in Chinese."""
    with translation.override("zh-hans"):
        english = [
            f"{model._meta.label}.{field.name}: {field.verbose_name}"
            for model in (LinkFinding, FriendLink)
            for field in model._meta.concrete_fields
            if field.name != "id" and str(field.verbose_name).isascii()
        ]

    assert english == []


def _monitoring_choices():
    from monitoring import lines
    from monitoring.models import links, probes, reports, reposts
    from monitoring.models.checks import Trigger

    return [lines.State, Trigger, links.LinkKind, links.LinkProblem, links.FriendLinkState, links.FriendLinkCheck,
            probes.ProbeFailure, reports.RectificationStatus, reports.ReportStatus, reposts.Relation,
            reposts.OfferStatus]  # fmt: skip


def test_a_closed_rectification_order_is_not_read_as_a_closed_site():
    """OPS-5: "closed" of a site is 已关停 (shut down); a rectification order that is closed is done (已办结)."""
    from monitoring.models import RectificationStatus
    from sites.models import SiteStatus

    with translation.override("zh-hans"):
        order, site = str(RectificationStatus.CLOSED.label), str(SiteStatus.CLOSED.label)

    assert order == "已办结" and site == "已关停"


@pytest.mark.parametrize("choices", _monitoring_choices(), ids=lambda choices: choices.__name__)
def test_monitorings_choices_read_as_distinct_chinese_words(choices):
    """Each state of a monitoring record has its own Chinese word, none left in English."""
    with translation.override("zh-hans"):
        labels = [str(label) for label in choices.labels]

    assert len(set(labels)) == len(labels), labels
    assert not [label for label in labels if label.isascii()], labels
