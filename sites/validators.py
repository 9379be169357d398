"""Form rules of the national texts for site identifiers (SITE-2, SITE-3).

Each function raises ValidationError with a message that quotes the rule, so an administrator
who typed a wrong value learns what a right one looks like.
"""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# Province-level codes of GB/T 2260 (the first two digits of an administrative-division code).
PROVINCE_CODES = {
    "11", "12", "13", "14", "15", "21", "22", "23", "31", "32", "33", "34", "35", "36", "37",
    "41", "42", "43", "44", "45", "46", "50", "51", "52", "53", "54", "61", "62", "63", "64",
    "65", "71", "81", "82",
}  # fmt: skip
# One-character province abbreviations used in ICP and public-security filing numbers.
PROVINCE_ABBREVIATIONS = "京津冀晋蒙辽吉黑沪苏浙皖闽赣鲁豫鄂湘粤桂琼渝川贵黔云滇藏陕秦甘陇青宁新港澳台"

_LABEL = r"[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?"
PORTAL_DOMAIN_RE = re.compile(rf"^www\.(?P<body>{_LABEL})\.gov\.cn$")
DEPARTMENT_DOMAIN_RE = re.compile(rf"^(?P<label>{_LABEL})\.(?P<body>{_LABEL})\.gov\.cn$")
ENGLISH_DOMAIN_RE = re.compile(rf"^(?:{_LABEL}\.)+gov\.cn$")
# Chinese domains of party and government bodies end in .政务 (public institutions: .公益).
CHINESE_DOMAIN_RE = re.compile(r"^[\u4e00-\u9fa5A-Za-z0-9-]{1,40}\.(?:政务|公益)$")

ID_CODE_RE = re.compile(r"^(?:bm\d{8}|(?P<division>\d{6})\d{4})$")
ICP_RE = re.compile(rf"^[{PROVINCE_ABBREVIATIONS}]ICP备\d{{6,10}}号(?:-\d{{1,3}})?$")
PSB_RE = re.compile(rf"^[{PROVINCE_ABBREVIATIONS}]公网安备\s?(?P<number>\d{{14}})号?$")


def normalise_domain(value: str) -> str:
    return (value or "").strip().rstrip(".").lower()


def is_chinese_domain(domain: str) -> bool:
    return bool(CHINESE_DOMAIN_RE.match(domain))


def validate_domain_form(domain: str) -> None:
    """Any domain of a site: an English .gov.cn domain or a Chinese .政务/.公益 domain."""
    if is_chinese_domain(domain):
        return
    if not ENGLISH_DOMAIN_RE.match(domain):
        raise ValidationError(
            _(  # SITE-3
                "“%(domain)s” is not allowed: government sites use English domains ending in "
                ".gov.cn (or a Chinese domain ending in .政务); no other suffix may be used."
            ),
            code="domain_suffix",
            params={"domain": domain},
        )


def portal_body(domain: str) -> str | None:
    """`bd` for `www.bd.gov.cn`; None when the domain is not of the portal form."""
    match = PORTAL_DOMAIN_RE.match(domain)
    return match["body"] if match else None


def validate_primary_domain(domain: str, *, kind: str, parent_primary: str | None) -> None:
    """The structure rule of G §2(一)4 for a site's primary (English) domain."""
    validate_domain_form(domain)
    if is_chinese_domain(domain):
        raise ValidationError(
            _("The primary domain must be the English .gov.cn domain; a Chinese domain can only be an alias."),
            code="primary_chinese",
        )
    if kind == "portal":
        if not PORTAL_DOMAIN_RE.match(domain):
            raise ValidationError(
                _(  # SITE-3
                    "A portal's domain must have the form www.X.gov.cn, where X is the pinyin or "
                    "English name of the region or body (e.g. www.beijing.gov.cn); “%(domain)s” "
                    "does not."
                ),
                code="portal_domain",
                params={"domain": domain},
            )
        return
    match = DEPARTMENT_DOMAIN_RE.match(domain)
    body = portal_body(parent_primary or "")
    if not match or match["label"] == "www" or body is None or match["body"] != body:
        example = f"xxx.{body}.gov.cn" if body else "slj.bd.gov.cn"
        raise ValidationError(
            _(  # SITE-3
                "A department site's domain must be a subdomain of its portal: Y.X.gov.cn where "
                "the portal is www.X.gov.cn (e.g. %(example)s); “%(domain)s” does not fit."
            ),
            code="department_domain",
            params={"domain": domain, "example": example},
        )


def validate_id_code(value: str) -> None:
    """政府网站标识码: `bm` + 8 digits (central departments) or division code + 4 digits."""
    match = ID_CODE_RE.match(value or "")
    if not match or (match["division"] and match["division"][:2] not in PROVINCE_CODES):
        raise ValidationError(
            _(
                "“%(value)s” is not a site ID code: it is “bm” followed by 8 digits for central "
                "departments, or a 6-digit administrative-division code followed by 4 digits "
                "(e.g. 1306000001)."
            ),
            code="id_code",
            params={"value": value},
        )


def validate_icp_number(value: str) -> None:
    if not ICP_RE.match(value or ""):
        raise ValidationError(
            _("“%(value)s” is not an ICP filing number such as 冀ICP备12345678号 or 京ICP备05070218号-1."),
            code="icp",
            params={"value": value},
        )


def validate_psb_number(value: str) -> None:
    if not PSB_RE.match(value or ""):
        raise ValidationError(
            _(
                "“%(value)s” is not a public-security filing number: province abbreviation, "
                "“公网安备” and 14 digits, e.g. 冀公网安备 13060202000001号."
            ),
            code="psb",
            params={"value": value},
        )
