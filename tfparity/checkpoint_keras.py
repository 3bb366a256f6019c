"""A TF1 Adam checkpoint into a Keras 3 model and ``keras.optimizers.Adam``: the map."""
from tfparity import optimizers
from tfparity.checkpoints import CheckpointError, paths


def keras_adam_map(weights, roots, optimizer="optimizer"):
    """The whole map for a TF1 Adam checkpoint into a Keras 3 model and ``keras.optimizers.Adam``,
    from the map of the weights alone (Keras names cannot carry TF1's "/"): each weight's ``Adam``
    and ``Adam_1`` slots are the Keras optimizer's momentum and velocity of the Keras variable at
    its path, and ``beta1_power`` = beta_1^(t+1) gives ``iterations`` = t. Keras keeps no power
    (it recomputes beta^t), so ``beta2_power`` is left out. Build the optimizer first."""
    from tfparity import optimizers
    keras_optimizer, targets = roots[optimizer], paths(roots)
    position = {id(v): i for i, v in enumerate(keras_optimizer._trainable_variables)}
    mapping = dict(weights)
    for name, path in weights.items():
        if path is None:
            continue
        if path not in targets or id(targets[path]) not in position:
            raise CheckpointError(f"map entry {name}: {path} is not a variable the optimizer trains")
        slots = optimizers.Adam().tf1_names(name)
        index = position[id(targets[path])]
        mapping[slots["m"]] = f"{optimizer}._momentums.{index}"
        mapping[slots["v"]] = f"{optimizer}._velocities.{index}"
    mapping["beta1_power"] = {"path": f"{optimizer}._iterations", "iterations_from_beta": float(keras_optimizer.beta_1)}
    mapping["beta2_power"] = None
    return mapping
