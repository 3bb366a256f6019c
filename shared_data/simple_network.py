"""Inputs for the one-weight network f(w) = a·w: no randomness, only the published settings."""
from shared_data import positive_float, positive_int, rng
from tfparity.core.tolerances import Bound

# The source's network: weight a = 2 on the input, start at w = 0.8, desired output 1.
A, W0, Y = 2.0, 0.8, 1.0
# The source's two runs: learning rate 1 diverges within 5 updates, 0.1 converges within 25.
RUNS = ((1.0, 5), (0.1, 25))
# The source's published table, update by update (it numbers its rows one ahead: update n is
# its row n + 1): learning rate 1, w and f = a·w after updates 1-5; learning rate 0.1, w after
# updates 1-4 and the exact float64 tail it printed, w and f after updates 21-23. The guide puts
# each beside our float64 run.
TABLE = {1.0: {"w": (-1.6, 15.2, -102.4, 720.8, -5041.6), "f": (-3.2, 30.4, -204.8, 1441.6, -10083.2)},
         0.1: {"w": {1: 0.56, 2: 0.512, 3: 0.5024, 4: 0.50048, 21: 0.5000000000000007,
                     22: 0.5000000000000001, 23: 0.5}, "f": {22: 1.0000000000000002, 23: 1.0}}}
PUBLISHED = {"source": "its gradient-descent table, update by update", "rows": [
    {"what": f"learning rate {rate:g}: {field} after update {step} (its row {step + 1})", "printed": value,
     "field": f"lr={rate:g}/float64/{field}", "step": step}
    for rate, fields in TABLE.items() for field, values in fields.items()
    for step, value in (values.items() if isinstance(values, dict) else enumerate(values, 1))]}
# The field each update's loss is: the source's cost C(w), one per run (the local layer compares it).
LOSS = "cost"
# float64 reproduces the published table; float32 is what TF uses by default.
DTYPES = ("float64", "float32")
# A small run that still shows parity: what the tests and the notebooks run by default.
QUICK = {"steps": 20}
# What the local bounds were measured on (tfparity.core.local_record): the published runs and QUICK.
LOCAL_SETTINGS = ({}, QUICK)
# Allowed differences from the TF1 Session, each with its named cause and its measurement;
# tfparity/core/tolerances.py applies a bound only while its cause is active. The bounds are local:
# one update from the Session's own state (tfparity.core.harness.local_layer); the trajectory is
# compared bit for bit and reported where it differs.
LOCAL_BOUNDS = True
BOUNDS = {
    "tf2_xla": [Bound(
        "xla", 64, 0.0,
        "XLA's fused float64 update rounds w otherwise on the learning-rate-0.1 run (the published "
        "w after its first update is the Session's, XLA's is its neighbour), and the cost after it, "
        "the square of a·w − ŷ as it nears zero, carries that difference in more of its own ULPs; "
        "the other runs stay bit-identical. Measured over the checked updates of the published runs "
        "and of QUICK (seeds 0-2), under each oneDNN setting: docs/results/local_steps.json.")],
}


def make_inputs(seed=0, learning_rate=None, steps=None):
    """The published two runs, or one run with the given learning rate and number of updates."""
    rng(seed)  # validates the seed; this example draws nothing
    runs = RUNS
    if learning_rate is not None or steps is not None:
        runs = ((positive_float("learning rate", 0.1 if learning_rate is None else learning_rate),
                 positive_int("steps", 25 if steps is None else steps)),)
    return {
        "a": A, "w0": W0, "y": Y,
        "runs": [{"name": f"lr={lr:g}/{dtype}", "learning_rate": lr, "steps": n, "dtype": dtype}
                 for lr, n in runs for dtype in DTYPES],
        "report_every": 1,
    }


def figures(record, folder):
    """The guide's own figure for this example: the cost parabola C(w) = (A·w − Y)² with each
    published run's update path in float64, TF1 and TF2. Returns the file names drawn."""
    import numpy as np

    from tfparity.render.plots import plt, save
    w = np.linspace(-2, 2.5, 400)
    figure, axis = plt.subplots(figsize=(7, 4))
    axis.plot(w, (A * w - Y) ** 2, color="grey", lw=1, label=f"C(w) = ({A:g}w − {Y:g})²")
    for (rate, _), color in zip(RUNS, ("tab:red", "tab:blue")):
        prefix = f"lr={rate:g}/float64"
        for mode, marker in (("tf1_graph", "o"), ("tf2_eager", "x")):
            path_w = np.concatenate([[record["settings"]["w0"]], record["series"][mode][f"{prefix}/w"]["values"]])
            shown = path_w[np.abs(path_w) < 2.5]
            axis.plot(shown, (A * shown - Y) ** 2, marker=marker, color=color, lw=0.8,
                      alpha=0.5 if mode == "tf1_graph" else 1, label=f"lr={rate:g} {mode}")
    axis.set_xlabel("w")
    axis.set_ylabel("C(w)")
    axis.set_ylim(-0.5, 19)
    axis.legend(fontsize=8)
    axis.set_title(f"one-weight network: learning rate {RUNS[0][0]:g} overshoots, {RUNS[1][0]:g} settles at w = {Y / A:g}")
    save(figure, folder / "img" / "simple_network-parabola.png")
    return ["simple_network-parabola.png"]
