"""The demo's disclosure guides (信息公开指南, DISC-1): one guide for each demo site's own
organisation, written by the site's editor in its 信息公开指南 column (zwgk/xxgkzn), submitted and
approved by its reviewer through the actions, like any other content. Invented data.

Idempotent: an organisation that has a guide gets no other (the guide form refuses a second one).
The organisations are demo.disclosure_catalogue's; should that module not have run, each site's
organisation is made here, so that either order works.
"""

from __future__ import annotations

import re

from accounts.models import User
from columns.models import Column
from demo import data as demo_data
from demo import text as demo_text
from disclosure.guide import ApplicationChannel, current_guide
from disclosure.models import Organisation
from editorial import drafts, workflow
from publishing import links
from resources.models import ResourceKind
from sites.models import Site

GUIDE_PATH = ("zwgk", "xxgkzn")
POSTAL_CODE = re.compile(r"\s*邮编[:：]?\s*(\d{6})\s*")
APPLY_PATH = "/disclosure/apply/"
OFFICE_HOURS = "工作日上午8:30—12:00，下午14:30—17:30（法定节假日除外）"


def _organisation(site: Site, spec: dict) -> Organisation:
    organisation = Organisation.objects.filter(site=site, sub_unit__isnull=True).first()
    if organisation is None:  # demo.disclosure_catalogue has not run: the site's own organisation
        organisation, _ = Organisation.objects.get_or_create(
            site=site, sub_unit=None,
            defaults={"name": site.name, "code": demo_text.ORGANISATION_CODES[spec["key"]]},
        )  # fmt: skip
    return organisation


def _column(site: Site) -> Column | None:
    parent = Column.objects.filter(site=site, parent=None, slug=GUIDE_PATH[0]).first()
    return Column.objects.filter(site=site, parent=parent, slug=GUIDE_PATH[1]).first() if parent else None


def _online_address(domain: str) -> str:
    """The online form's address when the public process answers it (a dynamic page)."""
    served = any(APPLY_PATH.startswith(prefix if prefix.startswith("/") else "/" + prefix)
                 for prefix in links.dynamic_prefixes())  # fmt: skip
    return f"https://{domain}{APPLY_PATH}" if served else ""


def guide_data(spec: dict, site: Site, organisation: Organisation) -> dict:
    words = spec["words"]
    unit = words["unit"]
    portal = spec["kind"] == "portal"
    address = site.contact_address
    postal = POSTAL_CODE.search(address)
    domain = spec["domain"]
    mail_host = domain.removeprefix("www.")
    online = _online_address(domain)
    channels = [ApplicationChannel.LETTER, ApplicationChannel.IN_PERSON, ApplicationChannel.EMAIL]
    if online:
        channels.insert(0, ApplicationChannel.ONLINE)
    categories = (
        ["机构职能", "政府领导", "政策文件", "政策解读", "规划计划", "财政预决算", "重点领域信息", "政府信息公开年报"]
        if portal
        else ["机构职能", "领导信息", "政策文件", "政策解读", f"{words.get('field', '')}工作动态", "财政预决算",
              "政府信息公开年报"]
    )  # fmt: skip
    channels_published = [f"{unit}门户网站“政务公开”栏目（{domain}）"]
    if portal:
        channels_published.append(f"《{words['region']}人民政府公报》")
    channels_published += ["新闻发布会", "广播、电视、报刊等新闻媒体"]
    region = words["region"]
    return {
        "organisation": organisation.pk,
        "office_name": f"{unit}办公室（政务公开办）" if portal else f"{unit}办公室",
        "address": POSTAL_CODE.sub("", address).strip(),
        "postal_code": postal.group(1) if postal else "",
        "office_hours": OFFICE_HOURS,
        "phone": site.contact_phone,
        "fax": site.contact_phone[:-1] + "9",
        "email": f"zwgk@{mail_host}",
        "online_address": online,
        "categories": categories,
        "arrangement": "政府信息公开目录按主题分类编排，同一分类中按发布日期由新到旧排列；每条信息标注索引号、发文机关、成文日期和发布日期。",
        "publication_channels": channels_published,
        "reading_points": [
            {"name": f"{region}档案馆政府信息查阅点", "address": f"{region}中心区档案馆路2号"},
            {"name": f"{region}图书馆政府信息查阅点", "address": f"{region}中心区文化路9号"},
        ]
        if portal
        else [{"name": f"{unit}政务公开查阅室", "address": POSTAL_CODE.sub("", address).strip()}],
        "application_channels": [str(channel) for channel in channels],
        "application_steps": [
            "提出申请：填写政府信息公开申请表，写明申请人姓名或名称、身份证明、联系方式和所需信息的名称、文号或便于查询的特征描述",
            "登记受理：收到申请后登记，并出具收件回执",
            "补正：申请内容不明确的，自收到申请之日起7个工作日内一次性告知申请人补正",
            "征求意见：涉及第三方合法权益的，书面征求第三方意见",
            "作出答复：按照条例第三十六条规定的方式作出书面答复",
        ],
        "answer_days": 20,
        "extension_days": 20,
        "processing_fee": True,
        "fee_note": "收费标准按照国务院办公厅印发的《政府信息公开信息处理费管理办法》执行。",
        "supervisor": f"{region}人民政府办公室（政务公开办）" if portal else f"{region}人民政府办公室（政务公开办）或{unit}纪检监察机构",
        "supervisor_phone": site.contact_phone[:-1] + "8",
        "reconsideration_body": f"{region}人民政府" if portal else f"{region}人民政府或上一级主管部门",
        "court": f"{region}人民法院" if not portal else ("示范市中级人民法院" if spec["parent"] is None else f"{region}人民法院"),
    }


def build(sites: dict[str, Site]) -> int:
    """A published guide for each demo site's organisation; returns how many were created."""
    created = 0
    for spec in demo_data.SITES:
        site = sites[spec["key"]]
        organisation = _organisation(site, spec)
        if current_guide(organisation.pk) is not None:
            continue
        column = _column(site)
        accounts = {account["role"]: account["username"] for account in demo_data.site_accounts(spec)}
        editor = User.objects.get(username=accounts["editor"])
        reviewer = User.objects.get(username=accounts["reviewer"])
        guide = drafts.create_resource(
            site, ResourceKind.GUIDE, title=f"{spec['words']['unit']}政府信息公开指南",
            metadata={"source": spec["words"]["unit"], "author": editor.real_name,
                      "description": f"{spec['words']['unit']}政府信息公开的范围、方式、程序和监督方式"},
            data=guide_data(spec, site, organisation), column=column, acting_user=editor,
        )  # fmt: skip
        workflow.submit(guide, acting_user=editor)
        workflow.approve(guide, acting_user=reviewer)  # the column's one review level: published
        created += 1
    return created
