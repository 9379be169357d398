"""The fictitious demo platform that `manage.py load_demo` builds: sites, accounts, column trees.

Everything here is invented. 示范市 and 青山县 do not exist; their codes use the unassigned
division 1399xx under Hebei's real prefix 13 (so they pass the SITE-2 rules), the telephone area
code 0399 is unassigned, and the people are made up. Later issues add content (articles,
leaders, policy documents) keyed by a site's `key` and a column's path (`zwgk/zcwj/zfwj`).

Text in a column (slug, name, description) may use the placeholders of its site's `words`.
"""


def column(slug, name, column_type, description, *children, channel=False) -> dict:
    return {
        "slug": slug,
        "name": name,
        "column_type": column_type,
        "description": description,
        "is_channel": channel,
        "children": list(children),
    }


# The expected update interval by column type (COL-8); monitoring warns when it is exceeded.
# News every two weeks at least (the national rule's 2 weeks); documents and descriptions yearly.
UPDATE_INTERVAL_DAYS = {
    "工作动态": 14,
    "通知公告": 14,
    "信息公开目录": 30,
    "信息公开指南": 365,
    "信息公开年报": 365,
    "依申请公开": 90,
    "机构职能": 365,
    "负责人信息": 365,
    "政策文件": 365,
    "政策解读": 365,
    "回应关切": 30,
    "办事服务": 90,
    "互动交流": 14,
    "咨询投诉": 7,
    "知识库": 90,
    "征集调查": 60,
    "在线访谈": 90,
    "概况信息": 365,
    "专题专栏": 30,
    "网站年度报表": 365,
    "政府网站监管": 92,
}

# Columns that portals and department sites share.
NOTICES = column("tzgg", "通知公告", "通知公告", "{unit}发布的通知、公告和公示", channel=True)
GUIDE = column("xxgkzn", "政府信息公开指南", "信息公开指南", "{unit}政府信息公开的范围、方式、程序和监督方式")
FUNCTIONS = column("jgzn", "机构职能", "机构职能", "{unit}的主要职责、内设机构、办公地址和联系方式")
POLICY_READING = column("zcjd", "政策解读", "政策解读", "对{unit}出台的政策文件的图文解读、专家解读和问答")
ANNUAL_REPORT = column("xxgknb", "政府信息公开年报", "信息公开年报", "{unit}历年政府信息公开工作年度报告")
ON_REQUEST = column("ysqgk", "依申请公开", "依申请公开", "向{unit}申请公开政府信息的条件、流程和在线申请入口")
MAILBOX = column("{mailbox_slug}", "{mailbox}", "咨询投诉", "群众和企业向{head}反映问题、提出咨询和投诉建议")
RESPONSES = column("hygq", "回应关切", "回应关切", "{unit}对社会关注热点和群众来信的集中回应")
# The letter channels of demo/interaction_demo.py (INT-1) and the knowledge base (INT-5).
LETTERS = column("zxts", "咨询投诉", "咨询投诉", "向{unit}提出咨询、投诉和建议，查看已公开的答复")
KNOWLEDGE = column("zsk", "答问知识库", "知识库", "群众和企业常问的问题及{unit}的权威答复")
SURVEYS = column("zjdc", "征集调查", "征集调查", "{unit}就政策制定和重点工作公开征集意见、开展网上调查")
# Supervision (OPS-2, OPS-3, OPS-7): each site's annual work report; the portal's spot-check results and
# supervision reports (shown on the top-level portal only, and only once something is published).
SITE_REPORTS = column("wzndbb", "网站年度报表", "网站年度报表", "{unit}政府网站年度工作报表")
SUPERVISION = column("wzjg", "政府网站监管", "政府网站监管", "{region}政府网站抽查情况和监管年度报表")

# fmt: off
PORTAL_COLUMNS = [
    column(
        "zwdt", "政务动态", "工作动态", "{region}政务要闻、部门动态和基层动态",
        column("yw", "{region}要闻", "工作动态", "{gov}重要会议、重要活动和重要工作部署"),
        column("bmdt", "部门动态", "工作动态", "{gov}各部门的工作进展和重点工作"),
        column("jcdt", "基层动态", "工作动态", "{lower}的工作动态"),
        channel=True,
    ),
    NOTICES,
    column(
        "zwgk", "政务公开", "信息公开目录", "{unit}依法主动公开的政府信息",
        GUIDE,
        FUNCTIONS,
        column("ldxx", "政府领导", "负责人信息", "{gov}领导的姓名、照片、简历和工作分工"),
        column(
            "zcwj", "政策文件", "政策文件", "{unit}及其办公室制发的规章和规范性文件",
            column("zfwj", "{gov}文件", "政策文件", "以{unit}名义印发的规范性文件"),
            column("bgswj", "{gov}办公室文件", "政策文件", "以{unit}办公室名义印发的规范性文件"),
        ),
        POLICY_READING,
        ANNUAL_REPORT,
        ON_REQUEST,
        SITE_REPORTS,
        SUPERVISION,
        channel=True,
    ),
    column(
        "bsfw", "办事服务", "办事服务", "{region}政务服务事项的办事指南和在线办理入口",
        column("grbs", "个人办事", "办事服务", "面向个人的户籍、社保、医疗、教育等服务事项"),
        column("frbs", "法人办事", "办事服务", "面向企业和社会组织的开办、经营、投资建设等服务事项"),
        column("bmfw", "便民服务", "办事服务", "水电气暖、交通出行、公共服务场所等便民信息查询"),
        channel=True,
    ),
    column(
        "hdjl", "互动交流", "互动交流", "{unit}与群众和企业的互动交流",
        MAILBOX,
        LETTERS,
        KNOWLEDGE,
        RESPONSES,
        SURVEYS,
        column("zxft", "在线访谈", "在线访谈", "{gov}领导和部门负责人在线解答群众关心的问题"),
        channel=True,
    ),
]

DEPARTMENT_COLUMNS = [
    column(
        "gzdt", "工作动态", "工作动态", "{unit}的工作要闻和基层动态",
        column("gzyw", "工作要闻", "工作动态", "{unit}重要会议、重要活动和重点工作"),
        column("jcdt", "基层动态", "工作动态", "{region}各区县{field}工作动态"),
        channel=True,
    ),
    NOTICES,
    column(
        "zwgk", "政务公开", "信息公开目录", "{unit}依法主动公开的政府信息",
        GUIDE,
        FUNCTIONS,
        column("ldxx", "领导信息", "负责人信息", "{unit}领导的姓名、照片、简历和工作分工"),
        column("zcwj", "政策文件", "政策文件", "{unit}制发和转发的{field}政策文件"),
        POLICY_READING,
        ANNUAL_REPORT,
        ON_REQUEST,
        SITE_REPORTS,
        channel=True,
    ),
    column(
        "bsfw", "办事服务", "办事服务", "{unit}政务服务事项的办事指南、表格下载和在线办理入口",
        column("bszn", "办事指南", "办事服务", "{unit}各项服务事项的办理条件、材料、流程和时限"),
        column("bgxz", "表格下载", "办事服务", "办理{unit}服务事项所需的申请表格和示范文本"),
        channel=True,
    ),
    column("hdjl", "互动交流", "互动交流", "{unit}与群众和企业的互动交流", MAILBOX, LETTERS, KNOWLEDGE, RESPONSES,
           SURVEYS, channel=True),
]


def portal_intro(slug: str, name: str) -> dict:
    return column(
        slug, name, "概况信息", "{region}的自然地理、历史沿革、行政区划和经济社会发展概况",
        column("gk", "{region}概况", "概况信息", "{region}的基本情况和主要统计数据"),
        column("lsyg", "历史沿革", "概况信息", "{region}建置沿革和历史文化"),
        column("xzqh", "行政区划", "概况信息", "{region}所辖{lower}及其驻地"),
        channel=True,
    )
# fmt: on


CITY = "shifan"

SITES = [
    {
        "key": CITY,
        "kind": "portal",
        "parent": None,
        "domain": "www.shifan.gov.cn",
        "colour": "#b3261e",
        "fields": {
            "name": "示范市人民政府",
            "unit_name": "示范市人民政府",
            "organiser": "示范市人民政府办公室",
            "operator": "示范市大数据中心",
            "contact_phone": "0399-2260001",
            "contact_email": "zfwz@shifan.gov.cn",
            "contact_address": "示范市中心区人民路1号 邮编：399000",
            "id_code": "1399000001",
            "icp_number": "冀ICP备20260001号",
            "psb_number": "冀公网安备 13999902000001号",
            "conac_mark": "DEMO-CONAC-1399000001",
        },
        "words": {
            "unit": "示范市人民政府",
            "region": "示范市",
            "gov": "市政府",
            "head": "市长",
            "lower": "各区县",
            "mailbox": "市长信箱",
            "mailbox_slug": "szxx",
        },
        "staff": ["王晓东", "李文静", "张建华", "刘海燕"],
        "columns": [*PORTAL_COLUMNS, portal_intro("zjsf", "走进示范")],
    },
    {
        "key": "qingshan",
        "kind": "portal",
        "parent": CITY,
        "domain": "www.qingshan.gov.cn",
        "colour": "#1b5e20",
        "fields": {
            "name": "示范市青山县人民政府",
            "unit_name": "示范市青山县人民政府",
            "organiser": "青山县人民政府办公室",
            "operator": "青山县融媒体中心",
            "contact_phone": "0399-6120001",
            "contact_email": "xzfb@qingshan.gov.cn",
            "contact_address": "示范市青山县城关镇府前街8号 邮编：399200",
            "id_code": "1399210001",
            "icp_number": "冀ICP备20260002号",
            "psb_number": "冀公网安备 13992102000001号",
            "conac_mark": "DEMO-CONAC-1399210001",
        },
        "words": {
            "unit": "青山县人民政府",
            "region": "青山县",
            "gov": "县政府",
            "head": "县长",
            "lower": "各乡镇",
            "mailbox": "县长信箱",
            "mailbox_slug": "xzxx",
        },
        "staff": ["陈志强", "杨丽娟", "赵国庆"],
        "columns": [*PORTAL_COLUMNS, portal_intro("zjqs", "走进青山")],
    },
    {
        "key": "jyj",
        "kind": "department",
        "parent": CITY,
        "domain": "jyj.shifan.gov.cn",
        "colour": "#0d47a1",
        "fields": {
            "name": "示范市教育局",
            "unit_name": "示范市教育局",
            "organiser": "示范市教育局",
            "operator": "示范市教育局办公室",
            "contact_phone": "0399-2261101",
            "contact_email": "jyj@shifan.gov.cn",
            "contact_address": "示范市中心区文昌路18号 邮编：399000",
            "id_code": "1399000002",
            "icp_number": "冀ICP备20260001号-2",
            "psb_number": "冀公网安备 13999902000002号",
            "conac_mark": "DEMO-CONAC-1399000002",
        },
        "words": {
            "unit": "示范市教育局",
            "region": "示范市",
            "head": "局长",
            "field": "教育",
            "mailbox": "局长信箱",
            "mailbox_slug": "jzxx",
        },
        "staff": ["黄小梅", "周明", "吴桂芳"],
        "columns": [
            *DEPARTMENT_COLUMNS,
            column("zsks", "招生考试", "专题专栏", "{region}中考、高考、义务教育招生政策和考试安排", channel=True),
        ],
    },
    {
        "key": "wsjkw",
        "kind": "department",
        "parent": CITY,
        "domain": "wsjkw.shifan.gov.cn",
        "colour": "#00695c",
        "fields": {
            "name": "示范市卫生健康委员会",
            "unit_name": "示范市卫生健康委员会",
            "organiser": "示范市卫生健康委员会",
            "operator": "示范市卫生健康信息中心",
            "contact_phone": "0399-2261201",
            "contact_email": "wsjkw@shifan.gov.cn",
            "contact_address": "示范市中心区健康路6号 邮编：399000",
            "id_code": "1399000003",
            "icp_number": "冀ICP备20260001号-3",
            "psb_number": "冀公网安备 13999902000003号",
            "conac_mark": "DEMO-CONAC-1399000003",
        },
        "words": {
            "unit": "示范市卫生健康委员会",
            "region": "示范市",
            "head": "主任",
            "field": "卫生健康",
            "mailbox": "主任信箱",
            "mailbox_slug": "zrxx",
        },
        "staff": ["郑海峰", "孙丽华", "马俊杰"],
        "columns": [
            *DEPARTMENT_COLUMNS,
            column("jkkp", "健康科普", "专题专栏", "疾病预防、合理膳食、心理健康等健康知识", channel=True),
        ],
    },
    {
        "key": "swj",
        "kind": "department",
        "parent": CITY,
        "domain": "swj.shifan.gov.cn",
        "colour": "#01579b",
        "fields": {
            "name": "示范市水务局",
            "unit_name": "示范市水务局",
            "organiser": "示范市水务局",
            "operator": "示范市水务局办公室",
            "contact_phone": "0399-2261301",
            "contact_email": "swj@shifan.gov.cn",
            "contact_address": "示范市中心区滨河路26号 邮编：399000",
            "id_code": "1399000004",
            "icp_number": "冀ICP备20260001号-4",
            "psb_number": "冀公网安备 13999902000004号",
            "conac_mark": "DEMO-CONAC-1399000004",
        },
        "words": {
            "unit": "示范市水务局",
            "region": "示范市",
            "head": "局长",
            "field": "水务",
            "mailbox": "局长信箱",
            "mailbox_slug": "jzxx",
        },
        "staff": ["林国栋", "何秀英", "罗志刚"],
        "columns": [
            *DEPARTMENT_COLUMNS,
            column("fxkh", "防汛抗旱", "专题专栏", "{region}汛情旱情、水库河道水情和防汛抗旱工作", channel=True),
        ],
    },
]

# Accounts: one platform administrator, and per site an editor, a reviewer and a site administrator
# (separate people: editing and review are separate duties, PUB-1). Real names come from `staff`.
PLATFORM_ADMIN = {"username": "platform_admin", "real_name": "许平安"}
SITE_ACCOUNT_ROLES = [("editor", "editor"), ("reviewer", "reviewer"), ("admin", "site_admin")]


def site_accounts(site: dict) -> list[dict]:
    """The demo accounts of one site: username, real name and role (a accounts.models.Role value)."""
    return [
        {"username": f"{site['key']}_{suffix}", "real_name": site["staff"][index], "role": role}
        for index, (suffix, role) in enumerate(SITE_ACCOUNT_ROLES)
    ]
