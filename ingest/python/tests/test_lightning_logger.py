"""RunlensLogger's logic against a minimal stand-in of Lightning's Logger base class,
rank_zero_experiment and rank_zero_only (the real Lightning needs torch, too large for CI here):
what it checks is the logger's own behaviour, not Lightning's. The stand-in keeps the real
base class's shape: an ABC whose name, version, log_metrics and log_hyperparams are abstract."""
import importlib
import sys
import types
from abc import ABC, abstractmethod
from argparse import Namespace
from functools import wraps

import pytest


def _stand_in():
    def rank_zero_only(fn):
        @wraps(fn)
        def wrapped(*args, **kwargs):
            return fn(*args, **kwargs) if rank_zero_only.rank == 0 else None

        return wrapped

    rank_zero_only.rank = 0

    class Dummy:
        def __getattr__(self, _):
            return lambda *a, **k: None

    def rank_zero_experiment(fn):
        @wraps(fn)
        def experiment(self):
            return Dummy() if rank_zero_only.rank > 0 else fn(self)

        return experiment

    class Logger(ABC):
        @property
        @abstractmethod
        def name(self): ...

        @property
        @abstractmethod
        def version(self): ...

        @abstractmethod
        def log_metrics(self, metrics, step=None): ...

        @abstractmethod
        def log_hyperparams(self, params, *args, **kwargs): ...

        def finalize(self, status):
            pass

    mods = {name: types.ModuleType(name) for name in ["lightning", "lightning.pytorch", "lightning.pytorch.loggers", "lightning.pytorch.loggers.logger", "lightning.pytorch.utilities"]}
    mods["lightning.pytorch.loggers.logger"].Logger = Logger
    mods["lightning.pytorch.loggers.logger"].rank_zero_experiment = rank_zero_experiment
    mods["lightning.pytorch.utilities"].rank_zero_only = rank_zero_only
    return mods, rank_zero_only


@pytest.fixture
def lightning(monkeypatch):
    mods, rank_zero_only = _stand_in()
    for name, mod in mods.items():
        monkeypatch.setitem(sys.modules, name, mod)
    monkeypatch.delitem(sys.modules, "runlens.integrations.lightning", raising=False)
    module = importlib.import_module("runlens.integrations.lightning")
    yield module, rank_zero_only
    sys.modules.pop("runlens.integrations.lightning", None)


def test_hyperparams_metrics_and_finalize(recorder, lightning):
    module, _ = lightning
    logger = module.RunlensLogger(project="vision", experiment="resnet", prefix="fit", tags={"team": "cv"}, heartbeat_s=0)
    assert logger.name == "resnet" and logger.version is None
    logger.log_hyperparams(Namespace(lr=0.1, opt={"name": "sgd"}))
    assert recorder.events == []  # the run starts on first use of experiment
    logger.log_metrics({"loss": 0.5, "epoch": 0}, step=10)
    (started,) = recorder.of_type("RunStarted")
    assert started["experiment"] == "resnet" and started["params"] == {"lr": 0.1, "opt.name": "sgd"}
    assert logger.version == logger.experiment.id == started["runId"]
    logger.log_hyperparams({"lr": 0.05})  # after start: params after start
    assert [e["params"] for e in recorder.of_type("ParamsLogged")] == [{"lr": 0.05}]
    assert [(s, k, v) for _, _, s, k, v in recorder.points] == [(10, "fit/loss", 0.5), (10, "fit/epoch", 0.0)]
    logger.finalize("success")
    logger.finalize("success")  # Lightning may call it twice
    assert [e["status"] for e in recorder.of_type("RunFinished")] == ["finished"]


@pytest.mark.parametrize("status,expected", [("failed", "failed"), ("interrupted", "killed")])
def test_finalize_statuses(recorder, lightning, status, expected):
    module, _ = lightning
    logger = module.RunlensLogger(project="vision", heartbeat_s=0)
    logger.log_metrics({"loss": 1.0}, step=0)
    logger.finalize(status)
    assert [e["status"] for e in recorder.of_type("RunFinished")] == [expected]


def test_other_ranks_log_nothing(recorder, lightning):
    module, rank_zero_only = lightning
    rank_zero_only.rank = 1
    logger = module.RunlensLogger(project="vision", heartbeat_s=0)
    logger.log_hyperparams({"lr": 0.1})
    logger.log_metrics({"loss": 1.0}, step=0)
    logger.experiment.log({"x": 1.0})  # Lightning's dummy experiment: a no-op
    logger.finalize("success")
    assert recorder.events == [] and recorder.points == []


def test_hyperparams_the_server_would_refuse_are_left_out_with_one_warning(recorder, lightning):
    module, _ = lightning
    logger = module.RunlensLogger(project="vision", heartbeat_s=0)
    logger.log_hyperparams({"lr": 0.1, "bad": float("inf"), "classes": list(range(2000))})
    with pytest.warns(RuntimeWarning, match=r"2 param\(s\) left out.*bad, classes") as caught:
        logger.log_metrics({"loss": 1.0}, step=0)  # the run starts here, with the usable params
    assert len(caught) == 1
    (started,) = recorder.of_type("RunStarted")
    assert started["params"] == {"lr": 0.1}
    with pytest.warns(RuntimeWarning, match=r"1 param\(s\) left out.*momentum"):
        logger.log_hyperparams({"momentum": float("nan"), "wd": 0.01})  # after start: no raise
    assert [e["params"] for e in recorder.of_type("ParamsLogged")] == [{"wd": 0.01}]
    logger.finalize("success")
