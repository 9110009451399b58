"""PyTorch Lightning → runlens: a ``Logger`` for ``Trainer(logger=...)``.

    from runlens.integrations.lightning import RunlensLogger
    trainer = Trainer(logger=RunlensLogger(project="vision", experiment="resnet"))

Follows Lightning's ``lightning.pytorch.loggers.Logger`` interface as MLFlowLogger and
WandbLogger implement it: the run starts lazily on the first use of ``experiment`` (the
``runlens.Run``), ``log_hyperparams`` becomes the run's config (params after start once the run
is going), ``log_metrics(metrics, step)`` logs, ``finalize(status)`` finishes the run
("success"/"finished" → finished, "failed" → failed, anything else → killed). Like Lightning's
own loggers it acts on global rank 0 only (``rank_zero_only``); other ranks get Lightning's
dummy experiment. Hyperparameters the server would refuse (a non-finite number, a string over
8,000 characters, a bad name, entries past the first 1,000) are left out with one warning: a
param never stops a training.

Works with ``lightning`` (``lightning.pytorch``) or the older ``pytorch_lightning`` package.
Not tested against the real Lightning here: it needs torch, too large for this project's CI.
Its logic is unit-tested with a minimal stand-in of the base class and rank_zero_only
(ingest/python/tests/test_lightning_logger.py).
"""
from __future__ import annotations

import warnings
from argparse import Namespace
from typing import Any, Dict, Mapping, Optional, Union

try:
    from lightning.pytorch.loggers.logger import Logger, rank_zero_experiment
    from lightning.pytorch.utilities import rank_zero_only
except ImportError:  # the standalone package of Lightning < 2 (or installed on its own)
    try:
        from pytorch_lightning.loggers.logger import Logger, rank_zero_experiment
        from pytorch_lightning.utilities import rank_zero_only
    except ImportError:
        raise ImportError("runlens.integrations.lightning needs PyTorch Lightning: pip install lightning") from None

import runlens
from runlens.params import drop_warning, keep_valid

_FINISHED = {"success": "finished", "finished": "finished", "failed": "failed"}


def _plain(params: Union[Mapping[str, Any], Namespace, None]) -> Dict[str, Any]:
    if params is None:
        return {}
    if isinstance(params, Namespace):
        return vars(params)
    return dict(params)


class RunlensLogger(Logger):
    """``init_kwargs`` go to runlens.init (project, experiment, sweep, tags, seed, run_id, …).
    ``prefix`` is put before every metric key (with ``/``)."""

    def __init__(self, project: str, experiment: str = "lightning", prefix: str = "", **init_kwargs: Any) -> None:
        super().__init__()
        self._project = project
        self._experiment_name = experiment
        self._prefix = prefix
        # A NaN loss must not stop training: it is dropped with a warning (once per key).
        init_kwargs.setdefault("on_invalid", "warn")
        self._init_kwargs = init_kwargs
        self._config: Dict[str, Any] = dict(init_kwargs.pop("config", None) or {})
        self._run: Optional[runlens.Run] = None

    @property
    @rank_zero_experiment
    def experiment(self) -> "runlens.Run":
        """The runlens.Run, started on first use with the hyperparameters logged so far."""
        if self._run is None:
            config = self._usable(self._config)
            self._run = runlens.init(project=self._project, experiment=self._experiment_name, config=config, **self._init_kwargs)
        return self._run

    @property
    def name(self) -> str:
        return self._experiment_name

    @property
    def version(self) -> Optional[str]:
        """The run id (once the run started; Lightning asks for it when it names checkpoints)."""
        return self._run.id if self._run is not None else self._init_kwargs.get("run_id")

    @rank_zero_only
    def log_hyperparams(self, params: Union[Mapping[str, Any], Namespace], *args: Any, **kwargs: Any) -> None:
        values = _plain(params)
        if self._run is None:
            self._config.update(values)  # sent with RunStarted when the run starts (checked then)
        else:
            kept = self._usable(values)
            if kept:
                self._run.config.update(kept)

    @staticmethod
    def _usable(params: Mapping[str, Any]) -> Dict[str, Any]:
        """The params flattened, without those the server would refuse (one warning for them)."""
        kept, dropped = keep_valid(params)
        if dropped:
            warnings.warn(drop_warning("RunlensLogger", dropped), RuntimeWarning, stacklevel=3)
        return kept

    @rank_zero_only
    def log_metrics(self, metrics: Mapping[str, float], step: Optional[int] = None) -> None:
        values = {f"{self._prefix}/{k}" if self._prefix else k: self._scalar(v) for k, v in metrics.items()}
        self.experiment.log(values, step=step)

    @staticmethod
    def _scalar(value: Any) -> Any:
        item = getattr(value, "item", None)  # a one-element tensor
        return item() if callable(item) else value

    @rank_zero_only
    def finalize(self, status: str) -> None:
        if self._run is not None and not self._run.finished:
            self._run.finish(status=_FINISHED.get(status, "killed"))
