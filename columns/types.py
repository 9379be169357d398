"""Column types (COL-2) and the kinds every site must have (COL-3).

The standard list of the 网页设计规范 annex is open-ended ("……"): these are offered to editors,
and any other short Chinese label is accepted.
"""

STANDARD_COLUMN_TYPES = [
    "首页",
    "概况信息",
    "机构职能",
    "负责人信息",
    "工作动态",
    "政策文件",
    "信息公开指南",
    "信息公开目录",
    "信息公开年报",
    "依申请公开",
    "数据发布",
    "数据开放",
    "政策解读",
    "回应关切",
    "办事服务",
    "咨询投诉",
    "征集调查",
    "在线访谈",
    "互动交流",
    "通知公告",
    "专题专栏",
]

# G-Annex §1(三)2: a required kind → the column types that satisfy it.
REQUIRED_COLUMN_KINDS = {
    "机构职能": {"机构职能"},
    "负责人信息": {"负责人信息"},
    "政策文件": {"政策文件"},
    "解读回应": {"政策解读", "回应关切"},
    "工作动态": {"工作动态"},
    "互动交流": {"互动交流", "咨询投诉", "征集调查", "在线访谈"},
}

MAX_DEPTH = 3  # COL-1: levels 1, 2 and 3 (mptt levels 0, 1, 2)
MAX_CHANNELS = 8  # COL-6
RECOMMENDED_CHANNELS = (5, 8)


def missing_required_kinds(column_types) -> list[str]:
    """The required kinds (COL-3) that none of `column_types` satisfies, in the texts' order."""
    present = set(column_types)
    return [kind for kind, satisfied_by in REQUIRED_COLUMN_KINDS.items() if not present & satisfied_by]
