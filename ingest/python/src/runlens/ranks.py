"""Where this process stands in distributed training, read once by init() from the launcher's
environment (torchrun: RANK, LOCAL_RANK, WORLD_SIZE, TORCHELASTIC_RUN_ID), and the run id that
every rank of one job agrees on without talking to the others.

Owns no state and sends nothing: init() passes what it returns to the Run.
"""
from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Mapping, Optional

# uuid5 namespace of run ids derived from a launcher's job id (fixed: every rank and every SDK
# version must derive the same id from the same job).
JOB_NAMESPACE = uuid.UUID("6d1c3f0a-9a51-5a53-b1e0-52756e6c656e")

# torchrun's default --rdzv-id: the same for every job started without one, so no run id can be
# derived from it.
_NO_JOB_IDS = ("", "none")


@dataclass(frozen=True)
class Ranks:
    """rank is None outside distributed training (workerRank is then sent as null)."""

    rank: Optional[int]
    local_rank: Optional[int]
    world_size: Optional[int]

    @property
    def distributed(self) -> bool:
        return self.rank is not None


def _int(environ: Mapping[str, str], name: str) -> Optional[int]:
    raw = environ.get(name)
    if raw is None or raw.strip() == "":
        return None
    try:
        value = int(raw)
    except ValueError:
        raise ValueError(f"{name}={raw!r} is not an integer") from None
    if value < 0:
        raise ValueError(f"{name}={raw!r} is negative")
    return value


def from_env(environ: Mapping[str, str], rank: Optional[int] = None) -> Ranks:
    """The process's rank: the ``rank`` argument, else RANK. WORLD_SIZE alone (a launcher that
    sets no RANK) is not enough to tell ranks apart, so it leaves the process undistributed."""
    world_size = _int(environ, "WORLD_SIZE")
    if rank is None:
        rank = _int(environ, "RANK")
    elif isinstance(rank, bool) or not isinstance(rank, int) or rank < 0:
        raise ValueError(f"rank {rank!r} is not a non-negative integer")
    if rank is not None and world_size is not None and rank >= world_size:
        raise ValueError(f"rank {rank} is not below WORLD_SIZE={world_size}")
    return Ranks(rank, _int(environ, "LOCAL_RANK"), world_size)


def job_id(environ: Mapping[str, str]) -> Optional[str]:
    """The launcher's id of this job, shared by all its ranks: TORCHELASTIC_RUN_ID (torchrun's
    --rdzv-id, or the uuid --standalone makes), unless it is torchrun's default "none"."""
    raw = environ.get("TORCHELASTIC_RUN_ID", "").strip()
    return None if raw.lower() in _NO_JOB_IDS else raw


def run_id(project: str, explicit: Optional[str], environ: Mapping[str, str], ranks: Ranks) -> str:
    """The run id: ``explicit``, else RUNLENS_RUN_ID, else a uuid5 of the project and the
    launcher's job id (the same on every rank, and on a restart of the same job), else — outside
    distributed training — a random uuid4. Several ranks with none of these cannot agree on one
    run: that is an error rather than one run per rank."""
    chosen = explicit or environ.get("RUNLENS_RUN_ID")
    if chosen:
        return chosen
    job = job_id(environ)
    if job is not None:
        return str(uuid.uuid5(JOB_NAMESPACE, f"{project}\n{job}"))
    if ranks.distributed and (ranks.world_size or 1) > 1:
        raise ValueError(
            f"rank {ranks.rank} of {ranks.world_size}: the ranks cannot agree on a run id. Pass run_id=, "
            "set RUNLENS_RUN_ID for every rank, or start torchrun with --rdzv-id (or --standalone)"
        )
    return str(uuid.uuid4())
