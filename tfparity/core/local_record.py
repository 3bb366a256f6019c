"""The local layer measured and recorded: each mode's largest error over one update taken from the
Session's own state (``harness.local_layer``), at every update ``harness.local_step`` names, under
this process's oneDNN setting. An example's local ``BOUNDS`` cite this record, and
``parity_tests/test_local_steps.py`` holds each bound to it: the smallest power of two at or above
twice the largest measurement (a factor of two for batches not measured), in ULPs at each field's
largest value (``compare.field_scaled``).

    TF_ENABLE_ONEDNN_OPTS=1 python -m tfparity.core.local_record EXAMPLE
    TF_ENABLE_ONEDNN_OPTS=0 python -m tfparity.core.local_record EXAMPLE

Each run replaces its example's entry for its setting in docs/results/local_steps.json and keeps the rest.
"""
import json
import sys

from tfparity.core import harness
from tfparity.core.compare import compare
from tfparity.core.jsonio import dumps, jsonable, write_atomic
from tfparity.core.machine import fingerprint, onednn_active
from tfparity.core.modes import ALL_MODES, REFERENCE
from tfparity.core.paths import ROOT

RECORD = ROOT / "docs" / "results" / "local_steps.json"
# What is measured: each of the example's LOCAL_SETTINGS (make_inputs options, in its data module)
# over these seeds.
SEEDS = (0, 1, 2)


def setting():
    return "onednn on" if onednn_active() else "onednn off"


def measure(name, seed=0, **options):
    """{mode: {"scaled_ulp", "ulp", "abs", "at", "updates"}}: each mode's largest local error in
    ULPs at the field's largest value, in plain ULPs, absolutely, where the first is reached
    (update and field), and the updates checked; the reference's control ("tf1_graph") included."""
    data, *twins = harness.load(name)
    inputs = data.make_inputs(seed, **options)
    on_step, kept = harness.state_keeper(twins)
    reference = harness.run_mode(twins, REFERENCE, inputs, on_step=on_step)
    modes = [REFERENCE] + [m for m in ALL_MODES[1:] + harness.declared_modes(data) if harness.step_from(twins, m)]
    found = {}
    for mode, (desired, actual, steps) in harness.local_layer(twins, inputs, modes, kept, harness.loss_series(reference, data)).items():
        series = tuple(harness.loss_series(desired, data))
        scaled, plain = compare(desired, actual, scaled=True, series=series), compare(desired, actual)
        worst = max(((f, harness.at_updates(compare({f: desired[f]}, {f: actual[f]}, scaled=True, series=series), steps))
                     for f in desired), key=lambda pair: pair[1].max_ulp)
        found[mode] = {"scaled_ulp": scaled.max_ulp, "ulp": plain.max_ulp, "abs": scaled.max_abs,
                       "at": {"field": worst[0], "update": (worst[1].first_difference or {}).get("step")}
                       if scaled.max_ulp else None, "updates": steps}
    return found


def load():
    return json.loads(RECORD.read_text()) if RECORD.exists() else {}


def worst(name):
    """Each mode's largest local error over SEEDS and the example's LOCAL_SETTINGS, with where it was met
    ("seed", "options"): a record entry's "modes"."""
    found = {}
    for options in harness.load(name)[0].LOCAL_SETTINGS:
        for seed in SEEDS:
            for mode, measured in measure(name, seed, **options).items():
                if mode not in found or measured["scaled_ulp"] > found[mode]["scaled_ulp"]:
                    found[mode] = dict(measured, seed=seed, options=options)
    return found


def main(names):
    record = load()
    for name in names:
        entry = {"machine": fingerprint(), "seeds": list(SEEDS), "settings": list(harness.load(name)[0].LOCAL_SETTINGS),
                 "modes": worst(name)}
        record.setdefault(name, {})[setting()] = entry
        print(f"{name}, {setting()}: " + "; ".join(f"{m} {v['scaled_ulp']:g} ULP at the field's largest value "
                                                   f"({v['ulp']:g} ULP, |diff| {v['abs']:.3g})"
                                                   for m, v in entry["modes"].items()))
    write_atomic(RECORD, dumps(jsonable(record)) + "\n")


if __name__ == "__main__":
    main(sys.argv[1:])
