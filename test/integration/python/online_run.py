"""Logs an online experiment's exposures and outcomes with the Python package (argv: project,
experiment id, units) and prints what it sent per variant as JSON: units, conversions, the sum
of revenue."""
import json
import random
import sys

import runlens

project, experiment, units = sys.argv[1], sys.argv[2], int(sys.argv[3])
rng = random.Random(3)
log = runlens.outcome_logger(experiment, project=project)
sent = {v: {"units": 0, "conversions": 0, "revenue": 0.0} for v in ("champion", "challenger")}
for i in range(units):
    variant = "champion" if rng.random() < 0.5 else "challenger"
    unit = f"py-{i}"
    conversion = 1.0 if rng.random() < 0.1 else 0.0
    pre = rng.uniform(0, 20)
    revenue = pre * 0.5 + rng.uniform(0, 10)
    log.expose(unit, variant)
    log.record(unit, variant, "conversion", conversion)
    log.record(unit, variant, "revenue", revenue, covariate=pre)
    s = sent[variant]
    s["units"] += 1
    s["conversions"] += int(conversion)
    s["revenue"] += revenue
try:
    log.record("u", "champion", "revenue", float("nan"))
    raise SystemExit("a NaN outcome was accepted")
except ValueError:
    pass
log.flush()
print(json.dumps(sent))
