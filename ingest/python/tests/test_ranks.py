"""Distributed training: the rank from the launcher's environment, one run id for every rank of
a job, and only the primary rank announcing and ending the run."""
import uuid

import pytest

import runlens
from runlens import ranks


def test_reads_torchrun_environment():
    r = ranks.from_env({"RANK": "3", "LOCAL_RANK": "1", "WORLD_SIZE": "4"})
    assert (r.rank, r.local_rank, r.world_size, r.distributed) == (3, 1, 4, True)
    assert ranks.from_env({}).distributed is False
    assert ranks.from_env({"RANK": "3"}, rank=0).rank == 0
    with pytest.raises(ValueError, match="RANK='x' is not an integer"):
        ranks.from_env({"RANK": "x"})
    with pytest.raises(ValueError, match="rank 4 is not below WORLD_SIZE=4"):
        ranks.from_env({"RANK": "4", "WORLD_SIZE": "4"})


def test_every_rank_of_a_job_derives_the_same_run_id():
    env = lambda rank: {"RANK": str(rank), "WORLD_SIZE": "4", "TORCHELASTIC_RUN_ID": "job-17"}
    ids = {ranks.run_id("vision", None, env(r), ranks.from_env(env(r))) for r in range(4)}
    assert len(ids) == 1
    (only,) = ids
    assert uuid.UUID(only).version == 5
    assert ranks.run_id("nlp", None, env(0), ranks.from_env(env(0))) != only  # per project
    # An explicit id, then RUNLENS_RUN_ID, come first.
    assert ranks.run_id("vision", "mine", {**env(0), "RUNLENS_RUN_ID": "env"}, ranks.from_env(env(0))) == "mine"
    assert ranks.run_id("vision", None, {**env(0), "RUNLENS_RUN_ID": "env"}, ranks.from_env(env(0))) == "env"


def test_ranks_that_cannot_agree_on_a_run_id_are_refused():
    env = {"RANK": "1", "WORLD_SIZE": "2", "TORCHELASTIC_RUN_ID": "none"}  # torchrun's default --rdzv-id
    with pytest.raises(ValueError, match="cannot agree on a run id"):
        ranks.run_id("vision", None, env, ranks.from_env(env))
    # A single process gets a fresh id each time.
    assert ranks.run_id("vision", None, {}, ranks.from_env({})) != ranks.run_id("vision", None, {}, ranks.from_env({}))


def _rank(monkeypatch, rank, world=4, job="job-17"):
    monkeypatch.setenv("RANK", str(rank))
    monkeypatch.setenv("WORLD_SIZE", str(world))
    monkeypatch.setenv("TORCHELASTIC_RUN_ID", job)


def test_only_rank_zero_starts_and_finishes_the_run(recorder, monkeypatch):
    runs = []
    for rank in range(3):
        _rank(monkeypatch, rank)
        run = runlens.init(project="vision", config={"lr": 0.1}, tags={"team": "cv"}, heartbeat_s=0)
        run.log({"loss": 1.0 / (rank + 1)}, step=0)
        run.config.update({"warmup": 5})
        runs.append(run)
    for run in runs:
        run.finish(summary={"best": 1.0})
    assert len({r.id for r in runs}) == 1
    assert [r.primary for r in runs] == [True, False, False]
    started = recorder.of_type("RunStarted")
    assert len(started) == 1 and started[0]["params"] == {"lr": 0.1} and started[0]["runId"] == runs[0].id
    assert len(recorder.of_type("ParamsLogged")) == 1
    assert [e["status"] for e in recorder.of_type("RunFinished")] == ["finished"]
    assert sorted((rank, key, value) for rank, _, _, key, value in recorder.points) == [(0, "loss", 1.0), (1, "loss", 0.5), (2, "loss", 1 / 3)]
    # A non-primary rank still sees its config locally.
    assert runs[2].config["warmup"] == 5


def test_primary_argument_overrides_rank_zero(recorder, monkeypatch):
    _rank(monkeypatch, 1)
    run = runlens.init(project="vision", primary=True, heartbeat_s=0)
    run.finish()
    assert len(recorder.of_type("RunStarted")) == 1 and len(recorder.of_type("RunFinished")) == 1
    _rank(monkeypatch, 0, job="job-18")
    run = runlens.init(project="vision", primary=False, heartbeat_s=0)
    run.finish()
    assert len(recorder.of_type("RunStarted")) == 1 and len(recorder.of_type("RunFinished")) == 1


def test_outside_distributed_training_worker_rank_is_null(recorder):
    with runlens.init(project="vision", heartbeat_s=0) as run:
        run.log({"loss": 1.0})
    assert run.worker_rank is None and recorder.points == [(None, None, 0, "loss", 1.0)]
    assert len(recorder.of_type("RunStarted")) == 1
