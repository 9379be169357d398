"""The search index and what administrators keep for it (SRCH-1 to SRCH-3).

- SearchDocument: one row per online resource and site that shows it (its own site, and every
  site that reposts it), with the plain text and the URL of the page that shows it. The
  segmented tokens live beside it in the backend's full-text structure: a `vector` tsvector
  column with a GIN index on PostgreSQL, the FTS5 table `search_fts` on SQLite (migrations).
- DictionaryWord: the user dictionary of government terms the segmenter must keep whole.
- Synonym: plain words citizens type, mapped to the official terms pages use (通俗语言搜索).
- VocabularyTerm: the words pinyin queries and typo correction choose from, with their pinyin.
- SearchLog / SearchClick / PopularQuery: what was searched and followed, with no personal data:
  no address, no user agent, no cookie (only a keyed hash of address and user agent, to count
  distinct visitors), and queries with numbers that could identify someone are masked before
  they are stored. PopularQuery is recomputed from the logs (search/popular.py).
- BlockedTerm: a term administrators keep out of the suggestions of a site (or of every site).
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

# Carried by the policy library's date indexes (DISC-5): what its filters and counts read.
POLICY_WALK_COLUMNS = ("id", "column_type", "year", "written_on", "published_on", "subject", "validity",
                       "issuing_body", "document_key")  # fmt: skip


class SearchDocument(models.Model):
    resource = models.ForeignKey(
        "resources.Resource", on_delete=models.CASCADE, related_name="+", verbose_name=_("resource")
    )
    site = models.ForeignKey("sites.Site", on_delete=models.CASCADE, related_name="+", verbose_name=_("site"))
    placement_id = models.BigIntegerField(_("placement"))
    column_id = models.BigIntegerField(_("column"), null=True)
    column_name = models.CharField(_("column"), max_length=50, blank=True)
    column_type = models.CharField(_("column type"), max_length=12, blank=True)
    kind = models.CharField(_("kind"), max_length=20)
    is_repost = models.BooleanField(_("repost"), default=False)
    title = models.CharField(_("title"), max_length=300)
    summary = models.CharField(_("summary"), max_length=500, blank=True)
    content = models.TextField(_("text"), blank=True, help_text=_("Plain text of the page and its attachments."))
    url = models.CharField(_("address"), max_length=1000, help_text=_("Path of the page on the site, or a link."))
    published_at = models.DateTimeField(_("published at"))
    published_day = models.IntegerField(_("published day"), help_text=_("Days since 1970-01-01, for ranking."))
    year = models.PositiveSmallIntegerField(_("year"))
    clicks = models.PositiveIntegerField(_("clicks"), default=0)
    indexed_at = models.DateTimeField(_("indexed at"), default=timezone.now)
    # The catalogue's metadata (DISC-2, DISC-5): an index number or document number typed into the
    # search finds its item first, and the policy library filters by the rest.
    index_number = models.CharField(_("index number"), max_length=60, blank=True)
    document_number = models.CharField(_("document number"), max_length=100, blank=True)
    document_key = models.CharField(
        _("document number as searched"), max_length=100, blank=True,
        help_text=_("Without spaces, the year in 〔〕, in capitals (search/text.py identifier_key)."),
    )  # fmt: skip
    issuing_body = models.CharField(_("issuing body"), max_length=200, blank=True)
    written_on = models.DateField(_("date of creation"), null=True, blank=True)
    published_on = models.DateField(_("date of issue"), null=True, blank=True)
    subject = models.CharField(_("subject category"), max_length=50, blank=True)
    validity = models.CharField(_("validity"), max_length=12, blank=True)

    class Meta:
        verbose_name = _("search document")
        verbose_name_plural = _("search index")
        constraints = [models.UniqueConstraint(fields=["resource", "site"], name="search_document_unique")]
        indexes = [
            models.Index(fields=["site", "-published_at"], name="search_doc_site_date"),
            # The newest matches of a portal's platform-wide search (reposts are left out there):
            # without it, finding them sorts every match (search/search_sql.py, walk_dates).
            models.Index(
                fields=["-published_at", "-resource_id"], name="search_doc_date", condition=Q(is_repost=False)
            ),
            models.Index(fields=["column_id"], name="search_doc_column"),
            # Identifiers typed into the search box (DISC-2): found by equality, first.
            models.Index(fields=["index_number"], name="search_doc_index_number", condition=~Q(index_number="")),
            models.Index(fields=["document_key"], name="search_doc_document_key", condition=~Q(document_key="")),
            # The policy library (DISC-5): its newest policies, and each filter by index; the
            # substring filters (document number, issuing body) use trigram indexes on PostgreSQL
            # (migration 0004). The two date indexes (a site's, the platform's) carry every filtered
            # column, so that walking them newest first tests the filters without reading the
            # table (index-only scans on PostgreSQL; search/search_sql.py filtered_walk).
            models.Index(
                fields=["site", "-published_at", "-resource_id"],
                name="search_doc_policy_date",
                condition=Q(kind="policy"),
                include=POLICY_WALK_COLUMNS,
            ),  # fmt: skip
            models.Index(
                fields=["-published_at", "-resource_id"],
                name="search_doc_policy_all_date",
                condition=Q(kind="policy", is_repost=False),
                include=("site", *POLICY_WALK_COLUMNS),
            ),  # fmt: skip
            models.Index(fields=["site", "written_on"], name="search_doc_policy_written", condition=Q(kind="policy")),
            models.Index(fields=["site", "published_on"], name="search_doc_policy_issued", condition=Q(kind="policy")),
            models.Index(
                fields=["site", "subject", "-published_at"],
                name="search_doc_policy_subject",
                condition=Q(kind="policy"),
            ),  # fmt: skip
            models.Index(
                fields=["site", "validity", "-published_at"],
                name="search_doc_policy_validity",
                condition=Q(kind="policy"),
            ),  # fmt: skip
        ]

    def __str__(self):
        return self.title


class DictionaryWord(models.Model):
    """A term the segmenter keeps whole (e.g. 一网通办), maintained by platform administrators."""

    word = models.CharField(_("word"), max_length=30, unique=True)
    note = models.CharField(_("note"), max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+", verbose_name=_("added by")
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("dictionary word")
        verbose_name_plural = _("search dictionary")
        ordering = ["word"]

    def __str__(self):
        return self.word


class Synonym(models.Model):
    """Plain words (办身份证, 身份证怎么办) searched as the official terms (居民身份证 办理)."""

    plain = models.CharField(
        _("plain words"), max_length=200, help_text=_("What citizens type; several separated by commas.")
    )
    official = models.CharField(
        _("official terms"), max_length=100, help_text=_("The terms the pages use, separated by spaces.")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+", verbose_name=_("added by")
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("synonym")
        verbose_name_plural = _("synonyms")
        ordering = ["official", "id"]

    def __str__(self):
        return f"{self.plain} → {self.official}"

    @property
    def plain_words(self) -> list[str]:
        from search.text import split_list

        return split_list(self.plain)


class VocabularyTerm(models.Model):
    """A word pinyin queries and typo correction may lead to, with its pinyin (SRCH-2)."""

    term = models.CharField(max_length=30, unique=True)
    pinyin = models.CharField(max_length=120, db_index=True, help_text=_("Toneless syllables, no spaces."))
    initials = models.CharField(max_length=30, db_index=True)
    weight = models.PositiveIntegerField(default=1, help_text=_("About the number of pages that use it."))

    class Meta:
        verbose_name = _("vocabulary term")
        verbose_name_plural = _("vocabulary")

    def __str__(self):
        return self.term


class SearchScope(models.TextChoices):
    SITE = "site", _("this site")
    PLATFORM = "all", _("all sites of the platform")


class SearchLog(models.Model):
    """One search. Nothing about the person: no address, agent, cookie or account."""

    time = models.DateTimeField(_("time"), default=timezone.now, db_index=True)
    site = models.ForeignKey("sites.Site", on_delete=models.CASCADE, related_name="+", verbose_name=_("site"))
    scope = models.CharField(_("scope"), max_length=10, choices=SearchScope.choices, default=SearchScope.SITE)
    query = models.CharField(_("query"), max_length=100, help_text=_("Masked: long numbers are replaced by *."))
    corrected = models.CharField(_("searched as"), max_length=200, blank=True)
    results = models.PositiveIntegerField(_("results"))
    page = models.PositiveSmallIntegerField(_("page"), default=1)
    visitor = models.CharField(
        _("visitor"), max_length=16, blank=True, editable=False,
        help_text=_("A keyed hash of address and browser: tells visitors apart, names nobody."),
    )  # fmt: skip

    class Meta:
        verbose_name = _("search log entry")
        verbose_name_plural = _("search log")
        ordering = ["-time", "-id"]

    def __str__(self):
        return self.query


class SearchClick(models.Model):
    """A result followed from a search page (sent by the browser's `ping`, no script needed)."""

    log = models.ForeignKey(SearchLog, on_delete=models.CASCADE, related_name="clicks")
    resource_id = models.BigIntegerField()
    site_id = models.BigIntegerField()
    position = models.PositiveIntegerField()
    time = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("search click")
        verbose_name_plural = _("search clicks")
        constraints = [
            models.UniqueConstraint(fields=["log", "resource_id", "site_id"], name="search_click_once_per_search")
        ]
        indexes = [models.Index(fields=["resource_id", "site_id"], name="search_click_target")]

    def __str__(self):
        return f"{self.log_id} → {self.resource_id}@{self.site_id}"


class PopularQuery(models.Model):
    """A query many visitors asked of a site, counted from the logs (search/popular.py); the
    suggestions offer it when it is `eligible`: a real query, asked and followed by enough
    distinct visitors on enough days (SRCH-2)."""

    site = models.ForeignKey("sites.Site", on_delete=models.CASCADE, related_name="+", verbose_name=_("site"))
    query = models.CharField(_("query"), max_length=100)
    count = models.PositiveIntegerField(_("searches"), default=0)
    visitors = models.PositiveIntegerField(_("visitors"), default=0)
    days = models.PositiveIntegerField(_("days"), default=0)
    clicks = models.PositiveIntegerField(_("visitors who followed a result"), default=0)
    eligible = models.BooleanField(_("suggested"), default=False)
    last_searched = models.DateTimeField(_("last searched"), default=timezone.now)

    class Meta:
        verbose_name = _("popular query")
        verbose_name_plural = _("popular queries")
        constraints = [models.UniqueConstraint(fields=["site", "query"], name="popular_query_unique")]
        indexes = [models.Index(fields=["site", "-count"], name="popular_query_site_count")]

    def __str__(self):
        return self.query


class BlockedTerm(models.Model):
    """A term no suggestion may contain, on one site or (no site) on every site (SRCH-2)."""

    site = models.ForeignKey(
        "sites.Site", on_delete=models.CASCADE, null=True, blank=True, related_name="+", verbose_name=_("site"),
        help_text=_("Leave empty to block the term on every site (platform administrators only)."),
    )  # fmt: skip
    term = models.CharField(_("term"), max_length=30, help_text=_("Every suggestion containing it is hidden."))
    note = models.CharField(_("note"), max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+", verbose_name=_("added by")
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("blocked suggestion term")
        verbose_name_plural = _("blocked suggestion terms")
        ordering = ["site_id", "term"]
        constraints = [
            models.UniqueConstraint(fields=["site", "term"], name="blocked_term_unique_per_site"),
            models.UniqueConstraint(fields=["term"], condition=Q(site__isnull=True), name="blocked_term_unique_all"),
        ]

    def __str__(self):
        return self.term
