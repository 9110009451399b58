"""Checks at the edge, as the processors check (schemas/validate.ts, whose LIMITS these mirror):
a bad point is a ValueError naming the key, raised by ``log()`` before anything is buffered; a
bad id, name, param, tag or library version is a ValueError naming the field, raised by
``init()`` or ``run.config.update`` before anything is sent. An event the processor would
refuse is never sent: it would be dead-lettered whole (a RunStarted with its params, tags and
lineage; a ParamsLogged with its update)."""
from __future__ import annotations

import math
import re
from typing import Any, Callable, Dict, Mapping, TypeVar

ID_LENGTH = 128  # project, run id, sweep id, producer id
NAME_LENGTH = 500  # experiment, run name, user (MLflow's limit too)
KEY_LENGTH = 256  # metric keys, param names, tag names, any map key
VALUE_LENGTH = 8000  # string params, tag values, library versions, artifact metadata (MLflow's tag limit)
MAP_ENTRIES = 1000  # params, tags, libraries, metadata, summary: entries per map
MAX_STEP = 2**53 - 1
ID_PATTERN = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:-]*")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")

V = TypeVar("V")


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


def check_id(what: str, value: Any) -> str:
    """project, run id, sweep id: 1 to 128 of letters, digits, '.', '_', ':' and '-', starting
    with a letter or digit."""
    check_name(what, value, ID_LENGTH)
    if not ID_PATTERN.fullmatch(value):
        raise ValueError(f"{what} {value[:40]!r} may hold only letters, digits, '.', '_', ':' and '-', and must start with a letter or digit")
    return value


def check_key(what: str, key: Any) -> str:
    check_name(what, key, KEY_LENGTH)
    if _CONTROL.search(key):
        raise ValueError(f'{what} "{key[:40]}" contains control characters')
    return key


def check_text(what: str, value: Any) -> str:
    """A string value of a map (tag, library version, metadata): up to 8,000 characters."""
    return check_name(what, value, VALUE_LENGTH, empty_ok=True)


def check_map(what: str, mapping: Mapping[str, V], check_value: Callable[[str, V], V]) -> Dict[str, V]:
    """At most 1,000 entries, each key a valid key (``{what} key``), each value checked by
    ``check_value(key, value)``; the checked map."""
    if len(mapping) > MAP_ENTRIES:
        raise ValueError(f"{what} has {len(mapping)} entries; at most {MAP_ENTRIES} are allowed")
    return {check_key(f"{what} key", k): check_value(k, v) for k, v in mapping.items()}


def check_param_value(key: str, value: Any) -> Any:
    """A param as the events carry it (float, str or bool): a finite number, or a string of up
    to 8,000 characters."""
    if isinstance(value, bool):
        return value
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError(f'param "{key}": value {value} is not a finite number')
        return value
    if isinstance(value, str):
        return check_name(f'param "{key}"', value, VALUE_LENGTH, empty_ok=True)
    raise ValueError(f'param "{key}": value {value!r} is not a number, string or boolean')


def check_strings(what: str, value: Any) -> Any:
    """Every string in a (nested) value is valid Unicode, as the processor requires of every
    string of an event."""
    if isinstance(value, str):
        if not well_formed(value):
            raise ValueError(f"{what} {value[:40]!r} is not valid Unicode (a lone surrogate)")
    elif isinstance(value, Mapping):
        for k, v in value.items():
            check_strings(f"{what} key", k)
            check_strings(f"{what}.{k}", v)
    elif isinstance(value, (list, tuple)):
        for v in value:
            check_strings(what, v)
    return value


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
