"""Bad input at log(): a ValueError naming the key, or with on_invalid="warn" the bad points
dropped (one warning per key) and the rest logged."""
import warnings

import pytest

import runlens
from runlens.run import InvalidPointWarning


def test_raise_is_the_default_and_buffers_nothing_of_the_call(recorder):
    run = runlens.init(project="p", heartbeat_s=0)
    with pytest.raises(ValueError, match='metric "b": value nan'):
        run.log({"a": 1.0, "b": float("nan")}, step=0)
    with pytest.raises(ValueError, match='metric "a": value \'x\' is not a number'):
        run.log({"a": "x"}, step=0)
    with pytest.raises(ValueError, match="step -1"):
        run.log({"a": 1.0}, step=-1)
    assert recorder.points == []
    run.finish()


def test_warn_drops_only_bad_points_with_one_warning_per_key(recorder):
    run = runlens.init(project="p", on_invalid="warn", heartbeat_s=0)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        for step in range(3):
            run.log({"good": float(step), "bad": float("inf"), "text": "n/a"}, step=step)
        run.log({"good": 9.0}, step=-5)
        run.log({"good": 9.0}, step=-6)
        run.log({"good": 9.0, "ctl\x01": 1.0}, step=3)
    mine = [str(w.message) for w in caught if issubclass(w.category, InvalidPointWarning)]
    assert len(mine) == 4, mine
    assert any('"bad"' in m and "not a finite number" in m for m in mine)
    assert any('"text"' in m for m in mine)
    assert any("step -5" in m for m in mine)
    assert any("control characters" in m for m in mine)
    assert [(s, k, v) for _, _, s, k, v in recorder.points] == [(0, "good", 0.0), (1, "good", 1.0), (2, "good", 2.0), (3, "good", 9.0)]
    assert run.dropped_points == 3 * 2 + 2 + 1
    run.finish()


def test_numbers_of_other_types_are_kept_as_floats(recorder):
    run = runlens.init(project="p", heartbeat_s=0)
    run.log({"int": 3, "float": 0.5}, step=0)
    assert [(k, v) for _, _, _, k, v in recorder.points] == [("int", 3.0), ("float", 0.5)]
    with pytest.raises(ValueError, match="on_invalid 'ignore'"):
        runlens.init(project="p", on_invalid="ignore", heartbeat_s=0)
    run.finish()
