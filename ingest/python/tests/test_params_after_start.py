"""run.config: readable like a dict; update / item assignment send ParamsLogged."""
import pytest

import runlens


def test_config_reads_like_a_dict_of_flattened_params(recorder):
    run = runlens.init(project="p", config={"lr": 0.1, "optimizer": {"name": "adamw", "beta1": 0.9}, "skip": None}, heartbeat_s=0)
    assert dict(run.config) == {"lr": 0.1, "optimizer.name": "adamw", "optimizer.beta1": 0.9}
    assert run.config["optimizer.beta1"] == 0.9 and "lr" in run.config and len(run.config) == 3
    assert run.config.get("missing", 7) == 7
    assert recorder.of_type("ParamsLogged") == []
    run.finish()


def test_update_sends_one_params_logged_event(recorder):
    run = runlens.init(project="p", config={"lr": 0.1}, heartbeat_s=0)
    run.config.update({"warmup": 500, "sched": {"kind": "cosine", "min": 1e-5}, "amp": True}, step=40)
    run.config["lr"] = 0.05
    run.config.update(batch_size=64)
    run.config.update({})  # nothing to send
    events = recorder.of_type("ParamsLogged")
    assert [e["params"] for e in events] == [
        {"warmup": 500.0, "sched.kind": "cosine", "sched.min": 1e-5, "amp": True},
        {"lr": 0.05},
        {"batch_size": 64.0},
    ]
    assert [e["step"] for e in events] == [40, None, None]
    assert all(e["project"] == "p" and e["runId"] == run.id and e["loggedAt"] > 0 for e in events)
    assert run.config["lr"] == 0.05 and run.config["warmup"] == 500  # values as the script gave them
    run.finish()


def test_bad_params_send_nothing_and_finished_runs_refuse_updates(recorder):
    run = runlens.init(project="p", heartbeat_s=0)
    with pytest.raises(ValueError, match="param name"):
        run.config.update({"ok": 1, "x" * 300: 2})
    with pytest.raises(ValueError, match="step -1"):
        run.config.update({"ok": 1}, step=-1)
    with pytest.raises(TypeError, match="cannot be removed"):
        del run.config["ok"]
    assert recorder.of_type("ParamsLogged") == [] and "ok" not in run.config
    run.finish()
    with pytest.raises(RuntimeError, match="finished"):
        run.config["late"] = 1
