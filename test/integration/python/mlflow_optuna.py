"""An Optuna study logged through Optuna's own MLflow callback (optuna.integration.MLflowCallback,
from optuna-integration) to runlens's MLflow surface: MLFLOW_TRACKING_URI and
MLFLOW_TRACKING_TOKEN are set by mlflow-optuna.test.ts. The objective has a param that matters a
lot (x), one that matters a little (y) and one that does not matter at all (z). Prints a JSON
report of the trials for the test to check against /v1.

usage: mlflow_optuna.py <study name> <trials> <seed>
"""
import json
import os
import sys
import warnings

import optuna
from optuna.integration import MLflowCallback

study_name, trials, seed = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
optuna.logging.set_verbosity(optuna.logging.WARNING)
# Optuna 4.9.0 deprecated MLflowCallback (removal planned for 6.0.0); it still ships and works, and
# its FutureWarning is not what this test is about.
warnings.filterwarnings("ignore", message="MLflowCallback has been deprecated", category=FutureWarning)


def objective(trial):
    x = trial.suggest_float("x", -4.0, 4.0)
    y = trial.suggest_float("y", -4.0, 4.0)
    z = trial.suggest_float("z", -4.0, 4.0)  # never used: no effect on the value
    return (x - 1.0) ** 2 + 0.5 * (y + 1.0) ** 2


# The callback creates (or reuses) the MLflow experiment named after the study, and logs each
# finished trial as a run named after its number: the value as metric "value", the params, and
# Optuna's tags (number, state, direction, distributions, datetimes).
callback = MLflowCallback(tracking_uri=os.environ["MLFLOW_TRACKING_URI"], metric_name="value")
study = optuna.create_study(study_name=study_name, direction="minimize", sampler=optuna.samplers.RandomSampler(seed=seed))
study.optimize(objective, n_trials=trials, callbacks=[callback])

print(json.dumps({
    "study": study.study_name,
    "trials": [{"number": t.number, "state": t.state.name, "params": t.params, "value": t.value} for t in study.trials],
}))
