"""The report of ``tfparity check`` read off small synthetic traces (no TensorFlow run): the final
values that differ are named with both values even when the verdict passes, a field recorded
once differs "at the end", and the JSON carries per-field, per-step distances and the traces."""
import json

import numpy as np

from tfparity.check import fields
from tfparity.check.parity_report import FIELD_ROW, Report
from tfparity.core.compare import compare
from tfparity.core.jsonio import dumps, jsonable
from tfparity.core.modes import REFERENCE

MODE = "tf2_eager"


def _traces():
    """TF1's trace of 3 steps: a loss, an accuracy, a 2x2 weight, and a bias that stays equal."""
    return {"loss": np.float32([0.5, 0.4, 0.2345]), "accuracy": np.float32([0.5, 0.75, 0.78125]),
            "w": np.arange(12, dtype=np.float32).reshape(3, 2, 2), "b": np.float32([[1.0], [2.0], [3.0]])}


def _port(desired):
    """A port whose last step differs by a little in loss, accuracy and one element of w."""
    actual = {k: v.copy() for k, v in desired.items()}
    actual["loss"][2] = np.float32(0.2346)
    actual["accuracy"][2] = np.float32(0.78516)
    actual["w"][2, 1, 0] = np.nextafter(actual["w"][2, 1, 0], np.float32(20))
    actual["w"][2, 0, 1] = np.nextafter(actual["w"][2, 0, 1], np.float32(20))
    return actual


def _report(desired, actual, tolerance=0, atol=0.0, causes=()):
    verdict = compare(desired, actual, tolerance, atol, causes)
    return Report({MODE: verdict}, traces={REFERENCE: desired, MODE: actual})


def test_a_passing_verdict_still_names_each_final_value_that_differs():
    desired = _traces()
    report = _report(desired, _port(desired), tolerance=1 << 20, causes=("onednn",))
    assert report.ok and report.verdicts[MODE].status == "within", report
    [line] = [line for line in str(report).splitlines() if "final values" in line]
    assert line.strip() == ("final values that differ (3 of 4 fields): loss 0.2345 (TF1) vs 0.2346 (tf2_eager); "
                            "accuracy 0.78125 vs 0.78516; w[0, 1] 9.0 vs 9.000001 (largest |diff|; 2 of 4 elements "
                            "differ)"), line


def test_a_bit_identical_mode_lists_no_final_values():
    desired = _traces()
    report = _report(desired, {k: v.copy() for k, v in desired.items()})
    assert "final values" not in str(report), report


def test_a_difference_that_vanishes_by_the_end_says_every_field_agrees_there():
    desired = _traces()
    actual = {k: v.copy() for k, v in desired.items()}
    actual["loss"][0] = np.float32(0.25)
    assert "final values: all 4 fields compared are bit-identical at the end" in str(_report(desired, actual))


def test_a_long_list_is_cut_after_the_first_fields_with_how_many_more():
    desired = {f"w{i}": np.float32([[1.0], [2.0]]) for i in range(fields.LISTED + 3)}
    actual = {k: v + np.float32(1) for k, v in desired.items()}
    line = fields.final_line(*fields.finals(desired, actual), MODE)
    assert line.count(" vs ") == fields.LISTED and line.endswith("; and 3 more (all in --json)"), line


def test_a_field_recorded_once_differs_at_the_end_not_at_step_1():
    desired = dict(_traces(), w_end=np.float32([[1.0, 2.0]]))
    actual = dict({k: v.copy() for k, v in desired.items()}, w_end=np.float32([[1.0, 2.5]]))
    report = _report(desired, actual)
    assert fields.recorded_once(desired, actual) == ["w_end"]
    assert report.line(MODE).startswith("MISMATCH at the end (recorded once), field w_end [1]: desired 2.0"), report
    assert "step 1" not in report.line(MODE)
    report.explained[MODE] = ("onednn",)
    assert report.line(MODE).startswith("max 2.09715e+06 ULP, max |diff| 0.5 at the end (recorded once): explained"), \
        report.line(MODE)


def test_the_json_has_a_row_per_field_with_distances_at_every_step():
    desired = _traces()
    actual = _port(desired)
    actual["w"][0, 0, 0] = np.float32(np.nan)
    document = json.loads(dumps(jsonable(_report(desired, actual).to_dict())))
    assert "traces" not in document
    rows = {row["field"]: row for row in document["fields"]}
    assert all(list(row) == list(FIELD_ROW) for row in document["fields"]) and set(rows) == set(desired)
    assert rows["b"]["first_step"] is None and rows["b"]["max_ulp"] == [0.0, 0.0, 0.0]
    assert rows["b"]["final_tf1"] is None and rows["b"]["final_ulp"] is None
    assert rows["w"]["first_step"] == 1 and rows["w"]["max_ulp"] == ["Infinity", 0.0, 1.0]
    assert rows["w"]["max_abs"][2] == float(np.spacing(np.float32(9.0))) and rows["w"]["final_index"] == [0, 1]
    assert rows["loss"]["first_step"] == 3 and (rows["loss"]["final_tf1"], rows["loss"]["final_tf2"]) == ("0.2345", "0.2346")
    assert rows["loss"]["steps_tf1"] == rows["loss"]["steps_tf2"] == 3


def test_a_run_that_stops_early_differs_at_each_missing_step():
    desired = {"loss": np.float32([3.0, 2.0, 1.0])}
    [row] = _report(desired, {"loss": np.float32([3.0])}).field_rows()
    assert (row["steps_tf1"], row["steps_tf2"], row["first_step"]) == (3, 1, 2)
    assert row["max_ulp"] == [0.0, np.inf, np.inf]


def test_the_traces_are_written_when_asked_as_rows_that_rebuild_the_arrays():
    desired = dict(_traces(), z=np.complex64([1 + 2j, 3 - 4j]), labels=np.int64([1, 2, 3]))
    actual = _port(desired)
    document = json.loads(dumps(jsonable(_report(desired, actual).to_dict(traces=True))))
    rows = {(row["run"], row["field"]): row for row in document["traces"]}
    assert set(rows) == {(run, f) for run in (REFERENCE, MODE) for f in desired}
    for (run, field), row in rows.items():
        values = np.array(row["values"], dtype=np.float64 if row["dtype"].startswith("complex") else row["dtype"])
        if row["dtype"].startswith("complex"):
            values = (values[..., 0] + 1j * values[..., 1]).astype(row["dtype"])
        expected = desired[field] if run == REFERENCE else actual[field]
        assert values.dtype == expected.dtype and np.array_equal(values, expected), (run, field)
