"""What a run was built from, captured when it starts (every field can be overridden):
the script's git commit and dirty flag, the Python version, versions of the ML libraries
present, the host, the hardware (GPU names where nvidia-smi answers), the seed."""
from __future__ import annotations

import os
import platform
import socket
import subprocess
import sys
from importlib import metadata
from typing import Any, Dict, Optional

LIBRARIES = [
    "torch", "numpy", "transformers", "lightning", "pytorch-lightning", "jax", "jaxlib", "tensorflow",
    "scikit-learn", "pandas", "xgboost", "lightgbm", "accelerate", "datasets", "keras", "scipy",
]


def _run(args: list, cwd: Optional[str] = None) -> Optional[str]:
    try:
        out = subprocess.run(args, cwd=cwd, capture_output=True, text=True, timeout=3)
    except (OSError, subprocess.SubprocessError):
        return None
    return out.stdout.strip() if out.returncode == 0 else None


def _script_dir() -> str:
    main = sys.modules.get("__main__")
    path = getattr(main, "__file__", None)
    return os.path.dirname(os.path.abspath(path)) if path else os.getcwd()


def libraries() -> Dict[str, str]:
    out: Dict[str, str] = {}
    for name in LIBRARIES:
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            pass
    return out


def hardware() -> Optional[str]:
    gpus = _run(["nvidia-smi", "--query-gpu=name", "--format=csv,noheader"])
    if gpus:
        names = [g.strip() for g in gpus.splitlines() if g.strip()]
        return f"{len(names)}x {names[0]}" if len(set(names)) == 1 else ", ".join(names)
    return platform.processor() or platform.machine() or None


def capture(seed: Optional[int], data_version: Optional[str], overrides: Optional[Dict[str, Any]] = None) -> Dict[str, Any]:
    where = _script_dir()
    commit = _run(["git", "rev-parse", "HEAD"], cwd=where)
    dirty = bool(_run(["git", "status", "--porcelain", "--untracked-files=no"], cwd=where)) if commit else False
    lineage: Dict[str, Any] = {
        "gitCommit": commit,
        "gitDirty": dirty,
        "dataVersion": data_version,
        "environment": {
            "language": "python",
            "languageVersion": platform.python_version(),
            "libraries": libraries(),
            "hardware": hardware(),
        },
        "seed": seed,
        "host": socket.gethostname(),
        "parentRunId": None,
    }
    for k, v in (overrides or {}).items():
        if k == "environment" and isinstance(v, dict):
            lineage["environment"].update(v)
        else:
            lineage[k] = v
    return lineage
