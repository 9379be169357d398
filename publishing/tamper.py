"""Tamper detection for published sites (SEC-5).

Every file under PUBLISH_ROOT/<primary domain>/ is compared with the manifest (PublishedFile: the
SHA-256 and size of what the publisher wrote). Differences are of three kinds:

- added: on disk, not in the manifest (a planted page, a web shell, a symlink);
- changed: in the manifest, but the bytes on disk differ (defacement), or it is no longer a
  plain file;
- missing: in the manifest, not on disk.

The scan holds the site's publish lock, so a publish in progress is never mistaken for tampering.

`restore` brings back the published state: added files and changed files are moved out of the site
into TAMPER_QUARANTINE_ROOT/<time>/<domain>/ (kept as evidence, no longer served), then the
publisher renders the whole site again in verify mode, which rewrites every file whose bytes on
disk differ from the rendering (publishing.site_publisher.SitePublisher.full(verify=True)); the site is
then scanned again.

`alarm` writes an audit entry `publish.tampered` per site with the lists and mails the platform
administrators. The hourly Celery task govplatform.verify_published does check, repair (when
TAMPER_AUTO_REPAIR is on) and alarm; `manage.py verify_published` does the same by hand.
"""

from __future__ import annotations

import hashlib
import logging
import os
import shutil
import stat
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.core.mail import send_mail
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.models import User
from auditlog import audit
from auditlog.events import AuditEvent
from publishing import dependencies
from publishing.folder import SiteFolder, site_lock
from publishing.outcomes import PublishError
from publishing.site_publisher import SitePublisher
from sites.models import Domain, Site

log = logging.getLogger(__name__)

READ_CHUNK = 1 << 20
DETAIL_LIMIT = 500  # paths per kind kept in an audit entry (the counts are always complete)
MAIL_LIMIT = 50  # paths per kind listed in the alarm mail


@dataclass
class SiteCheck:
    site_id: int
    domain: str
    added: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    files: int = 0
    repaired: bool = False
    quarantine: str = ""
    after: SiteCheck | None = None  # the scan after a repair
    refused: list[str] = field(default_factory=list)  # pages the re-render refused (broken links)

    @property
    def clean(self) -> bool:
        return not (self.added or self.changed or self.missing)

    @property
    def restored(self) -> bool:
        return self.repaired and self.after is not None and self.after.clean

    def summary(self) -> dict:
        out = {
            "added": self.added[:DETAIL_LIMIT],
            "changed": self.changed[:DETAIL_LIMIT],
            "missing": self.missing[:DETAIL_LIMIT],
            "counts": {"added": len(self.added), "changed": len(self.changed), "missing": len(self.missing)},
            "files": self.files,
        }
        if self.repaired:
            out["repaired"] = True
            out["restored"] = self.restored
            out["quarantine"] = self.quarantine
            if self.after is not None and not self.after.clean:
                out["remaining"] = self.after.summary()["counts"]
        return out

    def __str__(self):
        if self.clean:
            return f"{self.domain}: {self.files} files, all as published"
        lines = [f"{self.domain}: {len(self.added)} added, {len(self.changed)} changed, {len(self.missing)} missing"]
        for kind in ("added", "changed", "missing"):
            lines += [f"  {kind}: {path}" for path in getattr(self, kind)]
        if self.repaired:
            state = "restored" if self.restored else f"NOT fully restored ({self.after})"
            lines.append(f"  repaired: {state}; removed files kept in {self.quarantine}")
        return "\n".join(lines)


def site_root(domain: str) -> Path:
    return Path(settings.PUBLISH_ROOT) / domain


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb", buffering=0) as handle:
        while chunk := handle.read(READ_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def _walk(root: Path):
    """(relative path, lstat) of every entry that is not a real folder, without following links."""
    for folder, dirs, names in os.walk(root, followlinks=False):
        base = Path(folder)
        for name in list(dirs):
            path = base / name
            if path.is_symlink():  # a linked folder is content of its own: report it, never enter it
                dirs.remove(name)
                yield path.relative_to(root).as_posix(), path.lstat()
        for name in names:
            path = base / name
            yield path.relative_to(root).as_posix(), path.lstat()


def scan(site_id: int, domain: str) -> SiteCheck:
    """Compare the site's folder with its manifest (under the site's publish lock)."""
    check = SiteCheck(site_id, domain)
    root = site_root(domain)
    with site_lock(domain):
        # Temporary files of a publish that was killed were never published: removed, not reported.
        SiteFolder(domain).recover()
        known = dependencies.manifest(site_id)
        seen = set()
        if root.is_dir():
            for path, info in _walk(root):
                check.files += 1
                expected = known.get(path)
                if expected is None:
                    check.added.append(path)
                    continue
                seen.add(path)
                if not stat.S_ISREG(info.st_mode) or info.st_size != expected[1]:
                    check.changed.append(path)
                elif _sha256(root / path) != expected[0]:
                    check.changed.append(path)
        check.missing = sorted(set(known) - seen)
    check.added.sort()
    check.changed.sort()
    return check


def _quarantine_folder(domain: str) -> Path:
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S-%f")
    return Path(settings.TAMPER_QUARANTINE_ROOT) / stamp / domain


def _move_out(root: Path, path: str, quarantine: Path) -> None:
    source = root / path
    target = quarantine / path
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        os.replace(source, target)  # same file system: a rename
    except OSError:
        if source.is_symlink() or not source.is_dir():
            shutil.copy2(source, target, follow_symlinks=False)
            source.unlink()
        else:
            shutil.move(source, target)


def _remove_empty_folders(root: Path, paths: list[str]) -> None:
    for path in paths:
        folder = (root / path).parent
        while folder != root and folder.is_dir() and not any(folder.iterdir()):
            folder.rmdir()
            folder = folder.parent


def restore(check: SiteCheck) -> SiteCheck:
    """Restore the published state of one site (see the module's description); returns `check`."""
    if check.clean:
        return check
    root = site_root(check.domain)
    quarantine = _quarantine_folder(check.domain)
    with site_lock(check.domain):
        for path in check.added + check.changed:
            if (root / path).exists() or (root / path).is_symlink():
                _move_out(root, path, quarantine)
        _remove_empty_folders(root, check.added)
    try:
        report = SitePublisher(check.site_id).full(verify=True)
        check.refused = sorted(report.refused)
    except PublishError as error:
        log.error("tamper repair of %s could not publish: %s", check.domain, error)
    check.repaired = True
    check.quarantine = str(quarantine) if quarantine.exists() else ""
    check.after = scan(check.site_id, check.domain)
    return check


def published_sites(domain: str | None = None):
    """(site id, primary domain) of every site with a primary domain, or of the one named."""
    domains = Domain.objects.filter(is_primary=True).select_related("site").order_by("name")
    if domain:
        domains = domains.filter(Q(name=domain.lower()) | Q(site__domains__name=domain.lower())).distinct()
    return [(d.site_id, d.name) for d in domains]


def unknown_folders() -> list[str]:
    """Folders under PUBLISH_ROOT that belong to no site's primary domain (served by nginx if named)."""
    root = Path(settings.PUBLISH_ROOT)
    if not root.is_dir():
        return []
    primary = set(Domain.objects.filter(is_primary=True).values_list("name", flat=True))
    # .locks: the publisher's locks; .routes: hosts nginx hands to the public process (public/serving.py)
    return sorted(
        entry.name for entry in root.iterdir() if entry.name not in (".locks", ".routes") and entry.name not in primary
    )


def check_all(*, domain: str | None = None, repair: bool = False, alarm: bool = False) -> list[SiteCheck]:
    results = []
    for site_id, name in published_sites(domain):
        check = scan(site_id, name)
        if not check.clean and repair:
            restore(check)
        results.append(check)
    tampered = [check for check in results if not check.clean]
    for check in tampered:
        log.warning("published files tampered with: %s", check)
        audit.record(
            AuditEvent.PUBLISH_TAMPERED, site=Site.objects.filter(pk=check.site_id).first(), details=check.summary()
        )
    if alarm and tampered:
        send_alarm(tampered, unknown=unknown_folders() if domain is None else [])
    return results


def alarm_recipients() -> list[str]:
    admins = User.objects.filter(is_active=True).filter(Q(is_platform_admin=True) | Q(is_superuser=True))
    return sorted(set(admins.exclude(email="").values_list("email", flat=True)))


def send_alarm(tampered: list[SiteCheck], *, unknown: list[str] = ()) -> int:
    """Mail the platform administrators what was found (and whether it was restored)."""
    recipients = alarm_recipients()
    if not recipients:
        log.error("published files tampered with, and no platform administrator has an e-mail address")
        return 0
    with translation.override(settings.LANGUAGE_CODE):
        subject = _("Published files tampered with on %(count)d site(s): %(domains)s") % {
            "count": len(tampered),
            "domains": ", ".join(check.domain for check in tampered),
        }
        lines = [_("The tamper check found published files that differ from what was published."), ""]  # SEC-5
        for check in tampered:
            lines.append(
                _("%(domain)s: %(added)d added, %(changed)d changed, %(missing)d missing")
                % {
                    "domain": check.domain,
                    "added": len(check.added),
                    "changed": len(check.changed),
                    "missing": len(check.missing),
                }
            )
            for label, paths in (
                (_("added"), check.added),
                (_("changed"), check.changed),
                (_("missing"), check.missing),
            ):
                lines += [f"  {label}: {path}" for path in paths[:MAIL_LIMIT]]
                if len(paths) > MAIL_LIMIT:
                    lines.append(f"  {label}: … (+{len(paths) - MAIL_LIMIT})")
            if check.repaired:
                lines.append(
                    _("  Restored to the published version; the removed files are kept in %(folder)s.")
                    % {"folder": check.quarantine or "-"}
                    if check.restored
                    else _("  The repair did not restore everything: check the server now.")
                )
            else:
                lines.append(_("  Not repaired: run manage.py verify_published --repair."))
            lines.append("")
        if unknown:
            lines.append(
                _("Folders under the publishing root that belong to no site: %(names)s") % {"names": ", ".join(unknown)}
            )
        return send_mail(subject, "\n".join(lines), None, recipients)
