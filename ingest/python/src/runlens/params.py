"""A run's params as the events carry them: nested config flattened with dots, values kept as
numbers (double), strings or booleans, checked as the processor checks them (validate.py).
The one place params are flattened and converted: init() (RunStarted.params), run.config
(ParamsLogged.params) and the integrations use it; it never sends anything itself.

``flatten`` → the flat config with the values as given (what ``run.config`` reads back);
``to_params(flat)`` → the event's params, or ValueError naming the param; ``keep_valid`` → the
flat config without the params the processor would refuse (for integrations, which must never
stop a training over a param)."""
from __future__ import annotations

from typing import Any, Dict, List, Mapping, Optional, Tuple, Union

from .validate import MAP_ENTRIES, check_key, check_param_value

Param = Union[float, str, bool]


def flatten(config: Optional[Mapping[str, Any]], prefix: str = "") -> Dict[str, Any]:
    """Nested mappings flattened with dots ({"optimizer": {"beta1": 0.9}} → "optimizer.beta1"),
    values as given; None is left out (a param is never null). Raises ValueError for a bad
    param name (empty, over 256 characters, control characters)."""
    out: Dict[str, Any] = {}
    _flatten(config, prefix, out, strict=True, dropped=[])
    return out


def _flatten(config: Optional[Mapping[str, Any]], prefix: str, out: Dict[str, Any], strict: bool, dropped: List[str]) -> None:
    for k, v in (config or {}).items():
        name = f"{prefix}{k}"
        if isinstance(v, Mapping):
            _flatten(v, f"{name}.", out, strict, dropped)
        elif v is not None:
            try:
                out[check_key("param name", name)] = v
            except ValueError:
                if strict:
                    raise
                dropped.append(name[:60])


def to_param(value: Any) -> Param:
    """Numbers as double, strings and booleans as they are, anything else (lists, objects) as its
    string; numpy and torch scalars convert to float."""
    if isinstance(value, (bool, str)):
        return value
    if isinstance(value, (int, float)):
        return float(value)
    try:
        return float(value)
    except (TypeError, ValueError):
        return str(value)


def to_params(flat: Mapping[str, Any]) -> Dict[str, Param]:
    """The event's params of a flat config (``flatten``'s): at most 1,000, each a finite number,
    a string of up to 8,000 characters or a boolean; else ValueError naming the param."""
    if len(flat) > MAP_ENTRIES:
        raise ValueError(f"params: {len(flat)} params; at most {MAP_ENTRIES} are allowed in one event")
    return {k: check_param_value(k, to_param(v)) for k, v in flat.items()}


def keep_valid(config: Optional[Mapping[str, Any]]) -> Tuple[Dict[str, Any], List[str]]:
    """The flat config without what ``to_params`` would refuse (bad names, non-finite numbers,
    strings over 8,000 characters, the entries past the first 1,000), and the names dropped."""
    flat: Dict[str, Any] = {}
    dropped: List[str] = []
    _flatten(config, "", flat, strict=False, dropped=dropped)
    kept: Dict[str, Any] = {}
    for k, v in flat.items():
        try:
            check_param_value(k, to_param(v))
        except ValueError:
            dropped.append(k)
            continue
        if len(kept) >= MAP_ENTRIES:
            dropped.append(k)
            continue
        kept[k] = v
    return kept, dropped


def drop_warning(where: str, dropped: List[str]) -> str:
    """One warning's text for the params ``keep_valid`` dropped."""
    names = ", ".join(dropped[:5]) + (f" and {len(dropped) - 5} more" if len(dropped) > 5 else "")
    return (
        f"runlens: {where}: {len(dropped)} param(s) left out of the run (a number that is not finite, a string "
        f"over 8,000 characters, a bad name, or past the first {MAP_ENTRIES}): {names}"
    )
