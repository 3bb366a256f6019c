"""The batch-norm pitfalls' common runs: TF1's ``tf.layers.batch_normalization`` (tf-keras's legacy
layer, as ``tf.compat.v1.layers`` served it) and ``slim.batch_norm`` in a Session, Keras 3's
``BatchNormalization``, and the port's ``tfparity.port.batch_norm.BatchNorm``, on one seeded batch."""
import numpy as np

# A conv-like batch [2, 3, 3, 4]: 18 values per channel, so Bessel's correction n/(n-1) = 18/17
# stands far above float32's rounding, and a mean and spread far from batch norm's initial 0 and 1.
SHAPE, MEAN, SPREAD, SEED = (2, 3, 3, 4), 1.0, 2.0, 0


def batch(seed=SEED):
    return np.random.default_rng(seed).normal(MEAN, SPREAD, SHAPE).astype(np.float32)


def tf1_layer(x, steps=1, update_ops=True, is_training=True, kind="layers", **options):
    """TF1's batch norm trained ``steps`` times on ``x`` in a Session, the train op (a no-op here:
    batch norm alone) with UPDATE_OPS as its control dependency or without: (the output of the
    last run, {variable name: value after}), names under the layer's scope 'bn'."""
    import tensorflow.compat.v1 as tf1
    graph = tf1.Graph()
    with graph.as_default():
        placeholder, training = tf1.placeholder(tf1.float32, x.shape), tf1.placeholder(tf1.bool, [])
        if kind == "slim":
            import tf_slim as slim
            y = slim.batch_norm(placeholder, is_training=training, scope="bn", **options)
        else:
            from tf_keras.api._v1.keras.__internal__.legacy import layers
            y = layers.batch_normalization(placeholder, training=training, name="bn", **options)
        with tf1.control_dependencies(tf1.get_collection(tf1.GraphKeys.UPDATE_OPS) if update_ops else []):
            train_op = tf1.no_op()
        variables = tf1.global_variables()
        init = tf1.global_variables_initializer()
    with tf1.Session(graph=graph) as sess:
        sess.run(init)
        for _ in range(steps):
            out, _ = sess.run([y, train_op], {placeholder: x, training: is_training})
        return out, {v.op.name.split("/", 1)[1]: value for v, value in zip(variables, sess.run(variables))}


def keras_layer(x, steps=1, training=True, **options):
    """Keras 3's BatchNormalization called ``steps`` times on ``x``: (the last output, moving mean, moving variance)."""
    import keras
    layer = keras.layers.BatchNormalization(**options)
    for _ in range(steps):
        out = layer(x, training=training)
    return np.asarray(out), layer.moving_mean.numpy(), layer.moving_variance.numpy()


def port_layer(x, steps=1, **options):
    """The port's BatchNorm (TF1's rule) trained ``steps`` times: (the last output, moving mean, moving variance)."""
    import tensorflow as tf

    from tfparity.port.batch_norm import BatchNorm
    layer = BatchNorm(x.shape[-1], **options)
    for _ in range(steps):
        out = layer(tf.constant(x), training=True)
    return out.numpy(), layer.moving_mean.numpy(), layer.moving_variance.numpy()


def ulp(reference, other):
    """The largest difference in units of the last place of ``reference``'s largest magnitude, to 3 digits."""
    scale = np.spacing(np.abs(reference).max())
    return float(f"{np.abs(np.asarray(reference) - np.asarray(other)).max() / scale:.3g}")
