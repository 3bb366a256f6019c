"""Data-parallel training measured: docs/distributed.md from docs/results/distributed.json.

A study: ``render(folder)`` writes the page. It has no ``measure``: timing every variant and
planting every fault takes tens of minutes on two shared cores, so ``python -m tfparity.studies.distributed``
measures it into docs/ (``measure_all``, each part in a fresh process, ``runs.py``), as ``tfparity
bench --docs`` does for its page, not ``tfparity docs``, which re-renders it.
"""
from tfparity.core import fresh, records
from tfparity.core.files import write_atomic
from tfparity.core.machine import ONEDNN_SETTINGS, describe
from tfparity.core.paths import NOTES
from tfparity.render.pages import GENERATED, table

NAME = "distributed"
FAULTS = ("worker exits mid-run", "port already taken", "worker never joins")
LABELS = {"tf1_one_device": "1 device (TF1 Session)", "tf2_one_device": "1 device (TF2, tf.function)",
          "tf1_graph": "TF1 towers, 2 CPU devices", "tf2_eager": "Mirrored, 2 logical CPUs, eager",
          "tf2_function": "Mirrored, 2 logical CPUs, step as tf.function",
          "tf2_loop": "Mirrored, 2 logical CPUs, epoch as one tf.function",
          "tf2_xla": "Mirrored, each replica's step under XLA", "tf2_multiworker": "MultiWorkerMirrored, 2 local worker processes"}
MACHINES = (2, 4, 8, 16)


def call(function, environment=None, **kwargs):
    return fresh.call(f"tfparity.studies.distributed.runs:{function}", kwargs, environment)


def measure_all(progress=lambda line: None):
    from tfparity.core.machine import fingerprint
    from tfparity.studies.distributed.runs import VARIANTS
    record = {"example": NAME, "machine": fingerprint(), "parity": {}, "timing": {}, "faults": {}}
    for label, environment in ONEDNN_SETTINGS.items():
        for how in ("batch", "halves"):
            progress(f"parity, {label}, one device summed per {how}")
            record["parity"][f"{label}, one_device_sum={how}"] = call("distances", environment, one_device_sum=how)
    progress("pitfall")
    record["pitfall"] = call("pitfall")
    record["parity_updates"] = next(iter(record["parity"].values()))["updates"]
    for mode in VARIANTS:
        progress(f"timing {mode}")
        record["timing"][mode] = call("time_variant", mode=mode)
    for name in FAULTS:
        progress(f"fault: {name}")
        record["faults"][name] = call("fault", name=name)
    return record


def scaling(record):
    """Bytes each worker sends per step for N machines (ring all-reduce), by calculation: one all-reduce
    moves every parameter's float32 gradient, and a ring sends 2(N-1)/N of it per worker."""
    from shared_data.mlp import PARAMETER_COUNT  # data_parallel trains the mlp's network
    gradient_bytes = 4 * PARAMETER_COUNT
    return table(["machines N", "per-replica batch (global 32)", "bytes sent per worker per step (ring)"],
                 [[n, f"{32 / n:g}", f"{2 * (n - 1) / n * gradient_bytes:,.0f}"] for n in MACHINES])


def page(record):
    notes = (NOTES / f"{NAME}.md").read_text().split("<!-- measured -->")
    parts = [notes[0].strip(), GENERATED, f"Measured on {describe(record['machine'])}."]
    for setting, found in record["parity"].items():
        modes = list(found["against one device"])
        parts += [f"### Parity, {setting} (first {found['updates']} updates of the default run)",
                  table(["variant", "against one device", "against the TF1 towers"],
                        [[LABELS[m], found["against one device"][m], found["against the TF1 towers"][m]] for m in modes])]
    pit = record["pitfall"]
    columns = list(next(iter(pit.values())))
    parts += [f"### Pitfall: the loss averaged per replica (first {record['parity_updates']} updates)",
              table(["port"] + columns, [[k] + [v[c] for c in columns] for k, v in pit.items()])]
    one = record["timing"]["tf1_one_device"]["per_step_s"]
    parts += ["### Time per global step (32 images; median of the slopes, min–max)",
              table(["variant", "per global step", "ratio to 1 device"],
                    [[LABELS[m], f"{t['per_step_s'] * 1e3:.3g} ms ({t['min_s'] * 1e3:.3g}–{t['max_s'] * 1e3:.3g})",
                      f"{t['per_step_s'] / one:.3g}"] for m, t in record["timing"].items()])]
    parts += ["### Faults (each in a fresh process; the tests check that no worker is left)",
              table(["fault", "reported as", "seconds to fail"],
                    [[k, f"`{v['message']}`", f"{v['seconds']:.1f}" + (f" (timeout {v['timeout_s']} s)" if "timeout_s" in v else "")]
                     for k, v in record["faults"].items()])]
    parts += ["### N machines, by calculation", scaling(record)]
    if len(notes) > 1:
        parts.append(notes[1].strip())
    return "\n\n".join(parts) + "\n"


def render(folder):
    if records.record_path(folder, NAME).exists():
        write_atomic(folder / f"{NAME}.md", page(records.load_plain(folder, NAME)))
