"""A run's params as the events carry them: nested config flattened with dots, values kept as
numbers (double), strings or booleans. Shared by init() (RunStarted.params) and run.config
(ParamsLogged.params); never sends anything itself."""
from __future__ import annotations

from typing import Any, Dict, Mapping, Optional, Union

from .validate import check_name

Param = Union[float, str, bool]


def flatten(config: Optional[Mapping[str, Any]], prefix: str = "") -> Dict[str, Any]:
    """Nested mappings flattened with dots ({"optimizer": {"beta1": 0.9}} → "optimizer.beta1"),
    values as given; None is left out (a param is never null)."""
    out: Dict[str, Any] = {}
    for k, v in (config or {}).items():
        name = f"{prefix}{k}"
        if isinstance(v, Mapping):
            out.update(flatten(v, f"{name}."))
        elif v is not None:
            out[check_name("param name", name)] = v
    return out


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


def to_params(config: Optional[Mapping[str, Any]]) -> Dict[str, Param]:
    """RunStarted/ParamsLogged params of a (nested) config."""
    return {k: to_param(v) for k, v in flatten(config).items()}
