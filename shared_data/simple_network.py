"""Inputs for the one-weight network f(w) = a·w: no randomness, only the published settings."""
from shared_data import positive_float, positive_int, rng

# The source's network: weight a = 2 on the input, start at w = 0.8, desired output 1.
A, W0, Y = 2.0, 0.8, 1.0
# The source's two runs: learning rate 1 diverges within 5 updates, 0.1 converges within 25.
RUNS = ((1.0, 5), (0.1, 25))
# float64 reproduces the published table; float32 is what TF uses by default.
DTYPES = ("float64", "float32")
# A small run that still shows parity: what the tests and the notebooks run by default.
QUICK = {"steps": 20}


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
