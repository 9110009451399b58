"""Reference p-values of the exact Mann–Whitney U test, for query-api/engines/statistics/mann-whitney.test.ts.

Writes mann-whitney-exact.json beside this file: untied samples of sizes from 1 up to 49 × 49
(R's wilcox.test is exact below 50 values per sample when nothing ties, and runlens's
method 'auto' follows it), each with SciPy's
    scipy.stats.mannwhitneyu(a, b, method="exact", alternative=...)
for all three alternatives. The values are drawn from a fixed seed, so the file is reproducible.

Regenerate (from the repository root):
    python3 -m venv /tmp/venv-mw && /tmp/venv-mw/bin/pip install scipy numpy
    /tmp/venv-mw/bin/python query-api/engines/statistics/reference/mann_whitney_exact.py
"""
import json
import pathlib

import numpy as np
import scipy
from scipy.stats import mannwhitneyu

SEED = 20250905
ALTERNATIVES = ("two-sided", "greater", "less")

# (nA, nB, shift of a's location): small sizes, the issue's 9 vs 11, asymmetric ones, and up to
# 49 × 49. The shifts spread the p-values from ~1 down to the far tail.
SIZES = [
    (1, 1, 0.0), (1, 6, 1.0), (2, 3, 0.5), (3, 3, 2.0), (4, 7, -0.8), (5, 5, 0.3),
    (6, 40, 0.7), (7, 49, -1.2), (8, 8, 1.5), (8, 9, 0.2), (9, 9, -0.4), (9, 11, 0.3),
    (11, 9, -0.6), (10, 12, 1.0), (12, 15, -0.2), (13, 49, 0.9), (15, 10, 0.5), (17, 31, -0.7),
    (20, 20, 0.0), (20, 20, 1.4), (24, 24, -2.5), (25, 7, 0.6), (30, 30, 0.25), (30, 45, -0.5),
    (33, 12, 1.1), (35, 20, -0.35), (40, 40, 0.45), (45, 45, -0.15), (48, 49, 0.55),
    (49, 1, 1.8), (49, 2, -0.9), (49, 3, 0.4), (49, 10, -1.6), (49, 48, 0.1), (49, 49, 0.3),
    (49, 49, -1.0), (49, 49, 3.0),
]


def normal(rng, n, shift):
    # Six decimals keep the file short; a draw with any tie is drawn again.
    return np.round(rng.normal(shift, 1.0, n), 6)


def case(rng, n_a, n_b, shift, name=None):
    while True:
        a = normal(rng, n_a, shift)
        b = normal(rng, n_b, 0.0)
        if len(np.unique(np.concatenate([a, b]))) == n_a + n_b:
            break
    out = {"name": name or f"{n_a} vs {n_b}, shift {shift}", "a": a.tolist(), "b": b.tolist(), "U": None, "exact": {}}
    for alt in ALTERNATIVES:
        r = mannwhitneyu(a, b, method="exact", alternative=alt)
        out["U"] = float(r.statistic)  # U of a, the same for every alternative
        out["exact"][alt] = float(r.pvalue)
    return out


def issue_case():
    # Issue 9, item 5: 9 vs 11 values, U = 37 (a below b), two-sided exact p 0.3702 where the
    # normal approximation (continuity corrected) gives 0.3619.
    b = [float(i) for i in range(11)]
    counts = [5, 5, 4, 4, 4, 4, 4, 4, 3]  # values of b below each value of a: U = 37
    a = [c - 0.5 + 0.01 * i for i, c in enumerate(counts)]
    out = {"name": "issue 9 item 5: 9 vs 11 values", "a": a, "b": b, "U": None, "exact": {}, "asymptotic": {}}
    for alt in ALTERNATIVES:
        e = mannwhitneyu(a, b, method="exact", alternative=alt)
        n = mannwhitneyu(a, b, method="asymptotic", use_continuity=True, alternative=alt)
        out["U"] = float(e.statistic)
        out["exact"][alt] = float(e.pvalue)
        out["asymptotic"][alt] = float(n.pvalue)
    return out


def main():
    rng = np.random.default_rng(SEED)
    cases = [issue_case()] + [case(rng, *s) for s in SIZES]
    doc = {
        "source": f"query-api/engines/statistics/reference/mann_whitney_exact.py, seed {SEED}",
        "scipy": scipy.__version__,
        "numpy": np.__version__,
        "call": 'scipy.stats.mannwhitneyu(a, b, method="exact", alternative=...); "asymptotic" with use_continuity=True',
        "cases": cases,
    }
    path = pathlib.Path(__file__).with_name("mann-whitney-exact.json")
    # One case per line: short diffs when the file is regenerated.
    head = json.dumps({k: v for k, v in doc.items() if k != "cases"}, indent=1)[:-2]
    body = ",\n".join("  " + json.dumps(c) for c in cases)
    path.write_text(f'{head},\n "cases": [\n{body}\n ]\n}}\n')
    print(f"wrote {len(cases)} cases to {path}")


if __name__ == "__main__":
    main()
