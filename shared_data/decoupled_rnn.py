"""Inputs for the decoupled RNN: MNIST 0/1 images, seeded weights, the image order."""
import numpy as np

from shared_data import mnist, positive_float, positive_int, rng
from tfparity.core.tolerances import Bound

HIDDEN = 784
# The original post: the 0/1 digits of the 10,000-image test split (980 + 1135), shuffled; the
# first 20 to test, the next 100 to train; 100 epochs, one image per update.
TEST_IMAGES, TRAIN_IMAGES, EPOCHS = 20, 100, 100
# Its learning rates: Wfc, then Wx/Wrec from synthetic gradients, the synthetic-gradient modules,
# and plain gradient descent for the autodiff baseline.
LR_X, LR_REC, LR_SG, LR_AUTODIFF = 1e-3, 1e-6, 1e-4, 0.1
# Its initial weights: 0.2 · N(0, std²) with these standard deviations.
SCALE, STDS = 0.2, {"Wx": 0.45, "Wrec": 0.035, "Wfc": 0.95, "Wsg1": 0.35, "Wsg2": 0.35}
SHAPES = {"Wx": (784, HIDDEN), "Wrec": (HIDDEN, HIDDEN), "Wfc": (HIDDEN, 1),
          "Wsg1": (HIDDEN, HIDDEN), "Wsg2": (HIDDEN, HIDDEN)}
SOURCES = ("test", "train")
# The original's flaws, each an option off by default (measured in docs/fidelity.md):
# "sign": it added the synthetic updates of Wx and Wrec (+=), the same bits as descent with lr_rec
# negated, so it is that; "stale": its hidden states were one variable, drawn from N(0, 1) and
# never reset, read by layer 2 and the output before the image's own assigns ran.
FLAWS = ("none", "sign", "stale", "sign+stale")
# The original's order is one shuffle, kept every epoch; "reshuffled" draws a new one per epoch.
ORDERS = ("fixed", "reshuffled")
# The runs docs/fidelity.md measures over several seeds, each by these options: ours, each flaw
# alone, the original as written, and as written with a new order every epoch or autodiff's rate
# at Wfc's synthetic-gradient rate (LR_X).
VARIANTS = {"ours": {}, "sign": {"flaws": "sign"}, "stale": {"flaws": "stale"},
            "as written": {"flaws": "sign+stale"},
            "as written, reshuffled every epoch": {"flaws": "sign+stale", "order": "reshuffled"},
            "as written, autodiff at 0.001": {"flaws": "sign+stale", "lr_autodiff": LR_X}}
# What the post said (Jae Duk Seo, "Manual Back Prop with TensorFlow: Decoupled Recurrent Neural
# Network", 2018): no number, a comparison. The guide puts it beside each variant's accuracy.
SAID = {"autodiff": "“did not do so well on the test images”", "synthetic": "better than autodiff (the post's comparison)"}
PUBLISHED = {"source": "a comparison of its two runs, in words", "distribution": "fidelity",
             "rows": [{"what": f"{method}: test accuracy after {EPOCHS} epochs, {name}", "printed": SAID[method],
                       "field": f"{method}/test_accuracy", "step": EPOCHS, "variant": name}
                      for name in VARIANTS for method in ("autodiff", "synthetic")]}
# A small run that still shows parity: what the tests and the notebooks run by default.
QUICK = {"epochs": 1, "train_size": 32, "test_size": 16}
# What the local layer was measured on (tfparity.core.local_record, seeds 0-2): QUICK, which the
# tests and the notebooks run, as we wrote it and as the original was written (both flaws), and the
# stale flaw over epochs of three images (an epoch's test advances the hidden state the next
# epoch's first update reads). Each update is the same one-image step through 784×784 matrices.
LOCAL_SETTINGS = (QUICK, dict(QUICK, flaws="sign+stale"), {"epochs": 3, "train_size": 3, "test_size": 4, "flaws": "stale"})
# `tfparity run`'s default (the main job, docs/performance.md#the-main-job has each mode's seconds):
# 100 epochs of one-image updates through 784×784 matrices, for each method; the Session and the
# step as a tf.function run the first 5, eager the first 2, each compared with the same span of the
# Session's run and marked partial (`--full`, `tfparity docs` and the records' tests run every mode
# to the end).
FIRST_EPOCHS = {"tf1_graph": 5, "tf2_eager": 2}
# Allowed differences from the TF1 Session, each with its named cause and its measurement;
# tfparity/core/tolerances.py applies a bound only while its cause is active. Local bounds: each
# twin takes one update of either method from a given state (step_from), so every TF2 mode is judged
# on single updates taken from the Session's own state (tfparity.core.harness.local_layer), in ULPs
# at each field's largest value, each method's loss at its largest over the checked updates; the
# free-running trajectory is reported beside it, not bounded. The measurements are in
# docs/results/local_steps.json (python -m tfparity.core.local_record decoupled_rnn, under each oneDNN
# setting); each bound is the smallest power of two at or above twice the largest of them, as
# parity_tests/test_local_steps.py checks.
LOCAL_BOUNDS = True
BOUNDS = {
    "tf2_xla": [Bound(
        "xla", 64, 0.0,
        "XLA's fused epoch rounds otherwise: one update from the Session's state differs in the weights "
        "by rounding, and in the one-image loss, half the square of an output that nears its target, "
        "by more. Measured over the checked updates of QUICK (as we wrote it and with both flaws) and "
        "of the stale flaw over three-image epochs (seeds 0-2), under each oneDNN setting: "
        "docs/results/local_steps.json.")],
}
# What `tfparity run` lets a user set beyond the common options: make_inputs parameter -> argparse settings.
OPTIONS = {"train_size": {"type": int, "help": "train on N images of 0 and 1 (the original: 100)"},
           "test_size": {"type": int, "help": "test on N other images of 0 and 1 (the original: 20)"},
           "source": {"choices": SOURCES, "help": "train on the test split's 0/1 digits (the original) or the train split's"},
           "flaws": {"choices": FLAWS, "help": "run with the original's flaws: its += on the synthetic updates (sign), "
                                               "its stale hidden-state reads (stale), or both (default none)"},
           "order": {"choices": ORDERS, "help": "the original's one fixed image order, or a new one every epoch"},
           "lr_autodiff": {"type": float, "help": "the autodiff baseline's learning rate (the original: 0.1)"}}


def zeros_and_ones(images, labels):
    keep = (labels == 0) | (labels == 1)
    return images[keep], labels[keep].astype(np.float32)[:, None]


def make_inputs(seed=0, epochs=EPOCHS, train_size=TRAIN_IMAGES, test_size=TEST_IMAGES,
                source="test", flaws="none", order="fixed", lr_autodiff=LR_AUTODIFF, data_dir=None, download=False):
    """``source="test"`` draws both sets from the test split, as the original did; ``"train"``
    trains on the train split's 0/1 images and tests on the test split's."""
    epochs = positive_int("epochs", epochs)
    train_size, test_size = positive_int("train size", train_size), positive_int("test size", test_size)
    if source not in SOURCES:
        raise ValueError(f"source must be one of {', '.join(SOURCES)}, got {source!r}")
    for name, value, allowed in (("flaws", flaws, FLAWS), ("order", order, ORDERS)):
        if value not in allowed:
            raise ValueError(f"{name} must be one of {', '.join(allowed)}, got {value!r}")
    lr_autodiff = positive_float("autodiff learning rate", lr_autodiff)
    draw = rng(seed)
    data = mnist.load(data_dir, download=download)
    test_x, test_y = zeros_and_ones(data["test_x"], data["test_labels"])
    shuffled = draw.permutation(len(test_x))
    if source == "test":
        test, train = shuffled[:test_size], shuffled[test_size:test_size + train_size]
        train_x, train_y = test_x[train], test_y[train]
    else:
        train_x, train_y = zeros_and_ones(data["train_x"], data["train_labels"])
        train = draw.permutation(len(train_x))[:train_size]
        train_x, train_y, test = train_x[train], train_y[train], shuffled[:test_size]
    if len(train_x) < train_size or len(test) < test_size:
        raise ValueError(f"only {len(train_x)} training and {len(test)} test images of 0 and 1 "
                         f"are available from the {source} split")
    weights = {name: (SCALE * draw.normal(0.0, STDS[name], SHAPES[name])).astype(np.float32)
               for name in SHAPES}
    # Drawn after everything else, so the default inputs stay what they were: the original's
    # hidden-state variable (h0, h1, h2 from N(0, 1)), used only with its stale-read flaw.
    state0 = draw.normal(0.0, 1.0, (3, HIDDEN)).astype(np.float32)
    schedule = np.tile(np.arange(train_size), (epochs, 1))  # the original's fixed order
    if order == "reshuffled":
        schedule = np.stack([draw.permutation(train_size) for _ in range(epochs)])
    return dict(weights, **{
        "train_x": train_x, "train_y": train_y, "test_x": test_x[test], "test_y": test_y[test],
        "schedule": schedule, "state0": state0, "stale": "stale" in flaws,
        "epochs": epochs, "lr_x": LR_X, "lr_rec": -LR_REC if "sign" in flaws else LR_REC, "lr_sg": LR_SG,
        "lr_autodiff": lr_autodiff, "hidden": HIDDEN, "source": source, "report_every": 10,
    })


def figures(record, folder):
    """The guide's own figures for this example: both methods' cost per epoch, and the test images
    with each method's predictions. Returns the file names drawn."""
    from tfparity.render import plots
    plots.methods(record, folder / "img" / "decoupled_rnn-cost.png")
    inputs = make_inputs(record["seed"])
    predictions = {f.split("/")[0]: v for f, v in record["predictions"]["tf1_graph"].items()}
    plots.image_grid(inputs["test_x"], inputs["test_y"].ravel(), predictions,
                     folder / "img" / "decoupled_rnn-test-images.png")
    return ["decoupled_rnn-cost.png", "decoupled_rnn-test-images.png"]
