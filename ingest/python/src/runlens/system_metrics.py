"""System metrics on request (``runlens.init(..., system_metrics=True)``): one small sampler per
resource — host CPU, host memory, this process, each GPU — read every ``interval_s`` (10 s by
default, RUNLENS_SYSTEM_METRICS_SECONDS) by a daemon thread and logged to the run under
``system/…`` keys.

Step: whole seconds since the run started in this process (a sample taken 20.4 s after init()
is at step 20), so every run's system curves share one x axis whatever its training steps are.
In distributed training each rank samples and logs with segment ``rank=<RANK>``, so the ranks'
series stay apart.

Needs psutil (``pip install 'runlens[system]'``); GPUs through pynvml (nvidia-ml-py) where it
is installed and a driver answers, otherwise no GPU keys. Never raises into the training loop
once started (the run remembers a failed sample and stops sampling).
"""
from __future__ import annotations

import time
from typing import Any, Callable, Dict, List, Optional

from .periodic import Periodic

DEFAULT_INTERVAL_S = 10.0
MB = 1024.0 * 1024.0

Sampler = Callable[[], Dict[str, float]]


def _psutil() -> Any:
    try:
        import psutil
    except ImportError:
        raise ImportError("system_metrics=True needs psutil: pip install 'runlens[system]' (psutil, and nvidia-ml-py for GPUs)") from None
    return psutil


def cpu_sampler(psutil: Any) -> Sampler:
    psutil.cpu_percent(interval=None)  # the first call only starts the measurement
    return lambda: {"system/cpu.percent": float(psutil.cpu_percent(interval=None))}


def memory_sampler(psutil: Any) -> Sampler:
    def sample() -> Dict[str, float]:
        mem = psutil.virtual_memory()
        return {"system/memory.percent": float(mem.percent), "system/memory.used_mb": (mem.total - mem.available) / MB}

    return sample


def process_sampler(psutil: Any) -> Sampler:
    proc = psutil.Process()
    proc.cpu_percent(interval=None)

    def sample() -> Dict[str, float]:
        return {"system/process.rss_mb": proc.memory_info().rss / MB, "system/process.cpu_percent": float(proc.cpu_percent(interval=None))}

    return sample


def gpu_sampler() -> Optional[Sampler]:
    """Every GPU the NVIDIA driver reports, or None without pynvml or a driver."""
    try:
        import pynvml
    except ImportError:
        return None
    try:
        pynvml.nvmlInit()
        handles = [pynvml.nvmlDeviceGetHandleByIndex(i) for i in range(pynvml.nvmlDeviceGetCount())]
    except Exception:  # pynvml.NVMLError: no driver, no device
        return None
    if not handles:
        return None

    def sample() -> Dict[str, float]:
        out: Dict[str, float] = {}
        for i, h in enumerate(handles):
            util = pynvml.nvmlDeviceGetUtilizationRates(h)
            mem = pynvml.nvmlDeviceGetMemoryInfo(h)
            out[f"system/gpu.{i}.utilization_percent"] = float(util.gpu)
            out[f"system/gpu.{i}.memory_used_mb"] = mem.used / MB
            out[f"system/gpu.{i}.memory_percent"] = 100.0 * mem.used / mem.total if mem.total else 0.0
        return out

    return sample


def samplers() -> List[Sampler]:
    """The samplers of this machine; raises ImportError (how to install psutil) without psutil."""
    psutil = _psutil()
    found = [cpu_sampler(psutil), memory_sampler(psutil), process_sampler(psutil)]
    gpu = gpu_sampler()
    if gpu is not None:
        found.append(gpu)
    return found


def sample_all(found: List[Sampler]) -> Dict[str, float]:
    out: Dict[str, float] = {}
    for sampler in found:
        out.update(sampler())
    return out


def start(log: Callable[[Dict[str, float], int], None], started_monotonic: float, interval_s: float, found: List[Sampler], on_error: Callable[[BaseException], None]) -> Periodic:
    """Samples every interval_s and hands the values to ``log(values, step)``."""

    def tick() -> None:
        log(sample_all(found), int(time.monotonic() - started_monotonic))

    return Periodic("runlens-system-metrics", interval_s, tick, on_error).start()
