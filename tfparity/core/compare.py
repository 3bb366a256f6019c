"""The one comparison function: two traces in, a verdict out (bit-identical / max ULP / mismatch).

A trace is ``{field: array}`` whose first axis is the update step. ``desired`` is the reference
(the TF1 Session run), as in numpy.testing. A place passes when it is within ``tolerance`` ULP or
within ``atol`` absolutely (ULPs shrink to nothing where a value crosses zero). NaN against a NaN
of the same bits is equal; a NaN of other bits (sign or payload), and NaN or ±inf against anything
else, is a mismatch whatever the tolerance. -0 against +0 (equal numbers, other bits) is 1 ULP
apart, which no atol covers: a mismatch unless a ULP bound allows it. A complex value is as far as the farther of its real
and imaginary parts. Traces that compare no value (no field, or no step) are a mismatch: nothing
compared is no parity.
"""
from dataclasses import dataclass

import numpy as np

from tfparity.core import structure
from tfparity.core.modes import epochs_run

_INT = {np.dtype(np.float16): np.int16, np.dtype(np.float32): np.int32,
        np.dtype(np.float64): np.int64}


def ulp_distance(desired, actual):
    """Elementwise distance in units in the last place of the arrays' float dtype.

    Integer arrays (predicted labels) are 0 where equal and inf where not; complex arrays the
    larger distance of the real and the imaginary parts."""
    desired, actual = np.asarray(desired), np.asarray(actual)
    if desired.dtype == actual.dtype and desired.dtype.kind in "iub":  # labels: equal or not
        return np.where(desired == actual, 0.0, np.inf)
    if desired.dtype == actual.dtype and desired.dtype.kind == "c":
        return np.maximum(ulp_distance(desired.real, actual.real), ulp_distance(desired.imag, actual.imag))
    if desired.dtype != actual.dtype or desired.dtype not in _INT:
        raise TypeError(f"cannot measure ULPs between {desired.dtype} and {actual.dtype}")
    desired, actual = np.broadcast_arrays(desired, actual)
    integer = _INT[desired.dtype]
    magnitude = np.iinfo(integer).max  # all bits but the sign
    bits = [np.ascontiguousarray(x).view(integer) for x in (desired, actual)]
    # Map bit patterns to integers that order like the floats (-0 and +0 coincide here; set 1 apart below).
    ordered = [np.where(b < 0, -(b & magnitude), b).astype(np.int64) for b in bits]
    same_sign = (ordered[0] >= 0) == (ordered[1] >= 0)
    with np.errstate(over="ignore"):
        exact = np.abs(np.where(same_sign, ordered[0] - ordered[1], 0)).astype(np.float64)
    across_zero = np.abs(ordered[0].astype(np.float64)) + np.abs(ordered[1].astype(np.float64))
    distance = np.where(same_sign, exact, across_zero)
    same_nan = np.isnan(desired) & np.isnan(actual) & (bits[0] == bits[1])  # -NaN is not NaN
    special = ~(np.isfinite(desired) & np.isfinite(actual))
    same_special = same_nan | (desired == actual)
    distance[special] = np.where(same_special[special], 0.0, np.inf)
    distance[(desired == 0) & (actual == 0) & (bits[0] != bits[1])] = 1.0  # -0 is not +0, as -NaN is not NaN
    return distance


@dataclass
class Verdict:
    # "bit-identical", "within" (max_ulp <= tolerance), "mismatch", or "differs": a trajectory judged
    # by its local layer, which passed, differing while a declared cause is active (``causes``)
    status: str
    max_ulp: float
    max_abs: float
    tolerance: int
    atol: float
    first_difference: dict | None  # the earliest step that differs at all
    first_mismatch: dict | None  # the earliest step beyond the tolerance
    causes: tuple = ()  # the named causes whose bounds were allowed (tfparity/core/tolerances.py)
    after_cast: object = None  # a dtype difference: the verdict once cast to the desired dtype
    # A mode run on its first epochs only, compared with the reference's first epochs
    # (tfparity.core.harness.first_epochs): {"epochs", "of", "not_compared": the fields recorded
    # once, at the end of a run, which a shorter run cannot match}.
    partial: dict | None = None
    # A local verdict (tfparity.core.harness.local_layer): the number of updates taken from the
    # reference's own state; its places' steps are those updates.
    local: int | None = None
    scaled: bool = False  # ULPs counted at each field's largest magnitude in the step (``field_scaled``)

    @property
    def ok(self):
        return self.status != "mismatch"

    def __str__(self):
        if not self.partial:
            return self._text()
        unmatched = len(self.partial["not_compared"])
        return (f"partial, {epochs_run(self.partial['epochs'], self.partial['of'])}"
                f"{f' ({unmatched} fields recorded at the end not compared)' if unmatched else ''}: {self._text()}")

    def _text(self):
        if self.status == "bit-identical":
            return "bit-identical"
        if self.status == "within":
            return (f"max {self.max_ulp:g} ULP, max |diff| {self.max_abs:.3g}"
                    f" (allowed: {self._allowed()}; first difference at step"
                    f" {self.first_difference['step']})")
        if self.status == "differs":
            d = self.first_difference
            judged = "judged by its local steps" if self.local != 0 else "its local steps were not taken here"
            return (f"differs from step {d['step']} (field {d['field']}), max {self.max_ulp:g} ULP, max |diff| "
                    f"{self.max_abs:.3g}, as {', '.join(self.causes)} is active: {judged}")
        m = self.first_mismatch
        if m.get("kind"):
            cast = f" (after casting: {self.after_cast})" if self.after_cast else ""
            return f"MISMATCH: {structure.describe(m)}{cast}"
        if m.get("steps"):
            steps = m["steps"]
            return (f"MISMATCH at step {m['step']}, field {m['field']}: the TF2 trace has {steps['actual']} "
                    f"steps of {m['field']}, the TF1 trace {steps['desired']}")
        where = f"step {m['step']}, field {m['field']}" + (f" {m['index']}" if m.get("index") else "")
        bits = m.get("bits") or {}
        return (f"MISMATCH at {where}: desired {_short(m['desired'], m, bits.get('desired'))}, "
                f"actual {_short(m['actual'], m, bits.get('actual'))} ({m['ulp']:g} ULP; allowed: {self._allowed()})")

    def _allowed(self):
        bound = f"{self.tolerance} ULP" + (" of the field's largest value" if self.scaled else "") + (
            f" or |diff| <= {self.atol:g}" if self.atol else "")
        return bound + (f" for {', '.join(self.causes)}" if self.causes else "")

    def to_dict(self):
        return {"status": self.status, **({"local_updates": self.local} if self.local else {}), "max_ulp": self.max_ulp, "max_abs": self.max_abs,
                "tolerance_ulp": self.tolerance, "atol": self.atol,
                "first_difference": self.first_difference, "first_mismatch": self.first_mismatch,
                "causes": list(self.causes), "summary": str(self),
                "after_cast": self.after_cast and self.after_cast.to_dict(),
                **({"partial": self.partial} if self.partial else {})}


def _short(value, place, bits=None):
    """A value as its own dtype prints it (float32: the shortest digits that round-trip); a NaN
    with its bits, which tell one NaN from another."""
    if value is None:
        return "missing"
    if isinstance(value, str):  # a complex value, written as its dtype prints it
        return value
    return f"NaN (bits {bits})" if bits else str(np.dtype(place.get("dtype", "float64")).type(value))


def _bits(value):
    """The bit pattern of a NaN of a float dtype, as hex; None for anything else."""
    if value.dtype.kind != "f" or not np.isnan(value):
        return None
    unsigned = np.dtype(f"u{value.dtype.itemsize}")
    return f"0x{int(np.asarray(value).view(unsigned)):0{2 * value.dtype.itemsize}x}"


def _first(field, desired, actual, ulp, beyond):
    """The earliest place in one field where ``beyond`` (a boolean steps × elements array) holds;
    at a step one trace does not have, the place gives both traces' numbers of steps."""
    rows = np.nonzero(beyond.any(axis=1))[0]
    if not len(rows):
        return None
    step = int(rows[0])
    column = int(np.argmax(beyond[step]))
    index = np.unravel_index(column, desired.shape[1:]) if desired.ndim > 1 else ()
    values = [x[(step,) + tuple(index)] if step < len(x) else None for x in (desired, actual)]
    place = {"step": step + 1, "field": field, "index": [int(i) for i in index] or None,
             "desired": _plain(values[0]), "actual": _plain(values[1]), "ulp": float(ulp[step, column]),
             "dtype": str(desired.dtype)}
    if len(desired) != len(actual) and step >= min(len(desired), len(actual)):
        place["steps"] = {"desired": len(desired), "actual": len(actual)}
    nan_bits = [_bits(v) if v is not None else None for v in values]
    if any(nan_bits):
        place["bits"] = {"desired": nan_bits[0], "actual": nan_bits[1]}
    return place


def _plain(value):
    """One value of a trace for the place dict (and its JSON): a Python number, complex as text."""
    if value is None:
        return None
    return str(value) if value.dtype.kind == "c" else value.item()


def _earliest(current, candidate):
    if current is None or (candidate is not None and candidate["step"] < current["step"]):
        return candidate
    return current


def _distances(desired, actual):
    """(ULP, absolute) distances, steps × elements: 0 where equal (NaN against NaN included),
    inf where non-finite values differ."""
    n, elements = len(desired), int(np.prod(desired.shape[1:]))
    ulp = ulp_distance(desired, actual).reshape(n, elements)
    wide = np.complex128 if desired.dtype.kind == "c" else np.float64  # |a - b| of complex: its modulus
    with np.errstate(invalid="ignore", over="ignore"):
        diff = np.abs(desired.astype(wide) - actual).reshape(n, elements)
    diff[ulp == 0] = 0.0
    diff[np.isinf(ulp)] = np.inf
    return ulp, diff


def field_scaled(desired, actual, series=False):
    """(ULP, absolute) distances as ``_distances`` gives them, but each step's ULPs counted at the
    largest magnitude of the desired field in that step (``np.spacing`` of it): the size a sum's
    rounding has wherever its terms cancel, as in a bias gradient summed over a batch (float
    fields only; others as ``_distances``). ``series``: a field of one value per step, such as the
    per-update loss, counted at its largest magnitude over all the steps: a loss near zero is an
    output's cancellation against its target, whose rounding is the size of the terms, not its own."""
    ulp, diff = _distances(desired, actual)
    if desired.dtype.kind != "f" or not len(desired):
        return ulp, diff
    rows = np.abs(desired.reshape(len(desired), -1))
    with np.errstate(invalid="ignore"):
        largest = np.where(np.isfinite(rows), rows, 0).max(axis=1, initial=0.0)
    if series:
        largest = np.full_like(largest, largest.max(initial=0.0))
    spacing = np.spacing(largest.astype(desired.dtype)).astype(np.float64)[:, None]
    return np.where(np.isfinite(ulp), np.ceil(diff / spacing), ulp), diff


def compare(desired, actual, tolerance=0, atol=0.0, causes=(), differs=False, scaled=False, series=()):
    """Compare two traces field by field and step by step (steps are reported 1-based).

    ``causes`` names what the bound is allowed for; the verdict repeats it. ``differs`` (a trajectory
    whose bounds are local, ``tolerances.tolerance``): values beyond the bound while ``causes`` are
    active give the status "differs", judged elsewhere by the local layer. ``scaled``: count ULPs
    at each field's largest magnitude in the step (``field_scaled``), as the local layer's bounds do;
    those of the fields named in ``series`` (the per-update loss) at their largest over all steps."""
    problem = structure.first_problem(desired, actual)
    if problem:  # a field in one trace only, another shape or dtype, nothing to compare: a verdict
        cast = structure.cast_like(desired, actual) if problem["kind"] == "dtype" else None
        cast = compare(desired, cast, tolerance, atol, causes, scaled=scaled, series=series) if cast is not None else None
        return Verdict("mismatch", np.inf, np.inf, tolerance, atol, problem, problem, tuple(causes), cast)
    max_ulp, max_abs, first_difference, first_mismatch, compared = 0.0, 0.0, None, None, 0
    for field in desired:
        d, a = np.asarray(desired[field]), np.asarray(actual[field])
        n = min(len(d), len(a))
        compared += d[:n].size
        ulp, diff = field_scaled(d[:n], a[:n], field in series) if scaled else _distances(d[:n], a[:n])
        if len(d) != len(a):  # a run that stopped early (or ran on) differs at its first extra step
            ulp = np.concatenate([ulp, np.full((1, ulp.shape[1]), np.inf)])
            diff = np.concatenate([diff, np.full((1, diff.shape[1]), np.inf)])
        max_ulp = max(max_ulp, float(ulp.max(initial=0.0)))
        max_abs = max(max_abs, float(diff.max(initial=0.0)))
        first_difference = _earliest(first_difference, _first(field, d, a, ulp, ulp > 0))
        beyond = (ulp > tolerance) & ((diff > atol) | (diff == 0))  # -0 for +0: no atol covers other bits
        first_mismatch = _earliest(first_mismatch, _first(field, d, a, ulp, beyond))
    if not compared and first_mismatch is None:  # no field, or no step, or no value in a step
        nothing = structure.nothing_compared(desired)
        return Verdict("mismatch", 0.0, 0.0, tolerance, atol, nothing, nothing, tuple(causes), scaled=scaled)
    status = "bit-identical" if max_ulp == 0 and max_abs == 0 else ("within" if first_mismatch is None else "mismatch")
    if status == "mismatch" and differs and causes:
        status, first_mismatch = "differs", None
    return Verdict(status, max_ulp, max_abs, tolerance, atol, first_difference, first_mismatch,
                   tuple(causes) if status != "bit-identical" else (), scaled=scaled)


def divergence(desired, actual):
    """Per step, the largest distance over every field and element: in ULP, absolutely, and
    relative to |desired|, with the same conventions as ``compare``."""
    steps = len(next(iter(desired.values())))
    worst = {kind: np.zeros(steps) for kind in ("ulp", "abs", "rel")}
    for field in desired:
        d, a = np.asarray(desired[field]), np.asarray(actual[field])
        ulp, diff = _distances(d, a)
        with np.errstate(invalid="ignore", divide="ignore"):
            rel = np.where(diff == 0, 0.0, diff / np.abs(d.astype(np.float64)).reshape(steps, -1))
        rel[np.isinf(diff)] = np.inf  # inf / inf would be NaN
        for kind, values in (("ulp", ulp), ("abs", diff), ("rel", rel)):
            worst[kind] = np.maximum(worst[kind], values.max(axis=1, initial=0.0))
    return worst
