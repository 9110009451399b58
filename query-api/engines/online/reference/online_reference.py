"""SciPy's answers for the online engine's fixed-horizon tests and sample-ratio check
(query-api/engines/online/fixed-horizon.test.ts reads online-reference.json).
Run: python online_reference.py > online-reference.json (scipy 1.17.1, numpy 2)."""
import json

import numpy as np
from scipy import stats

rng = np.random.default_rng(20261130)
cases = []
for name, a, b in [
    ("normal, unequal variances", rng.normal(10.3, 2.0, 400), rng.normal(10.0, 3.0, 300)),
    ("latency-like, lognormal", rng.lognormal(4.0, 0.5, 1000), rng.lognormal(4.02, 0.5, 1200)),
    ("tiny samples", np.array([1.0, 2.5, 3.0]), np.array([2.0, 2.0, 4.5, 5.0])),
]:
    t = stats.ttest_ind(a, b, equal_var=False)
    ci = t.confidence_interval(0.95)
    ci90 = t.confidence_interval(0.90)
    cases.append({"name": name, "kind": "continuous", "a": a.tolist(), "b": b.tolist(), "statistic": float(t.statistic), "df": float(t.df),
                  "pValue": float(t.pvalue), "lower": float(ci.low), "upper": float(ci.high), "lower90": float(ci90.low), "upper90": float(ci90.high)})
for name, (xa, na), (xb, nb) in [("conversion 5.3% vs 4.8%", (530, 10000), (480, 10000)), ("uneven sizes", (130, 1000), (420, 4000))]:
    chi2, p, dof, _ = stats.chi2_contingency([[xa, na - xa], [xb, nb - xb]], correction=False)
    pa, pb = xa / na, xb / nb
    z = stats.norm.ppf(0.975)
    se = np.sqrt(pa * (1 - pa) / na + pb * (1 - pb) / nb)
    cases.append({"name": name, "kind": "binary", "successesA": xa, "nA": na, "successesB": xb, "nB": nb, "chiSquare": float(chi2), "pValue": float(p),
                  "lower": float(pa - pb - z * se), "upper": float(pa - pb + z * se)})
srm = []
for counts, weights in [([50210, 49790], [0.5, 0.5]), ([50500, 49500], [0.5, 0.5]), ([33100, 33400, 33500], [1 / 3, 1 / 3, 1 / 3]), ([8900, 1100], [0.9, 0.1])]:
    total = sum(counts)
    r = stats.chisquare(counts, [w * total for w in weights])
    srm.append({"counts": counts, "weights": weights, "chiSquare": float(r.statistic), "pValue": float(r.pvalue)})
print(json.dumps({"scipy": __import__("scipy").__version__, "comparisons": cases, "srm": srm}))
