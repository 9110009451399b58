"""Checks at the edge, as the processors check (schemas/validate.ts): a bad point is a
ValueError naming the key, raised by ``log()`` before anything is buffered."""
from __future__ import annotations

import math
from typing import Any

KEY_LENGTH = 256
ID_LENGTH = 128
NAME_LENGTH = 256
MAX_STEP = 2**53 - 1


def well_formed(text: str) -> bool:
    """No lone surrogates: text that UTF-8 can carry as it is."""
    try:
        text.encode("utf-8")
        return True
    except UnicodeEncodeError:
        return False


def check_name(what: str, value: Any, limit: int = NAME_LENGTH, empty_ok: bool = False) -> str:
    if not isinstance(value, str):
        raise ValueError(f"{what} must be a string, not {type(value).__name__}")
    if not value and not empty_ok:
        raise ValueError(f"{what} is empty")
    if len(value) > limit:
        raise ValueError(f"{what} is longer than {limit} characters")
    if not well_formed(value):
        raise ValueError(f"{what} {value[:40]!r} is not valid Unicode (a lone surrogate)")
    return value


def check_key(what: str, key: Any) -> str:
    check_name(what, key, KEY_LENGTH)
    if any(ord(c) < 0x20 or ord(c) == 0x7F for c in key):
        raise ValueError(f'{what} "{key[:40]}" contains control characters')
    return key


def check_value(key: str, value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        # numpy and torch scalars convert; anything else is refused.
        try:
            value = float(value)
        except (TypeError, ValueError):
            raise ValueError(f'metric "{key}": value {value!r} is not a number') from None
    v = float(value)
    if not math.isfinite(v):
        raise ValueError(f'metric "{key}": value {v} is not a finite number')
    return v


def check_step(step: Any) -> int:
    if isinstance(step, bool) or not isinstance(step, int):
        raise ValueError(f"step {step!r} is not an integer")
    if step < 0 or step > MAX_STEP:
        raise ValueError(f"step {step} is out of range (0 to 2^53 - 1)")
    return step
