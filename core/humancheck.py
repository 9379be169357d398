"""The human check of public forms (the application for disclosure, DISC-3; letters): no third-party service.

Two kinds, each a signed challenge that the server can verify without keeping state:

- "image": five characters drawn by Pillow, slightly turned, over noise lines (a PNG as a data:
  address, which the public Content-Security-Policy allows);
- "text": a small sum written out in Chinese words ("三加五等于几？"), the accessible alternative
  for people who cannot see the picture; screen readers read it like any label.

The token carries a random nonce, the kind, the time and an HMAC of the answer under the site's
SECRET_KEY (django.utils.crypto.salted_hmac): the answer cannot be read from the page nor guessed
offline. A challenge answers once (its nonce is kept in the cache until it expires) and for
MAX_AGE seconds.
"""

from __future__ import annotations

import base64
import io
import random
import secrets
from dataclasses import dataclass

from django.core import signing
from django.core.cache import cache
from django.utils.crypto import constant_time_compare, salted_hmac
from PIL import Image, ImageDraw, ImageFont

SALT = "core.humancheck"
MAX_AGE = 30 * 60
IMAGE, TEXT = "image", "text"
# No characters that look alike (0/O, 1/I/L, 2/Z, 5/S, 8/B).
CHARACTERS = "ACDEFHJKMNPRTUVWXY34679"
LENGTH = 5
CHINESE_NUMBERS = "零一二三四五六七八九十"


@dataclass(frozen=True)
class Challenge:
    kind: str
    token: str
    image: str = ""  # data:image/png;base64,… for the image kind
    question: str = ""  # the question in words for the text kind


def _digest(nonce: str, answer: str) -> str:
    return salted_hmac(SALT, f"{nonce}:{normalise(answer)}").hexdigest()


def normalise(answer: str) -> str:
    """What the visitor typed, as compared: no spaces, capitals, full-width digits made plain."""
    answer = (answer or "").strip().upper().replace(" ", "")
    return answer.translate({ord("０") + n: str(n) for n in range(10)})


def _draw(text: str) -> str:
    rng = random.SystemRandom()
    width, height = 44 * len(text) + 20, 64
    image = Image.new("RGB", (width, height), (246, 246, 240))
    draw = ImageDraw.Draw(image)
    for _ in range(6):
        draw.line(
            [(rng.randint(0, width), rng.randint(0, height)), (rng.randint(0, width), rng.randint(0, height))],
            fill=(rng.randint(120, 190),) * 3,
            width=2,
        )
    font = ImageFont.load_default(size=40)
    for index, char in enumerate(text):
        glyph = Image.new("RGBA", (48, 56), (0, 0, 0, 0))
        ImageDraw.Draw(glyph).text((6, 2), char, font=font, fill=(20, 30, 60, 255))
        glyph = glyph.rotate(rng.uniform(-20, 20), resample=Image.Resampling.BICUBIC, expand=False)
        image.paste(glyph, (10 + index * 44, rng.randint(0, 6)), glyph)
    out = io.BytesIO()
    image.save(out, format="PNG")
    return "data:image/png;base64," + base64.b64encode(out.getvalue()).decode()


def _token(kind: str, answer: str) -> str:
    nonce = secrets.token_urlsafe(12)
    return signing.dumps({"k": kind, "n": nonce, "h": _digest(nonce, answer)}, salt=SALT, compress=True)


def new(kind: str = IMAGE) -> Challenge:
    if kind == TEXT:
        rng = random.SystemRandom()
        a, b = rng.randint(1, 9), rng.randint(1, 9)
        question = f"{CHINESE_NUMBERS[a]}加{CHINESE_NUMBERS[b]}等于几？"
        return Challenge(TEXT, _token(TEXT, str(a + b)), question=question)
    text = "".join(secrets.choice(CHARACTERS) for _ in range(LENGTH))
    return Challenge(IMAGE, _token(IMAGE, text), image=_draw(text))


def kind_of(token: str) -> str:
    """The kind of a token (for the next challenge after a failed one); IMAGE when unreadable."""
    try:
        return signing.loads(token, salt=SALT, max_age=MAX_AGE).get("k", IMAGE)
    except (signing.BadSignature, AttributeError):
        return IMAGE


def verify(token: str, answer: str) -> bool:
    """Whether `answer` solves the challenge of `token`; a challenge is solved once only."""
    try:
        data = signing.loads(token or "", salt=SALT, max_age=MAX_AGE)
        nonce, digest = data["n"], data["h"]
    except (signing.BadSignature, KeyError, TypeError):
        return False
    if not constant_time_compare(_digest(nonce, answer), digest):
        return False
    return cache.add(f"{SALT}:used:{nonce}", 1, timeout=MAX_AGE + 60)
