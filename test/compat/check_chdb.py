#!/usr/bin/env python3
"""Runs the product's SQL (written by test/compat/generate-sql.ts) on current ClickHouse.

chdb is ClickHouse's engine in process: every statement runs in order in one chdb Session
on a temporary path, queries with their current database selected (USE), and each query's
result is checked against the expectation the generator attached (row counts, a column's
values). Prints one line per statement that fails, with ClickHouse's error, and exits 1 if
any statement fails or returns a wrong result; 0 otherwise; 2 on bad usage or no chdb.

    python3 test/compat/check_chdb.py statements.json [--json-report report.json] [--verbose]
        [--setting name=value ...]

--setting is for diagnosis only ("what else fails once this is fixed", e.g.
joined_subquery_requires_alias=0): it changes the engine's defaults, so a run with it proves
nothing about the product's SQL on a stock server.
"""
from __future__ import annotations

import argparse
import base64
import json
import math
import os
import re
import sys
import tempfile
import time
from typing import Any


def numeric(v: Any) -> float | None:
    if isinstance(v, bool):
        return float(v)
    if isinstance(v, (int, float)):
        return float(v)
    if isinstance(v, str):
        try:
            return float(v)
        except ValueError:
            return None
    return None


def same(actual: Any, expected: Any) -> bool:
    a, e = numeric(actual), numeric(expected)
    if a is not None and e is not None:
        if math.isnan(a) or math.isnan(e):
            return math.isnan(a) and math.isnan(e)
        return abs(a - e) <= 1e-9 * max(1.0, abs(e))
    return str(actual) == str(expected)


def check_expectation(expect: dict[str, Any], result: dict[str, Any]) -> list[str]:
    """Problems with a JSONCompact result, as readable sentences (empty when it matches)."""
    problems: list[str] = []
    names = [m["name"] for m in result.get("meta", [])]
    data = result.get("data", [])
    if "rows" in expect and len(data) != expect["rows"]:
        problems.append(f"expected {expect['rows']} rows, got {len(data)}")
    for key, ordered in (("column", True), ("columnSet", False)):
        if key not in expect:
            continue
        name, want = expect[key]["name"], expect[key]["values"]
        if name not in names:
            problems.append(f"no column {name!r} in the result (columns: {', '.join(names)})")
            continue
        got = [row[names.index(name)] for row in data]
        if ordered:
            ok = len(got) == len(want) and all(same(g, w) for g, w in zip(got, want))
        else:
            ok = sorted(map(str, got)) == sorted(map(str, want))
        if not ok:
            problems.append(f"column {name!r}: expected {want}{'' if ordered else ' (any order)'}, got {got}")
    return problems


def excerpt(sql: str, limit: int = 1500) -> str:
    # INSERTs carry their rows after the FORMAT line: keep the statement and a little data.
    head, sep, rest = sql.partition("FORMAT JSONEachRow\n")
    if sep:
        sql = head + sep + (rest[:300] + " …" if len(rest) > 300 else rest)
    return sql if len(sql) <= limit else sql[:limit] + " …"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("statements", help="JSON written by test/compat/generate-sql.ts")
    ap.add_argument("--json-report", help="also write the outcome of every statement here")
    ap.add_argument("--verbose", action="store_true", help="print every statement as it runs")
    ap.add_argument("--setting", action="append", default=[], metavar="NAME=VALUE",
                    help="SET this before running (diagnosis only; see above)")
    args = ap.parse_args()

    try:
        import chdb
        from chdb import session as chdb_session
    except ImportError as err:
        print(f"chdb is not installed for {sys.executable}: {err} (pip install chdb)", file=sys.stderr)
        return 2

    with open(args.statements, encoding="utf-8") as f:
        spec = json.load(f)
    statements = spec["statements"]

    outcomes: list[dict[str, Any]] = []
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="runlens-chdb-") as path:
        sess = chdb_session.Session(path)
        try:
            engine = str(sess.query("SELECT version()", "TabSeparated")).strip()
            print(f"chdb {chdb.__version__}, ClickHouse {engine}: {len(statements)} statements from {args.statements}")
            for setting in args.setting:
                name, _, value = setting.partition("=")
                if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", name) or not value:
                    print(f"--setting {setting!r}: expected name=value", file=sys.stderr)
                    return 2
                sess.query(f"SET {name} = {value}")
                print(f"  diagnosis: SET {name} = {value} (not a stock server)")
            current_db: str | None = None
            for st in statements:
                t0 = time.monotonic()
                outcome: dict[str, Any] = {"id": st["id"], "kind": st["kind"], "status": "ok"}
                try:
                    db = st.get("database")
                    if db and db != current_db:
                        sess.query(f"USE {db}")
                        current_db = db
                    if st["kind"] == "query":
                        raw = sess.query(st["sql"], "JSONCompact")
                        text = raw.bytes().decode("utf-8") if hasattr(raw, "bytes") else str(raw)
                        result = json.loads(text) if text.strip() else {"meta": [], "data": []}
                        outcome["rows"] = len(result.get("data", []))
                        problems = check_expectation(st.get("expect") or {}, result)
                        if problems:
                            outcome.update(status="wrong result", error="; ".join(problems))
                    elif st.get("body") is not None:
                        # A binary INSERT: its data, as the product sends it after the SQL, from a file.
                        data = os.path.join(path, "insert-body.bin")
                        with open(data, "wb") as out:
                            out.write(base64.b64decode(st["body"]))
                        head, sep, fmt = st["sql"].rpartition(" FORMAT ")
                        if not sep:
                            raise ValueError("a statement with a body must end in FORMAT <name>")
                        sess.query(f"{head} FROM INFILE '{data}' FORMAT {fmt}")
                    else:
                        sess.query(st["sql"])
                except Exception as err:  # chdb raises ChdbError (a RuntimeError) with ClickHouse's message
                    outcome.update(status="error", error=str(err).strip())
                outcome["ms"] = round((time.monotonic() - t0) * 1000, 1)
                outcomes.append(outcome)
                if args.verbose:
                    print(f"  {outcome['status']:12} {outcome['ms']:8.1f} ms  {st['kind']:9} {st['id']}")
        finally:
            sess.close()

    failed = [(st, o) for st, o in zip(statements, outcomes) if o["status"] != "ok"]
    elapsed = time.monotonic() - started
    if args.json_report:
        with open(args.json_report, "w", encoding="utf-8") as f:
            json.dump({"engine": engine, "chdb": chdb.__version__, "outcomes": outcomes}, f, indent=2)

    if not failed:
        print(f"OK: all {len(statements)} statements ran on ClickHouse {engine} and returned the expected results ({elapsed:.1f} s)")
        return 0
    errors = sum(1 for _, o in failed if o["status"] == "error")
    print(f"FAILED: {len(failed)} of {len(statements)} statements on ClickHouse {engine} "
          f"({errors} rejected, {len(failed) - errors} wrong results; {elapsed:.1f} s)")
    # One root cause (a migration, a shared subquery) fails many statements: group them, and
    # print the SQL once per cause.
    causes: dict[str, list[tuple[dict[str, Any], dict[str, Any]]]] = {}
    for st, o in failed:
        causes.setdefault(cause(o), []).append((st, o))
    print("By cause:")
    for c, items in causes.items():
        print(f"  {len(items):4} × {c}   (first: {items[0][0]['id']})")
    print()
    for c, items in causes.items():
        print(f"=== {c}: {len(items)} statement(s)")
        for i, (st, o) in enumerate(items):
            print(f"--- [{o['status']}] {st['kind']}: {st['id']}")
            # The first of a cause in full, the rest short: the same error about another statement.
            print(f"    {shorten(o['error'], 1500 if i == 0 else 300)}")
            if i == 0:
                print("    SQL: " + excerpt(st["sql"]).replace("\n", "\n         "))
        print()
    return 1


def cause(o: dict[str, Any]) -> str:
    if o["status"] != "error":
        return "wrong result"
    m = re.match(r"Code: (\d+)\..*\(([A-Z_]+)\)\s*$", o["error"], re.S)
    return f"{m.group(2)} (Code {m.group(1)})" if m else o["error"].splitlines()[0][:120]


def shorten(error: str, limit: int = 700) -> str:
    """ClickHouse errors quote the whole query ("In scope …"); keep the head and the tail."""
    error = " ".join(error.split())
    return error if len(error) <= limit else f"{error[:limit - 200]} … {error[-180:]}"


if __name__ == "__main__":
    sys.exit(main())
