"""The guide's figures, drawn from records: both twins overlaid, their divergence drawn below."""
import io

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

from tfparity.core.compare import ulp_distance  # noqa: E402
from tfparity.core.jsonio import write_atomic  # noqa: E402

STYLE = {"tf1_graph": dict(lw=3, alpha=0.45), "tf1_eager": dict(lw=1.6, ls="-."),
         "tf2_eager": dict(lw=1.2, ls="--"), "tf2_function": dict(lw=1, ls=":")}
# An example's own modes (harness.declared_modes) share one thin dash-dot line.
OTHER_STYLE = dict(lw=0.8, ls="-.")


def style(mode):
    return STYLE.get(mode, OTHER_STYLE)


def save(figure, path):
    """PNG without a timestamp or version stamp, so the same record draws the same bytes."""
    buffer = io.BytesIO()
    figure.tight_layout()
    figure.savefig(buffer, format="png", dpi=90, metadata={"Software": None})
    plt.close(figure)
    write_atomic(path, buffer.getvalue())


def _steps(series):
    return np.arange(1, len(series["values"]) + 1) * series["every"]


def overlay(record, fields, path, title, log=()):
    """One panel per field with every mode on top of each other, then the ULP gap to TF1."""
    series = record["series"]
    figure, axes = plt.subplots(len(fields) + 1, 1, figsize=(7, 2.2 * (len(fields) + 1)), sharex=True)
    for axis, field in zip(axes, fields):
        for mode, trace in series.items():
            axis.plot(_steps(trace[field]), trace[field]["values"], label=mode, **style(mode))
        axis.set_ylabel(field.rpartition("/")[2])
        if field in log:
            axis.set_yscale("log")
    axes[0].legend(fontsize=8)
    axes[0].set_title(title)
    reference = series["tf1_graph"]
    for mode, trace in series.items():
        if mode != "tf1_graph":
            gaps = np.max([ulp_distance(reference[f]["values"], trace[f]["values"]) for f in fields], 0)
            axes[-1].plot(_steps(reference[fields[0]]), gaps, label=f"{mode} vs tf1_graph", **style(mode))
    axes[-1].set_yscale("symlog", linthresh=1)
    axes[-1].set_ylabel("ULP gap")
    axes[-1].set_xlabel("epoch" if "epochs" in record["settings"] else "update")
    axes[-1].legend(fontsize=8)
    save(figure, path)


def methods(record, path, field="epoch_loss"):
    """One field of several training methods (prefix/field) on one axis, every mode overlaid."""
    figure, axis = plt.subplots(figsize=(7, 3.5))
    for mode, trace in record["series"].items():
        for name in (f for f in trace if f.endswith("/" + field)):
            axis.plot(_steps(trace[name]), trace[name]["values"], label=f"{name.split('/')[0]} {mode}",
                      **style(mode))
    axis.set_yscale("log")
    axis.set_xlabel("epoch")
    axis.set_ylabel(field)
    axis.legend(fontsize=8)
    axis.set_title(f"{record['example']}: {field} per epoch")
    save(figure, path)


def image_grid(images, labels, predictions, path, columns=10):
    """Test images with their label and each method's prediction (red where wrong)."""
    rows = -(-len(images) // columns)
    figure, axes = plt.subplots(rows, columns, figsize=(columns * 1.1, rows * 1.45))
    for axis in np.ravel(axes):
        axis.axis("off")
    for i, (axis, image) in enumerate(zip(np.ravel(axes), images)):
        axis.imshow(image.reshape(28, 28), cmap="gray_r")
        guesses = " ".join(str(int(p[i])) for p in predictions.values())
        wrong = any(int(p[i]) != int(labels[i]) for p in predictions.values())
        axis.set_title(f"{int(labels[i])}: {guesses}", fontsize=8, color="red" if wrong else "black")
    figure.suptitle(f"label: prediction by {', '.join(predictions)} (red where one is wrong)", fontsize=9)
    save(figure, path)


def kernels(weights, path, count=8):
    """The first ``count`` 2-D kernels (first input channel) of a conv weight [h, w, in, out], a
    row per mode ({mode: array}), on one colour scale, with each mode's largest gap to the first row."""
    modes = list(weights)
    limit = max(float(np.abs(w[..., 0, :count]).max()) for w in weights.values())
    figure, axes = plt.subplots(len(modes), count, figsize=(count * 1.0, len(modes) * 1.25), squeeze=False)
    for row, mode in zip(axes, modes):
        for k, axis in enumerate(row):
            axis.imshow(weights[mode][..., 0, k], cmap="RdBu_r", vmin=-limit, vmax=limit)
            axis.set_xticks([])
            axis.set_yticks([])
        gap = float(np.abs(weights[mode][..., 0, :count] - weights[modes[0]][..., 0, :count]).max())
        row[0].set_ylabel(f"{mode}\nmax |Δ| {gap:.2g}", fontsize=7)
    figure.suptitle(f"first {count} first-layer filters after training, each mode", fontsize=9)
    save(figure, path)
