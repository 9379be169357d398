"""The annual report's tables as rows of labels and numbers (DISC-4), from its data: the one
shape that the published page (templates/site/disclosure_annual_report.html), the DOCX download
(disclosure/report_docx.py) and the back office's summary read. Labels are the national format's.
"""

from __future__ import annotations

from dataclasses import dataclass, field

APPLICANT_COLUMNS = [
    ("natural", "自然人"),
    ("business", "商业企业"),
    ("research", "科研机构"),
    ("public_interest", "社会公益组织"),
    ("legal_service", "法律服务机构"),
    ("other_org", "其他"),
]
# 三、本年度办理结果: (group label, [(outcome, label)]); a group of one row is that row.
OUTCOME_GROUPS = [
    ("（一）予以公开", [("granted", "")]),
    ("（二）部分公开（区分处理的，只计这一情形，不计其他情形）", [("partial", "")]),
    ("（三）不予公开", [
        ("refused_secret", "1.属于国家秘密"),
        ("refused_law", "2.其他法律行政法规禁止公开"),
        ("refused_safety", "3.危及“三安全一稳定”"),
        ("refused_third_party", "4.保护第三方合法权益"),
        ("refused_internal", "5.属于三类内部事务信息"),
        ("refused_process", "6.属于四类过程性信息"),
        ("refused_enforcement", "7.属于行政执法案卷"),
        ("refused_query", "8.属于行政查询事项"),
    ]),
    ("（四）无法提供", [
        ("unable_not_held", "1.本机关不掌握相关政府信息"),
        ("unable_needs_making", "2.没有现成信息需要另行制作"),
        ("unable_unclear", "3.补正后申请内容仍不明确"),
    ]),
    ("（五）不予处理", [
        ("not_handled_petition", "1.信访举报投诉类申请"),
        ("not_handled_repeat", "2.重复申请"),
        ("not_handled_publication", "3.要求提供公开出版物"),
        ("not_handled_mass", "4.无正当理由大量反复申请"),
        ("not_handled_confirm", "5.要求行政机关确认或重新出具已获取信息"),
    ]),
    ("（六）其他处理", [
        ("other_no_completion", "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请"),
        ("other_no_fee", "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请"),
        ("other", "3.其他"),
    ]),
]  # fmt: skip
REMEDY_ROWS = [
    ("reconsideration", "行政复议"),
    ("lawsuit_direct", "行政诉讼（未经复议直接起诉）"),
    ("lawsuit_after", "行政诉讼（复议后起诉）"),
]
REMEDY_COLUMNS = [("upheld", "结果维持"), ("corrected", "结果纠正"), ("other", "其他结果"), ("pending", "尚未审结")]
KIND_NAMES = {
    "article": "文章", "policy": "政策文件", "interpretation": "政策解读", "institution": "机构职能",
    "leader": "负责人信息", "attachment": "文件", "video": "视频", "image": "图片", "link": "链接",
    "guide": "信息公开指南", "annual_report": "信息公开年报",
}  # fmt: skip


@dataclass
class Row:
    label: str
    numbers: list = field(default_factory=list)
    group: str = ""  # the group a numbered row belongs to (read before its label by screen readers)
    heading: bool = False  # a row that only names a group
    total: bool = False


@dataclass
class Table:
    caption: str
    columns: list[str]
    rows: list[Row]
    column_groups: list[tuple[str, int]] = field(default_factory=list)  # a header row above `columns`
    corner: str = "信息内容"


def _n(value) -> int:
    try:
        return int(value or 0)
    except (TypeError, ValueError):
        return 0


def _cell(data: dict, table: str, row: str, col: str) -> int:
    return _n(((data.get(table) or {}).get(row) or {}).get(col))


def proactive_tables(data: dict) -> list[Table]:
    """二、主动公开政府信息情况: the four tables of 第二十条 (一)(五)(六)(八)."""
    computed = data.get("computed") or {}
    normative = computed.get("normative") or {}
    return [
        Table("第二十条第（一）项", ["本年制发件数", "本年废止件数", "现行有效件数"], [
            Row("规章", [_cell(data, "rules", "rules", c) for c in ("made", "repealed", "in_force")]),
            Row("行政规范性文件", [_n(normative.get(c)) for c in ("made", "repealed", "in_force")]),
        ]),
        Table("第二十条第（五）项", ["本年处理决定数量"], [
            Row("行政许可", [_cell(data, "decisions", "licensing", "decisions")]),
        ]),
        Table("第二十条第（六）项", ["本年处理决定数量"], [
            Row("行政处罚", [_cell(data, "decisions", "penalty", "decisions")]),
            Row("行政强制", [_cell(data, "decisions", "enforcement", "decisions")]),
        ]),
        Table("第二十条第（八）项", ["本年收费金额（单位：万元）"], [
            Row("行政事业性收费", [str(data.get("fees") or "0.00")]),
        ]),
    ]  # fmt: skip


def _with_total(counts: dict) -> list[int]:
    numbers = [_n((counts or {}).get(kind)) for kind, _label in APPLICANT_COLUMNS]
    return [*numbers, sum(numbers)]


def request_table(data: dict) -> Table:
    """三、收到和处理政府信息公开申请情况."""
    requests = (data.get("computed") or {}).get("requests") or {}
    outcomes = requests.get("outcomes") or {}
    rows = [
        Row("一、本年新收政府信息公开申请数量", _with_total(requests.get("new"))),
        Row("二、上年结转政府信息公开申请数量", _with_total(requests.get("carried_over"))),
        Row("三、本年度办理结果", heading=True),
    ]
    total = [0] * (len(APPLICANT_COLUMNS) + 1)
    for group, members in OUTCOME_GROUPS:
        if len(members) == 1 and not members[0][1]:
            numbers = _with_total(outcomes.get(members[0][0]))
            rows.append(Row(group, numbers))
            total = [a + b for a, b in zip(total, numbers, strict=True)]
            continue
        rows.append(Row(group, heading=True))
        for outcome, label in members:
            numbers = _with_total(outcomes.get(outcome))
            rows.append(Row(label, numbers, group=group.strip("（）一二三四五六七")))
            total = [a + b for a, b in zip(total, numbers, strict=True)]
    rows.append(Row("（七）总计", total, total=True))
    rows.append(Row("四、结转下年度继续办理", _with_total(requests.get("carried_forward"))))
    return Table(
        "收到和处理政府信息公开申请情况",
        [label for _kind, label in APPLICANT_COLUMNS] + ["总计"],
        rows,
        column_groups=[("自然人", 1), ("法人或其他组织", 5), ("总计", 1)],
        corner="申请人情况",
    )


def remedy_table(data: dict) -> Table:
    """四、政府信息公开行政复议、行政诉讼情况."""
    rows = []
    for row, label in REMEDY_ROWS:
        numbers = [_cell(data, "remedies", row, col) for col, _label in REMEDY_COLUMNS]
        rows.append(Row(label, [*numbers, sum(numbers)]))
    return Table("政府信息公开行政复议、行政诉讼情况", [label for _c, label in REMEDY_COLUMNS] + ["总计"], rows,
                 corner="类别")  # fmt: skip


def disclosed_summary(data: dict) -> str:
    """One sentence on what the catalogue disclosed in the year, by kind ('' when nothing)."""
    disclosed = (data.get("computed") or {}).get("disclosed") or {}
    total = _n(disclosed.get("total"))
    if not total:
        return ""
    parts = [
        f"{KIND_NAMES.get(kind, kind)}{_n(n)}条"
        for kind, n in sorted((disclosed.get("by_kind") or {}).items(), key=lambda kv: (-_n(kv[1]), kv[0]))
    ]
    return f"本年度通过政府信息公开目录主动公开政府信息{total}条，其中{'、'.join(parts)}。"


def computed_lines(computed: dict) -> list[str]:
    """What was counted, as lines for the back office (read-only display and the diff)."""
    if not computed:
        return []
    data = {"computed": computed}
    lines = []
    summary = disclosed_summary(data)
    if summary:
        lines.append(summary)
    normative = computed.get("normative") or {}
    lines.append(
        f"行政规范性文件：本年制发{_n(normative.get('made'))}件，本年废止{_n(normative.get('repealed'))}件，"
        f"现行有效{_n(normative.get('in_force'))}件"
    )
    table = request_table(data)
    for row in table.rows:
        if row.numbers and (row.total or row.label.startswith(("一、", "二、", "四、"))):
            lines.append(f"{row.label}：{row.numbers[-1]}件")
    if computed.get("counted_at"):
        lines.append(f"统计时间：{computed['counted_at'].replace('T', ' ')[:16]}")
    return lines


def overview_draft(data: dict) -> str:
    """The first paragraph of 一、总体情况 in a new draft: the year's numbers, for the editor to go on from."""
    computed = data.get("computed") or {}
    year = data.get("year") or computed.get("year")
    requests = request_table(data)
    by_label = {row.label: row for row in requests.rows}
    new = by_label["一、本年新收政府信息公开申请数量"].numbers[-1]
    carried = by_label["二、上年结转政府信息公开申请数量"].numbers[-1]
    answered = by_label["（七）总计"].numbers[-1]
    forward = by_label["四、结转下年度继续办理"].numbers[-1]
    sentences = [disclosed_summary(data)] if disclosed_summary(data) else []
    sentences.append(
        f"{year}年，本机关新收政府信息公开申请{new}件，上年结转{carried}件，办结{answered}件，结转下年度继续办理{forward}件。"
    )
    return "".join(f"<p>{sentence}</p>" for sentence in sentences)


def page_context(data: dict) -> dict:
    """The sections of the report's page and of its DOCX."""
    from disclosure.models import Organisation

    organisation = Organisation.objects.filter(pk=data.get("organisation")).values_list("name", flat=True).first()
    return {
        "organisation": organisation or "",
        "year": data.get("year"),
        "overview": data.get("overview") or "",
        "disclosed": disclosed_summary(data),
        "proactive": proactive_tables(data),
        "requests": request_table(data),
        "remedies": remedy_table(data),
        "problems": data.get("problems") or "",
        "other_matters": data.get("other_matters") or "",
    }
