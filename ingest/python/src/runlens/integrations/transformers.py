"""Hugging Face ``Trainer`` → runlens: a ``TrainerCallback`` that starts a run at
``on_train_begin`` (the TrainingArguments, plus the model's config where it has one, as the run's
config), logs every ``on_log`` dict at ``state.global_step`` and finishes the run at
``on_train_end``.

    from runlens.integrations.transformers import RunlensCallback
    trainer = Trainer(..., callbacks=[RunlensCallback(project="nlp", experiment="bert-ft")])

Keys are renamed as the W&B callback does: ``eval_loss`` → ``eval/loss``, ``test_x`` → ``test/x``,
anything else → ``train/…``; values that are not numbers (strings, lists) are left out, and a
NaN or infinite value is dropped with one warning per key (``on_invalid="warn"``, overridable). Only the
world's main process logs (``state.is_world_process_zero``) unless ``per_rank=True``: then every
rank logs into the same run with its workerRank (see runlens.init on distributed training).
The run's config (TrainingArguments and model config, flattened) leaves out, with one warning,
the params the server would refuse (a non-finite number, a string over 8,000 characters such as a
long list, a bad name, entries past the first 1,000): a param never stops a training.

Written against transformers' documented TrainerCallback interface (transformers 4.x/5.x) and
tested with the real TrainerCallback, TrainerState, TrainerControl and TrainingArguments classes.
"""
from __future__ import annotations

import numbers
import warnings
from typing import Any, Dict, Optional

from transformers import TrainerCallback

import runlens
from runlens.params import drop_warning, keep_valid


def rewrite_keys(logs: Dict[str, Any]) -> Dict[str, float]:
    out: Dict[str, float] = {}
    for k, v in logs.items():
        if isinstance(v, bool) or not isinstance(v, numbers.Number):
            item = getattr(v, "item", None)  # a one-element tensor or numpy array
            if item is None or getattr(v, "numel", lambda: getattr(v, "size", 1))() != 1:
                continue
            v = item()
        if k.startswith("eval_"):
            k = "eval/" + k[len("eval_"):]
        elif k.startswith("test_"):
            k = "test/" + k[len("test_"):]
        else:
            k = "train/" + k
        out[k] = v
    return out


class RunlensCallback(TrainerCallback):
    """``init_kwargs`` go to runlens.init (project, experiment, sweep, tags, seed, …); ``run``
    logs into a run the script already started instead (this callback then never finishes it)."""

    def __init__(self, project: Optional[str] = None, per_rank: bool = False, run: Optional["runlens.Run"] = None, **init_kwargs: Any) -> None:
        if run is None and project is None:
            raise ValueError("RunlensCallback needs project= (or run= of a run already started)")
        self.project = project
        self.per_rank = per_rank
        self.init_kwargs = init_kwargs
        self.run: Optional[runlens.Run] = run
        self._owns_run = run is None

    def _logs_here(self, state: Any) -> bool:
        return self.per_rank or bool(state.is_world_process_zero)

    def _setup(self, args: Any, state: Any, model: Any) -> None:
        if self.run is not None or not self._logs_here(state):
            return
        config: Dict[str, Any] = {}
        model_config = getattr(model, "config", None)
        if model_config is not None and hasattr(model_config, "to_dict"):
            config.update(model_config.to_dict())
        config.update(args.to_dict())
        config.update(self.init_kwargs.pop("config", None) or {})
        config, dropped = keep_valid(config)
        if dropped:
            warnings.warn(drop_warning("RunlensCallback", dropped), RuntimeWarning, stacklevel=2)
        kwargs = dict(self.init_kwargs)
        kwargs.setdefault("name", getattr(args, "run_name", None) or None)
        # A NaN loss must not stop training: it is dropped with a warning (once per key).
        kwargs.setdefault("on_invalid", "warn")
        if kwargs.get("seed") is None and getattr(args, "seed", None) is not None:
            kwargs["seed"] = args.seed
        self.run = runlens.init(project=self.project, config=config, **kwargs)

    def on_train_begin(self, args: Any, state: Any, control: Any, model: Any = None, **kwargs: Any) -> None:
        self._setup(args, state, model)

    def on_log(self, args: Any, state: Any, control: Any, logs: Optional[Dict[str, Any]] = None, model: Any = None, **kwargs: Any) -> None:
        if not self._logs_here(state):
            return
        self._setup(args, state, model)
        metrics = rewrite_keys(logs or {})
        if metrics and self.run is not None:
            self.run.log(metrics, step=int(state.global_step))

    def on_train_end(self, args: Any, state: Any, control: Any, **kwargs: Any) -> None:
        if self.run is not None and self._owns_run and self._logs_here(state):
            self.run.finish()
            self.run = None
