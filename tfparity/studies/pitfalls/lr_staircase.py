"""Pitfall: ``staircase``. TF1's ``tf.train.exponential_decay`` and Keras 3's
``keras.optimizers.schedules.ExponentialDecay`` both default to ``staircase=False``, a rate that
decays at every step; the tutorials passed ``staircase=True`` (the rate changes every decay_steps),
and a port that drops the argument decays at once. With the argument the two schedules compute
the same float32 ops (learning_rate_schedule.py, ``ExponentialDecay.__call__``: cast, divide,
floor, pow, multiply), bit for bit."""
import numpy as np

STEPS, RATE, DECAY_STEPS, DECAY_RATE = 8, 0.1, 3, 0.5


def measure():
    import keras
    import tensorflow as tf
    import tensorflow.compat.v1 as tf1
    graph = tf1.Graph()
    with graph.as_default():
        step = tf1.placeholder(tf1.int64, [])
        tf1_rate = tf1.train.exponential_decay(RATE, step, DECAY_STEPS, DECAY_RATE, staircase=True)
    with tf1.Session(graph=graph) as sess:
        tf1_rates = [sess.run(tf1_rate, {step: k}) for k in range(STEPS)]
    rates = {staircase: [keras.optimizers.schedules.ExponentialDecay(RATE, DECAY_STEPS, DECAY_RATE, staircase=staircase)(
        tf.constant(k, tf.int64)).numpy() for k in range(STEPS)] for staircase in (True, False)}
    differs = [k for k in range(STEPS) if rates[False][k] != tf1_rates[k]]
    return {f"TF1 exponential_decay(staircase=True), steps 0-{STEPS - 1}": [float(r) for r in tf1_rates],
            "Keras 3 ExponentialDecay(staircase=True): bit-identical at every step": bool(np.array_equal(rates[True], tf1_rates)),
            "Keras 3 ExponentialDecay without staircase: the first step that differs": differs[0] if differs else None,
            "Keras 3 ExponentialDecay without staircase: steps that differ": len(differs)}
