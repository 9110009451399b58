"""Console lines (LogLines): run.capture_console() and init(capture_console=True) tee
sys.stdout and sys.stderr (the terminal still gets everything), number the lines per stream from
0, give them levels, ship them in batches from a background thread and the rest at finish;
run.log_lines records lines explicitly, numbered after the captured ones."""
from __future__ import annotations

import sys
import threading
import time
import warnings

import pytest

import runlens
from runlens import console as console_module
from runlens.console import CUT_MARK, fit_line, line_chunks
from runlens.validate import LINE_LENGTH, js_length


def lines_of(recorder, stream=None):
    """Every line sent, in number order, as (stream, seq, level, text)."""
    out = [(e["stream"], line["seq"], line["level"], line["text"]) for e in recorder.of_type("LogLines") for line in e["lines"]]
    return sorted((x for x in out if stream is None or x[0] == stream), key=lambda x: (x[0], x[1]))


def texts(recorder, stream):
    return [t for _, _, _, t in lines_of(recorder, stream)]


def test_captured_lines_reach_the_terminal_and_the_run_numbered_per_stream(recorder, capsys):
    run = runlens.init(project="p", heartbeat_s=0)
    before = sys.stdout, sys.stderr
    with run.capture_console():
        assert sys.stdout is not before[0]
        print("epoch 0 loss 0.5")
        print("lr is high", file=sys.stderr)
        print("epoch 1", "loss 0.25")
        sys.stdout.write("two\nlines\n")
        sys.stderr.write("ERROR: data missing\n")
        sys.stderr.writelines(["CRITICAL failure\n", "just a warning\n"])
    assert (sys.stdout, sys.stderr) == before
    print("after the block: not captured")
    run.finish()
    out, err = capsys.readouterr()
    assert out == "epoch 0 loss 0.5\nepoch 1 loss 0.25\ntwo\nlines\nafter the block: not captured\n"
    assert err == "lr is high\nERROR: data missing\nCRITICAL failure\njust a warning\n"
    assert lines_of(recorder) == [
        ("stderr", 0, "warning", "lr is high"),
        ("stderr", 1, "error", "ERROR: data missing"),
        ("stderr", 2, "error", "CRITICAL failure"),
        ("stderr", 3, "warning", "just a warning"),
        ("stdout", 0, "info", "epoch 0 loss 0.5"),
        ("stdout", 1, "info", "epoch 1 loss 0.25"),
        ("stdout", 2, "info", "two"),
        ("stdout", 3, "info", "lines"),
    ]
    events = recorder.of_type("LogLines")
    assert all(e["project"] == "p" and e["runId"] == run.id and e["workerRank"] is None for e in events)
    assert all(line["at"] > 0 for e in events for line in e["lines"])
    # Every line is sent before the run's end.
    assert [t for t, _ in recorder.events][-1] == "RunFinished"


def test_a_traceback_is_an_error_from_its_first_line_through_the_exception(recorder, capsys):
    run = runlens.init(project="p", heartbeat_s=0)
    with run.capture_console():
        print("before", file=sys.stderr)
        try:
            raise KeyError("missing")
        except KeyError:
            import traceback

            traceback.print_exc()
        print("after", file=sys.stderr)
    run.finish()
    sent = lines_of(recorder, "stderr")
    assert sent[0][2:] == ("warning", "before") and sent[-1][2:] == ("warning", "after")
    block = sent[1:-1]
    assert block[0][3] == "Traceback (most recent call last):"
    assert block[-1][3] == "KeyError: 'missing'"
    assert {level for _, _, level, _ in block} == {"error"}


def test_an_exception_that_ends_the_run_is_recorded_with_its_traceback(recorder):
    with pytest.raises(ValueError):
        with runlens.init(project="p", heartbeat_s=0, capture_console=True) as run:
            print("training")
            raise ValueError("loss is nan")
    err = lines_of(recorder, "stderr")
    assert err[0][2:] == ("error", "Traceback (most recent call last):")
    assert err[-1][2:] == ("error", "ValueError: loss is nan")
    assert texts(recorder, "stdout") == ["training"]
    assert recorder.of_type("RunFinished")[0]["status"] == "failed"
    assert not isinstance(sys.stdout, console_module._Tee)


def test_an_exception_leaving_a_capture_block_is_recorded_once(recorder):
    run = runlens.init(project="p", heartbeat_s=0)
    with pytest.raises(RuntimeError):
        with run, run.capture_console():
            raise RuntimeError("out of memory")
    err = texts(recorder, "stderr")
    assert err.count("RuntimeError: out of memory") == 1
    with pytest.raises(SystemExit):
        with runlens.init(project="p", heartbeat_s=0, capture_console=True):
            sys.exit(0)  # no traceback for an exit
    assert texts(recorder, "stderr").count("Traceback (most recent call last):") == 1


def test_carriage_returns_keep_what_a_terminal_shows(recorder, capsys):
    run = runlens.init(project="p", heartbeat_s=0)
    with run.capture_console():
        for pct in (10, 50, 100):
            sys.stderr.write(f"\rtraining: {pct}%")
        sys.stderr.write("\n")
        sys.stdout.write("windows\r\nline endings\r")
        sys.stdout.write("\n")
        sys.stdout.write("unterminated at the end")
    run.finish()
    assert texts(recorder, "stderr") == ["training: 100%"]
    assert texts(recorder, "stdout") == ["windows", "line endings", "unterminated at the end"]


def test_long_lines_are_cut_and_bad_text_is_mended(recorder, capsys):
    run = runlens.init(project="p", heartbeat_s=0)
    with run.capture_console():
        print("x" * 20_000)
        sys.stdout.write("y" * 10_000)
        sys.stdout.write("y" * 10_000 + "\n")  # one line over two writes
        print("\U0001F600" * 9000)  # 9,000 characters, 18,000 UTF-16 units
    run.finish()
    capsys.readouterr()
    x, y, emoji = texts(recorder, "stdout")
    for cut in (x, y, emoji):
        assert cut.endswith(CUT_MARK) and js_length(cut) <= LINE_LENGTH
    assert x.startswith("x" * 16_000) and y.startswith("y" * 16_000)
    # A stream with errors="backslashreplace" (stderr's default) prints a lone surrogate; the
    # line sent has it replaced, as UTF-8 cannot carry it.
    assert fit_line("lone \ud800 surrogate") == "lone ? surrogate"


def test_lines_are_shipped_in_the_background_before_the_run_ends(recorder, capsys):
    run = runlens.init(project="p", heartbeat_s=0)
    with run.capture_console() as capture:
        print("soon")
        deadline = time.monotonic() + 5
        while not recorder.of_type("LogLines") and time.monotonic() < deadline:
            time.sleep(0.05)
        assert texts(recorder, "stdout") == ["soon"]  # within the 0.5 s interval, without finish
        for i in range(1200):
            print(f"line {i}")
    run.finish()
    assert texts(recorder, "stdout") == ["soon"] + [f"line {i}" for i in range(1200)]
    assert capture.shipped_lines == 1201 and capture.dropped_lines == 0
    for e in recorder.of_type("LogLines"):
        seqs = [line["seq"] for line in e["lines"]]
        assert seqs == sorted(seqs) and len(set(seqs)) == len(seqs)


def test_writes_from_many_threads_are_all_numbered_once(recorder, capsys):
    run = runlens.init(project="p", heartbeat_s=0)

    def worker(k):
        for i in range(300):
            print(f"thread {k} line {i}")

    with run.capture_console():
        threads = [threading.Thread(target=worker, args=(k,)) for k in range(4)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    run.finish()
    sent = lines_of(recorder, "stdout")
    assert [seq for _, seq, _, _ in sent] == list(range(1200))
    assert sorted(t for _, _, _, t in sent) == sorted(f"thread {k} line {i}" for k in range(4) for i in range(300))


def test_log_lines_numbers_after_the_captured_lines(recorder, capsys):
    run = runlens.init(project="p", heartbeat_s=0)
    with run.capture_console():
        print("captured 0")
        print("captured 1")
    run.log_lines(["explicit 2", {"text": "explicit 3", "level": "debug", "at": 1_700_000_000_000}])
    run.log_lines(["oops"], stream="stderr")
    run.log_lines([])  # nothing to send
    run.finish()
    assert lines_of(recorder) == [
        ("stderr", 0, "warning", "oops"),
        ("stdout", 0, "info", "captured 0"),
        ("stdout", 1, "info", "captured 1"),
        ("stdout", 2, "info", "explicit 2"),
        ("stdout", 3, "debug", "explicit 3"),
    ]
    [event] = [e for e in recorder.of_type("LogLines") if e["lines"][0]["text"] == "explicit 2"]
    assert event["lines"][1]["at"] == 1_700_000_000_000


@pytest.mark.parametrize(
    "lines, stream, error, match",
    [
        ("one line", "stdout", TypeError, r"lines must be a list or an array, not str"),
        (["x"], "stdlog", ValueError, r"stream 'stdlog': use one of stdout, stderr"),
        ([{"text": "x", "level": "fatal"}], "stdout", ValueError, r"line 0: level 'fatal': use one of debug, info, warning, error"),
        ([{"text": "x", "at": 1.5}], "stdout", ValueError, r"line 0: at 1.5 is not a time in epoch milliseconds"),
        ([{"text": "x", "when": 1}], "stdout", TypeError, r"line 0: unknown key\(s\) 'when'"),
        ([{"level": "info"}], "stdout", ValueError, r"line 0 has no text"),
        ([3], "stdout", TypeError, r"line 0 is a int"),
        (["ok", "x" * 16_385], "stdout", ValueError, r"line 1 is longer than 16384 characters"),
        (["bad \ud800"], "stdout", ValueError, r"line 0 'bad \\ud800' is not valid Unicode"),
    ],
)
def test_bad_explicit_lines_are_refused_and_take_no_numbers(recorder, lines, stream, error, match):
    run = runlens.init(project="p", heartbeat_s=0)
    with pytest.raises(error, match=match):
        run.log_lines(lines, stream=stream)
    run.log_lines(["first"])
    run.finish()
    assert lines_of(recorder) == [("stdout", 0, "info", "first")]


def test_init_capture_console_captures_until_finish(recorder, capsys):
    run = runlens.init(project="p", heartbeat_s=0, capture_console=True)
    print("from init on")
    with run.capture_console():  # shares the run's capture, which goes on after the block
        print("inside")
    print("still captured")
    run.finish()
    print("after finish")
    assert texts(recorder, "stdout") == ["from init on", "inside", "still captured"]
    assert not isinstance(sys.stdout, console_module._Tee)


def test_a_capture_stopped_under_another_wrapper_passes_writes_through(recorder, capsys):
    run = runlens.init(project="p", heartbeat_s=0)
    capture = run.capture_console()
    tee = sys.stdout

    class Wrapper:
        def __init__(self, inner):
            self.inner = inner

        def write(self, s):
            return self.inner.write(s)

        def flush(self):
            self.inner.flush()

    sys.stdout = Wrapper(tee)  # someone wrapped the tee after us
    try:
        print("while capturing")
        capture.stop()
        print("after stop")
    finally:
        sys.stdout = tee.original
    run.finish()
    assert texts(recorder, "stdout") == ["while capturing"]
    assert capsys.readouterr().out == "while capturing\nafter stop\n"


def test_a_failing_send_drops_lines_with_one_warning_and_output_goes_on(recorder, capsys):
    run = runlens.init(project="p", heartbeat_s=0)
    real_emit = recorder.emit

    def refuse_lines(event_type, event, check_errors=True):
        if event_type == "LogLines":
            raise runlens.SendError("Kafka refused an event: too large")
        real_emit(event_type, event, check_errors)

    recorder.emit = refuse_lines
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        with run.capture_console() as capture:
            print("one")
            print("two")
        run.finish()
    assert capture.dropped_lines == 2 and capture.shipped_lines == 0
    assert [str(w.message) for w in caught if "console lines could not be sent" in str(w.message)] != []
    assert "one\ntwo\n" in capsys.readouterr().out
    assert recorder.of_type("RunFinished")


def test_a_forked_child_captures_nothing(recorder, capsys):
    run = runlens.init(project="p", heartbeat_s=0)
    with run.capture_console():
        print("parent")
        console_module._after_fork()  # what os.fork() runs in the child
        print("child")
    run.finish()
    assert texts(recorder, "stdout") == ["parent"]
    assert capsys.readouterr().out == "parent\nchild\n"


def test_lines_are_split_into_events_by_count_and_size():
    many = [{"seq": i, "at": 1, "level": "info", "text": "x"} for i in range(25_000)]
    assert [len(c) for c in line_chunks(many)] == [10_000, 10_000, 5_000]
    long = [{"seq": i, "at": 1, "level": "info", "text": "y" * 16_000} for i in range(200)]
    chunks = line_chunks(long)
    assert len(chunks) == 4 and sum(len(c) for c in chunks) == 200
    assert [line["seq"] for c in chunks for line in c] == list(range(200))


def test_many_explicit_lines_are_sent_in_several_events(recorder):
    run = runlens.init(project="p", heartbeat_s=0)
    run.log_lines([f"l{i}" for i in range(12_000)], stream="stderr")
    run.finish()
    events = recorder.of_type("LogLines")
    assert [len(e["lines"]) for e in events] == [10_000, 2_000]
    assert [s for _, s, _, _ in lines_of(recorder)] == list(range(12_000))


EXIT_SCRIPT = r'''
import json, sys
import runlens

class FileSender:  # the sender interface runs use; writes every event it got so far
    def __init__(self): self.events = []
    def buffer(self, *a): return a
    def add(self, *a): pass
    def emit(self, event_type, event, check_errors=True):
        self.events.append((event_type, event))
        with open(sys.argv[1], "w") as f: json.dump(self.events, f)
    def hand_over(self, *a): pass
    def flush_run(self, *a, **k): pass
    def forget(self, *a): pass
    def close(self, timeout_s=60.0): pass

sender = FileSender()
runlens._sender_for = lambda *a, **k: sender
run = runlens.init(project="p", heartbeat_s=0, capture_console=True)
print("step 1")
raise RuntimeError("uncaught")
'''


def test_an_uncaught_exception_is_captured_before_the_run_is_finished_at_exit(tmp_path):
    import json
    import os
    import subprocess

    script, out = tmp_path / "script.py", tmp_path / "events.json"
    script.write_text(EXIT_SCRIPT)
    src = os.path.join(os.path.dirname(__file__), "..", "src")
    r = subprocess.run([sys.executable, str(script), str(out)], env={**os.environ, "PYTHONPATH": src}, capture_output=True, text=True, timeout=60)
    assert r.returncode == 1 and "RuntimeError: uncaught" in r.stderr and r.stdout == "step 1\n"  # the terminal got it all
    events = json.loads(out.read_text())
    lines = [(e["stream"], line["level"], line["text"]) for t, e in events if t == "LogLines" for line in e["lines"]]
    assert ("stdout", "info", "step 1") in lines
    err = [(level, text) for stream, level, text in lines if stream == "stderr"]
    assert err[0] == ("error", "Traceback (most recent call last):") and err[-1] == ("error", "RuntimeError: uncaught")
    assert [t for t, _ in events][-1] == "RunFinished" and events[-1][1]["status"] == "failed"


def test_a_flood_of_output_is_shipped_by_the_writer_and_never_dropped(recorder, capsys, monkeypatch):
    monkeypatch.setattr(console_module, "MAX_PENDING_LINES", 50)
    monkeypatch.setattr(console_module.Console, "_loop", lambda self: None)  # no shipping thread: only the writer ships
    run = runlens.init(project="p", heartbeat_s=0)
    with run.capture_console() as capture:
        for i in range(120):
            print(f"line {i}")
        assert capture.shipped_lines == 100 and len(texts(recorder, "stdout")) == 100  # two floods of 50, before any finish
    run.finish()
    assert texts(recorder, "stdout") == [f"line {i}" for i in range(120)]
    assert capture.dropped_lines == 0
