"""The float64 confirmation of a local difference: the port's one update run again on the inputs and
states cast to float64 (its own mathematics, with little rounding) says whether the TF1 update is
rounding of the same mathematics. It is when the TF1 update lands as near the float64 one as a small
multiple of the port's own float32 rounding of it; a slip puts it far away (the port's float64 update
carries the slip, the TF1 one does not), and so does arithmetic the port does in float64 where TF1
rounds to float32 (its float32 result then sits on the float64 one, the TF1 update does not).
The local layers of the examples (``tfparity.core.harness``) and of ``tfparity check --step``
(``tfparity.check.local``) confirm every difference they allow this way."""
from collections.abc import Mapping

import numpy as np

# How far, in multiples of the port's own float32 rounding (at least one ULP of each field's
# largest value), the TF1 update may land from the port's float64 update and still be rounding of
# the same mathematics: the TF1 program may round worse than the port (a fused cross-entropy is
# the more accurate of the two), never by orders of magnitude, which is what a slip does.
ROUNDING_FACTOR = 16


def as_float64(tree):
    """``tree`` ({name: value}) with its float32 arrays and scalars as float64."""
    if not isinstance(tree, Mapping):
        return tree
    return {name: value.astype(np.float64) if isinstance(value, (np.ndarray, np.floating)) and value.dtype == np.float32
            else value for name, value in tree.items()}


def _rounding(values, reference, series=False):
    """Each row's largest distance of ``values`` from ``reference`` in float32 ULPs of the row's
    largest TF1 magnitude (``values`` float64-able, rows the checked updates); ``series``: of the
    field's largest over all rows, as ``compare.field_scaled`` counts a per-update loss."""
    rows = len(reference)
    largest = np.abs(np.asarray(values, np.float64).reshape(rows, -1)).max(axis=1, initial=0.0)
    if series:
        largest = np.full_like(largest, largest.max(initial=0.0))
    distance = np.abs(np.asarray(values, np.float64) - reference).reshape(rows, -1).max(axis=1, initial=0.0)
    return distance / np.spacing(largest.astype(np.float32)).astype(np.float64)


def confirm(desired, actual, exact, steps, series=()):
    """Whether the TF1 updates (``desired``, traces whose i-th row is update ``steps[i]``) are rounding
    of the port's mathematics, given the port's float32 updates (``actual``) and its float64 ones
    (``exact``). {"ok", "tf1", "port": the worst distances from it in ULPs of each field's largest
    value (over all updates for the fields in ``series``, the per-update loss), "field", "step" where
    the ratio is worst, "detail": one line}; not ok, with the reason, where the port did not compute
    in float64."""
    # A field the port keeps in float32 whatever its inputs (TF1's Adam powers) needs no confirmation
    # where its float32 update is TF1's bit for bit; elsewhere the port must compute in float64.
    narrow = [name for name in desired if name in exact and np.asarray(exact[name]).dtype != np.float64
              and not (name in actual and np.array_equal(desired[name], actual[name]))]
    if narrow:
        return {"ok": False, "detail": f"cannot be checked in float64: on float64 inputs the port's step_from "
                                       f"returned {', '.join(narrow[:3])} in {np.asarray(exact[narrow[0]]).dtype} "
                                       "(build its variables from the inputs' dtype)"}
    worst = {"ratio": -1.0}
    for name in desired:
        if name not in exact or name not in actual or np.asarray(exact[name]).dtype != np.float64:
            continue
        reference = np.asarray(exact[name], np.float64)
        tf1, port = (_rounding(values, reference, name in series) for values in (desired[name], actual[name]))
        ratio = tf1 / np.maximum(port, 1.0)
        row = int(np.argmax(ratio))
        if ratio[row] > worst["ratio"]:
            worst = {"ratio": float(ratio[row]), "tf1": float(tf1[row]), "port": float(port[row]),
                     "field": name, "step": steps[row]}
    if worst["ratio"] < 0:
        return {"ok": False, "detail": "cannot be checked in float64: no float field in common"}
    ok = worst["ratio"] <= ROUNDING_FACTOR
    where = f"at update {worst['step']}, field {worst['field']}:"
    detail = (f"{where} the TF1 update is {worst['tf1']:.3g} ULP from the port's update in float64, the port's own "
              f"float32 {worst['port']:.3g}: " + ("rounding of the same mathematics" if ok else
                                                   f"more than {ROUNDING_FACTOR}x the port's rounding: not the same mathematics"))
    return dict(worst, ok=ok, detail=detail)
