"""Tables and samples a run logs to compare across runs (TableLogged, SamplesLogged): the
arguments of ``run.log_confusion_matrix``, ``log_pr_curve``, ``log_roc_curve``,
``log_per_class``, ``log_table`` and ``log_samples`` checked and turned into events.

Arguments may be lists, tuples, numpy arrays, torch tensors or pandas objects (anything with
``tolist()`` or ``to_numpy()``); numpy is never imported here. Every problem is raised before
anything is sent: a TypeError for a value of the wrong type (a string where a number belongs, a
dict in a table cell), a ValueError for a bad value or shape (ragged rows, labels that do not
match the matrix, NaN or infinite numbers, negative counts, rates outside [0, 1], too many
cells, a sample with neither text nor uri), naming where it is. The events are then checked
once more as the processor checks them (validate.check_table_event, check_samples_event).

scikit-learn's curves are taken as it returns them: ``precision_recall_curve`` gives one
threshold fewer than points (its last point, precision 1 at recall 0, has none; it is left out,
which changes no average precision), and ``roc_curve`` starts at (0, 0) with an infinite
threshold (that point is left out; the server's AUC starts at (0, 0) anyway).
"""
from __future__ import annotations

import json
import math
from typing import Any, Dict, List, Mapping, Optional, Sequence

from .validate import (
    CELL_LENGTH,
    KEY_LENGTH,
    SAMPLE_TEXT_LENGTH,
    SAMPLES_PER_EVENT,
    SCORES_PER_SAMPLE,
    TABLE_CELLS,
    TABLE_LABELS,
    check_key,
    check_name,
    js_length,
    well_formed,
)

# The most one encoded event may be: the gateway takes requests up to 4 MiB (Kafka's topic 8 MiB).
MAX_EVENT_BYTES = 4_000_000
# Samples and console lines are split into events of about this many bytes (and of at most
# SAMPLES_PER_EVENT samples, LINES_PER_EVENT lines).
SPLIT_BYTES = 1_000_000
SAMPLE_KEYS = ("input_id", "text", "uri", "digest", "scores")


def utf8_length(text: str) -> int:
    return len(text) if text.isascii() else len(text.encode("utf-8", "surrogatepass"))


def as_list(what: str, value: Any) -> List[Any]:
    """A sequence as a list: a list or tuple, a numpy array or torch tensor (``tolist()``), a
    pandas object (``to_numpy()``), or any other iterable that is not a string or a mapping."""
    if value is None or isinstance(value, (str, bytes, Mapping)):
        raise TypeError(f"{what} must be a list or an array, not {type(value).__name__}")
    if isinstance(value, list):
        return value
    if hasattr(value, "to_numpy") and callable(value.to_numpy):  # pandas: iterating a DataFrame gives its column names
        value = value.to_numpy()
    tolist = getattr(value, "tolist", None)
    if callable(tolist):
        value = tolist()
        if not isinstance(value, list):
            raise TypeError(f"{what} must be a list or an array, not a single value ({value!r})")
        return value
    try:
        return list(value)
    except TypeError:
        raise TypeError(f"{what} must be a list or an array, not {type(value).__name__}") from None


def number(what: str, value: Any) -> float:
    """A finite float from an int, float, numpy or torch scalar; TypeError for anything else
    (strings and booleans too), ValueError for NaN and infinities."""
    if type(value) is float:
        v = value
    else:
        if value is None or isinstance(value, (str, bytes, bool)):
            raise TypeError(f"{what} is {value!r}, not a number")
        try:
            v = float(value)
        except OverflowError:
            raise ValueError(f"{what} ({value!r}) is too large to be a number") from None
        except (TypeError, ValueError):
            raise TypeError(f"{what} is {value!r}, not a number") from None
    if v - v != 0.0:
        raise ValueError(f"{what} is {v}, not a finite number")
    return v


def numbers(what: str, values: Any) -> List[float]:
    return [number(f"{what}[{i}]", v) for i, v in enumerate(as_list(what, values))]


def label(what: str, value: Any) -> str:
    """A class or column name: a string (an integer, e.g. a class index, is written as text) of
    up to 256 characters."""
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    elif not isinstance(value, str):
        item = getattr(value, "item", None)  # numpy scalars: np.str_ is a str already; np.int64 is not an int
        value = item() if callable(item) else value
        if isinstance(value, int) and not isinstance(value, bool):
            value = str(value)
        elif not isinstance(value, str):
            raise TypeError(f"{what} is {value!r}: labels and columns are strings")
    return check_name(what, value, KEY_LENGTH, empty_ok=True)


def labels_of(what: str, values: Any, limit: Optional[int] = None) -> List[str]:
    out = [label(f"{what}[{i}]", v) for i, v in enumerate(as_list(what, values))]
    if limit is not None and len(out) > limit:
        raise ValueError(f"{what}: {len(out):,} of them, more than the {limit:,} a table may have")
    return out


def rows_of(what: str, value: Any) -> List[List[Any]]:
    """A matrix as a list of rows (a 2-D array, a list of lists)."""
    rows = as_list(what, value)
    return [as_list(f"{what}[{i}]", row) for i, row in enumerate(rows)]


def _cells_bound(n: int) -> None:
    if n > TABLE_CELLS:
        raise ValueError(f"the table has {n:,} cells, more than the {TABLE_CELLS:,} one table may have")


def _size_bound(name: str, event: Dict[str, Any]) -> None:
    size = 64 + utf8_length(name) + 9 * len(event["values"])
    size += sum(utf8_length(s) + 5 for part in ("labels", "columns", "cells") for s in event[part])
    if size > MAX_EVENT_BYTES:
        raise ValueError(f"table {name!r} is about {size:,} bytes encoded, more than one event may carry ({MAX_EVENT_BYTES:,}); log fewer rows, or shorter labels or cells")


def _table(name: str, kind: str, labels: List[str], columns: List[str], values: List[float], cells: List[str]) -> Dict[str, Any]:
    event = {"name": check_key("table name", name), "kind": kind, "labels": labels, "columns": columns, "values": values, "cells": cells}
    _size_bound(name, event)
    return event


def confusion_matrix(name: str, labels: Any, counts: Any) -> Dict[str, Any]:
    """counts[actual][predicted] over the classes in labels (non-negative; rates are fine too)."""
    classes = labels_of("labels", labels, TABLE_LABELS)
    n = len(classes)
    if n == 0:
        raise ValueError("a confusion matrix names its classes: labels is empty")
    if len(set(classes)) != n:
        twice = next(c for i, c in enumerate(classes) if c in classes[:i])
        raise ValueError(f"labels name the class {twice!r} twice: each class is one row and one column of the matrix")
    rows = rows_of("counts", counts)
    if len(rows) != n:
        raise ValueError(f"counts has {len(rows)} rows for {n} labels: a confusion matrix is labels × labels (rows: actual class, columns: predicted)")
    _cells_bound(n * n)
    values: List[float] = []
    for i, row in enumerate(rows):
        if len(row) != n:
            raise ValueError(f"ragged rows: counts row {i} ({classes[i]}) has {len(row)} values, not {n} (one per predicted class)")
        for j, v in enumerate(row):
            x = number(f"counts[{i}][{j}]", v)
            if x < 0:
                raise ValueError(f"counts[{i}][{j}] ({classes[i]} predicted as {classes[j]}) is {x}: counts are never negative")
            values.append(x)
    return _table(name, "confusionMatrix", classes, [], values, [])


def _curve(name: str, kind: str, names: Sequence[str], thresholds: Any, y: Any, z: Any) -> Dict[str, Any]:
    """Rows (threshold, y, z): y and z are rates in [0, 1]; names are the arguments' names."""
    t = as_list(names[0], thresholds)
    ys, zs = numbers(names[1], y), numbers(names[2], z)
    if kind == "prCurve" and len(ys) == len(zs) == len(t) + 1 and ys[-1] == 1.0 and zs[-1] == 0.0:
        ys, zs = ys[:-1], zs[:-1]  # scikit-learn's last point: precision 1 at recall 0, no threshold
    elif kind == "rocCurve" and len(t) == len(ys) == len(zs) > 0 and _is_inf(t[0]) and ys[0] == 0.0 and zs[0] == 0.0:
        t, ys, zs = t[1:], ys[1:], zs[1:]  # scikit-learn's first point: (0, 0) at an infinite threshold
    if not len(t) == len(ys) == len(zs):
        raise ValueError(f"{names[0]} ({len(t)}), {names[1]} ({len(ys)}) and {names[2]} ({len(zs)}) must be as long as each other: one value each per point of the curve")
    if not t:
        raise ValueError(f"the curve {name!r} has no points")
    _cells_bound(3 * len(t))
    values: List[float] = []
    for i, threshold in enumerate(t):
        th = number(f"{names[0]}[{i}]", threshold)
        for what, rate in ((names[1], ys[i]), (names[2], zs[i])):
            if not 0.0 <= rate <= 1.0:
                raise ValueError(f"{what}[{i}] is {rate}: a rate lies in [0, 1]")
        values += (th, ys[i], zs[i])
    columns = ["threshold", "precision", "recall"] if kind == "prCurve" else ["threshold", "fpr", "tpr"]
    return _table(name, kind, [], columns, values, [])


def _is_inf(v: Any) -> bool:
    try:
        return math.isinf(float(v))
    except (TypeError, ValueError, OverflowError):
        return False


def pr_curve(name: str, precision: Any, recall: Any, thresholds: Any) -> Dict[str, Any]:
    return _curve(name, "prCurve", ("thresholds", "precision", "recall"), thresholds, precision, recall)


def roc_curve(name: str, fpr: Any, tpr: Any, thresholds: Any) -> Dict[str, Any]:
    return _curve(name, "rocCurve", ("thresholds", "fpr", "tpr"), thresholds, fpr, tpr)


def per_class(name: str, labels: Any, columns: Any, values: Any) -> Dict[str, Any]:
    """values[class][metric] for the classes in labels and the metrics in columns."""
    classes = labels_of("labels", labels, TABLE_LABELS)
    metrics = labels_of("columns", columns)
    if not classes or not metrics:
        raise ValueError("per-class metrics name their classes (labels) and their metrics (columns): " + ("labels" if not classes else "columns") + " is empty")
    rows = rows_of("values", values)
    if len(rows) != len(classes):
        raise ValueError(f"values has {len(rows)} rows for {len(classes)} labels: one row per class")
    _cells_bound(len(classes) * len(metrics))
    flat: List[float] = []
    for i, row in enumerate(rows):
        if len(row) != len(metrics):
            raise ValueError(f"ragged rows: values row {i} ({classes[i]}) has {len(row)} values, not {len(metrics)} (one per column)")
        flat += [number(f"values[{i}][{j}]", v) for j, v in enumerate(row)]
    return _table(name, "perClass", classes, metrics, flat, [])


def cell_json(what: str, value: Any) -> str:
    """A cell as the JSON text the event carries: a number, a string, a boolean or null."""
    if value is not None and not isinstance(value, (bool, int, float, str)):
        item = getattr(value, "item", None)  # numpy and torch scalars
        if callable(item):
            value = item()
        if value is not None and not isinstance(value, (bool, int, float, str)):
            raise TypeError(f"{what} is a {type(value).__name__}: a cell holds a number, a string, a boolean or None")
    if isinstance(value, str):
        if not well_formed(value):
            raise ValueError(f"{what} {value[:40]!r} is not valid Unicode (a lone surrogate)")
    elif isinstance(value, (int, float)) and not isinstance(value, bool):
        number(what, value)  # NaN, infinities and ints beyond a double are refused
    text = json.dumps(value, ensure_ascii=False, allow_nan=False)
    if len(text) > CELL_LENGTH // 2 and js_length(text) > CELL_LENGTH:
        raise ValueError(f"{what} is {js_length(text):,} characters as JSON, more than the {CELL_LENGTH:,} a cell may hold")
    return text


def table(name: str, columns: Any, rows: Any) -> Dict[str, Any]:
    """A generic table: column names, and rows of one cell per column."""
    names = labels_of("columns", columns)
    if not names:
        raise ValueError("a table names its columns: columns is empty")
    body = rows_of("rows", rows)
    _cells_bound(len(body) * len(names))
    cells: List[str] = []
    for i, row in enumerate(body):
        if len(row) != len(names):
            raise ValueError(f"ragged rows: row {i} has {len(row)} cells, not {len(names)} (one per column)")
        cells += [cell_json(f"row {i}, column {names[j]!r}:", v) for j, v in enumerate(row)]
    return _table(name, "table", [], names, [], cells)


def _optional_text(what: str, value: Any, limit: int) -> Optional[str]:
    if value is None:
        return None
    if not isinstance(value, str):
        raise TypeError(f"{what} is a {type(value).__name__}, not a string")
    return check_name(what, value, limit, empty_ok=True)


def sample(i: int, s: Any) -> Dict[str, Any]:
    """One sample as the event has it, from {input_id, text?, uri?, digest?, scores?}."""
    if not isinstance(s, Mapping):
        raise TypeError(f"sample {i} is a {type(s).__name__}: a sample is a dict with input_id and text or uri (and digest, scores)")
    unknown = [k for k in s if k not in SAMPLE_KEYS]
    if unknown:
        raise TypeError(f"sample {i}: unknown key(s) {', '.join(repr(k) for k in unknown)}; a sample has {', '.join(SAMPLE_KEYS)}")
    if "input_id" not in s:
        raise ValueError(f"sample {i} has no input_id (the prompt or image it answers)")
    input_id = s["input_id"]
    if isinstance(input_id, int) and not isinstance(input_id, bool):
        input_id = str(input_id)
    check_key(f"sample {i} input_id", input_id)
    text = _optional_text(f"sample {i} ({input_id}) text", s.get("text"), SAMPLE_TEXT_LENGTH)
    uri = _optional_text(f"sample {i} ({input_id}) uri", s.get("uri"), 8000)
    if text is None and not uri:
        raise ValueError(f"sample {i} ({input_id}) has neither text nor uri")
    digest = _optional_text(f"sample {i} ({input_id}) digest", s.get("digest"), 8000)
    raw = s.get("scores")
    if raw is None:
        raw = {}
    if not isinstance(raw, Mapping):
        raise TypeError(f"sample {i} ({input_id}) scores is a {type(raw).__name__}, not a dict of name to number")
    if len(raw) > SCORES_PER_SAMPLE:
        raise ValueError(f"sample {i} ({input_id}) has {len(raw)} scores, more than {SCORES_PER_SAMPLE}")
    scores = {check_key(f"sample {i} ({input_id}) score name", k): number(f'sample {i} ({input_id}) score "{k}"', v) for k, v in raw.items()}
    return {"inputId": input_id, "text": text, "uri": uri, "digest": digest, "scores": scores}


def samples(name: str, items: Any) -> List[List[Dict[str, Any]]]:
    """The samples, checked, in chunks of one event each (up to SAMPLES_PER_EVENT samples and
    about SPLIT_BYTES)."""
    check_key("samples name", name)
    given = as_list("samples", items)
    if not given:
        raise ValueError("samples is empty")
    out = [sample(i, s) for i, s in enumerate(given)]
    first: Dict[str, int] = {}
    for i, s in enumerate(out):
        j = first.setdefault(s["inputId"], i)
        if j != i:
            raise ValueError(f"input_id {s['inputId']!r} appears twice (samples {j} and {i}): one output per input and step")
    chunks: List[List[Dict[str, Any]]] = []
    size = 0
    for s in out:
        n = 32 + sum(utf8_length(s[k] or "") + 5 for k in ("inputId", "text", "uri", "digest")) + sum(utf8_length(k) + 13 for k in s["scores"])
        if not chunks or len(chunks[-1]) >= SAMPLES_PER_EVENT or size + n > SPLIT_BYTES:
            chunks.append([])
            size = 0
        chunks[-1].append(s)
        size += n
    return chunks
