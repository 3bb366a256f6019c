"""Field by field: how far a TF2 trace is from the TF1 trace at every step, and which final values
differ. The verdict (``tfparity.core.compare``) gives the worst place over every field; the report
and its JSON also need each field on its own, with the same conventions: ULPs of the field's
dtype, 0 where equal (a NaN against a NaN of the same bits too), inf where non-finite values
differ and at a step only one trace has.

``distances(desired, actual)``: {field: {"steps_tf1", "steps_tf2", "first_step", "max_ulp",
"max_abs"}} for every field both traces have with one dtype and one per-step shape (the others
are the verdict's: a dtype, shape or missing-field difference). ``finals``: the fields whose last
recorded values differ, each summed up by the element of largest |diff|. ``recorded_once``: the
fields recorded at the end only (one value where the run has more steps).
"""
import numpy as np

from tfparity.core.compare import ulp_distance

# The report's line of final values names at most this many fields, then "and N more": four
# fields of two values each still fit a line a reader takes in at once; the JSON has them all.
LISTED = 4


def comparable(d, a):
    """Both arrays have a step axis, one dtype and one per-step shape: their distance is defined."""
    return d.ndim >= 1 and a.ndim >= 1 and d.shape[1:] == a.shape[1:] and d.dtype == a.dtype


def _elementwise(d, a):
    """(ULP, |diff|) of two arrays of one shape and dtype, flattened per leading axis."""
    ulp = ulp_distance(d, a).reshape(len(d), -1) if d.size else np.zeros((len(d), 0))
    wide = np.complex128 if d.dtype.kind == "c" else np.float64  # |a - b| of complex: its modulus
    with np.errstate(invalid="ignore", over="ignore"):
        diff = np.abs(d.astype(wide) - a.astype(wide)).reshape(ulp.shape)
    diff[ulp == 0] = 0.0
    diff[np.isinf(ulp)] = np.inf
    return ulp, diff


def _field(d, a):
    n = min(len(d), len(a))
    ulp, diff = _elementwise(d[:n], a[:n])
    worst_ulp, worst_abs = ulp.max(axis=1, initial=0.0), diff.max(axis=1, initial=0.0)
    extra = max(len(d), len(a)) - n  # a run that stopped early (or ran on) differs at each extra step
    worst_ulp = np.concatenate([worst_ulp, np.full(extra, np.inf)])
    worst_abs = np.concatenate([worst_abs, np.full(extra, np.inf)])
    differing = np.nonzero(worst_ulp > 0)[0]
    return {"steps_tf1": len(d), "steps_tf2": len(a),
            "first_step": int(differing[0]) + 1 if len(differing) else None,
            "max_ulp": [float(x) for x in worst_ulp], "max_abs": [float(x) for x in worst_abs]}


def distances(desired, actual):
    """Per field both traces have and can be compared: the largest ULP and |diff| at each step,
    and the first step (1-based) that differs, or None."""
    found = {}
    for field in desired:
        if field in actual:
            d, a = np.asarray(desired[field]), np.asarray(actual[field])
            if comparable(d, a):
                found[field] = _field(d, a)
    return found


def recorded_once(desired, actual):
    """The fields both traces record once where the TF1 run has more steps: a value at the end
    (or a final evaluation), whose "step 1" is not the run's first step."""
    longest = max((len(v) for v in map(np.asarray, desired.values()) if v.ndim), default=0)
    return [f for f in desired if f in actual and longest > 1
            and np.ndim(desired[f]) and np.ndim(actual[f]) and len(desired[f]) == len(actual[f]) == 1]


def finals(desired, actual):
    """(fields compared, [final difference]) over the fields both traces have with values: a final
    difference is {"field", "index" (None for a scalar), "tf1", "tf2" (the element of largest |diff|
    in the last recorded values, as text its dtype prints: float32 the shortest digits that
    round-trip), "ulp", "abs", "differing", "elements"}."""
    compared, found = 0, []
    for field in desired:
        d, a = (np.asarray(t.get(field)) for t in (desired, actual))
        if field not in actual or not comparable(d, a) or not len(d) or not len(a) or not d[-1].size:
            continue
        compared += 1
        ulp, diff = (x.ravel() for x in _elementwise(d[-1][None], a[-1][None]))
        if not ulp.any():
            continue
        worst = int(np.argmax(np.where(np.isnan(diff), np.inf, diff)))
        index = [int(i) for i in np.unravel_index(worst, d.shape[1:])] if d.ndim > 1 else None
        where = (-1,) + tuple(index or ())
        found.append({"field": field, "index": index, "tf1": str(d[where]), "tf2": str(a[where]),
                      "ulp": float(ulp[worst]), "abs": float(diff[worst]),
                      "differing": int(np.count_nonzero(ulp)), "elements": int(ulp.size)})
    return compared, found


def final_line(compared, found, mode):
    """The report's line: every field whose final value differs (up to ``LISTED``), both values."""
    if not found:
        return f"final values: all {compared} fields compared are bit-identical at the end"
    items = []
    for n, one in enumerate(found[:LISTED]):
        name = one["field"] + (f"[{', '.join(map(str, one['index']))}]" if one["index"] is not None else "")
        values = f"{one['tf1']} (TF1) vs {one['tf2']} ({mode})" if n == 0 else f"{one['tf1']} vs {one['tf2']}"
        spread = f" (largest |diff|; {one['differing']} of {one['elements']} elements differ)" if one["elements"] > 1 else ""
        items.append(f"{name} {values}{spread}")
    more = f"; and {len(found) - LISTED} more (all in --json)" if len(found) > LISTED else ""
    return f"final values that differ ({len(found)} of {compared} fields): {'; '.join(items)}{more}"
