"""Characters no published page may hold, removed fast (TPL-7; issue 12 item 9, issue 18).

resources.sanitize.NOT_TEXT_RE lists the characters XML forbids and the Unicode noncharacters
one by one; as a character class of single astral characters Python's re tests every character
of a page slowly (0.4 ms for a 12 kB page, a third of a page's rendering time). The same set as
the complement of a few ranges is tested ten times faster. tests/rendering/test_text.py checks
that both remove exactly the same characters over all of Unicode.
"""

import re

ALLOWED = "\t\n\r\x20-\ud7ff\ue000-\ufdcf\ufdf0-\ufffd" + "".join(
    f"{chr(plane * 0x10000)}-{chr(plane * 0x10000 + 0xFFFD)}" for plane in range(1, 17)
)
NOT_TEXT_RE = re.compile(f"[^{ALLOWED}]")


def remove_non_text(text: str) -> str:
    """`text` without the characters of resources.sanitize.NOT_TEXT_RE."""
    return NOT_TEXT_RE.sub("", text)
