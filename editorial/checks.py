"""The confidentiality and wording check of a submitted revision (保密审查, PUB-3).

It looks through the title, the metadata, every text field of the content (HTML reduced to
text) and the extracted text of attached files for

- Chinese ID-card numbers: 18 characters with a valid GB 11643 check digit, a known province
  code and a plausible birth date; the old 15-digit form with a known province and a valid date;
- mainland mobile numbers: 1[3-9] and nine digits (also written 3-4-4 with spaces or hyphens),
  never part of a longer run of digits;
- bank-card numbers: 16 to 19 digits (or groups of four) passing the Luhn check, starting like
  a card (2-6 or 9), and not an ID-card number;
- words of the sensitive-word list and known wrong wordings (with their correct wording) that
  platform administrators keep (CheckedWord).

Personal data is masked in what the check reports (1101**********1234), so the review page does
not spread it further. `flag_revision` stores the findings as ReviewFlag rows; a reviewer must
confirm each before approving (editorial.workflow).
"""

import datetime
import re
import unicodedata
from dataclasses import dataclass

from django.db import models

from editorial.models import CheckedWord, FlagKind, ReviewFlag, WordList
from editorial.text import plain_text
from resources.models import Resource

CONTEXT_CHARS = 12
EXCERPT_MAX = 300
FIELD_MAX = 50
SUGGESTION_MAX = 100

# Province-level codes of GB/T 2260 (the first two digits of an ID-card number).
PROVINCE_CODES = {
    "11", "12", "13", "14", "15", "21", "22", "23", "31", "32", "33", "34", "35", "36", "37",
    "41", "42", "43", "44", "45", "46", "50", "51", "52", "53", "54", "61", "62", "63", "64",
    "65", "71", "81", "82", "83", "91",
}  # fmt: skip
ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
ID_CHECK_CHARS = "10X98765432"

ID18_RE = re.compile(r"(?<![0-9A-Za-z])\d{17}[0-9Xx](?![0-9A-Za-z])")
ID15_RE = re.compile(r"(?<![0-9A-Za-z])\d{15}(?![0-9A-Za-z])")
MOBILE_RE = re.compile(r"(?<![\d])1[3-9]\d(?:\d{8}|[ -]\d{4}[ -]\d{4})(?![\d])")
CARD_RE = re.compile(r"(?<![\d])(?:\d{16,19}|\d{4}(?:[ -]\d{4}){3}(?:[ -]?\d{1,3})?)(?![\d])")
CARD_FIRST_DIGITS = set("234569")


@dataclass(frozen=True)
class Finding:
    kind: str
    field: str
    excerpt: str
    suggestion: str = ""


# --- number rules -----------------------------------------------------------------------------


def id_check_char(first17: str) -> str:
    total = sum(int(digit) * weight for digit, weight in zip(first17, ID_WEIGHTS, strict=True))
    return ID_CHECK_CHARS[total % 11]


def _plausible_birth_date(year: int, month: int, day: int, today: datetime.date) -> bool:
    try:
        born = datetime.date(year, month, day)
    except ValueError:
        return False
    return datetime.date(1900, 1, 1) <= born <= today


def is_id_card_number(value: str, today: datetime.date | None = None) -> bool:
    """A valid 18-character (GB 11643-1999) or old 15-digit ID-card number."""
    today = today or datetime.date.today()
    value = value.upper()
    if value[:2] not in PROVINCE_CODES:
        return False
    if len(value) == 18 and value[:17].isdigit():
        if id_check_char(value[:17]) != value[17]:
            return False
        return _plausible_birth_date(int(value[6:10]), int(value[10:12]), int(value[12:14]), today)
    if len(value) == 15 and value.isdigit():
        return _plausible_birth_date(1900 + int(value[6:8]), int(value[8:10]), int(value[10:12]), today)
    return False


def passes_luhn(digits: str) -> bool:
    total = 0
    for position, char in enumerate(reversed(digits)):
        digit = int(char)
        if position % 2:
            digit *= 2
            if digit > 9:
                digit -= 9
        total += digit
    return total % 10 == 0


def is_bank_card_number(value: str) -> bool:
    digits = re.sub(r"[ -]", "", value)
    return (
        digits.isdigit()
        and 16 <= len(digits) <= 19
        and digits[0] in CARD_FIRST_DIGITS
        and passes_luhn(digits)
        and not is_id_card_number(digits)
    )


def mask(value: str, keep_start: int = 4, keep_end: int = 4) -> str:
    """Hide the middle digits, keeping separators and the length: 1101**********1234."""
    chars = list(value)
    positions = [i for i, char in enumerate(chars) if char.isalnum()]
    for i in positions[keep_start : len(positions) - keep_end]:
        chars[i] = "*"
    return "".join(chars)


# --- scanning text ----------------------------------------------------------------------------


def _overlaps(span, spans) -> bool:
    return any(span[0] < end and start < span[1] for start, end in spans)


def _personal_data(text: str, today: datetime.date) -> list[tuple[str, int, int, str]]:
    """(kind, start, end, masked) of every piece of personal data in `text`."""
    found: list[tuple[str, int, int, str]] = []
    taken: list[tuple[int, int]] = []

    def add(kind, match, masked):
        found.append((kind, match.start(), match.end(), masked))
        taken.append(match.span())

    for pattern in (ID18_RE, ID15_RE):
        for match in pattern.finditer(text):
            if is_id_card_number(match.group(), today):
                add(FlagKind.ID_CARD, match, mask(match.group()))
    for match in CARD_RE.finditer(text):
        if not _overlaps(match.span(), taken) and is_bank_card_number(match.group()):
            add(FlagKind.BANK_CARD, match, mask(match.group()))
    for match in MOBILE_RE.finditer(text):
        if not _overlaps(match.span(), taken):
            add(FlagKind.MOBILE, match, mask(match.group(), keep_start=3))
    return found


class WordMatcher:
    """The sensitive-word and wrong-wording lists as one pattern, longest words first."""

    def __init__(self, words):
        self.words: dict[str, list] = {}
        for word in words:
            if word.text.strip():
                self.words.setdefault(word.text.casefold(), []).append(word)
        alternatives = sorted(self.words, key=len, reverse=True)
        self.pattern = (
            re.compile("|".join(re.escape(text) for text in alternatives), re.IGNORECASE) if alternatives else None
        )

    @classmethod
    def from_lists(cls):
        return cls(CheckedWord.objects.all())

    def finditer(self, text: str):
        """(CheckedWord, start, end) for each occurrence, skipping ones inside their own correct wording."""
        if self.pattern is None:
            return
        for match in self.pattern.finditer(text):
            for word in self.words.get(match.group().casefold(), []):
                if word.list == WordList.WRONG_WORDING and _inside_correct_wording(text, match, word.suggestion):
                    continue
                yield word, match.start(), match.end()


def _inside_correct_wording(text: str, match, suggestion: str) -> bool:
    """`wrong` may be part of `right` (e.g. a shortened name): then an occurrence of `right` is fine."""
    if not suggestion or match.group().casefold() not in suggestion.casefold():
        return False
    for correct in re.finditer(re.escape(suggestion), text, re.IGNORECASE):
        if correct.start() <= match.start() and match.end() <= correct.end():
            return True
    return False


def _excerpt(masked_text: str, start: int, end: int) -> str:
    before = masked_text[max(0, start - CONTEXT_CHARS) : start]
    after = masked_text[end : end + CONTEXT_CHARS]
    excerpt = " ".join(f"{before}{masked_text[start:end]}{after}".split())
    prefix = "…" if start > CONTEXT_CHARS else ""
    suffix = "…" if end + CONTEXT_CHARS < len(masked_text) else ""
    return f"{prefix}{excerpt}{suffix}"[:EXCERPT_MAX]


def check_text(text: str, field: str, *, words: WordMatcher | None = None, today=None) -> list[Finding]:
    """Findings in one piece of plain text (`field` says where it came from)."""
    text = unicodedata.normalize("NFKC", text or "")
    if not text.strip():
        return []
    today = today or datetime.date.today()
    field = field[:FIELD_MAX]
    personal = _personal_data(text, today)
    masked_text = text
    for _kind, start, end, masked in personal:
        masked_text = masked_text[:start] + masked + masked_text[end:]  # masks keep the length
    findings = [
        (start, Finding(kind=kind, field=field, excerpt=_excerpt(masked_text, start, end)))
        for kind, start, end, masked in personal
    ]
    for word, start, end in (words or WordMatcher([])).finditer(text):
        kind = FlagKind.WRONG_WORDING if word.list == WordList.WRONG_WORDING else FlagKind.SENSITIVE
        findings.append(
            (
                start,
                Finding(
                    kind=kind,
                    field=field,
                    excerpt=_excerpt(masked_text, start, end),
                    suggestion=word.suggestion[:SUGGESTION_MAX],
                ),
            )
        )
    return [finding for _start, finding in sorted(findings, key=lambda item: item[0])]


# --- a whole revision -------------------------------------------------------------------------


def _walk(value, path: str):
    """(path, text) of every string inside a JSON value."""
    if isinstance(value, str):
        yield path, value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _walk(item, f"{path}.{key}")
    elif isinstance(value, list | tuple):
        for index, item in enumerate(value):
            yield from _walk(item, f"{path}.{index}")


def _attachment_ids(data) -> list[int]:
    """IDs of resources listed in data['attachments']: plain IDs or {"id"/"resource": ID}."""
    ids = []
    for item in (data or {}).get("attachments") or []:
        if isinstance(item, dict):
            item = item.get("resource") or item.get("resource_id") or item.get("id")
        if isinstance(item, int) or (isinstance(item, str) and item.isdigit()):
            ids.append(int(item))
    return ids


def attachment_texts(revision) -> list[tuple[str, str]]:
    """(field, text) of the revision's own file and of the attachment resources it lists."""
    texts = []
    if revision.asset_id and revision.asset.text:
        texts.append(("asset", revision.asset.text))
    attachments = (
        Resource.objects.filter(pk__in=_attachment_ids(revision.data))
        .select_related("published_revision__asset", "current_revision__asset")
        .order_by("pk")
    )
    for attachment in attachments:
        shown = attachment.published_revision or attachment.current_revision
        if shown is not None and shown.asset_id and shown.asset.text:
            texts.append((f"attachment:{attachment.pk}", shown.asset.text))
    return texts


def check_revision(revision, *, words: WordMatcher | None = None, today=None) -> list[Finding]:
    """Every finding in a revision, in the order title, metadata, content, files; no duplicates.

    A text that occurs in several fields (an article's title is also in its data) is reported
    once, under the first field that has it.
    """
    words = words if words is not None else WordMatcher.from_lists()
    sources = [("title", revision.title)]
    sources += [(path, plain_text(text)) for path, text in _walk(revision.metadata or {}, "metadata")]
    sources += [(path, plain_text(text)) for path, text in _walk(revision.data or {}, "data")]
    sources += attachment_texts(revision)
    findings, seen, checked_texts = [], set(), set()
    for field, text in sources:
        # Articles repeat title, source, author and keywords in their data: check a text once.
        key = " ".join((text or "").split())
        if not key or key in checked_texts:
            continue
        checked_texts.add(key)
        for finding in check_text(text, field, words=words, today=today):
            if finding not in seen:
                seen.add(finding)
                findings.append(finding)
    return findings


def flag_revision(revision) -> list[ReviewFlag]:
    """Run the check and store its findings as the revision's review flags.

    Every submission is a new review: flags of an earlier submission of the same revision are
    replaced, so their confirmations do not carry over.
    """
    ReviewFlag.objects.filter(revision=revision).delete()
    flags = [
        ReviewFlag(
            resource_id=revision.resource_id,
            revision=revision,
            kind=finding.kind,
            field=finding.field,
            excerpt=finding.excerpt,
            suggestion=finding.suggestion,
        )
        for finding in check_revision(revision)
    ]
    return ReviewFlag.objects.bulk_create(flags)


def unconfirmed_flags(revision) -> models.QuerySet:
    return ReviewFlag.objects.filter(revision=revision, confirmed_at__isnull=True)
