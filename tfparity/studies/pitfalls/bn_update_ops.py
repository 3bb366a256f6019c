"""Pitfall: TF1's batch norm (``tf.layers.batch_normalization``, ``slim.batch_norm``) puts its
moving-average updates in the ``UPDATE_OPS`` collection (tf-keras ``BatchNormalizationBase._fused_batch_norm``,
``add_update``) instead of running them with its output: a train op without them as its control
dependency trains, but the moving statistics stay at their initial zeros and ones, so the model
tests on them later as if never trained. TF2 has no UPDATE_OPS: a Keras layer (and the port's
BatchNorm) updates its moving statistics when called with training=True."""
from tfparity.studies.pitfalls.batch_norm_runs import batch, port_layer, tf1_layer, ulp


def measure():
    x = batch()
    _, run = tf1_layer(x, steps=3)
    _, forgotten = tf1_layer(x, steps=3, update_ops=False)
    _, mean, variance = port_layer(x, steps=3)
    return {"3 steps with UPDATE_OPS as the control dependency: moving mean's largest |value|":
                float(f"{abs(run['moving_mean']).max():.3g}"),
            "3 steps without UPDATE_OPS: moving mean's largest |value|": float(abs(forgotten["moving_mean"]).max()),
            "3 steps without UPDATE_OPS: moving variance is still all ones": bool((forgotten["moving_variance"] == 1).all()),
            "port's BatchNorm, 3 steps: moving mean against TF1's with UPDATE_OPS, in ULP": ulp(run["moving_mean"], mean),
            "port's BatchNorm, 3 steps: moving variance against TF1's with UPDATE_OPS, in ULP":
                ulp(run["moving_variance"], variance)}
