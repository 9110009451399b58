"""A training script written for MLflow, run unchanged against runlens's MLflow surface
(MLFLOW_TRACKING_URI and MLFLOW_TRACKING_TOKEN are set by mlflow.test.ts). Prints a JSON report
of what it logged and what the client read back, for the test to check against /v1.

usage: mlflow_run.py <experiment name> <steps>
"""
import json
import math
import sys
import time

import mlflow
from mlflow import MlflowClient
from mlflow.entities import ViewType
from mlflow.exceptions import MlflowException

experiment, steps = sys.argv[1], int(sys.argv[2])
report = {"runs": {}, "errors": {}}

mlflow.set_experiment(experiment)
client = MlflowClient()

# A parent run with params, tags, a metric over `steps` steps (asynchronous logging, as a
# training loop would), and a nested child run.
with mlflow.start_run(run_name="parent") as parent:
    mlflow.log_params({"lr": 0.01, "batch_size": 32, "optimizer": "adam", "amp": True, "tiny": 1e-05})
    mlflow.set_tags({"team": "cv", "stage": "dev"})
    loss = []
    for step in range(steps):
        value = math.exp(-step / 2000) + 0.001 * (step % 7)
        loss.append(value)
        mlflow.log_metrics({"loss": value}, step=step, synchronous=False)
    mlflow.flush_async_logging()
    mlflow.set_tag("stage", "prod")
    mlflow.delete_tag("team")
    with mlflow.start_run(run_name="child", nested=True) as child:
        mlflow.log_param("seed", 1)
        mlflow.log_metric("val/acc", 0.9, step=3)
    report["runs"]["child"] = child.info.run_id
report["runs"]["parent"] = parent.info.run_id
report["loss"] = loss
report["parent_get"] = client.get_run(parent.info.run_id).to_dictionary()

# Each way a run ends.
try:
    with mlflow.start_run(run_name="crashes"):
        mlflow.log_param("lr", 0.1)
        mlflow.log_metric("loss", 3.0, step=0)
        mlflow.log_metric("loss", float("nan"), step=1)  # stored by MLflow; dropped, and said so, by runlens
        raise RuntimeError("diverged")
except RuntimeError:
    pass
report["runs"]["failed"] = mlflow.last_active_run().info.run_id
killed = mlflow.start_run(run_name="stopped")
mlflow.log_param("lr", 0.001)
mlflow.log_metric("loss", 2.0)
mlflow.end_run(status="KILLED")
report["runs"]["killed"] = killed.info.run_id

# Resuming an ended run (a job restarted from its checkpoint), started an hour ago — longer than
# the crash silence: running again (not crashed), then ended again.
exp_id = mlflow.get_experiment_by_name(experiment).experiment_id
an_hour_ago = int(time.time() * 1000) - 3_600_000
first = client.create_run(exp_id, run_name="resumed", start_time=an_hour_ago)
client.log_metric(first.info.run_id, "loss", 2.5, timestamp=an_hour_ago, step=0)
client.set_terminated(first.info.run_id, end_time=an_hour_ago + 60_000)
with mlflow.start_run(run_id=first.info.run_id):
    report["resumed_while_running"] = client.get_run(first.info.run_id).info.status
    mlflow.log_metric("loss", 1.5, step=1)
report["runs"]["resumed"] = first.info.run_id

# Deleting and restoring a run: left out of searches while deleted, still readable by id.
with mlflow.start_run(run_name="deleted") as doomed:
    mlflow.log_param("lr", 0.5)
doomed_id = doomed.info.run_id
ids = lambda view: [r.info.run_id for r in client.search_runs([exp_id], run_view_type=view, max_results=100)]
client.delete_run(doomed_id)
report["deleted"] = {
    "stage": client.get_run(doomed_id).info.lifecycle_stage,
    "in_active": doomed_id in ids(ViewType.ACTIVE_ONLY),
    "deleted_only": ids(ViewType.DELETED_ONLY),
    "in_all": doomed_id in ids(ViewType.ALL),
}
client.restore_run(doomed_id)
report["restored"] = {"stage": client.get_run(doomed_id).info.lifecycle_stage, "in_active": doomed_id in ids(ViewType.ACTIVE_ONLY)}
client.delete_run(doomed_id)  # left deleted: the searches below and /v1 leave it out
report["deleted_run"] = doomed_id

# Reading back as an MLflow user would.
found = mlflow.search_runs(experiment_names=[experiment], filter_string="params.lr = '0.01' and metrics.loss < 1", order_by=["metrics.loss ASC"], output_format="list")
report["search"] = [r.info.run_id for r in found]
ordered = mlflow.search_runs(experiment_names=[experiment], order_by=["params.lr DESC"], output_format="list")
report["ordered"] = [r.info.run_id for r in ordered]
history = client.get_metric_history(parent.info.run_id, "loss")
report["history"] = [[m.step, m.value] for m in history]
report["statuses"] = {k: client.get_run(v).info.status for k, v in report["runs"].items()}
report["experiment_id"] = mlflow.get_experiment_by_name(experiment).experiment_id

# Errors, as MLflow's server answers them.
def error_code(call):
    try:
        call()
        return None
    except MlflowException as err:
        return err.error_code

report["errors"]["unknown_run"] = error_code(lambda: client.get_run("0" * 32))
report["errors"]["unknown_experiment"] = error_code(lambda: client.get_experiment("999"))
report["errors"]["existing_experiment"] = error_code(lambda: client.create_experiment(experiment))
print(json.dumps(report))
