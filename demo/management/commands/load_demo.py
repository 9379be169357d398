"""`manage.py load_demo`: build the fictitious demo platform of demo.data, with the
content of demo.content (articles, policies, people, pictures, reviews, reposts).

Idempotent: sites are found by primary domain, columns by site, parent and slug, accounts by
username, and only what is missing is created, each through its action (so each creation has
one audit entry and a second run writes none). There are no default passwords (SEC-1): a new
account gets a random one, printed once; `--new-passwords` gives existing demo accounts new ones.
"""

import io
import math
import unicodedata

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from PIL import Image, ImageDraw

from accounts import twofactor
from accounts.actions import create_user, generate_password, set_user_password
from accounts.models import User
from columns.models import Column
from demo import content as demo_content
from demo import data as demo_data
from demo import disclosure_catalogue as demo_catalogue
from demo import disclosure_guides as demo_guides
from demo import disclosure_reports as demo_reports
from demo import disclosure_requests as demo_requests
from demo import interaction_demo, monitoring_demo
from demo import lifecycle as demo_lifecycle
from lifecycle.column_changes import create_column
from sites.memberships import grant_role
from sites.models import Domain, Membership, Site

ROLE_LABELS = {"platform_admin": "平台管理员", "site_admin": "站点管理员", "editor": "编辑", "reviewer": "审核"}
# Backup codes printed with each new demo password (each logs in once).
DEMO_BACKUP_CODES = 5


class Command(BaseCommand):
    help = "Build the fictitious demo platform (sites, columns, accounts); running it again changes nothing."

    def add_arguments(self, parser):
        parser.add_argument(
            "--new-passwords",
            action="store_true",
            help="Give every existing demo account a new random password and print it.",
        )

    def handle(self, *args, new_passwords=False, **options):
        builder = DemoBuilder(new_passwords=new_passwords)
        try:
            # Sites, columns and accounts first: their publishes (one per change, on commit) find
            # sites still without content, which are quick to render.
            with transaction.atomic():
                builder.build()
            # Then the content, with the per-change publishing held back, and one publish per site.
            with demo_content.publishing_held_back(), transaction.atomic():
                builder.build_content()
        except ValidationError as error:
            raise CommandError("; ".join(error.messages)) from error
        if any(builder.content.values()):
            demo_content.publish_sites(builder.sites)
        # After publishing: the probes and visits are of published pages (OPS-1, OPS-4).
        builder.content.update(monitoring_demo.build(builder.sites))
        self.report(builder)

    def report(self, builder):
        write = self.stdout.write
        created = builder.created
        if any(created.values()):
            write(
                f"演示平台 / demo platform: {created['sites']} sites, {created['columns']} columns, "
                f"{created['accounts']} accounts, {created['roles']} roles created."
            )
        content = builder.content
        if any(content.values()):
            write(
                f"演示内容 / demo content: {content['articles']} articles, {content['policies']} policy documents, "
                f"{content['interpretations']} interpretations, {content['institutions']} institutions, "
                f"{content['leaders']} leaders, {content['images']} images, {content['reposts']} reposts, "
                f"{content['words']} checked words created."
            )
            if content.get("letters") or content.get("error_reports") or content.get("qa_entries"):
                write(
                    f"互动交流 / interaction: {content.get('letters', 0)} letters, "
                    f"{content.get('error_reports', 0)} error reports, {content.get('qa_entries', 0)} Q&A entries created."
                )
            if content.get("probes") or content.get("visit_lines") or content.get("friend_links"):
                write(
                    f"网站监测 / monitoring: {content.get('probes', 0)} availability probes, "
                    f"{content.get('visit_lines', 0)} access log lines, {content.get('friend_links', 0)} friendly links, "
                    f"{content.get('spot_checks', 0)} spot check created."
                )
        if not any(created.values()) and not any(content.values()):
            write("演示平台已完整，无需创建 / the demo platform is complete; nothing to create.")
        if builder.passwords:
            write("")
            write(
                "演示账号（密码和备用码只显示这一次）/ Demo accounts (passwords and backup codes are shown this once only):"
            )
            write(
                "登录需第二重验证：输入一个一次性备用码，或绑定身份验证器 / the second factor: one single-use backup code, or an authenticator app"
            )
            rows = [
                ("用户名 username", "密码 password", "备用码 backup codes", "角色 role", "站点 site"),
                *builder.passwords,
            ]
            widths = [max(_width(row[i]) for row in rows) for i in range(4)]  # the site name comes last, unpadded
            for *cells, site_name in rows:
                write("  " + "".join(_pad(cell, width) for cell, width in zip(cells, widths, strict=True)) + site_name)
            write("新密码 / new passwords: make demo-passwords (manage.py load_demo --new-passwords)")


class DemoBuilder:
    def __init__(self, *, new_passwords: bool):
        self.new_passwords = new_passwords
        self.created = {"sites": 0, "columns": 0, "accounts": 0, "roles": 0}
        self.content: dict[str, int] = {}
        self.lifecycle: dict[str, int] = {}
        self.sites: dict[str, Site] = {}
        self.passwords: list[tuple[str, str, str, str, str]] = []  # username, password, codes, role, site

    def build(self) -> None:
        self.ensure_account(demo_data.PLATFORM_ADMIN, "platform_admin", site=None)
        sites: dict[str, Site] = self.sites
        for spec in demo_data.SITES:
            site = sites[spec["key"]] = self.ensure_site(spec, parent=sites.get(spec["parent"]))
            self.ensure_columns(site, spec)
            for account in demo_data.site_accounts(spec):
                self.ensure_account(account, account["role"], site=site)

    def build_content(self) -> None:
        organisations = demo_catalogue.ensure_organisations(self.sites)  # first: approvals give index numbers
        self.content = demo_content.build(self.sites)
        self.content["guides"] = demo_guides.build(self.sites)  # DISC-1, in each 信息公开指南 column
        self.content["disclosure_requests"] = demo_requests.build(self.sites)  # DISC-3, in every state
        self.content["annual_reports"] = demo_reports.build(self.sites)  # DISC-4: last year's, from the records
        self.content["organisations"] = organisations
        self.content.update(interaction_demo.build(self.sites))  # INT-1..3, INT-5: letters, reports, Q&A
        for site in self.sites.values():  # complete now (SITE-11): security check, online, announced (SITE-5)
            demo_lifecycle.open_site(site)
        self.lifecycle = demo_lifecycle.build(self.sites)  # archived topic, applications, a filing
        monitoring_demo.quiet_down(self.sites)  # the site near the warning lines: nothing new for days (OPS-1)

    def ensure_site(self, spec: dict, parent: Site | None) -> Site:
        domain = Domain.objects.select_related("site").filter(name=spec["domain"]).first()
        if domain is not None:
            return domain.site
        # Applied for and approved (demo_lifecycle.apply_and_approve); it gets its columns and content,
        # then goes online through the lifecycle once it is complete (demo_lifecycle.open_site).
        site = Site(kind=spec["kind"], parent=parent, **spec["fields"])
        site.logo = demo_logo(f"{spec['key']}.png", spec["colour"])
        self.created["sites"] += 1
        return demo_lifecycle.apply_and_approve(site, primary_domain=spec["domain"], parent_key=spec["parent"])

    def ensure_columns(self, site: Site, spec: dict) -> None:
        words = spec["words"]
        staff = spec["staff"]

        def ensure(nodes: list[dict], parent: Column | None, person: str | None) -> None:
            for order, node in enumerate(nodes):
                slug = node["slug"].format_map(words)
                column = Column.objects.filter(site=site, parent=parent, slug=slug).first()
                responsible = person or staff[order % len(staff)]
                if column is None:
                    column = self._create_column(site, parent, node, words, slug, order, responsible)
                ensure(node["children"], column, responsible)

        ensure(spec["columns"], None, None)

    def _create_column(self, site, parent, node, words, slug, order, responsible) -> Column:
        name = node["name"].format_map(words)
        column_type = node["column_type"]
        keywords = dict.fromkeys([words["region"], name, column_type])  # ordered, without repeats
        column = Column(
            site=site,
            parent=parent,
            slug=slug,
            name=name,
            description=node["description"].format_map(words),
            keywords=",".join(keywords),
            column_type=column_type,
            is_channel=node["is_channel"],
            sort_order=order,
            responsible_person=responsible,
            responsible_phone=site.contact_phone,
            update_interval_days=demo_data.UPDATE_INTERVAL_DAYS[column_type],
        )
        self.created["columns"] += 1
        return create_column(column, acting_user=None)

    def ensure_account(self, account: dict, role: str, *, site: Site | None) -> None:
        user = User.objects.filter(username=account["username"]).first()
        password = None
        if user is None:
            user, password = create_user(
                account["username"],
                acting_user=None,
                real_name=account["real_name"],
                is_platform_admin=site is None,
            )
            self.created["accounts"] += 1
        elif self.new_passwords:
            password = generate_password()
            set_user_password(user, password, acting_user=None)
        if site is not None and not Membership.objects.filter(user=user, site=site, role=role).exists():
            grant_role(user, site, role, acting_user=None)
            self.created["roles"] += 1
        if password:
            # SEC-1: the back office wants a second factor; demo accounts get a few backup codes so
            # they can log in without a phone (and set up an authenticator app from there).
            codes = " ".join(twofactor.issue_backup_codes(user, acting_user=None, count=DEMO_BACKUP_CODES))
            self.passwords.append(
                (user.username, password, codes, ROLE_LABELS[role], site.name if site else "全部站点")
            )


def demo_logo(name: str, colour: str) -> ContentFile:
    """A 96×96 emblem: a five-pointed gold star on a disc of the site's colour (the logo of SITE-2)."""
    image = Image.new("RGBA", (96, 96), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    draw.ellipse((2, 2, 93, 93), fill=colour)
    star = []
    for point in range(10):
        radius = 36 if point % 2 == 0 else 14
        angle = math.pi / 2 + point * math.pi / 5
        star.append((48 + radius * math.cos(angle), 50 - radius * math.sin(angle)))
    draw.polygon(star, fill="#ffd54f")
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return ContentFile(buffer.getvalue(), name=name)


def _width(text: str) -> int:
    """Terminal cells: Chinese characters take two."""
    return sum(2 if unicodedata.east_asian_width(char) in "WF" else 1 for char in text)


def _pad(text: str, width: int) -> str:
    return text + " " * (width - _width(text) + 2)
