"""The publisher's fast removal of characters that are no text (TPL-7; issue 12 item 9, issue 18)."""

from publishing.text import remove_non_text
from resources.sanitize import remove_non_text as reference


def test_the_fast_removal_removes_exactly_what_the_cleaners_remove():  # TPL-7
    every = "".join(chr(n) for n in range(0x110000))
    assert remove_non_text(every) == reference(every)
    assert remove_non_text("标题\x00\ufffe\U0001fffe正文\ud800") == "标题正文"
