"""Checks at the edge, as the processors check (schemas/validate.ts, whose LIMITS these mirror):
a bad point is a ValueError naming the key, raised by ``log()`` before anything is buffered; a
bad id, name, param, tag or library version is a ValueError naming the field, raised by
``init()`` or ``run.config.update`` before anything is sent. An event the processor would
refuse is never sent: it would be dead-lettered whole (a RunStarted with its params, tags and
lineage; a ParamsLogged with its update). Tables, samples and console lines are checked as
checkTable, checkSamples and checkLogLines check them (check_table_event etc., below). Lengths
count as JavaScript's do (js_length: UTF-16 units), since those are the limits the processor applies."""
from __future__ import annotations

import json
import math
import re
from typing import Any, Callable, Dict, Mapping, TypeVar

ID_LENGTH = 128  # project, run id, sweep id, producer id
NAME_LENGTH = 500  # experiment, run name, user (MLflow's limit too)
KEY_LENGTH = 256  # metric keys, param names, tag names, any map key
VALUE_LENGTH = 8000  # string params, tag values, library versions, artifact metadata (MLflow's tag limit)
MAP_ENTRIES = 1000  # params, tags, libraries, metadata, summary: entries per map
MAX_STEP = 2**53 - 1
# Artifacts compared side by side (TableLogged, SamplesLogged, LogLines): LIMITS.tableCells etc.
TABLE_CELLS = 100_000  # values + cells of one table
TABLE_LABELS = 10_000
CELL_LENGTH = 1000  # a generic table's cell, as JSON text
SAMPLES_PER_EVENT = 1000
SAMPLE_TEXT_LENGTH = 65_536
SCORES_PER_SAMPLE = 100
LINES_PER_EVENT = 10_000
LINE_LENGTH = 16_384
TABLE_KINDS = ("confusionMatrix", "prCurve", "rocCurve", "perClass", "table")
CURVE_COLUMNS = {"prCurve": ("threshold", "precision", "recall"), "rocCurve": ("threshold", "fpr", "tpr")}
LOG_STREAMS = ("stdout", "stderr")
LOG_LEVELS = ("debug", "info", "warning", "error")
ID_PATTERN = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:-]*")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")

V = TypeVar("V")


def well_formed(text: str) -> bool:
    """No lone surrogates: text that UTF-8 can carry as it is."""
    if text.isascii():
        return True
    try:
        text.encode("utf-8")
        return True
    except UnicodeEncodeError:
        return False


def js_length(text: str) -> int:
    """The length validate.ts's limits count (JavaScript's ``String.length``): UTF-16 code units,
    so a character beyond the Basic Multilingual Plane (an emoji) counts twice."""
    if text.isascii():
        return len(text)
    return len(text) + sum(1 for ch in text if ord(ch) > 0xFFFF)


def check_name(what: str, value: Any, limit: int = NAME_LENGTH, empty_ok: bool = False) -> str:
    if not isinstance(value, str):
        raise ValueError(f"{what} must be a string, not {type(value).__name__}")
    if not value and not empty_ok:
        raise ValueError(f"{what} is empty")
    if len(value) > limit // 2 and js_length(value) > limit:
        raise ValueError(f"{what} is longer than {limit} characters")
    if not well_formed(value):
        raise ValueError(f"{what} {value[:40]!r} is not valid Unicode (a lone surrogate)")
    return value


def check_id(what: str, value: Any) -> str:
    """project, run id, sweep id: 1 to 128 of letters, digits, '.', '_', ':' and '-', starting
    with a letter or digit."""
    check_name(what, value, ID_LENGTH)
    if not ID_PATTERN.fullmatch(value):
        raise ValueError(f"{what} {value[:40]!r} may hold only letters, digits, '.', '_', ':' and '-', and must start with a letter or digit")
    return value


def check_key(what: str, key: Any) -> str:
    check_name(what, key, KEY_LENGTH)
    if _CONTROL.search(key):
        raise ValueError(f'{what} "{key[:40]}" contains control characters')
    return key


def check_text(what: str, value: Any) -> str:
    """A string value of a map (tag, library version, metadata): up to 8,000 characters."""
    return check_name(what, value, VALUE_LENGTH, empty_ok=True)


def check_map(what: str, mapping: Mapping[str, V], check_value: Callable[[str, V], V]) -> Dict[str, V]:
    """At most 1,000 entries, each key a valid key (``{what} key``), each value checked by
    ``check_value(key, value)``; the checked map."""
    if len(mapping) > MAP_ENTRIES:
        raise ValueError(f"{what} has {len(mapping)} entries; at most {MAP_ENTRIES} are allowed")
    return {check_key(f"{what} key", k): check_value(k, v) for k, v in mapping.items()}


def check_param_value(key: str, value: Any) -> Any:
    """A param as the events carry it (float, str or bool): a finite number, or a string of up
    to 8,000 characters."""
    if isinstance(value, bool):
        return value
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError(f'param "{key}": value {value} is not a finite number')
        return value
    if isinstance(value, str):
        return check_name(f'param "{key}"', value, VALUE_LENGTH, empty_ok=True)
    raise ValueError(f'param "{key}": value {value!r} is not a number, string or boolean')


def check_strings(what: str, value: Any) -> Any:
    """Every string in a (nested) value is valid Unicode, as the processor requires of every
    string of an event."""
    if isinstance(value, str):
        if not well_formed(value):
            raise ValueError(f"{what} {value[:40]!r} is not valid Unicode (a lone surrogate)")
    elif isinstance(value, Mapping):
        for k, v in value.items():
            check_strings(f"{what} key", k)
            check_strings(f"{what}.{k}", v)
    elif isinstance(value, (list, tuple)):
        for v in value:
            check_strings(what, v)
    return value


def check_value(key: str, value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        # numpy and torch scalars convert; anything else is refused.
        try:
            value = float(value)
        except (TypeError, ValueError):
            raise ValueError(f'metric "{key}": value {value!r} is not a number') from None
    v = float(value)
    if not math.isfinite(v):
        raise ValueError(f'metric "{key}": value {v} is not a finite number')
    return v


def check_step(step: Any) -> int:
    if isinstance(step, bool) or not isinstance(step, int):
        raise ValueError(f"step {step!r} is not an integer")
    if step < 0 or step > MAX_STEP:
        raise ValueError(f"step {step} is out of range (0 to 2^53 - 1)")
    return step


# -- artifacts compared side by side (validate.ts: checkTable, checkSamples, checkLogLines) -----
#
# These take the event as it is sent and raise a ValueError with validate.ts's reason. The
# Run methods (artifacts.py) check their arguments first, with messages in the caller's terms
# (a ragged row, the labels against the matrix); these are the last word before the sender.


def _not_json(constant: str) -> Any:
    raise ValueError(f"{constant} is not JSON")


def _finite(x: Any) -> bool:
    return isinstance(x, float) and x - x == 0.0


def check_event_step(step: Any) -> None:
    if step is not None and (isinstance(step, bool) or not isinstance(step, int) or step < 0 or step > MAX_STEP):
        raise ValueError(f"step {step!r} is not a non-negative integer")


def _check_label(what: str, value: Any) -> None:
    check_name(what, value, KEY_LENGTH, empty_ok=True)


def check_table_event(e: Mapping[str, Any]) -> None:
    """A TableLogged's shape: the values (or cells) fill rows × columns; a matrix is square over
    its labels; curve rates lie in [0, 1]."""
    labels, columns, values, cells = e.get("labels", []), e.get("columns", []), e.get("values", []), e.get("cells", [])
    kind = e["kind"]
    check_key("table name", e["name"])
    check_event_step(e.get("step"))
    if e["loggedAt"] < 0:
        raise ValueError("loggedAt is negative")
    if kind not in TABLE_KINDS:
        raise ValueError(f"table kind {kind!r} is not one of {', '.join(TABLE_KINDS)}")
    if len(values) + len(cells) > TABLE_CELLS:
        raise ValueError(f"table has {len(values) + len(cells):,} cells, more than {TABLE_CELLS:,}")
    if len(labels) > TABLE_LABELS:
        raise ValueError(f"table has more than {TABLE_LABELS:,} labels")
    for label in labels:
        _check_label("label", label)
    for column in columns:
        _check_label("column", column)
    for i, v in enumerate(values):
        if not _finite(v):
            raise ValueError(f"value {i} ({v!r}) is not a finite number")
    if kind == "table":
        if not columns:
            raise ValueError("a table names its columns")
        if values:
            raise ValueError("a generic table holds its cells in cells, not values")
        if len(cells) % len(columns) != 0:
            raise ValueError(f"ragged rows: {len(cells)} cells do not fill rows of {len(columns)} columns")
        for i, cell in enumerate(cells):
            if not isinstance(cell, str):
                raise ValueError(f"cell {i} is not JSON text")
            if js_length(cell) > CELL_LENGTH:
                raise ValueError(f"cell {i} is longer than {CELL_LENGTH} characters")
            try:
                v = json.loads(cell, parse_constant=_not_json)  # NaN, Infinity: Python's, not JSON
            except ValueError:
                raise ValueError(f"cell {i} is not JSON") from None
            if v is not None and not isinstance(v, (int, float, str, bool)):
                raise ValueError(f"cell {i} is not a number, a string, a boolean or null")
            check_name(f"cell {i}", cell, CELL_LENGTH, empty_ok=True)
        return
    if cells:
        raise ValueError(f"a {kind} holds numbers in values, not cells")
    if kind == "confusionMatrix":
        n = len(labels)
        if n == 0:
            raise ValueError("a confusion matrix names its classes in labels")
        if columns and list(columns) != list(labels):
            raise ValueError("a confusion matrix predicts the classes it labels: columns must be empty or equal the labels")
        if len(values) != n * n:
            raise ValueError(f"a confusion matrix of {n} classes holds {n * n} counts, not {len(values)}")
        for i, v in enumerate(values):
            if v < 0:
                raise ValueError(f"count {i} ({v!r}) is negative")
        return
    if kind == "perClass":
        if not labels or not columns:
            raise ValueError("per-class metrics name their classes (labels) and metrics (columns)")
        if len(values) != len(labels) * len(columns):
            raise ValueError(f"ragged rows: {len(values)} values do not fill {len(labels)} classes × {len(columns)} columns")
        return
    expected = CURVE_COLUMNS[kind]
    if tuple(columns) != expected:
        raise ValueError(f"a {kind} has the columns {', '.join(expected)}")
    if not values or len(values) % 3 != 0:
        raise ValueError(f"ragged rows: {len(values)} values do not fill rows of 3 columns")
    for i in range(0, len(values), 3):
        if not (0 <= values[i + 1] <= 1 and 0 <= values[i + 2] <= 1):
            raise ValueError(f"row {i // 3}: {expected[1]} and {expected[2]} lie in [0, 1]")


def check_samples_event(e: Mapping[str, Any]) -> None:
    check_key("samples name", e["name"])
    check_event_step(e.get("step"))
    if e["loggedAt"] < 0:
        raise ValueError("loggedAt is negative")
    samples = e["samples"]
    if not samples:
        raise ValueError("no samples")
    if len(samples) > SAMPLES_PER_EVENT:
        raise ValueError(f"more than {SAMPLES_PER_EVENT} samples in one event")
    for i, s in enumerate(samples):
        check_key(f"sample {i} inputId", s["inputId"])
        text, uri = s.get("text"), s.get("uri")
        if text is None and not uri:
            raise ValueError(f"sample {i} ({s['inputId']}) has neither text nor uri")
        check_name(f"sample {i} text", text or "", SAMPLE_TEXT_LENGTH, empty_ok=True)
        check_text(f"sample {i} uri", uri or "")
        check_name(f"sample {i} digest", s.get("digest") or "", 2**31, empty_ok=True)
        scores = s.get("scores", {})
        if len(scores) > SCORES_PER_SAMPLE:
            raise ValueError(f"sample {i} has more than {SCORES_PER_SAMPLE} scores")
        for k, v in scores.items():
            check_key(f"sample {i} scores key", k)
            if not _finite(v):
                raise ValueError(f'sample {i} score "{k}" is not a finite number')


def check_lines_event(e: Mapping[str, Any]) -> None:
    lines = e["lines"]
    if e["stream"] not in LOG_STREAMS:
        raise ValueError(f"stream {e['stream']!r} is not one of {', '.join(LOG_STREAMS)}")
    if not lines:
        raise ValueError("no lines")
    if len(lines) > LINES_PER_EVENT:
        raise ValueError(f"more than {LINES_PER_EVENT:,} lines in one event")
    rank = e.get("workerRank")
    if rank is not None and rank < 0:
        raise ValueError(f"worker rank {rank} is negative")
    previous = -1
    for i, line in enumerate(lines):
        seq = line["seq"]
        if isinstance(seq, bool) or not isinstance(seq, int) or seq < 0 or seq > MAX_STEP:
            raise ValueError(f"line {i}: seq {seq!r} is not a non-negative integer")
        if seq <= previous:
            raise ValueError(f"line {i}: seq {seq} does not follow {previous} (lines are numbered in order)")
        previous = seq
        if line["at"] < 0:
            raise ValueError(f"line {i}: at is negative")
        if line["level"] not in LOG_LEVELS:
            raise ValueError(f"line {i}: level {line['level']!r} is not one of {', '.join(LOG_LEVELS)}")
        check_name(f"line {i}", line["text"], LINE_LENGTH, empty_ok=True)
