"""The decoupled RNN with and without the original's flaws, over several seeds.

Each variant is the example's own option (``shared_data.decoupled_rnn``: ``flaws``, ``order``,
``lr_autodiff``), run by the TF2 twin's whole loop per epoch; the tests prove every variant's
twins agree bit for bit. A variant's record is each seed's test accuracy after every epoch and its
last epoch's mean loss, per method.
"""
import numpy as np

from tfparity.core.harness import load
from tfparity.render.published import lowest_to_highest

METHODS = ("synthetic", "autodiff")


def variant(options, seeds, **sizes):
    """Per method: every seed's test accuracy per epoch (seeds × epochs) and last epoch's loss."""
    data, _, twin = load("decoupled_rnn")
    found = {method: {"test_accuracy": [], "epoch_loss": []} for method in METHODS}
    for seed in seeds:
        trace = twin.run_loop(data.make_inputs(seed, **options, **sizes))
        for method in METHODS:
            found[method]["test_accuracy"].append(trace[f"{method}/test_accuracy"])
            found[method]["epoch_loss"].append(trace[f"{method}/epoch_loss"][-1])
    return {method: {k: np.array(v) for k, v in fields.items()} for method, fields in found.items()}


def study(seeds, rows, variants, **sizes):
    """Every variant over ``seeds``; then the summaries the example's PUBLISHED rows name (a row's
    ``variant``, "ours" by default, and its ``field``: method/test_accuracy after the last epoch)."""
    measured = {name: variant(options, seeds, **sizes) for name, options in variants.items()}
    final = lambda name, field: measured[name][field.split("/")[0]]["test_accuracy"][:, -1]
    return {"seeds": len(seeds), "sizes": sizes, "variants": {name: dict(options) for name, options in variants.items()},
            "measured": measured,
            "rows": {row["what"]: lowest_to_highest(final(row.get("variant", "ours"), row["field"]))
                     for row in rows if row.get("variant", "ours") in measured}}
