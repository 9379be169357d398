"""Texts of the demo content: plausible government news, notices, policies and people, all invented.

Everything is generated from templates with a seeded random generator, so every run of
`load_demo` writes the same texts (and a second run recognises them). 示范市, 青山县 and their
towns do not exist; the people are made up. Nothing here touches the database.
"""

import datetime
import random
from dataclasses import dataclass, field

# --- people and places -----------------------------------------------------------------------

LEADERS = {
    "shifan": [("周立新", "市长", "主持市政府全面工作。"),
               ("吴建国", "常务副市长", "负责发展改革、财政、审计、统计和政务服务方面的工作。"),
               ("郑晓梅", "副市长", "负责教育、卫生健康、民政、文化旅游和体育方面的工作。"),
               ("冯志远", "副市长", "负责自然资源、住房城乡建设、交通运输和城市管理方面的工作。"),
               ("韩雪松", "副市长", "负责农业农村、水务、应急管理和生态环境方面的工作。")],
    "qingshan": [("刘青松", "县长", "主持县政府全面工作。"),
                 ("马文斌", "常务副县长", "负责发展改革、财政、审计和政务服务方面的工作。"),
                 ("孙晓燕", "副县长", "负责教育、卫生健康、民政和文化旅游方面的工作。"),
                 ("高建军", "副县长", "负责农业农村、水利、应急管理和生态环境方面的工作。")],
    "jyj": [("赵明远", "局长", "主持局全面工作。"),
            ("钱丽萍", "副局长", "负责基础教育、学前教育和招生考试工作。"),
            ("魏国华", "副局长", "负责职业教育、教师队伍建设和教育督导工作。")],
    "wsjkw": [("钱思远", "主任", "主持委全面工作。"),
              ("许文华", "副主任", "负责医政医管、基层卫生健康和中医药工作。"),
              ("蒋一鸣", "副主任", "负责疾病预防控制、卫生健康监督和健康促进工作。")],
    "swj": [("唐永福", "局长", "主持局全面工作。"),
            ("曹海洋", "副局长", "负责防汛抗旱、水利工程建设和运行管理工作。"),
            ("邓清泉", "副局长", "负责水资源管理、节约用水和河湖长制工作。")],
}  # fmt: skip

PLACES = {
    "shifan": ["中心区", "东湖区", "北岭区", "青山县", "白河县"],
    "qingshan": ["城关镇", "东坡镇", "石桥乡", "柳林乡", "红旗街道"],
}
DEPARTMENTS = {
    "shifan": [
        "市发展改革委",
        "市教育局",
        "市卫生健康委",
        "市水务局",
        "市应急管理局",
        "市生态环境局",
        "市住房城乡建设局",
    ],
    "qingshan": ["县发展改革局", "县教育局", "县卫生健康局", "县水利局", "县应急管理局", "县农业农村局"],
}

TOPICS = {
    "portal": ["优化营商环境", "重点项目建设", "乡村振兴", "生态环境保护", "安全生产", "民生实事", "文明城市创建",
               "招商引资", "城市更新", "森林防火", "防汛备汛", "冬季清洁取暖", "稳就业促创业", "数字政府建设",
               "养老服务体系建设", "农村人居环境整治", "粮食生产", "政务服务改革"],
    "教育": ["义务教育招生", "校园安全", "课后服务", "教师队伍建设", "职业教育发展", "学前教育普及", "中考招生",
             "学生资助", "校园食品安全", "教育数字化", "学校体育美育", "校外培训治理"],
    "卫生健康": ["家庭医生签约服务", "基本公共卫生服务", "传染病防控", "医疗服务质量提升", "妇幼健康", "卫生健康监督",
                 "健康科普", "无偿献血", "老年健康服务", "中医药服务", "爱国卫生运动", "院前急救"],
    "水务": ["防汛抗旱", "河湖长制", "水资源管理", "农村供水保障", "节约用水", "水库安全度汛", "水土保持",
             "河道综合治理", "水利工程建设", "地下水超采治理", "城市排水防涝", "水政执法"],
}  # fmt: skip

INSTITUTIONS = {
    "shifan": [("示范市人民政府办公室", "协助市政府领导处理市政府日常工作，负责市政府会议的组织和文电、政务信息、督查等工作。"),
               ("示范市发展和改革委员会", "拟订并组织实施全市国民经济和社会发展规划，统筹推进重大项目建设。"),
               ("示范市教育局", "统筹管理全市各级各类教育，推进教育改革发展。"),
               ("示范市卫生健康委员会", "组织拟订全市卫生健康政策，统筹规划卫生健康资源配置。"),
               ("示范市水务局", "负责全市水资源的合理开发利用，组织开展防汛抗旱和河湖管理工作。"),
               ("示范市应急管理局", "负责全市应急管理工作，指导安全生产和防灾减灾救灾。")],
    "qingshan": [("青山县人民政府办公室", "协助县政府领导处理县政府日常工作。"),
                 ("青山县发展改革局", "拟订并组织实施全县国民经济和社会发展规划。"),
                 ("青山县农业农村局", "统筹推进全县乡村振兴和农业农村现代化。"),
                 ("青山县应急管理局", "负责全县应急管理和安全生产综合监督管理工作。")],
    "jyj": [("示范市教育局", "统筹管理全市各级各类教育，推进教育改革发展。"),
            ("办公室", "负责机关日常运转、文电会务、政务公开和信息宣传工作。"),
            ("基础教育科", "负责学前教育、义务教育和普通高中教育的管理与指导。"),
            ("招生考试科", "负责全市中考、高考报名和义务教育招生工作的组织实施。")],
    "wsjkw": [("示范市卫生健康委员会", "组织拟订全市卫生健康政策，统筹规划卫生健康资源配置。"),
              ("办公室", "负责机关日常运转、文电会务、政务公开和信息宣传工作。"),
              ("医政医管科", "负责医疗机构、医疗技术和医疗质量的监督管理。"),
              ("疾病预防控制科", "负责传染病和慢性病防控、免疫规划工作。")],
    "swj": [("示范市水务局", "负责全市水资源的合理开发利用，组织开展防汛抗旱和河湖管理工作。"),
            ("办公室", "负责机关日常运转、文电会务、政务公开和信息宣传工作。"),
            ("水旱灾害防御科", "组织编制洪水干旱防治规划和防御洪水应急抢险的技术支撑工作。"),
            ("河湖管理科", "负责河湖水域及岸线管理保护，承担河湖长制日常工作。")],
}  # fmt: skip

# Abbreviation of each site's document numbers (文号) and its organisation code for index numbers (RES-7).
DOCUMENT_PREFIXES = {
    "shifan": [("示政发", "示范市人民政府", "zfwj"), ("示政办发", "示范市人民政府办公室", "bgswj")],
    "qingshan": [("青政发", "青山县人民政府", "zfwj"), ("青政办发", "青山县人民政府办公室", "bgswj")],
    "jyj": [("示教发", "示范市教育局", None)],
    "wsjkw": [("示卫健发", "示范市卫生健康委员会", None)],
    "swj": [("示水发", "示范市水务局", None)],
}
ORGANISATION_CODES = {"shifan": "11139900A", "qingshan": "11139921B", "jyj": "11139900C", "wsjkw": "11139900D",
                      "swj": "11139900E"}  # fmt: skip

# --- headlines -------------------------------------------------------------------------------

NEWS_TITLES = [
    "{region}召开{topic}工作推进会",
    "{leader_title}{leader}调研{topic}工作",
    "{region}{topic}工作取得阶段性成效",
    "{unit}部署{season}{topic}工作",
    "{leader_title}{leader}主持召开{topic}专题会议",
    "{region}{topic}现场观摩会召开",
    "{region}举办{topic}业务培训班",
    "{unit}开展{topic}专项督查",
    "{region}召开{topic}工作调度会",
    "{region}{topic}工作经验在全省交流",
]
DEPARTMENT_NEWS_TITLES = [
    "{dept}扎实推进{topic}工作",
    "{dept}召开{topic}工作会议",
    "{dept}开展{topic}主题宣传活动",
    "{dept}多措并举做好{topic}",
    "{dept}部署{season}{topic}工作",
]
LOCAL_NEWS_TITLES = [
    "{place}扎实推进{topic}",
    "{place}多措并举抓好{topic}",
    "{place}：{topic}跑出“加速度”",
    "{place}开展{topic}集中行动",
    "{place}以{topic}为抓手服务群众",
]
NOTICE_TITLES = [
    "关于开展{year}年{topic}工作的通知",
    "关于做好{season}{topic}工作的通知",
    "关于{topic}有关事项的公告",
    "关于{year}年{topic}项目拟支持名单的公示",
    "关于公开征集{topic}意见建议的公告",
]
RESPONSE_TITLES = [
    "关于群众反映{topic}问题的回应",
    "{topic}热点问题答问",
    "网民关注的{topic}问题有了答复",
]
GUIDE_TITLES = ["{topic}办事指南", "{topic}常见问题解答", "{topic}服务事项清单"]
TOPIC_COLUMN_TITLES = [
    "{region}{year}年{topic}工作安排",
    "{topic}知识问答",
    "{topic}政策一览",
    "{region}{topic}工作提示",
]

SEASONS = {1: "春节期间", 2: "春季", 3: "春季", 4: "春季", 5: "夏季", 6: "汛期", 7: "汛期", 8: "夏季", 9: "秋季",
           10: "秋冬季", 11: "冬季", 12: "岁末年初"}  # fmt: skip


# --- bodies ----------------------------------------------------------------------------------

NEWS_OPENINGS = [
    "{date}，{region}召开{topic}工作会议，总结前一阶段工作，安排部署下一步重点任务。{leader_title}{leader}出席会议并讲话。",
    "{date}，{leader_title}{leader}带队深入{place}调研{topic}工作，实地察看项目进展，听取有关情况汇报。",
    "{date}，{unit}组织召开{topic}专题会议，研究解决工作中遇到的困难和问题。",
    "近日，{region}{topic}工作取得新进展。截至{month}月底，{count}项年度重点任务已完成{percent}%。",
]
NEWS_MIDDLES = [
    "会议指出，今年以来，各级各部门认真落实工作部署，{topic}工作总体平稳有序，群众满意度持续提升，"
    "累计解决群众反映的突出问题{count}个。",
    "{leader}指出，要坚持以人民为中心，聚焦群众急难愁盼，把{topic}工作抓实抓细，切实把各项任务落到实处。",
    "据介绍，{region}今年安排{topic}相关项目{count}个，总投资约{money}亿元，目前已开工{started}个。",
    "在{place}，工作人员正在逐项核对台账，对排查发现的问题建立清单、限时整改、跟踪问效。",
    "下一步，{unit}将进一步完善工作机制，加强部门协同，及时总结推广好经验好做法。",
]
NEWS_CLOSINGS = [
    "会议要求，各地各部门要压实工作责任，加强统筹调度，确保各项任务按期完成。",
    "{region}有关部门负责同志参加会议。",
    "{leader}强调，要强化督导检查，对工作不力、进展滞后的要及时通报，推动工作落地见效。",
    "群众可通过{mailbox}和政务服务便民热线12345反映相关问题和意见建议。",
]
NOTICE_BODY = [
    "各{lower_unit}、{unit}各科室、各直属单位：",
    "为深入做好{topic}工作，切实保障人民群众合法权益，经研究，决定于{year}年{month}月至{end_month}月开展{topic}工作。现将有关事项通知如下：",
    "一、工作目标。以问题为导向，全面排查{topic}工作中存在的薄弱环节，建立问题清单和整改台账，推动工作提质增效。",
    "二、工作安排。（一）动员部署阶段：{month}月底前，各单位制定具体实施方案。（二）组织实施阶段：按照方案逐项推进。"
    "（三）总结提升阶段：{end_month}月中旬前，报送工作总结。",
    "三、工作要求。各单位要高度重视，明确专人负责，按时报送工作进展情况。联系电话：{phone}。",
]
RESPONSE_BODY = [
    "近期，有网民通过{mailbox}反映{topic}相关问题。{unit}高度重视，第一时间组织核实。",
    "经核实，网民反映的情况基本属实。目前，相关部门已制定整改方案，预计{end_month}月底前完成整改。",
    "下一步，{unit}将举一反三，建立长效机制，持续做好{topic}工作。感谢广大群众的关心和监督。",
]
GUIDE_BODY = [
    "一、事项名称：{topic}。",
    "二、办理条件：符合国家和省、市有关规定的自然人、法人或其他组织。",
    "三、申请材料：申请表（原件1份）；申请人有效身份证明（复印件1份）；其他需要提供的材料。",
    "四、办理流程：申请—受理—审核—决定—送达。办理时限为{count}个工作日。",
    "五、办理地点：{address}。咨询电话：{phone}。",
]


@dataclass
class Words:
    """What the templates of one site need."""

    key: str
    unit: str
    region: str
    address: str
    phone: str
    mailbox: str
    topics: list[str]
    places: list[str]
    departments: list[str]
    leaders: list[tuple[str, str, str]]
    lower_unit: str = "有关单位"
    used: set = field(default_factory=set)

    @classmethod
    def for_site(cls, spec: dict) -> "Words":
        key, words, fields = spec["key"], spec["words"], spec["fields"]
        portal = spec["kind"] == "portal"
        return cls(
            key=key,
            unit=words["unit"],
            region=words["region"],
            address=fields["contact_address"].split(" ")[0],
            phone=fields["contact_phone"],
            mailbox=words["mailbox"],
            topics=TOPICS["portal" if portal else words["field"]],
            places=PLACES.get(key, ["中心区", "东湖区", "北岭区", "青山县", "白河县"]),
            departments=DEPARTMENTS.get(key, [words["unit"]]),
            leaders=LEADERS[key],
            lower_unit=("县（区）人民政府、市政府各部门" if key == "shifan" else "乡镇人民政府、县政府各部门")
            if portal else "县（区）教育、卫生健康、水务部门",
        )  # fmt: skip


def _fill(template: str, values: dict) -> str:
    return template.format_map(values)


def _values(words: Words, rng: random.Random, when: datetime.datetime, topic: str) -> dict:
    leader, leader_title, _duty = rng.choice(words.leaders[:3])
    month = when.month
    return {
        "region": words.region,
        "unit": words.unit,
        "topic": topic,
        "leader": leader,
        "leader_title": leader_title,
        "dept": rng.choice(words.departments),
        "place": rng.choice(words.places),
        "season": SEASONS[month],
        "year": when.year,
        "month": month,
        "end_month": min(month + 3, 12),
        "date": f"{month}月{when.day}日",
        "count": rng.randint(6, 48),
        "percent": rng.randint(62, 97),
        "money": rng.randint(3, 60),
        "started": rng.randint(2, 5),
        "mailbox": words.mailbox,
        "phone": words.phone,
        "address": words.address,
        "lower_unit": words.lower_unit,
    }


def _paragraphs(texts) -> str:
    return "".join(f"<p>{text}</p>" for text in texts)


TITLES = {
    "news": NEWS_TITLES,
    "dept_news": DEPARTMENT_NEWS_TITLES,
    "local_news": LOCAL_NEWS_TITLES,
    "notice": NOTICE_TITLES,
    "response": RESPONSE_TITLES,
    "guide": GUIDE_TITLES,
    "topic": TOPIC_COLUMN_TITLES,
}


def article(words: Words, style: str, rng: random.Random, when: datetime.datetime) -> dict:
    """Title, body, summary and keywords of one article of `style`, unique within the site."""
    for _attempt in range(200):
        topic = rng.choice(words.topics)
        values = _values(words, rng, when, topic)
        title = _fill(rng.choice(TITLES[style]), values)
        if title not in words.used:
            break
    else:  # every combination is taken: number it
        title = f"{title}（{len(words.used)}）"
    words.used.add(title)
    if style == "notice":
        texts = [_fill(text, values) for text in NOTICE_BODY] + [words.unit, f"{when.year}年{when.month}月{when.day}日"]
    elif style == "response":
        texts = [_fill(text, values) for text in RESPONSE_BODY]
    elif style == "guide":
        texts = [_fill(text, values) for text in GUIDE_BODY]
    else:
        middles = sorted(rng.sample(range(len(NEWS_MIDDLES)), k=rng.randint(2, 3)))  # in their order
        texts = [_fill(rng.choice(NEWS_OPENINGS), values)]
        texts += [_fill(NEWS_MIDDLES[number], values) for number in middles]
        texts.append(_fill(rng.choice(NEWS_CLOSINGS), values))
    summary = texts[0] if style not in ("notice",) else texts[1]
    return {
        "title": title,
        "body": _paragraphs(texts),
        "summary": summary[:120],
        "keywords": ",".join(dict.fromkeys([words.region, topic])),
        "topic": topic,
    }


# --- policies, interpretations, institutions, leaders ----------------------------------------

POLICY_TITLES = [
    "{issuer}关于进一步{topic_verb}的若干措施",
    "{issuer}关于印发{region}{topic}实施方案的通知",
    "{issuer}关于加强{topic}工作的意见",
    "{issuer}关于印发{region}{topic}三年行动计划（{year}—{year_end}年）的通知",
    "{issuer}关于做好{topic}工作的通知",
]


def policy(words: Words, rng: random.Random, issuer: str, prefix: str, serial: int, signed: datetime.date) -> dict:
    topic = rng.choice(words.topics)
    values = {"issuer": issuer, "region": words.region, "topic": topic, "topic_verb": f"做好{topic}工作",
              "year": signed.year, "year_end": signed.year + 2}  # fmt: skip
    for _attempt in range(100):
        title = _fill(rng.choice(POLICY_TITLES), values)
        if title not in words.used:
            break
        topic = rng.choice(words.topics)
        values.update(topic=topic, topic_verb=f"做好{topic}工作")
    words.used.add(title)
    articles = [
        f"第一条 为进一步做好{topic}工作，根据国家和省有关规定，结合{words.region}实际，制定本{_kind(title)}。",
        f"第二条 本{_kind(title)}适用于{words.region}行政区域内的{topic}相关工作。",
        f"第三条 坚持统筹规划、分类指导、突出重点、注重实效的原则，到{signed.year + 2}年，{topic}工作体系基本健全。",
        "第四条 各有关部门按照职责分工，加强协调配合，建立工作台账，定期调度工作进展。",
        "第五条 将工作完成情况纳入年度绩效考核，对工作成效突出的单位和个人按照有关规定给予表扬。",
        f"第六条 本{_kind(title)}自印发之日起施行，有效期五年。",
    ]
    return {
        "title": title,
        "topic": topic,
        "body": _paragraphs(articles),
        "document_number": f"{prefix}〔{signed.year}〕{serial}号",
        "issuing_body": issuer,
        "signing_date": signed.isoformat(),
        "publishing_date": (signed + datetime.timedelta(days=rng.randint(2, 9))).isoformat(),
        "keywords": f"{words.region},{topic}",
        "summary": f"{issuer}就{topic}工作提出的政策措施。",
    }


def _kind(title: str) -> str:
    for word in ("方案", "计划", "意见", "措施", "通知"):
        if word in title:
            return "措施" if word == "通知" else word
    return "办法"


def interpretation(words: Words, policy_values: dict, when: datetime.datetime) -> dict:
    title = f"《{policy_values['title']}》政策解读"
    topic = policy_values["topic"]
    texts = [
        "一、出台背景",
        f"近年来，{words.region}{topic}工作取得积极成效，但仍存在统筹不够、保障不足等问题。为进一步推动工作，"
        f"{policy_values['issuing_body']}研究制定了本文件。",
        "二、主要内容",
        f"文件共六条，明确了{topic}工作的适用范围、基本原则、目标任务、职责分工和保障措施。",
        "三、政策亮点",
        "一是目标更加明确，提出了分年度工作目标；二是责任更加清晰，建立了部门协同机制；三是保障更加有力，"
        "将完成情况纳入绩效考核。",
        f"四、咨询方式：{words.unit}，联系电话：{words.phone}。",
    ]
    words.used.add(title)
    return {"title": title, "body": _paragraphs(texts), "summary": f"对{policy_values['title']}的解读。",
            "keywords": f"政策解读,{topic}"}  # fmt: skip


def institution(words: Words, name: str, duty: str, number: int) -> dict:
    duties = [duty, "贯彻执行国家、省和市有关方针政策和法律法规。", "承办上级交办的其他事项。"]
    return {
        "name": name,
        "duties": "<ul>" + "".join(f"<li>{text}</li>" for text in duties) + "</ul>",
        "address": words.address,
        "phone": f"{words.phone[:-2]}{number + 10:02d}",
        "hours": "工作日 上午8:30—12:00，下午14:30—17:30",
    }


def leader(words: Words, name: str, position: str, duty: str, rng: random.Random) -> dict:
    born = rng.randint(1966, 1978)
    joined = born + rng.randint(20, 24)
    resume = [
        f"{name}，{rng.choice(['男', '女'])}，汉族，{born}年{rng.randint(1, 12)}月生，{words.region}人，研究生学历，中共党员。",
        f"{joined}年参加工作，历任{words.region}{rng.choice(['乡镇', '县直部门', '市直部门'])}负责同志等职。",
        f"现任{words.unit}{position}。",
    ]
    return {"name": name, "position": position, "resume": _paragraphs(resume), "responsibilities": f"<p>{duty}</p>"}
