"""TF2 twins: idiomatic eager TF2 (tf.Variable, GradientTape, assign_sub), never compat.v1.

Contract: ``run(inputs, function=False) -> {field: per-step numpy array}``; ``function=True``
runs the same step as a ``tf.function``.
"""
