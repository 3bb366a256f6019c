"""Pitfall: batch norm's momentum, decay and defaults across TF1's two APIs and Keras 3. slim's
``decay`` (0.999 by default) and tf.layers' ``momentum`` (0.99) are the weight of the old moving
value, as Keras 3's ``momentum`` (0.99) is; PyTorch's ``momentum`` (0.1) is the weight of the new
batch, so a port that reads TF1's decay as that momentum (``momentum=1 - decay``) keeps almost
nothing of the moving statistics. Even with the right momentum Keras 3's layer is not TF1's: its
moving variance takes the batch variance without Bessel's correction (keras/src/layers/normalization/
batch_normalization.py, ``BatchNormalization.call``: ``ops.moments``) where TF1's fused kernel's has
it, and it updates ``moving * momentum + batch * (1 - momentum)`` with 1 - momentum in float64, where
TF1 subtracts ``(moving - batch) * (1 - momentum)`` with 1 - momentum in float32 (tf-keras
``_assign_moving_average``). slim.batch_norm makes no gamma (``scale=False`` by default): loading
its checkpoint into a layer with scale=True leaves gamma at ones, the same function; with scale=True
in slim and not in the port, the trained gamma is dropped. On TF 2.21 with tf-keras 2.21
slim.batch_norm builds in no configuration measured here: with its defaults (fused=None) it builds
TF's core layer class, which TF loads from a tf-keras module 2.21 no longer has, and slim's own
fused path (``fused=True, updates_collections=None``) reads ``ops.Tensor``, which TF 2.21 dropped; its
defaults are read from its signature, and a TF1 program that used it is recorded on the 2.15
runtime (``tfparity record --runtime 2.15``)."""
import inspect

from tfparity.studies.pitfalls.batch_norm_runs import batch, keras_layer, port_layer, tf1_layer, ulp


def _error(call):
    try:
        call()
        return "builds"
    except Exception as error:  # noqa: BLE001 - what it raises is the measurement
        return f"{type(error).__name__}: {error}"


def measure():
    import tf_slim as slim
    x = batch()
    _, layers = tf1_layer(x, steps=3)
    _, keras_mean, keras_variance = keras_layer(x, steps=3)
    _, slip_mean, _ = keras_layer(x, steps=3, momentum=1 - 0.99)
    _, port_mean, port_variance = port_layer(x, steps=3)
    defaults = {name: p.default for name, p in inspect.signature(slim.batch_norm).parameters.items()
                if name in ("decay", "center", "scale", "epsilon")}
    return {"slim.batch_norm with its defaults (fused=None), TF 2.21": _error(lambda: tf1_layer(x, kind="slim")),
            "slim.batch_norm(fused=True, updates_collections=None), TF 2.21":
                _error(lambda: tf1_layer(x, kind="slim", fused=True, updates_collections=None)),
            "slim.batch_norm's defaults": defaults,
            "tf.layers.batch_normalization's variables": sorted(layers),
            "3 steps, momentum 0.99: port's BatchNorm moving mean and variance against tf.layers', in ULP":
                max(ulp(layers["moving_mean"], port_mean), ulp(layers["moving_variance"], port_variance)),
            "3 steps, momentum 0.99: Keras 3 moving mean against tf.layers', in ULP": ulp(layers["moving_mean"], keras_mean),
            "3 steps, momentum 0.99: Keras 3 moving variance against tf.layers', in ULP":
                ulp(layers["moving_variance"], keras_variance),
            "3 steps, Keras 3 momentum=1 - 0.99 (decay read as PyTorch's momentum): moving mean in ULP":
                ulp(layers["moving_mean"], slip_mean)}
