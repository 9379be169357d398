"""The demo's letters, error reports and knowledge base (INT-1, INT-2, INT-3, INT-5).

On every demo site, made through the actions with past dates (the `now` of each step), so that
steps, deadlines, audit entries, the work pages' lists and the public listings are those a real
run would give:

- channels (INT-1) in the 互动交流 columns: the head's mailbox (领导信箱, in the 市长信箱 … column,
  for the site's first leader), and 咨询, 投诉 and 建议 in the 咨询投诉 column;
- letters in every state: received, forwarded (to a department site or to the portal), answered
  waiting for review, sent back, published (one reusable), kept private with the reason, a
  duplicate merged into the published letter; on the 教育局 site one letter received more than
  three months ago and never answered (for the monitoring of unanswered consultations);
- error reports (INT-3): a local one answered, a national one forwarded, and on the city portal a
  local one received 6 working days ago and never forwarded (overdue: escalated by the periodic
  task);
- the knowledge base (INT-5): Q&A entries of benchmarks/data/knowledge_questions.json published
  through the editorial workflow (the site's editor writes, its reviewer approves) in the 答问知识库
  column, and one entry drawn from the reusable answered letter.

The writers, numbers and texts are invented. Idempotent: a site that has letters (error reports,
Q&A entries) gets no more; channels are found by name.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone

from accounts.models import User
from columns.models import Column
from demo import data as demo_data
from demo import monitoring_demo
from demo import text as demo_text
from editorial import drafts, workflow
from interaction import channels as channel_actions
from interaction import error_reports as report_actions
from interaction import knowledge
from interaction import letters as letter_actions
from interaction.models import Channel, ChannelKind, ErrorReport, Letter, PrivateReason
from resources.models import Resource, ResourceKind
from sites.models import Site
from workdays import days

CHINA = ZoneInfo("Asia/Shanghai")
KNOWLEDGE_FILE = Path(settings.BASE_DIR) / "benchmarks" / "data" / "knowledge_questions.json"
CITY_ENTRIES = 10  # Q&A entries on the city portal; the other sites get a few
OTHER_ENTRIES = 3
UNANSWERED_SITE = "jyj"  # the department site with the letter unanswered for more than 3 months
UNANSWERED_DAYS = 100

WRITERS = [
    ("李明", "13800001234"),
    ("王芳", "13900002345"),
    ("张伟", "13700003456"),
    ("刘洋", "13600004567"),
    ("陈静", "13500005678"),
    ("杨磊", "13400006789"),
    ("赵敏", "13300007890"),
    ("孙强", "13200008901"),
]

# title, body (each formatted with the site's words)
LETTERS = {
    "received": (
        "关于小区周边道路照明不足的反映",
        "{region}和平路北段晚上路灯大多不亮，行人和电动车出行不安全，希望尽快维修。",
    ),
    "forwarded": (
        "咨询创业补贴的申请条件",
        "请问{region}今年创业方面的补贴需要什么条件，到哪里申请，需要准备哪些材料？",
    ),
    "answered": (
        "建议增加公交线路覆盖新建小区",
        "{region}东部新建小区入住率已经很高，但最近的公交站要走二十分钟，建议增设线路。",
    ),
    "sent_back": ("反映噪声扰民问题", "附近工地夜间十一点以后仍在施工，噪声很大，影响居民休息，请有关部门查处。"),
    "published": ("咨询办事大厅周末是否开放", "请问{unit}的办事大厅周六周日是否办公？上班族工作日很难请假。"),
    "private": (
        "反映某单位工作人员态度问题",
        "上周到窗口办事，工作人员态度生硬，没有一次性告知需要的材料，让我跑了三趟。",
    ),
    "duplicate": ("办事大厅周末能办业务吗", "想问一下周末能不能去{unit}的办事大厅办理业务，平时要上班。"),
    "unanswered": (
        "咨询学校课后服务收费标准",
        "孩子所在学校的课后服务每学期收费八百元，请问收费标准是怎么定的，是否经过审批？",
    ),
}
ANSWERS = {
    "answered": "您好！您反映的情况已转交公交公司研究，拟在年内开通一条社区微循环线路，具体线路将另行公告。",
    "sent_back": "您好！已转有关部门处理。",
    "published": "您好！{unit}政务服务大厅实行周末“不打烊”服务，每周六上午9:00至12:00办理常用业务，"
    "其他时间可通过网上办事大厅在线办理。感谢您的关注！",
    "private": "您好！经核查，当日窗口工作人员已按规定一次性告知所需材料，您反映的情况与事实不符。",
}


def _at(day: dt.date, hour: int = 10) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour), tzinfo=CHINA)


def _back(today: dt.date, working: int) -> dt.date:
    """The working day `working` working days before `today`."""
    day = today
    while working > 0:
        day -= dt.timedelta(days=1)
        if days.is_working_day(day):
            working -= 1
    return day


def _staff(spec: dict) -> dict[str, User]:
    return {role: User.objects.get(username=f"{spec['key']}_{role}") for role in ("editor", "reviewer", "admin")}


def _column(site: Site, slug: str) -> Column | None:
    return Column.objects.filter(site=site, parent__slug="hdjl", slug=slug).first()


def ensure_channels(site: Site, spec: dict, admin: User) -> dict[str, Channel]:
    """The site's channels by kind (created when missing, by the site's administrator)."""
    words = spec["words"]
    mailbox = _column(site, words["mailbox_slug"])
    letters = _column(site, "zxts")
    head = demo_text.LEADERS[spec["key"]][0][0]
    wanted = [
        (mailbox, ChannelKind.LEADER_MAILBOX, words["mailbox"], head, True),
        (letters, ChannelKind.CONSULTATION, "咨询", "", True),
        (letters, ChannelKind.COMPLAINT, "投诉", "", False),
        (letters, ChannelKind.SUGGESTION, "建议", "", True),
    ]
    found = {}
    for column, kind, name, leader, anonymous in wanted:
        if column is None:
            continue
        channel = Channel.objects.filter(site=site, name=name).first()
        if channel is None:
            channel = channel_actions.create_channel(
                site, acting_user=admin, name=name, kind=kind, leader_name=leader, column=column,
                answer_working_days=10 if kind != ChannelKind.CONSULTATION else 5, allows_anonymous=anonymous,
            )  # fmt: skip
        found[kind] = channel
    return found


def _write(channel: Channel, key: str, spec: dict, number: int, day: dt.date) -> Letter:
    title, body = LETTERS[key]
    name, phone = WRITERS[number % len(WRITERS)]
    data = {"writer_name": name, "writer_phone": phone, "title": title.format_map(spec["words"]),
            "body": body.format_map(spec["words"])}  # fmt: skip
    letter, _code = letter_actions.submit(channel, data, now=_at(day, 9))
    return letter


def _answer(letter, key, spec, staff, day, *, reusable=False) -> Letter:
    return letter_actions.answer(
        letter, text=ANSWERS[key].format_map(spec["words"]), replying_department=spec["words"]["unit"],
        reusable=reusable, acting_user=staff["reviewer"], now=_at(day, 15),
    )  # fmt: skip


def build_letters(site: Site, spec: dict, sites: dict[str, Site], today: dt.date) -> int:
    if Letter.objects.filter(channel__site=site).exists():
        return 0
    staff = _staff(spec)
    channels = ensure_channels(site, spec, staff["admin"])
    consult = channels[ChannelKind.CONSULTATION]
    mailbox = channels[ChannelKind.LEADER_MAILBOX]
    suggest = channels[ChannelKind.SUGGESTION]
    made = 0

    def write(channel, key, working_days_ago):
        nonlocal made
        made += 1
        return _write(channel, key, spec, made, _back(today, working_days_ago))

    write(mailbox, "received", 2)  # received, being handled
    forwarded = write(consult, "forwarded", 4)
    target = sites[demo_data.CITY] if site.parent_id else sites["jyj"]  # a department: to the portal
    letter_actions.forward(
        forwarded, to_site=target, note="属于该单位职责范围，请研究答复。",
        acting_user=staff["reviewer"], now=_at(_back(today, 3), 11),
    )  # fmt: skip
    answered = write(suggest, "answered", 6)
    _answer(answered, "answered", spec, staff, _back(today, 1))  # waiting for review
    sent_back = write(mailbox, "sent_back", 8)
    _answer(sent_back, "sent_back", spec, staff, _back(today, 4))
    letter_actions.review(
        sent_back, decision=letter_actions.SEND_BACK, reason="答复过于简单，请写明转交的部门和处理结果。",
        acting_user=staff["admin"], now=_at(_back(today, 3), 10),
    )  # fmt: skip
    published = write(consult, "published", 20)
    _answer(published, "published", spec, staff, _back(today, 17), reusable=True)
    letter_actions.review(published, decision=letter_actions.PUBLISH, acting_user=staff["admin"],
                          now=_at(_back(today, 16), 10))  # fmt: skip
    private = write(mailbox, "private", 15)
    _answer(private, "private", spec, staff, _back(today, 10))
    letter_actions.review(
        private, decision=letter_actions.KEEP_PRIVATE, private_reason=PrivateReason.UNTRUE,
        reason="经核查反映情况不属实。", acting_user=staff["admin"], now=_at(_back(today, 9), 10),
    )  # fmt: skip
    duplicate = write(consult, "duplicate", 12)
    letter_actions.merge(duplicate, into=published, note="与已答复的来信反映同一问题。",
                         acting_user=staff["reviewer"], now=_at(_back(today, 11), 10))  # fmt: skip
    if spec["key"] == UNANSWERED_SITE:  # more than 3 months without an answer (G §8 monitoring)
        made += 1
        _write(consult, "unanswered", spec, made, today - dt.timedelta(days=UNANSWERED_DAYS))
    if spec["key"] == monitoring_demo.QUIET_SITE:  # waiting past the warning line, not yet the veto (OPS-1)
        made += 1
        _write(consult, "unanswered", spec, made, today - dt.timedelta(days=monitoring_demo.WAITING_LETTER_DAYS))
    return made


def build_error_reports(site: Site, spec: dict, today: dt.date) -> int:
    if ErrorReport.objects.filter(site=site).exists():
        return 0
    staff = _staff(spec)
    domain = site.domains.order_by("id").values_list("name", flat=True).first() or ""
    received = _back(today, 5)
    local = report_actions.submit(
        site, {"page_url": f"https://{domain}/tzgg/", "kind": "not_updated",
               "description": "通知公告栏目最新一条还是两个月前的，是否没有及时更新？", "contact": "13800009999"},
        now=_at(received, 9),
    )  # fmt: skip
    report_actions.forward(local, to="办公室", acting_user=staff["reviewer"], now=_at(received, 15))
    report_actions.answer(local, text="感谢您的反馈，栏目内容已更新。", acting_user=staff["admin"],
                          now=_at(_back(today, 3), 10))  # fmt: skip
    received = _back(today, 2)
    national = report_actions.enter_national(
        site, {"page_url": f"https://{domain}/", "kind": "unreachable", "description": "首页“办事服务”链接打不开。"},
        national_number=f"ZFWZ{received:%Y%m%d}{site.pk:04d}", received_on=received,
        acting_user=staff["reviewer"], now=_at(received, 11),
    )  # fmt: skip
    report_actions.forward(national, to="信息中心", acting_user=staff["reviewer"], now=_at(_back(today, 1), 9))
    made = 2
    if spec["key"] == demo_data.CITY:  # overdue: never forwarded
        report_actions.submit(
            site, {"page_url": f"https://{domain}/zwgk/", "kind": "typo",
                   "description": "政务公开栏目说明中“规范性文件”写成了“规范姓文件”。"},
            now=_at(_back(today, 6), 14),
        )  # fmt: skip
        made += 1
    return made


def _entries() -> list[dict]:
    return json.loads(KNOWLEDGE_FILE.read_text(encoding="utf-8"))["entries"]


def build_knowledge(site: Site, spec: dict, offset: int) -> int:
    column = knowledge.knowledge_column(site)
    if column is None or Resource.objects.filter(site=site, kind=ResourceKind.QA).exists():
        return 0
    staff = _staff(spec)
    count = CITY_ENTRIES if spec["key"] == demo_data.CITY else OTHER_ENTRIES
    made = 0
    for entry in _entries()[offset : offset + count]:
        resource = drafts.create_resource(
            site, ResourceKind.QA, title=entry["title"], column=column, acting_user=staff["editor"],
            data={"question": entry["question"], "answer": entry["answer"], "source_letter": None},
        )  # fmt: skip
        workflow.submit(resource, acting_user=staff["editor"])
        workflow.approve(resource, acting_user=staff["reviewer"])
        made += 1
    reusable = Letter.objects.filter(site=site, reusable=True, status="published").order_by("id").first()
    if reusable is not None and knowledge.entry_of_letter(reusable) is None:  # drawn from a letter (INT-5)
        resource = knowledge.make_entry_from_letter(reusable, staff["editor"])
        workflow.submit(resource, acting_user=staff["editor"])
        workflow.approve(resource, acting_user=staff["reviewer"])
        made += 1
    return made


def build(sites: dict[str, Site]) -> dict[str, int]:
    """Channels, letters, error reports and Q&A entries on every demo site; the counts made."""
    today = timezone.localdate()
    made = {"letters": 0, "error_reports": 0, "qa_entries": 0}
    offset = 0
    for spec in demo_data.SITES:
        site = sites.get(spec["key"])
        if site is None:
            continue
        made["letters"] += build_letters(site, spec, sites, today)
        made["error_reports"] += build_error_reports(site, spec, today)
        made["qa_entries"] += build_knowledge(site, spec, offset)
        offset += CITY_ENTRIES if spec["key"] == demo_data.CITY else OTHER_ENTRIES
    return made
