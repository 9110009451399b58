"""RunlensCallback with the real transformers classes (TrainingArguments, TrainerState,
TrainerControl, and the Trainer's own CallbackHandler dispatching the events); no torch."""
from transformers import TrainerControl, TrainerState, TrainingArguments
from transformers.trainer_callback import CallbackHandler

from runlens.integrations.transformers import RunlensCallback, rewrite_keys


def _args(tmp_path, **kw):
    return TrainingArguments(output_dir=str(tmp_path), learning_rate=3e-4, per_device_train_batch_size=16, seed=11, report_to=[], run_name="bert-ft", **kw)


def _train(callback, args, state, steps=3):
    handler = CallbackHandler([callback], model=None, processing_class=None, optimizer=None, lr_scheduler=None)
    control = TrainerControl()
    handler.on_train_begin(args, state, control)
    for step in range(1, steps + 1):
        state.global_step = step
        handler.on_log(args, state, control, logs={"loss": 1.0 / step, "learning_rate": 3e-4, "epoch": step / steps, "grad_norm": float("nan") if step == 2 else 0.5})
    handler.on_log(args, state, control, logs={"eval_loss": 0.4, "eval_runtime": 1.5, "eval_samples_per_second": 10.0, "note": "text"})
    handler.on_train_end(args, state, control)


def test_a_training_becomes_one_run(recorder, tmp_path):
    cb = RunlensCallback(project="nlp", experiment="bert", tags={"team": "nlp"}, heartbeat_s=0)
    _train(cb, _args(tmp_path), TrainerState())
    (started,) = recorder.of_type("RunStarted")
    assert started["experiment"] == "bert" and started["name"] == "bert-ft" and started["tags"] == {"team": "nlp"}
    assert started["params"]["learning_rate"] == 3e-4 and started["params"]["per_device_train_batch_size"] == 16.0
    assert started["lineage"]["seed"] == 11
    points = {(step, key): v for _, _, step, key, v in recorder.points}
    assert points[(1, "train/loss")] == 1.0 and points[(3, "train/loss")] == 1 / 3
    assert points[(3, "eval/loss")] == 0.4 and (3, "eval/note") not in points
    assert (2, "train/grad_norm") not in points and points[(3, "train/grad_norm")] == 0.5  # NaN dropped, training goes on
    assert [e["status"] for e in recorder.of_type("RunFinished")] == ["finished"]
    assert cb.run is None


def test_only_the_main_process_logs_unless_per_rank(recorder, tmp_path, monkeypatch):
    other = TrainerState(is_world_process_zero=False, is_local_process_zero=False)
    _train(RunlensCallback(project="nlp", heartbeat_s=0), _args(tmp_path), other)
    assert recorder.events == [] and recorder.points == []
    monkeypatch.setenv("RANK", "1")
    monkeypatch.setenv("WORLD_SIZE", "2")
    monkeypatch.setenv("TORCHELASTIC_RUN_ID", "hf-job")
    _train(RunlensCallback(project="nlp", per_rank=True, heartbeat_s=0), _args(tmp_path), other)
    assert recorder.events == []  # rank 1 announces nothing: rank 0 owns the run
    assert {rank for rank, _, _, _, _ in recorder.points} == {1}


def test_key_rewriting():
    assert rewrite_keys({"loss": 1, "eval_acc": 0.5, "test_f1": 0.2, "flag": True, "s": "x", "l": [1]}) == {"train/loss": 1, "eval/acc": 0.5, "test/f1": 0.2}
