"""Hints that point at the usual porting slips, read off the shape of a difference.

``suspects(desired, actual, verdict)`` finds the first step at which a field recorded at every
step differs, which fields differ there and which agree, and reads:
- every step equal to the TF1 value one step earlier or later: read before vs after the update;
- a loss-like field (its name contains "loss") a whole multiple (or fraction) of TF1's at step 1:
  the loss reduction (a sum for a mean: the batch size);
- the loss differing where the weights (arrays per step) agree: the forward pass gets other values
  (initial values not taken from the shared inputs, another model or input order), wherever the
  loss is read;
- the loss agreeing where the other fields differ: the loss was computed before the update that
  made them differ, so the update differs. Far apart: the step size (learning rate). By rounding,
  in every field: the update rule (an optimizer namesake, float64 inside the step). By rounding in
  some fields while other weights (arrays per step) are bit-identical: not the optimizer, which
  rounds every field it updates alike, but the gradient of those fields (a reformulated layer,
  such as a stock Keras LSTM);
- the loss and other fields differing from the same step: a loss read before the update says the
  forward pass, one read after it says the update, and the traces cannot tell which (a loss far
  apart beside fields only rounding apart is the forward pass either way), so the hint names both;
  likewise when no weight is recorded beside the loss;
- only fields recorded once (at the end of a run that has more steps) differing: said to differ
  at the end, never "at step 1".
Each hint names its page in the guide. Distances are relative to the largest |TF1 value| of the
field at the first differing step (a weight near zero makes an elementwise ratio meaningless).
"""
import numpy as np

from tfparity.check import fields

# Below this relative distance a first difference is rounding, not a different formula: one
# float32 ULP is 6e-8 relative, and the false friends measured differ by up to ~1e-5 at step 1.
ROUNDING = 1e-4
# A ratio counts as whole when it is this close, relatively, to an integer of at least 2.
WHOLE = 1e-4
# A hint names at most this many fields, then "and N more": the fields' names, not a list to read.
NAMED = 3
GUIDE = "docs/"  # the pages, as named in this project (docs/README.md is the index)
PAGES = {"read": "porting.md#hints", "reduction": "false_friends.md", "inputs": "porting.md#hints",
         "rate": "porting.md#hints", "rule": "false_friends.md", "layer": "porting.md#hints",
         "either": "porting.md#hints", "loss only": "porting.md#hints", "end": "porting.md#hints"}
TEXT = {
    "read": "every step equals TF1's value one step {direction}: the trace is read {when} the update",
    "reduction": "{field} is {ratio:.6g}x TF1's at step 1: the loss reduction differs (a sum for "
                 "a mean, or a mean for a sum, over a batch of that size)",
    "inputs": "{field} differs from step {step} on while {others}: the forward pass gets other "
              "values (initial values not from the shared inputs, another model or input order)",
    "rate": "the loss agrees at step {step} but after the update {field} {be} off by a relative {rel:.2g}: "
            "the step size (learning rate) or the update rule differs",
    "rule": "the loss agrees at step {step} but after the update every other field ({field}) is rounding "
            "apart ({ulp:g} ULP): the update rule rounds differently (an optimizer namesake such as Keras Adam "
            "or SGD momentum for tf1.train's, or float64 arithmetic inside the step; with tf1.train's "
            "exact rule already in place, a layer computed another way, such as a stock Keras LSTM)",
    "layer": "at step {step} the loss and {same} are bit-identical, but not {field} ({ulp:g} ULP apart after "
             "the update): an optimizer rounds every field it updates alike, so look at the gradient of "
             "these: a layer computed another way (a stock Keras LSTM or GRU for a hand-written cell: "
             "fused gates, another order of sums)",
    "either": "{loss} and {field} both differ from step {step}: if {loss} is recorded before the update, "
              "the forward pass gets other values (initial values not from the shared inputs, another "
              "model or input order); if after it, the update differs ({field} is off by a relative "
              "{rel:.2g}: {update})",
    "loss only": "{field} differs from step {step} on and no weight (an array per step) is recorded beside "
                 "it: if it is recorded before the update, the forward pass gets other values (initial values not "
                 "from the shared inputs, another model or input order); if after it, the update may "
                 "differ; record a weight too to tell them apart",
    "end": "{field} differs at the end (recorded once) while every field recorded at each step is "
           "bit-identical: look at what is computed for the end only (a final evaluation, an export) "
           "or at the last update, which no field recorded at each step shows",
}
# What the update's difference suggests, by its size (for "either").
UPDATE = {"rate": "the step size (learning rate) or the update rule",
          "rule": "an optimizer namesake, or float64 inside the step, or a layer computed another way"}


def _float(trace):
    return {f: np.asarray(v, np.float64) for f, v in trace.items()}


def _shifted(desired, actual):
    """'earlier' or 'later' when every field of actual equals desired shifted by one step."""
    if not desired or min(len(v) for v in desired.values()) < 3:
        return None
    params = [f for f in desired if "loss" not in f] or list(desired)
    for shift, word in ((1, "earlier"), (-1, "later")):
        pairs = [(desired[f][:-1], actual[f][1:]) if shift == 1 else (desired[f][1:], actual[f][:-1])
                 for f in params]
        if all(np.array_equal(d, a) for d, a in pairs):
            return word
    return None


def _whole_ratio(d, a):
    """a / d when it (or d / a) is a whole number of at least 2, else None."""
    if d == 0 or a == 0 or not (np.isfinite(d) and np.isfinite(a)):
        return None
    ratio = a / d
    whole = max(ratio, 1 / ratio)
    return float(ratio) if whole >= 2 - WHOLE and abs(whole - round(whole)) <= WHOLE * whole else None


def _names(names):
    shown = ", ".join(names[:NAMED])
    return shown + (f" and {len(names) - NAMED} more" if len(names) > NAMED else "")


def _agree(names):
    return f"{_names(names)} {'agrees' if len(names) == 1 else 'agree'} there"


def _relative(desired, distance, field, step):
    """The largest |diff| of ``field`` at ``step``, relative to its largest |TF1 value| there."""
    scale = float(np.max(np.abs(desired[field][step - 1]), initial=0.0))
    return distance[field]["max_abs"][step - 1] / max(scale, np.finfo(np.float32).tiny)


def suspects(desired, actual, verdict):
    """Hint lines for a mode that differs (none for a dtype, shape or missing-field verdict)."""
    place = verdict.first_difference
    if place is None or place.get("kind") or not all(f in actual for f in desired):
        return []
    if any(np.iscomplexobj(v) for v in (*desired.values(), *actual.values())):
        return []  # the hints read real values: a ratio, a relative distance
    distance, once = fields.distances(desired, actual), fields.recorded_once(desired, actual)
    desired_kind = {f: np.asarray(v).dtype.kind for f, v in desired.items()}
    stepped = [f for f in distance if f not in once]
    first = {f: distance[f]["first_step"] for f in stepped if distance[f]["first_step"]}
    if not first:
        ended = [f for f in once if distance[f]["first_step"]]
        return [_line("end", field=_names(ended))] if ended else []
    desired, actual = _float({f: desired[f] for f in stepped}), _float({f: actual[f] for f in stepped})
    step = min(first.values())
    found = []
    direction = _shifted(desired, actual)
    if direction:
        found.append(("read", {"direction": direction, "when": "before" if direction == "earlier" else "after"}))
    losses = [f for f in stepped if "loss" in f and len(desired[f]) == len(actual[f]) and desired[f].size]
    for field in losses:
        ratio = _whole_ratio(float(np.ravel(desired[field][0])[0]), float(np.ravel(actual[field][0])[0]))
        if ratio is not None:
            found.append(("reduction", {"field": field, "ratio": ratio}))
    if found:
        return [_line(kind, **values) for kind, values in found]
    # A field one trace lacks at this step is no evidence of what differs there.
    present = [f for f in stepped if min(len(desired[f]), len(actual[f])) >= step]
    differ = [f for f in present if first.get(f) == step]
    same = [f for f in present if f not in differ]
    loss_differ, loss_same = [f for f in differ if f in losses], [f for f in same if f in losses]
    other_differ, other_same = [f for f in differ if f not in losses], [f for f in same if f not in losses]
    if not losses or not differ:
        return []
    rel = {f: _relative(desired, distance, f, step) for f in differ}
    # A count or label (integers: equal or not, inf apart) says nothing of how far the update moved.
    floats = [f for f in other_differ if desired_kind[f] in "fc"] or other_differ
    worst = max(floats, key=rel.get) if other_differ else None
    ulp = max((distance[f]["max_ulp"][step - 1] for f in other_differ), default=0.0)
    # A weight (an array per step) that agrees is evidence: the update left it equal. A scalar per
    # step (an accuracy, a learning rate) may be no field the update writes, and is none.
    weights = [f for f in other_same if desired[f].ndim > 1]
    if loss_differ and not other_differ:
        kind, values = ("inputs", {"others": _agree(weights)}) if weights else ("loss only", {})
        found.append((kind, dict(values, field=_names(loss_differ), step=step)))
    elif loss_same and other_differ:
        kind = "rate" if rel[worst] >= ROUNDING else ("layer" if weights else "rule")
        found.append((kind, {"step": step, "field": _names(other_differ), "same": _names(weights),
                             "be": "is" if len(other_differ) == 1 else "are",
                             "rel": rel[worst], "ulp": ulp}))
    elif loss_differ and other_differ:
        loss = max(loss_differ, key=rel.get)
        if rel[loss] >= ROUNDING > rel[worst]:  # rounding in the weights cannot move the loss that far
            found.append(("inputs", {"field": _names(loss_differ), "step": step,
                                     "others": f"{_names(other_differ)} are only rounding apart"}))
        else:
            found.append(("either", {"loss": _names(loss_differ), "field": worst, "step": step, "rel": rel[worst],
                                     "update": UPDATE["rate" if rel[worst] >= ROUNDING else "rule"]}))
    return [_line(kind, **values) for kind, values in found]


def _line(kind, **values):
    return f"{TEXT[kind].format(**values)} (see {GUIDE}{PAGES[kind]})"
