"""Pictures of the demo content, drawn with Pillow: news photos (a town under a sky) and portraits.

They are plain shapes, clearly not photographs of anyone, and small (a few kilobytes), so that
`load_demo` stays fast. Each is drawn from a seed, so a second run draws the same picture.
"""

import io
import random

from PIL import Image, ImageDraw

SKIN = [(241, 204, 176), (230, 188, 152), (222, 176, 140)]
SUITS = [(38, 50, 72), (52, 52, 56), (30, 40, 60)]
BACKGROUNDS = [(208, 222, 236), (220, 226, 232), (214, 230, 240)]


def _hex(colour: str) -> tuple[int, int, int]:
    colour = colour.lstrip("#")
    return tuple(int(colour[i : i + 2], 16) for i in (0, 2, 4))


def _mix(a, b, share: float) -> tuple[int, int, int]:
    return tuple(round(x + (y - x) * share) for x, y in zip(a, b, strict=True))


def _jpeg(image: Image.Image) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=82)
    return buffer.getvalue()


def news_photo(seed: int, colour: str, size=(640, 400)) -> bytes:
    """A street of buildings under a sky, tinted with the site's colour."""
    rng = random.Random(seed)
    width, height = size
    image = Image.new("RGB", size)
    draw = ImageDraw.Draw(image)
    top, bottom = (120, 170, 230), (225, 236, 248)
    for y in range(height):
        draw.line([(0, y), (width, y)], fill=_mix(top, bottom, y / height))
    sun = rng.randint(60, width - 60)
    draw.ellipse((sun - 28, 40, sun + 28, 96), fill=(255, 236, 170))
    ground = int(height * 0.72)
    tint = _hex(colour)
    x = -rng.randint(0, 30)
    while x < width:
        w, h = rng.randint(50, 110), rng.randint(90, 230)
        body = _mix(tint, (235, 235, 235), rng.uniform(0.45, 0.8))
        draw.rectangle((x, ground - h, x + w, ground), fill=body)
        for wy in range(ground - h + 12, ground - 14, 22):
            for wx in range(x + 8, x + w - 12, 18):
                draw.rectangle(
                    (wx, wy, wx + 8, wy + 11), fill=(250, 250, 235) if rng.random() < 0.7 else (90, 110, 140)
                )
        x += w + rng.randint(4, 18)
    draw.rectangle((0, ground, width, height), fill=(118, 150, 92))
    draw.rectangle((0, ground + 18, width, ground + 40), fill=(150, 150, 150))
    for _tree in range(rng.randint(4, 9)):
        tx = rng.randint(0, width)
        draw.rectangle((tx - 3, ground - 6, tx + 3, ground + 14), fill=(96, 70, 50))
        draw.ellipse((tx - 16, ground - 36, tx + 16, ground - 2), fill=(60, 130, 70))
    return _jpeg(image)


def portrait(seed: int, size=(300, 400)) -> bytes:
    """A stylised head-and-shoulders figure on a plain background (a placeholder portrait)."""
    rng = random.Random(seed)
    width, height = size
    image = Image.new("RGB", size, rng.choice(BACKGROUNDS))
    draw = ImageDraw.Draw(image)
    suit = rng.choice(SUITS)
    draw.ellipse((20, int(height * 0.62), width - 20, int(height * 1.35)), fill=suit)
    draw.polygon([(width / 2 - 34, height * 0.64), (width / 2 + 34, height * 0.64), (width / 2, height * 0.86)],
                 fill=(245, 245, 245))  # fmt: skip
    draw.polygon([(width / 2 - 9, height * 0.66), (width / 2 + 9, height * 0.66), (width / 2, height * 0.84)],
                 fill=(170, 30, 40))  # fmt: skip
    skin = rng.choice(SKIN)
    draw.rectangle((width / 2 - 22, height * 0.52, width / 2 + 22, height * 0.66), fill=skin)
    draw.ellipse((width / 2 - 62, height * 0.2, width / 2 + 62, height * 0.58), fill=skin)
    hair = rng.choice([(30, 30, 30), (50, 40, 35), (70, 70, 70)])
    draw.chord((width / 2 - 64, height * 0.17, width / 2 + 64, height * 0.42), 180, 360, fill=hair)
    return _jpeg(image)


def report_pdf(lines: tuple[str, ...]) -> bytes:
    """A one-page PDF (A4 at 72 dpi) with `lines` of ASCII text: the demo's security-check report,
    a real PDF because reports go through the library's checks."""
    page = Image.new("RGB", (595, 842), "white")
    draw = ImageDraw.Draw(page)
    for number, line in enumerate(lines):
        draw.text((60, 80 + 24 * number), line, fill=(20, 20, 20))
    out = io.BytesIO()
    page.save(out, format="PDF", resolution=72)
    return out.getvalue()
