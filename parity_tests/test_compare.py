import warnings

import numpy as np
import pytest

from tfparity.core.compare import compare, ulp_distance

f32 = np.float32


def test_ulp_distance_counts_representable_floats_and_tells_the_zeros_apart():
    # -0 against +0 was 0 ULP, "bit-identical" with other bits: it is 1 now (-NaN is not NaN either).
    one_up = np.nextafter(f32(1), f32(2))
    desired = f32([1, 0.0, -0.0, 1e-45])
    actual = np.array([one_up, -0.0, 0.0, -1e-45], f32)
    np.testing.assert_array_equal(ulp_distance(desired, actual), [1, 1, 1, 2])
    assert ulp_distance(np.float64([0.5]), np.float64([0.5000000000000007]))[0] == 6


def test_nan_equals_nan_but_nothing_else_and_inf_only_itself():
    desired = f32([np.nan, np.nan, np.inf, np.inf, -np.inf, 3e38])
    actual = f32([np.nan, 1.0, np.inf, 3.4028235e38, np.inf, 3e38])
    np.testing.assert_array_equal(ulp_distance(desired, actual), [0, np.inf, 0, np.inf, np.inf, 0])


def test_mixed_dtypes_are_refused():
    with pytest.raises(TypeError):
        ulp_distance(f32([1]), np.float64([1]))


def test_bit_identical_traces():
    trace = {"A": f32([1, 2, np.nan]), "loss": f32([np.inf, 0, 1])}
    verdict = compare(trace, {k: v.copy() for k, v in trace.items()})
    assert verdict.status == "bit-identical" and verdict.ok and str(verdict) == "bit-identical"


def test_mismatch_names_first_step_field_and_both_values():
    desired = {"A": f32([1, 2, 3]), "loss": f32([4, 5, 6])}
    actual = {"A": f32([1, 2, 3.5]), "loss": f32([4, 5.5, 6])}
    verdict = compare(desired, actual)
    assert verdict.status == "mismatch" and not verdict.ok
    assert verdict.first_mismatch == {"step": 2, "field": "loss", "index": None,
                                      "desired": 5.0, "actual": 5.5, "ulp": 1048576.0,
                                      "dtype": "float32"}
    assert "step 2, field loss" in str(verdict)


def test_within_tolerance_reports_max_ulp_and_first_difference():
    desired = {"A": f32([1, 2, 3])}
    actual = {"A": np.array([1, 2, np.nextafter(f32(3), f32(4))], f32)}
    verdict = compare(desired, actual, tolerance=1)
    assert (verdict.status, verdict.max_ulp, verdict.first_difference["step"]) == ("within", 1, 3)
    assert compare(desired, actual, tolerance=0).status == "mismatch"


def test_absolute_floor_covers_zero_crossings():
    desired, actual = {"A": f32([1e-9])}, {"A": f32([-1e-9])}
    assert compare(desired, actual, tolerance=8).status == "mismatch"
    assert compare(desired, actual, tolerance=8, atol=1e-6).status == "within"


def test_nan_against_number_is_a_mismatch_whatever_the_tolerance():
    verdict = compare({"w": f32([1, np.nan])}, {"w": f32([1, 2])}, tolerance=10**9, atol=1e30)
    assert verdict.status == "mismatch" and verdict.first_mismatch["step"] == 2


def test_shorter_run_and_missing_field_are_mismatches():
    assert compare({"A": f32([1, 2])}, {"A": f32([1])}).first_mismatch["step"] == 2
    verdict = compare({"A": f32([1])}, {"B": f32([1])})
    assert verdict.status == "mismatch" and verdict.first_mismatch["field"] == "A"


def test_element_index_is_reported_for_array_fields():
    desired = {"W": np.zeros((2, 3), f32)}
    actual = {"W": np.array([[0, 0, 0], [0, 0, 1]], f32)}
    place = compare(desired, actual).first_mismatch
    assert (place["step"], place["index"]) == (2, [2])


def test_a_nan_of_other_bits_is_a_mismatch_naming_both():
    desired, actual = {"w": f32([np.nan])}, {"w": -f32([np.nan])}
    assert compare(desired, {"w": f32([np.nan])}).status == "bit-identical"
    verdict = compare(desired, actual, tolerance=10**9, atol=1e30)
    assert verdict.status == "mismatch"
    assert "desired NaN (bits 0x7fc00000), actual NaN (bits 0xffc00000)" in str(verdict), verdict


def test_complex_values_are_as_far_as_their_farther_part():
    desired = np.array([1 + 1j, 2 + 2j], np.complex64)
    imaginary_up = np.array([1 + 1j, 2 + np.nextafter(f32(2), f32(3)) * 1j], np.complex64)
    np.testing.assert_array_equal(ulp_distance(desired, imaginary_up), [0, 1])
    assert compare({"z": desired}, {"z": desired.copy()}).status == "bit-identical"
    assert compare({"z": desired}, {"z": imaginary_up}).first_mismatch["step"] == 2


def test_a_complex_field_against_a_real_one_is_a_dtype_verdict_without_a_lossy_cast():
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # NumPy's ComplexWarning, were the imaginary part cast away
        verdict = compare({"w": f32([1, 2])}, {"w": np.complex64([1, 2])})
    assert str(verdict) == "MISMATCH: field w: dtype complex64, desired float32"


def test_nothing_compared_is_a_mismatch():
    assert str(compare({}, {})) == ("MISMATCH: nothing was compared: both traces have no field; a comparison "
                                    "of nothing is no parity")
    empty = {"w": np.zeros((0, 2), f32)}
    assert compare(empty, {"w": np.zeros((0, 2), f32)}).status == "mismatch"
    assert compare({"w": np.zeros((3, 0), f32)}, {"w": np.zeros((3, 0), f32)}).status == "mismatch"


def test_a_trace_longer_or_shorter_names_the_field_and_both_lengths():
    assert str(compare({"w": f32([1, 2])}, {"w": f32([1, 2, 3])})) == \
        "MISMATCH at step 3, field w: the TF2 trace has 3 steps of w, the TF1 trace 2"
    assert str(compare({"w": np.ones((2, 3), f32)}, {"w": np.ones((0, 3), f32)})) == \
        "MISMATCH at step 1, field w: the TF2 trace has 0 steps of w, the TF1 trace 2"


def test_a_scalar_field_is_named_once_as_a_shape():
    assert str(compare({"loss": f32([1, 2])}, {"loss": f32(1)})) == \
        "MISMATCH: field loss: shape () (a scalar, not a value per step), desired (2,)"


def test_scaled_counts_ulps_at_each_fields_largest_value_in_the_step():
    """The local layer's unit: a sum's rounding is the size of its terms, wherever the sum cancels."""
    desired = {"m": np.array([[1.0, 1e-6], [2.0, 0.0]], np.float32)}
    actual = {"m": desired["m"] + np.array([[0.0, 2 * np.spacing(np.float32(1.0))], [0.0, 0.0]], np.float32)}
    scaled = compare(desired, actual, 2, scaled=True)
    assert scaled.max_ulp == 2 and scaled.status == "within" and scaled.first_difference["index"] == [1]
    assert "2 ULP of the field's largest value" in str(scaled)
    assert compare(desired, actual).max_ulp > 1e6
    assert compare(desired, actual, 1, scaled=True).status == "mismatch"


def test_a_series_counts_ulps_at_its_largest_value_over_the_steps():
    """The per-update loss: near zero it is an output's cancellation against its target, so a
    difference the size of the output's rounding is a few ULPs of the series, not of itself."""
    desired = {"loss": np.array([0.5, 3.5e-24], np.float32)}
    actual = {"loss": desired["loss"] + np.array([0.0, 2 * np.spacing(np.float32(0.5))], np.float32)}
    assert compare(desired, actual, 2, scaled=True).status == "mismatch"  # billions of ULPs of 3.5e-24
    series = compare(desired, actual, 2, scaled=True, series=("loss",))
    assert series.status == "within" and series.max_ulp == 2 and series.first_difference["step"] == 2, str(series)
    assert compare(desired, actual, 1, scaled=True, series=("loss",)).status == "mismatch"
