"""MLflow's model registry, used as a script written for MLflow would, against runlens
(MLFLOW_TRACKING_URI and MLFLOW_TRACKING_TOKEN are set by mlflow-registry.test.ts; the runs'
artifact root is a local directory, so the client writes and lists the model files itself).
Prints a JSON report of what the client read back.

usage: mlflow_registry.py <model name>
"""
import json
import os
import sys
import tempfile

import mlflow
from mlflow import MlflowClient
from mlflow.exceptions import MlflowException

name = sys.argv[1]
client = MlflowClient()
report = {"errors": {}}


def error_code(fn):
    try:
        fn()
    except MlflowException as e:
        return e.error_code
    return None


mlflow.set_experiment("registry")
runs = []
for acc in (0.81, 0.86):
    with mlflow.start_run() as run:
        mlflow.log_metric("val_acc", acc, step=1)
        # An MLflow 2-style model directory in the run's artifacts: register_model finds its MLmodel.
        folder = tempfile.mkdtemp()
        with open(os.path.join(folder, "MLmodel"), "w") as f:
            f.write("flavors: {}\n")
        mlflow.log_artifact(os.path.join(folder, "MLmodel"), artifact_path="model")
    runs.append(run.info.run_id)
report["runs"] = runs

# The first creates the model; the second finds it exists (RESOURCE_ALREADY_EXISTS) and adds a version.
v1 = mlflow.register_model(f"runs:/{runs[0]}/model", name)
v2 = mlflow.register_model(f"runs:/{runs[1]}/model", name)
report["versions"] = [v1.version, v2.version]
report["v2"] = {"run_id": v2.run_id, "source": v2.source, "status": v2.status, "stage": v2.current_stage}

client.set_registered_model_alias(name, "champion", v2.version)
report["champion"] = client.get_model_version_by_alias(name, "champion").version
report["latest_alias"] = client.get_model_version_by_alias(name, "latest").version

client.transition_model_version_stage(name, v1.version, "Production")
client.transition_model_version_stage(name, v2.version, "production", archive_existing_versions=True)
report["stages"] = {v.version: v.current_stage for v in client.search_model_versions(f"name='{name}'")}
report["latest_production"] = [v.version for v in client.get_latest_versions(name, stages=["Production"])]
report["by_run"] = [v.version for v in client.search_model_versions(f"run_id='{runs[0]}'")]
report["newer_than_1"] = [v.version for v in client.search_model_versions(f"name='{name}' AND version_number > 1")]

client.set_registered_model_tag(name, "team", "vision")
client.set_model_version_tag(name, v2.version, "validated", "yes")
client.update_registered_model(name, description="cats and dogs")
client.update_model_version(name, v2.version, description="the better one")
model = client.get_registered_model(name)
report["model"] = {"name": model.name, "description": model.description, "tags": model.tags, "aliases": model.aliases}
report["v2_after"] = {"description": client.get_model_version(name, v2.version).description, "tags": client.get_model_version(name, v2.version).tags}
report["search"] = [m.name for m in client.search_registered_models(filter_string=f"name LIKE '{name[:4]}%'")]
report["search_by_tag"] = [m.name for m in client.search_registered_models(filter_string="tags.team = 'vision'")]
report["download_uri"] = client.get_model_version_download_uri(name, v1.version)

report["errors"]["duplicate"] = error_code(lambda: client.create_registered_model(name))
report["errors"]["missing_version"] = error_code(lambda: client.get_model_version(name, "99"))
report["errors"]["missing_model"] = error_code(lambda: client.get_registered_model("no-such-model"))
report["errors"]["bad_stage"] = error_code(lambda: client.transition_model_version_stage(name, v1.version, "Live"))
# No model files under that path: MLflow 3 then looks for a logged model, and runlens has none
# (the client's own error; its code reads INTERNAL_ERROR, the message says what is missing).
try:
    mlflow.register_model(f"runs:/{runs[0]}/nothing", name)
    report["no_model_files"] = None
except MlflowException as e:
    report["no_model_files"] = e.message

client.delete_registered_model_alias(name, "champion")
report["aliases_after_delete"] = client.get_registered_model(name).aliases
client.rename_registered_model(name, name + "-renamed")
report["renamed_versions"] = [v.version for v in client.search_model_versions(f"name='{name}-renamed'")]
client.delete_model_version(name + "-renamed", v1.version)
report["after_version_delete"] = [v.version for v in client.search_model_versions(f"name='{name}-renamed'")]

print(json.dumps(report))
