"""Personal data of citizens shown masked (DISC-3, INT-6, SEC-4): enough to recognise, not to copy.

Lists, the status page and e-mails show only masked values; the full value is read from the
encrypted field by the handlers' page, on request, and that reading is audited.
"""

from __future__ import annotations

MASK = "*"


def _keep(text: str, head: int, tail: int) -> str:
    """`text` with all but its first `head` and last `tail` characters masked; a text too short
    for that keeps less, and a text of one character is masked whole."""
    text = (text or "").strip()
    length = len(text)
    if length == 0:
        return ""
    if length == 1:
        return MASK
    while head + tail >= length:
        if tail > head:
            tail -= 1
        elif head > 0:
            head -= 1
        else:
            tail -= 1
    return text[:head] + MASK * (length - head - tail) + (text[length - tail :] if tail else "")


def mask_name(name: str) -> str:
    """张三 → 张*, 欧阳娜娜 → 欧***, John Smith → J*********."""
    return _keep(name, 1, 0)


def mask_id_number(number: str) -> str:
    """An identity document or credit code: the first 4 and last 4 characters."""
    number = (number or "").strip()
    return _keep(number, 4, 4) if len(number) > 8 else _keep(number, 1, 1)


def mask_phone(phone: str) -> str:
    """13812345678 → 138****5678; a short number keeps its last 2 digits."""
    phone = (phone or "").strip()
    return _keep(phone, 3, 4) if len(phone) >= 10 else _keep(phone, 0, 2)


def mask_email(address: str) -> str:
    """zhang.san@example.com → z********@example.com."""
    address = (address or "").strip()
    local, at, domain = address.rpartition("@")
    if not at:
        return _keep(address, 1, 0)
    return _keep(local, 1, 0) + "@" + domain


def mask_address(address: str) -> str:
    """The first 6 characters (province, city), the rest masked."""
    return _keep(address, 6, 0)


def mask_organisation(name: str) -> str:
    """An organisation's name is public: shown whole."""
    return (name or "").strip()
