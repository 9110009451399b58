"""Logs two runs' artifacts through the runlens Python package — confusion matrices, PR and ROC
curves, per-class metrics, a table, samples — and prints while the console is captured, then
prints a JSON report for python-artifacts.test.ts: the run ids and the traceback lines as Python
printed them (their file paths depend on the checkout). The expected values are the test's own
hand computations.

usage: artifacts_run.py <project>    (RUNLENS_KAFKA_BROKERS, RUNLENS_TOPIC_PREFIX set)
"""
import json
import sys
import traceback

import runlens

project = sys.argv[1]
LABELS = ["cat", "dog", "bird"]

# Run a: artifacts as lists, its console captured in a block.
a = runlens.init(project=project, experiment="py-artifacts", name="a", heartbeat_s=0)
a.log_confusion_matrix("confusion/val", LABELS, [[8, 1, 1], [2, 6, 2], [0, 1, 9]], step=10)
# Points (recall, precision) (0.5, 1.0) and (1.0, 0.5): average precision 0.5 · 1.0 + 0.5 · 0.5 = 0.75.
a.log_pr_curve("pr/val", precision=[1.0, 0.5], recall=[0.5, 1.0], thresholds=[0.9, 0.5], step=10)
a.log_roc_curve("roc/val", fpr=[0.0, 0.5, 1.0], tpr=[0.5, 1.0, 1.0], thresholds=[0.9, 0.5, 0.1], step=10)
a.log_per_class("per-class/val", LABELS, ["precision", "recall"], [[0.8, 0.8], [0.75, 0.6], [0.75, 0.9]], step=10)
a.log_table("errors/val", ["input", "predicted", "confidence", "correct", "note"],
            [["img-1", "dog", 0.93, False, None], ["img-2", "cat", 0.51, True, "close call"]], step=10)
a.log_samples("generations/val", [
    {"input_id": "q1", "text": "Paris is the capital of France.", "scores": {"bleu": 0.9}},
    {"input_id": "q2", "text": "Two plus two is four.", "scores": {"bleu": 0.7}},
    {"input_id": "q3", "uri": "s3://media/a/q3.png", "digest": "sha256:aa", "scores": {"bleu": 0.1}},
], step=10)
a.log_samples("generations/many", [{"input_id": f"p{i:04d}", "text": f"answer {i}"} for i in range(1500)])  # two events
with a.capture_console():
    print("epoch 0 loss 0.700")
    print("epoch 1 loss 0.500")
    print("lr warmup done", file=sys.stderr)
    try:
        raise ValueError("bad batch 17")
    except ValueError:
        traceback.print_exc()
        printed = traceback.format_exc().splitlines()
    print("ERROR: skipped batch 17", file=sys.stderr)
    print("done")
a.log_lines(["explicit line"])  # numbered after the captured stdout lines
a.finish()

# Run b: scikit-learn-shaped curves, captured from init on, ended by an exception.
try:
    with runlens.init(project=project, experiment="py-artifacts", name="b", heartbeat_s=0, capture_console=True) as b:
        b.log_confusion_matrix("confusion/val", LABELS, [[9, 1, 0], [1, 8, 1], [0, 0, 10]], step=10)
        # As precision_recall_curve returns it: one threshold fewer, closing at (recall 0, precision 1).
        b.log_pr_curve("pr/val", precision=[0.5, 2 / 3, 1.0, 1.0], recall=[1.0, 1.0, 0.5, 0.0], thresholds=[0.1, 0.4, 0.8], step=10)
        # As roc_curve returns it: opening at (0, 0) with an infinite threshold.
        b.log_roc_curve("roc/val", fpr=[0.0, 0.0, 0.25, 1.0], tpr=[0.0, 0.75, 1.0, 1.0], thresholds=[float("inf"), 0.8, 0.3, 0.05], step=10)
        b.log_samples("generations/val", [
            {"input_id": "q1", "text": "Lyon is the capital of France.", "scores": {"bleu": 0.2}},
            {"input_id": "q2", "text": "Two plus two is four.", "scores": {"bleu": 0.7}},
        ], step=10)
        print("epoch 0 loss 0.700")
        print("epoch 1 loss 0.450")
        print("done")
        b.log_lines(["explicit line"])
        raise RuntimeError("loss diverged")
except RuntimeError:
    pass

print(json.dumps({"a": a.id, "b": b.id, "traceback": printed}))
