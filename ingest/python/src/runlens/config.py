"""``run.config``: the run's params, readable like a dict, and settable after start.

``run.config.update({...})`` or ``run.config["k"] = v`` sends one ParamsLogged event (nested
values flattened with dots, as init()'s ``config``); the server merges it into the run's params,
the later ``loggedAt`` winning per key. Reading gives the flattened keys with the values as the
script passed them. Flattening and checking are params.py's: a param the processor would refuse
(a number that is not finite, a string over 8,000 characters, more than 1,000 in one update, a
bad name) is a ValueError naming it, and nothing of the update is sent or kept. On a rank that does not own the run (see init's ``primary``), updates change
only the local view: the params are the primary rank's to send, once.
"""
from __future__ import annotations

import time
from typing import Any, Callable, Dict, Iterator, Mapping, MutableMapping, Optional

from .params import flatten, to_params
from .validate import check_step


class RunConfig(MutableMapping):
    """``initial``: the run's config as init() already flattened it (params.flatten)."""

    def __init__(self, initial: Optional[Mapping[str, Any]], send: Optional[Callable[[Dict[str, Any], Optional[int]], None]]) -> None:
        self._values: Dict[str, Any] = dict(initial or {})
        self._send = send

    def update(self, other: Any = (), step: Optional[int] = None, **kwargs: Any) -> None:  # type: ignore[override]
        """Sets several params at once: one ParamsLogged event, at ``step`` when given."""
        merged: Dict[str, Any] = dict(other) if not isinstance(other, Mapping) else dict(other.items())
        merged.update(kwargs)
        flat = flatten(merged)
        if step is not None:
            check_step(step)
        if not flat:
            return
        params = to_params(flat)
        if self._send is not None:
            self._send(params, step)
        self._values.update(flat)

    def __setitem__(self, key: str, value: Any) -> None:
        self.update({key: value})

    def __delitem__(self, key: str) -> None:
        raise TypeError("a param cannot be removed from a run; set another value instead")

    def __getitem__(self, key: str) -> Any:
        return self._values[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._values)

    def __len__(self) -> int:
        return len(self._values)

    def __repr__(self) -> str:
        return f"RunConfig({self._values!r})"

    def as_dict(self) -> Dict[str, Any]:
        return dict(self._values)


def params_event(project: str, run_id: str, params: Dict[str, Any], step: Optional[int]) -> Dict[str, Any]:
    """A ParamsLogged event (producerId/sequence are the sender's to fill: its random
    per-process id and a new sequence; a pair is never reused for other content)."""
    return {"project": project, "runId": run_id, "params": params, "loggedAt": int(time.time() * 1000), "step": step}
