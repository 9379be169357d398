"""The content of the demo platform, built by `manage.py load_demo` (issue 3).

About 300 articles over the columns of the five demo sites, policy documents with their
interpretations (linked both ways, RES-8), institutions (RES-6), leaders with portraits, news
photos; most of it published through the real workflow (an editor of the site creates and
submits, its reviewer approves), some left in review (one with personal data and one with a wrong
wording for the check to flag, PUB-3), returned with a reason, or still a draft, one published
article with a new version in review (PUB-4's difference), and city news reposted to the
department sites and the county (RES-3, PUB-6), one repost still waiting for its reviewer.

Idempotent: content is recognised by site, kind and title, so a second run creates nothing. The
texts are generated (demo.text) from a fixed seed and a timeline anchored at the
creation of the city's site, so they are the same on every run.

The actions stamp the current time; so that the sites look like sites that have been running for
months, the content this run created is finally given the dates of its timeline
(demo.dates). The audit log keeps the real times.
"""

import datetime
import random
from dataclasses import dataclass

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from accounts.models import User
from columns.models import Column
from core import feed
from demo import data as demo_data
from demo import dates as demo_dates
from demo import disclosure_catalogue as demo_catalogue
from demo import images as demo_images
from demo import monitoring_demo
from demo import text as demo_text
from editorial import drafts as actions
from editorial import placements, wordlists, workflow
from editorial import queries as publishing_queries
from editorial.models import CheckedWord, Placement, WordList
from publishing.publish_tasks import request_publish
from resources.models import Resource, ResourceKind, Revision, Validity
from search.tasks import request_index
from sites.models import Site

SEED = 2026_0301

# (column path, style, count); a department's topic column is "{topic}".
PORTAL_PLAN = [
    ("zwdt/yw", "news", 34),
    ("zwdt/bmdt", "dept_news", 20),
    ("zwdt/jcdt", "local_news", 18),
    ("tzgg", "notice", 18),
    ("hdjl/hygq", "response", 5),
    ("bsfw/grbs", "guide", 3),
    ("bsfw/frbs", "guide", 3),
    ("bsfw/bmfw", "guide", 2),
]
COUNTY_SHARE = 0.55
DEPARTMENT_PLAN = [
    ("gzdt/gzyw", "news", 15),
    ("gzdt/jcdt", "local_news", 8),
    ("tzgg", "notice", 8),
    ("{topic}", "topic", 6),
    ("hdjl/hygq", "response", 2),
    ("bsfw/bszn", "guide", 3),
]
# Days between two articles of a column, by style.
SPACING = {"news": 4, "dept_news": 6, "local_news": 7, "notice": 8, "response": 25, "guide": 45, "topic": 20}
# The newest articles of some columns stay unpublished: (site, column) -> states, newest first.
UNPUBLISHED = {
    ("shifan", "zwdt/yw"): ["review_wording", "update_in_review"],
    ("shifan", "tzgg"): ["review_personal_data"],
    ("shifan", "zwdt/bmdt"): ["returned"],
    ("shifan", "zwdt/jcdt"): ["draft"],
    ("qingshan", "zwdt/yw"): ["review"],
    ("qingshan", "zwdt/jcdt"): ["returned"],
    ("jyj", "gzdt/gzyw"): ["review"],
    ("jyj", "tzgg"): ["draft"],
    ("wsjkw", "gzdt/gzyw"): ["review"],
    ("wsjkw", "tzgg"): ["returned"],
    ("swj", "gzdt/gzyw"): ["review"],
    ("swj", "gzdt/jcdt"): ["draft"],
}
RETURN_REASONS = [
    "请补充活动现场照片，并核实参会人员名单。",
    "标题与正文表述不一致，请修改后重新提交。",
    "请核实文中数据的统计口径，并注明数据来源。",
]
PHOTOS = {"shifan": 8, "qingshan": 4}  # news photos per site (departments: 3)
POLICIES = {"shifan": 5, "qingshan": 3}  # policy documents per site (departments: 3)
WORDS = [
    (WordList.WRONG_WORDING, "一带一路战略", "“一带一路”倡议"),
    (WordList.WRONG_WORDING, "十九大", "党的十九大"),
    (WordList.WRONG_WORDING, "二十大", "党的二十大"),
    (WordList.SENSITIVE, "绝密", ""),
    (WordList.SENSITIVE, "机密", ""),
    (WordList.SENSITIVE, "内部资料", ""),
]
REPOSTS = 2  # newest published city news offered to each department site and the county


@dataclass
class Team:
    site: Site
    spec: dict
    words: demo_text.Words
    editor: User
    reviewer: User
    columns: dict  # path -> Column


class DemoContent:
    def __init__(self, sites: dict[str, Site]):
        self.sites = sites
        self.created = {"articles": 0, "policies": 0, "interpretations": 0, "institutions": 0, "leaders": 0,
                        "images": 0, "reposts": 0, "words": 0}  # fmt: skip
        self.timeline: list[tuple[int, datetime.datetime]] = []  # resources created now, with their dates
        # Recognised by the title of their first version: a later version may have another title.
        first_versions = Revision.objects.filter(number=1, resource__site__in=list(sites.values()))
        self.existing = {
            (site_id, kind, title): pk
            for site_id, kind, title, pk in first_versions.values_list(
                "resource__site_id", "resource__kind", "title", "resource_id"
            )
        }
        city = sites[demo_data.CITY]
        self.anchor = timezone.localtime(city.created_at).replace(second=0, microsecond=0)

    # -- the whole build ---------------------------------------------------------------------

    def build(self) -> dict:
        self.ensure_words()
        teams = [self.team(spec) for spec in demo_data.SITES]
        for team in teams:
            self.build_site(team)
        self.repost_city_news(teams)
        demo_dates.backdate(self.timeline, self.anchor)
        self.created["catalogue_entries"] = demo_catalogue.redate(pk for pk, _when in self.timeline)
        return self.created

    def team(self, spec: dict) -> Team:
        site = self.sites[spec["key"]]
        accounts = {account["role"]: account["username"] for account in demo_data.site_accounts(spec)}
        users = User.objects.in_bulk([accounts["editor"], accounts["reviewer"]], field_name="username")
        return Team(site=site, spec=spec, words=demo_text.Words.for_site(spec), editor=users[accounts["editor"]],
                    reviewer=users[accounts["reviewer"]], columns=_column_paths(site))  # fmt: skip

    def ensure_words(self) -> None:
        for list_name, text, suggestion in WORDS:
            if not CheckedWord.objects.filter(list=list_name, text=text).exists():
                wordlists.add_word(CheckedWord(list=list_name, text=text, suggestion=suggestion), acting_user=None)
                self.created["words"] += 1

    def build_site(self, team: Team) -> None:
        key = team.spec["key"]
        rng = random.Random(f"{SEED}-{key}")
        photos = self.photos(team, rng)
        self.institutions(team)
        self.leaders(team, rng)
        self.policies(team, rng)
        portal = team.spec["kind"] == "portal"
        for path, style, count in PORTAL_PLAN if portal else DEPARTMENT_PLAN:
            if path == "{topic}":
                path = next(p for p, c in team.columns.items() if c.column_type == "专题专栏" and c.level == 0)
            if key != demo_data.CITY and portal:
                count = max(2, round(count * COUNTY_SHARE))
            self.column_articles(team, path, style, count, photos if style == "news" else [])
        if portal:
            self.introduction(team)

    # -- one resource through the workflow ----------------------------------------------------

    def ensure(self, team: Team, kind: str, title: str, *, when, state="published", column=None, data=None,
               metadata=None, asset_bytes=None, counter="articles") -> Resource:  # fmt: skip
        """The resource of this site, kind and title: found, or created and taken to `state`."""
        found = self.existing.get((team.site.pk, kind, title))
        if found is not None:
            return Resource(pk=found, site=team.site, kind=kind, title=title)
        asset = None
        if asset_bytes is not None:
            upload = SimpleUploadedFile(f"demo-{len(self.timeline)}.jpg", asset_bytes, content_type="image/jpeg")
            asset = actions.upload_asset(upload, kind=ResourceKind.IMAGE, acting_user=team.editor)
        metadata = {"source": team.words.unit, "author": team.editor.real_name,
                    "classification": demo_catalogue.subject_for(team.spec["key"], kind, title),
                    **(metadata or {})}  # fmt: skip
        resource = actions.create_resource(team.site, kind, title=title, metadata=metadata, data=data or {},
                                           column=column, asset=asset, acting_user=team.editor)  # fmt: skip
        self.existing[(team.site.pk, kind, title)] = resource.pk
        self.take_to(team, resource, state)
        self.timeline.append((resource.pk, when))
        self.created[counter] += 1
        return resource

    def take_to(self, team: Team, resource: Resource, state: str) -> None:
        if state == "draft":
            return
        workflow.submit(resource, acting_user=team.editor)
        if state == "returned":
            reason = RETURN_REASONS[resource.pk % len(RETURN_REASONS)]
            workflow.return_(resource, reason=reason, acting_user=team.reviewer)
        elif state in ("published", "update_in_review"):
            workflow.approve(resource, acting_user=team.reviewer)
        if state == "update_in_review":
            resource.refresh_from_db()
            current = resource.current_revision
            body = current.data["body"].replace("</p>", "</p><p>（本文已更新：补充了最新工作进展。）</p>", 1)
            actions.save_draft(resource, base_revision_id=current.pk, title=f"{current.title}（更新）",
                               metadata=current.metadata, data={**current.data, "body": body}, note="补充最新进展",
                               acting_user=team.editor)  # fmt: skip
            workflow.submit(resource, acting_user=team.editor)

    # -- kinds --------------------------------------------------------------------------------

    def photos(self, team: Team, rng: random.Random) -> list[int]:
        ids = []
        for number in range(PHOTOS.get(team.spec["key"], 3)):
            topic = team.words.topics[number % len(team.words.topics)]
            title = f"{team.words.region}{topic}工作现场（图{number + 1}）"
            when = self.anchor - datetime.timedelta(days=150 - number * 15, hours=rng.randint(0, 5))
            resource = self.ensure(team, ResourceKind.IMAGE, title, when=when, counter="images",
                                   data={"alt": f"{team.words.region}{topic}工作现场，街道两旁是楼房和树木", "caption": title},
                                   asset_bytes=demo_images.news_photo(rng.randint(0, 10**6), team.spec["colour"]))  # fmt: skip
            ids.append(resource.pk)
        return ids

    def institutions(self, team: Team) -> None:
        column = team.columns.get("zwgk/jgzn")
        top = None
        department = team.spec["kind"] == "department"
        for number, (name, duty) in enumerate(demo_text.INSTITUTIONS[team.spec["key"]]):
            data = demo_text.institution(team.words, name, duty, number)
            if department and top is not None:
                data["parent"] = top.pk
            when = self.anchor - datetime.timedelta(days=200 - number)
            resource = self.ensure(team, ResourceKind.INSTITUTION, name, when=when, column=column, data=data,
                                   counter="institutions")  # fmt: skip
            if department and top is None:
                top = resource

    def leaders(self, team: Team, rng: random.Random) -> None:
        column = team.columns.get("zwgk/ldxx")
        for number, (name, position, duty) in enumerate(demo_text.LEADERS[team.spec["key"]]):
            when = self.anchor - datetime.timedelta(days=190 - number)
            photo = self.ensure(team, ResourceKind.IMAGE, f"{name}同志照片", when=when, counter="images",
                                data={"alt": f"{position}{name}的照片"},
                                asset_bytes=demo_images.portrait(rng.randint(0, 10**6)))  # fmt: skip
            data = {**demo_text.leader(team.words, name, position, duty, rng), "photo": photo.pk}
            self.ensure(team, ResourceKind.LEADER, f"{position}{name}", when=when, column=column, data=data,
                        counter="leaders")  # fmt: skip

    def policies(self, team: Team, rng: random.Random) -> None:
        key = team.spec["key"]
        prefixes = demo_text.DOCUMENT_PREFIXES[key]
        interpretations = team.columns.get("zwgk/zcjd")
        serial = 0
        made = []
        for number in range(POLICIES.get(key, 3)):
            prefix, issuer, sub = prefixes[number % len(prefixes)]
            column = team.columns.get(f"zwgk/zcwj/{sub}" if sub else "zwgk/zcwj")
            signed = (self.anchor - datetime.timedelta(days=420 - number * 80)).date()
            serial += rng.randint(2, 9)
            values = demo_text.policy(team.words, rng, issuer, prefix, serial, signed)
            data = {**values, "validity": Validity.VALID}  # the index number: given at approval (DISC-2)
            data.pop("topic")
            when = timezone.make_aware(datetime.datetime.combine(signed, datetime.time(10, 0)))
            policy = self.ensure(team, ResourceKind.POLICY, values["title"], when=when, column=column, data=data,
                                 metadata={"source": issuer}, counter="policies")  # fmt: skip
            made.append((policy, values, when, column))
        if key == demo_data.CITY and len(made) >= 2:
            self.repealed_policy(team, rng, made[-1])
        for policy, values, when, _column in made[: max(2, len(made) - 1)]:
            text = demo_text.interpretation(team.words, values, when)
            self.ensure(team, ResourceKind.INTERPRETATION, text["title"], when=when + datetime.timedelta(days=1),
                        column=interpretations, data={**text, "policies": [policy.pk]},
                        counter="interpretations")  # fmt: skip

    def repealed_policy(self, team: Team, rng: random.Random, newer) -> None:
        """An older document that the newest one replaced: its page says so (RES-7)."""
        policy, values, when, column = newer
        prefix, issuer, _sub = demo_text.DOCUMENT_PREFIXES[team.spec["key"]][0]
        signed = (when - datetime.timedelta(days=900)).date()
        old = demo_text.policy(team.words, rng, issuer, prefix, 17, signed)
        old.pop("topic")
        data = {**old, "validity": Validity.REPEALED, "replaced_by": policy.pk,
                "validity_date": when.date().isoformat()}  # fmt: skip
        self.ensure(team, ResourceKind.POLICY, old["title"], column=column, data=data, metadata={"source": issuer},
                    when=timezone.make_aware(datetime.datetime.combine(signed, datetime.time(10, 0))),
                    counter="policies")  # fmt: skip

    def column_articles(self, team: Team, path: str, style: str, count: int, photos: list[int]) -> None:
        column = team.columns[path]
        rng = random.Random(f"{SEED}-{team.spec['key']}-{path}")
        states = UNPUBLISHED.get((team.spec["key"], path), [])
        spacing = SPACING[style]
        # The site near the monitoring's warning lines has published nothing for some days (OPS-1).
        quiet = monitoring_demo.QUIET_DAYS if team.spec["key"] == monitoring_demo.QUIET_SITE else 0
        for index in reversed(range(count)):  # oldest first, so that IDs follow the dates
            state = states[index] if index < len(states) else "published"
            if state == "published":
                back = quiet + index * spacing + rng.uniform(0.2, spacing * 0.6)
                day = (self.anchor - datetime.timedelta(days=back)).date()
                at = datetime.time(rng.randint(8, 17), rng.choice([0, 10, 20, 30, 40, 50]))
                when = timezone.make_aware(datetime.datetime.combine(day, at))
                if when > self.anchor - datetime.timedelta(hours=1):  # never after the demo was loaded
                    when -= datetime.timedelta(days=1)
            else:
                when = self.anchor - datetime.timedelta(hours=index * 3 + 1)
            values = demo_text.article(team.words, style, rng, when)
            body = values["body"]
            if state == "review_personal_data":
                body += "<p>报名联系人：张老师，联系电话：13933336666。</p>"
            elif state == "review_wording":
                body += "<p>会议强调，要主动融入一带一路战略，积极拓展对外开放新空间。</p>"
            data = {"body": body, "summary": values["summary"], "keywords": values["keywords"], "subtitle": ""}
            if photos and index % 4 == 1:
                data["cover_image"] = photos[index // 4 % len(photos)]
            self.ensure(team, ResourceKind.ARTICLE, values["title"], when=when, state=state, column=column, data=data)

    def introduction(self, team: Team) -> None:
        for column in team.columns.values():
            if column.column_type != "概况信息" or column.level != 1:
                continue
            title = column.name
            body = (f"<p>{team.words.region}位于燕山南麓、白河之滨，是一座历史悠久、生态良好的宜居城市（本站为虚构的示范站点）。</p>"
                    f"<p>{column.description}。</p>")  # fmt: skip
            self.ensure(team, ResourceKind.ARTICLE, title, column=column, data={"body": body, "summary": title},
                        when=self.anchor - datetime.timedelta(days=300))  # fmt: skip

    # -- reposts (RES-3, PUB-6) ----------------------------------------------------------------

    def repost_city_news(self, teams: list[Team]) -> None:
        city = next(team for team in teams if team.spec["key"] == demo_data.CITY)
        all_news = list(
            Resource.objects.filter(site=city.site, column=city.columns["zwdt/yw"], published_revision__isnull=False)
            .order_by("-published_at", "-id")
            .values_list("pk", flat=True)
        )
        news = all_news[: REPOSTS + 1]
        if not news:
            return
        dated = dict(self.timeline)  # the dates they are given at the end (demo.dates)
        quiet_since = self.anchor - datetime.timedelta(days=monitoring_demo.QUIET_DAYS)
        older = [pk for pk in all_news if dated.get(pk, self.anchor) < quiet_since]
        for team in teams:
            if team is city:
                continue
            target = team.columns.get("gzdt/gzyw") or team.columns.get("zwdt/yw")
            chosen = news[:REPOSTS] if team.spec["key"] != "jyj" else news[: REPOSTS + 1]
            if team.spec["key"] == monitoring_demo.QUIET_SITE:  # it reposted nothing in its quiet days (OPS-1)
                chosen = older[:REPOSTS]
            for position, resource_id in enumerate(chosen):
                if Placement.objects.filter(resource_id=resource_id, column=target).exists():
                    continue
                resource = Resource.objects.get(pk=resource_id)
                placement = placements.place(resource, target, acting_user=city.editor)
                self.created["reposts"] += 1
                if position < REPOSTS:  # the last one offered to 教育局 waits for its reviewer
                    placements.accept_repost(placement, acting_user=team.reviewer)

    # -- dates ---------------------------------------------------------------------------------


def _column_paths(site: Site) -> dict[str, Column]:
    columns = list(Column.objects.filter(site=site).order_by("tree_id", "lft"))
    by_id = {column.pk: column for column in columns}
    paths = {}
    for column in columns:
        parts, node = [], column
        while node is not None:
            parts.append(node.slug)
            node = by_id.get(node.parent_id)
        paths["/".join(reversed(parts))] = column
    return paths


def build(sites: dict[str, Site]) -> dict:
    """Create what is missing of the demo content; returns the counts of what was created."""
    return DemoContent(sites).build()


# --- publishing the demo sites once ----------------------------------------------------------


def publishing_held_back():
    """Hold back the change feed (PUB-8) while the demo is built and committed.

    Every approval and placement reports itself to the feed, and the static publisher and the
    search index answer each report after the commit. For the few hundred changes of one demo
    load that would render the same column and home pages hundreds of times; instead the feed
    is muted and `publish_sites` publishes each demo site once, in full, and indexes its content,
    through the same tasks.
    """
    return feed.muted()


def publish_sites(sites: dict[str, Site]) -> None:
    """One full publish of each demo site and one index update of its online content, after commit."""
    site_ids = [site.pk for site in sites.values()]
    request_publish(site_ids=site_ids)
    request_index(publishing_queries.online_resources(Resource.objects.filter(site_id__in=site_ids))
                  .values_list("pk", flat=True))  # fmt: skip
