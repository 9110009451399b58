# schemathesis hooks for test/integration/openapi-fuzz.test.ts (loaded through SCHEMATHESIS_HOOKS).
#
# Generated names (run ids, params, metrics, sweeps) almost never exist, so most requests would
# end in a 400 or 404 at the name checks and never reach the queries and analytics behind them.
# map_case rewrites three of every four generated names of each kind into ones the test seeded
# (project "fuzz": runs fz-0..fz-11 of sweep "sw", params lr, seed and optimizer, metrics loss and
# val/acc, val/acc also in segment class=cat), and drops the legacy `project` field, which any
# value but the token's own turns into a 403. Values of the wrong type (negative cases) are left
# alone. The choice depends only on the generated value, so a seed replays the same requests.
import zlib

import schemathesis

RUN_IDS = [f"fz-{i}" for i in range(12)]
PARAMS = ["lr", "seed", "optimizer", "params.lr"]
SERIES = ["loss", "val/acc", "val/acc[class=cat]"]
SUMMARIES = ["val/acc.max", "loss.min", "val/acc[class=cat].last", "loss", "val/acc.mean"]
FIELDS = ["lr", "seed", "optimizer", "val/acc.max", "loss.min"]
FILTERS = ["params.lr > 0.001", "metrics.val/acc.max >= 0.6 and params.optimizer = 'adam'", "params.seed = 0"]
SORTS = ["metrics.val/acc.max:desc", "params.lr:asc,name", "metrics.loss[class=cat].min", ""]
COLUMNS = ["params.lr,metrics.loss.min", "metrics.val/acc[class=cat].max", "lineage.seed"]


def pick(choices, value, key):
    """One of `choices` for three of four values, else the value itself; by a hash of both."""
    h = zlib.crc32(f"{key}={value!r}".encode())
    return value if h % 4 == 0 else choices[h % len(choices)]


def pick_each(choices, values, key):
    """pick() per item, keeping an item as generated where its pick is taken (lists are uniqueItems)."""
    out = []
    for v in values:
        p = pick(choices, v, key)
        out.append(v if p in out or p in values else p)
    return out


def steer_value(key, value, path):
    sweeps = path.startswith("/v1/sweeps/")
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        if key == "runIds":
            return pick_each(RUN_IDS, value, key)
        if key == "metrics":
            return pick_each(SERIES if path == "/v1/curves" else SUMMARIES, value, key)
        if key in ("params", "axes", "by", "groupBy", "variables"):
            return pick_each(PARAMS, value, key)
        return value
    if not isinstance(value, str):
        return value
    if key in ("id", "baseline"):
        return pick(RUN_IDS, value, key)
    if key in ("metric", "target"):
        return pick(SUMMARIES, value, key)
    if key == "key":
        return pick(SERIES[:2], value, key)
    if key == "sweep":
        return pick(["sw"], value, key)
    if key == "experiment":
        return pick(["fuzz"], value, key)
    if key == "filter":
        return pick(FILTERS, value, key)
    if key == "segment":
        return pick(["class=cat"], value, key)
    if key == "columns":
        return pick(COLUMNS, value, key)
    if key == "sort" and path == "/v1/runs":
        return pick(SORTS, value, key)
    if sweeps and key in ("x", "y", "param", "colour", "color"):
        return pick(FIELDS, value, key)
    return value


def steer(node, path):
    if isinstance(node, dict):
        return {k: steer(steer_value(k, v, path), path) for k, v in node.items() if k != "project"}
    if isinstance(node, list):
        return [steer(v, path) for v in node]
    return node


@schemathesis.hook
def map_case(context, case):
    path = case.operation.path
    if isinstance(case.body, (dict, list)):
        case.body = steer(case.body, path)
    if case.query:
        case.query = steer(dict(case.query), path)
    if case.path_parameters:
        case.path_parameters = {k: steer_value(k, v, path) for k, v in case.path_parameters.items()}
    return case
