"""Tables and samples (TableLogged, SamplesLogged): the events the Run methods send, the checks
that refuse bad arguments before anything is sent (schemas/validate.ts's bounds and shapes),
the Avro encoding, and the identity the sender gives them."""
from __future__ import annotations

import math
import time

import pytest

import runlens
from fakes import ScriptedDelivery
from runlens.encoding import EventEncoder
from runlens.run import Run
from runlens.sender import Sender
from runlens.validate import check_samples_event, check_table_event

INF, NAN = float("inf"), float("nan")


@pytest.fixture
def run(recorder):
    r = runlens.init(project="p", heartbeat_s=0)
    yield r
    r.finish()


def tables(recorder):
    return recorder.of_type("TableLogged")


# -- confusion matrices ---------------------------------------------------------------------------


def test_a_confusion_matrix_is_sent_row_major_over_its_labels(run, recorder):
    run.log_confusion_matrix("confusion/val", ["cat", "dog", "bird"], [[8, 1, 1], [2, 6, 2], [0, 1, 9]], step=3)
    [e] = tables(recorder)
    assert e == {
        "project": "p", "runId": run.id, "name": "confusion/val", "kind": "confusionMatrix", "step": 3, "loggedAt": e["loggedAt"],
        "labels": ["cat", "dog", "bird"], "columns": [], "values": [8.0, 1.0, 1.0, 2.0, 6.0, 2.0, 0.0, 1.0, 9.0], "cells": [],
    }
    assert e["loggedAt"] > 0


def test_numpy_arrays_and_class_indices_are_accepted(run, recorder):
    np = pytest.importorskip("numpy")
    run.log_confusion_matrix("cm", np.array([0, 1]), np.array([[5, 1], [2, 7]], dtype=np.int64))
    run.log_pr_curve("pr", np.array([1.0, 0.5]), np.array([0.5, 1.0]), np.array([0.9, 0.1], dtype=np.float32))
    cm, pr = tables(recorder)
    assert cm["labels"] == ["0", "1"] and cm["values"] == [5.0, 1.0, 2.0, 7.0]
    assert pr["values"] == pytest.approx([0.9, 1.0, 0.5, 0.1, 0.5, 1.0])
    with pytest.raises(ValueError, match=r"counts has 1 rows for 2 labels"):
        run.log_confusion_matrix("cm", ["a", "b"], np.array([1, 2]).reshape(1, 2))


@pytest.mark.parametrize(
    "labels, counts, error, match",
    [
        (["a", "b"], [[1, 2], [3]], ValueError, r"ragged rows: counts row 1 \(b\) has 1 values, not 2"),
        (["a", "b"], [[1, 2]], ValueError, r"counts has 1 rows for 2 labels"),
        (["a", "b", "c"], [[1, 2], [3, 4]], ValueError, r"counts has 2 rows for 3 labels"),
        (["a", "b"], [[1, -2], [3, 4]], ValueError, r"counts\[0\]\[1\] \(a predicted as b\) is -2.0: counts are never negative"),
        (["a", "b"], [[1, NAN], [3, 4]], ValueError, r"counts\[0\]\[1\] is nan, not a finite number"),
        (["a", "b"], [[1, 2], [3, INF]], ValueError, r"counts\[1\]\[1\] is inf, not a finite number"),
        (["a", "b"], [[1, "2"], [3, 4]], TypeError, r"counts\[0\]\[1\] is '2', not a number"),
        (["a", "b"], [[1, None], [3, 4]], TypeError, r"counts\[0\]\[1\] is None, not a number"),
        ([], [], ValueError, r"labels is empty"),
        (["a", "b", "a"], [[1, 2, 3]] * 3, ValueError, r"labels name the class 'a' twice"),
        (["a", 1.5], [[1, 2], [3, 4]], TypeError, r"labels\[1\] is 1.5: labels and columns are strings"),
        (["a" * 257, "b"], [[1, 2], [3, 4]], ValueError, r"labels\[0\] is longer than 256 characters"),
        ("ab", [[1, 2], [3, 4]], TypeError, r"labels must be a list or an array, not str"),
        (["a", "b"], 7, TypeError, r"counts must be a list or an array, not int"),
    ],
)
def test_a_bad_confusion_matrix_is_refused_naming_the_problem(run, recorder, labels, counts, error, match):
    with pytest.raises(error, match=match):
        run.log_confusion_matrix("cm", labels, counts)
    assert tables(recorder) == []


def test_a_table_of_more_than_100000_cells_is_refused(run, recorder):
    n = 317  # 100,489 counts
    with pytest.raises(ValueError, match=r"100,489 cells, more than the 100,000 one table may have"):
        run.log_confusion_matrix("cm", [f"c{i}" for i in range(n)], [[0] * n for _ in range(n)])
    run.log_confusion_matrix("cm", [f"c{i}" for i in range(316)], [[1] * 316 for _ in range(316)])  # 99,856: fine
    assert len(tables(recorder)) == 1


# -- curves -----------------------------------------------------------------------------------------


def test_a_pr_curve_is_rows_of_threshold_precision_recall(run, recorder):
    run.log_pr_curve("pr/val", precision=[1.0, 0.5], recall=[0.5, 1.0], thresholds=[0.9, 0.5], step=1)
    [e] = tables(recorder)
    assert (e["kind"], e["columns"], e["values"], e["labels"], e["step"]) == ("prCurve", ["threshold", "precision", "recall"], [0.9, 1.0, 0.5, 0.5, 0.5, 1.0], [], 1)


def test_scikit_learns_pr_curve_is_taken_as_it_comes(run, recorder):
    # precision_recall_curve: one threshold fewer than points; the last point is (recall 0, precision 1).
    run.log_pr_curve("pr", [0.5, 2 / 3, 1.0, 1.0], [1.0, 1.0, 0.5, 0.0], [0.1, 0.4, 0.8])
    [e] = tables(recorder)
    assert e["values"] == [0.1, 0.5, 1.0, 0.4, 2 / 3, 1.0, 0.8, 1.0, 0.5]
    # One fewer threshold without that closing point is a mismatch, not scikit-learn's shape.
    with pytest.raises(ValueError, match=r"thresholds \(1\), precision \(2\) and recall \(2\) must be as long as each other"):
        run.log_pr_curve("pr", [0.5, 0.7], [1.0, 0.5], [0.3])


def test_scikit_learns_roc_curve_starts_at_an_infinite_threshold_which_is_left_out(run, recorder):
    run.log_roc_curve("roc", fpr=[0.0, 0.0, 0.5, 1.0], tpr=[0.0, 0.5, 1.0, 1.0], thresholds=[INF, 0.9, 0.5, 0.1])
    [e] = tables(recorder)
    assert (e["kind"], e["columns"], e["values"]) == ("rocCurve", ["threshold", "fpr", "tpr"], [0.9, 0.0, 0.5, 0.5, 0.5, 1.0, 0.1, 1.0, 1.0])
    with pytest.raises(ValueError, match=r"thresholds\[1\] is inf, not a finite number"):
        run.log_roc_curve("roc", [0.0, 0.5], [0.5, 1.0], [0.9, INF])


@pytest.mark.parametrize(
    "args, error, match",
    [
        (([1.0, 0.5], [0.5], [0.9, 0.5]), ValueError, r"thresholds \(2\), precision \(2\) and recall \(1\) must be as long as each other"),
        (([1.2, 0.5], [0.5, 1.0], [0.9, 0.5]), ValueError, r"precision\[0\] is 1.2: a rate lies in \[0, 1\]"),
        (([1.0, 0.5], [0.5, -0.1], [0.9, 0.5]), ValueError, r"recall\[1\] is -0.1: a rate lies in \[0, 1\]"),
        (([1.0, NAN], [0.5, 1.0], [0.9, 0.5]), ValueError, r"precision\[1\] is nan, not a finite number"),
        (([1.0, 0.5], [0.5, 1.0], [NAN, 0.5]), ValueError, r"thresholds\[0\] is nan, not a finite number"),
        (([], [], []), ValueError, r"the curve 'pr' has no points"),
        (([1.0], [0.5], ["high"]), TypeError, r"thresholds\[0\] is 'high', not a number"),
    ],
)
def test_a_bad_curve_is_refused(run, recorder, args, error, match):
    with pytest.raises(error, match=match):
        run.log_pr_curve("pr", *args)
    assert tables(recorder) == []


# -- per-class metrics and generic tables ---------------------------------------------------------


def test_per_class_metrics(run, recorder):
    run.log_per_class("per-class/val", ["cat", "dog"], ["precision", "recall"], [[0.8, 0.9], [0.7, 0.6]], step=2)
    [e] = tables(recorder)
    assert (e["kind"], e["labels"], e["columns"], e["values"]) == ("perClass", ["cat", "dog"], ["precision", "recall"], [0.8, 0.9, 0.7, 0.6])
    with pytest.raises(ValueError, match=r"ragged rows: values row 1 \(dog\) has 1 values, not 2 \(one per column\)"):
        run.log_per_class("pc", ["cat", "dog"], ["precision", "recall"], [[0.8, 0.9], [0.7]])
    with pytest.raises(ValueError, match=r"values has 1 rows for 2 labels: one row per class"):
        run.log_per_class("pc", ["cat", "dog"], ["precision"], [[0.8]])
    with pytest.raises(ValueError, match=r"columns is empty"):
        run.log_per_class("pc", ["cat"], [], [[]])


def test_a_generic_tables_cells_are_json_values(run, recorder):
    np = pytest.importorskip("numpy")
    run.log_table("errors/val", ["id", "text", "score", "ok", "note"], [[1, "a \"quoted\" café", 0.25, True, None], [np.int64(2), "b", np.float32(0.5), np.bool_(False), "x"]])
    [e] = tables(recorder)
    assert (e["kind"], e["columns"], e["values"], e["labels"]) == ("table", ["id", "text", "score", "ok", "note"], [], [])
    assert e["cells"] == ["1", '"a \\"quoted\\" café"', "0.25", "true", "null", "2", '"b"', "0.5", "false", '"x"']
    run.log_table("empty", ["a"], [])  # no rows is a table too
    assert tables(recorder)[-1]["cells"] == []


@pytest.mark.parametrize(
    "columns, rows, error, match",
    [
        (["a", "b"], [[1, 2], [3]], ValueError, r"ragged rows: row 1 has 1 cells, not 2 \(one per column\)"),
        ([], [], ValueError, r"columns is empty"),
        (["a"], [[{"x": 1}]], TypeError, r"row 0, column 'a': is a dict: a cell holds a number, a string, a boolean or None"),
        (["a"], [[[1, 2]]], TypeError, r"row 0, column 'a': is a list"),
        (["a"], [[NAN]], ValueError, r"row 0, column 'a': is nan, not a finite number"),
        (["a"], [[10**400]], ValueError, r"too large to be a number"),
        (["a"], [["x" * 999]], ValueError, r"row 0, column 'a': is 1,001 characters as JSON, more than the 1,000 a cell may hold"),
        # An emoji counts twice, as validate.ts counts (UTF-16): 500 of them and the quotes are 1,002.
        (["a"], [["\U0001F600" * 500]], ValueError, r"1,002 characters as JSON"),
        (["a"], [["bad \ud800"]], ValueError, r"not valid Unicode"),
        (["a"], "rows", TypeError, r"rows must be a list or an array, not str"),
    ],
)
def test_a_bad_table_is_refused(run, recorder, columns, rows, error, match):
    with pytest.raises(error, match=match):
        run.log_table("t", columns, rows)
    assert tables(recorder) == []


def test_a_cell_of_exactly_1000_characters_is_fine(run, recorder):
    run.log_table("t", ["a"], [["x" * 998]])
    assert len(tables(recorder)[0]["cells"][0]) == 1000


def test_bad_names_and_steps_are_refused(run, recorder):
    with pytest.raises(ValueError, match="table name is empty"):
        run.log_table("", ["a"], [[1]])
    with pytest.raises(ValueError, match="contains control characters"):
        run.log_confusion_matrix("cm\n", ["a"], [[1]])
    with pytest.raises(ValueError, match="step -1 is out of range"):
        run.log_confusion_matrix("cm", ["a"], [[1]], step=-1)
    with pytest.raises(ValueError, match="step 1.5 is not an integer"):
        run.log_samples("s", [{"input_id": "a", "text": "x"}], step=1.5)
    assert tables(recorder) == [] and recorder.of_type("SamplesLogged") == []


def test_a_table_too_large_for_one_event_is_refused(run, recorder):
    # 10,000 labels of 256 three-byte characters: 7.7 MB, more than the 4 MB an event may carry.
    labels = [f"{i:05d}" + "é" * 251 for i in range(10_000)]
    with pytest.raises(ValueError, match=r"bytes encoded, more than one event may carry \(4,000,000\)"):
        run.log_per_class("pc", labels, ["f1"], [[0.5]] * 10_000)


# -- samples ----------------------------------------------------------------------------------------


def test_samples_are_sent_per_input_id(run, recorder):
    run.log_samples("generations/val", [
        {"input_id": "q1", "text": "Paris", "scores": {"exact": 1, "len": 5.0}},
        {"input_id": 2, "uri": "s3://media/2.png", "digest": "sha256:ab"},
        {"input_id": "q3", "text": ""},  # empty text is text
    ], step=4)
    [e] = recorder.of_type("SamplesLogged")
    assert (e["name"], e["step"]) == ("generations/val", 4)
    assert e["samples"] == [
        {"inputId": "q1", "text": "Paris", "uri": None, "digest": None, "scores": {"exact": 1.0, "len": 5.0}},
        {"inputId": "2", "text": None, "uri": "s3://media/2.png", "digest": "sha256:ab", "scores": {}},
        {"inputId": "q3", "text": "", "uri": None, "digest": None, "scores": {}},
    ]


@pytest.mark.parametrize(
    "samples, error, match",
    [
        ([{"input_id": "q1"}], ValueError, r"sample 0 \(q1\) has neither text nor uri"),
        ([{"input_id": "q1", "uri": ""}], ValueError, r"sample 0 \(q1\) has neither text nor uri"),
        ([{"text": "x"}], ValueError, r"sample 0 has no input_id"),
        ([{"input_id": "q1", "text": "x", "score": {"a": 1}}], TypeError, r"sample 0: unknown key\(s\) 'score'; a sample has input_id, text, uri, digest, scores"),
        (["q1"], TypeError, r"sample 0 is a str: a sample is a dict"),
        ([{"input_id": "q1", "text": 3}], TypeError, r"sample 0 \(q1\) text is a int, not a string"),
        ([{"input_id": "q1", "text": "x", "scores": {"bleu": NAN}}], ValueError, r'sample 0 \(q1\) score "bleu" is nan, not a finite number'),
        ([{"input_id": "q1", "text": "x", "scores": [0.5]}], TypeError, r"scores is a list, not a dict"),
        ([{"input_id": "q1", "text": "x", "scores": {f"s{i}": 0 for i in range(101)}}], ValueError, r"has 101 scores, more than 100"),
        ([{"input_id": "q1", "text": "x" * 65_537}], ValueError, r"text is longer than 65536 characters"),
        ([{"input_id": "", "text": "x"}], ValueError, r"sample 0 input_id is empty"),
        ([{"input_id": "q1", "text": "a"}, {"input_id": "q1", "text": "b"}], ValueError, r"input_id 'q1' appears twice \(samples 0 and 1\)"),
        ([], ValueError, r"samples is empty"),
    ],
)
def test_bad_samples_are_refused_and_none_is_sent(run, recorder, samples, error, match):
    with pytest.raises(error, match=match):
        run.log_samples("s", samples)
    if samples:  # a good sample first: still nothing of the call is sent
        with pytest.raises(error, match=match.replace("sample 0", "sample 1").replace("samples 0 and 1", "samples 1 and 2")):
            run.log_samples("s", [{"input_id": "ok", "text": "fine"}] + samples)
    assert recorder.of_type("SamplesLogged") == []


def test_many_samples_are_split_into_events_of_at_most_1000(run, recorder):
    run.log_samples("many", [{"input_id": f"i{i:04d}", "text": f"out {i}"} for i in range(2500)], step=0)
    events = recorder.of_type("SamplesLogged")
    assert [len(e["samples"]) for e in events] == [1000, 1000, 500]
    assert {(e["name"], e["step"]) for e in events} == {("many", 0)}
    assert [s["inputId"] for e in events for s in e["samples"]] == [f"i{i:04d}" for i in range(2500)]


def test_long_samples_are_split_by_size(run, recorder):
    run.log_samples("long", [{"input_id": f"i{i}", "text": "é" * 60_000} for i in range(30)])
    events = recorder.of_type("SamplesLogged")
    assert len(events) > 1 and sum(len(e["samples"]) for e in events) == 30
    enc = EventEncoder()
    assert all(len(enc.encode("SamplesLogged", e)) <= 1_200_000 for e in events)


# -- the processor's checks, the encoding, the identity -------------------------------------------


def test_the_event_checks_mirror_validate_ts():
    base = {"project": "p", "runId": "r", "name": "t", "step": None, "loggedAt": 1, "labels": [], "columns": [], "values": [], "cells": []}
    bad = [
        ({"kind": "confusionMatrix", "labels": ["a", "b"], "columns": ["b", "a"], "values": [1.0] * 4}, "columns must be empty or equal the labels"),
        ({"kind": "confusionMatrix", "labels": ["a"], "values": [1.0, 2.0]}, "holds 1 counts, not 2"),
        ({"kind": "table", "columns": ["a"], "cells": ["NaN"]}, "cell 0 is not JSON"),
        ({"kind": "table", "columns": ["a"], "cells": ["[1]"]}, "cell 0 is not a number, a string, a boolean or null"),
        ({"kind": "table", "columns": ["a"], "values": [1.0]}, "holds its cells in cells, not values"),
        ({"kind": "prCurve", "columns": ["threshold", "recall", "precision"], "values": [0.5, 0.5, 0.5]}, "has the columns threshold, precision, recall"),
        ({"kind": "rocCurve", "columns": ["threshold", "fpr", "tpr"], "values": [0.5, 0.5]}, "ragged rows: 2 values do not fill rows of 3 columns"),
        ({"kind": "perClass", "labels": ["a"], "columns": ["x"], "cells": ["1"]}, "holds numbers in values, not cells"),
        ({"kind": "perClass", "labels": ["a"], "columns": ["x"], "values": [INF]}, "value 0 (inf) is not a finite number"),
        ({"kind": "table", "columns": ["a"], "cells": ["1"], "step": -2}, "step -2 is not a non-negative integer"),
    ]
    for fields, reason in bad:
        with pytest.raises(ValueError, match=reason.replace("(", r"\(").replace(")", r"\)")):
            check_table_event({**base, **fields})
    check_table_event({**base, "kind": "confusionMatrix", "labels": ["a", "b"], "columns": ["a", "b"], "values": [1.0, 0.0, 0.0, 1.0]})
    sample = {"project": "p", "runId": "r", "name": "s", "step": None, "loggedAt": 1}
    with pytest.raises(ValueError, match="more than 1000 samples in one event"):
        check_samples_event({**sample, "samples": [{"inputId": f"i{i}", "text": "x", "uri": None, "digest": None, "scores": {}} for i in range(1001)]})


def test_every_event_encodes_and_decodes_as_sent(run, recorder):
    run.log_confusion_matrix("cm", ["a", "b"], [[1, 2], [3, 4]], step=0)
    run.log_table("t", ["x", "y"], [[1.5, "é"], [None, False]])
    run.log_samples("s", [{"input_id": "q", "text": "t", "uri": "u", "digest": "d", "scores": {"k": 0.5}}])
    enc = EventEncoder()
    for event_type, event in recorder.events:
        if event_type in ("TableLogged", "SamplesLogged"):
            decoded_type, decoded = enc.decode(enc.encode(event_type, event))
            assert decoded_type == event_type
            assert decoded == {**event, "producerId": None, "sequence": None}


def test_tables_samples_and_lines_carry_the_senders_identity(tmp_path):
    delivery = ScriptedDelivery()
    sender = Sender("unused:1", spool_dir=str(tmp_path), flush_interval_s=3600, delivery=delivery)
    run = Run(sender, "proj", "identity", int(time.time() * 1000), None, owns_sender=False)
    run.log_confusion_matrix("cm", ["a"], [[1]])
    run.log_samples("s", [{"input_id": "q", "text": "x"}])
    run.log_lines(["a line"])
    run.finish(timeout_s=5)
    sender.close(timeout_s=5)
    enc = EventEncoder()
    sent = [enc.decode(v) for v in delivery.sent]
    identified = {t: (e["producerId"], e["sequence"]) for t, e in sent if t in ("TableLogged", "SamplesLogged", "LogLines")}
    assert set(identified) == {"TableLogged", "SamplesLogged", "LogLines"}
    # One producer: a re-send collapses, and another producer's lines (a restarted job) never replace these.
    assert {p for p, _ in identified.values()} == {sender.producer_id}
    assert identified["TableLogged"][1] < identified["SamplesLogged"][1] < identified["LogLines"][1]


def test_a_finished_run_logs_no_more_artifacts(recorder):
    run = runlens.init(project="p", heartbeat_s=0)
    run.finish()
    for call in (lambda: run.log_confusion_matrix("cm", ["a"], [[1]]), lambda: run.log_samples("s", [{"input_id": "a", "text": "x"}]),
                 lambda: run.log_lines(["x"]), lambda: run.capture_console()):
        with pytest.raises(RuntimeError, match="is finished"):
            call()


def test_keys_are_counted_as_validate_ts_counts_them(recorder):
    # 200 emoji are 200 characters to Python and 400 to JavaScript's String.length, which the
    # processor's 256-character limit counts: refused here rather than dead-lettered there.
    run = runlens.init(project="p", heartbeat_s=0)
    with pytest.raises(ValueError, match="longer than 256 characters"):
        run.log({"\U0001F600" * 200: 1.0})
    run.log({"\U0001F600" * 128: 1.0})
    run.finish()
    assert math.isclose(recorder.points[0][4], 1.0)
