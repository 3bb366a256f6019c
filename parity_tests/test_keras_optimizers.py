"""TF1's nine rules as Keras 3 optimizers: ``model.fit`` with ``tfparity.port.keras_optimizers`` ends
bit-identical to the TF1 Session's tf1.train optimizer, on the false-friends MLP problem."""
import os

import numpy as np
import pytest

from shared_data import false_friends as data
from tfparity.port import keras_optimizers, optimizers
from tfparity.studies.false_friends import keras_fit, tf1

pytestmark = pytest.mark.skipif(not os.environ.get("MNIST_DIR"), reason="needs the real MNIST (MNIST_DIR)")
RULES = {  # the TF1 arguments friends/tf1.py gives each tf1.train optimizer
    "GradientDescent": lambda lr: optimizers.GradientDescent(lr),
    "Momentum": lambda lr: optimizers.Momentum(lr, 0.9),
    "Momentum, Nesterov": lambda lr: optimizers.Momentum(lr, 0.9, use_nesterov=True),
    "Adam": lambda lr: optimizers.Adam(lr),
    "RMSProp": lambda lr: optimizers.RMSProp(lr),
    "RMSProp, momentum": lambda lr: optimizers.RMSProp(lr, momentum=0.9),
    "RMSProp, centered": lambda lr: optimizers.RMSProp(lr, centered=True),
    "Adagrad": lambda lr: optimizers.Adagrad(lr),
    "Adadelta": lambda lr: optimizers.Adadelta(lr),
}


@pytest.fixture(scope="module")
def problem():
    return data.problems(0)["mlp"]


@pytest.mark.parametrize("name", RULES)
def test_fit_with_the_wrapped_rule_is_bit_identical_to_the_session(problem, name):
    desired = tf1.train("mlp", problem, name)
    weights, _, _, net = keras_fit.fit(problem, optimizer=keras_optimizers.wrap(RULES[name](problem["learning_rate"])))
    assert {k: desired[k][-1].tobytes() == v.tobytes() for k, v in weights.items()} == dict.fromkeys(weights, True)
    assert net.optimizer.iterations.numpy() == len(problem["batches"])


def test_the_rules_slots_are_tracked_by_the_keras_optimizer_and_checkpointed(problem, tmp_path):
    import tensorflow as tf
    optimizer = keras_optimizers.wrap(optimizers.Adam(problem["learning_rate"]))
    keras_fit.fit(problem, optimizer=optimizer)
    saved = dict(tf.train.list_variables(tf.train.Checkpoint(optimizer=optimizer).write(str(tmp_path / "k"))))
    assert {f"optimizer/tf1_state/slots/{slot}/{i}/.ATTRIBUTES/VARIABLE_VALUE" for slot in "mv" for i in range(4)} <= set(saved)
    beta1_power = optimizer.tf1_state.non_slots["beta1_power"].numpy()
    assert beta1_power == pytest.approx(0.9 ** (len(problem["batches"]) + 1), rel=1e-5)
