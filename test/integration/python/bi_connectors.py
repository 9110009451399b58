"""Superset's ClickHouse drivers against a per-project BI user of runlens (bi-users.test.ts):
clickhouse-sqlalchemy (SQLAlchemy dialects clickhouse+native and clickhouse+http) as Superset
uses it — list the tables, read a table's columns, run a chart query the dialect compiles — and
clickhouse-connect, Superset's default driver, which needs more of the server than 18.16 has.
Prints a JSON report of what each saw.

usage: bi_connectors.py <host> <http port> <native port> <user> <password>
"""
import json
import sys

import clickhouse_connect
from sqlalchemy import MetaData, Table, create_engine, desc, func, inspect, select

host, http_port, native_port, user, password = sys.argv[1:6]
report = {}

for dialect, port in (("native", native_port), ("http", http_port)):
    engine = create_engine(f"clickhouse+{dialect}://{user}:{password}@{host}:{port}/{user}")
    seen = {}
    names = inspect(engine)
    seen["tables"] = sorted(names.get_table_names())
    seen["run_columns"] = [c["name"] for c in names.get_columns("bi_v1_runs")]
    runs = Table("bi_v1_runs", MetaData(), autoload_with=engine)
    # What a Superset bar chart of runs per status asks.
    chart = select(runs.c.status, func.count().label("count")).group_by(runs.c.status).order_by(desc("count")).limit(10000)
    with engine.connect() as c:
        seen["chart"] = [list(r) for r in c.execute(chart).fetchall()]
        seen["projects"] = [r[0] for r in c.execute(select(runs.c.project).distinct()).fetchall()]
    report[dialect] = seen

try:
    client = clickhouse_connect.get_client(host=host, port=int(http_port), username=user, password=password, database=user)
    report["clickhouse_connect"] = {"ok": True, "runs": client.query("SELECT count() FROM bi_v1_runs").result_rows[0][0]}
except Exception as e:  # the driver's own error, recorded for the test to check
    report["clickhouse_connect"] = {"ok": False, "error": str(e)}

print(json.dumps(report))
