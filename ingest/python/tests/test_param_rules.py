"""The server's rules (schemas/validate.ts LIMITS) applied before anything is sent: init()
refuses a bad project, run id, sweep, experiment, name, param, tag or library version with a
ValueError naming it (nothing sent); run.config.update likewise; the integrations leave bad
params out with one warning instead. And the params are flattened once, by params.py."""
from __future__ import annotations

import math
import warnings

import pytest

import runlens
from runlens import config as config_module
from runlens import params as params_module

LONG = list(range(2000))  # str() of it is over 8,000 characters


@pytest.mark.parametrize("kwargs,match", [
    ({"project": "has space"}, "project 'has space' may hold only letters"),
    ({"project": "-dash-first"}, "project '-dash-first' may hold only"),
    ({"project": "p" * 129}, "project is longer than 128"),
    ({"project": ""}, "project is empty"),
    ({"run_id": "run/1"}, "run_id 'run/1' may hold only"),
    ({"run_id": "r" * 129}, "run_id is longer than 128"),
    ({"sweep": "sweep one"}, "sweep 'sweep one' may hold only"),
    ({"experiment": "e" * 501}, "experiment is longer than 500"),
    ({"name": "n" * 501}, "name is longer than 500"),
    ({"user": "u" * 501}, "user is longer than 500"),
    ({"config": {"lr": float("nan")}}, 'param "lr": value nan is not a finite'),
    ({"config": {"opt": {"lr": float("inf")}}}, 'param "opt.lr": value inf is not a finite'),
    ({"config": {"layers": LONG}}, 'param "layers" is longer than 8000'),
    ({"config": {f"k{i}": i for i in range(1001)}}, "1001 params; at most 1000"),
    ({"config": {"bad\nkey": 1}}, 'param name "bad\nkey" contains control characters'),
    ({"config": {"x" * 257: 1}}, "param name is longer than 256"),
    ({"tags": {"t": "v" * 8001}}, "tag t is longer than 8000"),
    ({"tags": {"tab\tname": "v"}}, 'tags key "tab\tname" contains control characters'),
    ({"tags": {f"t{i}": "v" for i in range(1001)}}, "tags has 1001 entries; at most 1000"),
    ({"lineage": {"environment": {"libraries": {"torch": "v" * 8001}}}}, "library torch is longer than 8000"),
    ({"lineage": {"environment": {"libraries": {"": "1.0"}}}}, "lineage libraries key is empty"),
    ({"lineage": {"dataVersion": "\ud800"}}, "lineage.dataVersion .* is not valid Unicode"),
])
def test_init_refuses_what_the_processor_would_refuse(recorder, kwargs, match):
    kwargs = {"project": "p", **kwargs}
    with pytest.raises(ValueError, match=match):
        runlens.init(heartbeat_s=0, **kwargs)
    assert recorder.events == []


def test_init_takes_what_is_at_the_limits(recorder):
    run = runlens.init(
        project="a" * 128, run_id="Run_1.2:3-x", sweep="s.1", experiment="e" * 500, heartbeat_s=0,
        config={**{f"k{i}": i for i in range(998)}, "text": "y" * 8000, "flag": True},
        tags={"t": "v" * 8000},
    )
    (started,) = recorder.of_type("RunStarted")
    assert len(started["params"]) == 1000 and started["params"]["flag"] is True and started["sweepId"] == "s.1"
    run.finish()


@pytest.mark.parametrize("update,match", [
    ({"lr": float("nan")}, 'param "lr": value nan'),
    ({"lr": -math.inf}, 'param "lr": value -inf'),
    ({"layers": LONG}, 'param "layers" is longer than 8000'),
    ({f"k{i}": i for i in range(1001)}, "1001 params; at most 1000"),
    ({"a\x7fb": 1}, "contains control characters"),
])
def test_config_update_refuses_what_the_processor_would_refuse(recorder, update, match):
    run = runlens.init(project="p", config={"lr": 0.1}, heartbeat_s=0)
    with pytest.raises(ValueError, match=match):
        run.config.update(update)
    assert recorder.of_type("ParamsLogged") == [] and dict(run.config) == {"lr": 0.1}
    run.finish()


def test_keep_valid_drops_only_the_bad_params():
    config = {"ok": 1, "nan": float("nan"), "nested": {"long": LONG, "fine": "x"}, "bad\x00": 2, **{f"k{i}": i for i in range(1200)}}
    kept, dropped = params_module.keep_valid(config)
    assert len(kept) == 1000 and kept["ok"] == 1 and kept["nested.fine"] == "x"
    assert {"nan", "nested.long", "bad\x00"} <= set(dropped) and len(dropped) == len(config) + 1 - 1000
    assert params_module.to_params(kept)  # what is kept, the strict path takes


def test_params_are_flattened_once(recorder, monkeypatch):
    calls = []
    real = params_module.flatten
    monkeypatch.setattr(runlens, "_flatten", lambda c: calls.append(c) or real(c))
    monkeypatch.setattr(config_module, "flatten", lambda *a: pytest.fail("run.config flattened the config again"))
    run = runlens.init(project="p", config={"opt": {"lr": 0.1, "layers": [1, 2]}}, heartbeat_s=0)
    assert len(calls) == 1
    assert run.config["opt.layers"] == [1, 2]  # the values as the script gave them
    assert recorder.of_type("RunStarted")[0]["params"] == {"opt.lr": 0.1, "opt.layers": "[1, 2]"}
    run.finish()


def test_the_transformers_callback_leaves_bad_params_out_with_one_warning(recorder, tmp_path):
    pytest.importorskip("transformers")
    from transformers import TrainerControl, TrainerState, TrainingArguments

    from runlens.integrations.transformers import RunlensCallback

    class Model:
        class config:  # noqa: N801 - a model's config as transformers has it
            @staticmethod
            def to_dict():
                return {"vocab": LONG, "dropout": float("nan"), "hidden": 768}

    cb = RunlensCallback(project="nlp", heartbeat_s=0)
    args = TrainingArguments(output_dir=str(tmp_path), report_to=[], run_name="x")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        cb.on_train_begin(args, TrainerState(), TrainerControl(), model=Model())
    (started,) = recorder.of_type("RunStarted")
    assert started["params"]["hidden"] == 768.0 and "vocab" not in started["params"] and "dropout" not in started["params"]
    msgs = [str(w.message) for w in caught if "left out of the run" in str(w.message)]
    assert len(msgs) == 1 and "vocab" in msgs[0] and "dropout" in msgs[0]
    cb.run.finish()
