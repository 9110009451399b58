"""Outcomes of an online experiment (champion against challenger on live traffic), as the
service in front of a deployed model logs them::

    import runlens
    outcomes = runlens.outcome_logger("ranker-v7-vs-v6", project="shop")
    outcomes.expose(user_id, "challenger")                 # when served (a unit counts once, however often)
    outcomes.record(user_id, "challenger", "conversion", 1.0)
    outcomes.record(user_id, "challenger", "revenue", 23.5, covariate=18.0)  # pre-period value, for CUPED
    outcomes.flush()

Records are checked at the call (a bad one raises there; nothing buffered is lost) and buffered
column by column; ``max_batch`` of them, or what is buffered every ``flush_interval_s`` (1 s)
and at interpreter exit, leave as one ``OutcomeBatch`` through the process's sender (its spool,
Kafka or the gateway), with the sender's identity so a re-send is stored once. A failed send is
the sender's to report (``flush()`` raises it), never the serving path's; while the spool cannot
be written, batches are dropped (counted in ``dropped``, one warning) rather than held in memory
without bound. Past the sender's memory bound, recording waits for it, as ``run.log()`` does.
A batch carries covariates on every record or on none, so records with a covariate are buffered
apart. Thread-safe: a web server's threads may share one logger. Declare the experiment first
(POST /v1/online/experiments): its id, variants and metrics are what these records name.
"""
from __future__ import annotations

import math
import sys
import threading
import time
import weakref
from typing import Any, Dict, Iterable, List, Optional

from .periodic import Periodic
from .validate import check_id, check_key

FLUSH_INTERVAL_S = 1.0

MAX_BATCH = 5000


class _Columns:
    def __init__(self) -> None:
        self.variants: Dict[str, int] = {}
        self.metrics: Dict[str, int] = {}
        self.unit_ids: List[str] = []
        self.variant_index: List[int] = []
        self.metric_index: List[int] = []
        self.values: List[float] = []
        self.covariates: List[float] = []
        self.times: List[int] = []


class OutcomeLogger:
    def __init__(self, sender: Any, project: str, experiment_id: str, max_batch: int = MAX_BATCH, per_unit: Iterable[str] = (), flush_interval_s: Optional[float] = FLUSH_INTERVAL_S) -> None:
        """``per_unit``: ratio metrics, whose records are a unit's requests: their totals are kept per unit too (delta method)."""
        self.project = check_id("project", project)
        self.experiment_id = check_id("experiment_id", experiment_id)
        self._per_unit = frozenset(check_key("per_unit metric", m) for m in per_unit)
        self._sender = sender
        self._max_batch = max_batch
        self._lock = threading.Lock()
        self._plain = _Columns()
        self._with_covariates = _Columns()
        self._checked: set = set()
        self.dropped = 0
        # A trickle of traffic still leaves within flush_interval_s (None: only by size and
        # flush()). The clock holds the logger weakly and stops once it is gone.
        self._clock: Optional[Periodic] = None
        if flush_interval_s:
            seal = weakref.WeakMethod(self.seal)

            def tick() -> None:
                live = seal()
                if live is None:
                    clock.stop()
                else:
                    live()

            clock = Periodic(f"runlens-outcomes-{experiment_id}", flush_interval_s, tick, on_error=lambda err: print(f"runlens: outcomes of {experiment_id} not handed over: {err}", file=sys.stderr))
            self._clock = clock.start()

    def expose(self, unit: str, variant: str, at_ms: Optional[int] = None) -> None:
        """The unit was served the variant. The sample-ratio check counts each unit once: once per unit is enough (and cheapest), more are harmless."""
        self._add(unit, variant, None, 0.0, None, at_ms)

    def record(self, unit: str, variant: str, metric: str, value: float, covariate: Optional[float] = None, at_ms: Optional[int] = None) -> None:
        """One outcome of the unit in the variant; ``covariate``: the unit's pre-period value of the metric (0 without any), for CUPED."""
        if ("m", metric) not in self._checked:
            check_key("metric", metric)
            self._checked.add(("m", metric))
        value = float(value)
        if not math.isfinite(value):
            raise ValueError(f"metric {metric!r}: value {value} is not a finite number")
        if covariate is not None:
            covariate = float(covariate)
            if not math.isfinite(covariate):
                raise ValueError(f"metric {metric!r}: covariate {covariate} is not a finite number")
        self._add(unit, variant, metric, value, covariate, at_ms)

    def _add(self, unit: str, variant: str, metric: Optional[str], value: float, covariate: Optional[float], at_ms: Optional[int]) -> None:
        if not isinstance(unit, str) or not 0 < len(unit) <= 256:
            raise ValueError(f"unit id must be a string of 1 to 256 characters, not {unit!r:.60}")
        if not unit.isascii():
            try:
                unit.encode("utf-8")
            except UnicodeEncodeError as err:
                raise ValueError(f"unit id {unit!r:.60}: not valid Unicode ({err.reason})") from None
            if len(unit.encode("utf-16-le")) // 2 > 256:  # the server counts UTF-16 units, as JavaScript does
                raise ValueError(f"unit id {unit!r:.60} is longer than 256 characters")
        if ("v", variant) not in self._checked:
            check_key("variant", variant)
            self._checked.add(("v", variant))
        at = int(time.time() * 1000) if at_ms is None else int(at_ms)
        if at < 0:
            raise ValueError(f"time {at} is negative")
        with self._lock:
            c = self._plain if covariate is None else self._with_covariates
            c.unit_ids.append(unit)
            c.variant_index.append(c.variants.setdefault(variant, len(c.variants)))
            c.metric_index.append(-1 if metric is None else c.metrics.setdefault(metric, len(c.metrics)))
            c.values.append(value)
            if covariate is not None:
                c.covariates.append(covariate)
            c.times.append(at)
            if len(c.unit_ids) >= self._max_batch:
                self._send(self._take(c is self._plain))

    def _send(self, batch: Optional[Dict[str, Any]]) -> None:
        """Hands a batch to the sender, under the logger's lock (so a flush never overtakes a batch taken before it)."""
        if batch is None:
            return
        if self._sender.spool_full:
            if self.dropped == 0:
                print(f"runlens: the spool cannot be written; outcomes of {self.experiment_id} are dropped until it can (counted in .dropped)", file=sys.stderr)
            self.dropped += len(batch["unitIds"])
            return
        self._sender.emit("OutcomeBatch", batch, check_errors=False, points=len(batch["unitIds"]))

    def _take(self, plain: bool) -> Optional[Dict[str, Any]]:
        c = self._plain if plain else self._with_covariates
        if not c.unit_ids:
            return None
        if plain:
            self._plain = _Columns()
        else:
            self._with_covariates = _Columns()
        return {
            "project": self.project, "experimentId": self.experiment_id, "variants": list(c.variants), "metrics": list(c.metrics), "unitIds": c.unit_ids,
            "variantIndex": c.variant_index, "metricIndex": c.metric_index, "values": c.values, "covariates": c.covariates, "times": c.times,
            "metricsPerUnit": [m in self._per_unit for m in c.metrics] if any(m in self._per_unit for m in c.metrics) else [],
        }

    def seal(self) -> None:
        """Hands what is buffered to the sender (the clock calls it every second)."""
        with self._lock:
            self._send(self._take(True))
            self._send(self._take(False))

    def flush(self, timeout_s: float = 60.0) -> None:
        """Sends what is buffered and waits until Kafka (or the gateway) acknowledged everything the process sent."""
        self.seal()
        self._sender.flush(timeout_s)

    def stop_clock(self) -> None:
        if self._clock is not None:
            self._clock.stop()

    def close(self, timeout_s: float = 60.0) -> None:
        """Stops the clock and flushes (at interpreter exit, runlens hands over what loggers made by outcome_logger() still buffer)."""
        self.stop_clock()
        self.flush(timeout_s)
