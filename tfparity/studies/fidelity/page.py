"""docs/fidelity.md: the notes, then each source's printed numbers in their measured distribution."""
import numpy as np

from tfparity.core.machine import describe
from tfparity.render.pages import GENERATED, table
from tfparity.render.plots import plt, save

PERCENTILES = ("low", "q1", "median", "q3", "high")


def percentile_table(study, rows):
    return table(["what", "the recipe printed", "5th", "25th", "median", "75th", "95th percentile",
                  "the printed value's percentile"],
                 [[what, repr(printed)] + [f"{study['rows'][what][k]:.4g}" for k in PERCENTILES]
                  + [f"{study['rows'][what]['printed_percentile']:.1f}"] for what, printed in rows])


def draw_recipe(name, study, printed, folder):
    """A's 5-95 and 25-75 percentile bands and median per step, the printed A marked; then every
    seed's last histogrammed value (A at the last printed step, the accuracy) with the printout."""
    histograms = study["values"]
    figure, axes = plt.subplots(1, 1 + len(histograms), figsize=(5 + 3.5 * len(histograms), 3.6))
    low, q1, median, q3, high = (np.array(b) for b in study["bands"]["A"])
    steps = np.arange(1, len(median) + 1)
    axes[0].fill_between(steps, low, high, color="tab:blue", alpha=0.2, label="5th to 95th percentile")
    axes[0].fill_between(steps, q1, q3, color="tab:blue", alpha=0.35, label="25th to 75th")
    axes[0].plot(steps, median, color="tab:blue", lw=1, label=f"median of {study['seeds']:,} seeds")
    if "other_loss" in study:
        axes[0].plot(steps, study["other_loss"]["bands"]["A"][2], color="tab:green", lw=1, ls="--",
                     label=f"median with the {study['other_loss']['options']['loss']} loss")
    marks = [(r["step"], r["printed"]) for r in printed if r["field"] == "A"]
    axes[0].plot(*zip(*marks), "x", color="tab:red", ms=8, mew=2, label="the recipe's printout")
    axes[0].set_xlabel("step")
    axes[0].set_ylabel("A")
    axes[0].legend(fontsize=7)
    for axis, (what, values) in zip(axes[1:], histograms.items()):
        axis.hist(values, bins=40, color="tab:blue", alpha=0.7)
        axis.axvline(next(r["printed"] for r in printed if r["what"] == what), color="tab:red", lw=2, label="printed")
        axis.set_xlabel(what)
        axis.set_ylabel("seeds")
        axis.legend(fontsize=7)
    figure.suptitle(f"{name}: the recipe's printed run among {study['seeds']:,} seeds", fontsize=10)
    save(figure, folder / "img" / f"fidelity-{name}.png")
    return f"![fidelity-{name}.png](img/fidelity-{name}.png)"


def recipe(name, study, printed, folder):
    rows = [(r["what"], r["printed"]) for r in printed]
    nearest = study["nearest"]
    parts = [f"## `{name}`: the printed run among {study['seeds']:,} seeds",
             f"Each seed is run by the TF2 twin's whole loop in one `tf.function`, traced once; the TF1 "
             f"Session ran {study['session_checked']} of the seeds too and gave the same bits on "
             f"{study['session_equal']}.", percentile_table(study, rows),
             f"The {nearest['n']} seeds whose A is nearest the printout at its printed steps (a root-mean-square "
             f"gap of {nearest['median_distance']:.3g}, median over them) started from a median A0 of "
             f"{nearest['median_A0']:.3g}; {nearest['percentile']:.1f}% of all {study['seeds']:,} seeds started lower."]
    if "other_loss" in study:
        other = study["other_loss"]
        parts += [f"The same seeds with the recipe's other loss, {other['options']['loss']} (`tf.abs` for `tf.square`; "
                  "its loss is another quantity, so only A):",
                  percentile_table(other, [(what, printed) for what, printed in rows if what.startswith("A ")])]
    if "unreduced_same_bits" in study:
        same = study["unreduced_same_bits"]
        parts += [f"The recipe's loss has no mean (`tf.square(x·A − y)`, which `minimize` sums); run as written in "
                  f"a TF1 graph it gave the same bits as the twin's `reduce_mean` on {sum(same)} of {len(same)} seeds."]
    return parts + [draw_recipe(name, study, printed, folder)]


def draw_variants(study, folder):
    figure, axes = plt.subplots(1, 2, figsize=(10, 3.6), sharey=True)
    for axis, method in zip(axes, ("autodiff", "synthetic")):
        for name, measured in study["measured"].items():
            accuracy = np.array(measured[method]["test_accuracy"])
            axis.plot(np.arange(1, accuracy.shape[1] + 1), np.median(accuracy, 0), lw=1, label=name)
        axis.set_title(f"{method}: median test accuracy of {study['seeds']} seeds", fontsize=9)
        axis.set_xlabel("epoch")
    axes[0].set_ylabel("test accuracy")
    axes[1].legend(fontsize=7)
    save(figure, folder / "img" / "fidelity-decoupled_rnn.png")
    return "![fidelity-decoupled_rnn.png](img/fidelity-decoupled_rnn.png)"


def variants(study, folder):
    spread = lambda values: (f"{np.median(values):.3g} ({np.min(values):.3g} to {np.max(values):.3g})")
    rows = []
    for name, options in study["variants"].items():
        measured = study["measured"][name]
        changes = ", ".join(f"`{k}={v}`" for k, v in options.items()) or "nothing (the default run)"
        final = {m: np.array(measured[m]["test_accuracy"])[:, -1] for m in ("autodiff", "synthetic")}
        rows.append([name, changes] + [spread(final[m]) for m in ("autodiff", "synthetic")]
                    + [spread(measured[m]["epoch_loss"]) for m in ("autodiff", "synthetic")]
                    + [f"{int(np.sum(final['synthetic'] > final['autodiff']))} of {len(final['autodiff'])}"])
    return ["## `decoupled_rnn`: the original's flaws, one at a time",
            f"Each variant is the example's own options, over {study['seeds']} seeds (seed 0 to {study['seeds'] - 1}; "
            "each seed draws its own weights, images and test images); median (lowest to highest) after the last epoch:",
            table(["variant", "options", "autodiff: test accuracy", "synthetic: test accuracy",
                   "autodiff: last epoch's mean loss", "synthetic: last epoch's mean loss",
                   "seeds where synthetic gradients tested better than autodiff (the post's observation)"], rows),
            draw_variants(study, folder)]


def page(record, notes, folder):
    import shared_data.classification as classification
    import shared_data.regression as regression
    (folder / "img").mkdir(parents=True, exist_ok=True)
    found = record["examples"]
    parts = [notes.strip(), GENERATED, f"Measured on {describe(record['machine'])}."]
    for name, data in (("regression", regression), ("classification", classification)):
        parts += recipe(name, found[name], data.PUBLISHED["rows"], folder)
    parts += variants(found["decoupled_rnn"], folder)
    return "\n\n".join(parts) + "\n"
