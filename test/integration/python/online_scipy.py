"""SciPy's fixed-horizon answers on the outcomes the online test sent (a JSON file of the raw
values per variant): Welch's t-test with its interval for continuous metrics, the chi-square
test without correction for binary ones, and numpy's 95th percentile."""
import json
import sys

import numpy as np
from scipy import stats

data = json.load(open(sys.argv[1]))
out = {}
for metric, sides in data["metrics"].items():
    a, b = np.array(sides["variant"]), np.array(sides["control"])
    if data["kinds"][metric] == "binary":
        table = [[a.sum(), len(a) - a.sum()], [b.sum(), len(b) - b.sum()]]
        chi2, p, _, _ = stats.chi2_contingency(table, correction=False)
        out[metric] = {"estimate": float(a.mean() - b.mean()), "pValue": float(p)}
    else:
        t = stats.ttest_ind(a, b, equal_var=False)
        ci = t.confidence_interval(1 - data["alpha"])
        out[metric] = {"estimate": float(a.mean() - b.mean()), "pValue": float(t.pvalue), "lower": float(ci.low), "upper": float(ci.high),
                       "p95Variant": float(np.percentile(a, 95)), "p95Control": float(np.percentile(b, 95))}
srm = stats.chisquare(data["exposures"], [w * sum(data["exposures"]) for w in data["weights"]])
out["srm"] = {"pValue": float(srm.pvalue)}
print(json.dumps(out))
