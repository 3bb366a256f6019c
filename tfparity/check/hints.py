"""Hints that point at the usual porting slips, read off the shape of a difference.

``suspects(desired, actual, verdict)`` looks at where the first difference is and how it looks:
- every step equal to the TF1 value one step earlier or later: read before vs after the update;
- a loss-like field (its name contains "loss") a whole multiple (or fraction) of TF1's at the first
  step: the loss reduction (a sum for a mean: the batch size);
- the loss differing from the first step on: the forward pass is fed other values (initial values
  not taken from the shared inputs, another model);
- the loss equal at the first step but the updated values far apart: the step size (learning rate);
- the same, but ULPs apart: the update rule rounds differently (an optimizer namesake, float64
  inside the step).
Each hint names its page in the guide. Thresholds are relative distances at the first differing step.
"""
import numpy as np

# Below this relative distance a first difference is rounding, not a different formula: one
# float32 ULP is 6e-8 relative, and the false friends measured differ by up to ~1e-5 at step 1.
ROUNDING = 1e-4
# A ratio counts as whole when it is this close, relatively, to an integer of at least 2.
WHOLE = 1e-4
GUIDE = "docs/"  # the pages, as named in this project (docs/README.md is the index)
PAGES = {"read": "porting.md#hints", "reduction": "false_friends.md", "inputs": "porting.md#hints",
         "rate": "porting.md#hints", "rule": "false_friends.md"}
TEXT = {
    "read": "every step equals TF1's value one step {direction}: the trace is read {when} the update",
    "reduction": "{field} is {ratio:.6g}x TF1's at step 1: the loss reduction differs (a sum for "
                 "a mean, or a mean for a sum, over a batch of that size)",
    "inputs": "{field} differs from step 1 on: the forward pass gets other values (initial values not "
              "from the shared inputs, another model or input order)",
    "rate": "the loss agrees at step {step} but {field} is off by a relative {rel:.2g} after the update: "
            "the step size (learning rate) or the update rule differs",
    "rule": "the loss agrees at step {step} but {field} differs by rounding ({ulp:g} ULP): the update "
            "rule rounds differently (an optimizer namesake such as Keras Adam or SGD momentum for "
            "tf1.train's, or float64 arithmetic inside the step)",
}


def _float(trace):
    return {f: np.asarray(v, np.float64) for f, v in trace.items()}


def _shifted(desired, actual):
    """'earlier' or 'later' when every field of actual equals desired shifted by one step."""
    if min(len(v) for v in desired.values()) < 3:
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


def suspects(desired, actual, verdict):
    """Hint lines for a mode that differs (none for a dtype, shape or missing-field verdict)."""
    place = verdict.first_difference
    if place is None or place.get("kind") or not all(f in actual for f in desired):
        return []
    if any(np.iscomplexobj(v) for v in (*desired.values(), *actual.values())):
        return []  # the hints read real values: a ratio, a relative distance
    desired, actual = _float(desired), _float(actual)
    found, step = [], place["step"]
    direction = _shifted(desired, actual)
    if direction:
        found.append(("read", {"direction": direction, "when": "before" if direction == "earlier" else "after"}))
    losses = [f for f in desired if "loss" in f and len(desired[f]) == len(actual[f]) and desired[f].size]
    for field in losses:
        ratio = _whole_ratio(float(np.ravel(desired[field][0])[0]), float(np.ravel(actual[field][0])[0]))
        if ratio is not None:
            found.append(("reduction", {"field": field, "ratio": ratio}))
    first = {f: (desired[f][step - 1], actual[f][step - 1]) for f in desired
             if min(len(desired[f]), len(actual[f])) >= step}  # a step one trace lacks is no evidence
    loss_equal = all(np.array_equal(*first[f]) for f in losses if f in first)
    if not found and losses and not loss_equal and step == 1:
        found.append(("inputs", {"field": losses[0]}))
    if not found and losses and loss_equal and place["field"] not in losses and place["field"] in first:
        d, a = first[place["field"]]
        rel = float(np.max(np.abs(d - a) / np.maximum(np.abs(d), np.finfo(np.float32).tiny)))
        kind = "rule" if rel < ROUNDING else "rate"
        found.append((kind, {"step": step, "field": place["field"], "rel": rel, "ulp": place["ulp"]}))
    return [f"{TEXT[kind].format(**values)} (see {GUIDE}{PAGES[kind]})" for kind, values in found]
