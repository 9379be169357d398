"""The national layout of the site's annual work report (政府网站年度工作报表, OPS-3; 政府网站发展
指引 §8(二)5: "年度信息发布总数和各栏目发布数、用户总访问量、服务事项数和受理量、网民留言办理情况，以及
平台建设、开设专题、新媒体传播、创新发展和机制保障等情况"), section by section, field by field.

Each field says where its value comes from:
- COUNTED: counted from the platform's records by monitoring/annual_reports.py, not editable;
- OFFERED: counted or known when the report is generated, and editable (the platform knows a
  first value, the site may know better: e.g. problems found by its own security assessments);
- ENTERED: only the site knows (service items, surveys, new media …): filled in by hand;
- SIGNED: set by the workflow (the person who submits, who reviews, the date).
"""

from __future__ import annotations

from dataclasses import dataclass

COUNTED, OFFERED, ENTERED, SIGNED = "counted", "offered", "entered", "signed"
INT, DECIMAL, TEXT, YES_NO = "int", "decimal", "text", "yes_no"


@dataclass(frozen=True)
class Field:
    key: str
    label: str
    kind: str = INT
    source: str = COUNTED
    unit: str = ""

    @property
    def editable(self) -> bool:
        return self.source in (OFFERED, ENTERED)


@dataclass(frozen=True)
class Section:
    title: str
    fields: tuple[Field, ...]


SECTIONS = (
    Section("网站基本情况", (
        Field("site_name", "网站名称", TEXT),
        Field("home_url", "首页网址", TEXT),
        Field("organiser", "主办单位", TEXT),
        Field("site_type", "网站类型", TEXT),
        Field("id_code", "政府网站标识码", TEXT),
        Field("icp_number", "ICP备案编号", TEXT),
        Field("psb_number", "公安机关备案号", TEXT),
        Field("visitors", "独立用户访问总量", INT, OFFERED, "个"),
        Field("views", "网站总访问量", INT, OFFERED, "次"),
    )),
    Section("信息发布", (
        Field("items_total", "总数", INT, COUNTED, "条"),
        Field("items_overview", "概况类信息更新量", INT, COUNTED, "条"),
        Field("items_news", "政务动态信息更新量", INT, COUNTED, "条"),
        Field("items_catalogue", "信息公开目录信息更新量", INT, COUNTED, "条"),
    )),
    Section("专栏专题", (
        Field("topics_maintained", "维护数量", INT, COUNTED, "个"),
        Field("topics_new", "新开设数量", INT, COUNTED, "个"),
    )),
    Section("解读回应", (
        Field("interpretations_total", "解读信息发布总数", INT, COUNTED, "条"),
        Field("interpretation_materials", "其中：解读材料数量", INT, COUNTED, "条"),
        Field("interpretation_products", "其中：解读产品数量", INT, ENTERED, "条"),
        Field("media_commentary", "其中：媒体评论文章数量", INT, ENTERED, "篇"),
        Field("responses", "回应公众关注热点或重大舆情数量", INT, COUNTED, "次"),
    )),
    Section("办事服务", (
        Field("service_catalogue", "是否发布服务事项目录", YES_NO, ENTERED),
        Field("registered_users", "注册用户数", INT, ENTERED, "个"),
        Field("service_items", "政务服务事项数量", INT, ENTERED, "项"),
        Field("online_items", "可全程在线办理政务服务事项数量", INT, ENTERED, "项"),
        Field("cases_total", "办件量总数", INT, ENTERED, "件"),
        Field("cases_person", "其中：自然人办件量", INT, ENTERED, "件"),
        Field("cases_legal", "其中：法人办件量", INT, ENTERED, "件"),
    )),
    Section("互动交流", (
        Field("unified_platform", "是否使用统一平台", YES_NO, OFFERED),
        Field("letters_received", "留言办理：收到留言数量", INT, COUNTED, "条"),
        Field("letters_done", "留言办理：办结留言数量", INT, COUNTED, "条"),
        Field("letters_average_days", "留言办理：平均办理时间", DECIMAL, COUNTED, "天"),
        Field("letters_public", "留言办理：公开答复数量", INT, COUNTED, "条"),
        Field("surveys", "征集调查：征集调查期数", INT, ENTERED, "期"),
        Field("survey_opinions", "征集调查：收到意见数量", INT, ENTERED, "条"),
        Field("survey_results", "征集调查：公布调查结果期数", INT, ENTERED, "期"),
        Field("interviews", "在线访谈：访谈期数", INT, ENTERED, "期"),
        Field("interview_messages", "在线访谈：网民留言数量", INT, ENTERED, "条"),
        Field("interview_answers", "在线访谈：答复网民提问数量", INT, ENTERED, "条"),
        Field("smart_answers", "是否提供智能问答", YES_NO, ENTERED),
    )),
    Section("安全防护", (
        Field("security_assessments", "安全检测评估次数", INT, ENTERED, "次"),
        Field("problems_found", "发现问题数量", INT, OFFERED, "个"),
        Field("problems_rectified", "问题整改数量", INT, OFFERED, "个"),
        Field("monitoring_mechanism", "是否建立安全监测预警机制", YES_NO, OFFERED),
        Field("emergency_drill", "是否开展应急演练", YES_NO, ENTERED),
        Field("security_officer", "是否明确网站安全负责人", YES_NO, ENTERED),
    )),
    Section("移动新媒体", (
        Field("new_media", "是否有移动新媒体", YES_NO, ENTERED),
        Field("weibo_name", "微博：名称", TEXT, ENTERED),
        Field("weibo_posts", "微博：信息发布量", INT, ENTERED, "条"),
        Field("weibo_followers", "微博：关注量", INT, ENTERED, "个"),
        Field("wechat_name", "微信：名称", TEXT, ENTERED),
        Field("wechat_posts", "微信：信息发布量", INT, ENTERED, "条"),
        Field("wechat_subscribers", "微信：订阅数", INT, ENTERED, "个"),
        Field("new_media_other", "其他", TEXT, ENTERED),
    )),
    Section("创新发展", (
        Field("search_as_service", "搜索即服务", YES_NO, ENTERED),
        Field("multilingual", "多语言版本", YES_NO, ENTERED),
        Field("accessible", "无障碍浏览", YES_NO, ENTERED),
        Field("personalised", "千人千网", YES_NO, ENTERED),
        Field("innovation_other", "其他", TEXT, ENTERED),
    )),
    Section("填报信息", (
        Field("filing_unit", "填报单位", TEXT, OFFERED),
        Field("head", "单位负责人", TEXT, OFFERED),
        Field("reviewer", "审核人", TEXT, SIGNED),
        Field("filler", "填报人", TEXT, SIGNED),
        Field("phone", "联系电话", TEXT, OFFERED),
        Field("filled_on", "填报日期", TEXT, SIGNED),
    )),
)  # fmt: skip

FIELDS = {field.key: field for section in SECTIONS for field in section.fields}


def shown(field: Field, value) -> str:
    """A value as the published table shows it."""
    if value is None or value == "":
        return "—"
    if field.kind == YES_NO:
        return "是" if value else "否"
    if field.kind == DECIMAL:
        return f"{float(value):.1f}"
    return str(value)


def rows(data: dict) -> list[dict]:
    """The report's sections with their fields' shown values, for the page and the back office."""
    return [
        {
            "title": section.title,
            "fields": [
                {"key": f.key, "label": f.label, "unit": f.unit, "value": shown(f, data.get(f.key)),
                 "editable": f.editable}
                for f in section.fields
            ],
        }  # fmt: skip
        for section in SECTIONS
    ]
