"""The files every page of a site shares under /-/: style sheet, script, marks and theme colours.

Written by the static publisher (publishing/site_publisher.py) and linked, with a version in the
address, by dynamic pages drawn in the site's frame (search, notices).
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from django.conf import settings

STATIC_DIR = Path(settings.BASE_DIR) / "static" / "site"
STATIC_FILES = ("site.css", "site.js", "conac.svg", "psb.svg")


def static_files(theme) -> tuple[dict[str, bytes], dict[str, str]]:
    """The files of /-/ (CSS, script, marks, the theme's colours) and their versioned addresses.

    Shared by every page of a site, and by dynamic pages drawn in the site's frame (search).
    """
    files = {f"-/{name}": (STATIC_DIR / name).read_bytes() for name in STATIC_FILES}
    files["-/theme.css"] = (
        f":root{{--c-main:{theme.primary};--c-second:{theme.secondary};--c-third:{theme.accent}}}\n".encode()
    )
    version = {p: hashlib.sha256(b).hexdigest()[:10] for p, b in files.items()}
    assets = {
        "css": f"/-/site.css?v={version['-/site.css']}",
        "theme": f"/-/theme.css?v={version['-/theme.css']}",
        "js": f"/-/site.js?v={version['-/site.js']}",
    }
    return files, assets
