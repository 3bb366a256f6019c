"""Every tolerance has a measured cause; the causes that can be switched off are proven."""
import subprocess
import sys

from tfparity.tolerances import TOLERANCES

CLASSIFICATION_WITHOUT_ARITHMETIC_OPTIMIZER = """
import tensorflow as tf
from shared_data.classification import make_inputs
import tf2_eager.classification as twin
from tfparity.compare import compare
tf.config.optimizer.set_experimental_options({"arithmetic_optimization": False})
inputs = make_inputs(0)
print(compare(twin.run(inputs), twin.run(inputs, function=True)))
"""


def test_every_tolerance_states_its_cause():
    for key, entry in TOLERANCES.items():
        assert entry.ulp > 0 and len(entry.cause) > 80 and "Measured" in entry.cause, key


def test_classification_eager_gap_is_grapplers_arithmetic_optimizer():
    done = subprocess.run([sys.executable, "-c", CLASSIFICATION_WITHOUT_ARITHMETIC_OPTIMIZER],
                          capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "bit-identical", done.stdout + done.stderr
