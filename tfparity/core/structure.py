"""What must agree before values can be compared: the same fields, each with the same dtype and
the same shape at every step. A difference here is a verdict of its own, never a crash.

``first_problem`` returns the first such difference in a trace pair as a place dict (the shape
``compare`` reports: step, field, index, desired, actual, ulp) with a ``kind`` added: "field",
"dtype" or "shape". Steps missing at the end are not a problem here: ``compare`` reports them
as a difference at the first missing step. ``nothing_compared`` is the place (kind "nothing") of
two traces with no value to compare.
"""
import numpy as np


def _place(kind, field, desired, actual):
    return {"kind": kind, "step": 1, "field": field, "index": None, "ulp": float("inf"),
            "desired": desired, "actual": actual}


def first_problem(desired, actual):
    """The first field, in ``desired``'s order then ``actual``'s, whose presence, dtype or
    per-step shape differs; None when the two traces have the same structure."""
    for field in list(desired) + [f for f in actual if f not in desired]:
        if field not in desired or field not in actual:
            return _place("field", field, "present" if field in desired else "absent",
                          "present" if field in actual else "absent")
        d, a = np.asarray(desired[field]), np.asarray(actual[field])
        if d.ndim == 0 or a.ndim == 0:
            return _place("shape", field, _whole_shape(d), _whole_shape(a))
        if d.shape[1:] != a.shape[1:]:
            return _place("shape", field, f"{d.shape[1:]} per step", f"{a.shape[1:]} per step")
        if d.dtype != a.dtype:
            return _place("dtype", field, str(d.dtype), str(a.dtype))
    return None


def _whole_shape(array):
    return f"{array.shape} (a scalar, not a value per step)" if array.ndim == 0 else f"{array.shape}"


def nothing_compared(desired):
    """The place of two traces with the same structure and no value to compare."""
    fields = ", ".join(map(str, desired))
    detail = f"{'field' if len(desired) == 1 else 'fields'} {fields}: no value in either trace (no step, or " \
             "steps of no elements)" if fields else "both traces have no field"
    return dict(_place("nothing", None, None, None), step=None, detail=detail)


def cast_like(desired, actual):
    """``actual`` with every field cast to the dtype of the same field in ``desired``; None when
    a cast would drop part of a value (complex to real) or cannot be made."""
    cast = {}
    for field, values in actual.items():
        values, dtype = np.asarray(values), np.asarray(desired[field]).dtype
        if values.dtype.kind == "c" and dtype.kind != "c" or not np.can_cast(values.dtype, dtype, "unsafe"):
            return None
        cast[field] = values.astype(dtype)
    return cast


def describe(place):
    """One line for a structural difference."""
    if place["kind"] == "nothing":
        return f"nothing was compared: {place['detail']}; a comparison of nothing is no parity"
    if place["kind"] in ("step_from", "draw"):
        return place["detail"]
    if place["kind"] == "unconfirmed":
        return f"the {place.get('cause', 'reformulation')} bound does not apply: {place['detail']}"
    if place["kind"] == "field":
        return f"field {place['field']} is {place['actual']} in the TF2 trace, {place['desired']} in the TF1 trace"
    return f"field {place['field']}: {place['kind']} {place['actual']}, desired {place['desired']}"
