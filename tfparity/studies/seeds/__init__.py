"""Accuracy targets against the seed-to-seed spread: docs/seeds.md from docs/results/seeds.json.

Parity is not correctness: an example built to reach a test accuracy is checked against that
target, and one seed's run says little when seeds differ by as much as the margin. A study:
``measure()`` runs each example's TF1 Session twin over SEEDS seeds, in a fresh process per oneDNN
setting; ``render(folder)`` writes the page. The example's own page reads the same record through
``PUBLISHED`` (its ``distribution`` is this study's NAME; ``tfparity.render.published``).
"""
import numpy as np

from tfparity.core import fresh, records
from tfparity.core.files import write_atomic
from tfparity.core.harness import load
from tfparity.core.jsonio import jsonable
from tfparity.core.machine import ONEDNN_SETTINGS, describe, fingerprint
from tfparity.core.paths import NOTES
from tfparity.render.pages import GENERATED, table
from tfparity.render.published import declared, lowest_to_highest

NAME = "seeds"  # the record's and the page's name
# The examples with a target: the convnet's is at least 0.99 after its three epochs.
EXAMPLES = ("convnet",)
# Five seeds: a full run each (60,000 images, three epochs), the whole study a few minutes on 2 cores.
SEEDS = range(5)


def accuracies(name, seeds, **sizes):
    """In this process: the Session twin's test accuracy after every epoch, a list per seed."""
    data, tf1_twin, _ = load(name)
    return {"machine": fingerprint(),
            "test_accuracy": [tf1_twin.run(data.make_inputs(seed, **sizes))["test_accuracy"].tolist() for seed in seeds]}


def summary(values, target):
    """The first seed's value, median and range over the seeds, and how many fell short of the
    target (a seed that reaches it exactly has reached it)."""
    values = np.asarray(values, np.float64)
    return dict(lowest_to_highest(values), first=values[0], below=int(np.sum(values < target)))


def study(name, seeds=SEEDS, **sizes):
    """Every setting's runs, and a summary per row of the example's PUBLISHED (a row's ``variant``
    is the setting; its value is the test accuracy after the row's ``step``-th epoch)."""
    runs = {label: fresh.call(f"{__name__}:accuracies", {"name": name, "seeds": list(seeds), **sizes}, environment)
            for label, environment in ONEDNN_SETTINGS.items()}  # oneDNN changes the rounding: both
    at = lambda row: [run[row["step"] - 1] for run in runs[row["variant"]]["test_accuracy"]]
    return {"seeds": len(seeds), "sizes": sizes, "measured": runs,
            "rows": {row["what"]: summary(at(row), row["printed"]) for row in declared(name)["rows"]}}


def measure(names=EXAMPLES, seeds=SEEDS, **sizes):
    return jsonable({"example": NAME, "machine": fingerprint(),
                     "examples": {name: study(name, seeds, **sizes) for name in names}})


def page(record, notes):
    parts = [notes.strip(), GENERATED]
    for name, found in record["examples"].items():
        parts += [f"## [`{name}`]({name}.md): the TF1 Session's test accuracy after each epoch"]
        for label, run in found["measured"].items():
            rows = [[str(seed)] + [f"{a:.4f}" for a in accuracy] for seed, accuracy in enumerate(run["test_accuracy"])]
            parts += [f"{label}: measured on {describe(run['machine'])}.",
                      table(["seed"] + [f"epoch {e + 1}" for e in range(len(rows[0]) - 1)], rows)]
        parts += [table(["what", "median (lowest to highest)", "seeds below the target"],
                        [[what, f"{s['median']:.4f} ({s['low']:.4f} to {s['high']:.4f})",
                          f"{s['below']} of {s['n']}"] for what, s in found["rows"].items()])]
    return "\n\n".join(parts) + "\n"


def render(folder):
    if records.record_path(folder, NAME).exists():
        write_atomic(folder / f"{NAME}.md", page(records.load_plain(folder, NAME), (NOTES / f"{NAME}.md").read_text()))
